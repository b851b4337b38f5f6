// The sessions list: query errors, sorting, URL state, fetching all 30,000
// sessions into a virtualised table (with progress and cancel), exports of the
// whole result, the login dialog when the login expires midway, keyboard use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, launchBrowser, newPage, login, openList, screenshot } from './harness.mjs';

const TOTAL = 30000;
let sim;
let browser;

before(async () => {
  // A little latency per request, as over a real network: it also keeps a
  // fetch of 30,000 sessions slow enough to cancel midway.
  sim = await startSimulator(['--sessions', String(TOTAL), '--seed', '5', '--latency-ms', '25']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

const loggedIn = () => openList(browser, sim.baseUrl);

/** Keys of the first `n` rows shown. */
function shownKeys(page, n) {
  return page.locator('#sessions-table tr.session-row')
    .evaluateAll((trs, n) => trs.slice(0, n).map((tr) => tr.dataset.key), n);
}

/** Keys the API itself gives for a query string. */
function apiKeys(page, query) {
  return page.evaluate(async (query) => {
    const reply = await fetch(`/api/audit/sessions?${query}`, { credentials: 'same-origin' });
    const body = await reply.json();
    return body.items.map((item) => item.key);
  }, query);
}

test('a query with a syntax error shows its position and is not sent', async () => {
  const { page, problems, context } = await loggedIn();
  const before = page.url();
  await page.fill('#query-input', 'protocol:(ssh');
  await page.click('#query-apply');
  const error = page.locator('#query-error');
  await error.waitFor({ timeout: 10_000 });
  assert.equal(await error.getAttribute('data-column'), '10');
  assert.match(await error.innerText(), /Column 10/);
  assert.match(await error.innerText(), /\^/);
  assert.equal(page.url(), before, 'nothing was navigated to (not sent)');
  await screenshot(page, 'list-query-error');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  await context.close();
});

test('sorting by a header gives the API\'s sort= order; shift-click adds a key', async () => {
  const { page, problems, context } = await loggedIn();
  await page.click('th[data-sort-field="duration"] button');
  await page.waitForURL(/sort=duration/);
  await page.waitForFunction(() =>
    document.querySelector('th[data-sort-field="duration"]')?.getAttribute('aria-sort') === 'ascending'
    && !document.querySelector('[data-testid="updating"]'));
  assert.deepEqual(await shownKeys(page, 10), await apiKeys(page, 'sort=duration&limit=10'));

  // Again: descending.
  await page.click('th[data-sort-field="duration"] button');
  await page.waitForURL(/sort=-duration/);
  await page.waitForFunction(() =>
    document.querySelector('th[data-sort-field="duration"]')?.getAttribute('aria-sort') === 'descending'
    && !document.querySelector('[data-testid="updating"]'));
  assert.deepEqual(await shownKeys(page, 10), await apiKeys(page, 'sort=-duration&limit=10'));

  // Shift+click: a secondary key.
  await page.click('th[data-sort-field="protocol"] button', { modifiers: ['Shift'] });
  await page.waitForURL(/sort=-duration%2Cprotocol|sort=-duration,protocol/);
  await page.waitForFunction(() => !document.querySelector('[data-testid="updating"]')
    && document.querySelector('th[data-sort-field="protocol"] .sort-rank')?.textContent === '2');
  assert.deepEqual(await shownKeys(page, 10), await apiKeys(page, 'sort=-duration,protocol&limit=10'));
  await screenshot(page, 'list-sorted');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  await context.close();
});

test('a URL reproduces a view: query, sort, page and time zone', async () => {
  const { page, problems, context } = await loggedIn();
  const q = 'protocol:SSH AND duration:[60 TO 3600]';
  await page.goto(`${sim.baseUrl}/sessions?q=${encodeURIComponent(q)}&sort=-start_time&offset=50&tz=utc`);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  assert.equal(await page.inputValue('#query-input'), q);
  assert.equal(await page.getAttribute('th[data-sort-field="start_time"]', 'aria-sort'), 'descending');
  assert.equal(await page.getAttribute('#tz-choice [data-tz="utc"]', 'aria-pressed'), 'true');
  const expected = await apiKeys(page, `q=${encodeURIComponent(q)}&sort=-start_time&offset=50&limit=10`);
  assert.deepEqual(await shownKeys(page, 10), expected);
  // Every time shown in UTC says so.
  const start = await page.locator('#sessions-table tr.session-row td[data-field="start_time"]').first().innerText();
  assert.match(start, /\+00:00$/);
  assert.match(await page.locator('.summary').first().innerText(), /showing 51–/);
  await screenshot(page, 'list-url-view');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  await context.close();
});

test('fetch all 30,000: progress, then a virtualised table sorted client-side', async () => {
  const { page, problems, context } = await loggedIn();
  // More than 10,000 match: the page says so and offers to fetch everything.
  const big = page.locator('#big-result');
  await big.waitFor({ timeout: 10_000 });
  // "10,000+" (match_count is capped) until `_count` tells the number.
  await page.waitForFunction(() => /30,000 sessions match/.test(document.querySelector('#big-result')?.innerText ?? ''));
  assert.match(await big.innerText(), /10,000/);
  await big.locator('#fetch-all').click();
  const progress = page.locator('#fetch-progress');
  await progress.waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => Number(document.querySelector('#fetch-progress')?.dataset.fetched) > 0);
  assert.match(await progress.innerText(), /of 30,000/);
  await screenshot(page, 'list-fetch-progress');

  const count = page.locator('#row-count');
  await count.waitFor({ timeout: 180_000 });
  assert.equal(await count.innerText(), '30,000');
  assert.equal(await count.getAttribute('data-complete'), 'true');
  assert.equal(await progress.count(), 0, 'progress bar gone');
  const inDom = await page.locator('#sessions-table tr.session-row').count();
  assert.ok(inDom > 0 && inDom < 200, `rows in the DOM: ${inDom}`);

  // Scrolling to the end renders the last rows, still few of them.
  await page.locator('.vt-wrap').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForFunction(() => {
    const rows = document.querySelectorAll('#sessions-table tr.session-row');
    return rows.length > 0 && rows[rows.length - 1].dataset.index === '29999';
  });
  assert.ok(await page.locator('#sessions-table tr.session-row').count() < 200);

  // Client-side sort (no request): shortest first, then shift-click a second key.
  await page.click('th[data-sort-field="duration"] button');
  await page.waitForFunction(() =>
    document.querySelector('th[data-sort-field="duration"]')?.getAttribute('aria-sort') === 'ascending');
  assert.equal(await page.locator('#row-count').innerText(), '30,000', 'still all rows, sorted here');
  const durations = await page.locator('#sessions-table tr.session-row').evaluateAll((trs) =>
    trs.map((tr) => tr.querySelector('td[data-field="duration"]').textContent));
  assert.ok(durations.length > 5);
  const apiFirst = await apiKeys(page, 'sort=duration&limit=1&fields=duration');
  const shownFirstDuration = await page.locator('#sessions-table tr.session-row td[data-field="duration"]').first().innerText();
  const apiFirstDuration = await page.evaluate(async () => {
    const r = await fetch('/api/audit/sessions?sort=duration&limit=1&fields=duration');
    return (await r.json()).items[0].body.duration;
  });
  assert.ok(apiFirst.length === 1);
  assert.match(shownFirstDuration, new RegExp(`^${apiFirstDuration}s`));
  await page.click('th[data-sort-field="protocol"] button', { modifiers: ['Shift'] });
  await page.waitForURL(/sort=duration%2Cprotocol|sort=duration,protocol/);
  await screenshot(page, 'list-fetched-all');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  await context.close();
});

test('cancelling a fetch midway stops with a partial count', async () => {
  const { page, problems, context } = await loggedIn();
  await page.locator('#big-result #fetch-all').click();
  await page.waitForFunction(() => Number(document.querySelector('#fetch-progress')?.dataset.fetched) >= 1000,
    null, { timeout: 60_000 });
  await page.click('#fetch-cancel');
  const count = page.locator('#row-count');
  await count.waitFor({ timeout: 30_000 });
  assert.equal(await count.getAttribute('data-complete'), 'false');
  const n = Number(await count.getAttribute('data-count'));
  assert.ok(n >= 1000 && n < TOTAL, `partial count ${n}`);
  assert.match(await page.locator('#fetch-stopped').innerText(), /Cancelled/);
  assert.match(await page.locator('#fetch-stopped').innerText(), /of 30,000/);
  // No more requests arrive after the cancel: the count stays put.
  await page.waitForTimeout(1000);
  assert.equal(Number(await count.getAttribute('data-count')), n);
  assert.ok(await page.locator('#sessions-table tr.session-row').count() < 200);
  await screenshot(page, 'list-fetch-cancelled');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  await context.close();
});

test('export downloads the whole result as CSV and NDJSON', async () => {
  const { page, problems, context } = await loggedIn();
  // A query of a few thousand sessions: exporting fetches all of them first.
  const q = 'protocol:SSH';
  await page.goto(`${sim.baseUrl}/sessions?q=${encodeURIComponent(q)}&sort=-duration&tz=utc`);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  // Above SPS's cap the first count is a lower bound ("10,000+"); wait for
  // the exact count the viewer asks `_count` for.
  await page.waitForSelector('#match-count:not([data-total-source="lower-bound"])', { timeout: 30_000 });
  const matches = Number(await page.getAttribute('#match-count', 'data-count'));
  assert.ok(matches > 50, `matches ${matches}`);

  await page.keyboard.press('e');
  assert.equal(await page.getAttribute('#export-menu', 'open'), '');
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 120_000 }),
    page.click('#export-menu [data-export="csv"]'),
  ]);
  assert.match(download.suggestedFilename(), /^sps-sessions-\d{8}T\d{6}Z\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  const lines = csv.split('\r\n').filter((l) => l.length > 0);
  assert.equal(lines[0], '"Key","Protocol","Gateway username","Server IP","Start time","Duration","Verdict"');
  assert.equal(lines.length - 1, matches, 'one row per session');
  assert.ok(lines.slice(1).every((l) => l.includes('"SSH"')));
  // Times in the chosen zone (UTC), offset written.
  assert.match(lines[1], /"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+00:00"/);
  // Spreadsheet-safe: no cell starts with a formula character.
  assert.ok(lines.every((l) => !/(^|,)"[=@]/.test(l)), 'formula guard');
  // In the table's order (-duration): the first row is the longest.
  const firstKey = (await apiKeys(page, `q=${encodeURIComponent(q)}&sort=-duration&limit=1`))[0];
  assert.ok(lines[1].startsWith(`"${firstKey}"`));
  await page.locator('#export-status').waitFor();
  assert.match(await page.locator('#export-status').innerText(), /Saved sps-sessions-/);
  // The fetch under the export loaded the rows.
  assert.equal(Number(await page.getAttribute('#row-count', 'data-count')), matches);

  // NDJSON of the (now loaded) result.
  await page.keyboard.press('e');
  const [nd] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.click('#export-menu [data-export="ndjson"]'),
  ]);
  assert.match(nd.suggestedFilename(), /\.ndjson$/);
  const records = readFileSync(await nd.path(), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.equal(records.length, matches);
  assert.equal(records[0].key, firstKey);
  await screenshot(page, 'list-exported');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  await context.close();
});

