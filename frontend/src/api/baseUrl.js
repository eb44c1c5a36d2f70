/**
 * Where the API lives. One rule for every way the UI is served:
 * - VITE_API_BASE_URL when set (a static host such as Vercel, the API elsewhere);
 * - otherwise the page's own origin: the backend serves the built UI itself, and `npm run dev`
 *   forwards /api to http://localhost:8000 (vite.config.js).
 */

const DEV_BACKEND = 'http://localhost:8000';

/** The configured base URL without a trailing slash; '' means "same origin". */
export function apiBase(env = import.meta.env) {
  const configured = String(env?.VITE_API_BASE_URL ?? '').trim();
  return configured.replace(/\/+$/, '');
}

/** The URL of an API path such as '/api/info'. */
export function apiUrl(path, base = apiBase()) {
  return `${base}${path}`;
}

/** The absolute URL a request went to, for error messages ("could not reach ..."). */
export function absoluteUrl(url, origin = globalThis.location?.origin ?? DEV_BACKEND) {
  try {
    return new URL(url, origin).href;
  } catch {
    return url;
  }
}

/** How the base URL was chosen, so "unreachable" errors say what to check. */
export function describeBase(env = import.meta.env) {
  if (apiBase(env)) return 'set by VITE_API_BASE_URL';
  if (env?.DEV) return `same origin; the dev server forwards /api to ${DEV_BACKEND}`;
  return 'same origin as this page (VITE_API_BASE_URL is not set)';
}
