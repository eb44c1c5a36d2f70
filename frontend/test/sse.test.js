import { describe, expect, it } from 'vitest';
import { createSseParser, readEvents } from '../src/api/sse.js';

function parse(chunks) {
  const events = [];
  const parser = createSseParser((e) => events.push(e));
  chunks.forEach((c) => parser.push(c));
  parser.end();
  return events;
}

describe('createSseParser', () => {
  it('reads events split anywhere across chunks', () => {
    const text = 'event: token\ndata: {"a":1}\n\nevent: done\ndata: {"b":2}\n\n';
    const whole = parse([text]);
    expect(whole).toEqual([
      { event: 'token', data: '{"a":1}' },
      { event: 'done', data: '{"b":2}' },
    ]);
    for (let cut = 1; cut < text.length; cut += 1) {
      expect(parse([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
  });

  it('handles CRLF line ends, even when a chunk ends between \\r and \\n', () => {
    expect(parse(['event: token\r', '\ndata: x\r\n\r', '\n'])).toEqual([
      { event: 'token', data: 'x' },
    ]);
  });

  it('joins data lines, skips comments, defaults the event name', () => {
    expect(parse([': ping\n\ndata: one\ndata: two\n\n'])).toEqual([
      { event: 'message', data: 'one\ntwo' },
    ]);
  });

  it('delivers a last event that lacks its blank line', () => {
    expect(parse(['event: done\ndata: {}'])).toEqual([{ event: 'done', data: '{}' }]);
  });
});

describe('readEvents', () => {
  it('yields the events of a response body', async () => {
    const body = new Response('event: token\ndata: 1\n\nevent: token\ndata: 2\n\n').body;
    const events = [];
    for await (const e of readEvents(body)) events.push(e);
    expect(events.map((e) => e.data)).toEqual(['1', '2']);
  });

  it('cancels the body when the reader stops early', async () => {
    let cancelled = false;
    const encoder = new TextEncoder();
    const body = new ReadableStream({
      start(c) {
        c.enqueue(encoder.encode('data: 1\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const e of readEvents(body)) {
      expect(e.data).toBe('1');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
