// Types of the npm package `spsview`. The data shapes (sessions, rows,
// channels, events, alerts, envelopes, timestamps) are generated from
// crate-core's models into ./model.d.ts (`cargo test -p sps-core --features ts
// --test ts_types`); this file keeps the wrapper's classes and functions,
// written by hand from npm/index.js and the bindings (crate-core/src/js/).
// Field names are the API's own (snake_case); options of this package are camelCase.

// ---------------------------------------------------------------------------
// Models (generated: ./model.d.ts)
// ---------------------------------------------------------------------------

import type {
  JsonValue, Single, Collection, SessionRow as GeneratedSessionRow, SparseBody, Session, Channel,
  Event, Alert, ContentHit, Indexing, TrailDownload, InfoBody, StatsReply, HistogramReply,
} from './model.js';

export type {
  JsonValue, Timestamp, TimeOrText, StrOrInt, Verdict, Protocol, Origin, IndexStatus, ChannelType,
  ChannelVerdict, EventType, Link, SingleMeta, CollectionMeta, Single, Collection, ApiError,
  InfoBody, CountReply, SnapshotBody, StatsBucket, StatsMeta, StatsItem, StatsReply,
  HistogramMeta, HistogramInterval, HistogramReply, Endpoint, User, AlgorithmScore, ScoreDetails,
  Score, Analytics, Archive, AuditTrailDetails, AuditTrail, Recording, Log, VaultUser, VaultAction,
  Vault, Session, SparseBody, Channel, Event, Alert, RecordRange, ContentHit, Toggle,
  BufferedToggle, ScreenIndexing, IndexingConfig, IndexingStatistics, IndexingVersion, Indexing,
  TrailDownload,
} from './model.js';

/** The interval units of {@link SpsClient.histogram} (sps-core's `HistogramBin`). */
export type HistogramBinSize = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** Options of {@link SpsClient.stats}. */
export interface StatsOptions {
  /** Count this field's values among the sessions of each top value (SPS considers one). */
  subField?: string;
  /** How many top values at most. */
  size?: number;
}

/** One page of a collection (sps-core's `Collection`). */
export type Page<T> = Collection<T>;

/**
 * An item of the sessions list: `key`, `meta`, and a `body` when `fields` was
 * given (a {@link SparseBody}: the field names exactly as requested; with
 * `fields=*` a whole {@link Session}).
 */
export type SessionRow<Body = SparseBody> = Omit<GeneratedSessionRow, 'body'> & { body?: Body };

/** One full session: `{key, body, meta}`. */
export type SessionItem = Single<Session>;

/** A channel list item: `{key, body, meta}`. */
export type ChannelItem = Single<Channel>;

/** A login method the appliance offers. */
export interface LoginMethod {
  /** The value for `loginMethod`. */
  name: string;
  /** `local`, `ldap`, ... when told. */
  kind: string | null;
  /** A label for people. */
  label: string;
}

/** `/api/info`. */
export type Info = Single<InfoBody>;

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

/** A value of a condition: taken literally, whatever characters it holds. */
export type Literal = string | number | boolean;

/** A `q` query, built with {@link Query.field} or parsed with {@link Query.parse}. */
export declare class Query {
  private constructor();
  /** Starts a condition on a field (canonical name or alias, e.g. `protocol`, `name`). */
  static field(name: string): FieldBuilder;
  /** A bare literal term without a field (content searches, event content). */
  static text(value: Literal): Query;
  /** Parses `q` text (syntax only); throws {@link SpsQueryError} with the position. */
  static parse(text: string): Query;
  /** `this AND other`. */
  and(other: Query): Query;
  /** `this OR other`. */
  or(other: Query): Query;
  /** `this AND NOT other`. */
  andNot(other: Query): Query;
  /** `NOT this`. */
  not(): Query;
  /** The `q` text, e.g. `protocol:ssh AND verdict:accept`. */
  toString(): string;
  /** The same as {@link Query.toString}. */
  toJSON(): string;
  /** Frees the wasm memory now instead of at garbage collection. */
  free(): void;
}

