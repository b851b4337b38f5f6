// Hostile input end to end: every XSS payload of the simulator's corpus
// (crate-sim/data/xss-payloads.txt, the file hostile.rs includes) is put in
// user names, server names, policies, tags, interesting events, commands,
// window titles and alert text of a data set loaded with --data. The list and
// every session's detail page must show each payload verbatim as text, with no
// element injected, no script run (no dialog, no window.__xss, no CSP
// violation), and the page's Content-Security-Policy must forbid inline script.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, launchBrowser, newPage, login, screenshot } from './harness.mjs';

/** The payloads, read exactly as hostile.rs reads them: the non-empty lines. */
const PAYLOADS = readFileSync(new URL('../../crate-sim/data/xss-payloads.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '');

/** One session per payload, carrying it in every single-valued text field. */
const userKey = (i) => `xss-${String(i).padStart(2, '0')}`;
/** An SSH session with every payload as a command, and an RDP one with every payload as a window title. */
const COMMANDS_KEY = 'xss-commands';
const TITLES_KEY = 'xss-titles';
const ALL_KEYS = [...PAYLOADS.map((_, i) => userKey(i)), COMMANDS_KEY, TITLES_KEY];

/** List columns holding payloads (the key column is always there). */
const LIST_FIELDS = [
  'user.gateway_username', 'user.server_username', 'user.name', 'server.name', 'client.name',
  'recording.connection_policy', 'recording.channel_policy', 'analytics.tags', 'analytics.interesting_events',
];
/** Detail fields of the per-payload sessions that show the payload alone. */
const DETAIL_FIELDS = [
  'user.gateway_username', 'user.server_username', 'user.name', 'client.name',
  'recording.connection_policy', 'recording.channel_policy',
];
/** Highlights part of every alert's text, so that the <mark> split is exercised too. */
const ALERT_REGEXP = '(?i)alert|script|onerror|javascript|xss';

const HOUR = 3_600_000;
const BASE_MS = Date.parse('2026-01-10T00:00:00Z');
const iso = (ms) => new Date(ms).toISOString();
/** Events and alerts carry naive times with microseconds, as the reference shows. */
const naive = (ms) => new Date(ms).toISOString().replace('Z', '000');

function sessionBody({ protocol, startMs, duration, gateway, serverUsers, name, server, client, policy, tags, interesting, channels }) {
  return {
    protocol,
    start_time: iso(startMs),
    end_time: iso(startMs + duration * 1000),
    duration,
    active: false,
    verdict: 'ACCEPT',
    origin: 'RECORDING',
    user: { gateway_username: gateway, server_username: serverUsers, name, id: 'uid-1' },
    server: { ip: '10.0.0.7', name: server, port: protocol === 'RDP' ? 3389 : 22 },
    client: { ip: '192.0.2.10', name: client, port: 50000 },
    recording: {
      connection_policy: policy,
      channel_policy: policy,
      index_status: 'INDEXED',
      verdict: 'ACCEPT',
      command_extracted: protocol === 'SSH',
      window_title_extracted: protocol !== 'SSH',
    },
    analytics: { tags, interesting_events: interesting, score: { aggregated: 50 } },
    channel: channels,
  };
}

/** The NDJSON --data file (store order = file order). */
function dataset() {
  const lines = [];
  const protocols = ['SSH', 'RDP', 'ICA', 'VNC', 'TELNET'];
  PAYLOADS.forEach((p, i) => {
    lines.push({
      key: userKey(i),
      body: sessionBody({
        protocol: protocols[i % protocols.length], startMs: BASE_MS + i * HOUR, duration: 600,
        gateway: p, serverUsers: p, name: p, server: p, client: p, policy: p, tags: [p], interesting: [p],
        channels: [{
          channel_id: 1, type: i % 5 === 0 || i % 5 === 4 ? 'session shell' : 'drawing', verdict: 'accept',
          start_time: iso(BASE_MS + i * HOUR), end_time: iso(BASE_MS + i * HOUR + 600_000), duration: 600, active: false,
        }],
      }),
    });
  });
  const bulk = (key, protocol, startMs, kind) => {
    const span = 30 * 60;
    const events = PAYLOADS.map((p, i) => ({
      action: p,
      channels_id: kind === 'command' ? String(i + 2) : '1',
      content: kind === 'command' ? `root@db-01:~# ${p}` : p,
      record_id: 100 + i,
      time: naive(startMs + (i + 1) * 20_000),
      type: kind,
    }));
    const alerts = events.map((e, i) => ({
      alert_type: kind === 'command' ? 'adp.event.command' : 'adp.event.screen.windowtitle',
      channel_id: e.channels_id,
      matched_action: e.action,
      matched_content: e.content,
      matched_regexp: ALERT_REGEXP,
      record_id: e.record_id,
      rule_name: PAYLOADS[i],
      time: e.time,
    }));
    const channel = (n, type, extra) => ({
      channel_id: n, type, start_time: iso(startMs + n * 1000), end_time: iso(startMs + span * 1000),
      duration: span - n, verdict: 'accept', active: false, ...extra,
    });
    const channels = kind === 'command'
      ? [channel(1, 'session shell', {}), ...PAYLOADS.map((p, i) => channel(i + 2, 'session exec', { command: p }))]
      : [channel(1, 'drawing', {})];
    lines.push({
      key,
      body: sessionBody({
        protocol, startMs, duration: span,
        // Two sessions share a user each, so those two lead the summary chips.
        gateway: PAYLOADS[kind === 'command' ? 0 : 1],
        serverUsers: PAYLOADS, name: 'operator', server: 'db-01.example.com', client: 'ws-17',
        policy: 'prod', tags: PAYLOADS, interesting: PAYLOADS, channels,
      }),
      events,
      alerts,
    });
  };
  bulk(COMMANDS_KEY, 'SSH', BASE_MS + (PAYLOADS.length + 1) * HOUR, 'command');
  bulk(TITLES_KEY, 'RDP', BASE_MS + (PAYLOADS.length + 2) * HOUR, 'window_title');
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

let sim;
let browser;
let dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spsview-hostile-'));
  const path = join(dir, 'hostile.ndjson');
  writeFileSync(path, dataset());
  sim = await startSimulator(['--data', path]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Records CSP violations from the first moment of every document. */
const RECORD_VIOLATIONS = () => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
  });
};

async function loggedIn(viewport) {
  const opened = await newPage(browser, viewport);
  await opened.context.addInitScript(RECORD_VIOLATIONS);
  await login(opened.page, sim.baseUrl);
  await opened.page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  return opened;
}

/**
 * Runs in the page: everything that would show that markup from the data
 * became elements or ran. The app itself renders none of these (no inline
 * handler attributes: Leptos uses addEventListener; only the favicon as an
 * image; the boot loader as the only script; no inline styles beyond sizes).
 */
function injectionReport() {
  const problems = [];
  const urlAttrs = new Set(['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'background', 'poster', 'srcset', 'lowsrc', 'dynsrc']);
  const neverRendered = new Set([
    'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'template', 'marquee', 'video', 'audio',
    'source', 'math', 'mtext', 'mglyph', 'x', 'isindex', 'keygen', 'animate', 'set', 'foreignobject', 'portal',
  ]);
  // index.html's own <noscript> (its content is text while scripting is on).
  const bootNotice = document.body.querySelector(':scope > noscript');
  if (!bootNotice?.textContent.includes('spsview needs JavaScript')) problems.push('index.html\'s <noscript> changed');
  for (const el of document.querySelectorAll('*')) {
    const tag = el.localName.toLowerCase();
    const where = `${tag}${el.id ? `#${el.id}` : ''}`;
    if (neverRendered.has(tag)) problems.push(`<${tag}>`);
    if (el.closest('body') && ['script', 'style', 'meta', 'link', 'title', 'noscript'].includes(tag)
      && !(tag === 'noscript' && el === bootNotice)
      && !(tag === 'title' && el.closest('svg'))) {
      problems.push(`<${tag}> in the body`);
    }
    if (tag === 'script' && !(el.parentElement === document.head && el.hasAttribute('data-sps-boot'))) {
      problems.push('a <script> other than the boot loader');
    }
    if (tag === 'img' && el.getAttribute('src') !== '/favicon.svg') problems.push(`<img src=${el.getAttribute('src')}>`);
    if (tag === 'h1' && el.textContent === 'PWNED') problems.push('<h1>PWNED</h1>');
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim().toLowerCase();
      if (name.startsWith('on')) problems.push(`${where}[${name}]`);
      if (name === 'srcdoc') problems.push(`${where}[srcdoc]`);
      if (urlAttrs.has(name) && /^(javascript|vbscript|data:text\/html)/.test(value.replace(/\s/g, ''))) {
        problems.push(`${where}[${name}=${attr.value}]`);
      }
      if (name === 'style' && /url\(|javascript|expression|position\s*:\s*fixed/.test(value)) {
        problems.push(`${where}[style=${attr.value}]`);
      }
    }
  }
  if (document.querySelectorAll('body').length !== 1) problems.push('a second <body>');
  if (!document.baseURI.startsWith(`${location.origin}/`)) problems.push(`base URI moved to ${document.baseURI}`);
  return {
    problems,
    marker: window.__xss ?? null,
    violations: window.__cspViolations ?? ['(the violation recorder is missing)'],
  };
}

/** Asserts a clean page: nothing injected, nothing ran, nothing failed. */
async function assertClean(page, problems, where) {
  const report = await page.evaluate(injectionReport);
  assert.deepEqual(report.problems, [], `${where}: injected elements or attributes`);
  assert.equal(report.marker, null, `${where}: window.__xss was set by a payload`);
  assert.deepEqual(report.violations, [], `${where}: CSP violations (something tried to run or load)`);
  assert.deepEqual(problems.dialogs, [], `${where}: a payload opened a dialog`);
  assert.deepEqual(problems.pageErrors, [], `${where}: page errors`);
  assert.deepEqual(problems.consoleErrors.filter((m) => /Content.Security.Policy|Refused/i.test(m)), [],
    `${where}: CSP refusals on the console`);
}

/**
 * Scrolls through the virtualised table, reading every row's cells and
 * checking the page at each step. Returns key → { cells: field → text }.
 */
async function readTable(page, problems, label, shot) {
  const seen = new Map();
  const wrap = page.locator('.vt-wrap');
  const total = Number(await wrap.getAttribute('data-total'));
  for (let top = 0; ; top += 200) {
    await wrap.evaluate((el, t) => { el.scrollTop = t; }, top);
    await frames(page);
    const rows = await page.locator('#sessions-table tr.session-row').evaluateAll((trs) => trs.map((tr) => ({
      key: tr.dataset.key,
      cells: Object.fromEntries([...tr.querySelectorAll('td[data-field]')].map((td) => [td.dataset.field, td.textContent])),
    })));
    for (const row of rows) seen.set(row.key, row);
    await assertClean(page, problems, `the list (${label}) scrolled to ${top}px`);
    if (shot && top === 400) await screenshot(page, shot);
    const done = await wrap.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 1);
    if (done) break;
  }
  assert.equal(seen.size, total, `the list (${label}) showed all its ${total} rows`);
  return seen;
}

/** Asserts that every list cell shows its payload verbatim; returns the count checked. */
function checkListRows(seen, label) {
  assert.deepEqual([...seen.keys()].sort(), [...ALL_KEYS].sort(), `every session was listed (${label})`);
  let checked = 0;
  PAYLOADS.forEach((p, i) => {
    const row = seen.get(userKey(i));
    for (const field of LIST_FIELDS) {
      assert.equal(row.cells[field], p, `${label}: ${userKey(i)} ${field} shows payload ${i} verbatim`);
      checked += 1;
    }
  });
  // Multi-valued fields: all payloads in one cell, joined.
  for (const key of [COMMANDS_KEY, TITLES_KEY]) {
    const row = seen.get(key);
    for (const field of ['user.server_username', 'analytics.tags', 'analytics.interesting_events']) {
      assert.equal(row.cells[field], PAYLOADS.join(', '), `${label}: ${key} ${field}`);
      checked += PAYLOADS.length;
    }
  }
  return checked;
}

/** Waits for two animation frames, so that a scroll has been rendered. */
const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

test('the payload corpus is the simulator\'s, with at least 50 distinct entries', () => {
  assert.ok(new Set(PAYLOADS).size >= 50, `${new Set(PAYLOADS).size} distinct payloads`);
  assert.equal(new Set(PAYLOADS).size, PAYLOADS.length);
  // Kinds that would inject elements if rendered as HTML.
  for (const needle of ['<script', 'onerror=', '<svg', '<iframe', 'formaction=', '<template', '<style', '"><', 'javascript:', '&lt;', 'window.__xss']) {
    assert.ok(PAYLOADS.some((p) => p.toLowerCase().includes(needle)), `a payload with ${needle}`);
  }
});

test('the served page has a CSP that forbids inline script, and the injection detector works', async () => {
  const reply = await fetch(`${sim.baseUrl}/`);
  const html = await reply.text();
  const header = reply.headers.get('content-security-policy');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html)?.[1];
  assert.ok(meta, 'index.html has a CSP meta tag');
  for (const policy of [meta, header].filter(Boolean)) {
    const directives = new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0])
      .map(([name, ...values]) => [name, values]));
    const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
    assert.ok(scriptSrc, `script-src in ${policy}`);
    assert.ok(!scriptSrc.includes("'unsafe-inline'"), "script-src without 'unsafe-inline'");
    assert.ok(!scriptSrc.includes("'unsafe-eval'"), "script-src without 'unsafe-eval'");
    assert.ok(!scriptSrc.some((s) => s.startsWith("'nonce-") || s.startsWith("'sha")), 'no nonce or hash allows an inline script');
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('base-uri'), ["'none'"]);
  }
  assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), 'index.html has no inline <script>');

  const { page, problems, context } = await loggedIn();
  await assertClean(page, problems, 'the list before anything is injected');

  // An inline script added to the live page does not run, and is reported.
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true;';
    // The refusal is reported by an event: wait for it (or give up after 5 s).
    const reported = new Promise((r) => {
      document.addEventListener('securitypolicyviolation', () => r(), { once: true });
      setTimeout(r, 5000);
    });
    document.body.append(s);
    await reported;
    s.remove();
    return window.__inlineRan ?? false;
  });
  assert.equal(ran, false, 'the CSP blocked an inline script');
  let report = await page.evaluate(injectionReport);
  assert.ok(report.violations.some((v) => v.startsWith('script-src')), `violation reported: ${report.violations}`);

  // The detector itself: markup of a payload parsed into the app is caught
  // three ways (the element, the blocked handler, and no marker because it was blocked).
  await page.evaluate(async (payload) => {
    window.__cspViolations.length = 0;
    const holder = document.createElement('div');
    holder.innerHTML = payload;
    // Wait for the image's error event (its inline handler, refused, would
    // run at that moment) and one task more, or give up after 5 s.
    const image = holder.querySelector('img');
    const failed = new Promise((r) => {
      image.addEventListener('error', () => setTimeout(r, 0), { once: true });
      setTimeout(r, 5000);
    });
    document.querySelector('main').append(holder);
    await failed;
  }, '<img src=x onerror="window.__xss=\'detector\'"><svg onload="window.__xss=\'svg\'"></svg>');
  report = await page.evaluate(injectionReport);
  assert.ok(report.problems.includes('<img src=x>'), `detector sees the image: ${report.problems}`);
  assert.ok(report.problems.some((p) => p.endsWith('[onerror]')), `detector sees the handler: ${report.problems}`);
  assert.ok(report.problems.some((p) => p.endsWith('[onload]')), `detector sees the svg handler: ${report.problems}`);
  assert.ok(report.violations.some((v) => v.startsWith('script-src')), `inline handler blocked: ${report.violations}`);
  assert.equal(report.marker, null, 'the CSP stopped the handler');
  assert.deepEqual(problems.dialogs, []);
  await context.close();
});

