import { examplesByFamily } from '../lib/examples.js';

/** "out_of_scope" -> "out of scope". */
function label(family) {
  return family.replace(/[_-]+/g, ' ');
}

/** One chip per example prompt, grouped by task family; picking one fills the prompt box. */
export function ExampleChips({ examples, onPick, compact = false }) {
  const families = examplesByFamily(examples);
  return (
    <div className={compact ? 'examples examples-compact' : 'examples'}>
      {families.map(([family, prompts]) => (
        <div
          className="example-family"
          key={family}
          role="group"
          aria-label={`${label(family)} examples`}
        >
          <span className="example-label">{label(family)}</span>
          {prompts.slice(0, compact ? 1 : 3).map((prompt) => (
            <button type="button" className="chip" key={prompt} onClick={() => onPick(prompt)}>
              {prompt}
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}
