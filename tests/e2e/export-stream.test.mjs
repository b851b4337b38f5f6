// Large exports from the viewer: more than 50,000 sessions ask for
// confirmation first (declining exports nothing); accepted, they stream to a
// file the user picks (File System Access API, here a recording stand-in for
// `showSaveFilePicker`, which headless Chromium cannot show) chunk by chunk,
// or, where the browser has no picker, download as a Blob made of parts.
// Either way the file holds every session of the selection exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSimulator, launchBrowser, newPage, login } from './harness.mjs';

// Just over the confirmation threshold (50,000 sessions).
const TOTAL = 50_200;
let sim;
let browser;

before(async () => {
  sim = await startSimulator(['--sessions', String(TOTAL), '--seed', '17']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

/**
 * A logged-in page whose dialogs are answered from `answers` (true accepts),
 * recorded in `dialogs`; `picker`: keep a recording `showSaveFilePicker`, or
 * remove it (a browser without the API).
 */
async function opened({ picker }) {
  const { page, problems, context } = await newPage(browser);
  // The harness dismisses every dialog; this test answers them itself.
  page.removeAllListeners('dialog');
  const dialogs = [];
  const answers = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    if (answers.shift()) await dialog.accept();
    else await dialog.dismiss();
  });
  await page.addInitScript((picker) => {
    if (!picker) {
      Object.defineProperty(window, 'showSaveFilePicker', { value: undefined, configurable: true });
      return;
    }
    // Records what the viewer writes: the chunks' sizes and text, in order.
    window.__file = { name: null, writes: [], text: [], closed: false, aborted: false };
    const file = window.__file;
    Object.defineProperty(window, 'showSaveFilePicker', {
      configurable: true,
      value: async (options) => {
        file.name = options?.suggestedName ?? null;
        return {
          createWritable: async () => ({
            write: async (chunk) => {
              if (file.closed) throw new Error('write after close');
              file.writes.push(chunk.byteLength);
              file.text.push(new TextDecoder().decode(chunk));
            },
            close: async () => { file.closed = true; },
            abort: async () => { file.aborted = true; },
          }),
        };
      },
    });
  }, picker);
  await login(page, sim.baseUrl);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  return { page, problems, context, dialogs, answers };
}

/** Keys of a CSV export, in order, checked to be each once. */
function csvKeys(text) {
  const lines = text.split('\r\n').filter((l) => l.length > 0);
  assert.match(lines[0], /^"Key",/);
  const keys = lines.slice(1).map((l) => JSON.parse(l.slice(0, l.indexOf('",') + 1)));
  assert.equal(new Set(keys).size, keys.length, 'each session once');
  return keys;
}

test('a large export asks first; declined, nothing is exported; accepted, a Blob of every session', async () => {
  const { page, problems, context, dialogs, answers } = await opened({ picker: false });
  const matches = Number(await page.getAttribute('#match-count', 'data-count'));
  assert.ok(matches >= TOTAL || matches === 10_000, `match count ${matches}`);

  // Declined: no download, and the page says so.
  let downloads = 0;
  page.on('download', () => { downloads += 1; });
  answers.push(false);
  await page.keyboard.press('e');
  await page.click('#export-menu [data-export="csv"]');
  await page.locator('#export-status.failed').waitFor({ timeout: 120_000 });
  assert.match(await page.locator('#export-status').innerText(), /declined/);
  assert.equal(dialogs.length, 1);
  assert.match(dialogs[0], /^Export 50,200 sessions as CSV\? The file will be about \d+ MB\.$/);
  assert.equal(downloads, 0);
  // The fetch under the export loaded every session.
  assert.equal(Number(await page.getAttribute('#row-count', 'data-count')), TOTAL);

  // Accepted: a download holding the whole selection.
  answers.push(true);
  await page.keyboard.press('e');
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 120_000 }),
    page.click('#export-menu [data-export="csv"]'),
  ]);
  assert.equal(dialogs.length, 2);
  assert.match(download.suggestedFilename(), /^sps-sessions-\d{8}T\d{6}Z\.csv$/);
  const keys = csvKeys(readFileSync(await download.path(), 'utf8'));
  assert.equal(keys.length, TOTAL, 'one row per session of the selection');
  // In the table's order: the first rows match what the table shows.
  const shown = await page.locator('#sessions-table tr.session-row')
    .evaluateAll((trs) => trs.slice(0, 5).map((tr) => tr.dataset.key));
  assert.deepEqual(keys.slice(0, shown.length), shown);
  await page.locator('#export-status.done').waitFor();
  assert.match(await page.locator('#export-status').innerText(), /Saved sps-sessions-.*50,200 sessions/);

  // Small exports never ask: a filtered selection below the threshold.
  await page.goto(`${sim.baseUrl}/sessions?q=${encodeURIComponent('protocol:SSH')}`);
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
  // Above SPS's cap the first count is a lower bound: wait for the exact one.
  await page.waitForSelector('#match-count:not([data-total-source="lower-bound"])', { timeout: 30_000 });
  const ssh = Number(await page.getAttribute('#match-count', 'data-count'));
  assert.ok(ssh > 100 && ssh < 50_000, `SSH sessions ${ssh}`);
  await page.keyboard.press('e');
  const [small] = await Promise.all([
    page.waitForEvent('download', { timeout: 120_000 }),
    page.click('#export-menu [data-export="ndjson"]'),
  ]);
  const records = readFileSync(await small.path(), 'utf8').split('\n').filter(Boolean);
  assert.equal(records.length, ssh);
  assert.equal(dialogs.length, 2, 'no confirmation for a small export');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('with the File System Access API, a large export streams to the picked file in chunks', async () => {
  const { page, problems, context, dialogs, answers } = await opened({ picker: true });
  let downloads = 0;
  page.on('download', () => { downloads += 1; });
  answers.push(true);
  await page.keyboard.press('e');
  await page.click('#export-menu [data-export="csv"]');
  await page.locator('#export-status.done').waitFor({ timeout: 180_000 });
  assert.equal(dialogs.length, 1);
  const file = await page.evaluate(() => window.__file);
  assert.match(file.name, /^sps-sessions-\d{8}T\d{6}Z\.csv$/);
  assert.equal(file.closed, true);
  assert.equal(file.aborted, false);
  // Written as made, in many chunks of at most a little over 256 KiB each,
  // never as one big piece.
  assert.ok(file.writes.length > 10, `${file.writes.length} writes`);
  assert.ok(Math.max(...file.writes) < 512 * 1024, `largest write ${Math.max(...file.writes)}`);
  const keys = csvKeys(file.text.join(''));
  assert.equal(keys.length, TOTAL);
  assert.equal(downloads, 0, 'no Blob download besides the file');
  assert.match(await page.locator('#export-status').innerText(), /Saved sps-sessions-/);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});
