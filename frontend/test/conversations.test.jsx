import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import App from '../src/App.jsx';
import { ChatView } from '../src/components/ChatView.jsx';
import { installFakeServer, json, streamReply } from './fakeServer.js';

const reply = (answer) => () =>
  streamReply([`first, think. therefore the answer is ${answer}.`], String(answer));

async function ask(user, text) {
  const box = screen.getByRole('textbox', { name: 'Your question' });
  await waitFor(() => expect(box).toBeEnabled());
  await user.type(box, `${text}{Enter}`);
  await waitFor(() => expect(screen.getByRole('button', { name: 'Send' })).toBeInTheDocument());
}

function conversationList() {
  return within(screen.getByRole('navigation', { name: 'Conversations' }));
}

describe('conversations', () => {
  it('keeps several conversations in localStorage across reloads', async () => {
    installFakeServer({ 'POST /api/complete/stream': reply(7) });
    const user = userEvent.setup();
    const { unmount } = render(<App />);
    await ask(user, 'What is 3 plus 4?');
    await user.click(screen.getByRole('button', { name: '+ New chat' }));
    expect(screen.getByText('Ask me a small number question')).toBeInTheDocument();
    await ask(user, 'Is 7 even or odd?');

    const titles = conversationList()
      .getAllByRole('button', { name: /^(?!Delete)/ })
      .map((b) => b.textContent);
    expect(titles).toEqual(['Is 7 even or odd?', 'What is 3 plus 4?']);

    await waitFor(() =>
      expect(localStorage.getItem('mini-reasoner.conversations.v1')).toContain('Is 7 even'),
    );
    unmount();
    render(<App />); // a reload

    const again = conversationList();
    expect(again.getByRole('button', { name: 'Is 7 even or odd?' })).toHaveAttribute(
      'aria-current',
      'page',
    );
    await userEvent.click(again.getByRole('button', { name: 'What is 3 plus 4?' }));
    expect(screen.getByRole('article', { name: 'You' })).toHaveTextContent('What is 3 plus 4?');
    expect(screen.getByText('7', { selector: 'mark' })).toBeInTheDocument();

    await userEvent.click(
      again.getByRole('button', { name: 'Delete conversation: What is 3 plus 4?' }),
    );
    expect(again.queryByRole('button', { name: 'What is 3 plus 4?' })).not.toBeInTheDocument();
    expect(screen.getByRole('article', { name: 'You' })).toHaveTextContent('Is 7 even or odd?');
  });

  it('starts clean when the stored data is corrupt', async () => {
    localStorage.setItem('mini-reasoner.conversations.v1', '{not json');
    installFakeServer();
    render(<App />);
    expect(screen.getByText('Ask me a small number question')).toBeInTheDocument();
    expect(conversationList().getByRole('button', { name: 'New conversation' })).toBeVisible();
  });

  it('marks an answer that was streaming when the page closed as stopped', async () => {
    localStorage.setItem(
      'mini-reasoner.conversations.v1',
      JSON.stringify({
        activeId: 'c1',
        conversations: [
          {
            id: 'c1',
            title: 'What is 3 plus 4?',
            messages: [
              { id: 'u1', role: 'user', text: 'What is 3 plus 4?' },
              {
                id: 'a1',
                role: 'assistant',
                prompt: 'What is 3 plus 4?',
                options: {},
                text: 'first',
                status: 'streaming',
                tokenCount: 1,
              },
            ],
          },
        ],
      }),
    );
    installFakeServer();
    render(<App />);
    expect(screen.getByText('stopped after 1 tokens')).toBeInTheDocument();
  });
});

describe('a busy server', () => {
  it('counts down to the automatic retry, and Stop cancels it', async () => {
    const server = installFakeServer({
      'POST /api/complete/stream': () =>
        json({ detail: 'the server is busy, try again shortly' }, 503, { 'Retry-After': '30' }),
    });
    const user = userEvent.setup();
    render(<App />);
    const box = screen.getByRole('textbox', { name: 'Your question' });
    await waitFor(() => expect(box).toBeEnabled());
    await user.type(box, 'What is 3 plus 4?{Enter}');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The server is busy (503)');
    expect(alert).toHaveTextContent('the server is busy, try again shortly');
    expect(alert).toHaveTextContent(/Retrying automatically in (30|29) s/);

    await user.click(screen.getByRole('button', { name: 'Stop' }));
    expect(screen.getByRole('button', { name: 'Send' })).toBeInTheDocument();
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
    expect(server.calls('POST /api/complete/stream')).toHaveLength(1);
  });
});

describe('auto-scroll', () => {
  function layout(el, { scrollHeight, clientHeight }) {
    Object.defineProperty(el, 'scrollHeight', { configurable: true, value: scrollHeight });
    Object.defineProperty(el, 'clientHeight', { configurable: true, value: clientHeight });
  }

  const conversation = (text) => ({
    id: 'c1',
    messages: [
      { id: 'u', role: 'user', text: 'q' },
      { id: 'a', role: 'assistant', text, status: 'streaming', tokenCount: 1 },
    ],
  });

  it('follows the stream, pauses when the user scrolls up, resumes on "Latest"', () => {
    const props = { examples: {}, onPick: () => {}, canRegenerate: false, onRegenerate: () => {} };
    const { rerender } = render(<ChatView conversation={conversation('a')} {...props} />);
    const log = screen.getByRole('log', { name: 'Conversation' });

    layout(log, { scrollHeight: 1000, clientHeight: 400 });
    rerender(<ChatView conversation={conversation('a b')} {...props} />);
    expect(log.scrollTop).toBe(1000); // pinned to the bottom

    fireEvent.wheel(log, { deltaY: -100 });
    log.scrollTop = 300;
    fireEvent.scroll(log);
    layout(log, { scrollHeight: 1200, clientHeight: 400 });
    rerender(<ChatView conversation={conversation('a b c')} {...props} />);
    expect(log.scrollTop).toBe(300); // the reader keeps their place

    act(() => screen.getByRole('button', { name: '↓ Latest' }).click());
    expect(log.scrollTop).toBe(1200);
    layout(log, { scrollHeight: 1400, clientHeight: 400 });
    rerender(<ChatView conversation={conversation('a b c d')} {...props} />);
    expect(log.scrollTop).toBe(1400);
    expect(screen.queryByRole('button', { name: '↓ Latest' })).not.toBeInTheDocument();
  });
});
