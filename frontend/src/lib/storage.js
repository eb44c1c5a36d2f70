/**
 * Browser persistence (localStorage). Reads never throw: a missing, old or corrupt entry, or a
 * browser that blocks storage, gives the fallback and the app starts clean.
 */

export function load(key, fallback, validate = () => true) {
  try {
    const raw = globalThis.localStorage?.getItem(key);
    if (raw == null) return fallback;
    const value = JSON.parse(raw);
    return validate(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

/** Returns false when the browser refused (quota, private mode); the app keeps working. */
export function save(key, value) {
  try {
    globalThis.localStorage?.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}
