//! [`Client::fetch_all`]: every session of a search, past the 10,000-result
//! cap, with several pages in flight, progress, cancellation and recovery
//! (re-login, back-off, snapshot reopening). The [`PagingPlan`] decides which
//! requests to send; this loop sends them and feeds the answers back.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;

use futures_util::future::{select, Either};
use futures_util::stream::{FuturesUnordered, StreamExt};

use super::paging::{
    Completeness, PagingMode, PagingPlan, PlanAction, PlanOptions, PlanRequest, SnapshotPolicy,
    TotalSource,
};
use super::{
    api_error, plan_path, CancelToken, Client, CountWithMeta, HttpReply, HttpRequest, Transport,
    TransportError, TransportErrorKind,
};
use crate::error::{Error, ErrorKind, Result};
use crate::model::decode::{decode_json, decode_session_list, decode_snapshot};
use crate::model::envelope::CollectionMeta;
use crate::model::session::SessionRow;
use crate::request::search::{SessionSearch, MAX_LIMIT};

/// Options of [`Client::fetch_all`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    /// Requests in flight at once (offset pages, time-window counts and
    /// pages); a snapshot walk is sequential by nature. Default 4.
    pub in_flight: usize,
    /// Snapshot use. Default [`SnapshotPolicy::Auto`].
    pub snapshots: SnapshotPolicy,
    /// Retries of one request after a 5xx, 429 or network failure. Default 5.
    pub max_retries: u32,
    /// First back-off delay; doubled for each retry. Default 250 ms.
    pub backoff_initial_ms: u64,
    /// Longest back-off delay, also the most a `Retry-After` is honoured. Default 8 s.
    pub backoff_max_ms: u64,
    /// Warn through [`FetchObserver::session_expiring`] when the login has
    /// fewer seconds left than this (`meta.remaining_seconds`). Default 60.
    pub expiry_warning_seconds: i64,
    /// Re-logins allowed in a row without a row delivered in between (guards
    /// against a login that never sticks). Default 3.
    pub max_relogins: u32,
    /// Rows per page, 1 to 500. Default 500.
    pub page_size: u32,
    /// Times an expired snapshot is reopened. Default 3.
    pub max_snapshot_reopens: u32,
    /// When fewer sessions arrive than the appliance counted: false (the
    /// default) makes that an [`ErrorKind::Incomplete`] error, with the rows
    /// in [`FetchAllError::partial`]; true returns them as a [`Fetched`]
    /// whose `completeness.complete` is false.
    pub allow_incomplete: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            in_flight: 4,
            snapshots: SnapshotPolicy::Auto,
            max_retries: 5,
            backoff_initial_ms: 250,
            backoff_max_ms: 8_000,
            expiry_warning_seconds: 60,
            max_relogins: 3,
            page_size: MAX_LIMIT,
            max_snapshot_reopens: 3,
            allow_incomplete: false,
        }
    }
}

/// Where a fetch stands, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Rows delivered so far.
    pub fetched: u64,
    /// How many the search matches, once known exactly.
    pub expected: Option<u64>,
    /// At least this many match, when only that is known (a `match_count`
    /// at the cap on an appliance without `_count`).
    pub lower_bound: Option<u64>,
    /// The strategy, once decided.
    pub mode: Option<PagingMode>,
}

/// Callbacks of [`Client::fetch_all`]; every method has a default that does nothing.
#[allow(async_fn_in_trait)] // deliberately no `Send` bound (wasm32)
pub trait FetchObserver {
    /// More rows arrived (or the expected total became known).
    fn progress(&mut self, _progress: &Progress) {}

    /// The login will time out in `remaining_seconds`: time to warn the user
    /// or to log in again. Called once each time it falls under the threshold.
    fn session_expiring(&mut self, _remaining_seconds: i64) {}

    /// New rows, in result order, each key once: the same rows that end up in
    /// [`Fetched::items`], handed over as they arrive (for streaming them on).
    fn rows(&mut self, _rows: &[SessionRow]) {}

    /// The appliance answered 401 mid-fetch: log in again (for example ask
    /// for the password, then [`Client::login`]) and return true to resume
    /// from the failed page, or false to stop with the rows so far.
    async fn relogin(&mut self) -> bool {
        false
    }
}

/// A [`FetchObserver`] that ignores everything and never logs in again.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl FetchObserver for NoObserver {}

/// Counters of a fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FetchStats {
    /// HTTP requests answered (retries included).
    pub requests: u64,
    /// Requests sent again after a 5xx, 429 or network failure.
    pub retries: u64,
    /// Successful re-logins.
    pub relogins: u32,
    /// Snapshots reopened after expiring.
    pub snapshot_reopens: u32,
    /// Rows dropped because their key had been delivered already.
    pub duplicates: u64,
}

