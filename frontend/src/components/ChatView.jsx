import { useEffect, useRef } from 'react';
import { useAutoScroll } from '../hooks/useAutoScroll.js';
import { isDecline } from '../lib/reasoning.js';
import { ExampleChips } from './ExampleChips.jsx';
import { Message } from './Message.jsx';

/** What screen readers hear when an answer finishes (tokens are not read one by one). */
function announcement(message) {
  if (!message || message.role !== 'assistant') return '';
  if (message.status === 'done') {
    if (message.answer != null) return `Answer: ${message.answer}`;
    return isDecline(message.text, message.answer) ? 'Out of scope: the model declined' : '';
  }
  if (message.status === 'stopped') return 'Stopped';
  if (message.status === 'error') return `Error: ${message.error?.message ?? ''}`;
  return '';
}

/** The conversation, following the stream until the user scrolls up. */
export function ChatView({ conversation, examples, onPick, canRegenerate, onRegenerate }) {
  const scroller = useRef(null);
  const messages = conversation?.messages ?? [];
  const last = messages.at(-1);
  const content = `${messages.length}:${last?.text?.length}:${last?.status}`;
  const { pinned, onScroll, onWheel, jump } = useAutoScroll(scroller, content);
  useEffect(jump, [conversation?.id, jump]); // another conversation opens at its end

  return (
    <div className="chat">
      <div
        className="chat-scroll"
        ref={scroller}
        onScroll={onScroll}
        onWheel={onWheel}
        role="log"
        aria-label="Conversation"
        tabIndex={0}
      >
        {messages.length === 0 ? (
          <div className="empty">
            <h2>Ask me a small number question</h2>
            <p>Pick an example to start, or type your own.</p>
            <ExampleChips examples={examples} onPick={onPick} />
          </div>
        ) : (
          <div className="messages">
            {messages.map((message, i) => (
              <Message
                key={message.id}
                message={message}
                isLast={i === messages.length - 1}
                canRegenerate={canRegenerate}
                onRegenerate={onRegenerate}
                onRetry={i === messages.length - 1 && canRegenerate ? onRegenerate : null}
              />
            ))}
          </div>
        )}
      </div>
      {!pinned && (
        <button type="button" className="jump" onClick={jump}>
          ↓ Latest
        </button>
      )}
      <div className="sr-only" aria-live="polite">
        {announcement(last)}
      </div>
    </div>
  );
}