/** A condition on one field, waiting for its value. */
export declare class FieldBuilder {
  private constructor();
  /** `field:value`, the value taken literally (escaped or quoted as needed). */
  eq(value: Literal): Query;
  /** `field:"value"`, always quoted. */
  phrase(value: Literal): Query;
  /** `field:pattern` with `*` and `?` as wildcards. */
  wildcard(pattern: string): Query;
  /** `field:*`: the field has a value. */
  exists(): Query;
  /** `field:[lo TO hi]`, both ends included; `null`, `undefined` or `'*'` for an open end. */
  range(lo: Literal | null | undefined, hi: Literal | null | undefined): Query;
  /** `field:(a b c)`: any of the values. */
  anyOf(values: Literal[]): Query;
  free(): void;
}

/** A sessions field name (canonical or alias), or `*` for every field. */
export type FieldName = string;

/** A time for `start`/`end`: ISO 8601 text (a date alone means that day, UTC), UNIX seconds, or a Date. */
export type TimeInput = string | number | Date;

/** The parameters of a sessions search. */
export interface SessionQuery {
  /** The filter: `q` text or a built {@link Query}. */
  q?: string | Query;
  /** A content search (Lucene syntax; must not start with `*`). */
  content?: string;
  /** The fields to return: names, or comma-separated text; `*` for all. */
  fields?: FieldName[] | string;
  /** Sort keys, `-` for descending: `['-start_time']` or `'-start_time,duration'`. */
  sort?: string[] | string;
  /** Sessions that started at or after this. */
  start?: TimeInput;
  /** Sessions that ended at or before this (active sessions never match). */
  end?: TimeInput;
  /** Page size for {@link SpsClient.page} (1 to 500). */
  limit?: number;
  /** Offset for {@link SpsClient.page} (up to 10,000). */
  offset?: number;
}

/** A sessions query: `q` text, a built {@link Query}, or all parameters. */
export type SessionQueryInput = string | Query | SessionQuery | undefined | null;

/** An events query: `q` text (e.g. `type:command`), a {@link Query}, or with paging. */
export type EventQueryInput = string | Query | { q?: string | Query; limit?: number; offset?: number } | undefined | null;

// ---------------------------------------------------------------------------
// Fetching everything
// ---------------------------------------------------------------------------

/** How {@link SpsClient.fetchAll} walks the results. */
export type PagingMode = 'offset' | 'followLinks' | 'snapshot' | 'timeSlices';

/** Where a fetch stands. */
export interface Progress {
  /** Rows delivered so far. */
  fetched: number;
  /** How many the search matches, once known exactly. */
  expected: number | null;
  /** At least this many match, when only that is known (`match_count` at the 10,000 cap, no `_count`). */
  lowerBound: number | null;
  /** The strategy, once decided. */
  mode: PagingMode | null;
}

/** Counters of a fetch. */
export interface FetchStats {
  requests: number;
  retries: number;
  relogins: number;
  snapshotReopens: number;
  duplicates: number;
}

