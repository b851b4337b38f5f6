// Malformed replies through the built package (npm/pkg, from `cargo xtask
// npm`) in Node: HTML pages from a proxy or a login portal, empty bodies,
// binary garbage, JSON cut off (a complete reply, and a connection dropped
// mid-body), valid JSON of the wrong shape, and a value of 16 MB. Each one
// rejects with an SpsError subclass whose `problem` is sps-core's
// classification and whose message says what came; nothing else is thrown
// (no TypeError, no wasm trap), and the client keeps working afterwards.
//
// SpsClient sends no custom headers, so the faults are rules set on the
// simulator through its test control endpoint `/_sim/faults`.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, DEMO_USER } from '../../tests/e2e/harness.mjs';
import {
  init, SpsClient, SpsError, SpsDecodeError, SpsNetworkError, SpsAuthError, SpsNotFoundError,
} from '../index.js';

const MB = 1024 * 1024;
const LIST = '/api/audit/sessions';
let sim;
let sps;
let key;
// Anything that escapes the promises: an uncaught exception, an unhandled
// rejection (a wasm trap surfaces as one of these).
const escaped = [];
const onEscape = (err) => escaped.push(String(err?.stack ?? err));

before(async () => {
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
  sim = await startSimulator(['--sessions', '200', '--seed', '5']);
  await init();
  sps = await SpsClient.login(sim.baseUrl, DEMO_USER);
  key = (await sps.page({ limit: 1 })).items[0].key;
});

afterEach(async () => {
  await sim.clearFaults();
});

after(async () => {
  await sim?.stop();
  process.off('uncaughtException', onEscape);
  process.off('unhandledRejection', onEscape);
});

/**
 * The malformed kinds, what each must reject with: the class, `kind`,
 * `problem`, HTTP status (error statuses only) and a message pattern.
 */