test('keyboard: j/k move the highlight, Enter opens the session', async () => {
  const { page, problems, context } = await loggedIn();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  const lit = page.locator('#sessions-table tr.session-row.is-highlighted');
  await lit.waitFor();
  assert.equal(await lit.getAttribute('data-index'), '1');
  const key = await lit.getAttribute('data-key');
  // Keys typed into the search box stay text.
  await page.click('#query-input');
  await page.keyboard.type('j');
  assert.equal(await page.inputValue('#query-input'), 'j');
  assert.equal(await lit.getAttribute('data-index'), '1');
  await page.locator('#query-input').fill('');
  await page.locator('#query-input').blur();
  // Far down: the highlighted row is scrolled into view.
  for (let i = 0; i < 30; i += 1) await page.keyboard.press('j');
  await page.waitForFunction(() => document.querySelector('tr.is-highlighted')?.dataset.index === '31');
  const inView = await page.evaluate(() => {
    const row = document.querySelector('tr.is-highlighted').getBoundingClientRect();
    const box = document.querySelector('.vt-wrap').getBoundingClientRect();
    return row.top >= box.top && row.bottom <= box.bottom + 1;
  });
  assert.ok(inView, 'highlighted row visible');
  await screenshot(page, 'list-keyboard');
  for (let i = 0; i < 30; i += 1) await page.keyboard.press('k');
  await page.waitForFunction(() => document.querySelector('tr.is-highlighted')?.dataset.index === '1');
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`/sessions/${key}`), { timeout: 10_000 });
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  await context.close();
});

