/**
 * Server-sent events over fetch. EventSource cannot POST a JSON body nor be cancelled with an
 * AbortController, so the stream endpoint is read from a fetch body instead.
 */

/** Feeds text chunks in, calls onEvent({event, data}) for every complete event. */
export function createSseParser(onEvent) {
  let buffer = '';
  let event = '';
  let data = [];

  function line(text) {
    if (text === '') {
      if (data.length) onEvent({ event: event || 'message', data: data.join('\n') });
      event = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return; // a comment, e.g. a keep-alive ping
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }

  return {
    push(chunk) {
      buffer += chunk;
      // A trailing "\r" may be the first half of "\r\n": hold it until the next chunk.
      const heldCR = buffer.endsWith('\r');
      if (heldCR) buffer = buffer.slice(0, -1);
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop() + (heldCR ? '\r' : '');
      lines.forEach(line);
    },
    end() {
      const rest = buffer.replace(/\r$/, '');
      if (rest) line(rest);
      line('');
      buffer = '';
    },
  };
}

/** Yields {event, data} for each event of a fetch Response body. */
export async function* readEvents(body) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const ready = [];
  const parser = createSseParser((ev) => ready.push(ev));
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
      while (ready.length) yield ready.shift();
    }
    finished = true;
    parser.end();
    while (ready.length) yield ready.shift();
  } finally {
    // The caller stopped early: close the connection so the server stops generating.
    if (!finished) await reader.cancel().catch(() => {});
  }
}