test('the list shows every payload as text in every column and chip', async () => {
  const { page, problems, context } = await loggedIn();
  await page.evaluate((fields) => localStorage.setItem('spsview.list.columns', JSON.stringify(['protocol', ...fields])), LIST_FIELDS);
  await page.goto(`${sim.baseUrl}/sessions`);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  await page.waitForSelector('#summary-chips .chip', { timeout: 30_000 });

  // Server pages of 50 first (what a user sees), then every row fetched
  // into the page: both render through the same table, but from different data.
  const paged = await readTable(page, problems, 'page 1', 'hostile-list');
  await page.click('#page-next');
  await page.waitForFunction(() => document.querySelector('.vt-wrap')?.dataset.total === '7');
  for (const [key, row] of await readTable(page, problems, 'page 2')) paged.set(key, row);
  let checked = checkListRows(paged, 'paged');
  await page.click('#fetch-all');
  await page.waitForSelector(`#row-count[data-count="${ALL_KEYS.length}"][data-complete="true"]`, { timeout: 30_000 });
  checked += checkListRows(await readTable(page, problems, 'all rows'), 'fetched');

  // Summary chips: the most common users, each a payload, as text.
  const chips = await page.locator('#summary-chips .chip-group[data-field="user.gateway_username"] .chip')
    .evaluateAll((cs) => cs.map((c) => ({ value: c.dataset.value, shown: c.querySelector('.chip-value').textContent })));
  assert.ok(chips.length >= 2, 'user chips are shown');
  assert.deepEqual(chips.slice(0, 2).map((c) => c.value), [PAYLOADS[0], PAYLOADS[1]].sort(), 'the two shared users lead');
  for (const chip of chips) {
    assert.ok(PAYLOADS.includes(chip.value), `chip value ${chip.value}`);
    assert.equal(chip.shown, chip.value, 'a chip shows its value verbatim');
  }

  // Completion offers the payloads as values, as text.
  await page.fill('#query-input', 'user.gateway_username:');
  await page.waitForSelector('#query-suggestions .suggestion');
  const labels = await page.locator('#query-suggestions .suggestion-label').allTextContents();
  assert.ok(labels.length > 0 && labels.every((l) => PAYLOADS.includes(l)), `suggestions: ${labels}`);
  await assertClean(page, problems, 'the list with suggestions open');
  await page.keyboard.press('Escape');

  // A chip narrows the query to that user: the payload survives q's escaping
  // in the viewer and the simulator's parser.
  const third = chips[2];
  await page.click(`#summary-chips .chip-group[data-field="user.gateway_username"] .chip >> nth=2`);
  await page.waitForFunction(() => document.querySelector('.vt-wrap')?.dataset.total === '1', null, { timeout: 15_000 });
  const only = await page.locator('#sessions-table tr.session-row td[data-field="user.gateway_username"]').textContent();
  assert.equal(only, third.value);
  await assertClean(page, problems, 'the list narrowed by a payload chip');
  console.log(`# list: ${checked} payload cells checked over ${LIST_FIELDS.length} columns, ${chips.length} chips, ${labels.length} suggestions`);
  await context.close();
});

