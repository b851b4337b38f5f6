// The transport's bounds through the built package (npm/pkg, from `cargo
// xtask npm`) in Node: a per-request timeout that fetchAll retries, a
// maximum reply size (by Content-Length, and while reading a chunked body),
// redirects never followed (not to another origin, not at all), and plain
// http:// only to loopback or with `allowPlainHttp`.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startSimulator, DEMO_USER } from '../../tests/e2e/harness.mjs';
import { init, SpsClient, SpsNetworkError, toCsv, toCsvReport } from '../index.js';

let sim;
const servers = [];

/** A tiny HTTP server on `host`; resolves to its origin. */
function serve(host, handler) {
  return new Promise((resolve, reject) => {
    const server = createServer(handler);
    server.on('error', reject);
    server.listen(0, host, () => {
      servers.push(server);
      resolve(`http://${host}:${server.address().port}`);
    });
  });
}

before(async () => {
  sim = await startSimulator(['--sessions', '300', '--seed', '3']);
  await init();
});

afterEach(async () => {
  await sim.clearFaults();
});

after(async () => {
  await sim?.stop();
  for (const server of servers) server.close();
});

test('a hung request times out as a retriable network error; fetchAll retries it', async () => {
  const sps = await SpsClient.login(sim.baseUrl, { ...DEMO_USER, timeoutMs: 400 });
  // One reply held back past the timeout: a single page gives up…
  await sim.setFault('latency=3000', '/api/audit/sessions', 1);
  const started = Date.now();
  await assert.rejects(sps.page({ limit: 5 }), (err) => {
    assert.ok(err instanceof SpsNetworkError, String(err));
    assert.equal(err.kind, 'Transport');
    assert.match(err.message, /timed out/);
    return true;
  });
  assert.ok(Date.now() - started < 2500, 'the timeout, not the latency, ended the request');
  // …and fetchAll asks again and gets everything.
  await sim.setFault('latency=3000', '/api/audit/sessions', 1);
  const fetched = await sps.fetchAll(undefined, { pageSize: 100, inFlight: 1, backoffInitialMs: 10 });
  assert.equal(fetched.items.length, 300);
  assert.ok(fetched.stats.retries >= 1, `retries: ${fetched.stats.retries}`);
});

test('a reply over maxReplyBytes is refused: by Content-Length, and while reading', async () => {
  const sps = await SpsClient.login(sim.baseUrl, { ...DEMO_USER, maxReplyBytes: 4096 });
  await assert.rejects(sps.page({ limit: 200 }), (err) => {
    assert.ok(err instanceof SpsNetworkError, String(err));
    assert.equal(err.kind, 'ReplyTooLarge');
    assert.equal(err.limit, 4096);
    assert.ok(err.size > 4096, `size ${err.size}`);
    assert.match(err.message, /larger than the 4096 bytes accepted/);
    return true;
  });
  // Small replies still come through on the same client.
  assert.equal((await sps.page({ limit: 1 })).items.length, 1);

  // A chunked reply says no length: the limit holds while reading.
  let sent = 0;
  const chunked = await serve('127.0.0.1', (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => {
      sent += 1024;
      if (!res.write(`${'x'.repeat(1023)}\n`) && sent > 1 << 20) clearInterval(timer);
      if (sent > 1 << 20) { clearInterval(timer); res.end(); }
    }, 1);
    res.on('close', () => clearInterval(timer));
  });
  await assert.rejects(SpsClient.loginMethods(chunked, { maxReplyBytes: 8192 }), (err) => {
    assert.ok(err instanceof SpsNetworkError, String(err));
    assert.equal(err.kind, 'ReplyTooLarge');
    assert.equal(err.size, undefined);
    return true;
  });
  assert.ok(sent < 1 << 20, `the reader stopped early (${sent} bytes sent)`);
});

