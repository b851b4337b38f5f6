// How a 500-session page (full bodies, `fields=*`) best crosses from Rust to
// JavaScript: objects built by serde-wasm-bindgen, or JSON text from
// serde_json parsed by JSON.parse; and the cost of the CSV export as one string.
// Run: SPS_NPM_FEATURES=js-bench cargo xtask npm && node npm/bench/boundary.mjs
// (the measuring entry point is left out of the normal package; the script
// starts the simulator). Rebuild with plain `cargo xtask npm` afterwards.
import { startSimulator } from '../../tests/e2e/harness.mjs';
import { init, internals, toCsv } from '../index.js';

const ROUNDS = 30;
const sim = await startSimulator(['--sessions', '2000', '--seed', '5']);
try {
  await init();
  if (typeof internals.raw.benchDecodePage !== 'function') {
    throw new Error('npm/pkg was built without js-bench: SPS_NPM_FEATURES=js-bench cargo xtask npm');
  }
  const auth = await fetch(`${sim.baseUrl}/api/authentication`, {
    headers: { Authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
  });
  const cookie = auth.headers.get('set-cookie').split(';')[0];
  const reply = await fetch(`${sim.baseUrl}/api/audit/sessions?limit=500&fields=*`, { headers: { Cookie: cookie } });
  const body = new Uint8Array(await reply.arrayBuffer());
  console.log(`page: 500 sessions, ${body.length} bytes of JSON`);

  const time = (label, fn) => {
    for (let i = 0; i < 5; i++) fn();
    const samples = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      fn();
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)];
    console.log(`${label.padEnd(58)} median ${median.toFixed(2)} ms`);
    return median;
  };
  const text = new TextDecoder().decode(body);
  time('JSON.parse of the raw reply alone (baseline)', () => JSON.parse(text));
  const objects = time('decode in Rust + serde-wasm-bindgen objects', () => internals.raw.benchDecodePage(body, 'objects'));
  const json = time('decode in Rust + serde_json text + JSON.parse', () => internals.raw.benchDecodePage(body, 'json'));
  const rows = internals.raw.benchDecodePage(body, 'json').items;
  time('toCsv of the 500 rows (JSON.stringify in, one string out)', () => internals.raw.rowsToCsv(JSON.stringify(rows), { fields: ['*'] }));
  console.log(`JSON text is ${(objects / json).toFixed(2)}x the speed of serde-wasm-bindgen objects`);
  void toCsv;
} finally {
  await sim.stop();
}
