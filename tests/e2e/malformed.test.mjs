// Malformed replies in the viewer: for each kind the simulator can send (an
// HTML page from a proxy or a login portal, an empty body, binary garbage,
// JSON cut off as a complete reply or by a dropped connection, valid JSON of
// the wrong shape) on the sessions list and on the session detail, a visible
// error in plain words with `data-kind` = sps-core's classification, the app
// shell still there, no panic and no page error; after the fault is cleared,
// "Try again" shows the data. A value of 8 MB is shown clipped and the page
// stays responsive.
//
// The browser's requests carry no fault header: the faults are rules set on
// the simulator through `/_sim/faults` (exact path, or a prefix ending in `*`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, launchBrowser, newPage, login, screenshot } from './harness.mjs';

const LIST = '/api/audit/sessions';
let sim;
let browser;

before(async () => {
  sim = await startSimulator(['--sessions', '300', '--seed', '7']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

/** A logged-in page on the list, recording every console message too. */
async function loggedIn() {
  const opened = await newPage(browser);
  opened.consoleAll = [];
  opened.page.on('console', (msg) => opened.consoleAll.push(msg.text()));
  await login(opened.page, sim.baseUrl);
  await opened.page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  return opened;
}

/** Nothing crashed: no page error, no Rust panic on the console. */
function assertNoCrash({ problems, consoleAll }, label) {
  assert.deepEqual(problems.pageErrors, [], `${label}: page errors`);
  assert.deepEqual(consoleAll.filter((m) => /panicked/i.test(m)), [], `${label}: a panic`);
}

/**
 * The kinds, the `data-kind` sps-core's classification gives, and what the
 * message must say (first sentence, then a detail).
 */
const KINDS = [
  { fault: 'html', kind: 'html', says: [/^The appliance sent an HTML page instead of JSON/, /HTTP 502/] },
  { fault: 'html=200', kind: 'html', says: [/^The appliance sent an HTML page instead of JSON/, /<!DOCTYPE html>/] },
  { fault: 'empty', kind: 'empty', says: [/^The appliance sent an empty reply/, /the reply is empty/] },
  { fault: 'garbage', kind: 'not-json', says: [/^The appliance sent something that is not JSON/, /it starts with `\\u\{1f\}/] },
  { fault: 'cut', kind: 'truncated', says: [/^The reply was cut off before its end/, /truncated JSON/] },
  { fault: 'truncate', kind: 'truncated', says: [/^The reply was cut off before its end/, /connection dropped/] },
  { fault: 'wrongtype', kind: 'wrong-type', says: [/^The reply does not have the shape the SPS API documents/, /invalid type/] },
];

/** Waits for the error of `kind` and checks its words, the retry button and the shell. */
async function checkError(page, { kind, says }, title, label) {
  const panel = page.locator(`.api-error[data-kind="${kind}"]`);
  await panel.waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('.api-error').count(), 1, `${label}: one error`);
  assert.equal(await panel.locator('strong').innerText(), title, label);
  const message = await panel.locator('.error-message').innerText();
  for (const pattern of says) assert.match(message, pattern, `${label}: ${message}`);
  assert.ok(message.length < 2_100, `${label}: a short message`);
  assert.ok(await panel.locator('button.retry').isVisible(), `${label}: a retry button`);
  // The app shell stays: top bar, its navigation, the page's main element.
  assert.ok(await page.locator('header.topbar a.brand').isVisible(), `${label}: top bar`);
  assert.equal(await page.locator('main.page').count(), 1, `${label}: main`);
  return message;
}

test('the sessions list: every malformed reply is a clear error with a working retry', async () => {
  const opened = await loggedIn();
  const { page, context } = opened;
  for (const expected of KINDS) {
    const label = `list ${expected.fault}`;
    await sim.setFault(expected.fault, LIST);
    await page.goto(`${sim.baseUrl}/sessions`);
    const message = await checkError(page, expected, 'Could not load sessions', label);
    if (expected.fault === 'wrongtype') assert.match(message, /session list at `items`/);
    assert.equal(await page.locator('h1').innerText(), 'Sessions', label);
    assert.ok(await page.locator('#query-input').isVisible(), `${label}: the query bar stays`);
    if (expected.fault === 'html') await screenshot(page, 'malformed-list-html');
    assert.equal(await page.locator('#sessions-table tr.session-row').count(), 0, label);

    await sim.clearFaults();
    await page.locator('.api-error button.retry').click();
    await page.waitForSelector('#sessions-table tr.session-row', { timeout: 15_000 });
    assert.equal(await page.locator('.api-error').count(), 0, `${label}: the error is gone`);
    assertNoCrash(opened, label);
  }
  await context.close();
});

test('the session detail: every malformed reply is a clear error with a working retry', async () => {
  const opened = await loggedIn();
  const { page, context } = opened;
  const key = await page.locator('#sessions-table tr.session-row').first().getAttribute('data-key');
  const path = `${LIST}/${encodeURIComponent(key)}`;
  for (const expected of KINDS) {
    const label = `detail ${expected.fault}`;
    await sim.setFault(expected.fault, path);
    await page.goto(`${sim.baseUrl}/sessions/${encodeURIComponent(key)}`);
    const message = await checkError(page, expected, 'Could not load the session', label);
    if (expected.fault === 'wrongtype') {
      assert.match(message, /session at `body\.duration`/);
      await screenshot(page, 'malformed-detail-wrongtype');
    }
    assert.ok(await page.locator('#back-to-list').isVisible(), `${label}: the way back stays`);

    await sim.clearFaults();
    await page.locator('.api-error button.retry').click();
    await page.waitForSelector('#timeline-svg', { timeout: 15_000 });
    assert.equal(await page.locator('.api-error').count(), 0, `${label}: the error is gone`);
    assertNoCrash(opened, label);
  }
  await context.close();
});

test('the detail\'s own lists: channels and events fail alone, each with a retry', async () => {
  const opened = await loggedIn();
  const { page, context } = opened;
  const key = await page.locator('#sessions-table tr.session-row').first().getAttribute('data-key');
  const base = `${LIST}/${encodeURIComponent(key)}`;
  await sim.setFault('html=200', `${base}/channels`);
  await sim.setFault('wrongtype', `${base}/events`);
  await page.goto(`${sim.baseUrl}/sessions/${encodeURIComponent(key)}`);

  const channels = page.locator('#timeline-card .api-error[data-kind="html"]');
  await channels.waitFor({ timeout: 15_000 });
  assert.equal(await channels.locator('strong').innerText(), 'Could not load the channels');
  assert.equal(await page.locator('[data-testid="no-channels"]').count(), 0,
    'a failed load is not "no channels"');
  const events = page.locator('.api-error[data-kind="wrong-type"]');
  await events.waitFor({ timeout: 15_000 });
  assert.equal(await events.locator('strong').innerText(), 'Could not load events');
  assert.match(await events.locator('.error-message').innerText(), /event list at `items`/);
  // The rest of the page is there: the session's fields.
  assert.ok(await page.locator('[data-field="user.gateway_username"]').isVisible());

  await sim.clearFaults();
  await channels.locator('button.retry').click();
  await page.waitForSelector('#timeline-svg', { timeout: 15_000 });
  await events.locator('button.retry').click();
  await page.waitForFunction(() => document.querySelectorAll('.api-error').length === 0, null, { timeout: 15_000 });
  assertNoCrash(opened, 'sub-lists');
  await context.close();
});

test('an 8 MB value is shown clipped and the page stays responsive', async () => {
  const opened = await loggedIn();
  const { page, context } = opened;
  const key = await page.locator('#sessions-table tr.session-row').first().getAttribute('data-key');
  const huge = 8 * 1024 * 1024;

  await sim.setFault('huge=8', LIST);
  await page.goto(`${sim.baseUrl}/sessions`);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  const cell = page.locator('#sessions-table tr.session-row').first().locator('td[data-field="user.gateway_username"]');
  const text = await cell.innerText();
  assert.ok(text.startsWith(`huge-${huge}-bytes:`), text.slice(0, 60));
  assert.match(text, /… \(\d+ more characters\)$/);
  assert.ok(text.length < 21_000, `clipped: ${text.length}`);
  // Responsive: a task on the page runs at once, and the DOM holds no megabytes.
  const started = Date.now();
  const domText = await page.evaluate(() => document.body.innerText.length);
  assert.ok(Date.now() - started < 2_000, `the page answered in ${Date.now() - started} ms`);
  assert.ok(domText < 500_000, `text on the page: ${domText}`);
  await page.click(`th[data-sort-field="duration"] button`);
  await page.waitForURL(/sort=duration/);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 15_000 });
  await sim.clearFaults();

  await sim.setFault('huge=8', `${LIST}/${encodeURIComponent(key)}`);
  await page.goto(`${sim.baseUrl}/sessions/${encodeURIComponent(key)}`);
  await page.waitForSelector('#timeline-svg', { timeout: 30_000 });
  const field = await page.locator('[data-field="user.gateway_username"] dd').innerText();
  assert.ok(field.startsWith(`huge-${huge}-bytes:`));
  assert.match(field, /… \(\d+ more characters\)$/);
  assert.ok(field.length < 21_000, `clipped: ${field.length}`);
  const who = await page.locator('.who').first().innerText();
  assert.ok(who.length < 300, `the heading's name is short: ${who.length}`);
  const detailText = await page.evaluate(() => document.body.innerText.length);
  assert.ok(detailText < 500_000, `text on the page: ${detailText}`);
  await screenshot(page, 'malformed-detail-huge');
  await sim.clearFaults();
  assertNoCrash(opened, 'huge');
  await context.close();
});
