import { useCallback, useEffect, useRef, useState } from 'react';
import { streamCompletion } from '../api/client.js';
import { newId } from '../lib/ids.js';

const AUTO_RETRIES = 3; // a busy server (503) is retried this often after its Retry-After

/** What an assistant message keeps of a failure (plain data: it goes to localStorage). */
function describeError(error) {
  return {
    kind: error.kind ?? 'server',
    message: error.message,
    status: error.status ?? null,
    url: error.url ?? '',
    retryAfter: error.retryAfter ?? null,
  };
}

function finished(done) {
  return {
    status: 'done',
    text: done.completion,
    answer: done.answer ?? null,
    finishReason: done.finish_reason,
    tokenCount: done.usage?.completion_tokens ?? null,
    tokensPerSecond: done.tokens_per_second ?? null,
    model: done.model ?? null,
    retryAt: null,
  };
}

/**
 * Sending prompts and streaming answers into a conversation. One generation at a time:
 * `stop()` aborts the fetch, which closes the stream and cancels the work on the server.
 * `onTrouble(error)` hears about training / unreachable failures (to refresh the status),
 * `onRejected(prompt)` about a prompt the server refused (422), to give it back for editing.
 */
export function useChat({
  conversation,
  addMessages,
  updateMessage,
  requestOptions,
  onTrouble,
  onRejected,
}) {
  const controllerRef = useRef(null);
  const retryRef = useRef(null);
  const [running, setRunning] = useState(null); // {conversationId, messageId} or null

  const run = useCallback(
    async (conversationId, message, attempt = 0) => {
      const controller = new AbortController();
      controllerRef.current = controller;
      setRunning({ conversationId, messageId: message.id });
      const update = (patch) => updateMessage(conversationId, message.id, patch);
      update({ status: 'streaming', text: '', answer: null, error: null, tokenCount: 0 });
      let retrying = false;
      try {
        for await (const event of streamCompletion(
          { prompt: message.prompt, ...message.options },
          controller.signal,
        )) {
          if (event.type === 'token') {
            update((m) => ({ text: m.text + event.text, tokenCount: event.index + 1 }));
          } else {
            update(finished(event));
          }
        }
      } catch (error) {
        if (error?.name === 'AbortError') {
          update({ status: 'stopped' });
          return;
        }
        const described = describeError(error);
        retrying = described.kind === 'busy' && attempt < AUTO_RETRIES;
        const retryAt = retrying ? Date.now() + described.retryAfter * 1000 : null;
        update({ status: 'error', error: described, retryAt });
        if (retrying) {
          retryRef.current = setTimeout(() => {
            retryRef.current = null;
            run(conversationId, message, attempt + 1);
          }, described.retryAfter * 1000);
        }
        if (described.kind === 'training' || described.kind === 'unreachable') onTrouble?.(error);
        if (described.kind === 'invalid') onRejected?.(message.prompt);
      } finally {
        if (controllerRef.current === controller) {
          controllerRef.current = null;
          if (!retrying) setRunning(null);
        }
      }
    },
    [updateMessage, onTrouble, onRejected],
  );

  const send = useCallback(
    (prompt) => {
      if (running || !conversation || !prompt.trim()) return false;
      const assistant = {
        id: newId(),
        role: 'assistant',
        prompt,
        options: requestOptions(),
        text: '',
        status: 'streaming',
        createdAt: Date.now(),
      };
      addMessages(conversation.id, [
        { id: newId(), role: 'user', text: prompt, createdAt: Date.now() },
        assistant,
      ]);
      run(conversation.id, assistant);
      return true;
    },
    [running, conversation, requestOptions, addMessages, run],
  );

  /** Answers the last prompt again in place (with the current settings). */
  const regenerate = useCallback(() => {
    if (running || !conversation) return;
    const last = conversation.messages.at(-1);
    if (last?.role !== 'assistant') return;
    run(conversation.id, { ...last, options: requestOptions() });
  }, [running, conversation, requestOptions, run]);

  const stop = useCallback(() => {
    if (retryRef.current) {
      clearTimeout(retryRef.current);
      retryRef.current = null;
      if (running) updateMessage(running.conversationId, running.messageId, { retryAt: null });
      setRunning(null);
    }
    controllerRef.current?.abort();
  }, [running, updateMessage]);

  // Leaving the page (or unmounting) cancels the generation on the server too.
  useEffect(
    () => () => {
      clearTimeout(retryRef.current);
      controllerRef.current?.abort();
    },
    [],
  );

  return { send, regenerate, stop, running };
}