test('column choice and widths survive a reload; the request follows the columns', async () => {
  const { page, problems, context } = await loggedIn();
  const requests = [];
  page.on('request', (r) => { if (r.url().includes('/api/audit/sessions?')) requests.push(r.url()); });
  await page.click('#column-chooser summary');
  await page.click('#column-chooser [data-add="analytics.score.aggregated"]');
  await page.click('#column-chooser [data-remove="server.ip"]');
  // Move the risk score (last) one place left, before Verdict.
  await page.locator('#column-chooser li[data-field="analytics.score.aggregated"] button[title="Move left"]').click();
  await page.waitForSelector('#sessions-table td[data-field="analytics.score.aggregated"]');
  await page.click('#column-chooser summary'); // closes the chooser
  const fieldsUrl = requests.at(-1);
  assert.match(decodeURIComponent(fieldsUrl), /fields=[^&]*analytics\.score\.aggregated/);
  assert.doesNotMatch(decodeURIComponent(fieldsUrl), /fields=[^&]*server\.ip/);
  // Risk scores are badges coloured by level.
  await page.waitForSelector('#sessions-table .badge.score');
  // Resize the User column by dragging its handle 80px to the right.
  const handle = page.locator('th[data-field="user.gateway_username"] .col-resize');
  const before = await page.locator('th[data-field="user.gateway_username"]').evaluate((th) => th.getBoundingClientRect().width);
  const box = await handle.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 40, box.y + box.height / 2, { steps: 4 });
  await page.mouse.move(box.x + 84, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  const after = await page.locator('th[data-field="user.gateway_username"]').evaluate((th) => th.getBoundingClientRect().width);
  assert.ok(Math.abs(after - before - 80) < 6, `width ${before} -> ${after}`);
  const order = () => page.locator('#sessions-table thead th:not(.col-fill)').evaluateAll((ths) => ths.map((th) => th.dataset.field ?? 'key'));
  const chosen = await order();
  await screenshot(page, 'list-columns');

  await page.reload();
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  assert.deepEqual(await order(), chosen);
  assert.deepEqual(chosen, ['key', 'protocol', 'user.gateway_username', 'start_time', 'duration', 'analytics.score.aggregated', 'verdict']);
  const reloaded = await page.locator('th[data-field="user.gateway_username"]').evaluate((th) => th.getBoundingClientRect().width);
  assert.ok(Math.abs(reloaded - after) < 2, `width after reload ${reloaded}`);
  // Back to the defaults for the other tests (same browser storage is not shared, but be tidy).
  await page.evaluate(() => { localStorage.clear(); });
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  await context.close();
});

