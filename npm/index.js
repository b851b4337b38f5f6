// spsview: the SPS audit API client, query builder and exporters of sps-core
// (Rust, compiled to WebAssembly), for Node 20+ and browsers/bundlers.
//
// This file is a thin wrapper: it loads the wasm, turns the raw bindings'
// errors into Error subclasses, wires AbortSignal to cancellation and turns
// callbacks into an async iterator. Models, query parsing, paging, retries and
// exports all live in Rust (crate-core/src/js.rs).
import initWasm, * as raw from './pkg/spsview_core.js';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

let loading = null;
let loaded = false;

/**
 * Loads the WebAssembly module. Called by every entry point, so calling it
 * yourself is only needed to choose where the .wasm comes from (a URL, a
 * Response, bytes or a compiled WebAssembly.Module).
 */
export function init(wasm) {
  if (!loading) {
    loading = (async () => {
      let source = wasm ?? new URL('./pkg/spsview_core_bg.wasm', import.meta.url);
      if (isNode && typeof source === 'string' && source.startsWith('file:')) source = new URL(source);
      if (isNode && source instanceof URL && source.protocol === 'file:') {
        // Node's fetch cannot read file: URLs. A variable specifier keeps
        // bundlers from trying to resolve a Node builtin for the browser.
        const fsModule = 'node:fs/promises';
        const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ fsModule);
        source = await readFile(source);
      }
      await initWasm({ module_or_path: source });
      loaded = true;
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}

function ready() {
  return loading ?? init();
}

/**
 * Any error of this package: the kind (`type`), HTTP status, and details;
 * `problem` says what was wrong with a reply that was not the documented JSON
 * (sps-core's classification: `html`, `empty`, `truncated`, `wrong-type`, ...).
 */
export class SpsError extends Error {
  constructor(message, {
    type, status, details, position, kind, kindName, isAuth, isNotFound, problem, partial, stats,
    delivered, expectedTotal, limit, size, location, cause,
  } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.type = type ?? kind ?? 'Error';
    this.kind = kind ?? 'Other';
    // sps-core's own answers (Error::kind_name, Error::is_auth), not decided again here.
    this.kindName = kindName ?? 'other';
    this.isAuth = isAuth === true;
    this.isNotFound = isNotFound === true;
    if (problem !== undefined) this.problem = problem;
    if (status !== undefined) this.status = status;
    if (details !== undefined) this.details = details;
    if (position !== undefined) this.position = position;
    if (partial !== undefined) this.partial = partial;
    if (stats !== undefined) this.stats = stats;
    if (delivered !== undefined) this.delivered = delivered;
    if (expectedTotal !== undefined) this.expectedTotal = expectedTotal;
    if (limit !== undefined) this.limit = limit;
    if (size !== undefined) this.size = size;
    if (location !== undefined) this.location = location;
  }
}
/** Login refused or expired: sps-core's `Error::is_auth` (HTTP 401, 403 from the appliance). */
export class SpsAuthError extends SpsError {}
/** A query that does not parse or check, or a bad search parameter. */
export class SpsQueryError extends SpsError {}
/** A reply that does not match the model. */
export class SpsDecodeError extends SpsError {}
/** HTTP 404: no such session (or endpoint). */
export class SpsNotFoundError extends SpsError {}
/**
 * The request did not complete: network down, connection dropped, no reply
 * within `timeoutMs` (`type` `Transport`; fetchAll retries these), a reply
 * over `maxReplyBytes` (`type` `ReplyTooLarge`, with `limit` and `size`), or a
 * redirect, never followed (`type` `Redirected`, with `status` and `location`).
 */
export class SpsNetworkError extends SpsError {}
/** Cancelled through an AbortSignal. */
export class SpsAbortError extends SpsError {}
/**
 * fetchAll ended with fewer sessions than the appliance counted: `delivered`,
 * `expectedTotal`, and the rows in `partial`. Never a silent success.
 */
export class SpsIncompleteError extends SpsError {}

// Names written out: minifiers rename classes.
for (const [Class, name] of [
  [SpsError, 'SpsError'], [SpsAuthError, 'SpsAuthError'], [SpsQueryError, 'SpsQueryError'],
  [SpsDecodeError, 'SpsDecodeError'], [SpsNotFoundError, 'SpsNotFoundError'],
  [SpsNetworkError, 'SpsNetworkError'], [SpsAbortError, 'SpsAbortError'],
  [SpsIncompleteError, 'SpsIncompleteError'],
]) {
  Object.defineProperty(Class.prototype, 'name', { value: name, writable: true, configurable: true });
}

const QUERY_KINDS = new Set(['QuerySyntax', 'QueryField', 'QueryInvalid', 'SearchParameter', 'Timestamp']);

/** Turns a raw binding error into the matching SpsError subclass. */
function wrapError(err) {
  if (err instanceof SpsError || !err || typeof err !== 'object' || !('spsKind' in err)) {
    return err;
  }
  const {
    spsKind: kind, kind: kindName, isAuth, isNotFound, type, status, details, position, problem,
    partial, stats, delivered, expectedTotal, limit, size, location,
  } = err;
  const fields = {
    kind, kindName, isAuth, isNotFound, type, status, details, position, problem, partial, stats,
    delivered, expectedTotal, limit, size, location,
  };
  let Class = SpsError;
  if (isAuth === true) Class = SpsAuthError;
  else if (kind === 'Api') {
    if (isNotFound === true) Class = SpsNotFoundError;
    else if (status === 400 && /query|invalid/i.test(type)) Class = SpsQueryError;
  } else if (QUERY_KINDS.has(kind)) Class = SpsQueryError;
  else if (kind === 'Decode') Class = SpsDecodeError;
  else if (kind === 'Transport' || kind === 'ReplyTooLarge' || kind === 'Redirected') Class = SpsNetworkError;
  else if (kind === 'Cancelled') Class = SpsAbortError;
  else if (kind === 'Incomplete') Class = SpsIncompleteError;
  return new Class(err.message, fields);
}

async function call(fn) {
  await ready();
  try {
    return await fn();
  } catch (err) {
    throw wrapError(err);
  }
}

function callSync(fn) {
  if (!loaded) throw new SpsError('spsview is not loaded yet: await init() first', { kind: 'Other' });
  try {
    return fn();
  } catch (err) {
    throw wrapError(err);
  }
}

/** A query argument as the raw bindings take it: q text or a plain object. */
function normaliseQuery(query) {
  if (query === undefined || query === null) return undefined;
  if (typeof query === 'string') return query;
  if (query instanceof raw.Query) return query.toString();
  if (typeof query === 'object') {
    const out = {};
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      if (value instanceof raw.Query) out[name] = value.toString();
      else if (value instanceof Date) out[name] = value.toISOString();
      else out[name] = value;
    }
    return out;
  }
  throw new TypeError(`a query is a string, a Query or an object, not ${typeof query}`);
}

/** Links an AbortSignal to a fresh cancel handle; returns [handle, unlink]. */
function cancelHandle(signal) {
  const handle = new raw.CancelHandle();
  if (!signal) return [handle, () => {}];
  if (signal.aborted) {
    handle.cancel();
    return [handle, () => {}];
  }
  const onAbort = () => handle.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  return [handle, () => signal.removeEventListener('abort', onAbort)];
}

/** Loopback hosts: plain `http://` to them never leaves the machine. */
function isLoopback(hostname) {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1'
    || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Checks a base URL: `https:`, or `http:` to a loopback host, or `http:` to
 * any host with `allowPlainHttp: true` (the login's password and cookie would
 * cross the network in clear). Throws TypeError otherwise.
 */
function checkBaseUrl(baseUrl, allowPlainHttp) {
  if (baseUrl === undefined || baseUrl === null || baseUrl === '') return;
  let url;
  try {
    url = new URL(String(baseUrl));
  } catch {
    throw new TypeError(`the base URL ${JSON.stringify(String(baseUrl))} is not a URL`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol !== 'http:') {
    throw new TypeError(`the base URL must be https:// (or http://), not ${url.protocol}`);
  }
  if (allowPlainHttp === true || isLoopback(url.hostname)) return;
  throw new TypeError(
    `refusing plain http:// to ${url.host}: the password and the login cookie would cross the `
    + 'network unencrypted. Use https://, or pass { allowPlainHttp: true } if you really mean it',
  );
}

/** The raw client for `baseUrl` with the transport options. */
function rawClient(baseUrl, { allowPlainHttp, timeoutMs, maxReplyBytes } = {}) {
  checkBaseUrl(baseUrl, allowPlainHttp);
  const transport = {};
  if (timeoutMs !== undefined) transport.timeoutMs = timeoutMs;
  if (maxReplyBytes !== undefined) transport.maxReplyBytes = maxReplyBytes;
  try {
    return new raw.RawClient(baseUrl || undefined, isNode, transport);
  } catch (err) {
    throw wrapError(err);
  }
}

/** A client of one appliance (or simulator), logged in. */
export class SpsClient {
  #raw;

  constructor(rawClient) {
    this.#raw = rawClient;
  }

  /**
   * Logs in and returns a client. `baseUrl` is the appliance's address
   * (`https://sps.example.com`); in a browser page served from the appliance's
   * origin it may be omitted. `http://` only to loopback hosts, or with
   * `allowPlainHttp: true`. `timeoutMs` (default 60,000) bounds each request;
   * `maxReplyBytes` (default 64 MiB) each reply.
   */
  static async login(baseUrl, { user, password, loginMethod, ...transport } = {}) {
    if (isNode && !baseUrl) throw new TypeError('in Node, SpsClient.login needs the appliance\'s base URL');
    await ready();
    const client = new SpsClient(rawClient(baseUrl, transport));
    await client.relogin({ user, password, loginMethod });
    return client;
  }

  /**
   * The login methods the appliance offers (works without logging in).
   * `options`: `allowPlainHttp`, `timeoutMs`, `maxReplyBytes` as for `login`.
   */
  static async loginMethods(baseUrl, options = {}) {
    await ready();
    const client = rawClient(baseUrl, options);
    return call(() => client.loginMethods());
  }

  /** Logs in again on this client (after a timeout). */
  async relogin({ user, password, loginMethod } = {}) {
    if (typeof user !== 'string' || typeof password !== 'string') {
      throw new TypeError('login needs { user, password } strings');
    }
    await call(() => this.#raw.login(user, password, loginMethod || undefined));
  }

  /** Seconds left before the login times out, as the appliance last said. */
  get remainingSeconds() {
    return this.#raw.remainingSeconds;
  }

  /** `/api/info`. */
  info() {
    return call(() => this.#raw.info());
  }

  /** One page of the sessions list (`limit` up to 500, `offset` up to 10,000). */
  page(query) {
    return call(() => this.#raw.page(normaliseQuery(query)));
  }

  /** How many sessions match. */
  count(query) {
    return call(() => this.#raw.count(normaliseQuery(query)));
  }

  /**
   * Top values of `field` with counts, each with the counts of `subField`'s
   * values among its sessions (`/api/audit/sessions/stats`): `{items, meta}`.
   */
  stats(field, query, { subField, size } = {}) {
    return call(() => this.#raw.stats(field, normaliseQuery(query), { subField, size }));
  }

  /**
   * Matching sessions per interval of `binSize` (`minute`, `hour`, `day`,
   * `week`, `month`, `year`) with `field`'s values in each
   * (`/api/audit/sessions/histogram`, SPS 6.0.4+): `{items, meta}`. An
   * appliance without it rejects with SpsNotFoundError (`isNotFound`).
   */
  histogram(field, binSize, query) {
    return call(() => this.#raw.histogram(field, binSize, normaliseQuery(query)));
  }

  /** Every matching session, each once; paging, retries and re-login handled. */
  async fetchAll(query, options = {}) {
    const { signal, ...rest } = options;
    await ready();
    // An already aborted signal cancels before anything is sent (SpsAbortError).
    const [handle, unlink] = cancelHandle(signal);
    try {
      return await call(() => this.#raw.fetchAll(normaliseQuery(query), rest, handle));
    } finally {
      unlink();
      handle.free();
    }
  }

  /**
   * Every matching session as an async iterator, page by page as they
   * arrive. Breaking out of the loop cancels the requests still running.
   */
  async *sessions(query, options = {}) {
    const { signal, ...rest } = options;
    await ready();
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal.reason);
    if (signal?.aborted) stop.abort(signal.reason);
    else signal?.addEventListener('abort', onAbort, { once: true });
    const batches = [];
    let finished = false;
    let failure = null;
    let wake = null;
    const notify = () => { if (wake) { wake(); wake = null; } };
    const run = this.fetchAll(query, {
      ...rest,
      signal: stop.signal,
      collect: false,
      onRows: (rows) => {
        batches.push(rows);
        rest.onRows?.(rows);
        notify();
      },
    }).then(
      () => { finished = true; notify(); },
      (err) => { failure = err; finished = true; notify(); },
    );
    try {
      for (;;) {
        while (batches.length > 0) {
          yield* batches.shift();
        }
        if (finished) {
          if (failure) throw failure;
          return;
        }
        await new Promise((resolve) => { wake = resolve; });
      }
    } finally {
      if (!finished) stop.abort();
      signal?.removeEventListener('abort', onAbort);
      await run;
    }
  }

  /** One full session: `{key, body, meta}`. */
  session(key) {
    return call(() => this.#raw.session(String(key)));
  }

  /** A session's channels. */
  channels(key) {
    return call(() => this.#raw.channels(String(key)));
  }

  /** A session's events, optionally filtered (`q` text, a Query, or `{q, limit, offset}`). */
  events(key, query) {
    return call(() => this.#raw.events(String(key), normaliseQuery(query)));
  }

  /** A session's alerts. */
  alerts(key) {
    return call(() => this.#raw.alerts(String(key)));
  }

  /** A session's indexing details. */
  indexing(key) {
    return call(() => this.#raw.indexing(String(key)));
  }

  /** A session's audit-trail downloads. */
  trailDownloads(key) {
    return call(() => this.#raw.trailDownloads(String(key)));
  }

  /** Every event of a session matching the query, page after page (`limit`/`offset` replaced). */
  allEvents(key, query) {
    return call(() => this.#raw.allEvents(String(key), normaliseQuery(query)));
  }

  /** Every alert of a session, page after page. */
  allAlerts(key) {
    return call(() => this.#raw.allAlerts(String(key)));
  }

  /** Every channel of a session, page after page. */
  allChannels(key) {
    return call(() => this.#raw.allChannels(String(key)));
  }

  /** Every indexing record of a session, page after page. */
  allIndexing(key) {
    return call(() => this.#raw.allIndexing(String(key)));
  }

  /** Every audit-trail download of a session, page after page. */
  allTrailDownloads(key) {
    return call(() => this.#raw.allTrailDownloads(String(key)));
  }

  /** Hits of a search in a session's recorded content. */
  contentSearch(key, q) {
    return call(() => this.#raw.contentSearch(String(key), String(q)));
  }

  /** Forgets the login (Node: drops the kept cookie). */
  logout() {
    this.#raw.forgetCookie();
  }
}

/** The `q` query builder: `Query.field('protocol').eq('ssh').and(...)`. */
export const Query = new Proxy(raw.Query, {
  get(target, name, receiver) {
    const value = Reflect.get(target, name, receiver);
    if (typeof value !== 'function' || !['field', 'text', 'parse'].includes(name)) return value;
    return (...args) => callSync(() => value.apply(target, args));
  },
});

/** Checks a sessions query without sending it (throws SpsQueryError). */
export async function checkQuery(query) {
  await ready();
  callSync(() => raw.checkQuery(normaliseQuery(query)));
}

/** The URL query string a sessions query sends (`q=protocol%3Assh&...`). */
export async function queryString(query) {
  await ready();
  return callSync(() => raw.queryString(normaliseQuery(query)));
}

/**
 * Session rows as CSV text (spreadsheet-safe unless `spsCompatible`).
 * `onWarning(message, report)` hears when `maxRowsPerSession` cut sessions short.
 */
export async function toCsv(rows, options) {
  const report = await toCsvReport(rows, options);
  if (report.warning) options?.onWarning?.(report.warning, report);
  return report.csv;
}

/**
 * Session rows as CSV, with what the export did: `{csv, sessions, rows, cut,
 * warning}` (`cut` and `warning` null unless `maxRowsPerSession` cut sessions short).
 */
export async function toCsvReport(rows, options) {
  await ready();
  // Functions (onWarning) are not options of the exporter.
  const { onWarning, ...rest } = options ?? {};
  return callSync(() => raw.rowsToCsvReport(JSON.stringify(rows), options ? rest : undefined));
}

/** Session rows as a JSON array text, one session per line. */
export async function toJson(rows) {
  await ready();
  return callSync(() => raw.rowsToJson(JSON.stringify(rows)));
}

/** Session rows as NDJSON text. */
export async function toNdjson(rows) {
  await ready();
  return callSync(() => raw.rowsToNdjson(JSON.stringify(rows)));
}

/** The raw bindings, for measurements and tests; not a stable API. */
export const internals = { raw, ready };
