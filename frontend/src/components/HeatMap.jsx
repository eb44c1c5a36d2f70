import { useState } from 'react';
import { percent } from '../lib/format.js';

function rowMax(row) {
  return Math.max(...row, 1e-9);
}

/** The input tokens an output token looked at most, strongest first. */
function topInputs(row, inputTokens, count = 3) {
  return row
    .map((weight, j) => ({ weight, token: inputTokens[j] }))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, count);
}

/**
 * Attention as a grid: one row per output token, one column per input token, darker where the
 * model looked more (scaled per row, exact values on hover and for screen readers), and each
 * output token's confidence at the end of its row. Unknown input words are marked "?".
 * Hovering or focusing a row spells out what it looked at; the rows are one tab stop, and the
 * arrow keys (Home, End) move between them.
 */
export function HeatMap({ inputTokens, inputKnown, outputTokens, attention, probs }) {
  const [selected, setSelected] = useState(0);
  const row = attention[selected] ?? [];
  const max = rowMax(row);

  function onKeyDown(event) {
    const rows = event.currentTarget.querySelectorAll('tr');
    const target = {
      ArrowDown: selected + 1,
      ArrowUp: selected - 1,
      Home: 0,
      End: rows.length - 1,
    }[event.key];
    if (target === undefined) return;
    const next = Math.min(rows.length - 1, Math.max(0, target));
    event.preventDefault();
    rows[next]?.focus();
  }

  return (
    <div className="heatmap">
      <div className="focus-strip" aria-live="polite">
        <p>
          Writing <strong className="token">{outputTokens[selected]}</strong> (
          {percent(probs[selected] ?? 0)} sure), the model looked most at{' '}
          {topInputs(row, inputTokens).map(({ token, weight }, i) => (
            <span key={i}>
              {i > 0 && ', '}
              <strong className="token">{token}</strong> {percent(weight)}
            </span>
          ))}
          .
        </p>
        <p className="input-strip" aria-hidden="true">
          {inputTokens.map((token, j) => (
            <span
              key={j}
              className={inputKnown[j] ? 'token-chip' : 'token-chip unknown'}
              style={{ '--w': (row[j] ?? 0) / max }}
            >
              {token}
            </span>
          ))}
        </p>
      </div>
      <div className="heatmap-scroll">
        <table className="heatmap-table">
          <caption className="sr-only">
            Attention of each output token (rows) over the input tokens (columns), with the
            confidence of each output token in the last column.
          </caption>
          <thead>
            <tr>
              <th scope="col" className="corner">
                <span className="sr-only">output token</span>
              </th>
              {inputTokens.map((token, j) => (
                <th
                  scope="col"
                  key={j}
                  className={inputKnown[j] ? 'in-token' : 'in-token unknown'}
                  title={inputKnown[j] ? token : `${token}: a word the model does not know`}
                >
                  <span className="vertical">{token}</span>
                  {!inputKnown[j] && (
                    <span className="unknown-mark">
                      ?<span className="sr-only"> (unknown word)</span>
                    </span>
                  )}
                </th>
              ))}
              <th scope="col" className="conf-head">
                confidence
              </th>
            </tr>
          </thead>
          <tbody onKeyDown={onKeyDown}>
            {outputTokens.map((token, i) => {
              const weights = attention[i] ?? [];
              const top = rowMax(weights);
              const p = probs[i] ?? 0;
              return (
                <tr
                  key={i}
                  tabIndex={i === selected ? 0 : -1}
                  aria-current={i === selected ? 'true' : undefined}
                  className={i === selected ? 'selected' : undefined}
                  onFocus={() => setSelected(i)}
                  onMouseEnter={() => setSelected(i)}
                >
                  <th scope="row" className="out-token">
                    {token}
                  </th>
                  {weights.map((w, j) => (
                    <td
                      key={j}
                      className="cell"
                      style={{ '--w': w / top }}
                      title={`${token} → ${inputTokens[j]}: ${percent(w, 1)}`}
                    >
                      <span className="sr-only">{percent(w)}</span>
                    </td>
                  ))}
                  <td className={p < 0.5 ? 'conf conf-low' : 'conf'}>
                    <span className="conf-bar" style={{ '--p': p }} aria-hidden="true" />
                    <span className="conf-value">{percent(p)}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
