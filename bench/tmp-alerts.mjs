// The Node half of `cargo xtask bench`: starts the simulator with 100,000 sessions
// serving the bench page (/bench/) and the release viewer (/), runs the wasm bench
// page and the table bench in headless Chromium, and writes the figures as JSON to
// $BENCH_OUT. Environment as for the end-to-end tests (SPS_SIM_BIN, SPS_DIST, CHROMIUM).
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, launchBrowser, newPage, login, DEMO_USER } from '../tests/e2e/harness.mjs';
import { alertsDataset } from '../tests/e2e/alerts-data.mjs';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 100000);
const OUT = process.env.BENCH_OUT ?? 'target/bench/browser.json';
/** The alerts page bench: this many SSH sessions with ALERTS_EACH alerts each. */
const ALERT_SESSIONS = 500;
const ALERTS_EACH = 20;

/** The wasm bench page: decode and CSV export, see bench/page/bench.mjs. */
async function pageBench(browser, baseUrl) {
  const { page, context, problems } = await newPage(browser);
  page.on('console', (msg) => console.log(`  [page] ${msg.text()}`));
  await page.goto(`${baseUrl}/bench/`);
  await page.waitForSelector('body[data-ready="true"]');
  const result = await page.evaluate((user) => window.spsBench.run(user), DEMO_USER);
  console.log(await page.locator('#log').innerText());
  await context.close();
  if (problems.pageErrors.length) throw new Error(`bench page errors: ${problems.pageErrors}`);
  return result;
}

// Runs in the page: clicks `selector`, then waits until `doneSelector` (if any)
// is there, nothing shows progress and the DOM has been quiet for `quietMs`, and
// returns the time from the click to the frame that painted the last change, plus
// the time to the first row. With `newFirstRow`, another row must head the table.
const settleScript = async ({ selector, newFirstRow, doneSelector, quietMs, timeoutMs }) => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
  const rowsSelector = '#sessions-table tr.session-row';
  let lastPaint = null;
  let firstRow = null;
  const t0 = performance.now();
  const observer = new MutationObserver(() => {
    if (firstRow === null && document.querySelector(rowsSelector)) firstRow = performance.now();
    requestAnimationFrame(() => { lastPaint = performance.now(); });
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
  const before = document.querySelector(rowsSelector)?.dataset.key ?? null;
  document.querySelector(selector).click();
  let quiet = false;
  while (performance.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 50));
    const changed = !newFirstRow
      || (document.querySelector(rowsSelector)?.dataset.key ?? null) !== before;
    const busy = document.querySelector('[data-testid="updating"], #fetch-progress');
    const done = !doneSelector || document.querySelector(doneSelector);
    if (lastPaint !== null && changed && done && !busy && document.querySelector(rowsSelector)
      && performance.now() - lastPaint > quietMs) { quiet = true; break; }
  }
  observer.disconnect();
  await frame();
  return {
    ms: lastPaint === null ? null : lastPaint - t0,
    first_row_ms: firstRow === null ? null : firstRow - t0,
    settled: quiet,
  };
};

/** Facts about the table: rows in the DOM, the match count, the scroll container. */
const tableFacts = () => {
  const table = document.querySelector('#sessions-table');
  let scroller = table?.parentElement ?? null;
  while (scroller && !(scroller.scrollHeight > scroller.clientHeight
    && /(auto|scroll)/.test(getComputedStyle(scroller).overflowY))) {
    scroller = scroller.parentElement;
  }
  const el = scroller ?? document.scrollingElement;
  const count = document.querySelector('#match-count')?.dataset.count;
  const loaded = document.querySelector('#row-count')?.dataset.count;
  return {
    loaded_rows: loaded === undefined ? null : Number(loaded),
    dom_nodes: document.querySelectorAll('*').length,
    rows_in_dom: document.querySelectorAll('#sessions-table tr.session-row').length,
    match_count: count === undefined ? null : Number(count),
    scroll_height_px: el.scrollHeight,
    row_height_px: document.querySelector('#sessions-table tr.session-row')?.getBoundingClientRect().height ?? null,
    scroller: scroller ? (scroller.id || scroller.className || scroller.tagName) : 'document',
  };
};

// Runs in the page: scrolls the table's scroll container `steps` times by half a
// viewport and records, per step, the time until the frame after the scroll has
// been painted (two animation frames), plus the interval of every frame meanwhile.
const scrollScript = async ({ steps, table: tableSelector = '#sessions-table', rows = '#sessions-table tr.session-row' }) => {
  const table = document.querySelector(tableSelector);
  let scroller = table?.parentElement ?? null;
  while (scroller && !(scroller.scrollHeight > scroller.clientHeight
    && /(auto|scroll)/.test(getComputedStyle(scroller).overflowY))) {
    scroller = scroller.parentElement;
  }
  const el = scroller ?? document.scrollingElement;
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const stepTimes = [];
  const frameTimes = [];
  let last = await frame();
  const start = el.scrollTop;
  for (let i = 0; i < steps; i += 1) {
    const t0 = performance.now();
    el.scrollTop += Math.max(200, el.clientHeight / 2);
    const a = await frame();
    const b = await frame();
    frameTimes.push(a - last, b - a);
    last = b;
    stepTimes.push(performance.now() - t0);
  }
  const moved = el.scrollTop - start;
  // A jump far away: the window of rows is rendered from scratch.
  const j0 = performance.now();
  el.scrollTop = el.scrollHeight / 2;
  await frame();
  await frame();
  const jumpMs = performance.now() - j0;
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return {
    steps,
    moved_px: moved,
    step_median_ms: median(stepTimes),
    step_max_ms: Math.max(...stepTimes),
    frame_median_ms: median(frameTimes),
    frame_max_ms: Math.max(...frameTimes),
    jump_to_middle_ms: jumpMs,
    rows_in_dom_after: document.querySelectorAll(rows).length,
    dom_nodes_after: document.querySelectorAll('*').length,
  };
};