/** Options of {@link SpsClient.fetchAll} and {@link SpsClient.sessions}. */
export interface FetchAllOptions {
  /** Cancels the fetch: requests in flight are aborted. */
  signal?: AbortSignal;
  /** Called as rows arrive. */
  onProgress?: (progress: Progress) => void;
  /** Called with each batch of new rows, in order, each key once. */
  onRows?: (rows: SessionRow[]) => void;
  /**
   * The appliance answered 401 mid-fetch: log in again (e.g. `client.relogin(...)`)
   * and resolve to true to resume from the failed page, or false to stop.
   */
  onRelogin?: () => boolean | Promise<boolean>;
  /** The login will time out in `remainingSeconds`. */
  onSessionExpiring?: (remainingSeconds: number) => void;
  /** Requests in flight at once (default 4). */
  inFlight?: number;
  /** Rows per page, 1 to 500 (default 500). */
  pageSize?: number;
  /** Retries of one request after 5xx, 429 or network failure (default 5). */
  maxRetries?: number;
  /** First back-off delay in ms, doubled per retry (default 250). */
  backoffInitialMs?: number;
  /** Longest back-off delay in ms (default 8000). */
  backoffMaxMs?: number;
  /** Warn through `onSessionExpiring` under this many seconds left (default 60). */
  expiryWarningSeconds?: number;
  /** Re-logins in a row without progress (default 3). */
  maxRelogins?: number;
  /** Times an expired snapshot is reopened (default 3). */
  maxSnapshotReopens?: number;
  /** Snapshot use past 10,000 results (default `auto`). */
  snapshots?: 'auto' | 'never' | 'always';
  /** False: `items` of the result stays empty (the rows went to `onRows`). Default true. */
  collect?: boolean;
  /**
   * Fewer sessions than the appliance counted: false (default) rejects with
   * {@link SpsIncompleteError}; true resolves with `complete: false`.
   */
  allowIncomplete?: boolean;
}

/**
 * How the total of a fetch is known: a page's `match_count` below the cap,
 * `_count`, the sum of the time windows' counts, only a lower bound
 * (`match_count` at the cap on an appliance without `_count`), or not at all.
 */
export type TotalSource = 'match_count' | '_count' | 'window_counts' | 'lower_bound' | 'unknown';

/** The result of {@link SpsClient.fetchAll}. */
export interface Fetched {
  /** Every matching session, each once, in result order. */
  items: SessionRow[];
  mode: PagingMode;
  /** The exact number of matching sessions, when known (see `totalSource`). */
  expectedTotal: number | null;
  /** Delivered reaches the exact total (or the lower bound when only that is known). */
  complete: boolean;
  /** At least this many match, when only that is known. */
  lowerBound: number | null;
  /** How the total is known. */
  totalSource: TotalSource;
  /** Sessions delivered, each key once. */
  delivered: number;
  /** False only for time slices under a sort on another field than `start_time`. */
  inGlobalOrder: boolean;
  stats: FetchStats;
}

/** How a client talks to the appliance. */
export interface TransportOptions {
  /**
   * Allow a plain `http://` base URL to a host that is not loopback. Default
   * false: such a URL throws a TypeError, since the password and the login
   * cookie would cross the network unencrypted. Loopback hosts (`localhost`,
   * `*.localhost`, `127.0.0.0/8`, `[::1]`) are always allowed: that traffic
   * never leaves the machine.
   */
  allowPlainHttp?: boolean;
  /**
   * The most one request may take, headers and body, in milliseconds. Default
   * 60,000. A request that takes longer is aborted and fails as an
   * {@link SpsNetworkError} (`type` `Transport`), which fetchAll retries.
   */
  timeoutMs?: number;
  /**
   * The largest reply read, in bytes. Default 67,108,864 (64 MiB). A larger
   * one fails as an {@link SpsNetworkError} with `type` `ReplyTooLarge`
   * (checked against `Content-Length` first, then while reading); not retried.
   */
  maxReplyBytes?: number;
}

/** Credentials for {@link SpsClient.login}, and the transport options. */
export interface Credentials extends TransportOptions {
  user: string;
  password: string;
  /** A login method's `name` (see {@link SpsClient.loginMethods}). */
  loginMethod?: string;
}

