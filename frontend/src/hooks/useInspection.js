import { useCallback, useEffect, useState } from 'react';
import { inspect } from '../api/client.js';

// Inspections are not stored with the conversation (they are large); this keeps them while the
// page is open, so closing and reopening an inspector costs nothing.
const cache = new Map();

/** Fetches POST /api/inspect for an answer's prompt and options, once. */
export function useInspection(message) {
  const key = `${message.id}:${message.text}`;
  const [attempt, setAttempt] = useState(0);
  const [failure, setFailure] = useState(null); // {key, attempt, error}
  const [, setFetched] = useState(0); // re-renders once the cache holds the answer

  useEffect(() => {
    if (cache.has(key)) return undefined;
    const controller = new AbortController();
    inspect({ prompt: message.prompt, ...message.options }, controller.signal).then(
      (data) => {
        cache.set(key, data);
        setFetched((n) => n + 1);
      },
      (error) => {
        if (error?.name !== 'AbortError') setFailure({ key, attempt, error });
      },
    );
    return () => controller.abort();
  }, [key, message.prompt, message.options, attempt]);

  const data = cache.get(key) ?? null;
  const error = !data && failure?.key === key && failure.attempt === attempt ? failure.error : null;
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, loading: !data && !error, retry };
}