/**
 * The viewer's sessions table against the simulator's 100,000 sessions: the first
 * server page, then "Fetch all" into the virtualised table, a client-side re-sort
 * of every row, and scrolling.
 */
async function tableBench(browser, baseUrl) {
  const { page, context, problems } = await newPage(browser);
  const limits = { quietMs: 1000, timeoutMs: 600_000 };
  await page.goto(`${baseUrl}/`);
  await page.fill('#login-user', DEMO_USER.user);
  await page.fill('#login-password', DEMO_USER.password);
  // First page: from the login click to the painted first server page.
  const firstPage = await page.evaluate(settleScript, { selector: '#login-submit', ...limits });
  await page.waitForSelector('#sessions-table tr.session-row', { timeout: 10_000 });
  const afterFirstPage = await page.evaluate(tableFacts);

  // Fetch all: every session fetched, decoded and shown (virtualised).
  let fetchAll = null;
  let afterFetch = null;
  if (await page.locator('#fetch-all').count()) {
    fetchAll = await page.evaluate(settleScript, {
      selector: '#fetch-all', doneSelector: '#row-count[data-complete="true"]', ...limits,
    });
    afterFetch = await page.evaluate(tableFacts);
  }

  // Re-sort by duration: done when another session heads the table and the DOM is quiet.
  const resort = await page.evaluate(settleScript, {
    selector: '#sessions-table th[data-sort-field="duration"] button', newFirstRow: true, ...limits,
  });
  const afterSort = await page.evaluate(tableFacts);

  const scroll = await page.evaluate(scrollScript, { steps: 20 });
  await context.close();
  if (problems.pageErrors.length) throw new Error(`viewer page errors: ${problems.pageErrors}`);

  const facts = afterFetch ?? afterFirstPage;
  const total = facts.loaded_rows ?? facts.match_count ?? SESSIONS;
  let mode;
  if (facts.rows_in_dom >= total) mode = 'all rows in the DOM';
  else if (facts.loaded_rows !== null && facts.row_height_px
    && facts.scroll_height_px >= 0.9 * total * facts.row_height_px) mode = 'virtualised';
  else mode = `paged: ${facts.rows_in_dom} of ${total} rows shown`;
  return {
    sessions: SESSIONS,
    mode,
    first_page: firstPage,
    after_first_page: afterFirstPage,
    fetch_all: fetchAll,
    after_fetch_all: afterFetch,
    resort,
    after_sort: afterSort,
    scroll,
  };
}

// Runs in the page: clicks the list's "Alerts of these sessions" link and
// returns the time from the click to the first alert row painted and to the
// frame after the page said it was done (every session's alerts fetched).
const alertsScript = async ({ timeoutMs }) => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
  let firstRow = null;
  const t0 = performance.now();
  const observer = new MutationObserver(() => {
    if (firstRow === null && document.querySelector('#alerts-table tr.alert-row')) {
      requestAnimationFrame(() => { firstRow ??= performance.now(); });
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
  document.querySelector('#alerts-link').click();
  let done = false;
  while (performance.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 20));
    if (document.querySelector('#alerts-status[data-phase="done"]')) { done = true; break; }
  }
  const all = await frame();
  observer.disconnect();
  const status = document.querySelector('#alerts-status');
  return {
    first_rows_ms: firstRow === null ? null : firstRow - t0,
    all_rows_ms: done ? all - t0 : null,
    alerts: Number(status?.dataset.alerts ?? 0),
    sessions: Number(status?.dataset.total ?? 0),
    shown: Number(document.querySelector('#alert-count')?.dataset.count ?? 0),
    rows_in_dom: document.querySelectorAll('#alerts-table tr.alert-row').length,
  };
};

/**
 * The alerts page for ALERT_SESSIONS × ALERTS_EACH alerts (10,000): time to the
 * first rows and to all rows from the list's link, then scrolling the list.
 */
async function alertsBench(browser) {
  const dir = mkdtempSync(join(tmpdir(), 'spsview-bench-alerts-'));
  const path = join(dir, 'alerts.ndjson');
  writeFileSync(path, alertsDataset({ sshSessions: ALERT_SESSIONS, otherSessions: 0, alertsPerSession: ALERTS_EACH }));
  const alertsSim = await startSimulator(['--data', path]);
  try {
    const { page, context, problems } = await newPage(browser);
    await login(page, alertsSim.baseUrl);
    await page.goto(`${alertsSim.baseUrl}/sessions?q=${encodeURIComponent('protocol:SSH')}&tz=utc`);
    await page.waitForSelector('#sessions-table tr.session-row', { timeout: 30_000 });
    await page.waitForSelector('#alerts-link');
    const load = await page.evaluate(alertsScript, { timeoutMs: 300_000 });
    await page.waitForSelector('#alerts-table tr.alert-row');
    const scroll = await page.evaluate(scrollScript, {
      steps: 20, table: '#alerts-table', rows: '#alerts-table tr.alert-row',
    });
    await context.close();
    if (problems.pageErrors.length) throw new Error(`alerts page errors: ${problems.pageErrors}`);
    return { expected_alerts: ALERT_SESSIONS * ALERTS_EACH, ...load, scroll };
  } finally {
    await alertsSim.stop();
  }
}

const b = await launchBrowser();
try { console.log(JSON.stringify(await alertsBench(b), null, 2)); } finally { await b.close(); }
