import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import App from '../src/App.jsx';
import { installFakeServer, json, streamReply } from './fakeServer.js';

const TOKENS = [
  'first',
  ',',
  ' compute',
  ' 7',
  '.',
  ' therefore',
  ' the',
  ' answer',
  ' is',
  ' 7',
  '.',
];
const INPUT = ['what', 'is', '3', 'plus', '4', 'please', 'zorp', '?'];
const KNOWN = [true, true, true, true, true, true, false, true];

/** Row i looks mostly at input column (i % 8), the rest spread evenly; rows sum to 1. */
function attention() {
  return TOKENS.map((_, i) => INPUT.map((__, j) => (j === i % INPUT.length ? 0.65 : 0.05)));
}

function inspection() {
  return {
    completion: TOKENS.join(''),
    answer: '7',
    input_tokens: INPUT,
    input_known: KNOWN,
    output_tokens: TOKENS.map((t) => t.trim()),
    attention: attention(),
    probs: TOKENS.map((_, i) => (i === 3 ? 0.31 : 0.97)),
  };
}

async function answerThenInspect(routes) {
  const server = installFakeServer({
    'POST /api/complete/stream': () => streamReply(TOKENS, '7'),
    ...routes,
  });
  const user = userEvent.setup();
  render(<App />);
  const box = screen.getByRole('textbox', { name: 'Your question' });
  await waitFor(() => expect(box).toBeEnabled());
  await user.type(box, 'what is 3 plus 4 please zorp?{Enter}');
  await screen.findByText('7', { selector: 'mark' });
  await user.click(screen.getByRole('button', { name: 'Inspect' }));
  return { server, user };
}

describe('inspector', () => {
  it('draws the attention heat map (output x input) with confidences', async () => {
    const { server, user } = await answerThenInspect({
      'POST /api/inspect': () => json(inspection()),
    });
    const inspector = await screen.findByRole('region', { name: 'Inspector' });
    const table = await within(inspector).findByRole('table');
    expect(server.calls('POST /api/inspect')[0].body).toEqual({
      prompt: 'what is 3 plus 4 please zorp?',
      temperature: 0,
      top_k: 0,
      max_tokens: 128,
    });

    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(1 + TOKENS.length); // header + one per output token
    const header = within(rows[0]).getAllByRole('columnheader');
    expect(header).toHaveLength(1 + INPUT.length + 1); // corner, inputs, confidence
    expect(header[7]).toHaveTextContent('zorp? (unknown word)');
    expect(header[1]).not.toHaveTextContent('unknown');

    const fourth = rows[4]; // output " 7" (index 3), which looked at "plus"
    expect(within(fourth).getByRole('rowheader')).toHaveTextContent('7');
    const cells = within(fourth).getAllByRole('cell');
    expect(cells).toHaveLength(INPUT.length + 1);
    expect(cells[3]).toHaveStyle({ '--w': '1' }); // the row's strongest cell is the darkest
    expect(cells[3]).toHaveAttribute('title', '7 → plus: 65.0%');
    expect(cells[8]).toHaveTextContent('31%');
    expect(cells[8]).toHaveClass('conf-low');
    expect(inspector).toHaveTextContent('Lowest confidence: “7” at 31.0%');

    // focusing a row spells out what it looked at
    act(() => fourth.focus());
    expect(inspector).toHaveTextContent(
      /Writing 7 \(31% sure\), the model looked most at plus 65%/,
    );
    await user.keyboard('{ArrowDown}');
    expect(rows[5]).toHaveFocus();
    expect(rows[5]).toHaveAttribute('tabindex', '0'); // the rows are one tab stop
    expect(rows[4]).toHaveAttribute('tabindex', '-1');
    expect(inspector).toHaveTextContent(/Writing \. \(97% sure\), the model looked most at 4 65%/);

    await user.keyboard('{End}');
    expect(rows.at(-1)).toHaveFocus();

    await user.click(screen.getByRole('button', { name: 'Hide inspector' }));
    expect(screen.queryByRole('region', { name: 'Inspector' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Inspect' }));
    expect(await screen.findByRole('table')).toBeInTheDocument();
    expect(server.calls('POST /api/inspect')).toHaveLength(1); // kept, not fetched again
  });

  it('shows an inspection failure with a way to try again', async () => {
    let calls = 0;
    await answerThenInspect({
      'POST /api/inspect': () => {
        calls += 1;
        return calls === 1
          ? json({ detail: 'the model failed to generate a completion' }, 500)
          : json(inspection());
      },
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('the model failed to generate a completion');
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table')).toBeInTheDocument();
  });
});