test('redirects are never followed, across origins or not', async () => {
  let elsewhere = 0;
  // Another origin (another loopback address and port) that must never be asked.
  const other = await serve('127.0.0.2', (req, res) => {
    elsewhere += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('[]');
  });
  const redirecting = await serve('127.0.0.1', (req, res) => {
    const to = req.url.includes('same') ? `/elsewhere${req.url}` : `${other}${req.url}`;
    res.writeHead(302, { location: to });
    res.end();
  });
  await assert.rejects(SpsClient.loginMethods(redirecting), (err) => {
    assert.ok(err instanceof SpsNetworkError, String(err));
    assert.equal(err.kind, 'Redirected');
    assert.equal(err.status, 302);
    assert.ok(err.location.startsWith(other), err.location);
    assert.match(err.message, /redirects are not followed/);
    return true;
  });
  await assert.rejects(
    SpsClient.login(redirecting, { user: 'admin', password: 'admin' }),
    (err) => err instanceof SpsNetworkError && err.kind === 'Redirected',
  );
  assert.equal(elsewhere, 0, 'the other origin was never asked');
});

test('plain http:// only to loopback hosts, or with allowPlainHttp', async () => {
  // Refused before anything is sent.
  for (const url of ['http://sps.example.com', 'http://10.1.2.3:8443', 'http://127.evil.example']) {
    await assert.rejects(SpsClient.login(url, DEMO_USER), (err) => {
      assert.ok(err instanceof TypeError, String(err));
      assert.match(err.message, /allowPlainHttp/);
      return true;
    });
    await assert.rejects(SpsClient.loginMethods(url), TypeError);
  }
  await assert.rejects(SpsClient.login('ftp://sps.example.com', DEMO_USER), /must be https/);
  await assert.rejects(SpsClient.login('not a url', DEMO_USER), /is not a URL/);
  // Allowed explicitly: the request goes out (and fails on the network, as
  // `.invalid` never resolves).
  await assert.rejects(
    SpsClient.loginMethods('http://sps.invalid', { allowPlainHttp: true, timeoutMs: 5000 }),
    (err) => err instanceof SpsNetworkError && err.kind === 'Transport',
  );
  // Loopback needs no option: 127.0.0.0/8 and localhost.
  const port = new URL(sim.baseUrl).port;
  for (const host of ['127.0.0.1', 'localhost']) {
    const methods = await SpsClient.loginMethods(`http://${host}:${port}`);
    assert.ok(methods.length > 0);
  }
  const sps = await SpsClient.login(`http://localhost:${port}`, DEMO_USER);
  assert.equal((await sps.page({ limit: 1 })).items.length, 1);
});

test('toCsv caps multi-valued expansion per session and reports it', async () => {
  const tags = Array.from({ length: 60 }, (_, i) => `t${i}`);
  const users = Array.from({ length: 20 }, (_, i) => `u${i}`);
  const rows = [
    { key: 'big', body: { 'analytics.tags': tags, 'user.server_username': users } },
    { key: 'small', body: { 'analytics.tags': ['=1+1'], 'user.server_username': '\u3000=2+2' } },
  ];
  const report = await toCsvReport(rows, { lineEnd: 'lf' });
  assert.equal(report.sessions, 2);
  assert.equal(report.rows, 1001);
  assert.deepEqual(report.cut, { sessions: 1, rowsDropped: 200, limit: 1000 });
  assert.match(report.warning, /1 session had more than 1000 rows.*200 rows left out/);
  // The same guard as the native exporter: whitespace before a trigger too.
  assert.ok(report.csv.endsWith('"small","\'=1+1","\'\u3000=2+2"\n'), report.csv.slice(-80));

  const warnings = [];
  const csv = await toCsv(rows, { maxRowsPerSession: 10, onWarning: (m, r) => warnings.push([m, r.cut]) });
  assert.equal(csv.trimEnd().split('\n').length, 1 + 10 + 1);
  assert.equal(warnings.length, 1);
  assert.deepEqual(warnings[0][1], { sessions: 1, rowsDropped: 1190, limit: 10 });
  const all = await toCsvReport(rows, { maxRowsPerSession: null });
  assert.equal(all.rows, 1201);
  assert.equal(all.cut, null);
  assert.equal(all.warning, null);
  await assert.rejects(toCsv(rows, { maxRowsPerSession: 0 }), /maxRowsPerSession/);
});
