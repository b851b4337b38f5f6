// The alerts page (/alerts?<the list's search>): a search of about 300
// sessions with about 2,000 alerts lists them all (the total asked from the
// simulator's REST API here, never hard-coded), filters by rule, steps by
// keyboard and opens the session's timeline at the alert's moment; Cancel
// keeps what arrived; a session whose /alerts fails is listed with its error
// and a Retry; large searches ask first; exports carry the alerts shown;
// errors of the search itself are shown in the page.
//
// The data set is written here and loaded with --data, so the totals depend
// on this file only, not on the simulator's generator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, launchBrowser, newPage, login, openList, screenshot } from './harness.mjs';
import { alertsDataset } from './alerts-data.mjs';

const QUERY = 'protocol:SSH';
const SSH_SESSIONS = 300;
const OTHER_SESSIONS = 120;

let sim;
let browser;
let dir;
/** What the simulator's API says: the sessions of QUERY and their alerts. */
let expected;

/** Logs in to the simulator's REST API from Node: the session cookie. */
async function apiCookie() {
  const reply = await fetch(`${sim.baseUrl}/api/authentication`, {
    headers: { Authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
  });
  assert.equal(reply.status, 200);
  return reply.headers.get('set-cookie').split(';')[0];
}

/** Every session of `q` with its alerts, read page by page from the API. */
async function apiAlerts(q) {
  const cookie = await apiCookie();
  const get = async (path) => {
    const reply = await fetch(`${sim.baseUrl}${path}`, { headers: { Cookie: cookie } });
    assert.equal(reply.status, 200, path);
    return reply.json();
  };
  const keys = [];
  for (let offset = 0; ; offset += 500) {
    const page = await get(`/api/audit/sessions?q=${encodeURIComponent(q)}&limit=500&offset=${offset}`);
    keys.push(...page.items.map((item) => item.key));
    if (page.items.length < 500) break;
  }
  const sessions = [];
  for (const key of keys) {
    const alerts = [];
    for (let offset = 0; ; offset += 500) {
      const page = await get(`/api/audit/sessions/${encodeURIComponent(key)}/alerts?limit=500&offset=${offset}`);
      alerts.push(...page.items);
      if (page.items.length < 500) break;
    }
    sessions.push({ key, alerts });
  }
  return { sessions, total: sessions.reduce((n, s) => n + s.alerts.length, 0) };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spsview-alerts-'));
  const path = join(dir, 'alerts.ndjson');
  writeFileSync(path, alertsDataset({ sshSessions: SSH_SESSIONS, otherSessions: OTHER_SESSIONS }));
  sim = await startSimulator(['--data', path]);
  browser = await launchBrowser();
  expected = await apiAlerts(QUERY);
  // The sizes this test is about (the exact numbers come from the API).
  assert.ok(expected.sessions.length >= 250 && expected.sessions.length <= 350, `${expected.sessions.length} sessions`);
  assert.ok(expected.total >= 1500 && expected.total <= 2500, `${expected.total} alerts`);
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

const loggedIn = () => openList(browser, sim.baseUrl);

/** Opens the alerts page from the list's link for QUERY, and waits for its end. */
async function openAlerts(page, { wait = 'done' } = {}) {
  await page.goto(`${sim.baseUrl}/sessions?q=${encodeURIComponent(QUERY)}&tz=utc`);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  const link = page.locator('#alerts-link');
  assert.equal(await link.getAttribute('href'), `/alerts?q=${encodeURIComponent(QUERY)}&tz=utc`);
  await link.click();
  await page.waitForURL(/\/alerts\?/);
  if (wait) {
    await page.waitForSelector(`#alerts-status[data-phase="${wait}"]`, { timeout: 90_000 });
  }
}

const shownCount = (page) => page.locator('#alert-count').getAttribute('data-count').then(Number);

test('lists every alert of the search, filters by rule, steps by keyboard and opens the timeline at the alert', async () => {
  const { page, problems, context } = await loggedIn();
  await openAlerts(page);
  const status = page.locator('#alerts-status');
  assert.equal(Number(await status.getAttribute('data-alerts')), expected.total);
  assert.equal(Number(await status.getAttribute('data-total')), expected.sessions.length);
  assert.equal(Number(await status.getAttribute('data-done')), expected.sessions.length);
  assert.equal(await shownCount(page), expected.total);
  assert.equal(await page.locator('#alerts-failed').count(), 0);
  // Virtualised: a window of rows, not 2,000.
  const rendered = await page.locator('#alerts-table tbody tr.alert-row').count();
  assert.ok(rendered > 0 && rendered < 60, `${rendered} rows in the DOM`);
  // Matched text is highlighted with <mark>, the script in it is text.
  await page.waitForSelector('#alerts-table tr.alert-row mark.match');
  assert.equal(await page.locator('#alerts-table script').count(), 0);
  await screenshot(page, 'alerts-all');

  // Another zone re-renders the times and fetches nothing again.
  const firstTime = await page.locator('#alerts-table tr.alert-row td.col-time').first().innerText();
  assert.match(firstTime, /\+00:00$/);
  await page.click('#tz-choice button[data-tz="sent"]');
  await page.waitForURL(/\/alerts\?q=protocol%3ASSH$/);
  assert.equal(await status.getAttribute('data-phase'), 'done');
  assert.equal(Number(await status.getAttribute('data-alerts')), expected.total);
  await page.click('#tz-choice button[data-tz="utc"]');
  await page.waitForURL(/\/alerts\?q=protocol%3ASSH&tz=utc$/);
  await page.waitForSelector('#alerts-table tr.alert-row');

  // Filter by rule: the select's counts are the API's, and so is the result.
  const byRule = {};
  for (const s of expected.sessions) for (const a of s.alerts) byRule[a.rule_name] = (byRule[a.rule_name] ?? 0) + 1;
  const options = await page.locator('#filter-rule option').evaluateAll((os) =>
    os.filter((o) => o.value).map((o) => [o.value.slice(1), Number(o.dataset.count)]));
  assert.deepEqual(Object.fromEntries(options), byRule);
  await page.selectOption('#filter-rule', '=Exfiltration');
  await page.waitForFunction((n) => document.querySelector('#alert-count')?.dataset.count === String(n), byRule.Exfiltration);
  const rules = await page.locator('#alerts-table tr.alert-row').evaluateAll((trs) => trs.map((tr) => tr.dataset.rule));
  assert.ok(rules.length > 0 && rules.every((r) => r === 'Exfiltration'), rules.join());
  await page.selectOption('#filter-rule', '=SudoUse');
  await page.waitForFunction((n) => document.querySelector('#alert-count')?.dataset.count === String(n), byRule.SudoUse);

  // Grouped by user: each group's head carries its size; the heads add up.
  await page.selectOption('#group-by', 'user');
  await page.waitForSelector('#alerts-table .group-head');
  await page.selectOption('#group-by', '');

  // Keyboard: j, j, k lands on the second row; Enter opens its timeline.
  await page.locator('h1').click();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  const lit = page.locator('#alerts-table tr.alert-row.is-highlighted');
  await lit.waitFor();
  assert.equal(await lit.getAttribute('data-index'), '1');
  const key = await lit.getAttribute('data-key');
  const href = await lit.locator('a.alert-open').getAttribute('href');
  const session = expected.sessions.find((s) => s.key === key);
  assert.ok(session, key);
  // The link's moment is the alert's time since the session's start.
  const t = Number(/#t=([\d.]+)$/.exec(href)?.[1]);
  const starts = await (async () => {
    const cookie = await apiCookie();
    const reply = await fetch(`${sim.baseUrl}/api/audit/sessions/${encodeURIComponent(key)}`, { headers: { Cookie: cookie } });
    return Date.parse((await reply.json()).body.start_time);
  })();
  const moments = session.alerts.filter((a) => a.rule_name === 'SudoUse')
    .map((a) => (Date.parse(`${a.time.slice(0, 23)}Z`) - starts) / 1000);
  assert.ok(moments.some((m) => Math.abs(m - t) < 0.002), `t=${t} not among ${moments}`);
  assert.match(href, new RegExp(`^/sessions/${key}\\?tz=utc#t=`));
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`/sessions/${key}\\?tz=utc#t=`), { timeout: 30_000 });
  await page.waitForSelector(`#timeline-svg g.cursor[data-t="${t.toFixed(3)}"]`, { timeout: 30_000 });
  await screenshot(page, 'alerts-opened-timeline');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, []);
  await context.close();
});

