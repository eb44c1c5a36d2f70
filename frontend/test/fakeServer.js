/**
 * A fake Mini Reasoner API at the network boundary: it replaces global fetch and answers the
 * contract's routes from scripted replies, recording every request (body and abort signal).
 */
import { vi } from 'vitest';

export const READY_INFO = {
  status: { state: 'ready', message: 'ready', progress: 1, eta_seconds: null },
  model: {
    parameters: 1234567,
    checkpoint: 'abc123',
    accuracy: { addition: 1, parity: 1 },
  },
  limits: {
    max_prompt_chars: 500,
    max_tokens: { min: 1, max: 256, default: 128 },
    temperature: { min: 0, max: 2, default: 0 },
    top_k: { min: 0, max: 100, default: 0 },
  },
  examples: {
    addition: ['What is 3 plus 4?'],
    parity: ['Is 7 even or odd?'],
    out_of_scope: ['What is the capital of France?'],
  },
};

export function json(body, status = 200, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** The `done` payload of a completion made of `tokens` (strings). */
export function donePayload(tokens, answer) {
  return {
    completion: tokens.join(''),
    answer,
    finish_reason: 'stop',
    model: 'mini-reasoner',
    usage: { prompt_tokens: 5, completion_tokens: tokens.length, total_tokens: tokens.length + 5 },
    timings: { queued_ms: 1, first_token_ms: 2, total_ms: 100 },
    tokens_per_second: 123.4,
  };
}

function frame(event, data) {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A streaming reply the test drives: `send(text)` emits a token, `finish(answer)` the done
 * event, `fail(detail)` an error event. Aborting the request errors the body like a browser.
 */
export function controlledStream(signal) {
  const encoder = new TextEncoder();
  const sent = [];
  let controller;
  const body = new ReadableStream({
    start(c) {
      controller = c;
    },
  });
  signal?.addEventListener('abort', () => {
    try {
      controller.error(new DOMException('The operation was aborted.', 'AbortError'));
    } catch {
      // already closed
    }
  });
  const emit = (text) => controller.enqueue(encoder.encode(text));
  return {
    response: new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }),
    send(text, prob = 0.9) {
      emit(frame('token', { index: sent.length, token: text.trim(), text, prob }));
      sent.push(text);
    },
    finish(answer) {
      emit(frame('done', donePayload(sent, answer)));
      controller.close();
    },
    fail(detail) {
      emit(frame('error', { detail }));
      controller.close();
    },
  };
}

/** A complete SSE reply for `tokens` in one body. */
export function streamReply(tokens, answer) {
  const text =
    tokens
      .map((t, index) => frame('token', { index, token: t.trim(), text: t, prob: 0.9 }))
      .join('') + frame('done', donePayload(tokens, answer));
  return new Response(text, { headers: { 'Content-Type': 'text/event-stream' } });
}

/**
 * Installs the fake. `routes` maps "METHOD /path" to a function (request) => Response (or a
 * promise of one, or throws to mimic a network failure). Unlisted /api/info answers ready.
 */
export function installFakeServer(routes = {}) {
  const requests = [];
  const fetchMock = vi.fn(async (url, init = {}) => {
    const path = new URL(url, 'http://localhost').pathname;
    const method = init.method ?? 'GET';
    const request = {
      method,
      path,
      url,
      body: init.body ? JSON.parse(init.body) : null,
      signal: init.signal,
    };
    requests.push(request);
    const handler = routes[`${method} ${path}`];
    if (handler) return handler(request);
    if (path === '/api/info') return json(READY_INFO);
    return json({ detail: 'Not Found' }, 404);
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    requests,
    fetchMock,
    calls: (key) => requests.filter((r) => `${r.method} ${r.path}` === key),
  };
}
