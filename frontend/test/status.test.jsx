import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import App from '../src/App.jsx';
import { READY_INFO, installFakeServer, json } from './fakeServer.js';

function trainingInfo(progress) {
  return {
    ...READY_INFO,
    status: {
      state: 'training',
      message: `training the model: step ${progress * 3000} of 3000`,
      progress,
      eta_seconds: 80,
    },
    model: null,
  };
}

describe('server status', () => {
  it('shows training progress and keeps the input disabled until the model is ready', async () => {
    let info = trainingInfo(0.42);
    installFakeServer({ 'GET /api/info': () => json(info) });
    render(<App />);

    const bar = await screen.findByRole('progressbar', { name: 'training progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '42');
    const status = bar.closest('section');
    expect(status).toHaveTextContent('Training the model — 42%');
    expect(status).toHaveTextContent('about 1 min 20 s left');
    expect(status).toHaveTextContent('Training the model: step 1260 of 3000.');
    const box = screen.getByRole('textbox', { name: 'Your question' });
    expect(box).toBeDisabled();
    expect(box).toHaveAccessibleDescription(/The model is training; you can type when it is ready/);

    info = READY_INFO;
    await waitFor(() => expect(box).toBeEnabled(), { timeout: 3000 });
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(screen.getByText('1.2M parameters')).toBeInTheDocument();
  });

  it('shows the URL tried and the hint while the API cannot be reached', async () => {
    installFakeServer({
      'GET /api/info': () => {
        throw new TypeError('Failed to fetch');
      },
    });
    render(<App />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Cannot reach the Mini Reasoner API');
    expect(alert).toHaveTextContent(`Tried ${window.location.origin}/api/info`);
    expect(alert).toHaveTextContent(/backend is running/);
    expect(screen.getByRole('textbox', { name: 'Your question' })).toBeDisabled();
  });

  it('says when the model failed to start', async () => {
    installFakeServer({
      'GET /api/info': () =>
        json({
          ...READY_INFO,
          model: null,
          status: { state: 'failed', message: 'training failed: out of memory', progress: 0 },
        }),
    });
    render(<App />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The model could not start');
    expect(alert).toHaveTextContent('training failed: out of memory');
  });

  it('a 503 while training points at the progress', async () => {
    installFakeServer({
      'POST /api/complete/stream': () =>
        json({ detail: 'the model is still training', progress: 0.5 }, 503, { 'Retry-After': '5' }),
    });
    const user = userEvent.setup();
    render(<App />);
    const box = screen.getByRole('textbox', { name: 'Your question' });
    await waitFor(() => expect(box).toBeEnabled());
    await user.type(box, 'What is 3 plus 4?{Enter}');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The model is still training');
    expect(within(alert).getByText(/progress is shown above/)).toBeInTheDocument();
  });
});

describe('guidance', () => {
  it('offers example chips per family from /api/info; a chip fills the prompt box', async () => {
    installFakeServer();
    const user = userEvent.setup();
    render(<App />);
    const group = await screen.findByRole('group', { name: 'parity examples' });
    expect(screen.getByRole('group', { name: 'out of scope examples' })).toBeInTheDocument();
    await user.click(within(group).getByRole('button', { name: 'Is 7 even or odd?' }));
    const box = screen.getByRole('textbox', { name: 'Your question' });
    expect(box).toHaveValue('Is 7 even or odd?');
    expect(box).toHaveFocus();
  });

  it('falls back to built-in examples when the server sends none', async () => {
    installFakeServer({ 'GET /api/info': () => json({ ...READY_INFO, examples: {} }) });
    render(<App />);
    await waitFor(() =>
      expect(screen.getByRole('textbox', { name: 'Your question' })).toBeEnabled(),
    );
    expect(screen.getByRole('group', { name: 'multiplication examples' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'What is 6 times 7?' })).toBeInTheDocument();
  });

  it('says what the model can do, with the measured accuracy', async () => {
    installFakeServer();
    render(<App />);
    const about = screen.getByRole('region', { name: 'What I can do' });
    expect(about).toHaveTextContent(/small number questions/);
    expect(await within(about).findByText('Measured accuracy')).toBeInTheDocument();
    expect(within(about).getByText('addition')).toBeInTheDocument();
  });
});