test('Cancel keeps the alerts that arrived', async () => {
  // Slow alerts (only): the fetch is still running when Cancel is pressed.
  await sim.setFault('latency=150', '/api/audit/sessions/*');
  const { page, problems, context } = await loggedIn();
  try {
    await openAlerts(page, { wait: 'alerts' });
    await page.waitForFunction(() => Number(document.querySelector('#alerts-status')?.dataset.done) >= 10, null, { timeout: 60_000 });
    await page.click('#alerts-cancel');
    await page.waitForSelector('#alerts-status[data-phase="cancelled"]');
    const status = page.locator('#alerts-status');
    const done = Number(await status.getAttribute('data-done'));
    const arrived = Number(await status.getAttribute('data-alerts'));
    assert.ok(done >= 10 && done < expected.sessions.length, `${done} sessions done`);
    assert.match(await status.innerText(), /Cancelled/);
    await page.waitForSelector('#alert-count');
    assert.equal(await shownCount(page), arrived);
    assert.ok(arrived > 0 && arrived < expected.total, `${arrived} alerts kept`);
    assert.ok(await page.locator('#alerts-table tr.alert-row').count() > 0);
    assert.equal(await page.locator('#alerts-cancel').count(), 0);
    await screenshot(page, 'alerts-cancelled');
    assert.deepEqual(problems.pageErrors, []);
  } finally {
    await sim.clearFaults();
    await context.close();
  }
});

