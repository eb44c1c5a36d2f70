import { useEffect, useRef } from 'react';
import { useInspection } from '../hooks/useInspection.js';
import { percent } from '../lib/format.js';
import { ErrorNotice } from './ErrorNotice.jsx';
import { HeatMap } from './HeatMap.jsx';

/** Why the model answered as it did: the attention heat map and per-token confidence. */
export function Inspector({ message, id }) {
  const { data, error, loading, retry } = useInspection(message);
  const section = useRef(null);
  // The map opens below the answer, often under the fold: bring it into view once drawn.
  useEffect(() => {
    if (data) section.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [data]);
  return (
    <section className="inspector" id={id} ref={section} aria-label="Inspector" aria-busy={loading}>
      {loading && <p className="inspector-loading">Replaying the answer to see inside…</p>}
      {error && <ErrorNotice error={error} onRetry={retry} />}
      {data && (
        <>
          <p className="inspector-legend">
            Rows are the tokens the model wrote, columns the words it read. Darker cells are where
            it looked while writing that token; <span className="unknown-sample">?</span> marks
            words it does not know. Lowest confidence: {lowest(data.output_tokens, data.probs)}.
          </p>
          {data.completion !== message.text && (
            <p className="inspector-note">
              Sampling wrote a different answer this time; the map shows this one:{' '}
              <q>{data.completion}</q>
            </p>
          )}
          <HeatMap
            inputTokens={data.input_tokens}
            inputKnown={data.input_known}
            outputTokens={data.output_tokens}
            attention={data.attention}
            probs={data.probs}
          />
        </>
      )}
    </section>
  );
}

function lowest(tokens, probs) {
  if (!probs.length) return 'none';
  let at = 0;
  probs.forEach((p, i) => {
    if (p < probs[at]) at = i;
  });
  return `“${tokens[at]}” at ${percent(probs[at], 1)}`;
}
