// The browser half of `cargo xtask bench`: sps-core compiled to wasm (crate-bench)
// timed next to the browser's own JSON.parse, on the same bytes, in the same page
// and the same run, so the ratio does not depend on the machine.
import init, { decode_page, decode_page_typed, prepare_sessions, csv_export } from './wasm/sps_bench.js';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function log(text) {
  document.getElementById('log').textContent += `${text}\n`;
}

// Visits every key and value, as decoding into models does, and returns a
// number that depends on all of them so the engine cannot skip the walk.
function walk(value) {
  if (Array.isArray(value)) {
    let n = 0;
    for (const item of value) n += walk(item);
    return n;
  }
  if (value !== null && typeof value === 'object') {
    let n = 0;
    for (const key in value) n += key.length + walk(value[key]);
    return n;
  }
  return typeof value === 'string' ? value.length : 1;
}

const decoder = new TextDecoder();
const jsDecode = (bytes) => walk(JSON.parse(decoder.decode(bytes)));

async function login(user, password) {
  const reply = await fetch('/api/authentication', {
    headers: { Authorization: `Basic ${btoa(`${user}:${password}`)}` },
  });
  if (!reply.ok) throw new Error(`login failed: ${reply.status}`);
}

/** One real page from the simulator: 500 sessions with full bodies. */
async function fetchPage() {
  const reply = await fetch('/api/audit/sessions?fields=*&limit=500');
  if (!reply.ok) throw new Error(`page fetch failed: ${reply.status}`);
  return new Uint8Array(await reply.arrayBuffer());
}

/**
 * Times each function `iterations` times, taking turns (a, b, c, a, b, c, ...)
 * so that drift (GC, other load on the machine) hits all of them alike.
 */
function sideBySide(fns, iterations) {
  const times = Object.fromEntries(Object.keys(fns).map((name) => [name, []]));
  for (let i = 0; i < iterations; i += 1) {
    for (const [name, fn] of Object.entries(fns)) {
      const t0 = performance.now();
      fn();
      times[name].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, ts]) => [name, median(ts)]));
}

/** Runs every browser measure and returns the figures. */
export async function run({ user = 'admin', password = 'admin', iterations = 100, csvSessions = 100000, csvRuns = 5 } = {}) {
  await init();
  await login(user, password);
  const bytes = await fetchPage();
  const sessions = JSON.parse(decoder.decode(bytes)).items.length;
  log(`page: ${bytes.length} bytes, ${sessions} sessions`);

  const fns = {
    wasm_rows: () => decode_page(bytes),
    wasm_typed: () => decode_page_typed(bytes),
    js_parse_walk: () => jsDecode(bytes),
  };
  sideBySide(fns, 5); // warm-up: JIT tiers, wasm compilation, allocator growth
  const decode = sideBySide(fns, iterations);
  log(`decode medians (ms): ${JSON.stringify(decode)}`);

  // Building the sessions is setup, as in the native bench: only the export is timed.
  prepare_sessions(csvSessions);
  const csvBytes = csv_export(csvSessions); // warm-up
  const csvTimes = [];
  for (let i = 0; i < csvRuns; i += 1) {
    const t0 = performance.now();
    csv_export(csvSessions);
    csvTimes.push(performance.now() - t0);
  }
  const csvMs = median(csvTimes);
  log(`csv: ${csvBytes} bytes in ${csvMs.toFixed(1)} ms`);

  return {
    page: { bytes: bytes.length, sessions },
    decode_ms: decode,
    iterations,
    csv: { sessions: csvSessions, bytes: csvBytes, median_ms: csvMs, runs: csvRuns },
    user_agent: navigator.userAgent,
  };
}