/** A logged-in client of one appliance (or simulator). */
export declare class SpsClient {
  private constructor();
  /**
   * Logs in (HTTP Basic) and returns a client. `baseUrl`: the appliance's
   * address; in a browser page served from its origin it may be omitted.
   * In Node the client keeps the login cookie itself. `https://`, or
   * `http://` only to loopback or with `allowPlainHttp`. Redirects are never
   * followed (they reject with `type` `Redirected`).
   */
  static login(baseUrl: string | undefined, credentials: Credentials): Promise<SpsClient>;
  /** The login methods the appliance offers (no login needed). */
  static loginMethods(baseUrl?: string, options?: TransportOptions): Promise<LoginMethod[]>;
  /** Logs in again on this client (after a timeout). */
  relogin(credentials: Credentials): Promise<void>;
  /** Seconds left before the login times out, as last told. */
  readonly remainingSeconds: number | undefined;
  /** `/api/info`. */
  info(): Promise<Info>;
  /** One page of the sessions list. */
  page(query?: SessionQueryInput): Promise<Page<SessionRow>>;
  /** How many sessions match. */
  count(query?: SessionQueryInput): Promise<number>;
  /**
   * Top values of `field` with counts (`/api/audit/sessions/stats`), each
   * with the counts of `subField`'s values among its sessions; `meta.others`
   * is the count left out of the top `size`.
   */
  stats(field: string, query?: SessionQueryInput, options?: StatsOptions): Promise<StatsReply>;
  /**
   * Matching sessions per interval (`/api/audit/sessions/histogram`, SPS
   * 6.0.4+) with `field`'s values in each. Rejects with
   * {@link SpsNotFoundError} (`isNotFound`) on an appliance without it.
   */
  histogram(field: string, binSize: HistogramBinSize, query?: SessionQueryInput): Promise<HistogramReply>;
  /**
   * Every matching session, each once, past the 10,000-result cap (snapshots
   * or time slices), several pages in flight, with retries and re-login.
   * Rejects with {@link SpsError} whose `partial` holds the rows fetched before.
   */
  fetchAll(query?: SessionQueryInput, options?: FetchAllOptions): Promise<Fetched>;
  /** Every matching session as an async iterator; leaving the loop cancels the rest. */
  sessions(query?: SessionQueryInput, options?: Omit<FetchAllOptions, 'collect'>): AsyncGenerator<SessionRow, void, undefined>;
  /** One full session. */
  session(key: string): Promise<SessionItem>;
  /** A session's channels. */
  channels(key: string): Promise<ChannelItem[]>;
  /** A session's events (one page), optionally filtered. */
  events(key: string, query?: EventQueryInput): Promise<Event[]>;
  /** A session's alerts. */
  alerts(key: string): Promise<Alert[]>;
  /** A session's indexing details. */
  indexing(key: string): Promise<Indexing[]>;
  /** A session's audit-trail downloads. */
  trailDownloads(key: string): Promise<TrailDownload[]>;
  /** Every event of a session matching the query, page after page (its `limit`/`offset` are replaced). */
  allEvents(key: string, query?: EventQueryInput): Promise<Event[]>;
  /** Every alert of a session, page after page. */
  allAlerts(key: string): Promise<Alert[]>;
  /** Every channel of a session, page after page. */
  allChannels(key: string): Promise<ChannelItem[]>;
  /** Every indexing record of a session, page after page. */
  allIndexing(key: string): Promise<Indexing[]>;
  /** Every audit-trail download of a session, page after page. */
  allTrailDownloads(key: string): Promise<TrailDownload[]>;
  /** A search in a session's recorded content (Lucene syntax). */
  contentSearch(key: string, q: string): Promise<ContentHit[]>;
  /** Forgets the login (Node: drops the kept cookie). */
  logout(): void;
}

/** Checks a sessions query without sending it; rejects with {@link SpsQueryError}. */
export declare function checkQuery(query: SessionQueryInput): Promise<void>;
/** The URL query string a sessions query sends (`fields=protocol&q=protocol%3Assh`). */
export declare function queryString(query: SessionQueryInput): Promise<string>;

// ---------------------------------------------------------------------------
// Exports
// ---------------------------------------------------------------------------

/** A session to export: a list row, or a full session item. */
export type ExportRow = SessionRow<SparseBody | Session> | SessionItem;