/// The result of a complete [`Client::fetch_all`].
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    /// Every matching session, each once, in result order.
    pub items: Vec<SessionRow>,
    /// How they were fetched.
    pub mode: PagingMode,
    /// The exact number that match, when known (see `completeness`).
    pub expected_total: Option<u64>,
    /// Delivered against counted, and how the count was known. With the
    /// default options a `Fetched` is always complete (a shortfall is an
    /// error); with [`FetchOptions::allow_incomplete`] it may not be.
    pub completeness: Completeness,
    /// False only for time slices under a sort on another field than
    /// `start_time`: then the order holds inside each time window only.
    pub in_global_order: bool,
    /// Counters.
    pub stats: FetchStats,
}

/// A [`Client::fetch_all`] that stopped (error or cancellation), with the rows
/// fetched until then: in order, each once, a prefix of the full result.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error} ({} sessions fetched before)", partial.len())]
pub struct FetchAllError {
    /// Why it stopped ([`ErrorKind::Cancelled`] when cancelled).
    #[source]
    pub error: Error,
    /// The rows fetched before.
    pub partial: Vec<SessionRow>,
    /// Counters.
    pub stats: FetchStats,
}

/// One try of a plan request.
struct Attempt {
    request: PlanRequest,
    /// Retries so far.
    tries: u32,
    /// The login generation the request was sent under (see `relogin`).
    generation: u32,
    /// `_count` turned out missing: count with a one-row page instead.
    count_by_page: bool,
}

type AttemptFuture<'a> =
    Pin<Box<dyn Future<Output = (Attempt, std::result::Result<HttpReply, TransportError>)> + 'a>>;

impl<T: Transport> Client<T> {
    /// Fetches every session `search` matches, each exactly once, in order:
    /// offset pages up to 10,000, past that a snapshot walk or time slices
    /// (see [`crate::client::PagingPlan`] and [`SnapshotPolicy`]).
    ///
    /// Recovery: a 401 asks `observer` to log in again and resumes from the
    /// failed page; 429 and 5xx (and network failures) are retried with
    /// exponential back-off, at most `max_retries` times per request; an
    /// expired snapshot is reopened. `cancel` stops it at any time: running
    /// requests are dropped (which aborts them in the browser). On error or
    /// cancellation the rows fetched so far come with the error.
    pub async fn fetch_all<O: FetchObserver + ?Sized>(
        &self,
        search: &SessionSearch,
        options: &FetchOptions,
        observer: &mut O,
        cancel: &CancelToken,
    ) -> std::result::Result<Fetched, FetchAllError> {
        let plan = RefCell::new(PagingPlan::new(
            search,
            PlanOptions {
                page_size: options.page_size,
                snapshots: options.snapshots,
                max_snapshot_reopens: options.max_snapshot_reopens,
                ..PlanOptions::default()
            },
        ));
        let items = RefCell::new(Vec::new());
        let stats = RefCell::new(FetchStats::default());
        let outcome = if cancel.is_cancelled() {
            Err(ErrorKind::Cancelled.into())
        } else {
            // The loop keeps its results outside itself (plan, items, stats),
            // so that dropping it on cancellation loses nothing fetched.
            let run = Box::pin(self.run_fetch(&plan, &items, &stats, options, observer, cancel));
            let cancelled = cancel.cancelled();
            match select(run, cancelled).await {
                Either::Left((outcome, _)) => outcome,
                Either::Right(((), _)) => Err(ErrorKind::Cancelled.into()),
            }
        };
        let plan = plan.into_inner();
        let mut stats = stats.into_inner();
        stats.snapshot_reopens = plan.snapshot_reopens();
        stats.duplicates = plan.duplicates();
        let items = items.into_inner();
        let completeness = plan.completeness();
        let outcome = outcome.and_then(|()| {
            if completeness.complete || options.allow_incomplete {
                Ok(())
            } else {
                Err(incomplete_error(&completeness))
            }
        });
        match outcome {
            Ok(()) => Ok(Fetched {
                items,
                mode: plan.mode().unwrap_or(PagingMode::Offset),
                expected_total: completeness.expected_total,
                completeness,
                in_global_order: plan.in_global_order(),
                stats,
            }),
            Err(error) => Err(FetchAllError {
                error,
                partial: items,
                stats,
            }),
        }
    }

