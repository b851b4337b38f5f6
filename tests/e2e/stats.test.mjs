// The statistics page and the list's histogram against the simulator: the
// flow picture shows the simulator's own `stats` counts (asked from Node with
// the browser's login, compared as text), a click on a value or a band opens
// the list filtered by it, a 404 from `stats` is said plainly, and the
// histogram asks `/histogram` once where it exists and falls back to `_count`
// probes on a 6.0 appliance.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSimulator, launchBrowser, newPage, login, screenshot } from './harness.mjs';

const TOTAL = 600;
const FLOW = ['user.gateway_username', 'server.ip', 'protocol'];
const FLOW_SIZE = 5;

let sim;
let old;
let browser;

before(async () => {
  sim = await startSimulator(['--sessions', String(TOTAL), '--seed', '21']);
  old = await startSimulator(['--sessions', '300', '--seed', '21', '--compat', '6.0']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
  await old?.stop();
});

/** A logged-in page on the list of `server`, recording its API requests. */
async function loggedIn(server) {
  const opened = await newPage(browser);
  const requests = [];
  opened.page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/')) requests.push(url);
  });
  await login(opened.page, server.baseUrl);
  await opened.page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  return { ...opened, requests };
}

/** GET of the simulator's API from Node, with the browser context's login cookie. */
async function api(context, server, path) {
  const reply = await context.request.get(`${server.baseUrl}${path}`);
  assert.equal(reply.status(), 200, `${path}: ${await reply.text()}`);
  return reply.json();
}

const number = (text) => Number(text.replace(/[^0-9]/g, ''));
const asText = (v) => (typeof v === 'string' ? v : JSON.stringify(v));

