import { useEffect, useState } from 'react';
import { Troubleshooting } from './Troubleshooting.jsx';

function useSecondsUntil(time) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!time) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [time]);
  return time ? Math.max(0, Math.ceil((time - now) / 1000)) : null;
}

const TITLES = {
  invalid: 'The server could not take this prompt',
  busy: 'The server is busy',
  training: 'The model is still training',
  server: 'The model failed to answer',
  unreachable: 'Cannot reach the Mini Reasoner API',
};

/** A failed answer: what went wrong in the server's words, and what can be done about it. */
export function ErrorNotice({ error, retryAt, onRetry }) {
  const seconds = useSecondsUntil(retryAt);
  return (
    <div className={`error-notice error-${error.kind}`} role="alert">
      <p className="error-title">
        {TITLES[error.kind] ?? TITLES.server}
        {error.status ? <span className="error-status"> ({error.status})</span> : null}
      </p>
      <p className="error-detail">{error.message}</p>
      {error.kind === 'unreachable' && <Troubleshooting url={error.url} />}
      {error.kind === 'training' && (
        <p>The prompt box unlocks when training is done; the progress is shown above.</p>
      )}
      {retryAt ? (
        <p className="error-retry">Retrying automatically in {seconds} s…</p>
      ) : (
        error.kind !== 'invalid' &&
        onRetry && (
          <button type="button" className="button-quiet" onClick={onRetry}>
            Try again
          </button>
        )
      )}
    </div>
  );
}
