import { percent } from '../lib/format.js';

/** "What I can do": the task families, the limits, and the measured accuracy when known. */
export function AboutNote({ model }) {
  const accuracy = model?.accuracy && Object.entries(model.accuracy);
  return (
    <section className="about" aria-labelledby="about-title">
      <h2 id="about-title">What I can do</h2>
      <p>
        I am a tiny model trained from scratch on small number questions: addition and subtraction,
        even or odd, which number is larger, sorting a few numbers, what comes before or after,
        one-digit times tables and short chains like “3 plus 4 minus 2”.
      </p>
      <p>
        I answer with my reasoning and finish with “therefore the answer is …”. Anything else
        (facts, chat, big numbers) gets a polite no: I am a demo, not a general assistant.
      </p>
      {accuracy && accuracy.length > 0 && (
        <details>
          <summary>Measured accuracy</summary>
          <ul className="accuracy">
            {accuracy.map(([family, value]) => (
              <li key={family}>
                <span>{family}</span> <span>{percent(value, 1)}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