test('the histogram asks /histogram once and its bars add up to the result', async () => {
  const { page, context, requests, problems } = await loggedIn(sim);
  const chart = page.locator('#histogram');
  await chart.waitFor({ timeout: 30_000 });
  assert.match(await chart.getAttribute('data-source'), /^(hourly|daily|weekly) intervals from the appliance$/);
  const histogram = requests.filter((u) => u.pathname === '/api/audit/sessions/histogram');
  assert.equal(histogram.length, 1, histogram.map(String).join('\n'));
  assert.equal(histogram[0].searchParams.get('field'), 'protocol');
  assert.match(histogram[0].searchParams.get('bin-size'), /^(hour|day|week)$/);
  const probes = requests.filter((u) => u.pathname === '/api/audit/sessions/_count'
    && (u.searchParams.get('q') ?? '').includes('start_time:'));
  assert.equal(probes.length, 0, 'no _count probe per bar');
  const counts = await chart.locator('rect.hist-bar').evaluateAll((rs) => rs.map((r) => Number(r.dataset.count)));
  const { count } = await api(context, sim, '/api/audit/sessions/_count');
  assert.equal(counts.reduce((a, b) => a + b, 0), count);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('a 6.0 appliance (no /histogram) gets the _count probes', async () => {
  const { page, context, requests, problems } = await loggedIn(old);
  const chart = page.locator('#histogram');
  await chart.waitFor({ timeout: 30_000 });
  assert.equal(await chart.getAttribute('data-source'), 'counted by the appliance');
  assert.equal(await chart.getAttribute('data-bars'), '24');
  const histogram = requests.filter((u) => u.pathname === '/api/audit/sessions/histogram');
  assert.equal(histogram.length, 1, 'asked once, answered 404');
  const probes = requests.filter((u) => u.pathname === '/api/audit/sessions/_count'
    && (u.searchParams.get('q') ?? '').includes('start_time:'));
  assert.equal(probes.length, 24);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('the flow shows the simulator\'s counts, as text and as a picture', async () => {
  const { page, context, problems } = await loggedIn(sim);
  await page.click('#stats-link');
  await page.waitForURL(/\/stats/);
  await page.waitForSelector('#flow-table tr.flow-row', { timeout: 30_000 });
  await page.waitForSelector('#top-values .top-row', { timeout: 30_000 });
  await screenshot(page, 'stats');

  // What the simulator says for the same two questions.
  const expected = [];
  for (let i = 0; i + 1 < FLOW.length; i += 1) {
    const [a, b] = [FLOW[i], FLOW[i + 1]];
    const reply = await api(context, sim,
      `/api/audit/sessions/stats?field=${a}&sub_fields=${b}&size=${FLOW_SIZE}`);
    for (const item of reply.items) {
      if (item.value === null || item.value === '') continue;
      for (const sub of item.sub_fields?.[b] ?? []) {
        if (sub.value === null || sub.value === '' || sub.count === 0) continue;
        expected.push([a, asText(item.value), b, asText(sub.value), sub.count].join('|'));
      }
    }
  }
  assert.ok(expected.length > 3, `a flow with some bands: ${expected.length}`);
  // What the page shows: the table's text.
  const shown = await page.$$eval('#flow-table tr.flow-row', (rows) => rows.map((r) => {
    const cells = r.querySelectorAll('td');
    const text = (td) => td.querySelector('a').textContent;
    const field = (td) => td.querySelector('.muted').textContent.replace(/: $/, '');
    return [field(cells[0]), text(cells[0]), field(cells[1]), text(cells[1]), cells[2].textContent];
  }));
  assert.deepEqual(shown.map((r) => [...r.slice(0, 4), number(r[4])].join('|')).sort(), expected.sort());
  // The picture has one band per row, as wide as its count says.
  const bands = await page.$$eval('#flow-svg path.flow-band', (ps) => ps.map((p) => Number(p.dataset.count)));
  assert.equal(bands.length, expected.length);
  assert.equal(bands.reduce((a, b) => a + b, 0), expected.reduce((s, r) => s + Number(r.split('|')[4]), 0));
  // Screen readers get a name for the picture.
  const label = await page.getAttribute('#flow-svg', 'aria-label');
  assert.match(label, /user\.gateway_username → server\.ip → protocol/);
  // The top values are the simulator's too.
  const top = await api(context, sim, '/api/audit/sessions/stats?field=protocol&size=10');
  const rows = await page.$$eval('#top-values .top-row', (rs) => rs.map((r) =>
    `${r.querySelector('.top-link').textContent}|${r.querySelector('.top-count').textContent}`));
  assert.deepEqual(rows.map((r) => r.split('|')).map(([v, c]) => `${v}|${number(c)}`),
    top.items.map((i) => `${asText(i.value)}|${i.count}`));
  await page.locator('#flow-svg').scrollIntoViewIfNeeded();
  await screenshot(page, 'stats-flow');
  // The CSV export holds the same bands (sps-core's writer: every cell quoted).
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#flow-export')]);
  assert.equal(download.suggestedFilename(), `spsview-flow-${FLOW.join('-')}.csv`);
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
  assert.equal(csv[0], '"Key","From field","From value","To field","To value","Sessions"');
  const cells = (line) => line.slice(1, -1).split('","');
  assert.deepEqual(csv.slice(1).map((l) => cells(l).slice(1).join('|')).sort(), expected.sort());
  await page.waitForSelector('text=Exported');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.consoleErrors, []);
  await context.close();
});

test('a click on a value, a band or a node filters the list', async () => {
  const { page, context, problems } = await loggedIn(sim);
  await page.goto(`${sim.baseUrl}/stats?field=server.ip`);
  const first = page.locator('#top-values .top-row').first();
  await first.waitFor({ timeout: 30_000 });
  const value = await first.getAttribute('data-value');
  const count = Number(await first.getAttribute('data-count'));
  await first.locator('.top-link').click();
  await page.waitForURL(/\/sessions\?q=/);
  assert.equal(new URL(page.url()).searchParams.get('q'), `server.ip:${value}`);
  await page.waitForFunction((n) => document.querySelector('#match-count')?.dataset.count === String(n), count,
    { timeout: 30_000 });

  // A band: both of its values.
  await page.goto(`${sim.baseUrl}/stats?flow=protocol,verdict`);
  const band = page.locator('#flow-svg path.flow-band').first();
  // A straight band has a zero-height box, which Playwright calls hidden.
  await band.waitFor({ state: 'attached', timeout: 30_000 });
  const [from, to, sessions] = await Promise.all(['data-from', 'data-to', 'data-count'].map((a) => band.getAttribute(a)));
  await band.dispatchEvent('click');
  await page.waitForURL(/\/sessions\?q=/);
  assert.equal(new URL(page.url()).searchParams.get('q'), `protocol:${from} AND verdict:${to}`);
  await page.waitForFunction((n) => document.querySelector('#match-count')?.dataset.count === n, sessions,
    { timeout: 30_000 });

  // A node: its one value, added to the search the page was opened with.
  await page.goto(`${sim.baseUrl}/stats?q=protocol%3Assh&flow=protocol,verdict`);
  const node = page.locator('#flow-svg g.flow-node[data-col="1"]').first();
  await node.waitFor({ state: 'attached', timeout: 30_000 });
  const verdict = await node.getAttribute('data-value');
  await node.dispatchEvent('click');
  await page.waitForURL(/\/sessions\?q=/);
  assert.equal(new URL(page.url()).searchParams.get('q'), `protocol:ssh AND verdict:${verdict}`);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('a 404 from stats says the appliance has none; other errors are shown, never a blank page', async () => {
  const { page, context, problems } = await loggedIn(sim);
  await sim.setFault('html=404', '/api/audit/sessions/stats');
  try {
    await page.goto(`${sim.baseUrl}/stats`);
    await page.waitForSelector('#top-status [data-testid="error"]', { timeout: 30_000 });
    assert.match(await page.textContent('#top-status'), /No statistics on this appliance/);
    assert.match(await page.textContent('#flow-status'), /No statistics on this appliance/);
    await sim.clearFaults();
    await sim.setFault('html', '/api/audit/sessions/stats');
    await page.reload();
    await page.waitForSelector('#top-status [data-testid="error"]', { timeout: 30_000 });
    assert.match(await page.textContent('#top-status'), /Could not count the sessions/);
    assert.ok(await page.isVisible('#stats-back'));
  } finally {
    await sim.clearFaults();
  }
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});
