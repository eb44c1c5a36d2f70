import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchInfo } from '../api/client.js';

/**
 * The server's state from GET /api/info, polled: every second while it loads or trains (the
 * progress bar moves), rarely once it is ready (to notice a restart), every few seconds while
 * it cannot be reached. `refresh()` polls at once, e.g. after a request hit a 503.
 *
 * phase: 'connecting' | 'loading' | 'training' | 'ready' | 'failed' | 'closed' | 'unreachable'
 */
export function useServerStatus({ busyMs = 1000, readyMs = 30000, downMs = 3000 } = {}) {
  const [state, setState] = useState({ phase: 'connecting', info: null, error: null });
  const wake = useRef(() => {});

  useEffect(() => {
    let stopped = false;
    let timer = null;
    let controller = null;

    async function poll() {
      clearTimeout(timer);
      controller?.abort();
      const mine = new AbortController();
      controller = mine;
      let next;
      try {
        const info = await fetchInfo(mine.signal);
        if (stopped || mine.signal.aborted) return;
        const phase = info.status?.state ?? 'ready';
        setState({ phase, info, error: null });
        next = phase === 'ready' || phase === 'failed' ? readyMs : busyMs;
      } catch (error) {
        if (stopped || mine.signal.aborted) return;
        setState((prev) => ({ phase: 'unreachable', info: prev.info, error }));
        next = downMs;
      }
      timer = setTimeout(poll, next);
    }

    wake.current = poll;
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
    };
  }, [busyMs, readyMs, downMs]);

  const refresh = useCallback(() => wake.current(), []);
  return { ...state, refresh };
}
