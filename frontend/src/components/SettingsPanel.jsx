import { useId } from 'react';

const FIELDS = [
  {
    field: 'temperature',
    label: 'Temperature',
    step: 0.1,
    hint: '0 is greedy: always the most likely token, the model’s best answer.',
    show: (v) => (v === 0 ? '0 (greedy)' : v.toFixed(1)),
  },
  {
    field: 'top_k',
    label: 'Top-k',
    step: 1,
    hint: 'When sampling, choose among the k most likely tokens (0: all of them).',
    show: (v) => (v === 0 ? 'off' : String(v)),
  },
  {
    field: 'max_tokens',
    label: 'Max tokens',
    step: 1,
    hint: 'The answer stops after this many tokens.',
    show: String,
  },
];

/** Generation settings as sliders (keyboard-friendly, never an invalid value). */
export function SettingsPanel({ values, limits, onChange, onReset, disabled }) {
  const id = useId();
  const greedy =
    values.temperature === limits.temperature.default &&
    values.top_k === limits.top_k.default &&
    values.max_tokens === limits.max_tokens.default;
  return (
    <section className="settings" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Settings</h2>
      {FIELDS.map(({ field, label, step, hint, show }) => (
        <div className="setting" key={field}>
          <label htmlFor={`${id}-${field}`}>
            {label} <output htmlFor={`${id}-${field}`}>{show(values[field])}</output>
          </label>
          <input
            id={`${id}-${field}`}
            type="range"
            min={limits[field].min}
            max={limits[field].max}
            step={step}
            value={values[field]}
            disabled={disabled}
            aria-describedby={`${id}-${field}-hint`}
            onChange={(e) => onChange(field, Number(e.target.value))}
          />
          <p className="hint" id={`${id}-${field}-hint`}>
            {hint}
          </p>
        </div>
      ))}
      <button type="button" className="button-quiet" onClick={onReset} disabled={greedy}>
        Reset to defaults
      </button>
    </section>
  );
}
