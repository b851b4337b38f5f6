// The session detail page (/sessions/:key): channel timeline, alert
// highlighting, untrusted text, deep links, content search, events filter.
// Every session is picked through the API inside the logged-in page, so the
// tests do not depend on which keys a seed happens to generate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, launchBrowser, newPage, login, screenshot } from './harness.mjs';

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

/** A logged-in page. */
async function loggedIn() {
  const opened = await newPage(browser);
  await login(opened.page, sim.baseUrl);
  await opened.page.waitForURL(/\/sessions/, { timeout: 30_000 });
  return opened;
}

/** GET an API path from inside the page (its cookie), as JSON. */
function api(page, path) {
  return page.evaluate(async (p) => {
    const reply = await fetch(p, { credentials: 'same-origin' });
    if (!reply.ok) throw new Error(`${p}: HTTP ${reply.status}`);
    return reply.json();
  }, path);
}

/**
 * The first session (newest first) whose channels, events and alerts satisfy
 * `wanted({ key, channels, events, alerts })`, searched in the page.
 */
async function findSession(page, wanted, { limit = 400 } = {}) {
  const found = await page.evaluate(async ({ limit, wantedSource }) => {
    const wanted = new Function(`return (${wantedSource});`)();
    const get = async (p) => (await fetch(p, { credentials: 'same-origin' })).json();
    const list = await get(`/api/audit/sessions?limit=${limit}`);
    for (const { key } of list.items) {
      const base = `/api/audit/sessions/${encodeURIComponent(key)}`;
      const [channels, events, alerts] = await Promise.all([
        get(`${base}/channels?limit=500`),
        get(`${base}/events?limit=500`),
        get(`${base}/alerts?limit=500`),
      ]);
      const candidate = { key, channels: channels.items, events: events.items, alerts: alerts.items };
      if (wanted(candidate)) return candidate;
    }
    return null;
  }, { limit, wantedSource: wanted.toString() });
  assert.ok(found, `a session matching ${wanted}`);
  return found;
}

/** Waits until `selector`'s data-count is `n`; fails saying what it was. */
async function waitForCount(page, selector, n, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let seen;
  while (Date.now() < deadline) {
    seen = await page.evaluate((sel) => document.querySelector(sel)?.dataset.count ?? null, selector);
    if (seen === String(n)) return;
    await page.waitForTimeout(100);
  }
  assert.equal(seen, String(n), `${selector} count`);
}

async function openDetail(page, key, hash = '') {
  await page.goto(`${sim.baseUrl}/sessions/${encodeURIComponent(key)}${hash}`);
  await page.waitForSelector('#timeline-svg', { timeout: 30_000 });
}

