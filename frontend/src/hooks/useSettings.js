import { useCallback, useEffect, useMemo, useState } from 'react';
import { load, save } from '../lib/storage.js';

const KEY = 'mini-reasoner.settings.v1';

/** The contract's bounds; /api/info `limits` replaces them when the server sends its own. */
export const DEFAULT_LIMITS = {
  max_prompt_chars: 500,
  max_tokens: { min: 1, max: 256, default: 128 },
  temperature: { min: 0, max: 2, default: 0 },
  top_k: { min: 0, max: 100, default: 0 },
};

const FIELDS = ['temperature', 'top_k', 'max_tokens'];

function clamp(value, { min, max }) {
  return Math.min(max, Math.max(min, value));
}

/** Greedy decoding (temperature 0) unless the user chose otherwise; kept across reloads. */
export function useSettings(serverLimits) {
  const limits = useMemo(() => ({ ...DEFAULT_LIMITS, ...serverLimits }), [serverLimits]);
  const [chosen, setChosen] = useState(() =>
    load(KEY, {}, (v) => v && typeof v === 'object' && !Array.isArray(v)),
  );

  useEffect(() => {
    save(KEY, chosen);
  }, [chosen]);

  const values = useMemo(() => {
    const out = {};
    for (const field of FIELDS) {
      const picked = Number(chosen[field]);
      out[field] = Number.isFinite(picked) ? clamp(picked, limits[field]) : limits[field].default;
    }
    out.top_k = Math.round(out.top_k);
    out.max_tokens = Math.round(out.max_tokens);
    return out;
  }, [chosen, limits]);

  const change = useCallback((field, value) => {
    setChosen((prev) => ({ ...prev, [field]: value }));
  }, []);
  const reset = useCallback(() => setChosen({}), []);

  /** The request options; sampling gets a seed so the inspector can replay the same answer. */
  const requestOptions = useCallback(() => {
    const options = { ...values };
    if (options.temperature > 0) options.seed = Math.floor(Math.random() * 2 ** 31);
    return options;
  }, [values]);

  return { values, limits, change, reset, requestOptions };
}
