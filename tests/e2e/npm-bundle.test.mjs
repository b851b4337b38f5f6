// The npm package `spsview` bundled by esbuild into a small web app
// (tests/bundler/), served by the simulator on the API's origin and run in
// headless Chromium: login, listing sessions, the query builder, CSV, errors.
// Needs npm/pkg (`cargo xtask npm`; `cargo xtask test` builds it first).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildBundle } from '../bundler/build.mjs';

let sim;
let browser;
let built;
let harness;

before(async () => {
  built = await buildBundle(join('target', 'npm-bundle'));
  // The harness serves SPS_DIST next to the API: point it at the bundle (this
  // file runs in its own process, so the other tests keep the viewer).
  process.env.SPS_DIST = built.outdir;
  harness = await import('./harness.mjs');
  sim = await harness.startSimulator(['--sessions', '300', '--seed', '4']);
  browser = await harness.launchBrowser();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

test('the bundle has no Node builtins and stays small', () => {
  const inputs = Object.keys(built.metafile.inputs);
  assert.ok(inputs.some((path) => path.includes('spsview_core.js')), 'the wasm-bindgen glue is bundled');
  assert.ok(!inputs.some((path) => path.startsWith('node:')), 'no node: module in a browser bundle');
  assert.ok(built.bundleBytes < 100_000, `bundle is ${built.bundleBytes} bytes`);
});

test('the bundled app logs in to the simulator and lists sessions', async () => {
  const { page, problems, context } = await harness.newPage(browser);
  await page.goto(`${sim.baseUrl}/index.html`);
  await page.fill('#password', 'admin');
  await page.click('#submit');
  await page.waitForFunction(() => document.querySelector('#status').textContent !== 'loading'
    && document.querySelector('#status').textContent !== 'idle', null, { timeout: 30_000 });
  assert.equal(await page.locator('#error').innerText(), '');
  assert.equal(await page.locator('#status').innerText(), 'done: 50 sessions');
  assert.equal(await page.locator('#built').innerText(), 'protocol:ssh AND verdict:accept');

  // The rows are the simulator's own first page, in order. (CSV columns
  // follow the sparse body, whose keys SPS sorts alphabetically.)
  const apiPage = await page.evaluate(async () => {
    const reply = await fetch('/api/audit/sessions?limit=50', { credentials: 'same-origin' });
    return reply.json();
  });
  const shown = await page.locator('#sessions tr.session-row').evaluateAll((trs) => trs.map((tr) => tr.dataset.key));
  assert.deepEqual(shown, apiPage.items.map((item) => item.key));
  assert.match(await page.locator('#csv').innerText(), /^"Key","Protocol","Start time","Gateway username"/);

  await harness.screenshot(page, 'npm-bundle-sessions');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.consoleErrors.filter((e) => !/401/.test(e)), []);
  await context.close();
});

test('a filter and a wrong password in the bundled app', async () => {
  const { page, context } = await harness.newPage(browser);
  await page.goto(`${sim.baseUrl}/index.html`);
  await page.fill('#password', 'admin');
  await page.fill('#query', 'protocol:rdp');
  await page.click('#submit');
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('done'), null, { timeout: 30_000 });
  const protocols = await page.locator('#sessions tr.session-row td:nth-child(2)').allInnerTexts();
  assert.ok(protocols.length > 0);
  assert.ok(protocols.every((p) => p.toLowerCase() === 'rdp'));

  await page.fill('#query', 'protocol:(rdp');
  await page.click('#submit');
  await page.waitForFunction(() => document.querySelector('#status').textContent === 'failed', null, { timeout: 30_000 });
  assert.match(await page.locator('#error').innerText(), /^SpsQueryError QuerySyntax/);

  await page.fill('#password', 'wrong');
  await page.fill('#query', '');
  await page.click('#submit');
  await page.waitForFunction(() => document.querySelector('#status').textContent === 'failed', null, { timeout: 30_000 });
  assert.match(await page.locator('#error').innerText(), /^SpsAuthError AuthenticationFailure 401/);
  await harness.screenshot(page, 'npm-bundle-login-error');
  await context.close();
});
