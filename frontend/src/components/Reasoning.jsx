import { isDecline, readCompletion } from '../lib/reasoning.js';

/**
 * The chain of thought, one step per line, the final "therefore the answer is X." with X
 * highlighted. Steps render the same way while streaming and after, so nothing jumps.
 */
export function Reasoning({ text, answer, streaming }) {
  if (!streaming && isDecline(text, answer)) {
    return (
      <div className="decline">
        <p className="decline-title">Outside what I can do</p>
        <p>{text}</p>
      </div>
    );
  }
  const { steps, final } = readCompletion(text, streaming ? null : answer);
  const cursor = streaming ? <span className="cursor" aria-hidden="true" /> : null;
  return (
    <div className="reasoning">
      {steps.map((step, i) => (
        <p className="step" key={i}>
          {step}
          {i === steps.length - 1 && !final && cursor}
        </p>
      ))}
      {steps.length === 0 && !final && (
        <p className="step step-waiting">
          <span className="thinking">thinking</span>
          {cursor}
        </p>
      )}
      {final && (
        <p className="step final">
          {final.lead}
          <mark className="answer">{final.answer}</mark>
          {final.tail}
        </p>
      )}
    </div>
  );
}