/** Options of {@link toCsv}. */
export interface CsvOptions {
  /**
   * Columns after `Key` (sessions field names; `*` for all). Default: the
   * first row's body fields (a `fields` selection), else every field.
   */
  fields?: FieldName[] | string;
  /** What SPS writes for `format=csv`: values as sent, no formula guard. Default false. */
  spsCompatible?: boolean;
  /** Prefix cells a spreadsheet would run as a formula with `'`. Default true. */
  formulaGuard?: boolean;
  /** Quote every cell. Default true. */
  quoteAll?: boolean;
  /** Default `crlf`. */
  lineEnd?: 'crlf' | 'lf';
  /** Several values: one row each (`expand`, as SPS) or joined with `;`. Default `expand`. */
  multiValue?: 'expand' | 'join';
  /** Timestamps: `utc` (default), `local`, `asSent`, or an offset like `+02:00`. */
  time?: 'utc' | 'local' | 'asSent' | `${'+' | '-'}${string}`;
  /** Scheme and host of `trail_download_link`. Default `https://127.0.0.1`. */
  publicBase?: string;
  /** Start with a UTF-8 byte order mark. Default false. */
  bom?: boolean;
  /**
   * With `multiValue: 'expand'`, the most rows one session may give (the
   * product of its multi-valued fields); the rest are left out and reported
   * (`onWarning`, {@link toCsvReport}). Default 1,000; `null` for no limit
   * (the default with `spsCompatible`, as SPS).
   */
  maxRowsPerSession?: number | null;
  /** Called when `maxRowsPerSession` cut sessions short (only by {@link toCsv}). */
  onWarning?: (message: string, report: CsvReport) => void;
}

/** What a CSV export did. */
export interface CsvReport {
  /** The CSV text. */
  csv: string;
  /** Sessions written. */
  sessions: number;
  /** Data rows written (more than sessions when values are expanded). */
  rows: number;
  /** Sessions `maxRowsPerSession` cut short, or null. */
  cut: { sessions: number; rowsDropped: number; limit: number } | null;
  /** The warning for a person, or null. */
  warning: string | null;
}

/**
 * Sessions as CSV text: header `Key` then the fields' titles. Cells a
 * spreadsheet could run as a formula (`=`, `+`, `-`, `@`, tab, carriage
 * return first, also after leading white space or invisible characters, and
 * their full-width forms) get a `'` prefix; plain numbers stay as they are.
 */
export declare function toCsv(rows: readonly ExportRow[], options?: CsvOptions): Promise<string>;
/** As {@link toCsv}, with what the export did (rows, sessions cut short). */
export declare function toCsvReport(rows: readonly ExportRow[], options?: CsvOptions): Promise<CsvReport>;
/** Sessions as a JSON array text (`{key, body, meta}` per line). */
export declare function toJson(rows: readonly ExportRow[]): Promise<string>;
/** Sessions as NDJSON text. */
export declare function toNdjson(rows: readonly ExportRow[]): Promise<string>;

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** What went wrong, as crate-core's `ErrorKind` names it. */
export type ErrorKind =
  | 'Api' | 'Decode' | 'Timestamp' | 'QuerySyntax' | 'QueryField' | 'QueryInvalid'
  | 'SearchParameter' | 'Export' | 'Transport' | 'ReplyTooLarge' | 'Redirected'
  | 'Cancelled' | 'SliceTooDense' | 'Incomplete' | 'Paging' | 'Other';

/** sps-core's `Error::kind_name`: a stable lower-case name of the kind. */
export type KindName =
  | 'api' | 'network' | 'unreadable' | 'cancelled' | 'timestamp' | 'query-syntax'
  | 'query-field' | 'query-invalid' | 'search-parameter' | 'export' | 'reply-too-large'
  | 'redirected' | 'slice-too-dense' | 'incomplete' | 'paging' | 'other';