test('the timeline has one lane per channel, labelled with its type and details', async () => {
  const { page, problems, context } = await loggedIn();
  const session = await findSession(page, (s) => s.channels.length >= 4
    && s.channels.some((c) => c.body.command || c.body['originator.port'] || c.body.device_name || c.body.dynamic_channel));
  await openDetail(page, session.key);
  await page.waitForSelector('#timeline-svg .lane[data-channel-key]');

  const channels = (await api(page, `/api/audit/sessions/${encodeURIComponent(session.key)}/channels`)).items;
  const lanes = await page.locator('#timeline-svg .lane[data-channel-key]').evaluateAll((gs) => gs.map((g) => ({
    key: g.dataset.channelKey,
    type: g.dataset.channelType,
    verdict: g.dataset.verdict,
    label: g.querySelector('.lane-label title').textContent,
    visibleLabel: [...g.querySelectorAll('.lane-label tspan')].map((t) => t.textContent).join(''),
    bars: g.querySelectorAll('rect.chan').length,
  })));
  assert.equal(lanes.length, channels.length, 'one lane per channel');
  channels.forEach((item, i) => {
    const lane = lanes[i];
    const body = item.body;
    assert.equal(lane.key, item.key);
    assert.equal(lane.type, body.type);
    assert.equal(lane.verdict, body.verdict ?? '');
    assert.ok(lane.visibleLabel.includes(body.type), `lane ${i} shows its type`);
    assert.equal(lane.bars, 1, `lane ${i} has its bar`);
    for (const extra of [body.command, body.scp_path, body.subsystem_name, body.device_name,
      body.dynamic_channel, body.application]) {
      if (extra) assert.ok(lane.label.includes(extra), `lane ${i} names ${extra}`);
    }
    for (const port of [body['originator.port'], body['connected.port']]) {
      if (port) assert.ok(lane.label.includes(`:${port}`), `lane ${i} names port ${port}`);
    }
  });
  // The SVG tooltips are SVG <title> elements (so browsers show them), with text only.
  const titleNs = await page.locator('#timeline-svg .lane title').first()
    .evaluate((t) => [t.namespaceURI, t.children.length]);
  assert.deepEqual(titleNs, ['http://www.w3.org/2000/svg', 0]);

  // Zoom with the keyboard, then back to the whole session.
  const before = await page.locator('[data-testid=timeline-range]').innerText();
  await page.focus('#timeline');
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await page.keyboard.press('ArrowRight');
  const zoomed = await page.locator('[data-testid=timeline-range]').innerText();
  assert.notEqual(zoomed, before, 'zooming changes the visible range');
  await screenshot(page, 'detail-timeline-zoomed');
  await page.keyboard.press('0');
  assert.equal(await page.locator('[data-testid=timeline-range]').innerText(), before);

  // The mouse: the wheel zooms around the pointer, a drag pans, a click picks a moment.
  const box = await page.locator('#timeline-svg').boundingBox();
  const [mx, my] = [box.x + box.width * 0.6, box.y + box.height * 0.5];
  await page.mouse.move(mx, my);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction((b) => document.querySelector('[data-testid=timeline-range]').textContent !== b, before);
  const wheeled = await page.locator('[data-testid=timeline-range]').innerText();
  await page.mouse.down();
  await page.mouse.move(mx - 150, my, { steps: 5 });
  await page.mouse.up();
  assert.notEqual(await page.locator('[data-testid=timeline-range]').innerText(), wheeled, 'dragging pans');
  assert.equal(await page.locator('#timeline-svg g.cursor').count(), 0, 'a drag is not a click');
  await page.mouse.click(mx, my);
  await page.waitForSelector('#timeline-svg g.cursor');
  assert.match(page.url(), /#t=\d+(\.\d+)?$/);
  await page.keyboard.press('0');

  await page.locator('#timeline-card').scrollIntoViewIfNeeded();
  await screenshot(page, 'detail-timeline');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('an alert highlights exactly what its regular expression matches', async () => {
  const { page, problems, context } = await loggedIn();
  const session = await findSession(page, (s) => s.alerts.length >= 2
    && s.alerts.some((a) => a.matched_content && a.matched_content.length < 200
      && /^\(\?[ims]+\)/.test(a.matched_regexp ?? ''))
    && s.alerts.some((a) => a.matched_content && a.matched_regexp && a.matched_content.length < 200
      && a.matched_content.includes(a.matched_regexp)));
  await openDetail(page, session.key);
  await page.waitForSelector('#alerts-table tbody tr');

  const rows = await page.locator('#alerts-table tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    content: tr.querySelector('code.matched-content').textContent,
    marks: [...tr.querySelectorAll('code.matched-content mark')].map((m) => m.textContent),
  })));
  assert.equal(rows.length, session.alerts.length);
  let highlighted = 0;
  for (const [i, alert] of session.alerts.entries()) {
    // What the browser's own RegExp finds, computed independently here.
    const expected = await page.evaluate(({ content, re }) => {
      // SPS writes Python/PCRE expressions: a leading (?i) becomes the i flag.
      const inline = /^\(\?([ims]+)\)/.exec(re);
      const [source, flags] = inline ? [re.slice(inline[0].length), inline[1]] : [re, ''];
      try {
        return [...content.matchAll(new RegExp(source, `g${flags}`))].map((m) => m[0]).filter((m) => m !== '');
      } catch {
        return [];
      }
    }, { content: alert.matched_content ?? '', re: alert.matched_regexp ?? '' });
    assert.equal(rows[i].content, alert.matched_content ?? '—', `alert ${i} text is the raw content`);
    assert.deepEqual(rows[i].marks, expected, `alert ${i} highlights the regex matches`);
    highlighted += expected.length > 0 ? 1 : 0;
  }
  assert.ok(highlighted >= 2, 'alerts are highlighted, (?i) ones included');

  // n / p jump between alerts and the timeline marks follow.
  await page.keyboard.press('n');
  await page.waitForSelector('#alert-0.selected');
  await page.keyboard.press('n');
  await page.waitForSelector('#alert-1.selected');
  assert.equal(await page.locator('#timeline-svg .mark-alert.selected').count(), 1);
  await page.keyboard.press('p');
  await page.waitForSelector('#alert-0.selected');
  await page.locator('#alerts').scrollIntoViewIfNeeded();
  await screenshot(page, 'detail-alerts-highlighted');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('hostile event content and user names are shown as text', async () => {
  const { page, problems, context } = await loggedIn();
  const session = await findSession(page, (s) => s.events.some((e) => /<script|onerror/i.test(e.content ?? ''))
    && s.events.some((e) => /^[=+@-]/.test(e.action ?? '')));
  await openDetail(page, session.key);
  await page.waitForSelector('#events-table tbody tr');

  const hostile = session.events.filter((e) => /<|^[=+@-]/.test(e.action ?? ''));
  assert.ok(hostile.length > 0);
  for (const event of hostile) {
    const row = page.locator(`#event-${event.record_id}`);
    assert.equal(await row.locator('.event-content').textContent(), event.content);
    assert.equal(await row.locator('.col-action code').textContent(), event.action);
  }
  // Nothing from the data became an element, and nothing ran.
  const injected = await page.evaluate(() => ({
    inlineScripts: document.querySelectorAll('script:not([src])').length,
    images: [...document.querySelectorAll('img')].filter((i) => !i.closest('.brand')).length,
    frames: document.querySelectorAll('iframe, object, embed').length,
    handlers: [...document.querySelectorAll('main *')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
  }));
  assert.deepEqual(injected, { inlineScripts: 0, images: 0, frames: 0, handlers: 0 });

  // Session fields from the same generator (user names, interesting events) are text too.
  const detail = await api(page, `/api/audit/sessions/${encodeURIComponent(session.key)}`);
  const serverUsers = [detail.body.user?.server_username ?? []].flat().join(', ') || '—';
  assert.equal(await page.locator('[data-field="user.server_username"] dd').textContent(), serverUsers);

  await page.locator(`#event-${hostile[0].record_id}`).scrollIntoViewIfNeeded();
  await screenshot(page, 'detail-hostile-text');
  assert.deepEqual(problems.dialogs, []);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('#event=<record_id> opens the page at that event, highlighted; #t= marks a moment', async () => {
  const { page, problems, context } = await loggedIn();
  const session = await findSession(page, (s) => s.events.length >= 20);
  const target = session.events[session.events.length - 2];
  await openDetail(page, session.key, `#event=${target.record_id}`);
  const row = page.locator(`#event-${target.record_id}`);
  await page.waitForSelector(`#event-${target.record_id}.selected`, { timeout: 30_000 });
  // Smooth scrolling has brought the row on screen.
  await page.waitForFunction((id) => {
    const box = document.getElementById(id)?.getBoundingClientRect();
    return box && box.top >= 0 && box.bottom <= window.innerHeight;
  }, `event-${target.record_id}`, { timeout: 10_000 });
  const box = await row.boundingBox();
  const viewport = page.viewportSize();
  assert.ok(box && box.y >= 0 && box.y + box.height <= viewport.height, 'the row is on screen');
  assert.equal(await page.locator(`#timeline-svg .mark-event.selected[data-target="event-${target.record_id}"]`).count(), 1);
  assert.equal(await page.locator('#timeline-svg g.cursor').count(), 1);
  assert.equal(await page.locator('tr.event-row.selected').count(), 1);
  await screenshot(page, 'detail-deep-link-event');

  // Clicking an event's mark on the timeline selects its row (and the address follows).
  const first = session.events[0];
  await page.locator(`#timeline-svg .mark-event[data-target="event-${first.record_id}"]`).dispatchEvent('click');
  await page.waitForSelector(`#event-${first.record_id}.selected`);
  assert.match(page.url(), new RegExp(`#event=${first.record_id}$`));

  // A moment: the cursor sits at 30 s and "copy link" gives a #t= URL.
  await openDetail(page, session.key, '#t=30');
  await page.waitForSelector('#timeline-svg g.cursor[data-t="30.000"]');
  await page.click('#copy-moment');
  const link = await Promise.race([
    page.waitForSelector('[data-testid=copied] code').then((el) => el.textContent()),
    page.waitForSelector('#moment-link').then((el) => el.inputValue()),
  ]);
  assert.match(link, new RegExp(`/sessions/${session.key}#t=30$`));
  await screenshot(page, 'detail-deep-link-moment');

  // Without the Clipboard API (or permission) the link is shown to copy by hand.
  await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: { writeText: () => Promise.reject(new Error('NotAllowedError')) },
  }));
  await page.click('#copy-moment');
  const field = await page.waitForSelector('#moment-link');
  assert.match(await field.inputValue(), new RegExp(`/sessions/${session.key}#t=30$`));
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('content search lists hits by rank and places them on the timeline', async () => {
  const { page, problems, context } = await loggedIn();
  const session = await findSession(page, (s) => s.events.filter((e) => /^[a-z]{3,}$/.test((e.action ?? '').split(' ')[0])).length >= 3);
  const word = session.events.map((e) => (e.action ?? '').split(' ')[0]).find((w) => /^[a-z]{3,}$/.test(w));
  const expected = await api(page, `/api/audit/sessions/${encodeURIComponent(session.key)}/content?q=${encodeURIComponent(word)}`);
  assert.ok(expected.items.length > 0, `"${word}" has hits`);
  await openDetail(page, session.key);

  // A leading * is refused before anything is sent.
  await page.fill('#content-q', `*${word}`);
  await page.click('#content-apply');
  await page.waitForSelector('#content-q-error');
  assert.match(await page.locator('#content-q-error').innerText(), /\*/);

  await page.fill('#content-q', word);
  await page.click('#content-apply');
  await page.waitForSelector('#hits-table tbody tr');
  assert.equal(await page.locator('#hits-table tbody tr').count(), expected.items.length);
  const ranks = await page.locator('#hits-table tbody tr td:first-child').allTextContents();
  const numbers = ranks.map(Number);
  assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), 'best first');
  const withTime = expected.items.filter((h) => h.start_time).length;
  assert.equal(await page.locator('#timeline-svg .mark-hit').count(), withTime);
  // Each hit sits on its channel's lane.
  const placed = await page.locator('#timeline-svg .mark-hit rect')
    .evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('y'))));
  const laneTops = await page.locator('#timeline-svg .lane[data-channel-key]').evaluateAll((gs) => Object.fromEntries(
    gs.map((g) => [g.dataset.channelKey, Number(g.querySelector('.lane-bg').getAttribute('y'))])));
  const hitsWithTime = expected.items.filter((h) => h.start_time);
  hitsWithTime.forEach((hit, i) => {
    const top = laneTops[String(hit['channel.id'])];
    assert.ok(top !== undefined && placed[i] >= top && placed[i] < top + 40, `hit ${i} on lane ${hit['channel.id']}`);
  });

  await page.locator('#hits-table tbody tr').first().click();
  assert.equal(await page.locator('#timeline-svg .mark-hit.selected').count(), 1);
  await page.locator('#timeline-card').scrollIntoViewIfNeeded();
  await screenshot(page, 'detail-content-search');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('the events filter is checked as typed and filters by q and type', async () => {
  const { page, problems, context } = await loggedIn();
  const session = await findSession(page, (s) => s.events.filter((e) => e.type === 'command').length >= 10);
  await openDetail(page, session.key);
  await page.waitForSelector('#events-table tbody tr');

  await page.fill('#events-q', 'content:(free');
  await page.waitForSelector('#events-q-error');
  assert.match(await page.locator('#events-q-error').innerText(), /Column \d+/);
  assert.equal(await page.locator('#events-apply').isDisabled(), true);
  await page.fill('#events-q', 'nosuchfield:x');
  await page.waitForSelector('#events-q-error');
  assert.match(await page.locator('#events-q-error').innerText(), /nosuchfield/);

  const word = session.events.filter((e) => e.type === 'command')
    .map((e) => (e.action ?? '').split(' ')[0]).find((w) => /^[a-z]{2,}$/.test(w));
  assert.ok(word, 'a command to filter by');
  await page.fill('#events-q', `content:${word}*`);
  assert.equal(await page.locator('#events-q-error').count(), 0);
  await page.selectOption('#events-type', 'command');
  await page.click('#events-apply');
  const expected = await api(page,
    `/api/audit/sessions/${encodeURIComponent(session.key)}/events?limit=500&q=${encodeURIComponent(`(content:${word}*) AND type:"command"`)}`);
  assert.ok(expected.items.length > 0, `events match content:${word}*`);
  await waitForCount(page, '#event-count', expected.items.length);
  const types = await page.locator('#events-table tbody tr .col-kind').allTextContents();
  assert.ok(types.every((t) => t === 'command'));
  await page.evaluate(() => document.querySelector('#events').scrollIntoView());
  await screenshot(page, 'detail-events-filtered');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('a row of the list opens its detail; previous / next follow the list', async () => {
  const { page, problems, context } = await loggedIn();
  await page.waitForSelector('#sessions-table tr.session-row');
  const keys = await page.locator('#sessions-table tr.session-row').evaluateAll((trs) => trs.map((tr) => tr.dataset.key));
  await page.locator('#sessions-table tr.session-row').nth(1).locator('a.key-link').click();
  await page.waitForURL(new RegExp(`/sessions/${keys[1]}$`));
  await page.waitForSelector('#timeline-svg');
  assert.match(await page.locator('[data-testid=list-position]').innerText(), /^2 of /);
  // While the next session loads (held back 1.5 s by the simulator), the page
  // must not show this session's fields under the next one's key.
  await sim.setFault('latency=1500', `/api/audit/sessions/${encodeURIComponent(keys[2])}`, 1);
  await page.click('#next-session');
  await page.waitForURL(new RegExp(`/sessions/${keys[2]}$`));
  assert.equal(await page.locator('.crumb-key').innerText(), keys[2]);
  assert.equal(await page.locator('main [data-testid=loading]').count(), 1, 'loading while the next session is on its way');
  assert.equal(await page.locator('#timeline-svg').count(), 0, 'no timeline of the previous session');
  await page.waitForSelector('#timeline-svg');
  await page.click('#prev-session');
  await page.click('#prev-session');
  await page.waitForURL(new RegExp(`/sessions/${keys[0]}$`));
  assert.equal(await page.locator('#prev-session[aria-disabled=true]').count(), 1, 'no previous before the first row');
  await page.waitForSelector('#timeline-svg');
  await screenshot(page, 'detail-from-list');
  await page.click('#back-to-list');
  await page.waitForSelector('#sessions-table tr.session-row');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('the audit trail downloads as .zat and events, alerts, channels export as CSV / JSON', async () => {
  const { page, problems, context } = await loggedIn();
  const session = await findSession(page, (s) => s.events.length >= 5 && s.alerts.length >= 1);
  await openDetail(page, session.key);
  await page.waitForSelector('#events-table tbody tr');
  await page.waitForSelector('#alerts-table tbody tr');

  const link = page.locator('#download-trail');
  assert.equal(await link.getAttribute('href'), `/api/audit/sessions/${session.key}/audit_trail`);
  const [trail] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.match(trail.suggestedFilename(), /\.zat$/);

  const download = async (list, format) => {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`[data-export=${list}] [data-format=${format}]`),
    ]);
    const { readFile } = await import('node:fs/promises');
    return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
  };
  const csv = await download('events', 'csv');
  assert.match(csv.name, new RegExp(`^sps-session-${session.key}-events-\\d{8}T\\d{6}Z\\.csv$`));
  const lines = csv.text.trim().split('\r\n');
  assert.match(lines[0], /^"Key","Protocol"/);
  assert.ok(lines.length >= session.events.length + 1, 'a row per event');
  const json = await download('alerts', 'json');
  assert.match(json.name, /-alerts-.*\.json$/);
  const rows = JSON.parse(json.text);
  assert.equal(rows.length, session.alerts.length);
  assert.equal(rows[0].session.key, session.key);
  assert.equal(rows[0].alert.record_id, session.alerts[0].record_id);
  const channels = await download('channels', 'csv');
  assert.match(channels.name, /-channels-.*\.csv$/);
  assert.equal(await page.locator('[data-export=channels] .export-note').count(), 1);
  await page.locator('#events').scrollIntoViewIfNeeded();
  await screenshot(page, 'detail-exports');

  // A session without an audit trail offers no download.
  // (Real list items carry no `recording.audit_trail`: ask by index status.)
  const keys = (await api(page, `/api/audit/sessions?limit=5&q=${encodeURIComponent('recording.index_status:NO_TRAIL')}`)).items
    .map((item) => item.key);
  assert.ok(keys.length > 0, 'a session without an audit trail');
  await openDetail(page, keys[0]);
  await page.waitForSelector('[data-testid=no-trail]');
  assert.equal(await page.locator('#download-trail').count(), 0);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('an opaque key with /, space, # and % opens its own session; missing fields show —', async () => {
  // A key is opaque (SPS's own look like `svc/<hash>/<policy>:<n>`): it must
  // survive percent-encoding in links and the router exactly once.
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'spsview-detail-'));
  const key = 'svc/rUhh QZ#1%41?x';
  const file = join(dir, 'sessions.json');
  writeFileSync(file, JSON.stringify({
    [key]: {
      protocol: 'SSH', verdict: 'ACCEPT', active: false, duration: 57,
      start_time: '2018-09-15T15:53:00+05:00', end_time: '2018-09-15T15:53:57+05:00',
      user: { name: '<b>myname</b>', server_username: 'myserver' },
      client: { ip: '10.20.30.40', name: '10.20.30.40', port: 59125 },
    },
    plain: { protocol: 'RDP', start_time: 1451901988 },
  }));
  const own = await startSimulator(['--data', file]);
  const { page, problems, context } = await newPage(browser);
  try {
    await login(page, own.baseUrl);
    await page.waitForSelector('#sessions-table tr.session-row');
    await page.locator(`#sessions-table tr.session-row[data-key="${key}"] a.key-link`).click();
    await page.waitForSelector('.detail-head');
    assert.equal(await page.locator('.crumb-key').innerText(), key);
    // The address holds the key encoded once (the page repairs the router's decoding).
    await page.waitForFunction((path) => window.location.pathname === path, `/sessions/${encodeURIComponent(key)}`);
    assert.equal(await page.locator('[data-field="user.name"] dd').textContent(), '<b>myname</b>');
    assert.equal(await page.locator('[data-field="server"] dd').textContent(), '—');
    assert.equal(await page.locator('[data-field="creation_time"] dd').textContent(), '—');
    assert.match(await page.locator('[data-field="start_time"] dd').textContent(), /^2018-09-15 15:53:00 \+05:00$/);
    await page.waitForSelector('[data-testid=no-channels]');
    await page.waitForSelector('[data-testid=no-trail]');
    // The zone switch: UTC rewrites every time and is kept in the address.
    await page.click('#tz-choice [data-tz=utc]');
    assert.equal(await page.locator('[data-field="start_time"] dd').textContent(), '2018-09-15 10:53:00 +00:00');
    assert.match(page.url(), /\?tz=utc$/);
    // A reload reads the same key (and zone) from the address bar.
    await page.reload();
    await page.waitForSelector('.detail-head');
    assert.equal(await page.locator('.crumb-key').innerText(), key);
    assert.equal(await page.locator('[data-field="start_time"] dd').textContent(), '2018-09-15 10:53:00 +00:00');
    await screenshot(page, 'detail-opaque-key-sparse');
    assert.deepEqual(problems.pageErrors, []);
  } finally {
    await context.close();
    await own.stop();
  }
});

test('an unknown key says the session was not found', async () => {
  const { page, problems, context } = await loggedIn();
  await page.goto(`${sim.baseUrl}/sessions/no-such-session-key`);
  await page.waitForSelector('[data-testid=session-not-found]', { timeout: 30_000 });
  assert.match(await page.locator('[data-testid=session-not-found]').innerText(), /Session not found/);
  await screenshot(page, 'detail-not-found');

  // Without a login (expired cookie) the page goes to the login form and back.
  const key = (await api(page, '/api/audit/sessions?limit=1')).items[0].key;
  await context.clearCookies();
  await page.goto(`${sim.baseUrl}/sessions/${key}`);
  await page.waitForURL(/\/login\?reason=expired/, { timeout: 30_000 });
  assert.match(decodeURIComponent(page.url()), new RegExp(`next=/sessions/${key}`));
  await page.fill('#login-user', 'admin');
  await page.fill('#login-password', 'admin');
  await page.click('#login-submit');
  await page.waitForURL(new RegExp(`/sessions/${key}$`), { timeout: 30_000 });
  await page.waitForSelector('#timeline-svg');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});