const CASES = [
  { fault: 'html', Class: SpsError, kind: 'Api', problem: 'html', status: 502, message: /^HTTP 502: the appliance answered with an HTML page \(text\/html/ },
  { fault: 'html=200', Class: SpsDecodeError, kind: 'Decode', problem: 'html', message: /not JSON: it starts with `<!DOCTYPE html>`/ },
  { fault: 'empty', Class: SpsDecodeError, kind: 'Decode', problem: 'empty', message: /the reply is empty/ },
  { fault: 'empty=503', Class: SpsError, kind: 'Api', problem: 'empty', status: 503, message: /^HTTP 503: the appliance answered with an empty body/ },
  { fault: 'garbage', Class: SpsDecodeError, kind: 'Decode', problem: 'not-json', message: /not JSON: it starts with `\\u\{1f\}/ },
  { fault: 'cut', Class: SpsDecodeError, kind: 'Decode', problem: 'truncated', message: /truncated JSON/ },
  { fault: 'truncate', Class: SpsNetworkError, kind: 'Transport', problem: 'truncated', message: /cut off/ },
  { fault: 'wrongtype', Class: SpsDecodeError, kind: 'Decode', problem: 'wrong-type', message: /invalid type/ },
];

/** Asserts that `promise` rejects as `expected` says; returns the error. */
async function rejectsAs(promise, expected, where) {
  let caught;
  await assert.rejects(promise, (err) => {
    caught = err;
    return true;
  });
  const label = `${expected.fault} on ${where}: ${caught?.stack ?? caught}`;
  assert.ok(caught instanceof expected.Class, label);
  assert.ok(caught instanceof SpsError, label);
  // 5xx pages are not SPS's login or not-found errors.
  assert.ok(!(caught instanceof SpsAuthError) && !(caught instanceof SpsNotFoundError), label);
  assert.equal(caught.constructor, expected.Class, label);
  assert.equal(caught.kind, expected.kind, label);
  assert.equal(caught.problem, expected.problem, label);
  assert.equal(caught.status, expected.status, label);
  if (expected.status) assert.equal(caught.type, `HTTP ${expected.status}`, label);
  assert.match(caught.message, expected.message, label);
  assert.ok(caught.message.length < 800, `${label}: a short message (${caught.message.length})`);
  return caught;
}

test('each malformed reply to a sessions page rejects with its problem', async () => {
  for (const expected of CASES) {
    await sim.setFault(expected.fault, LIST);
    const err = await rejectsAs(
      sps.page({ fields: ['protocol', 'user.gateway_username'], limit: 5 }),
      expected,
      'page()',
    );
    if (expected.fault === 'wrongtype') {
      // The path of the offending value and what was expected.
      assert.match(err.message, /session list at `items`/);
      assert.match(err.message, /expected a sequence/);
    }
    await sim.clearFaults();
  }
  // Still working: the wasm instance is intact.
  const page = await sps.page({ limit: 3 });
  assert.equal(page.items.length, 3);
  assert.deepEqual(escaped, []);
});

test('each malformed reply to a session rejects with its problem', async () => {
  for (const expected of CASES) {
    await sim.setFault(expected.fault, `${LIST}/${key}`);
    const err = await rejectsAs(sps.session(key), expected, 'session()');
    if (expected.fault === 'wrongtype') {
      assert.match(err.message, /session at `body\.duration`/);
      assert.match(err.message, /string "many", expected i64/);
    }
    await sim.clearFaults();
  }
  assert.equal((await sps.session(key)).key, key);
  assert.deepEqual(escaped, []);
});

test('sub-lists too: events, channels, alerts', async () => {
  for (const [name, call] of [
    ['events', () => sps.events(key)],
    ['channels', () => sps.channels(key)],
    ['alerts', () => sps.alerts(key)],
  ]) {
    await sim.setFault('html=200', `${LIST}/${key}/${name}`);
    await rejectsAs(call(), CASES[1], `${name}()`);
    await sim.setFault('wrongtype', `${LIST}/${key}/${name}`);
    // The first rule (html=200) and the second both apply: the last named wins.
    await rejectsAs(call(), CASES.at(-1), `${name}()`);
    await sim.clearFaults();
  }
  assert.deepEqual(escaped, []);
});

test('a value of 16 MB decodes whole', async () => {
  await sim.setFault('huge=16', LIST);
  const page = await sps.page({ fields: ['protocol', 'user.gateway_username'], limit: 5 });
  const name = page.items[0].body['user.gateway_username'];
  assert.equal(name.length, 16 * MB);
  assert.ok(name.startsWith(`huge-${16 * MB}-bytes:`));
  assert.ok(page.items[1].body['user.gateway_username'].length < 10_000, 'only the first row');

  await sim.setFault('huge=16', `${LIST}/${key}`);
  const session = await sps.session(key);
  assert.equal(session.body.user.gateway_username.length, 16 * MB);
  assert.deepEqual(escaped, []);
});

test('fetchAll: a passing proxy error page is retried, a malformed page stops it with the rows so far', async () => {
  // One 502 HTML page: retried (5xx), then the fetch completes.
  await sim.setFault('html', LIST, 1);
  const result = await sps.fetchAll({ fields: ['protocol'] }, { pageSize: 50 });
  assert.equal(result.items.length, 200);
  assert.ok(result.stats.retries >= 1, `retries: ${result.stats.retries}`);

  // JSON of the wrong shape on every page: not worth retrying.
  await sim.setFault('wrongtype', LIST);
  await assert.rejects(
    sps.fetchAll({ fields: ['protocol'] }, { pageSize: 50, inFlight: 1 }),
    (err) => {
      assert.ok(err instanceof SpsDecodeError, String(err));
      assert.equal(err.problem, 'wrong-type');
      assert.ok(Array.isArray(err.partial), 'the rows fetched before');
      return true;
    },
  );
  assert.deepEqual(escaped, []);
});
