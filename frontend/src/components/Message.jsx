import { useId, useState } from 'react';
import { copyText } from '../lib/clipboard.js';
import { ErrorNotice } from './ErrorNotice.jsx';
import { Inspector } from './Inspector.jsx';
import { Reasoning } from './Reasoning.jsx';

function UserMessage({ message }) {
  return (
    <article className="message message-user" aria-label="You">
      <p className="bubble">{message.text}</p>
    </article>
  );
}

/** The line under an answer: live token count while streaming, tokens/s when done. */
function Stats({ message }) {
  const count = message.tokenCount ?? 0;
  if (message.status === 'streaming') return <span>{count} tokens…</span>;
  if (message.status === 'stopped') return <span>stopped after {count} tokens</span>;
  if (message.status !== 'done') return null;
  const rate = message.tokensPerSecond;
  return (
    <span>
      {count} tokens
      {rate ? ` · ${rate.toFixed(1)} tokens/s` : ''}
      {message.finishReason === 'length' ? ' · cut at the max tokens setting' : ''}
    </span>
  );
}

function AssistantMessage({ message, isLast, canRegenerate, onRegenerate, onRetry }) {
  const inspectorId = useId();
  const [inspecting, setInspecting] = useState(false);
  const [copied, setCopied] = useState(false);
  const streaming = message.status === 'streaming';
  const hasText = message.text.length > 0;

  async function copy() {
    setCopied(await copyText(message.text));
    setTimeout(() => setCopied(false), 1500);
  }

  return (
    <article className="message message-assistant" aria-label="Mini Reasoner" aria-busy={streaming}>
      {(hasText || streaming) && (
        <Reasoning text={message.text} answer={message.answer} streaming={streaming} />
      )}
      {message.status === 'error' && message.error && (
        <ErrorNotice error={message.error} retryAt={message.retryAt} onRetry={onRetry} />
      )}
      <footer className="message-footer">
        <span className="stats">
          <Stats message={message} />
        </span>
        {!streaming && (
          <span className="actions">
            {hasText && (
              <button type="button" className="action" onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </button>
            )}
            {isLast && canRegenerate && message.status !== 'error' && (
              <button type="button" className="action" onClick={onRegenerate}>
                Regenerate
              </button>
            )}
            {message.status === 'done' && (
              <button
                type="button"
                className="action"
                aria-expanded={inspecting}
                aria-controls={inspectorId}
                onClick={() => setInspecting((open) => !open)}
              >
                {inspecting ? 'Hide inspector' : 'Inspect'}
              </button>
            )}
          </span>
        )}
      </footer>
      {inspecting && <Inspector message={message} id={inspectorId} />}
    </article>
  );
}

/** One turn of the conversation. */
export function Message(props) {
  return props.message.role === 'user' ? (
    <UserMessage message={props.message} />
  ) : (
    <AssistantMessage {...props} />
  );
}
