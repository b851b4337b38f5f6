// Issue 18, findings 1, 4, 5 and 6, end to end in Chromium:
//   1. a crafted `next=` never sends the browser off the viewer after login;
//   4. crafted `tz`, range and deep-link values show a notice, never a blank page;
//   5. a catastrophic alert pattern over 20,000 characters in 1,000 alerts never
//      stalls the page (no frame or task of 500 ms), and 100,000 events scroll with a constant
//      number of rows in the DOM;
//   6. bidi overrides and zero-width characters are shown as visible marks.
// The data is a --data file written here (the simulator serves its events and
// alerts as given).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, launchBrowser, newPage, login, screenshot, nextFrames, DEMO_USER } from './harness.mjs';

const BASE_MS = Date.parse('2026-02-01T08:00:00Z');
const iso = (ms) => new Date(ms).toISOString();
/** Events and alerts carry naive times with microseconds, as the reference shows. */
const naive = (ms) => new Date(ms).toISOString().replace('Z', '000');

const ALERTS_KEY = 'sec-alerts';
const EVENTS_KEY = 'sec-events';
const BIDI_KEY = 'sec-bidi';
const ALERT_COUNT = 1_000;
const EVENT_COUNT = 100_000;
/** Exponential for a backtracking engine on "aaa…ab": `(a+)+` tries every split. */
const CATASTROPHIC = '(a+)+$';
/** 20,000 characters that never match: the worst case for backtracking. */
const EVIL_TEXT = `${'a'.repeat(19_999)}b`;
/** U+202E turns `exe.fdp` into what reads as `pdf.exe`; U+200B hides in a command. */
const RLO = '\u202E';
const ZWSP = '\u200B';
const BIDI_USER = `admin${RLO}nimda`;
const BIDI_COMMAND = `rm -rf /${ZWSP}tmp/x`;

function body(protocol, startMs, duration, gateway) {
  return {
    protocol,
    start_time: iso(startMs),
    end_time: iso(startMs + duration * 1000),
    duration,
    active: false,
    verdict: 'ACCEPT',
    origin: 'RECORDING',
    user: { gateway_username: gateway, server_username: [gateway], name: gateway, id: 'uid-1' },
    server: { ip: '10.0.0.7', name: 'db-01.example.com', port: 22 },
    client: { ip: '192.0.2.10', name: 'ws-17', port: 50000 },
    recording: { connection_policy: 'prod', channel_policy: 'prod', index_status: 'INDEXED', verdict: 'ACCEPT', command_extracted: true },
    channel: [{
      channel_id: 1, type: 'session shell', verdict: 'accept', active: false,
      start_time: iso(startMs), end_time: iso(startMs + duration * 1000), duration,
    }],
  };
}