test('summary chips count the whole result; a click narrows the query', async () => {
  const { page, problems, context } = await loggedIn();
  const chips = page.locator('#summary-chips');
  await chips.waitFor({ timeout: 30_000 });
  assert.equal(await chips.getAttribute('data-source'), 'whole result');
  const chip = chips.locator('.chip[data-field="protocol"]').first();
  const protocol = await chip.getAttribute('data-value');
  const count = Number((await chip.locator('.chip-count').innerText()).replace(/,/g, ''));
  assert.ok(count > 0);
  await chip.click();
  await page.waitForURL(/q=protocol/);
  assert.equal(await page.inputValue('#query-input'), `protocol:${protocol}`);
  await page.waitForFunction((n) => document.querySelector('#match-count')?.dataset.count === String(n), count);
  // A second chip adds to the query with AND.
  const verdictChip = page.locator('#summary-chips .chip[data-field="verdict"]').first();
  await page.waitForFunction(() => document.querySelector('#summary-chips .chip[data-field="protocol"]') !== null
    && document.querySelectorAll('#summary-chips .chip[data-field="protocol"]').length === 1);
  const verdict = await verdictChip.getAttribute('data-value');
  await verdictChip.click();
  await page.waitForFunction((v) => document.querySelector('#query-input').value.endsWith(`AND verdict:${v}`), verdict);
  await screenshot(page, 'list-chips');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  await context.close();
});

