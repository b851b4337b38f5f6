// The walking skeleton: log in through the form, see the first page of sessions;
// a wrong password shows the API's error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, launchBrowser, newPage, login, screenshot } from './harness.mjs';

let sim;
let browser;

before(async () => {
  sim = await startSimulator(['--sessions', '2000', '--seed', '7']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

test('login with the demo user lists the first page of sessions', async () => {
  const { page, problems, context } = await newPage(browser);
  await login(page, sim.baseUrl);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });

  const rows = await page.locator('#sessions-table tr.session-row').count();
  assert.ok(rows > 0, 'the table has rows');

  // The keys shown are the simulator's own first page (same default order).
  const apiPage = await page.evaluate(async () => {
    const reply = await fetch('/api/audit/sessions?limit=5', { credentials: 'same-origin' });
    return reply.json();
  });
  const firstKeys = apiPage.items.map((item) => item.key);
  const shownKeys = await page.locator('#sessions-table tr.session-row')
    .evaluateAll((trs) => trs.slice(0, 5).map((tr) => tr.dataset.key));
  assert.deepEqual(shownKeys, firstKeys);

  // The table shows the documented columns.
  const header = await page.locator('#sessions-table thead').innerText();
  for (const title of ['Protocol', 'User', 'Server', 'Start', 'Duration', 'Verdict']) {
    assert.match(header, new RegExp(title, 'i'));
  }

  // The cookie is HttpOnly: the page cannot read it, but the browser holds it.
  const visibleCookie = await page.evaluate(() => document.cookie);
  assert.doesNotMatch(visibleCookie, /session_id/);
  const cookies = await context.cookies();
  const sessionCookie = cookies.find((c) => c.name === 'session_id');
  assert.ok(sessionCookie, 'session_id cookie set');
  assert.equal(sessionCookie.httpOnly, true);
  assert.equal(sessionCookie.path, '/');
  // `Secure`, as real appliances set it: kept over plain http on 127.0.0.1
  // (a secure context), and the login above worked with it.
  assert.equal(sessionCookie.secure, true);

  await screenshot(page, 'skeleton-sessions-list');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, []);
  await context.close();
});

test('a wrong password shows the error from the API', async () => {
  const { page, problems, context } = await newPage(browser);
  await login(page, sim.baseUrl, { user: 'admin', password: 'wrong-password' });
  const error = page.locator('#login-error');
  await error.waitFor({ timeout: 30_000 });
  assert.match(await error.innerText(), /AuthenticationFailure/);
  assert.equal(await page.locator('#sessions-table').count(), 0);
  await screenshot(page, 'skeleton-login-error');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});
