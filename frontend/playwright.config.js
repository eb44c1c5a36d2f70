import { defineConfig } from '@playwright/test';

// End-to-end: Debian's chromium (never `playwright install`) against the real server, which
// e2e/server.js starts (or E2E_BASE_URL, a server already running). Output: test-output/.
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-output/playwright',
  globalSetup: './e2e/server.js',
  timeout: 60_000,
  expect: { timeout: 20_000 },
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