test('the histogram: a click on a bar or a drag narrows the time range', async () => {
  const { page, problems, context } = await loggedIn();
  const chart = page.locator('#histogram');
  await chart.waitFor({ timeout: 30_000 });
  // One histogram request, in intervals that fit the span (stats.test.mjs
  // checks the request count and the 6.0 fallback).
  assert.match(await chart.getAttribute('data-source'), /^(hourly|daily|weekly) intervals from the appliance$/);
  const counts = await chart.locator('rect.hist-bar').evaluateAll((rs) => rs.map((r) => Number(r.dataset.count)));
  assert.equal(String(counts.length), await chart.getAttribute('data-bars'));
  assert.equal(counts.reduce((a, b) => a + b, 0), TOTAL, 'the bars add up to the result');
  // A bar in the middle (finished sessions: `end` keeps those that ended by the bar's end).
  const i = counts.findIndex((c, k) => k > 4 && c > 0);
  const bar = chart.locator(`rect.hist-bar[data-index="${i}"]`);
  await bar.click({ force: true });
  await page.waitForURL(/start=.*end=/);
  const url = new URL(page.url());
  const start = Date.parse(url.searchParams.get('start'));
  const end = Date.parse(url.searchParams.get('end'));
  assert.ok(end > start);
  await page.waitForFunction(() => !document.querySelector('[data-testid="updating"]') && document.querySelector('#match-count'));
  const narrowed = Number(await page.getAttribute('#match-count', 'data-count'));
  assert.ok(narrowed > 0 && narrowed <= counts[i], `${narrowed} of ${counts[i]}`);
  // The chart now spans the narrowed range only.
  await page.waitForFunction((s) => {
    const cap = document.querySelector('#histogram figcaption')?.textContent ?? '';
    return cap.includes(s);
  }, new Date(start).toISOString().slice(0, 13));
  await screenshot(page, 'list-histogram');

  // Dragging over bars 2..6 of the new chart narrows again.
  await page.goto(`${sim.baseUrl}/sessions`);
  await chart.waitFor({ timeout: 30_000 });
  const box = await chart.locator('svg').boundingBox();
  const bars = Number(await chart.getAttribute('data-bars'));
  assert.ok(bars > 6, `${bars} bars`);
  const x = (k) => box.x + (box.width / bars) * (k + 0.5);
  await page.mouse.move(x(2), box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(x(4), box.y + box.height / 2, { steps: 3 });
  await page.mouse.move(x(6), box.y + box.height / 2, { steps: 3 });
  await page.mouse.up();
  await page.waitForURL(/start=.*end=/);
  const dragged = new URL(page.url());
  const span = Date.parse(dragged.searchParams.get('end')) - Date.parse(dragged.searchParams.get('start'));
  const barWidth = (end - start);
  assert.ok(Math.abs(span - 5 * barWidth) <= 5000, `span ${span} vs 5 bars of ${barWidth}`);
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  await context.close();
});

test('query bar: field and value completion, recent queries, content search', async () => {
  const { page, problems, context } = await loggedIn();
  await page.waitForSelector('#summary-chips', { timeout: 30_000 });
  const input = page.locator('#query-input');
  await input.click();
  await input.pressSequentially('proto');
  const list = page.locator('#query-suggestions');
  await list.waitFor();
  assert.match(await list.innerText(), /protocol/);
  await page.keyboard.press('Tab');
  assert.equal(await input.inputValue(), 'protocol:');
  // Values come from the summary counts (the appliance's stats).
  await input.pressSequentially('S');
  await page.waitForFunction(() => [...document.querySelectorAll('#query-suggestions .suggestion[data-kind="value"]')]
    .some((li) => li.textContent.includes('SSH')));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.match(await input.inputValue(), /^protocol:S/);
  await input.fill('protocol:SSH');
  await page.keyboard.press('Enter');
  await page.waitForURL(/q=protocol%3ASSH/);
  // A content search that starts with * is refused before sending.
  await page.fill('#content-input', '*passwd');
  await page.click('#query-apply');
  await page.locator('#content-error').waitFor();
  assert.match(await page.locator('#content-error').innerText(), /\*/);
  assert.doesNotMatch(page.url(), /content=/);
  await page.fill('#content-input', 'passwd');
  await page.click('#query-apply');
  await page.waitForURL(/content=passwd/);
  await page.waitForSelector('#match-count, [data-testid="empty"]');
  // The history offers the query again in an empty box.
  await input.fill('');
  await input.focus();
  await page.keyboard.press('ArrowDown');
  const recent = page.locator('#query-suggestions .suggestion[data-kind="recent"]').first();
  await recent.waitFor();
  assert.match(await recent.innerText(), /protocol:SSH/);
  await screenshot(page, 'list-query-assist');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  await context.close();
});

test('a fixed offset zone and a custom range with time of day', async () => {
  const { page, problems, context } = await loggedIn();
  await page.fill('#tz-offset', '+05:30');
  await page.press('#tz-offset', 'Enter');
  await page.waitForURL(/tz=%2B05%3A30/);
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('#sessions-table td[data-field="start_time"]')];
    return cells.length > 0 && cells.every((td) => td.textContent.endsWith('+05:30'));
  });
  assert.equal(await page.locator('#range-zone').innerText(), 'UTC+05:30');
  // Two days ago, 10:00 wall-clock time at +05:30.
  const day = new Date(Date.now() - 2 * 86400e3).toISOString().slice(0, 10);
  await page.fill('#range-start', `${day}T10:00`);
  await page.waitForURL(/start=/);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('start'), `${day}T10:00:00+05:30`);
  assert.equal(await page.inputValue('#range-start'), `${day}T10:00`);
  await page.waitForFunction(() => !document.querySelector('[data-testid="updating"]') && document.querySelector('#match-count'));
  const shown = Number(await page.getAttribute('#match-count', 'data-count'));
  const expected = await page.evaluate(async (start) => {
    const r = await fetch(`/api/audit/sessions?limit=1&start=${encodeURIComponent(start)}`);
    return (await r.json()).meta.match_count;
  }, `${day}T10:00:00+05:30`);
  assert.equal(shown, expected);
  // The earliest session shown started at or after 04:30 UTC that day.
  const earliest = await page.evaluate(async (start) => {
    const r = await fetch(`/api/audit/sessions?limit=1&sort=start_time&fields=start_time&start=${encodeURIComponent(start)}`);
    return (await r.json()).items[0].body.start_time;
  }, `${day}T10:00:00+05:30`);
  assert.ok(Date.parse(earliest) >= Date.parse(`${day}T04:30:00Z`));
  await screenshot(page, 'list-zone-range');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  await context.close();
});

