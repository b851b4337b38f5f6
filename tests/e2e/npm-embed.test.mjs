// spsview/viewer: the viewer embedded in a host page on another origin, with
// <sps-viewer> and mountViewer(), isolated in a shadow root. The host page has
// hostile CSS; the viewer (served by the simulator with the API) must still
// show, log in and list sessions, and must not restyle the host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { startSimulator, launchBrowser, newPage, screenshot, DEMO_USER } from './harness.mjs';

let sim;
let browser;
let host;
let hostUrl;

function hostPage(simUrl) {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>host page</title>
<style>
  * { font-family: serif !important; box-sizing: content-box !important; }
  iframe { display: none !important; }
  div, sps-viewer { border: 3px solid rgb(200, 0, 0); }
  p.host { color: rgb(1, 2, 3); font-size: 13px; }
</style></head>
<body>
  <p class="host" id="host-text">The host page's own text.</p>
  <sps-viewer id="embedded" base-url="${simUrl}" query="protocol:ssh" style="height: 640px"></sps-viewer>
  <div id="programmatic" style="height: 480px"></div>
  <script type="module">
    import { mountViewer } from '/viewer.js';
    window.viewerHandle = mountViewer(document.getElementById('programmatic'),
      { baseUrl: '${simUrl}', initialQuery: 'protocol:rdp' });
  </script>
</body></html>`;
}

before(async () => {
  sim = await startSimulator(['--sessions', '300', '--seed', '9']);
  browser = await launchBrowser();
  const viewerJs = readFileSync(new URL('../../npm/viewer.js', import.meta.url));
  host = createServer((req, res) => {
    if (req.url === '/viewer.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(viewerJs);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(hostPage(sim.baseUrl));
    }
  });
  await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${host.address().port}/`;
});

after(async () => {
  await browser?.close();
  await sim?.stop();
  await new Promise((resolve) => (host ? host.close(resolve) : resolve()));
});

test('<sps-viewer> and mountViewer show the viewer despite the host CSS, without restyling the host', async () => {
  const { page, problems, context } = await newPage(browser, { width: 1400, height: 1300 });
  await page.goto(hostUrl);
  // Playwright's CSS selectors pierce open shadow roots.
  const frameElement = page.locator('#embedded iframe');
  await frameElement.waitFor({ state: 'visible', timeout: 30_000 });
  const box = await frameElement.boundingBox();
  assert.ok(box && box.height >= 600, `iframe is shown (${JSON.stringify(box)})`);
  assert.match(await frameElement.getAttribute('src'), /\/sessions\?q=protocol%3Assh$/);
  assert.match(await page.locator('#programmatic iframe').getAttribute('src'), /q=protocol%3Ardp$/);

  const hostStyle = await page.locator('#host-text').evaluate((p) => {
    const s = getComputedStyle(p);
    return { color: s.color, fontSize: s.fontSize, fontFamily: s.fontFamily };
  });
  assert.deepEqual(hostStyle, { color: 'rgb(1, 2, 3)', fontSize: '13px', fontFamily: 'serif' });

  // Log in inside the embedded viewer; it lists the sessions of its query.
  // Not logged in yet, the viewer asks for a login: its login page, or the
  // login dialog over the sessions page (either is fine here).
  const frame = page.frameLocator('#embedded iframe');
  const form = frame.locator('#login-user, #relogin-user').first();
  await form.waitFor({ timeout: 30_000 });
  const prefix = (await form.getAttribute('id')).startsWith('relogin') ? 'relogin' : 'login';
  await frame.locator(`#${prefix}-user`).fill(DEMO_USER.user);
  await frame.locator(`#${prefix}-password`).fill(DEMO_USER.password);
  await frame.locator(`#${prefix}-submit`).click();
  await frame.locator('#sessions-table tr.session-row').first().waitFor({ timeout: 30_000 });
  // The viewer opened the embed's query: every row is an SSH session.
  const rows = await frame.locator('#sessions-table tr.session-row').allInnerTexts();
  assert.ok(rows.length > 0);
  assert.ok(rows.every((text) => /\bSSH\b/.test(text)), 'only SSH sessions');
  const viewerFont = await frame.locator('body').evaluate((b) => getComputedStyle(b).fontFamily);
  assert.notEqual(viewerFont, 'serif', "the host's CSS does not reach the viewer");

  await screenshot(page, 'npm-embed-host-page');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});
