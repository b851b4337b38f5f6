// Compiled with `tsc --noEmit` by ../types.test.mjs: the declarations of
// `spsview` describe real shapes (no `any`), and misuse does not compile.
import {
  init, SpsClient, Query, toCsv, toCsvReport, SpsError, SpsAuthError, SpsQueryError,
  SpsNetworkError, type CsvReport, type Session, type SessionRow, type Channel, type Event, type Alert, type ContentHit,
  type Fetched, type Progress, type SessionQuery, type Protocol, type Timestamp, type SessionItem,
  type Page, type KindName, type StatsReply, type HistogramReply, type HistogramBinSize,
} from 'spsview';
import { mountViewer, type ViewerHandle } from 'spsview/viewer';

export async function example(baseUrl: string): Promise<number> {
  await init();
  const sps: SpsClient = await SpsClient.login(baseUrl, { user: 'admin', password: 'admin' });
  const q: Query = Query.field('protocol').eq('ssh').and(Query.field('duration').range(10, null));
  const search: SessionQuery = { q, fields: ['protocol'], sort: '-start_time', start: new Date() };
  let total = 0;
  for await (const row of sps.sessions(search)) {
    const key: string = row.key;
    const protocol = row.body?.['protocol'];
    if (typeof protocol === 'string') total += key.length;
  }
  const fetched: Fetched = await sps.fetchAll('protocol:rdp', {
    onProgress: (p: Progress) => { const n: number = p.fetched; void n; },
    signal: AbortSignal.timeout(1000),
    snapshots: 'never',
  });
  const rows: SessionRow[] = fetched.items;
  const item = await sps.session(rows[0].key);
  const session: Session = item.body;
  const user: string | undefined = session.user?.gateway_username;
  const channels: Channel[] = (await sps.channels(item.key ?? '')).map((c) => c.body);
  const events: Event[] = await sps.events(rows[0].key, { q: 'type:command', limit: 10 });
  const alerts: Alert[] = await sps.alerts(rows[0].key);
  const hits: ContentHit[] = await sps.contentSearch(rows[0].key, 'passwd');
  // Generated model types (npm/model.d.ts): a whole session's protocol and times.
  const full: SessionItem = await sps.session(rows[0].key);
  const protocol: Protocol | undefined = full.body.protocol;
  const started: Timestamp | undefined = full.body.start_time;
  const ended: Timestamp | null | undefined = full.body.end_time;
  const ssh: boolean = protocol === 'SSH' || protocol === 'vnc';
  const listed: Page<SessionRow<Session>> = await sps.page({ fields: '*' }) as Page<SessionRow<Session>>;
  const firstProtocol: Protocol | undefined = listed.items[0]?.body?.protocol;
  const next: string | null | undefined = listed.meta?.next;
  const everyEvent: Event[] = await sps.allEvents(rows[0].key, 'type:command');
  const everyAlert: Alert[] = await sps.allAlerts(rows[0].key);
  const everyChannel: Channel[] = (await sps.allChannels(rows[0].key)).map((c) => c.body);
  const commands: string[] = everyEvent.flatMap((e) => (e.action === undefined ? [] : [e.action]));
  void started; void ended; void ssh; void firstProtocol; void next; void everyAlert; void everyChannel; void commands;
  // Counts across sessions: top values with a sub field, sessions per interval.
  const stats: StatsReply = await sps.stats('protocol', 'active:false', { subField: 'verdict', size: 5 });
  const accepted: number | undefined = stats.items[0]?.sub_fields?.['verdict']?.[0]?.count;
  const others: number | undefined = stats.meta?.others;
  const unit: HistogramBinSize = 'hour';
  const perHour: HistogramReply = await sps.histogram('protocol', unit, { q: 'verdict:accept' });
  const firstBin: Timestamp | undefined = perHour.items[0]?.start;
  void accepted; void others; void firstBin;
  try {
    await sps.histogram('protocol', 'day');
  } catch (err) {
    if (err instanceof SpsError && err.isNotFound) { const status: number | undefined = err.status; void status; }
  }
  const csv: string = await toCsv(rows, { fields: ['protocol'], lineEnd: 'lf', time: '+02:00' });
  const report: CsvReport = await toCsvReport(rows, { maxRowsPerSession: null });
  const dropped: number = report.cut?.rowsDropped ?? 0;
  await toCsv(rows, { maxRowsPerSession: 50, onWarning: (message: string) => { void message; } });
  const lab = await SpsClient.login('http://10.0.0.5', {
    user: 'admin', password: 'admin', allowPlainHttp: true, timeoutMs: 5000, maxReplyBytes: 1 << 20,
  });
  void lab;
  await SpsClient.loginMethods(baseUrl, { timeoutMs: 1000 });
  try {
    await sps.page('protocol:(ssh');
  } catch (err) {
    if (err instanceof SpsQueryError) { const at: number | undefined = err.position; void at; }
    if (err instanceof SpsAuthError) { const status: number | undefined = err.status; void status; }
    if (err instanceof SpsError) { const type: string = err.type; void type; }
    if (err instanceof SpsError && err.isAuth) { const name: KindName = err.kindName; void name; }
    if (err instanceof SpsNetworkError && err.kind === 'ReplyTooLarge') { const limit: number | undefined = err.limit; void limit; }
    if (err instanceof SpsNetworkError && err.kind === 'Redirected') { const to: string | undefined = err.location; void to; }
    if (err instanceof SpsError && err.problem === 'html') { const status: number | undefined = err.status; void status; }
    // @ts-expect-error: not one of the problems
    if (err instanceof SpsError && err.problem === 'htm') { void err; }
  }
  const handle: ViewerHandle = mountViewer(document.body, { baseUrl, initialQuery: q });
  handle.show('verdict:accept');
  return total + channels.length + events.length + alerts.length + hits.length + csv.length + dropped + (user?.length ?? 0);
}

export async function misuse(sps: SpsClient): Promise<void> {
  // @ts-expect-error: a session key is a string
  await sps.session(42);
  // @ts-expect-error: unknown fetchAll option
  await sps.fetchAll('', { pageSise: 10 });
  // @ts-expect-error: lineEnd is crlf or lf
  await toCsv([], { lineEnd: 'cr' });
  // @ts-expect-error: not one of the histogram's units
  await sps.histogram('protocol', 'fortnight');
  // @ts-expect-error: the sub field option is `subField`
  await sps.stats('protocol', undefined, { sub_fields: 'verdict' });
  // @ts-expect-error: allowPlainHttp is a boolean
  await SpsClient.login('http://x', { user: 'a', password: 'b', allowPlainHttp: 'yes' });
  const rows = await sps.page();
  // @ts-expect-error: rows have no `protocol` at the top level
  rows.items[0].protocol;
  const one = await sps.session('k');
  // @ts-expect-error: a protocol is text, not a number
  const port: number | undefined = one.body.protocol;
  void port;
  // @ts-expect-error: no such kind name
  if ((await sps.page().catch((e: SpsError) => e)) instanceof SpsError && ({} as SpsError).kindName === 'Api') { void one; }
}