test('offline: an exported NDJSON file is browsed, filtered, sorted and exported without the appliance', async () => {
  // An export file: 800 sessions as spsview's NDJSON export writes them.
  const { page: online, context: onlineContext } = await loggedIn();
  const lines = await online.evaluate(async () => {
    const fields = 'protocol,user.gateway_username,server.ip,start_time,duration,verdict,active';
    const r = await fetch(`/api/audit/sessions?limit=500&fields=${fields}`);
    const r2 = await fetch(`/api/audit/sessions?limit=300&offset=500&fields=${fields}`);
    const items = [...(await r.json()).items, ...(await r2.json()).items];
    return items.map((item) => JSON.stringify(item));
  });
  await onlineContext.close();
  const file = join(mkdtempSync(join(tmpdir(), 'spsview-')), 'sessions.ndjson');
  writeFileSync(file, lines.join('\n') + '\n');
  const records = lines.map((l) => JSON.parse(l));
  const ssh = records.filter((r) => r.body.protocol === 'SSH');

  // A fresh browser, not logged in: nothing may go to /api.
  const { page, problems, context } = await newPage(browser);
  const apiCalls = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) apiCalls.push(r.url()); });
  await page.goto(`${sim.baseUrl}/sessions?offline=1`);
  await page.waitForSelector('[data-testid="offline-empty"]', { timeout: 30_000 });
  await page.setInputFiles('#open-file-input', file);
  await page.waitForSelector('#row-count', { timeout: 30_000 });
  assert.equal(await page.getAttribute('#row-count', 'data-count'), '800');
  assert.match(await page.locator('#offline-badge').innerText(), /sessions\.ndjson/);
  // Filtered with crate-core's evaluator.
  await page.fill('#query-input', 'protocol:ssh');
  await page.press('#query-input', 'Enter');
  await page.waitForFunction((n) => document.querySelector('#row-count')?.dataset.count === String(n), ssh.length);
  // Sorted here.
  await page.click('th[data-sort-field="duration"] button');
  await page.waitForFunction(() =>
    document.querySelector('th[data-sort-field="duration"]')?.getAttribute('aria-sort') === 'ascending');
  const shortest = [...ssh].sort((a, b) => a.body.duration - b.body.duration)[0];
  const firstKey = await page.locator('#sessions-table tr.session-row').first().getAttribute('data-key');
  const firstDuration = records.find((r) => r.key === firstKey).body.duration;
  assert.equal(firstDuration, shortest.body.duration);
  // Chips and histogram from the file's rows.
  assert.equal(await page.getAttribute('#summary-chips', 'data-source'), 'loaded rows');
  await page.waitForSelector('#histogram');
  // Exported again.
  await page.keyboard.press('e');
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.click('#export-menu [data-export="csv"]'),
  ]);
  const csv = readFileSync(await download.path(), 'utf8').split('\r\n').filter(Boolean);
  assert.equal(csv.length - 1, ssh.length);
  assert.ok(csv[1].startsWith(`"${firstKey}"`));
  assert.deepEqual(apiCalls, [], 'no request to the appliance');
  await screenshot(page, 'list-offline');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  await context.close();
});

