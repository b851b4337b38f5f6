// Shared set-up for the end-to-end tests: a simulator on a free loopback port
// serving the built viewer, and Debian's headless Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const SIM_BIN = process.env.SPS_SIM_BIN ?? 'target/debug/sps-sim';
const DIST = process.env.SPS_DIST ?? 'dist';
const SCREENSHOTS = process.env.SPS_SCREENSHOTS ?? 'target/screenshots';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Demo credentials the simulator creates when given no --user. */
export const DEMO_USER = { user: 'admin', password: 'admin' };

async function waitForHttp(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`simulator exited early with status ${child.exitCode}`);
    }
    try {
      const reply = await fetch(url);
      await reply.arrayBuffer();
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`simulator did not answer at ${url}: ${lastError}`);
}

/**
 * Spawns a server that binds port 0 and prints `listening on <url>`; resolves
 * with the child, its output so far (a getter) and that URL. No port is picked
 * beforehand, so two servers can never race for one.
 */
function spawnListening(bin, args, name, timeoutMs = 60_000) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${name} ${why}\n--- ${name} output ---\n${output}`));
    };
    const timer = setTimeout(() => fail(`printed no address within ${timeoutMs} ms`), timeoutMs);
    const scan = () => {
      const found = /listening on (https?:\/\/[^\s]+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, output: () => output, url: found[1] });
      }
    };
    const onExit = (code) => fail(`exited early with status ${code}`);
    child.on('exit', onExit);
    child.on('error', (err) => fail(`could not start: ${err.message}`));
    child.stdout.on('data', (chunk) => { output += chunk; scan(); });
    child.stderr.on('data', (chunk) => { output += chunk; });
  });
}

/**
 * Starts `sps-sim` serving the viewer. `args` are extra CLI flags.
 * Returns { baseUrl, stop, output } where output() is what it printed so far.
 */
export async function startSimulator(args = []) {
  const started = await spawnListening(SIM_BIN, ['--port', '0', '--static', DIST, ...args], 'simulator');
  const { child } = started;
  const output = started.output;
  const baseUrl = started.url;
  try {
    await waitForHttp(`${baseUrl}/api/authentication/login_methods`, child, 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n--- simulator output ---\n${output()}`);
  }
  /** Throws unless the simulator's fault endpoint accepted the request. */
  async function faults(method, body) {
    const reply = await fetch(`${baseUrl}/_sim/faults`, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (reply.status !== 200) {
      throw new Error(`/_sim/faults ${method}: HTTP ${reply.status}: ${await reply.text()}`);
    }
  }
  return {
    baseUrl,
    output,
    /**
     * Faults requests to `path` (exact, or a prefix ending in `*`) `times`
     * times, or until cleared: how tests reach clients that send no fault
     * header (the browser, the npm package). See crate-sim/README.md.
     */
    setFault: (fault, path, times) => faults('POST', { fault, path, times }),
    /** Removes every fault rule. */
    clearFaults: () => faults('DELETE'),
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** Launches headless Chromium; the flags keep it off this machine's closed network. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A fresh page that records console errors, uncaught exceptions and dialogs,
 * so a test can assert that nothing crashed and no injected script ran.
 */
export async function newPage(browser, viewport = { width: 1400, height: 900 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const problems = { pageErrors: [], consoleErrors: [], dialogs: [] };
  page.on('pageerror', (err) => problems.pageErrors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.consoleErrors.push(msg.text());
  });
  page.on('dialog', async (dialog) => {
    problems.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  return { context, page, problems };
}

/** Saves a full-page screenshot under target/screenshots/<name>.png. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Logs in through the viewer's form. */
export async function login(page, baseUrl, { user, password } = DEMO_USER) {
  await page.goto(`${baseUrl}/`);
  await page.fill('#login-user', user);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
}

/** A new page logged in as the demo user, once the list shows its first rows. */
export async function openList(browser, baseUrl) {
  const opened = await newPage(browser);
  await login(opened.page, baseUrl);
  await opened.page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  return opened;
}

const GATEWAY_BIN = process.env.SPS_GATEWAY_BIN ?? 'target/debug/sps-gateway';

/**
 * Starts `sps-gateway` serving the viewer in front of `upstream` (a
 * simulator's baseUrl; plain http is allowed for that). `args` are extra
 * CLI flags. Returns { baseUrl, port, stop, output }.
 */
export async function startGateway(upstream, args = []) {
  const started = await spawnListening(
    GATEWAY_BIN,
    ['--upstream', upstream, '--allow-plain-http', '--port', '0', '--static', DIST, ...args],
    'gateway',
  );
  const { child, output } = started;
  const baseUrl = started.url;
  const port = Number(new URL(baseUrl).port);
  try {
    await waitForHttp(`${baseUrl}/api/authentication/login_methods`, child, 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n--- gateway output ---\n${output()}`);
  }
  return {
    baseUrl,
    port,
    output,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** A free loopback port (for servers a test starts itself). */

/**
 * Resolves after `n` animation frames of the page: a scroll or a key handled
 * in one frame has been rendered and painted by the next. What tests wait for
 * instead of a fixed sleep.
 */
export function nextFrames(page, n = 2) {
  return page.evaluate((count) => new Promise((resolve) => {
    const step = (left) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(count);
  }), n);
}
