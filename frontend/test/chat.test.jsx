import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import App from '../src/App.jsx';
import { controlledStream, installFakeServer, json, streamReply } from './fakeServer.js';

const SEVEN = [
  'first',
  ', compute',
  ' 3',
  ' +',
  ' 4',
  ' =',
  ' 7',
  '.',
  ' therefore',
  ' the',
  ' answer',
  ' is',
  ' 7',
  '.',
];

async function renderReady() {
  const user = userEvent.setup();
  render(<App />);
  const box = await screen.findByRole('textbox', { name: 'Your question' });
  await waitFor(() => expect(box).toBeEnabled());
  return { user, box };
}

/** Routes the stream endpoint to streams the test drives; returns them as they open. */
function drivenStreams() {
  const opened = [];
  const server = installFakeServer({
    'POST /api/complete/stream': ({ signal }) => {
      const stream = controlledStream(signal);
      opened.push(stream);
      return stream.response;
    },
  });
  return { server, opened };
}

describe('chat', () => {
  it('streams tokens, then highlights the final answer and shows tokens/s', async () => {
    const { server, opened } = drivenStreams();
    const { user, box } = await renderReady();

    await user.type(box, 'What is 3 plus 4?{Enter}');
    expect(box).toHaveValue('');
    expect(screen.getByRole('article', { name: 'You' })).toHaveTextContent('What is 3 plus 4?');
    await waitFor(() => expect(opened).toHaveLength(1));
    expect(server.calls('POST /api/complete/stream')[0].body).toEqual({
      prompt: 'What is 3 plus 4?',
      temperature: 0,
      top_k: 0,
      max_tokens: 128,
    });

    const answer = screen.getByRole('article', { name: 'Mini Reasoner' });
    act(() => SEVEN.slice(0, 5).forEach((t) => opened[0].send(t)));
    await waitFor(() => expect(answer).toHaveTextContent('first, compute 3 + 4'));
    expect(answer).toHaveAttribute('aria-busy', 'true');
    expect(within(answer).getByText('5 tokens…')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Stop' })).toBeInTheDocument();

    act(() => {
      SEVEN.slice(5).forEach((t) => opened[0].send(t));
      opened[0].finish('7');
    });
    const mark = await within(answer).findByText('7', { selector: 'mark' });
    expect(mark.parentElement).toHaveTextContent('therefore the answer is 7.');
    expect(within(answer).getByText(/14 tokens · 123.4 tokens\/s/)).toBeInTheDocument();
    expect(answer).toHaveAttribute('aria-busy', 'false');
    expect(screen.getByRole('button', { name: 'Send' })).toBeInTheDocument();
  });

  it('Stop aborts the request (the server cancels) and keeps what was written', async () => {
    const { server, opened } = drivenStreams();
    const { user, box } = await renderReady();
    await user.type(box, 'What is 3 plus 4?{Enter}');
    await waitFor(() => expect(opened).toHaveLength(1));
    act(() => opened[0].send('first'));

    await user.click(screen.getByRole('button', { name: 'Stop' }));
    const request = server.calls('POST /api/complete/stream')[0];
    expect(request.signal.aborted).toBe(true);
    const answer = screen.getByRole('article', { name: 'Mini Reasoner' });
    await within(answer).findByText('stopped after 1 tokens');
    expect(answer).toHaveTextContent('first');
  });

  it('Esc stops too, wherever the focus is', async () => {
    const { server, opened } = drivenStreams();
    const { user, box } = await renderReady();
    await user.type(box, 'What is 3 plus 4?{Enter}');
    await waitFor(() => expect(opened).toHaveLength(1));
    await user.click(screen.getByRole('heading', { name: 'Mini Reasoner' }));
    await user.keyboard('{Escape}');
    expect(server.calls('POST /api/complete/stream')[0].signal.aborted).toBe(true);
    await screen.findByText('stopped after 0 tokens');
  });

  it('shows the decline as an out-of-scope message', async () => {
    const decline = ['sorry, i can only answer small number questions.', ' try: what is 3 plus 4?'];
    installFakeServer({ 'POST /api/complete/stream': () => streamReply(decline, null) });
    const { user, box } = await renderReady();
    await user.type(box, 'What is the capital of France?{Enter}');
    expect(await screen.findByText('Outside what I can do')).toBeInTheDocument();
    expect(screen.getByText(/sorry, i can only answer/)).toBeInTheDocument();
    expect(screen.queryByText('Inspect')).toBeInTheDocument();
  });

  it('a 422 shows the server detail and gives the prompt back', async () => {
    installFakeServer({
      'POST /api/complete/stream': () =>
        json({ detail: 'the prompt is longer than 500 characters' }, 422),
    });
    const { user, box } = await renderReady();
    const long = 'a'.repeat(501);
    await user.click(box);
    await user.paste(long);
    expect(screen.getByText('501 / 500')).toHaveClass('count-over');
    await user.keyboard('{Enter}');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The server could not take this prompt (422)');
    expect(alert).toHaveTextContent('the prompt is longer than 500 characters');
    await waitFor(() => expect(box).toHaveValue(long));
  });

  it('a busy server (503) is retried after its Retry-After', async () => {
    let calls = 0;
    installFakeServer({
      'POST /api/complete/stream': () => {
        calls += 1;
        return calls === 1
          ? json({ detail: 'the server is busy, try again shortly' }, 503, { 'Retry-After': '0' })
          : streamReply(SEVEN, '7');
      },
    });
    const { user, box } = await renderReady();
    await user.type(box, 'What is 3 plus 4?{Enter}');
    expect(await screen.findByText('7', { selector: 'mark' })).toBeInTheDocument();
    expect(calls).toBe(2);
  });

  it('an unreachable server shows the URL tried and the troubleshooting hint', async () => {
    installFakeServer({
      'POST /api/complete/stream': () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const { user, box } = await renderReady();
    await user.type(box, 'What is 3 plus 4?{Enter}');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(`${window.location.origin}/api/complete/stream`);
    expect(alert).toHaveTextContent(/VITE_API_BASE_URL matches the reachable URL/);
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('an error event mid-stream shows the generic failure', async () => {
    const { opened } = drivenStreams();
    const { user, box } = await renderReady();
    await user.type(box, 'What is 3 plus 4?{Enter}');
    await waitFor(() => expect(opened).toHaveLength(1));
    act(() => {
      opened[0].send('first');
      opened[0].fail('the model failed to generate a completion');
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The model failed to answer');
    expect(alert).toHaveTextContent('the model failed to generate a completion');
  });

  it('regenerates the last answer in place, and copies an answer', async () => {
    let calls = 0;
    installFakeServer({
      'POST /api/complete/stream': () => {
        calls += 1;
        return streamReply(calls === 1 ? ['first, a guess.'] : SEVEN, calls === 1 ? null : '7');
      },
    });
    const { user, box } = await renderReady();
    await user.type(box, 'What is 3 plus 4?{Enter}');
    await screen.findByText('first, a guess.');
    await user.click(screen.getByRole('button', { name: 'Regenerate' }));
    expect(await screen.findByText('7', { selector: 'mark' })).toBeInTheDocument();
    expect(screen.queryByText('first, a guess.')).not.toBeInTheDocument();
    expect(screen.getAllByRole('article', { name: 'Mini Reasoner' })).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe(SEVEN.join(''));
    expect(screen.getByRole('button', { name: 'Copied' })).toBeInTheDocument();
  });

  it('Enter sends, Shift+Enter adds a line, Up and Down walk through earlier prompts', async () => {
    installFakeServer({ 'POST /api/complete/stream': () => streamReply(SEVEN, '7') });
    const { user, box } = await renderReady();
    await user.type(box, 'What is 3 plus 4?{Enter}');
    await screen.findAllByText('7', { selector: 'mark' });
    await user.type(box, 'Is 7 even{Shift>}{Enter}{/Shift}or odd?');
    expect(box).toHaveValue('Is 7 even\nor odd?');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.getAllByText('7', { selector: 'mark' })).toHaveLength(2));

    await user.type(box, 'draft');
    await user.keyboard('{Home}{ArrowUp}');
    expect(box).toHaveValue('Is 7 even\nor odd?');
    box.setSelectionRange(0, 0);
    await user.keyboard('{ArrowUp}');
    expect(box).toHaveValue('What is 3 plus 4?');
    await user.keyboard('{ArrowDown}');
    expect(box).toHaveValue('Is 7 even\nor odd?');
    box.setSelectionRange(box.value.length, box.value.length);
    await user.keyboard('{ArrowDown}');
    expect(box).toHaveValue('draft');
  });

  it('clears the conversation', async () => {
    installFakeServer({ 'POST /api/complete/stream': () => streamReply(SEVEN, '7') });
    const { user, box } = await renderReady();
    await user.type(box, 'What is 3 plus 4?{Enter}');
    await screen.findByText('7', { selector: 'mark' });
    await user.click(screen.getByRole('button', { name: 'Clear' }));
    expect(screen.queryByRole('article')).not.toBeInTheDocument();
    expect(screen.getByText('Ask me a small number question')).toBeInTheDocument();
  });

  it('sends the chosen settings, with a seed when sampling', async () => {
    const server = installFakeServer({
      'POST /api/complete/stream': () => streamReply(SEVEN, '7'),
    });
    const { user, box } = await renderReady();
    fireEvent.change(screen.getByRole('slider', { name: /Temperature/ }), {
      target: { value: '0.3' },
    });
    fireEvent.change(screen.getByRole('slider', { name: /Top-k/ }), { target: { value: '2' } });
    expect(screen.getByRole('slider', { name: /Temperature/ })).toHaveAccessibleName(
      'Temperature 0.3',
    );
    await user.type(box, 'What is 3 plus 4?{Enter}');
    await screen.findByText('7', { selector: 'mark' });
    const body = server.calls('POST /api/complete/stream')[0].body;
    expect(body).toMatchObject({ temperature: 0.3, top_k: 2, max_tokens: 128 });
    expect(Number.isInteger(body.seed)).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Reset to defaults' }));
    expect(screen.getByRole('slider', { name: /Temperature/ })).toHaveValue('0');
  });
});