test('the list for the README', async () => {
  const { page, problems, context } = await loggedIn();
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.evaluate(() => localStorage.setItem('spsview.list.columns',
    JSON.stringify(['protocol', 'user.gateway_username', 'server.ip', 'start_time', 'duration', 'analytics.score.aggregated', 'verdict'])));
  await page.goto(`${sim.baseUrl}/sessions?sort=-start_time`);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  await page.waitForSelector('#summary-chips', { timeout: 30_000 });
  await page.waitForSelector('#histogram', { timeout: 30_000 });
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await screenshot(page, 'list');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  await context.close();
});

test('a login that expires mid-fetch opens a dialog, and the fetch resumes', async () => {
  // Its own simulator: every login lasts 25 requests, and reports 50 s left
  // (under the 60 s warning threshold).
  const expiring = await startSimulator(['--sessions', '20000', '--seed', '9', '--expire-after', '25', '--session-timeout', '50']);
  const { page, problems, context } = await newPage(browser);
  try {
    await login(page, expiring.baseUrl);
    await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
    await page.locator('#big-result #fetch-all').click();
    const dialog = page.locator('#relogin-dialog');
    await dialog.waitFor({ timeout: 60_000 });
    const before = Number(await page.getAttribute('#fetch-progress', 'data-fetched'));
    assert.ok(before < 20000, `paused at ${before}`);
    assert.match(page.url(), /\/sessions/, 'no navigation to the login page');
    // The progress bar warned that the login was running out.
    assert.match(await page.locator('#fetch-expiring').innerText(), /expires in about \d+ s/);
    await screenshot(page, 'list-relogin-dialog');
    await page.fill('#relogin-user', 'admin');
    await page.fill('#relogin-password', 'admin');
    await page.click('#relogin-submit');
    await page.waitForSelector('#relogin-dialog', { state: 'detached' });
    // Each login lasts 25 requests: the dialog may come back; answer it again.
    const count = page.locator('#row-count');
    let relogins = 1;
    for (let round = 0; round < 10; round += 1) {
      const which = await page.waitForFunction(() => {
        if (document.querySelector('#row-count')) return 'done';
        if (document.querySelector('#relogin-dialog')) return 'dialog';
        return false;
      }, null, { timeout: 120_000 }).then((h) => h.jsonValue());
      if (which === 'done') break;
      relogins += 1;
      await page.fill('#relogin-user', 'admin');
      await page.fill('#relogin-password', 'admin');
      await page.click('#relogin-submit');
      await page.waitForSelector('#relogin-dialog', { state: 'detached' });
    }
    assert.ok(relogins >= 1);
    assert.equal(await count.getAttribute('data-complete'), 'true');
    assert.equal(await count.innerText(), '20,000');
    assert.deepEqual(problems.pageErrors, []);
    assert.deepEqual(problems.dialogs, [], "no injected script opened a dialog");
  } finally {
    await context.close();
    await expiring.stop();
  }
});
