/**
 * Playwright global setup: starts the real `mini-reasoner serve` on a free port (over the
 * SMALL recipe, quick to train and cached with the Python test fixtures' models, in the same
 * MINI_REASONER_CACHE_DIR), waits until the model is ready, and stops it after the tests.
 * The built UI (npm run build) is served by that server. E2E_BASE_URL skips all this and
 * tests a server that is already running.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FRONTEND = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(FRONTEND, '..');
const VENV_BIN = path.join(ROOT, '.venv', 'bin');
// The installed command, else the same CLI run from the source tree (a venv set up by hand).
const SERVER = process.env.MINI_REASONER_BIN
  ? [process.env.MINI_REASONER_BIN]
  : existsSync(path.join(VENV_BIN, 'mini-reasoner'))
    ? [path.join(VENV_BIN, 'mini-reasoner')]
    : [path.join(VENV_BIN, 'python'), '-m', 'cli.main'];
const RECIPE = process.env.E2E_RECIPE || 'small';
const READY_TIMEOUT_MS = 20 * 60_000; // a fresh machine trains the model first
const LOG = path.join(FRONTEND, 'test-output', 'server.log');

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntilReady(url, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.spawnError) throw new Error(`cannot start ${SERVER[0]}: ${child.spawnError.message}`);
    if (child.exitCode !== null) {
      throw new Error(`mini-reasoner serve exited with ${child.exitCode}; see ${LOG}`);
    }
    try {
      const info = await (await fetch(`${url}/api/info`)).json();
      if (info.status?.state === 'ready') return;
      if (info.status?.state === 'failed') throw new Error(`model failed: ${info.status.message}`);
      last = `${info.status?.state}: ${info.status?.message}`;
    } catch (error) {
      if (String(error.message).startsWith('model failed')) throw error;
    }
    await sleep(500);
  }
  throw new Error(`the server was not ready in time (${last}); see ${LOG}`);
}

function stop(child) {
  if (child.exitCode !== null || child.spawnError) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export default async function globalSetup() {
  if (process.env.E2E_BASE_URL) return undefined;
  mkdirSync(path.dirname(LOG), { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(LOG, 'w');
  const [command, ...prefix] = SERVER;
  const child = spawn(
    command,
    [...prefix, 'serve', '--recipe', RECIPE, '--host', '127.0.0.1', '--port', String(port)],
    { cwd: ROOT, env: process.env, stdio: ['ignore', log, log] },
  );
  child.on('error', (error) => {
    child.spawnError = error;
  });
  try {
    await waitUntilReady(url, child);
  } catch (error) {
    await stop(child);
    throw error;
  }
  process.env.E2E_BASE_URL = url;
  return () => stop(child);
}