function dataset() {
  const lines = [];
  // 1,000 alerts of 20,000 characters; the first one matches (all `a`), the
  // others are the catastrophic case.
  const alertStart = BASE_MS;
  const alerts = Array.from({ length: ALERT_COUNT }, (_, i) => ({
    alert_type: 'adp.event.command',
    channel_id: '1',
    matched_action: `cat payload-${i}`,
    matched_content: i === 0 ? 'a'.repeat(20_000) : EVIL_TEXT,
    matched_regexp: CATASTROPHIC,
    record_id: i + 1,
    rule_name: 'catastrophic',
    time: naive(alertStart + (i + 1) * 1_000),
  }));
  lines.push({ key: ALERTS_KEY, body: body('SSH', alertStart, 3_600, 'alice'), alerts });
  // 100,000 events, one every 100 ms.
  const eventStart = BASE_MS + 2 * 3_600_000;
  const events = Array.from({ length: EVENT_COUNT }, (_, i) => ({
    action: `echo ${i}`,
    channels_id: '1',
    content: `echo ${i}`,
    record_id: i + 1,
    time: naive(eventStart + i * 100),
    type: 'command',
  }));
  lines.push({ key: EVENTS_KEY, body: body('SSH', eventStart, 10_001, 'bob'), events });
  // Hidden characters in a user name, a command and an alert.
  const bidiStart = BASE_MS + 6 * 3_600_000;
  const bidiEvents = [{
    action: BIDI_COMMAND, channels_id: '1', content: BIDI_COMMAND, record_id: 7, time: naive(bidiStart + 5_000), type: 'command',
  }];
  const bidiAlerts = [{
    alert_type: 'adp.event.command', channel_id: '1', matched_action: BIDI_COMMAND, matched_content: `invoice${RLO}fdp.exe`,
    matched_regexp: 'invoice', record_id: 7, rule_name: `rule${ZWSP}`, time: naive(bidiStart + 5_000),
  }];
  lines.push({ key: BIDI_KEY, body: body('SSH', bidiStart, 600, BIDI_USER), events: bidiEvents, alerts: bidiAlerts });
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

let sim;
let browser;
let dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spsview-security-'));
  const path = join(dir, 'security.ndjson');
  writeFileSync(path, dataset());
  sim = await startSimulator(['--data', path]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A logged-in page; `init` runs in every document before its scripts. */
async function loggedIn(init) {
  const opened = await newPage(browser);
  if (init) await opened.page.addInitScript(init);
  await login(opened.page, sim.baseUrl);
  await opened.page.waitForURL(/\/sessions/, { timeout: 30_000 });
  return opened;
}

const detailUrl = (key, suffix = '') => `${sim.baseUrl}/sessions/${encodeURIComponent(key)}${suffix}`;

test('a crafted next= keeps the browser on the viewer after login (finding 1)', async () => {
  const crafted = [
    '/\t/evil.example/login',
    '/\n/evil.example/login',
    '/\r/evil.example/login',
    '/\\evil.example/login',
    '\\\\evil.example/login',
    '//evil.example/login',
    '///evil.example/login',
    'https://evil.example/login',
    'http:evil.example',
    'javascript:alert(document.domain)',
    ' javascript:alert(1)',
    '/sessions/../login',
    '/sessions/%2e%2e/login',
    '/sessions@evil.example',
  ];
  const { page, problems, context } = await newPage(browser);
  const offsite = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(sim.baseUrl)) offsite.push(r.url());
  });
  const origin = new URL(sim.baseUrl).origin;
  for (const next of crafted) {
    await page.goto(`${sim.baseUrl}/login?next=${encodeURIComponent(next)}`);
    await page.fill('#login-user', DEMO_USER.user);
    await page.fill('#login-password', DEMO_USER.password);
    await page.click('#login-submit');
    await page.waitForURL((u) => u.pathname.startsWith('/sessions'), { timeout: 30_000 });
    await page.waitForTimeout(200); // a late navigation would show here
    const url = new URL(page.url());
    assert.equal(url.origin, origin, `${JSON.stringify(next)} stays on the viewer`);
    assert.equal(url.pathname, '/sessions', `${JSON.stringify(next)} falls back to the list`);
  }
  // A genuine target keeps its query and fragment.
  await page.goto(`${sim.baseUrl}/login?next=${encodeURIComponent(`/sessions/${BIDI_KEY}?tz=utc#event=7`)}`);
  await page.fill('#login-user', DEMO_USER.user);
  await page.fill('#login-password', DEMO_USER.password);
  await page.click('#login-submit');
  await page.waitForURL((u) => u.pathname === `/sessions/${BIDI_KEY}`, { timeout: 30_000 });
  assert.match(page.url(), /\?tz=utc#event=7$/);
  assert.deepEqual(offsite, []);
  assert.deepEqual(problems.dialogs, []);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('the login form posts, and the password is cleared after a failed attempt (finding 8)', async () => {
  const { page, problems, context } = await newPage(browser);
  await page.goto(`${sim.baseUrl}/login`);
  assert.equal(await page.locator('#login-form').getAttribute('method'), 'post');
  assert.equal(await page.locator('#login-password').getAttribute('autocomplete'), 'current-password');
  assert.equal(await page.locator('#login-user').getAttribute('autocomplete'), 'username');
  await page.fill('#login-user', DEMO_USER.user);
  await page.fill('#login-password', 'wrong-password-123');
  await page.click('#login-submit');
  await page.waitForSelector('#login-error');
  assert.equal(await page.locator('#login-password').inputValue(), '');
  assert.ok(!page.url().includes('wrong-password'), 'the password is never in the address');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('crafted tz, range and deep-link values show a notice, never a blank page (finding 4)', async () => {
  const { page, problems, context } = await loggedIn();
  // The link of the report: `split_at` inside `é` once gave a blank page.
  await page.goto(`${sim.baseUrl}/sessions?tz=-a%C3%A91`);
  await page.waitForSelector('#url-notice');
  assert.match(await page.locator('#url-notice').innerText(), /Ignored time zone `-aé1`/);
  await page.waitForSelector('#sessions-table tr.session-row');
  for (const query of ['tz=%E2%80%AE%F0%9F%98%80', 'tz=%2B99%3A99', 'tz=-%C3%A9:1']) {
    await page.goto(`${sim.baseUrl}/sessions?${query}`);
    await page.waitForSelector('#url-notice');
    await page.waitForSelector('#sessions-table tr.session-row');
  }
  // A custom range that is not a time: the search is refused with its reason.
  for (const query of ['start=-a%C3%A91', 'end=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9', 'start=2026-13-45T99:99']) {
    await page.goto(`${sim.baseUrl}/sessions?${query}`);
    const refused = page.locator('[data-testid="error"]', { hasText: 'This search cannot be sent' });
    await refused.waitFor();
    assert.match(await refused.innerText(), /start|end|time|date/i, query);
  }
  // An unknown range preset is ignored: the list shows.
  await page.goto(`${sim.baseUrl}/sessions?range=%C3%A9%F0%9F%98%80&offset=-1&sort=%C3%A9`);
  await page.waitForSelector('#sessions-table tr.session-row');

  // Detail page: a tz it does not know, a #t= that is no number, an #event= that is none.
  for (const [suffix, pattern] of [
    ['?tz=-a%C3%A91', /Ignored time zone `-aé1`/],
    ['#t=-a%C3%A91', /Ignored link target `#t=/],
    ['#t=1e999', /Ignored link target `#t=1e999`/],
    ['#event=%C3%A9', /Ignored link target `#event=/],
    ['#event=999999', /no such event/],
  ]) {
    await page.goto(detailUrl(BIDI_KEY, suffix));
    await page.waitForSelector('#link-notice', { timeout: 30_000 });
    assert.match(await page.locator('#link-notice').innerText(), pattern, suffix);
    await page.waitForSelector('#events-table tbody tr');
  }
  await screenshot(page, 'security-link-notice');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

/** Records every animation frame's duration and long tasks from page start. */
function recordFrames() {
  window.__frames = [];
  window.__longtasks = [];
  window.__slow = [];
  window.__phase = '';
  let last;
  const tick = (t) => {
    if (last !== undefined && window.__recording) {
      window.__frames.push(t - last);
      if (t - last > 30) window.__slow.push([Math.round(t - last), window.__phase]);
    }
    last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (window.__recording) window.__longtasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  } catch { /* no longtask support: frames still count */ }
}

/** A frame or task this long is the page hanging, not a slow frame. */
const STALL_MS = 500;

test('a catastrophic pattern over 20,000 characters in 1,000 alerts keeps the page responsive (finding 5)', async () => {
  const { page, problems, context } = await loggedIn(recordFrames);
  const loadStarted = Date.now();
  await page.goto(detailUrl(ALERTS_KEY));
  await page.waitForSelector(`#alert-count[data-count="${ALERT_COUNT}"]`, { timeout: 120_000 });
  const loadMs = Date.now() - loadStarted;
  await page.locator('#alerts').scrollIntoViewIfNeeded();
  // From here on: render, highlight and scroll through the whole table.
  await page.evaluate(() => { window.__recording = true; });
  const wrap = page.locator('#alerts .vt-detail-wrap');
  const maxTop = await wrap.evaluate((el) => el.scrollHeight - el.clientHeight);
  for (let step = 0; step <= 20; step += 1) {
    await wrap.evaluate((el, top) => { window.__phase = `scroll ${top}`; el.scrollTop = top; }, Math.round((maxTop * step) / 20));
    await nextFrames(page);
  }
  // Keyboard stepping selects (and reveals) alerts; the first one matches.
  await wrap.evaluate((el) => { el.scrollTop = 0; });
  await page.evaluate(() => document.activeElement?.blur());
  // The first alert, selected: its whole 20,000 characters under the table, marked.
  await page.evaluate(() => { window.__phase = 'select 0'; });
  await page.keyboard.press('n');
  await page.waitForSelector('#alert-0.selected');
  await page.waitForSelector('#alert-full[data-index="0"] mark', { timeout: 30_000 });
  const fullMarks = await page.locator('#alert-full mark').evaluateAll((m) => m.map((x) => x.textContent.length));
  await page.evaluate(() => { window.__phase = 'select 1-4'; });
  for (let i = 0; i < 4; i += 1) await page.keyboard.press('n');
  await page.waitForSelector('#alert-4.selected');
  await page.waitForSelector('#alert-full[data-index="4"]');
  // Every rendered row's highlighting has finished (no "pending" left).
  await page.waitForFunction(() => document.querySelectorAll('#alerts-table tr[data-highlighted="pending"]').length === 0,
    null, { timeout: 30_000 });
  await nextFrames(page);
  const { frames, longtasks, slow } = await page.evaluate(() => {
    window.__recording = false;
    return { frames: window.__frames, longtasks: window.__longtasks, slow: window.__slow };
  });
  const rows = await page.locator('#alerts-table tbody tr').count();
  const first = await page.locator('#alert-0').getAttribute('data-highlighted');
  const marked = await page.locator('#alert-0 mark').evaluateAll((m) => m.map((x) => x.textContent.length));
  const evil = await page.locator('#alert-4').getAttribute('data-highlighted');
  const maxFrame = Math.max(...frames);
  console.log(`alerts: loaded in ${loadMs} ms; ${frames.length} frames, max ${maxFrame.toFixed(1)} ms; `
    + `long tasks ${JSON.stringify(longtasks.map((d) => Math.round(d)))}; ${rows} rows in the DOM; `
    + `frames over 30 ms: ${JSON.stringify(slow)}`);
  assert.ok(frames.length > 30, `frames were recorded (${frames.length})`);
  // What is checked is that no pattern ever blocks the page: a backtracking
  // engine on this input stalls for seconds or hours, far past STALL_MS.
  // How smooth the frames are is the benchmarks' business, not a timed test's
  // (a loaded 2-core machine misses 50 ms now and then).
  assert.ok(maxFrame < STALL_MS, `no frame stalled for ${STALL_MS} ms (max ${maxFrame.toFixed(1)} ms)`);
  assert.ok(longtasks.every((d) => d < STALL_MS), `no task ran for ${STALL_MS} ms (${longtasks})`);
  assert.ok(rows < 40, `a window of rows, not ${ALERT_COUNT} (${rows})`);
  assert.equal(first, 'true', 'the matching alert is highlighted');
  assert.deepEqual(marked, [400], 'the cell previews the marked text');
  assert.deepEqual(fullMarks, [20_000], 'the whole matched text is marked');
  assert.equal(evil, 'false', 'the catastrophic case simply does not match');
  await screenshot(page, 'security-catastrophic-alerts');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('100,000 events scroll with a constant number of rows in the DOM (finding 5)', async () => {
  const { page, problems, context } = await loggedIn();
  await page.goto(detailUrl(EVENTS_KEY, `#event=${EVENT_COUNT - 12_345}`));
  // 200 pages of 500: the debug simulator copies the 100,000 events per request.
  await page.waitForSelector(`#event-count[data-count="${EVENT_COUNT}"]`, { timeout: 480_000 });
  // The deep link scrolled the virtualised table to its row.
  await page.waitForSelector(`#event-${EVENT_COUNT - 12_345}.selected`, { timeout: 30_000 });
  const wrap = page.locator('#events .vt-detail-wrap');
  const counts = [];
  const maxTop = await wrap.evaluate((el) => el.scrollHeight - el.clientHeight);
  for (const top of [0, Math.round(maxTop / 2), maxTop]) {
    await wrap.evaluate((el, t) => { el.scrollTop = t; }, top);
    await nextFrames(page);
    counts.push(await page.locator('#events-table tbody tr').count());
  }
  // The last row is the last event, where the arithmetic puts it.
  const last = await page.locator('#events-table tbody tr').last().getAttribute('id');
  const timelineMarks = await page.locator('#timeline-svg .mark-event').count();
  console.log(`events: rows in the DOM at top / middle / end: ${counts.join(' / ')}; last row ${last}; `
    + `${timelineMarks} timeline marks`);
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 2, `constant rows: ${counts}`);
  assert.ok(Math.max(...counts) < 40, `a window of rows: ${counts}`);
  assert.equal(last, `event-${EVENT_COUNT}`);
  assert.ok(timelineMarks <= 2_100, `the timeline draws a sample (${timelineMarks})`);
  await screenshot(page, 'security-100k-events');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('bidi overrides and zero-width characters are shown as visible marks (finding 6)', async () => {
  const { page, problems, context } = await loggedIn();
  await page.goto(`${sim.baseUrl}/sessions`);
  const row = page.locator(`#sessions-table tr.session-row[data-key="${BIDI_KEY}"]`);
  await row.waitFor();
  assert.ok((await row.innerText()).includes('admin⟨U+202E⟩nimda'), 'the list shows the mark');
  await page.goto(detailUrl(BIDI_KEY));
  await page.waitForSelector('#events-table tbody tr');
  await page.waitForSelector('#alerts-table tbody tr');
  assert.equal(await page.locator('#event-7 .event-content').textContent(), 'rm -rf /⟨U+200B⟩tmp/x');
  assert.equal(await page.locator('#alert-0 code.matched-content').textContent(), 'invoice⟨U+202E⟩fdp.exe');
  assert.deepEqual(await page.locator('#alert-0 mark').allTextContents(), ['invoice']);
  assert.match(await page.locator('.detail-head .who').innerText(), /admin⟨U\+202E⟩nimda/);
  // No hidden character reaches the page's text or its tooltips.
  const leaks = await page.evaluate(() => {
    const hidden = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u2060\uFEFF\u061C]/;
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) if (hidden.test(walker.currentNode.data)) texts.push(walker.currentNode.data);
    const titles = [...document.querySelectorAll('[title]')].map((e) => e.getAttribute('title')).filter((t) => hidden.test(t));
    return { texts, titles };
  });
  assert.deepEqual(leaks, { texts: [], titles: [] });
  // Cells are isolated, so right-to-left text cannot reorder its neighbours.
  assert.equal(await page.locator('#event-7 td').first().evaluate((td) => getComputedStyle(td).unicodeBidi), 'isolate');
  await screenshot(page, 'security-bidi-marks');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});
