// The web UI against the real server and model (see e2e/server.js): what a person sees.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';

const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-output');
const shot = (page, name) =>
  page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

test.beforeEach(async ({ page }) => {
  await page.goto(process.env.E2E_BASE_URL);
  await expect(page.getByRole('textbox', { name: 'Your question' })).toBeEnabled();
});

async function ask(page, prompt) {
  const box = page.getByRole('textbox', { name: 'Your question' });
  await box.fill(prompt);
  await box.press('Enter');
  return page.getByRole('article', { name: 'Mini Reasoner' }).last();
}

test('streams an answer token by token, highlights it, and shows the heat map', async ({
  page,
}) => {
  const streamed = page.waitForResponse('**/api/complete/stream');
  const answer = await ask(page, 'what is 3 plus 4?');

  const response = await streamed;
  expect(response.headers()['content-type']).toContain('text/event-stream');
  const body = await response.text();
  const tokens = body.match(/^event: token$/gm) ?? [];
  expect(tokens.length).toBeGreaterThan(3);
  expect(body).toMatch(/^event: done$/m);

  await expect(answer.locator('mark.answer')).toHaveText('7');
  await expect(answer.locator('.final')).toHaveText('therefore the answer is 7.');
  await expect(answer.locator('.stats')).toHaveText(
    new RegExp(`^${tokens.length} tokens · [\\d.]+ tokens/s$`),
  );

  await answer.getByRole('button', { name: 'Inspect' }).click();
  const table = answer.getByRole('table');
  await expect(table).toBeVisible();
  const header = table.getByRole('row').first().getByRole('columnheader');
  await expect(header.filter({ hasText: /^plus$/ })).toHaveCount(1);
  await expect(header.filter({ hasText: /^3$/ })).toHaveCount(1);
  await expect(table.getByRole('row')).toHaveCount(tokens.length + 1);
  await expect(answer.getByText(/Lowest confidence:/)).toBeVisible();
  await table
    .getByRole('row')
    .nth(tokens.length - 1)
    .hover();
  await expect(answer.locator('.focus-strip')).toContainText('the model looked most at');
  await shot(page, 'e2e-answer-and-heatmap');

  await page.reload(); // the conversation is kept in the browser
  await expect(page.locator('mark.answer')).toHaveText('7');
});

test('declines an out-of-scope prompt with a clear message', async ({ page }) => {
  const answer = await ask(page, 'What is the capital of France?');
  await expect(answer.getByText('Outside what I can do')).toBeVisible();
  await expect(answer.locator('.decline')).toContainText(/sorry/i);
  await expect(answer.locator('mark.answer')).toHaveCount(0);
  await shot(page, 'e2e-out-of-scope');
});

test('a prompt over the limit gets the server 422 detail, and the prompt back', async ({
  page,
}) => {
  const prompt = 'what is 3 plus 4? '.repeat(34).slice(0, 600);
  const rejected = page.waitForResponse('**/api/complete/stream');
  const answer = await ask(page, prompt);
  const response = await rejected;
  expect(response.status()).toBe(422);
  const { detail } = await response.json();

  const alert = answer.getByRole('alert');
  await expect(alert).toContainText('The server could not take this prompt (422)');
  await expect(alert).toContainText(detail);
  await expect(page.getByRole('textbox', { name: 'Your question' })).toHaveValue(prompt);
  await shot(page, 'e2e-422');
});

test('phone size, dark theme: the layout holds and the sidebar opens', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'dark' });
  const answer = await ask(page, 'Is 7 even or odd?');
  await expect(answer.locator('mark.answer')).toHaveText('odd');
  await shot(page, 'e2e-phone-dark');
  await page.getByRole('button', { name: 'Conversations and settings' }).click();
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  await shot(page, 'e2e-phone-sidebar');
});