    fn send_attempt(&self, attempt: Attempt, delay_ms: u64) -> AttemptFuture<'_> {
        Box::pin(async move {
            if delay_ms > 0 {
                self.transport.sleep(delay_ms).await;
            }
            let request = HttpRequest::new(attempt_path(&attempt));
            let reply = self.transport.get(&request).await;
            (attempt, reply)
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_fetch<O: FetchObserver + ?Sized>(
        &self,
        plan: &RefCell<PagingPlan>,
        items: &RefCell<Vec<SessionRow>>,
        stats: &RefCell<FetchStats>,
        options: &FetchOptions,
        observer: &mut O,
        cancel: &CancelToken,
    ) -> Result<()> {
        let mut pending: FuturesUnordered<AttemptFuture<'_>> = FuturesUnordered::new();
        let mut generation = 0u32;
        let mut relogins_in_a_row = 0u32;
        let mut count_by_page = false;
        let mut warned = false;
        let mut last_progress: Option<Progress> = None;
        loop {
            if cancel.is_cancelled() {
                return Err(ErrorKind::Cancelled.into());
            }
            let free = options.in_flight.max(1).saturating_sub(pending.len());
            for request in plan.borrow_mut().next_requests(free) {
                let attempt = Attempt {
                    request,
                    tries: 0,
                    generation,
                    count_by_page,
                };
                pending.push(self.send_attempt(attempt, 0));
            }
            let Some((mut attempt, result)) = pending.next().await else {
                if plan.borrow().is_done() {
                    return Ok(());
                }
                return Err(ErrorKind::Paging {
                    message: "the paging plan stopped without finishing".to_owned(),
                }
                .into());
            };
            stats.borrow_mut().requests += 1;
            let failure = match result {
                Err(e) if e.kind == TransportErrorKind::Aborted => {
                    return Err(ErrorKind::Cancelled.into())
                }
                Err(e) if !e.is_retriable() => return Err(e.into()),
                Err(e) => Retry::Backoff(e.into(), None),
                Ok(reply) if reply.is_success() => {
                    match self.accept(plan, &attempt, &reply) {
                        Ok(()) => Retry::No,
                        // A 2xx that does not decode is not worth retrying.
                        Err(e) => return Err(e),
                    }
                }
                Ok(reply) => match reply.status {
                    401 => Retry::Relogin(api_error(&reply)),
                    429 => Retry::Backoff(api_error(&reply), reply.retry_after_seconds),
                    404 => self.not_found(plan, &mut attempt, &reply, &mut count_by_page)?,
                    500..=599 => Retry::Backoff(api_error(&reply), None),
                    _ => return Err(api_error(&reply)),
                },
            };
            match failure {
                Retry::No => {}
                Retry::Now => pending.push(self.send_attempt(attempt, 0)),
                Retry::Relogin(error) => {
                    // Requests sent before the latest re-login carry the old
                    // cookie: send them again without logging in once more.
                    if attempt.generation < generation {
                        attempt.generation = generation;
                        pending.push(self.send_attempt(attempt, 0));
                    } else if relogins_in_a_row < options.max_relogins && observer.relogin().await {
                        relogins_in_a_row += 1;
                        generation += 1;
                        stats.borrow_mut().relogins += 1;
                        attempt.generation = generation;
                        pending.push(self.send_attempt(attempt, 0));
                    } else {
                        return Err(error);
                    }
                }
                Retry::Backoff(error, retry_after) => {
                    if attempt.tries >= options.max_retries {
                        // The snapshot quota stays full (snapshots live 5
                        // minutes after their last use): slice by time instead.
                        let quota_full = matches!(error.kind(), ErrorKind::Api { status: 429, .. })
                            && attempt.request.action == PlanAction::OpenSnapshot
                            && options.snapshots == SnapshotPolicy::Auto;
                        if quota_full
                            && plan
                                .borrow_mut()
                                .on_snapshot_unsupported(attempt.request.id)
                                .is_ok()
                        {
                            continue;
                        }
                        return Err(error);
                    }
                    let delay = backoff_delay(options, attempt.tries, retry_after);
                    attempt.tries += 1;
                    stats.borrow_mut().retries += 1;
                    pending.push(self.send_attempt(attempt, delay));
                }
            }

            let ready = plan.borrow_mut().take_ready();
            if !ready.is_empty() {
                relogins_in_a_row = 0;
                observer.rows(&ready);
                items.borrow_mut().extend(ready);
            }
            let progress = {
                let plan = plan.borrow();
                Progress {
                    fetched: plan.delivered(),
                    expected: plan.expected_total(),
                    lower_bound: plan.lower_bound(),
                    mode: plan.mode(),
                }
            };
            if last_progress != Some(progress) {
                observer.progress(&progress);
                last_progress = Some(progress);
            }
            if let Some(left) = self.remaining.get() {
                if left < options.expiry_warning_seconds {
                    if !warned {
                        observer.session_expiring(left);
                        warned = true;
                    }
                } else {
                    warned = false;
                }
            }
        }
    }

    /// Feeds a 2xx reply to the plan.
    fn accept(
        &self,
        plan: &RefCell<PagingPlan>,
        attempt: &Attempt,
        reply: &HttpReply,
    ) -> Result<()> {
        let id = attempt.request.id;
        match &attempt.request.action {
            PlanAction::Page(_) | PlanAction::Follow { .. } => {
                let page = decode_session_list(&reply.body)?;
                self.note_remaining(page.meta.as_ref().and_then(|m| m.remaining_seconds));
                plan.borrow_mut().on_page(id, page)
            }
            PlanAction::Count(_) if attempt.count_by_page => {
                let page = decode_session_list(&reply.body)?;
                let meta: Option<&CollectionMeta> = page.meta.as_ref();
                self.note_remaining(meta.and_then(|m| m.remaining_seconds));
                let count = meta.and_then(|m| m.match_count).ok_or_else(|| {
                    Error::from(ErrorKind::Paging {
                        message: "the appliance tells neither `_count` nor `match_count`: \
                                  cannot split the search by time"
                            .to_owned(),
                    })
                })?;
                // At the cap this is only a lower bound; the plan knows.
                plan.borrow_mut().on_match_count(id, count)
            }
            PlanAction::Count(_) => {
                let count = decode_json::<CountWithMeta>("count", &reply.body)?;
                self.note_remaining(count.meta.and_then(|m| m.remaining_seconds));
                plan.borrow_mut().on_count(id, count.count)
            }
            PlanAction::OpenSnapshot => {
                let single = decode_snapshot(&reply.body)?;
                self.note_remaining(single.meta.as_ref().and_then(|m| m.remaining_seconds));
                plan.borrow_mut()
                    .on_snapshot_opened(id, &single.body.snapshot)
            }
        }
    }

    /// A 404: what it means depends on the request.
    fn not_found(
        &self,
        plan: &RefCell<PagingPlan>,
        attempt: &mut Attempt,
        reply: &HttpReply,
        count_by_page: &mut bool,
    ) -> Result<Retry> {
        let id = attempt.request.id;
        match &attempt.request.action {
            // No snapshot search on this appliance (before 7.5): the plan
            // slices by time instead (or fails under `Always`).
            PlanAction::OpenSnapshot => {
                plan.borrow_mut()
                    .on_snapshot_unsupported(id)
                    .map_err(|_| api_error(reply))?;
                Ok(Retry::No)
            }
            // The snapshot expired: the plan reopens one.
            PlanAction::Follow { snapshot: true, .. } => {
                plan.borrow_mut().on_snapshot_expired(id)?;
                Ok(Retry::No)
            }
            // No `_count` on this appliance: count with a one-row page.
            PlanAction::Count(_) if !attempt.count_by_page => {
                *count_by_page = true;
                attempt.count_by_page = true;
                Ok(Retry::Now)
            }
            _ => Err(api_error(reply)),
        }
    }
}

/// The error for a fetch that ended short of the appliance's count.
fn incomplete_error(completeness: &Completeness) -> Error {
    let (expected, how) = match (completeness.expected_total, completeness.lower_bound) {
        (Some(total), _) => (
            total,
            match completeness.source {
                TotalSource::CountEndpoint => "`_count`",
                TotalSource::WindowCounts => "the time windows' counts",
                _ => "`match_count`",
            },
        ),
        (None, Some(at_least)) => (at_least, "`match_count` (at least)"),
        (None, None) => (0, "nothing"),
    };
    ErrorKind::Incomplete {
        delivered: completeness.delivered,
        expected,
        how: how.to_owned(),
    }
    .into()
}

/// What to do after a failed request.
enum Retry {
    No,
    Now,
    Relogin(Error),
    Backoff(Error, Option<u64>),
}

pub(super) fn backoff_delay(
    options: &FetchOptions,
    tries: u32,
    retry_after_seconds: Option<u64>,
) -> u64 {
    let exponential = options
        .backoff_initial_ms
        .saturating_mul(1u64 << tries.min(20));
    let wanted = match retry_after_seconds {
        Some(s) => exponential.max(s.saturating_mul(1000)),
        None => exponential,
    };
    wanted.min(options.backoff_max_ms)
}

fn attempt_path(attempt: &Attempt) -> String {
    match &attempt.request.action {
        PlanAction::Count(search) if attempt.count_by_page => {
            let page = SessionSearch {
                limit: Some(1),
                fields: Some(Vec::new()),
                ..search.clone()
            };
            plan_path(&PlanAction::Page(page))
        }
        action => plan_path(action),
    }
}
