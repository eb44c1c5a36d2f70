import { forwardRef, useId, useLayoutEffect, useRef } from 'react';

const MAX_HEIGHT_PX = 200;

/**
 * The prompt box: Enter sends, Shift+Enter adds a line, Up/Down walk through earlier prompts
 * (when the caret is on the first/last line), the button turns into Stop while answering.
 */
export const PromptBox = forwardRef(function PromptBox(
  { value, onChange, onSend, onStop, running, disabled, disabledReason, history, maxChars },
  ref,
) {
  const id = useId();
  const browsing = useRef({ index: null, draft: '' }); // position in `history` while recalling

  useLayoutEffect(() => {
    const area = ref.current;
    if (!area) return;
    area.style.height = 'auto';
    area.style.height = `${Math.min(area.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [value, ref]);

  function submit() {
    if (disabled || running || !value.trim()) return;
    browsing.current = { index: null, draft: '' };
    onSend(value);
  }

  function recall(step) {
    const { index, draft } = browsing.current;
    if (history.length === 0) return false;
    const from = index ?? history.length;
    const next = from + step;
    if (next < 0 || next > history.length) return false;
    if (next === history.length) {
      browsing.current = { index: null, draft: '' };
      onChange(draft);
    } else {
      browsing.current = { index: next, draft: index === null ? value : draft };
      onChange(history[next]);
    }
    return true;
  }

  function onKeyDown(event) {
    if (event.nativeEvent.isComposing) return;
    const area = event.currentTarget;
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      submit();
    } else if (
      event.key === 'ArrowUp' &&
      !area.value.slice(0, area.selectionStart).includes('\n')
    ) {
      if (recall(-1)) event.preventDefault();
    } else if (event.key === 'ArrowDown' && !area.value.slice(area.selectionEnd).includes('\n')) {
      if (browsing.current.index !== null && recall(1)) event.preventDefault();
    }
  }

  const length = value.length;
  const tooLong = maxChars && length > maxChars;
  return (
    <form
      className="prompt-box"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <label htmlFor={`${id}-prompt`} className="sr-only">
        Your question
      </label>
      <textarea
        id={`${id}-prompt`}
        ref={ref}
        rows={1}
        value={value}
        disabled={disabled}
        placeholder={disabled ? disabledReason : 'Ask a small number question…'}
        aria-describedby={`${id}-help`}
        onChange={(event) => {
          browsing.current = { index: null, draft: '' };
          onChange(event.target.value);
        }}
        onKeyDown={onKeyDown}
      />
      {running ? (
        <button type="button" className="button-stop" onClick={onStop}>
          Stop
        </button>
      ) : (
        <button type="submit" className="button-primary" disabled={disabled || !value.trim()}>
          Send
        </button>
      )}
      <div className="prompt-help" id={`${id}-help`}>
        {disabled ? (
          <span>{disabledReason}</span>
        ) : (
          <span className="keys-help">
            Enter sends · Shift+Enter new line · ↑ earlier prompts · Esc stops
          </span>
        )}
        {maxChars ? (
          <span className={tooLong ? 'count count-over' : 'count'}>
            {length} / {maxChars}
          </span>
        ) : null}
      </div>
    </form>
  );
});
