// The smoke set in Debian's Firefox ESR, through geckodriver (classic
// WebDriver, selenium-webdriver): log in, list, fetch all, open a session's
// detail, export. Auditors use Firefox as often as Chromium; these are the
// paths that must work in both (Firefox has no File System Access API, so the
// export here takes the download path).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Builder, By, until } from 'selenium-webdriver';
import firefox from 'selenium-webdriver/firefox.js';
import { startSimulator, DEMO_USER } from '../e2e/harness.mjs';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const GECKODRIVER = process.env.GECKODRIVER ?? 'geckodriver';
const TOTAL = 3000;
const WAIT_MS = 60_000;

let sim;
let driver;
let downloads;

before(async () => {
  sim = await startSimulator(['--sessions', String(TOTAL), '--seed', '7']);
  downloads = mkdtempSync(join(tmpdir(), 'spsview-firefox-'));
  const options = new firefox.Options()
    .setBinary(FIREFOX)
    .addArguments('-headless')
    .windowSize({ width: 1400, height: 900 })
    // Downloads go to a folder of the test's, without a dialog.
    .setPreference('browser.download.folderList', 2)
    .setPreference('browser.download.dir', downloads)
    .setPreference('browser.download.useDownloadDir', true)
    .setPreference('browser.download.always_ask_before_handling_new_types', false)
    .setPreference('browser.helperApps.neverAsk.saveToDisk', 'text/csv,application/json,application/x-ndjson,application/octet-stream')
    // A closed network: nothing of Mozilla's own may be fetched.
    .setPreference('app.update.enabled', false)
    .setPreference('browser.shell.checkDefaultBrowser', false)
    .setPreference('datareporting.policy.dataSubmissionEnabled', false)
    .setPreference('network.captive-portal-service.enabled', false)
    .setPreference('extensions.update.enabled', false);
  driver = await new Builder()
    .forBrowser('firefox')
    .setFirefoxOptions(options)
    .setFirefoxService(new firefox.ServiceBuilder(GECKODRIVER))
    .build();
});

after(async () => {
  await driver?.quit();
  await sim?.stop();
});

/** Waits until `script` (a function body returning a value) returns a truthy value; returns it. */
function waitFor(script, what, ...args) {
  return driver.wait(async () => driver.executeScript(script, ...args), WAIT_MS, `waiting for ${what}`);
}

/** Uncaught errors the page recorded (an init hook cannot be set through classic WebDriver). */
function pageErrors() {
  return driver.executeScript('return window.__spsErrors ?? []');
}

async function recordErrors() {
  await driver.executeScript(`
    window.__spsErrors = [];
    window.addEventListener('error', (e) => window.__spsErrors.push(String(e.message)));
    window.addEventListener('unhandledrejection', (e) => window.__spsErrors.push(String(e.reason)));
  `);
}

test('Firefox: log in, list, fetch all, open a detail, export', async () => {
  // Log in through the form.
  await driver.get(`${sim.baseUrl}/`);
  const user = await driver.wait(until.elementLocated(By.css('#login-user')), WAIT_MS);
  await recordErrors();
  await user.sendKeys(DEMO_USER.user);
  await driver.findElement(By.css('#login-password')).sendKeys(DEMO_USER.password);
  await driver.findElement(By.css('#login-submit')).click();

  // The list: rows, and the appliance's count of them.
  await driver.wait(until.elementLocated(By.css('#sessions-table tr.session-row')), WAIT_MS);
  await recordErrors();
  const matches = Number(await waitFor(
    "return document.querySelector('#match-count:not([data-total-source=\"lower-bound\"])')?.dataset.count",
    'the match count',
  ));
  assert.equal(matches, TOTAL);
  const rows = await driver.findElements(By.css('#sessions-table tr.session-row'));
  assert.ok(rows.length > 10, `rows shown: ${rows.length}`);

  // Fetch all: every session loaded into the table.
  await driver.findElement(By.css('#fetch-all')).click();
  const loaded = await waitFor("return document.querySelector('#row-count')?.dataset.count", 'all rows loaded');
  assert.equal(Number(loaded), TOTAL);

  // Export the loaded rows as CSV: a download with a header and every row.
  await driver.executeScript("document.querySelector('#sessions-table tr.session-row td')?.focus()");
  await driver.findElement(By.css('body')).sendKeys('e');
  const csvItem = await driver.wait(until.elementLocated(By.css('#export-menu [data-export="csv"]')), WAIT_MS);
  await csvItem.click();
  const file = await driver.wait(() => {
    const done = readdirSync(downloads).filter((name) => name.endsWith('.csv'));
    return done.length > 0 && statSync(join(downloads, done[0])).size > 0 ? done[0] : false;
  }, WAIT_MS, 'the CSV download');
  // Firefox writes a .part first and renames it when complete.
  await driver.wait(() => !readdirSync(downloads).some((name) => name.endsWith('.part')), WAIT_MS);
  const lines = readFileSync(join(downloads, file), 'utf8').split('\r\n').filter(Boolean);
  assert.equal(lines.length - 1, TOTAL, 'one line per session after the header');

  // A session's detail: its timeline and events.
  const key = await driver.findElement(By.css('#sessions-table tr.session-row')).getAttribute('data-key');
  await driver.get(`${sim.baseUrl}/sessions/${encodeURIComponent(key)}`);
  await driver.wait(until.elementLocated(By.css('#timeline-svg')), WAIT_MS);
  await recordErrors();
  await driver.wait(until.elementLocated(By.css('#events-table tbody tr, [data-testid="no-events"]')), WAIT_MS);
  const heading = await driver.findElement(By.css('h1, h2')).getText();
  assert.ok(heading.length > 0, 'the detail has a heading');

  assert.deepEqual(await pageErrors(), []);
});
