import { useCallback, useEffect, useState } from 'react';
import { inspect } from '../api/client.js';

// Inspections are not stored with the conversation (they are large); this keeps them while the
// page is open, so closing and reopening an inspector costs nothing.
const cache = new Map();

/** Fetches POST /api/inspect for an answer's prompt and options, once. */
export function useInspection(message) {
  const key = `${message.id}:${message.text}`;
  const [state, setState] = useState(() =>
    cache.has(key) ? { data: cache.get(key), error: null } : { data: null, error: null },
  );
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (cache.has(key)) {
      setState({ data: cache.get(key), error: null });
      return undefined;
    }
    const controller = new AbortController();
    setState({ data: null, error: null });
    inspect({ prompt: message.prompt, ...message.options }, controller.signal).then(
      (data) => {
        cache.set(key, data);
        setState({ data, error: null });
      },
      (error) => {
        if (error?.name !== 'AbortError') setState({ data: null, error });
      },
    );
    return () => controller.abort();
  }, [key, message.prompt, message.options, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, loading: !state.data && !state.error, retry };
}
