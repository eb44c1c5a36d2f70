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

/**
 * Records, in the page, what the stream endpoint delivered and every text the answer showed
 * while it was still being written. On loopback the whole answer often arrives in one network
 * read (and React renders it once), so the copy handed to the app is paced one event per 15 ms,
 * as a slower link would deliver it; the bytes are the server's, unchanged.
 */
function watchStreaming() {
  window.__sse = { text: '' };
  window.__partial = [];
  const realFetch = window.fetch;
  window.fetch = async (...args) => {
    const response = await realFetch(...args);
    if (!String(args[0]).endsWith('/api/complete/stream') || !response.body) return response;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    let pending = '';
    const paced = new ReadableStream({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) {
          if (pending) controller.enqueue(encoder.encode(pending));
          controller.close();
          return;
        }
        const text = decoder.decode(value, { stream: true });
        window.__sse.text += text;
        pending += text;
        const events = pending.split('\n\n');
        pending = events.pop();
        for (const event of events) {
          controller.enqueue(encoder.encode(`${event}\n\n`));
          await new Promise((resolve) => setTimeout(resolve, 15));
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    return new Response(paced, response);
  };
  new MutationObserver(() => {
    const busy = document.querySelector('article[aria-busy="true"] .reasoning');
    if (busy && busy.textContent.trim()) window.__partial.push(busy.textContent);
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

test('streams an answer token by token, highlights it, and shows the heat map', async ({
  page,
}) => {
  await page.addInitScript(watchStreaming);
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Your question' })).toBeEnabled();
  const answer = await ask(page, 'what is 3 plus 4?');
  await expect(answer).toHaveAttribute('aria-busy', 'false');

  const sse = await page.evaluate(() => window.__sse);
  const tokens = sse.text.match(/^event: token$/gm) ?? [];
  expect(tokens.length).toBeGreaterThan(3);
  expect(sse.text).toMatch(/^event: done$/m);
  // the answer grew on screen while it was written, not all at once
  const partial = await page.evaluate(() => window.__partial);
  const growing = new Set(partial.filter((text) => text !== 'thinking'));
  expect(growing.size).toBeGreaterThan(1);
  const final = await answer.locator('.reasoning').textContent();
  for (const text of growing) expect(final.replace(/\s+/g, '')).toContain(text.replace(/\s+/g, ''));

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
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0); // nothing wider than the phone
  await shot(page, 'e2e-phone-dark');
  await page.getByRole('button', { name: 'Conversations and settings' }).click();
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  await expect(page.locator('#sidebar')).toHaveCSS('transform', 'none'); // slid fully in
  await shot(page, 'e2e-phone-sidebar');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeHidden();
});
