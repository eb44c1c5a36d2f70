import { describe, expect, it } from 'vitest';
import { ApiError, fetchInfo, inspect, streamCompletion } from '../src/api/client.js';
import {
  READY_INFO,
  controlledStream,
  installFakeServer,
  json,
  streamReply,
} from './fakeServer.js';

async function collect(iterable) {
  const out = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('streamCompletion', () => {
  it('posts the prompt and options and yields tokens, then done', async () => {
    const server = installFakeServer({
      'POST /api/complete/stream': () => streamReply(['first', ', ', 'therefore 7.'], '7'),
    });
    const events = await collect(
      streamCompletion({ prompt: 'What is 3 plus 4?', temperature: 0, top_k: 0, max_tokens: 64 }),
    );
    expect(server.calls('POST /api/complete/stream')[0].body).toEqual({
      prompt: 'What is 3 plus 4?',
      temperature: 0,
      top_k: 0,
      max_tokens: 64,
    });
    expect(events.map((e) => e.type)).toEqual(['token', 'token', 'token', 'done']);
    expect(events[1]).toMatchObject({ index: 1, text: ', ' });
    expect(events[3]).toMatchObject({ completion: 'first, therefore 7.', answer: '7' });
  });

  it('turns an error event into an ApiError with the server detail', async () => {
    installFakeServer({
      'POST /api/complete/stream': ({ signal }) => {
        const stream = controlledStream(signal);
        stream.send('first');
        stream.fail('the model failed to generate a completion');
        return stream.response;
      },
    });
    const error = await failure(collect(streamCompletion({ prompt: 'x' })));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      kind: 'server',
      message: 'the model failed to generate a completion',
    });
  });

  it('reports a stream that ends before done', async () => {
    installFakeServer({
      'POST /api/complete/stream': () =>
        new Response('event: token\ndata: {"index":0,"token":"a","text":"a","prob":1}\n\n'),
    });
    const error = await failure(collect(streamCompletion({ prompt: 'x' })));
    expect(error.kind).toBe('server');
    expect(error.message).toMatch(/ended before/);
  });

  it('rethrows an abort untouched', async () => {
    installFakeServer({
      'POST /api/complete/stream': ({ signal }) => controlledStream(signal).response,
    });
    const controller = new AbortController();
    const pending = collect(streamCompletion({ prompt: 'x' }, controller.signal));
    controller.abort();
    const error = await failure(pending);
    expect(error.name).toBe('AbortError');
  });
});

describe('errors', () => {
  it('422 keeps the detail', async () => {
    installFakeServer({
      'POST /api/inspect': () => json({ detail: 'the prompt is empty' }, 422),
    });
    const error = await failure(inspect({ prompt: ' ' }));
    expect(error).toMatchObject({ kind: 'invalid', status: 422, message: 'the prompt is empty' });
  });

  it('503 busy carries Retry-After; 503 while training carries the progress', async () => {
    installFakeServer({
      'POST /api/inspect': ({ body }) =>
        body.prompt === 'busy'
          ? json({ detail: 'the server is busy' }, 503, { 'Retry-After': '3' })
          : json({ detail: 'still training', progress: 0.4 }, 503, { 'Retry-After': '5' }),
    });
    expect(await failure(inspect({ prompt: 'busy' }))).toMatchObject({
      kind: 'busy',
      retryAfter: 3,
    });
    expect(await failure(inspect({ prompt: 'train' }))).toMatchObject({
      kind: 'training',
      retryAfter: 5,
      progress: 0.4,
    });
  });

  it('500 is a server error with the generic detail', async () => {
    installFakeServer({
      'POST /api/inspect': () => json({ detail: 'the model failed to generate a completion' }, 500),
    });
    expect(await failure(inspect({ prompt: 'x' }))).toMatchObject({
      kind: 'server',
      message: 'the model failed to generate a completion',
    });
  });

  it('a network failure names the URL it tried', async () => {
    installFakeServer({
      'GET /api/info': () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const error = await failure(fetchInfo());
    expect(error.kind).toBe('unreachable');
    expect(error.url).toBe(`${window.location.origin}/api/info`);
    expect(error.message).toContain(error.url);
  });

  it('a page that is not the API (404, or HTML) counts as unreachable', async () => {
    installFakeServer({ 'GET /api/info': () => new Response('<html></html>', { status: 200 }) });
    expect((await failure(fetchInfo())).kind).toBe('unreachable');
    installFakeServer({ 'GET /api/info': () => new Response('nope', { status: 404 }) });
    expect((await failure(fetchInfo())).kind).toBe('unreachable');
  });

  it('reads /api/info as sent', async () => {
    installFakeServer();
    expect(await fetchInfo()).toEqual(READY_INFO);
  });
});
