// The built package (npm/pkg, from `cargo xtask npm`) in Node 20, against the
// simulator: login, paging, filters, errors, exports, cancellation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, DEMO_USER } from '../../tests/e2e/harness.mjs';
import {
  init, SpsClient, Query, toCsv, toJson, toNdjson, checkQuery, queryString,
  SpsError, SpsAuthError, SpsQueryError, SpsNotFoundError, SpsAbortError,
} from '../index.js';

const TOTAL = 1200;
let sim;
let sps;

before(async () => {
  sim = await startSimulator(['--sessions', String(TOTAL), '--seed', '11']);
  await init();
  sps = await SpsClient.login(sim.baseUrl, DEMO_USER);
});

after(async () => {
  await sim?.stop();
});

/** The simulator's own pages, fetched without the package. */
async function directKeys(query = '') {
  const auth = await fetch(`${sim.baseUrl}/api/authentication`, {
    headers: { Authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
  });
  assert.equal(auth.status, 200);
  const cookie = auth.headers.get('set-cookie').split(';')[0];
  const keys = [];
  for (let offset = 0; ; offset += 500) {
    const reply = await fetch(
      `${sim.baseUrl}/api/audit/sessions?limit=500&offset=${offset}${query}`,
      { headers: { Cookie: cookie } },
    );
    assert.equal(reply.status, 200);
    const page = await reply.json();
    keys.push(...page.items.map((item) => item.key));
    if (page.items.length < 500) return keys;
  }
}

test('login with the demo user; a wrong password is an SpsAuthError 401', async () => {
  assert.ok(sps instanceof SpsClient);
  assert.ok(sps.remainingSeconds === undefined || sps.remainingSeconds > 0);
  const methods = await SpsClient.loginMethods(sim.baseUrl);
  assert.ok(Array.isArray(methods) && methods.length > 0);
  assert.equal(typeof methods[0].name, 'string');
  await assert.rejects(SpsClient.login(undefined, DEMO_USER), TypeError);

  await assert.rejects(
    SpsClient.login(sim.baseUrl, { user: 'admin', password: 'wrong' }),
    (err) => {
      assert.ok(err instanceof SpsAuthError);
      assert.ok(err instanceof SpsError);
      assert.ok(err instanceof Error);
      assert.equal(err.name, 'SpsAuthError');
      assert.equal(err.type, 'AuthenticationFailure');
      assert.equal(err.status, 401);
      assert.match(err.message, /AuthenticationFailure/);
      return true;
    },
  );
});

test('sessions() pages through all 1,200 sessions, each key exactly once', async () => {
  const keys = [];
  for await (const row of sps.sessions()) {
    assert.equal(typeof row.key, 'string');
    keys.push(row.key);
  }
  assert.equal(keys.length, TOTAL);
  assert.equal(new Set(keys).size, TOTAL);
  // The same keys in the same order as the simulator's own pages.
  assert.deepEqual(keys, await directKeys());
});

test('fetchAll() with small pages, several in flight, and progress', async () => {
  const progress = [];
  const result = await sps.fetchAll({ fields: ['protocol', 'start_time'] }, {
    pageSize: 100,
    inFlight: 3,
    onProgress: (p) => progress.push(p),
  });
  assert.equal(result.items.length, TOTAL);
  assert.equal(new Set(result.items.map((r) => r.key)).size, TOTAL);
  assert.equal(result.mode, 'offset');
  assert.equal(result.expectedTotal, TOTAL);
  assert.equal(result.stats.duplicates, 0);
  assert.ok(result.stats.requests >= 12);
  assert.ok(progress.length > 1);
  assert.equal(progress.at(-1).fetched, TOTAL);
  assert.ok(result.items.every((r) => 'protocol' in r.body && 'start_time' in r.body));
});

test('a filtered query: every row has protocol ssh', async () => {
  const built = Query.field('protocol').eq('ssh');
  assert.equal(built.toString(), 'protocol:ssh');
  const rows = [];
  for await (const row of sps.sessions({ q: built, fields: 'protocol' })) rows.push(row);
  assert.ok(rows.length > 0 && rows.length < TOTAL);
  for (const row of rows) assert.equal(row.body.protocol.toLowerCase(), 'ssh');
  assert.equal(await sps.count('protocol:ssh'), rows.length);
  assert.deepEqual(rows.map((r) => r.key), await directKeys('&q=protocol%3Assh'));

  const both = Query.field('protocol').eq('ssh').and(Query.field('verdict').eq('accept'))
    .andNot(Query.field('name').wildcard('adm*'));
  assert.equal(String(both), 'protocol:ssh AND verdict:accept AND NOT name:adm*');
  assert.equal(Query.field('user.gateway_username').eq('a b:c').toString(),
    'user.gateway_username:"a b:c"');
  assert.equal(await queryString({ q: built, fields: ['protocol'] }), 'fields=protocol&q=protocol%3Assh');
});

test('errors: syntax and unknown fields are SpsQueryError, an unknown key SpsNotFoundError', async () => {
  await assert.rejects(sps.page('protocol:(ssh'), (err) => {
    assert.ok(err instanceof SpsQueryError);
    assert.equal(err.type, 'QuerySyntax');
    assert.equal(typeof err.position, 'number');
    assert.match(err.message, new RegExp(`at ${err.position}$`));
    return true;
  });
  await assert.rejects(checkQuery('protocl:ssh'), (err) => {
    assert.ok(err instanceof SpsQueryError);
    assert.equal(err.type, 'QueryField');
    assert.match(err.message, /did you mean `protocol`/);
    return true;
  });
  assert.throws(() => Query.parse('a:(b'), SpsQueryError);
  await assert.rejects(sps.session('NoSuchSessionKey000000'), (err) => {
    assert.ok(err instanceof SpsNotFoundError);
    assert.equal(err.status, 404);
    assert.equal(err.type, 'NotFound');
    return true;
  });
});

test('stats with a sub field and the histogram count what _count counts', async () => {
  const stats = await sps.stats('protocol', { q: 'active:false' }, { subField: 'verdict', size: 3 });
  assert.ok(stats.items.length > 0 && stats.items.length <= 3);
  assert.deepEqual(stats.meta.sub_fields, ['verdict']);
  const matched = await sps.count({ q: 'active:false' });
  assert.equal(stats.meta.match_count, matched);
  const shown = stats.items.reduce((sum, item) => sum + item.count, 0);
  assert.equal(shown + stats.meta.others, matched);
  for (const item of stats.items) {
    const q = `active:false AND protocol:"${item.value}"`;
    assert.equal(item.count, await sps.count({ q }));
    assert.ok(item.sub_fields.verdict.length <= 3);
  }

  const histogram = await sps.histogram('protocol', 'week', { q: 'active:false' });
  assert.equal(histogram.meta.bin_size, 'week');
  assert.equal(histogram.items.reduce((sum, bin) => sum + bin.count, 0), matched);
  for (const [a, b] of histogram.items.slice(0, -1).map((bin, i) => [bin, histogram.items[i + 1]])) {
    assert.equal(a.end, b.start);
  }
  await assert.rejects(sps.histogram('protocol', 'fortnight'), (err) => {
    assert.ok(err instanceof SpsQueryError);
    assert.equal(err.type, 'SearchParameter');
    assert.equal(err.isNotFound, false);
    return true;
  });
  await assert.rejects(sps.histogram('nonsense', 'hour'), (err) => {
    assert.equal(err.status, 400);
    assert.equal(err.isNotFound, false);
    return true;
  });
  await assert.rejects(sps.session('NoSuchSessionKey000000'), (err) => {
    assert.ok(err instanceof SpsNotFoundError);
    assert.equal(err.isNotFound, true);
    return true;
  });
});

test('an appliance without the histogram (6.0) rejects with SpsNotFoundError', async () => {
  const old = await startSimulator(['--sessions', '30', '--compat', '6.0']);
  try {
    const client = await SpsClient.login(old.baseUrl, DEMO_USER);
    await assert.rejects(client.histogram('protocol', 'hour'), (err) => {
      assert.ok(err instanceof SpsNotFoundError);
      assert.equal(err.isNotFound, true);
      assert.equal(err.status, 404);
      return true;
    });
    const stats = await client.stats('protocol', undefined, { subField: 'verdict' });
    assert.ok(stats.items.length > 0);
  } finally {
    await old.stop();
  }
});

test('one session and its details', async () => {
  const [first] = (await sps.page({ limit: 1 })).items;
  const session = await sps.session(first.key);
  assert.equal(session.key, first.key);
  assert.equal(typeof session.body.protocol, 'string');
  const channels = await sps.channels(first.key);
  assert.ok(Array.isArray(channels));
  for (const channel of channels) assert.equal(typeof channel.body, 'object');
  assert.ok(Array.isArray(await sps.events(first.key)));
  assert.ok(Array.isArray(await sps.events(first.key, { q: 'type:command', limit: 10 })));
  assert.ok(Array.isArray(await sps.alerts(first.key)));
  assert.ok(Array.isArray(await sps.contentSearch(first.key, 'ls')));
});

test('CSV export: the Key header, formula cells neutralised; JSON and NDJSON', async () => {
  const page = await sps.page({ fields: ['protocol', 'user.gateway_username'], limit: 20 });
  const csv = await toCsv(page.items);
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(lines[0], '"Key","Protocol","Gateway username"');
  assert.equal(lines.length, 21);

  const hostile = [{ key: 'k1', body: { protocol: 'SSH', 'user.gateway_username': "=cmd|' /C calc'!A0" } }];
  const safe = await toCsv(hostile);
  assert.match(safe, /"'=cmd\|' \/C calc'!A0"/);
  const raw = await toCsv(hostile, { spsCompatible: true });
  assert.match(raw, /"=cmd\|' \/C calc'!A0"/);
  const lf = await toCsv(hostile, { fields: ['protocol'], lineEnd: 'lf', quoteAll: false });
  assert.equal(lf, 'Key,Protocol\nk1,SSH\n');
  await assert.rejects(toCsv(hostile, { fields: ['nope'] }), SpsQueryError);

  const json = JSON.parse(await toJson(page.items));
  assert.deepEqual(json.map((s) => s.key), page.items.map((r) => r.key));
  const ndjson = (await toNdjson(page.items)).trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(ndjson.length, 20);
});

test('an AbortSignal cancels fetchAll and sessions()', async () => {
  const controller = new AbortController();
  await assert.rejects(
    sps.fetchAll(undefined, {
      pageSize: 50,
      inFlight: 1,
      signal: controller.signal,
      onRows: () => controller.abort(),
    }),
    (err) => {
      assert.ok(err instanceof SpsAbortError);
      assert.equal(err.type, 'Cancelled');
      assert.ok(err.partial.length > 0 && err.partial.length < TOTAL);
      return true;
    },
  );

  const aborted = AbortSignal.abort();
  await assert.rejects(sps.fetchAll(undefined, { signal: aborted }), (err) => {
    assert.ok(err instanceof SpsAbortError);
    assert.deepEqual(err.partial, []);
    return true;
  });

  // Leaving a for-await loop early stops the fetch.
  let seen = 0;
  for await (const _row of sps.sessions(undefined, { pageSize: 100, inFlight: 1 })) {
    if (++seen === 150) break;
  }
  assert.equal(seen, 150);

  const controller2 = new AbortController();
  const rows = [];
  await assert.rejects(async () => {
    for await (const row of sps.sessions(undefined, { pageSize: 100, inFlight: 1, signal: controller2.signal })) {
      rows.push(row);
      if (rows.length === 100) controller2.abort();
    }
  }, SpsAbortError);
  assert.ok(rows.length >= 100 && rows.length < TOTAL);
});