test('a session whose alerts fail is listed with its error and a Retry', async () => {
  const failing = expected.sessions.find((s) => s.alerts.length > 0);
  await sim.setFault('status=500', `/api/audit/sessions/${failing.key}/alerts`);
  const { page, problems, context } = await loggedIn();
  try {
    await openAlerts(page);
    const item = page.locator(`#alerts-failed li.failed-session[data-key="${failing.key}"]`);
    await item.waitFor();
    assert.equal(await page.locator('#alerts-failed').getAttribute('data-count'), '1');
    assert.match(await item.innerText(), /500|Internal|error/i);
    assert.equal(await shownCount(page), expected.total - failing.alerts.length);
    assert.match(await page.locator('#alerts-status').innerText(), /1 failed/);
    await screenshot(page, 'alerts-failed-session');

    // Retry once the appliance answers again: its alerts join the others.
    await sim.clearFaults();
    await item.locator('button.retry').click();
    await page.waitForSelector('#alerts-failed', { state: 'detached' });
    await page.waitForFunction((n) => document.querySelector('#alert-count')?.dataset.count === String(n), expected.total);
    assert.deepEqual(problems.pageErrors, []);
  } finally {
    await sim.clearFaults();
    await context.close();
  }
});

test('exports the alerts shown as CSV (formula guard on) and JSON', async () => {
  const { page, problems, context } = await loggedIn();
  await openAlerts(page);
  await page.selectOption('#filter-rule', '=Download');
  const n = Number(await page.locator('#filter-rule option[value="=Download"]').getAttribute('data-count'));
  await page.waitForFunction((n) => document.querySelector('#alert-count')?.dataset.count === String(n), n);
  await page.click('#export-menu summary');
  const [csvDownload] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.click('#export-menu button[data-export="csv"]'),
  ]);
  assert.match(csvDownload.suggestedFilename(), /^sps-alerts-\d{8}T\d{6}Z\.csv$/);
  const csv = readFileSync(await csvDownload.path(), 'utf8').trimEnd().split('\r\n');
  assert.match(csv[0], /^"Key","Protocol","Gateway username","Server IP","Session start time","Time","Alert type","Rule name"/);
  assert.equal(csv.length, n + 1);
  assert.ok(csv.slice(1).every((line) => line.includes('"Download"')));
  // The formula guard is on: the formula is written as text.
  assert.ok(csv.slice(1).every((line) => line.includes(`"'=cmd|`)), csv[1]);

  await page.click('#export-menu summary');
  const [jsonDownload] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.click('#export-menu button[data-export="json"]'),
  ]);
  const rows = JSON.parse(readFileSync(await jsonDownload.path(), 'utf8'));
  assert.equal(rows.length, n);
  assert.ok(rows.every((r) => r.alert.rule_name === 'Download' && r.session.key.startsWith('s-')));
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('a search of more than 2,000 sessions asks before fetching their alerts', async () => {
  // Every session, more than the threshold, from a generated data set.
  const big = await startSimulator(['--sessions', '2500', '--seed', '3']);
  const { page, problems, context } = await newPage(browser);
  try {
    await login(page, big.baseUrl);
    await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
    await page.goto(`${big.baseUrl}/alerts`);
    const confirm = page.locator('#alerts-confirm');
    await confirm.waitFor({ timeout: 30_000 });
    assert.match(await confirm.innerText(), /This search has 2,500 sessions; fetching their alerts makes 2,500 requests/);
    assert.equal(await page.locator('#alerts-status').getAttribute('data-alerts'), '0');
    await page.click('#alerts-continue');
    await page.waitForSelector('#alerts-status[data-phase="alerts"], #alerts-status[data-phase="done"]', { timeout: 60_000 });
    assert.deepEqual(problems.pageErrors, []);
  } finally {
    await context.close();
    await big.stop();
  }
});

test('errors are shown in the page, never a blank page: a bad query, a failing search', async () => {
  const { page, problems, context } = await loggedIn();
  try {
    // A query that does not parse is not sent.
    await page.goto(`${sim.baseUrl}/alerts?q=${encodeURIComponent('protocol:(')}`);
    const notSent = page.locator('[data-testid="error"][data-kind="not-sent"]');
    await notSent.waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#alerts-status').getAttribute('data-phase'), 'failed');

    // The count fails: the error with a retry, which works once the appliance does.
    await sim.setFault('status=503', '/api/audit/sessions/_count');
    await page.goto(`${sim.baseUrl}/alerts?q=${encodeURIComponent(QUERY)}`);
    const failed = page.locator('[data-testid="error"][data-kind="api"]');
    await failed.waitFor({ timeout: 30_000 });
    assert.match(await failed.innerText(), /Could not find the sessions of this search/);
    await sim.clearFaults();
    await failed.locator('button.retry').click();
    await page.waitForSelector('#alerts-status[data-phase="done"]', { timeout: 60_000 });
    assert.equal(Number(await page.locator('#alerts-status').getAttribute('data-alerts')), expected.total);
    assert.deepEqual(problems.pageErrors, []);
  } finally {
    await sim.clearFaults();
    await context.close();
  }
});
