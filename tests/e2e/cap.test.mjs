// Past the 10,000 cap of a real appliance's match_count, in the viewer: the
// default simulator answers as SPS 7.x/8.x do (match_count stops at 10,000,
// _count is exact). The list says "10,000+ sessions match" until _count tells
// the number, then that number; "Fetch all" delivers every session exactly
// once, whatever the appliance lacks, and says how it checked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, launchBrowser, openList, screenshot } from './harness.mjs';

let browser;
const sims = [];

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await Promise.all(sims.map((s) => s.stop()));
});

async function simulator(total) {
  const sim = await startSimulator(['--sessions', String(total), '--seed', '9']);
  sims.push(sim);
  return sim;
}

const loggedIn = (sim) => openList(browser, sim.baseUrl);

/** Keys of every loaded row, read from the table's data (not the DOM, which is virtualised). */
async function fetchAllInViewer(page) {
  await page.locator('#fetch-all').first().click();
  const count = page.locator('#row-count');
  await count.waitFor({ timeout: 240_000 });
  return {
    count: Number(await count.getAttribute('data-count')),
    complete: await count.getAttribute('data-complete'),
    source: await count.getAttribute('data-total-source'),
    text: await page.locator('.summary').first().innerText(),
  };
}

test('25,000 sessions: "10,000+" until _count answers, then 25,000; Fetch all gets them all', async () => {
  const sim = await simulator(25_000);
  // Slow `_count` down once so that the lower bound can be seen (and shot).
  await sim.setFault('latency=4000', '/api/audit/sessions/_count', 1);
  const { page, problems, context } = await loggedIn(sim);
  const matchCount = page.locator('#match-count');
  await matchCount.waitFor({ timeout: 10_000 });
  assert.equal(await matchCount.innerText(), '10,000+');
  assert.equal(await matchCount.getAttribute('data-total-source'), 'lower-bound');
  assert.match(await page.locator('#big-result').innerText(), /10,000\+ sessions match/);
  await screenshot(page, 'list-count-lower-bound');

  await page.waitForFunction(() => document.querySelector('#match-count')?.innerText === '25,000',
    null, { timeout: 20_000 });
  assert.equal(await matchCount.getAttribute('data-total-source'), '_count');
  assert.equal(await matchCount.getAttribute('data-count'), '25000');
  assert.match(await page.locator('#big-result').innerText(), /25,000 sessions match/);
  assert.match(await page.locator('#big-result #fetch-all').innerText(), /Fetch all 25,000/);
  await screenshot(page, 'list-count-exact');

  const fetched = await fetchAllInViewer(page);
  assert.equal(fetched.count, 25_000);
  assert.equal(fetched.complete, 'true');
  assert.equal(fetched.source, '_count');
  assert.match(fetched.text, /checked against SPS's count \(25,000\)/);
  // Each key once: the rows the page holds, as the detail page's
  // previous/next list would read them, are unique.
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.dialogs, []);
  await context.close();
});

test('12,000 sessions without _snapshot (time slices) and without _count', async () => {
  const sim = await simulator(12_000);
  await sim.setFault('status=404', '/api/audit/sessions/_snapshot');
  const { page, problems, context } = await loggedIn(sim);
  await page.waitForFunction(() => document.querySelector('#match-count')?.innerText === '12,000',
    null, { timeout: 20_000 });
  const sliced = await fetchAllInViewer(page);
  assert.deepEqual([sliced.count, sliced.complete, sliced.source], [12_000, 'true', '_count']);
  await context.close();

  // No `_count` either: the list keeps saying "10,000+", and Fetch all
  // splits time windows at the cap until every one is exact.
  await sim.setFault('status=404', '/api/audit/sessions/_count');
  const second = await loggedIn(sim);
  const matchCount = second.page.locator('#match-count');
  await second.page.waitForFunction(() => document.querySelector('#match-count')?.dataset.totalSource === 'lower-bound');
  // Give the failed `_count` time to come back: the lower bound stays.
  await second.page.waitForTimeout(1000);
  assert.equal(await matchCount.innerText(), '10,000+');
  const windows = await fetchAllInViewer(second.page);
  assert.deepEqual([windows.count, windows.complete, windows.source], [12_000, 'true', 'window_counts']);
  assert.match(windows.text, /counts of each time slice \(12,000\)/);
  await screenshot(second.page, 'list-fetched-past-cap-slices');
  await sim.clearFaults();
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(second.problems.pageErrors, []);
  await second.context.close();
});

test('a _count that disagrees with what arrives is shown as a stop, not as complete', async () => {
  const sim = await simulator(12_000);
  await sim.setFault('miscount=7', '/api/audit/sessions/_count');
  const { page, problems, context } = await loggedIn(sim);
  await page.waitForFunction(() => document.querySelector('#match-count')?.innerText === '12,007',
    null, { timeout: 20_000 });
  const fetched = await fetchAllInViewer(page);
  assert.equal(fetched.complete, 'false');
  assert.equal(fetched.count, 12_000);
  const stopped = await page.locator('#fetch-stopped').innerText();
  assert.match(stopped, /7 missing/);
  await screenshot(page, 'list-fetch-incomplete');
  await sim.clearFaults();
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});
