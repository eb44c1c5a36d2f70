import { duration, percent } from '../lib/format.js';
import { Troubleshooting } from './Troubleshooting.jsx';

function capitalized(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The server's state when it is not simply ready: training progress, failures, no answer. */
export function StatusBanner({ phase, info, error, onRetry }) {
  if (phase === 'ready') return null;
  const status = info?.status ?? {};

  if (phase === 'training' || phase === 'loading') {
    const progress = Math.min(1, Math.max(0, status.progress ?? 0));
    const eta = duration(status.eta_seconds);
    const title = phase === 'training' ? 'Training the model' : 'Loading the model';
    return (
      <section className="banner banner-progress" role="status" aria-live="polite">
        <div className="banner-title">
          {title}
          {phase === 'training' && ` — ${percent(progress)}`}
          {eta && <span className="banner-eta"> · about {eta} left</span>}
        </div>
        {phase === 'training' && (
          <div
            className="progress"
            role="progressbar"
            aria-label="training progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(progress * 100)}
          >
            <div className="progress-fill" style={{ width: percent(progress, 1) }} />
          </div>
        )}
        <p className="banner-text">
          {capitalized(status.message || 'starting')}. The first start trains the model from
          scratch; it is cached, so later starts take under a second. You can type once it is ready.
        </p>
      </section>
    );
  }

  if (phase === 'unreachable') {
    return (
      <section className="banner banner-error" role="alert">
        <div className="banner-title">Cannot reach the Mini Reasoner API</div>
        <Troubleshooting url={error?.url} />
        <p className="banner-text">
          Trying again every few seconds.{' '}
          <button type="button" className="link-button" onClick={onRetry}>
            Try now
          </button>
        </p>
      </section>
    );
  }

  if (phase === 'failed' || phase === 'closed') {
    return (
      <section className="banner banner-error" role="alert">
        <div className="banner-title">
          {phase === 'failed' ? 'The model could not start' : 'The server is shutting down'}
        </div>
        {status.message && <p className="banner-text">{status.message}</p>}
      </section>
    );
  }

  return (
    <section className="banner" role="status" aria-live="polite">
      <div className="banner-title">Connecting to the model…</div>
    </section>
  );
}
