// fetchAll past the 10,000 cap of a real appliance's match_count, against the
// default simulator (SPS 7.x/8.x shapes: match_count stops at 10,000, _count
// is exact). The bug this guards against: 12,000 matching sessions came back
// as 10,000 rows, mode "offset", expectedTotal 10000, and no error.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, DEMO_USER } from '../../tests/e2e/harness.mjs';
import { init, SpsClient, SpsIncompleteError, SpsError } from '../index.js';

const sims = [];
after(async () => {
  await Promise.all(sims.map((s) => s.stop()));
});

async function simulator(total, extra = []) {
  const sim = await startSimulator(['--sessions', String(total), '--seed', '5', ...extra]);
  sims.push(sim);
  await init();
  const sps = await SpsClient.login(sim.baseUrl, DEMO_USER);
  return { sim, sps };
}

const FIELDS = { fields: ['start_time'] };

function assertEveryKeyOnce(result, total, what) {
  const keys = result.items.map((row) => row.key);
  assert.equal(keys.length, total, `${what}: rows`);
  assert.equal(new Set(keys).size, total, `${what}: each key once`);
  assert.equal(result.complete, true, `${what}: complete`);
  assert.equal(result.expectedTotal, total, `${what}: expectedTotal`);
  assert.equal(result.delivered, total, `${what}: delivered`);
  return keys;
}

for (const total of [12_000, 25_000]) {
  test(`${total} sessions: every policy delivers all, checked against _count`, async () => {
    const { sim, sps } = await simulator(total);
    const page = await sps.page({ limit: 1 });
    assert.equal(page.meta.match_count, 10_000, 'the simulator caps match_count as SPS 7.x does');
    assert.equal(await sps.count(), total);

    let reference;
    for (const snapshots of ['auto', 'never', 'always']) {
      const result = await sps.fetchAll(FIELDS, { snapshots });
      const keys = assertEveryKeyOnce(result, total, snapshots);
      assert.equal(result.totalSource, '_count');
      assert.equal(result.lowerBound, null);
      assert.equal(result.mode, snapshots === 'never' ? 'timeSlices' : 'snapshot');
      const sorted = [...keys].sort();
      if (reference) assert.deepEqual(sorted, reference, `${snapshots}: the same sessions`);
      reference = sorted;
    }

    // An appliance without snapshots: time slices.
    await sim.setFault('status=404', '/api/audit/sessions/_snapshot');
    try {
      const result = await sps.fetchAll(FIELDS, { snapshots: 'auto' });
      assertEveryKeyOnce(result, total, '_snapshot 404');
      assert.equal(result.mode, 'timeSlices');
      assert.deepEqual(result.items.map((r) => r.key).sort(), reference);
    } finally {
      await sim.clearFaults();
    }
  });
}

test('without _count, the cap is a lower bound: still every session', async () => {
  const total = 25_000;
  const { sim, sps } = await simulator(total);
  await sim.setFault('status=404', '/api/audit/sessions/_count');
  try {
    const progress = [];
    const walked = await sps.fetchAll(FIELDS, { onProgress: (p) => progress.push(p) });
    assert.equal(walked.mode, 'snapshot');
    assert.equal(walked.totalSource, 'lower_bound');
    assert.equal(walked.lowerBound, 10_000);
    assert.equal(walked.expectedTotal, null);
    assert.equal(walked.complete, true);
    assert.equal(new Set(walked.items.map((r) => r.key)).size, total);
    assert.ok(progress.some((p) => p.lowerBound === 10_000), 'progress says "at least"');

    await sim.setFault('status=404', '/api/audit/sessions/_snapshot');
    const sliced = await sps.fetchAll(FIELDS);
    assert.equal(sliced.mode, 'timeSlices');
    assert.equal(sliced.totalSource, 'window_counts');
    assertEveryKeyOnce(sliced, total, 'no _count, no snapshot');
  } finally {
    await sim.clearFaults();
  }
});

test('past the cap through cookie expiry and 429s', async () => {
  const total = 25_000;
  const { sim, sps } = await simulator(total, ['--expire-after', '15', '--snapshot-429-every', '5']);
  let relogins = 0;
  const onRelogin = async () => {
    relogins += 1;
    await sps.relogin(DEMO_USER);
    return true;
  };
  const walked = await sps.fetchAll(FIELDS, { onRelogin, backoffInitialMs: 5, backoffMaxMs: 50 });
  assertEveryKeyOnce(walked, total, 'snapshot, expiry and 429');
  assert.ok(relogins >= 2, `relogins: ${relogins}`);
  assert.ok(walked.stats.retries >= 2, `retries: ${walked.stats.retries}`);

  await sim.setFault('status=404', '/api/audit/sessions/_snapshot');
  try {
    const sliced = await sps.fetchAll(FIELDS, { onRelogin });
    assertEveryKeyOnce(sliced, total, 'slices, expiry');
    assert.equal(sliced.mode, 'timeSlices');
  } finally {
    await sim.clearFaults();
  }
});

test('a _count that disagrees with what arrives rejects with SpsIncompleteError', async () => {
  const total = 12_000;
  const { sim, sps } = await simulator(total);
  await sim.setFault('miscount=7', '/api/audit/sessions/_count');
  try {
    await assert.rejects(sps.fetchAll(FIELDS), (err) => {
      assert.ok(err instanceof SpsIncompleteError, String(err));
      assert.ok(err instanceof SpsError);
      assert.equal(err.name, 'SpsIncompleteError');
      assert.equal(err.kind, 'Incomplete');
      assert.equal(err.delivered, total);
      assert.equal(err.expectedTotal, total + 7);
      assert.match(err.message, /7 missing/);
      assert.equal(err.partial.length, total, 'the rows are kept');
      return true;
    });
    const kept = await sps.fetchAll(FIELDS, { allowIncomplete: true });
    assert.equal(kept.complete, false);
    assert.equal(kept.delivered, total);
    assert.equal(kept.expectedTotal, total + 7);
  } finally {
    await sim.clearFaults();
  }
});