test('the statistics page shows payloads as text, and a payload value filters the list', async () => {
  const { page, problems, context } = await loggedIn();
  await page.goto(`${sim.baseUrl}/stats?field=user.gateway_username&size=50&flow=user.gateway_username,protocol`);
  await page.waitForSelector('#top-values .top-row', { timeout: 30_000 });
  await page.waitForSelector('#flow-table tr.flow-row', { timeout: 30_000 });
  const values = await page.locator('#top-values .top-row').evaluateAll((rs) => rs.map((r) => r.dataset.value));
  assert.ok(values.length >= 2, 'user values are shown');
  for (const v of values) assert.ok(PAYLOADS.includes(v), `top value ${v}`);
  const bands = await page.locator('#flow-table tr.flow-row').evaluateAll((rs) => rs.map((r) => r.dataset.value));
  for (const v of bands) assert.ok(PAYLOADS.includes(v), `flow value ${v}`);
  await assertClean(page, problems, 'the statistics page');
  // The third value (one session) opens the list of exactly that session.
  const row = page.locator('#top-values .top-row').nth(2);
  const count = await row.getAttribute('data-count');
  await row.locator('.top-link').click();
  await page.waitForURL(/\/sessions\?q=/);
  await page.waitForFunction((n) => document.querySelector('#match-count')?.dataset.count === n, count, { timeout: 15_000 });
  await assertClean(page, problems, 'the list filtered from the statistics page');
  await context.close();
});

