/**
 * The one module that talks HTTP to the Mini Reasoner API. Every failure becomes an ApiError
 * with a `kind` the UI can act on; an aborted request rethrows the AbortError untouched.
 */

import { absoluteUrl, apiUrl } from './baseUrl.js';
import { readEvents } from './sse.js';

const DEFAULT_RETRY_SECONDS = 2;

/**
 * kind: 'invalid' (422/413/400: the request itself is wrong), 'busy' (503, try again),
 * 'training' (503 while the model trains), 'server' (500 or a broken stream),
 * 'unreachable' (no answer, or not the Mini Reasoner API).
 */
export class ApiError extends Error {
  constructor(kind, message, { status = null, retryAfter = null, progress = null, url = '' } = {}) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.retryAfter = retryAfter;
    this.progress = progress;
    this.url = url;
  }
}

function isAbort(error) {
  return error?.name === 'AbortError';
}

function retrySeconds(response) {
  const seconds = Number.parseFloat(response.headers.get('Retry-After') ?? '');
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_RETRY_SECONDS;
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** An ApiError for a non-2xx response, carrying the server's `detail` message. */
export async function errorFromResponse(response, url) {
  const body = await readJson(response);
  const status = response.status;
  const detail =
    typeof body?.detail === 'string' && body.detail
      ? body.detail
      : `the server answered ${status} ${response.statusText || ''}`.trim();
  if (status === 503) {
    const training = typeof body?.progress === 'number';
    return new ApiError(training ? 'training' : 'busy', detail, {
      status,
      url,
      retryAfter: retrySeconds(response),
      progress: training ? body.progress : null,
    });
  }
  if (status >= 400 && status < 500) {
    if (status === 404 || status === 405) {
      return new ApiError('unreachable', `${url} is not the Mini Reasoner API (${status})`, {
        status,
        url,
      });
    }
    return new ApiError('invalid', detail, { status, url });
  }
  return new ApiError('server', detail, { status, url });
}

async function send(path, { body, signal } = {}) {
  const url = apiUrl(path);
  const init = { signal, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.method = 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError('unreachable', `could not reach the API at ${absoluteUrl(url)}`, {
      url: absoluteUrl(url),
    });
  }
  if (!response.ok) throw await errorFromResponse(response, absoluteUrl(url));
  return { response, url: absoluteUrl(url) };
}

async function sendJson(path, options) {
  const { response, url } = await send(path, options);
  const body = await readJson(response);
  if (body === null || typeof body !== 'object') {
    throw new ApiError('unreachable', `${url} did not answer like the Mini Reasoner API`, { url });
  }
  return body;
}

/** GET /api/info: status (with training progress), model info, limits, example prompts. */
export function fetchInfo(signal) {
  return sendJson('/api/info', { signal });
}

/** POST /api/inspect: tokens, attention (output x input) and per-token confidence. */
export function inspect(request, signal) {
  return sendJson('/api/inspect', { body: request, signal });
}

/**
 * POST /api/complete/stream. Yields {type: 'token', index, token, text, prob} per token, then
 * one {type: 'done', ...completion}. Aborting `signal` closes the connection, which cancels the
 * generation on the server.
 */
export async function* streamCompletion(request, signal) {
  const { response, url } = await send('/api/complete/stream', { body: request, signal });
  if (!response.body) throw new ApiError('server', 'the browser cannot read streams', { url });
  let finished = false;
  try {
    for await (const { event, data } of readEvents(response.body)) {
      const payload = JSON.parse(data);
      if (event === 'token') {
        yield { type: 'token', ...payload };
      } else if (event === 'done') {
        finished = true;
        yield { type: 'done', ...payload };
        return;
      } else if (event === 'error') {
        throw new ApiError('server', payload.detail || 'the generation failed', { url });
      }
    }
  } catch (error) {
    if (isAbort(error) || error instanceof ApiError) throw error;
    if (error instanceof SyntaxError) {
      throw new ApiError('server', 'the server sent an unreadable event', { url });
    }
    throw new ApiError('unreachable', `the connection to ${url} was lost`, { url });
  }
  if (!finished) {
    throw new ApiError('server', 'the stream ended before the answer was finished', { url });
  }
}
