// The viewer served by sps-gateway in front of the simulator: it logs in and
// lists sessions under the gateway's Content-Security-Policy header with no
// violation; a portal on another site (http://localhost:P, while the viewer
// is on http://127.0.0.1:G) embeds it when named by --frame-ancestor, logs
// in inside the frame (the cookie is SameSite=None; Secure; Partitioned),
// and is refused the frame without the flag (frame-ancestors 'none').
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  startSimulator, startGateway, launchBrowser, newPage, login, screenshot, nextFrames, DEMO_USER,
} from './harness.mjs';

let sim;
let browser;
const stops = [];

before(async () => {
  sim = await startSimulator(['--sessions', '300', '--seed', '7']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const stop of stops) await stop();
  await sim?.stop();
});

/** Every console message about a Content Security Policy, any frame. */
function cspMessages(page) {
  const seen = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Content-Security-Policy|frame-ancestors/i.test(msg.text())) {
      seen.push(msg.text());
    }
  });
  return seen;
}

/**
 * A portal on http://localhost:PORT whose page frames the URL in `?src=`
 * (the portal's own origin must be known before the gateway starts).
 */
async function startPortal() {
  const server = createServer((req, res) => {
    const src = new URL(req.url, 'http://localhost').searchParams.get('src') ?? '';
    const safe = src.replace(/[^A-Za-z0-9:/._-]/g, '');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>portal</title><h1>Portal</h1>
<iframe id="viewer" src="${safe}" width="1300" height="760"></iframe>`);
  });
  // Port 0: the system picks one, so nothing can take it in between.
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  stops.push(() => new Promise((resolve) => server.close(resolve)));
  return { origin: `http://localhost:${port}` };
}

test('the viewer works through the gateway under its CSP header', async () => {
  const gw = await startGateway(sim.baseUrl);
  stops.push(gw.stop);
  const { page, problems, context } = await newPage(browser);
  const csp = cspMessages(page);
  const reply = await page.goto(`${gw.baseUrl}/`);
  const policy = reply.headers()['content-security-policy'];
  assert.match(policy, /frame-ancestors 'none'/);
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'/);
  await login(page, gw.baseUrl);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  // A detail page too (its sub-resources go through the allow-list).
  const key = await page.locator('#sessions-table tr.session-row').first()
    .evaluate((tr) => tr.dataset.key);
  await page.goto(`${gw.baseUrl}/sessions/${encodeURIComponent(key)}`);
  await page.waitForSelector('#timeline-svg', { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  await screenshot(page, 'gateway-detail');
  const cookie = (await context.cookies()).find((c) => c.name === 'session_id');
  assert.ok(cookie, 'the session cookie was stored');
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(cookie.httpOnly, true);
  assert.deepEqual(csp, [], 'no CSP violation');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, []);
  assert.match(gw.output(), /GET \/api\/authentication 200/);
  assert.ok(!gw.output().includes(cookie.value), 'no cookie in the log');
  assert.doesNotMatch(gw.output(), /session_id|admin/);
  await context.close();
});

test('a portal on another site embeds the viewer when named by --frame-ancestor', async () => {
  const portal = await startPortal();
  const gw = await startGateway(sim.baseUrl, ['--frame-ancestor', portal.origin]);
  stops.push(gw.stop);
  const { page, problems, context } = await newPage(browser);
  const csp = cspMessages(page);
  await page.goto(`${portal.origin}/?src=${gw.baseUrl}/`);
  const frame = page.frameLocator('#viewer');
  await frame.locator('#login-user').fill(DEMO_USER.user, { timeout: 30_000 });
  await frame.locator('#login-password').fill(DEMO_USER.password);
  await frame.locator('#login-submit').click();
  await frame.locator('#sessions-table tr.session-row').first().waitFor({ timeout: 30_000 });
  await screenshot(page, 'gateway-embedded-cross-site');
  const cookie = (await context.cookies(gw.baseUrl)).find((c) => c.name === 'session_id');
  assert.ok(cookie, 'the partitioned cookie was stored');
  assert.equal(cookie.sameSite, 'None');
  assert.equal(cookie.secure, true);
  assert.equal(cookie.httpOnly, true);
  assert.deepEqual(csp, [], 'no CSP violation');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('without --frame-ancestor the frame is refused', async () => {
  const portal = await startPortal();
  const gw = await startGateway(sim.baseUrl);
  stops.push(gw.stop);
  const { page, context } = await newPage(browser);
  const csp = cspMessages(page);
  await page.goto(`${portal.origin}/?src=${gw.baseUrl}/`);
  await page.waitForFunction(() => document.querySelector('#viewer') !== null);
  // The browser reports the refusal on the console.
  const deadline = Date.now() + 15_000;
  while (!csp.some((m) => /frame-ancestors 'none'/.test(m)) && Date.now() < deadline) {
    await nextFrames(page);
  }
  assert.equal(await page.frameLocator('#viewer').locator('#login-user').count(), 0,
    'the viewer did not load inside the frame');
  assert.ok(csp.some((m) => /frame-ancestors 'none'/.test(m)), `refused by CSP: ${csp}`);
  await screenshot(page, 'gateway-frame-refused');
  await context.close();
});