test('every session\'s detail page shows its payloads as text', async () => {
  const { page, problems, context } = await loggedIn({ width: 1400, height: 1000 });
  // Load the whole list, open its first session, then follow "Next session"
  // through all of them (client-side navigation, as a user would).
  await page.click('#fetch-all');
  await page.waitForSelector(`#row-count[data-count="${ALL_KEYS.length}"][data-complete="true"]`, { timeout: 30_000 });
  const first = await page.locator('#sessions-table tr.session-row').first().getAttribute('data-key');
  await page.locator('#sessions-table tr.session-row .key-link').first().click();
  const visited = new Set();
  const counts = { fields: 0, events: 0, alerts: 0, lanes: 0, chips: 0 };
  let key = first;
  for (;;) {
    // Everything of this session is in: the fields, every event and alert, every lane.
    const bulk = key === COMMANDS_KEY || key === TITLES_KEY;
    const index = ALL_KEYS.indexOf(key);
    const expected = {
      key,
      // The previous session's body stays up while this one loads: wait for this one's.
      gateway: PAYLOADS[index < PAYLOADS.length ? index : Number(key === TITLES_KEY)],
      items: String(bulk ? PAYLOADS.length : 0),
      lanes: key === COMMANDS_KEY ? PAYLOADS.length + 1 : 1,
      firstEvent: key === COMMANDS_KEY ? `root@db-01:~# ${PAYLOADS[0]}` : key === TITLES_KEY ? PAYLOADS[0] : null,
    };
    await page.waitForFunction(({ key, gateway, items, lanes, firstEvent }) => document.querySelector('.crumb-key')?.textContent === key
      && document.querySelector('[data-field="user.gateway_username"] dd')?.textContent === gateway
      && document.querySelector('#event-count')?.dataset.count === items
      && document.querySelector('#alert-count')?.dataset.count === items
      && document.querySelectorAll('#timeline-svg .lane[data-channel-key]').length === lanes
      && (document.querySelector('#events-table .event-content')?.textContent ?? null) === firstEvent,
    expected, { timeout: 30_000 }).catch(async (e) => {
      const state = await page.evaluate(() => ({ url: location.href, crumb: document.querySelector('.crumb-key')?.textContent, ev: !!document.querySelector('#event-count'), al: !!document.querySelector('#alert-count'), tl: !!document.querySelector('#timeline-svg'), main: document.querySelector('main')?.innerText.slice(0, 2000) }));
      throw new Error(`${key}: ${e.message}\n${JSON.stringify(state, null, 1)}`);
    });
    assert.ok(!visited.has(key), `${key} visited once`);
    visited.add(key);
    const shown = await page.evaluate(() => {
      const text = (sel) => document.querySelector(sel)?.textContent ?? null;
      const all = (sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent);
      return {
        fields: Object.fromEntries([...document.querySelectorAll('.fields [data-field]')]
          .map((kv) => [kv.dataset.field, kv.querySelector('dd')?.textContent ?? null])),
        server: text('[data-field="server"] dd'),
        tags: all('[data-field="analytics.tags"] dd .chip'),
        interesting: all('[data-field="analytics.interesting_events"] dd .chip'),
        eventCount: text('#event-count'),
        actions: all('#events-table tr.event-row .col-action code'),
        contents: all('#events-table tr.event-row .event-content'),
        alertRules: all('#alerts-table tr.alert-row td:nth-child(2)'),
        alertContents: all('#alerts-table tr.alert-row .matched-content'),
        alertActions: all('#alerts-table tr.alert-row .action-line code'),
        highlighted: document.querySelectorAll('#alerts-table tr.alert-row[data-highlighted="true"]').length,
        lanes: all('#timeline-svg .lane[data-channel-key] .lane-label title'),
      };
    });
    if (index < PAYLOADS.length) {
      const p = PAYLOADS[index];
      for (const field of DETAIL_FIELDS) {
        assert.equal(shown.fields[field], p, `${key} ${field}`);
        counts.fields += 1;
      }
      assert.ok(shown.server.startsWith(`${p} (10.0.0.7)`), `${key} server name: ${shown.server}`);
      assert.deepEqual(shown.tags, [p], `${key} tags`);
      assert.deepEqual(shown.interesting, [p], `${key} interesting events`);
      counts.fields += 1;
      counts.chips += 2;
    } else {
      const command = key === COMMANDS_KEY;
      assert.equal(shown.fields['user.server_username'], PAYLOADS.join(', '), `${key} server usernames`);
      assert.equal(shown.fields['user.gateway_username'], PAYLOADS[command ? 0 : 1]);
      assert.deepEqual(shown.tags, PAYLOADS, `${key} tags`);
      assert.deepEqual(shown.interesting, PAYLOADS, `${key} interesting events`);
      assert.equal(shown.eventCount, String(PAYLOADS.length));
      assert.deepEqual(shown.actions, PAYLOADS, `${key} event actions`);
      assert.deepEqual(shown.contents, PAYLOADS.map((p) => (command ? `root@db-01:~# ${p}` : p)), `${key} event contents`);
      assert.deepEqual(shown.alertRules, PAYLOADS, `${key} alert rule names`);
      assert.deepEqual(shown.alertContents, shown.contents, `${key} alert matched content`);
      assert.deepEqual(shown.alertActions, PAYLOADS, `${key} alert matched actions`);
      assert.ok(shown.highlighted > PAYLOADS.length / 2, `${key}: ${shown.highlighted} alerts highlighted`);
      counts.chips += 2 * PAYLOADS.length;
      counts.fields += PAYLOADS.length;
      counts.events += 2 * PAYLOADS.length;
      counts.alerts += 3 * PAYLOADS.length;
      if (command) {
        PAYLOADS.forEach((p, n) => {
          assert.ok(shown.lanes[n + 1]?.includes(p), `lane ${n + 2} names command ${n}: ${shown.lanes[n + 1]}`);
        });
        counts.lanes += PAYLOADS.length;
        await page.locator('#events').scrollIntoViewIfNeeded();
        await screenshot(page, 'hostile-detail');
      }
    }
    await assertClean(page, problems, `detail of ${key}`);
    const next = page.locator('#next-session');
    if (await next.evaluate((el) => el.localName !== 'a')) break;
    key = await next.getAttribute('title');
    await next.click();
  }
  assert.deepEqual([...visited].sort(), [...ALL_KEYS].sort(), 'every session\'s page was checked');
  console.log(`# detail: ${visited.size} pages; payloads checked: ${JSON.stringify(counts)}`);
  await context.close();
});