/**
 * What was wrong with a reply that was not the JSON the API documents, as
 * sps-core classifies it: no body, an HTML page (a proxy's error page, a
 * login portal), other non-JSON bytes, JSON cut off (or a connection that
 * dropped mid-body), broken JSON, JSON of the wrong shape.
 */
export type ReplyProblem =
  | 'empty' | 'html' | 'not-json' | 'truncated' | 'invalid-json' | 'wrong-type';

/** Any error of this package. */
export declare class SpsError extends Error {
  /** SPS's error type for API errors (`AuthenticationFailure`, `NotFound`, `InvalidQuery`...), else the kind. */
  readonly type: string;
  /** The kind of error. */
  readonly kind: ErrorKind;
  /** sps-core's stable lower-case name of the kind (`Error::kind_name`). */
  readonly kindName: KindName;
  /**
   * Whether logging in again is the answer, as sps-core decides it
   * (`Error::is_auth`): a 401 or 403 in SPS's own error envelope. True exactly
   * for {@link SpsAuthError}.
   */
  readonly isAuth: boolean;
  /**
   * Whether the session or the endpoint is absent, as sps-core decides it
   * (`Error::is_not_found`): any HTTP 404. True exactly for
   * {@link SpsNotFoundError}.
   */
  readonly isNotFound: boolean;
  /** HTTP status, for API errors. */
  readonly status?: number;
  /**
   * Set when a reply was not the documented JSON: on an {@link SpsDecodeError},
   * on an error status without SPS's error envelope (`kind` `Api`, `type`
   * `HTTP <status>`), on an {@link SpsNetworkError} whose body was cut off.
   */
  readonly problem?: ReplyProblem;
  /** SPS's `details`, as sent. */
  readonly details?: JsonValue;
  /** 1-based column of a query error (the message ends with `at <position>`). */
  readonly position?: number;
  /** For a failed or cancelled {@link SpsClient.fetchAll}: the rows fetched before. */
  readonly partial?: SessionRow[];
  /** For a failed or cancelled {@link SpsClient.fetchAll}: its counters. */
  readonly stats?: FetchStats;
  /** For `ReplyTooLarge`: the most bytes accepted. */
  readonly limit?: number;
  /** For `ReplyTooLarge`: the reply's size, when `Content-Length` said it. */
  readonly size?: number;
  /** For `Redirected`: where the redirect pointed (Node only; browsers hide it). */
  readonly location?: string;
}
/** Login refused or expired: sps-core's `is_auth` (HTTP 401 or 403 from the appliance). */
export declare class SpsAuthError extends SpsError {}
/** A query that does not parse or check, or a bad search parameter or option. */
export declare class SpsQueryError extends SpsError {}
/** A reply (or input) that does not match the model. */
export declare class SpsDecodeError extends SpsError {}
/** HTTP 404: no such session or endpoint. */
export declare class SpsNotFoundError extends SpsError {}
/**
 * The request did not complete: network down, connection dropped, timed out
 * (`type` `Transport`), a reply over `maxReplyBytes` (`ReplyTooLarge`), or a
 * redirect, which is never followed (`Redirected`).
 */
export declare class SpsNetworkError extends SpsError {}
/** Cancelled through an AbortSignal. */
export declare class SpsAbortError extends SpsError {}
/** fetchAll ended with fewer sessions than the appliance counted. */
export declare class SpsIncompleteError extends SpsError {
  /** Sessions delivered (they are in `partial`). */
  readonly delivered: number;
  /** What the appliance counted. */
  readonly expectedTotal: number;
}

// ---------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------

/** Where the .wasm comes from: a URL, a fetch Response, bytes, or a compiled module. */
export type WasmSource = URL | string | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the WebAssembly module (every async entry point does it; needed
 * before the synchronous {@link Query} builder, or to choose the .wasm's location).
 */
export declare function init(wasm?: WasmSource | Promise<Response>): Promise<void>;

/** The raw bindings; not a stable API. */
export declare const internals: { readonly raw: unknown; ready(): Promise<void> };
