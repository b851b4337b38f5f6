// WCAG 2.1 A and AA checks with axe-core on every screen of the viewer: the
// login, the list (with its menus open), the statistics page, the login dialog,
// a session's detail (alerts, content search), the alerts page and the offline
// mode. Any violation fails, listed with
// the elements it was found on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, launchBrowser, newPage, login } from './harness.mjs';
import { enableAxe, violations, describe } from './a11y.mjs';

let sim;
let browser;

before(async () => {
  sim = await startSimulator(['--sessions', '400', '--seed', '11']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

async function axePage() {
  const opened = await newPage(browser);
  await enableAxe(opened.context);
  return opened;
}

/** Fails with axe's findings unless the page as it is now has none. */
async function assertAccessible(page, what) {
  const found = await violations(page);
  assert.equal(found.length, 0, `${what}: WCAG 2.1 A/AA violations:\n${describe(found)}`);
}

test('the login page has no WCAG 2.1 A/AA violation, nor its error', async () => {
  const { page, context, problems } = await axePage();
  await page.goto(`${sim.baseUrl}/`);
  await page.waitForSelector('#login-user');
  await assertAccessible(page, 'login');
  await page.fill('#login-user', 'admin');
  await page.fill('#login-password', 'wrong');
  await page.click('#login-submit');
  await page.waitForSelector('[role="alert"]', { timeout: 20_000 });
  await assertAccessible(page, 'login with its error');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('the list has none: rows, query suggestions, a highlighted row, the export menu, the column chooser', async () => {
  const { page, context, problems } = await axePage();
  await login(page, sim.baseUrl);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  await page.waitForSelector('#histogram', { timeout: 30_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="updating"]'));
  await assertAccessible(page, 'list');

  // The query field with its suggestions open.
  await page.click('#query-input');
  await page.fill('#query-input', 'prot');
  await assertAccessible(page, 'list with query suggestions');
  await page.keyboard.press('Escape');

  // Sorted, then a row highlighted by keyboard.
  await page.click('th[data-sort-field="duration"] button');
  await page.waitForFunction(() =>
    document.querySelector('th[data-sort-field="duration"]')?.getAttribute('aria-sort') === 'ascending');
  // A data cell: the first cell holds the link that opens the session.
  await page.click('#sessions-table tr.session-row td[data-field="protocol"]');
  await page.keyboard.press('j');
  await page.waitForSelector('#sessions-table tr.session-row.is-highlighted');
  await assertAccessible(page, 'list sorted, a row highlighted');

  // Menus: export (keyboard `e`) and columns.
  await page.keyboard.press('e');
  await page.waitForSelector('#export-menu');
  await assertAccessible(page, 'list with the export menu open');
  await page.keyboard.press('Escape');
  await page.click('#column-chooser summary');
  await assertAccessible(page, 'list with the column chooser open');
  await page.click('#column-chooser summary');

  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('the statistics page has none: top values, the flow picture and its table, an error', async () => {
  const { page, context, problems } = await axePage();
  await login(page, sim.baseUrl);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  await page.click('#stats-link');
  await page.waitForSelector('#top-values .top-row', { timeout: 30_000 });
  await page.waitForSelector('#flow-table tr.flow-row', { timeout: 30_000 });
  await assertAccessible(page, 'statistics');
  // Two fields in the flow, then the error a 404 gives.
  await page.selectOption('#flow-2', '');
  await page.waitForURL(/flow=/);
  await page.waitForSelector('#flow-table tr.flow-row', { timeout: 30_000 });
  await assertAccessible(page, 'statistics with a two-field flow');
  await sim.setFault('html=404', '/api/audit/sessions/stats');
  try {
    await page.reload();
    await page.waitForSelector('#top-status [data-testid="error"]', { timeout: 30_000 });
    await assertAccessible(page, 'statistics with an error');
  } finally {
    await sim.clearFaults();
  }
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('a session\'s detail has none: timeline, events, alerts, content search', async () => {
  const { page, context, problems } = await axePage();
  await login(page, sim.baseUrl);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  // A session with alerts, so that the alerts table is there to check.
  const key = await page.evaluate(async () => {
    const reply = await fetch('/api/audit/sessions?limit=200&fields=*');
    const items = (await reply.json()).items;
    for (const item of items) {
      const alerts = await (await fetch(`/api/audit/sessions/${encodeURIComponent(item.key)}/alerts`)).json();
      if ((alerts.items ?? []).length > 0) return item.key;
    }
    return items[0].key;
  });
  await page.goto(`${sim.baseUrl}/sessions/${encodeURIComponent(key)}`);
  await page.waitForSelector('#timeline-svg', { timeout: 30_000 });
  await page.waitForSelector('#events-table tbody tr, #alerts-table tbody tr', { timeout: 30_000 });
  await assertAccessible(page, 'detail');
  // An alert selected, then a content search: its error, then its hits.
  if (await page.locator('#alerts-table tbody tr').count()) {
    await page.locator('#alerts-table tbody tr').first().click();
    await assertAccessible(page, 'detail with an alert selected');
  }
  await page.fill('#content-q', '*x');
  await page.click('#content-apply');
  await page.waitForSelector('#content-q-error');
  await assertAccessible(page, 'detail with a content search error');
  await page.fill('#content-q', 'root');
  await page.click('#content-apply');
  await page.waitForSelector('#hits-table tbody tr, [data-testid="no-hits"]', { timeout: 20_000 });
  await assertAccessible(page, 'detail with content search results');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('the alerts page has none: progress, the alerts, filters, a highlighted row, a failed session, the question for large searches', async () => {
  const { page, context, problems } = await axePage();
  await login(page, sim.baseUrl);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  // One session's alerts fail, so that the failures list is there to check.
  const failing = await page.evaluate(async () => {
    const reply = await fetch('/api/audit/sessions?limit=1');
    return (await reply.json()).items[0].key;
  });
  await sim.setFault('status=500', `/api/audit/sessions/${failing}/alerts`);
  try {
    await page.click('#alerts-link');
    await page.waitForSelector('#alerts-status[data-phase="done"]', { timeout: 60_000 });
    await page.waitForSelector('#alerts-failed li.failed-session');
    await page.waitForSelector('#alerts-table tr.alert-row');
    await assertAccessible(page, 'alerts');
    await page.selectOption('#group-by', 'rule');
    await page.waitForSelector('#alerts-table .group-head');
    await page.locator('h1').click();
    await page.keyboard.press('j');
    await page.waitForSelector('#alerts-table tr.alert-row.is-highlighted');
    await page.click('#export-menu summary');
    await assertAccessible(page, 'alerts grouped, a row highlighted, the export menu open');
  } finally {
    await sim.clearFaults();
  }
  assert.deepEqual(problems.pageErrors, []);
  await context.close();

  // More sessions than the page fetches without asking: the question.
  const big = await startSimulator(['--sessions', '2100', '--seed', '9']);
  const asked = await axePage();
  try {
    await login(asked.page, big.baseUrl);
    await asked.page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
    await asked.page.click('#alerts-link');
    await asked.page.waitForSelector('#alerts-confirm', { timeout: 30_000 });
    await assertAccessible(asked.page, 'alerts asking before a large fetch');
    await asked.page.click('#alerts-continue');
    await asked.page.waitForSelector('#alerts-progress', { timeout: 30_000 });
    await assertAccessible(asked.page, 'alerts with their progress bar');
    assert.deepEqual(asked.problems.pageErrors, []);
  } finally {
    await asked.context.close();
    await big.stop();
  }
});

test('the login dialog (a login that expired midway) has none', async () => {
  const expiring = await startSimulator(['--sessions', '20000', '--seed', '9', '--expire-after', '25']);
  const { page, context, problems } = await axePage();
  try {
    await login(page, expiring.baseUrl);
    await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
    await page.locator('#big-result #fetch-all').click();
    await page.locator('#relogin-dialog').waitFor({ timeout: 60_000 });
    await assertAccessible(page, 'list with the login dialog');
    assert.deepEqual(problems.pageErrors, []);
  } finally {
    await context.close();
    await expiring.stop();
  }
});

test('the offline mode has none, empty and with a file open', async () => {
  const { page: online, context: onlineContext } = await newPage(browser);
  await login(online, sim.baseUrl);
  await online.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  const lines = await online.evaluate(async () => {
    const fields = 'protocol,user.gateway_username,server.ip,start_time,duration,verdict,active';
    const reply = await fetch(`/api/audit/sessions?limit=300&fields=${fields}`);
    return (await reply.json()).items.map((item) => JSON.stringify(item));
  });
  await onlineContext.close();
  const file = join(mkdtempSync(join(tmpdir(), 'spsview-a11y-')), 'sessions.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);

  const { page, context, problems } = await axePage();
  await page.goto(`${sim.baseUrl}/sessions?offline=1`);
  await page.waitForSelector('[data-testid="offline-empty"]', { timeout: 30_000 });
  await assertAccessible(page, 'offline, no file');
  await page.setInputFiles('#open-file-input', file);
  await page.waitForSelector('#row-count', { timeout: 30_000 });
  await assertAccessible(page, 'offline with a file');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});
