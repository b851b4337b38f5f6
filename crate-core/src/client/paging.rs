//! Paging plans: which requests fetch *every* session of a search, in order,
//! each exactly once, as a state machine without I/O.
//!
//! The I/O loop (see `Client::fetch_all`) asks [`PagingPlan::next_requests`]
//! what to send, feeds each answer back (`on_page`, `on_count`,
//! `on_snapshot_opened`, ...), and drains [`PagingPlan::take_ready`]: rows in
//! result order, de-duplicated by key. Everything here is testable without a
//! server.
//!
//! # Counting: `match_count` at the cap is a lower bound
//!
//! Real SPS 7.x/8.x appliances report `match_count` as Elasticsearch reports
//! totals: capped at 10,000 (`../shared/real-sps/README.md`, difference 1).
//! A `match_count` equal to [`PlanOptions::count_cap`] therefore says "at
//! least this many", never "this many". The plan then asks `_count` (exact);
//! when `_count` is missing (404, the client counts with a one-row page and
//! gets the capped `match_count` again) the search is taken as larger than
//! the cap: a snapshot walk, else time slices, where a window whose count is
//! at the cap is split further. A `match_count` below the cap, or above it (a
//! 6.0 appliance, uncapped), is exact.
//!
//! Every plan knows in the end how many sessions it should have delivered and
//! how it knows ([`PagingPlan::completeness`]); `Client::fetch_all` turns a
//! shortfall into [`ErrorKind::Incomplete`]. Under [`SnapshotPolicy::Always`]
//! the count is taken *before* the snapshot opens, so that sessions recorded
//! during the walk cannot make a complete walk look short.
//!
//! # Strategies
//!
//! - **Offset** (≤ `window_cap` results, 10,000 on SPS): a first page
//!   (`limit=500&offset=0`) tells `match_count`; the other pages
//!   (`offset=500, 1000, …`) can then be fetched several at once. SPS serves
//!   positions `0..10,000` only (the reference: offsets past 10,000 are
//!   ignored), so no page ever asks past the cap.
//! - **Snapshot** (SPS 7.5+): `_snapshot` opens a point-in-time view; its pages
//!   are walked one after another by following `meta.next` until a page with
//!   `items: []` and `next: null` (an empty page also ends the walk, so that a
//!   misbehaving server cannot loop us forever). An expired snapshot (404) is
//!   reopened and walked again from the start; rows already delivered are
//!   skipped by key.
//! - **Time slices** (more than the cap, no snapshots): the search is split
//!   into windows of `start_time`, each holding at most the cap, and each
//!   window is paged by offset.
//!
//! # Why time slices use `q=start_time:[lo TO hi}` and not `start`/`end`
//!
//! SPS's `start` keeps sessions whose `start_time` is at or after it, but `end`
//! keeps those whose `end_time` is at or before it, and an *active* session has
//! no `end_time`: slicing on `start`/`end` would silently lose every active
//! session. Each window is therefore a range on `start_time` alone, added to the
//! user's `q` with `AND` (the reference documents ranges on `start_time`,
//! e.g. `start_time:[* TO 1461654799]`); the user's own `start`/`end` stay as
//! they are. Bounds are whole UNIX seconds, lower inclusive, upper exclusive,
//! so adjacent windows do not overlap; should a server read the exclusive end
//! as inclusive, the rows that appear twice are dropped by key.
//!
//! The whole span comes from two probes (`sort=start_time` and
//! `sort=-start_time`, `limit=1`): from the earliest to one second past the
//! latest matching `start_time`. A window whose count (`_count`, or a page's
//! `match_count`) is over the cap is split into equal parts of time (in two at
//! least: a bisection, more when the count says so, so that a million sessions
//! take fewer rounds), recursively. A window one second wide that still holds
//! more than the cap cannot be split: [`ErrorKind::SliceTooDense`].
//!
//! Slicing by `start_time` is also stable while sessions are being recorded:
//! a new session starts after the span's end and an ending one keeps its
//! `start_time`, so offsets inside a window do not shift. Windows are delivered
//! newest first (SPS's default order), or oldest first when the search sorts on
//! `start_time` ascending; rows inside a window keep the search's `sort`, so
//! only a sort on another field is not in order across windows
//! ([`PagingPlan::in_global_order`]).
//!
//! A full last page holding more rows than the count said (sessions indexed
//! after they were counted) gets one more page after it, up to the cap.

use std::collections::HashSet;

use crate::error::{ErrorKind, Result};
use crate::model::envelope::Collection;
use crate::model::session::SessionRow;
use crate::query::ast::{Bound, Field, Query, Range, Span};
use crate::request::path::{ApiPath, COUNT_PATH, SESSIONS_PATH, SNAPSHOT_PATH};
use crate::request::search::{SessionSearch, SortKey, MAX_LIMIT, MAX_OFFSET};

/// Whether to use snapshot search (SPS 7.5+).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SnapshotPolicy {
    /// Only for more results than the offset cap, and only when the appliance
    /// has `_snapshot` (a 404 there means it does not: slice by time instead).
    #[default]
    Auto,
    /// Never: more results than the cap are fetched in time slices.
    Never,
    /// Always, even for few results; an appliance without snapshots is an error.
    Always,
}

/// How a plan walks the results (known once the first answers are in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PagingMode {
    /// Pages by `offset`, up to the cap.
    Offset,
    /// Following `meta.next` of a search without `match_count`.
    FollowLinks,
    /// A snapshot walk.
    Snapshot,
    /// Windows of `start_time`, each paged by offset.
    TimeSlices,
}

/// Settings of a [`PagingPlan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanOptions {
    /// Rows per page (`limit`), 1 to [`MAX_LIMIT`]; default 500.
    pub page_size: u32,
    /// The most results one offset walk can reach; default [`MAX_OFFSET`]
    /// (10,000). Smaller values serve tests.
    pub window_cap: u64,
    /// Snapshot use.
    pub snapshots: SnapshotPolicy,
    /// How many times an expired snapshot is reopened before giving up; default 3.
    pub max_snapshot_reopens: u32,
    /// The value at which the appliance stops counting `match_count`; default
    /// 10,000 (SPS 7.x/8.x). A `match_count` equal to it is a lower bound.
    pub count_cap: u64,
}

/// How a plan knows how many sessions the search matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TotalSource {
    /// A page's `match_count`, below the cap (or above it: an uncapped 6.0
    /// appliance): exact.
    MatchCount,
    /// `GET …/_count`: exact.
    CountEndpoint,
    /// The sum of the time windows' exact counts (time slices without `_count`).
    WindowCounts,
    /// Only a lower bound: `match_count` at the cap and no `_count`.
    LowerBound,
    /// Not told at all (no `match_count`, no `_count`).
    Unknown,
}

impl TotalSource {
    /// A stable lower-case name: `match_count`, `_count`, `window_counts`,
    /// `lower_bound`, `unknown`.
    pub fn name(self) -> &'static str {
        match self {
            TotalSource::MatchCount => "match_count",
            TotalSource::CountEndpoint => "_count",
            TotalSource::WindowCounts => "window_counts",
            TotalSource::LowerBound => "lower_bound",
            TotalSource::Unknown => "unknown",
        }
    }

    /// Whether the total is exact.
    pub fn is_exact(self) -> bool {
        matches!(
            self,
            TotalSource::MatchCount | TotalSource::CountEndpoint | TotalSource::WindowCounts
        )
    }
}

/// What a plan delivered against what the appliance counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completeness {
    /// Sessions delivered, each key once.
    pub delivered: u64,
    /// The exact number that match, when known.
    pub expected_total: Option<u64>,
    /// At least this many match (a `match_count` at the cap), when only that is known.
    pub lower_bound: Option<u64>,
    /// How the number is known.
    pub source: TotalSource,
    /// No session is missing as far as the counts tell: `delivered` reaches
    /// the exact total, or the lower bound when only that is known.
    pub complete: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            page_size: MAX_LIMIT,
            window_cap: u64::from(MAX_OFFSET),
            snapshots: SnapshotPolicy::Auto,
            max_snapshot_reopens: 3,
            count_cap: u64::from(MAX_OFFSET),
        }
    }
}

/// Identifies a request of a plan, to give its answer back.
pub type RequestId = u64;

/// What a plan asks to be fetched.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanAction {
    /// A page of the list: `GET /api/audit/sessions?<search>`; answer with
    /// [`PagingPlan::on_page`].
    Page(SessionSearch),
    /// How many match: `GET /api/audit/sessions/_count?<search>`; answer with
    /// [`PagingPlan::on_count`], or, where `_count` is missing, with the
    /// `match_count` of a one-row page through [`PagingPlan::on_match_count`].
    Count(SessionSearch),
    /// `GET /api/audit/sessions/_snapshot`; answer with
    /// [`PagingPlan::on_snapshot_opened`] or, on 404,
    /// [`PagingPlan::on_snapshot_unsupported`].
    OpenSnapshot,
    /// A path and query to GET as it is (a snapshot page or a `meta.next`
    /// link); answer with [`PagingPlan::on_page`] or, when a snapshot page
    /// answers 404, [`PagingPlan::on_snapshot_expired`].
    Follow {
        /// The path and query.
        path: String,
        /// Whether this is a snapshot page (a 404 means it expired).
        snapshot: bool,
    },
}

impl PlanAction {
    /// The path and query to GET for this action.
    pub fn path_and_query(&self) -> String {
        match self {
            PlanAction::Page(search) => ApiPath::new(SESSIONS_PATH)
                .query_string(&search.to_query_string())
                .build(),
            PlanAction::Count(search) => ApiPath::new(COUNT_PATH)
                .query_string(&search.to_query_string())
                .build(),
            PlanAction::OpenSnapshot => SNAPSHOT_PATH.to_owned(),
            PlanAction::Follow { path, .. } => path.clone(),
        }
    }
}

/// One request of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRequest {
    /// Give this back with the answer.
    pub id: RequestId,
    /// What to fetch.
    pub action: PlanAction,
}

fn paging_error(message: impl Into<String>) -> crate::Error {
    ErrorKind::Paging {
        message: message.into(),
    }
    .into()
}

#[derive(Debug, Clone, PartialEq)]
enum SlotState {
    Pending,
    InFlight(RequestId),
    Done(Vec<SessionRow>),
    Emitted,
}

#[derive(Debug, Clone, PartialEq)]
struct Slot {
    offset: u64,
    state: SlotState,
}

/// Offset pages over one search (the whole result, or one time window).
#[derive(Debug, Clone, PartialEq)]
struct Pages {
    search: SessionSearch,
    count: u64,
    slots: Vec<Slot>,
    next_emit: usize,
    page_size: u64,
    cap: u64,
}

impl Pages {
    fn new(search: SessionSearch, count: u64, page_size: u64, cap: u64) -> Pages {
        let reachable = count.min(cap);
        let slots = (0..reachable.div_ceil(page_size))
            .map(|i| Slot {
                offset: i * page_size,
                state: SlotState::Pending,
            })
            .collect();
        Pages {
            search,
            count,
            slots,
            next_emit: 0,
            page_size,
            cap,
        }
    }

    fn page_search(&self, offset: u64) -> SessionSearch {
        // Never ask past the cap: SPS answers nothing there.
        let limit = self.page_size.min(self.cap.saturating_sub(offset)).max(1);
        SessionSearch {
            limit: Some(u32::try_from(limit).unwrap_or(MAX_LIMIT)),
            offset: Some(u32::try_from(offset).unwrap_or(MAX_OFFSET)),
            ..self.search.clone()
        }
    }

    /// The next page to send, marked in flight.
    fn take_pending(&mut self, id: RequestId) -> Option<SessionSearch> {
        let slot = self
            .slots
            .iter_mut()
            .find(|s| s.state == SlotState::Pending)?;
        slot.state = SlotState::InFlight(id);
        let offset = slot.offset;
        Some(self.page_search(offset))
    }

    /// Stores a page's rows; false if `id` is not one of ours.
    fn complete(&mut self, id: RequestId, items: Vec<SessionRow>) -> bool {
        let Some(index) = self
            .slots
            .iter()
            .position(|s| s.state == SlotState::InFlight(id))
        else {
            return false;
        };
        let len = items.len() as u64;
        let offset = self.slots[index].offset;
        self.slots[index].state = SlotState::Done(items);
        // A full last page holding more rows than counted: sessions were
        // indexed after the count, and more may follow.
        let next_offset = offset + self.page_size;
        let over_count = offset + len > self.count;
        if len >= self.page_size
            && over_count
            && index + 1 == self.slots.len()
            && next_offset < self.cap
        {
            self.slots.push(Slot {
                offset: next_offset,
                state: SlotState::Pending,
            });
        }
        true
    }

    fn drain(&mut self, out: &mut Output) {
        while let Some(slot) = self.slots.get_mut(self.next_emit) {
            match std::mem::replace(&mut slot.state, SlotState::Emitted) {
                SlotState::Done(items) => {
                    out.push_all(items);
                    self.next_emit += 1;
                }
                other => {
                    slot.state = other;
                    break;
                }
            }
        }
    }

    fn finished(&self) -> bool {
        self.next_emit >= self.slots.len()
    }
}

/// Rows in order, each key once.
#[derive(Debug, Default)]
struct Output {
    seen: HashSet<String>,
    ready: Vec<SessionRow>,
    delivered: u64,
    duplicates: u64,
}

impl Output {
    fn push_all(&mut self, items: Vec<SessionRow>) {
        for row in items {
            if self.seen.contains(&row.key) {
                self.duplicates += 1;
            } else {
                self.seen.insert(row.key.clone());
                self.delivered += 1;
                self.ready.push(row);
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum WindowState {
    /// `Some(id)` once the count was sent.
    Counting(Option<RequestId>),
    Paging(Box<Pages>),
}

/// `start_time` in `[lo, hi)`, UNIX seconds.
#[derive(Debug, Clone, PartialEq)]
struct Window {
    lo: i64,
    hi: i64,
    state: WindowState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    Unsent,
    InFlight(RequestId),
    /// The earliest/latest `start_time` in seconds; `None`: nothing matches.
    Known(Option<i64>),
}

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Start,
    Probe(RequestId),
    /// `match_count` was at the cap: `_count` tells whether offset paging can
    /// reach everything. Holds the probe's rows (page 0).
    Confirm {
        items: Vec<SessionRow>,
        request: Option<RequestId>,
    },
    /// Counting before a snapshot walk ([`SnapshotPolicy::Always`]).
    PreCount(RequestId),
    Offset(Box<Pages>),
    Edges {
        first: Edge,
        last: Edge,
    },
    Slices {
        windows: Vec<Window>,
        emit: usize,
    },
    OpenSnapshot(Option<RequestId>),
    Follow {
        next: Option<String>,
        in_flight: Option<RequestId>,
        snapshot: bool,
    },
    Done,
}

/// A plan to fetch every session of a search; see the module notes.
#[derive(Debug)]
pub struct PagingPlan {
    base: SessionSearch,
    options: PlanOptions,
    stage: Stage,
    mode: Option<PagingMode>,
    next_id: RequestId,
    in_flight: usize,
    expected: Option<u64>,
    lower_bound: Option<u64>,
    source: TotalSource,
    /// Sum of the exact counts of the time windows paged so far.
    window_total: u64,
    reopens: u32,
    out: Output,
}

impl PagingPlan {
    /// A plan for every session `search` matches. Its `limit`, `offset`,
    /// `format` and `snapshot` are ignored (the plan sets its own; rows are
    /// JSON); `q`, `content`, `fields`, `sort`, `start` and `end` apply.
    pub fn new(search: &SessionSearch, options: PlanOptions) -> PagingPlan {
        let base = SessionSearch {
            limit: None,
            offset: None,
            format: None,
            snapshot: None,
            warnings: Vec::new(),
            ..search.clone()
        };
        let options = PlanOptions {
            page_size: options.page_size.clamp(1, MAX_LIMIT),
            window_cap: options.window_cap.max(1),
            ..options
        };
        PagingPlan {
            base,
            options,
            stage: Stage::Start,
            mode: None,
            next_id: 1,
            in_flight: 0,
            expected: None,
            lower_bound: None,
            source: TotalSource::Unknown,
            window_total: 0,
            reopens: 0,
            out: Output::default(),
        }
    }

    fn id(&mut self) -> RequestId {
        let id = self.next_id;
        self.next_id += 1;
        self.in_flight += 1;
        id
    }

    fn page_size(&self) -> u64 {
        u64::from(self.options.page_size)
    }

    /// Up to `free_slots` new requests to send now (possibly none while
    /// answers are awaited). Each is in flight until its answer is given back.
    pub fn next_requests(&mut self, free_slots: usize) -> Vec<PlanRequest> {
        let mut out = Vec::new();
        while out.len() < free_slots {
            match self.one_request() {
                Some(r) => out.push(r),
                None => break,
            }
        }
        out
    }

    fn one_request(&mut self) -> Option<PlanRequest> {
        match &mut self.stage {
            Stage::Start => {
                if self.options.snapshots == SnapshotPolicy::Always {
                    // Count first: the walk's self-check needs the number.
                    let id = self.id();
                    self.stage = Stage::PreCount(id);
                    return Some(PlanRequest {
                        id,
                        action: PlanAction::Count(self.count_search_base()),
                    });
                }
                let id = self.id();
                self.stage = Stage::Probe(id);
                let search = SessionSearch {
                    limit: Some(self.options.page_size),
                    offset: Some(0),
                    ..self.base.clone()
                };
                Some(PlanRequest {
                    id,
                    action: PlanAction::Page(search),
                })
            }
            Stage::Offset(_) => {
                let id = self.next_id;
                let Stage::Offset(pages) = &mut self.stage else {
                    return None;
                };
                let search = pages.take_pending(id)?;
                self.id();
                Some(PlanRequest {
                    id,
                    action: PlanAction::Page(search),
                })
            }
            Stage::Edges { first, last } => {
                let descending = match (*first, *last) {
                    (Edge::Unsent, _) => false,
                    (_, Edge::Unsent) => true,
                    _ => return None,
                };
                let id = self.next_id;
                if descending {
                    *last = Edge::InFlight(id);
                } else {
                    *first = Edge::InFlight(id);
                }
                self.id();
                let search = SessionSearch {
                    fields: Some(vec!["start_time".to_owned()]),
                    sort: vec![SortKey {
                        field: "start_time".to_owned(),
                        descending,
                    }],
                    limit: Some(1),
                    offset: Some(0),
                    ..self.base.clone()
                };
                Some(PlanRequest {
                    id,
                    action: PlanAction::Page(search),
                })
            }
            Stage::Confirm { request: None, .. } => {
                let id = self.next_id;
                let action = PlanAction::Count(self.count_search_base());
                if let Stage::Confirm { request, .. } = &mut self.stage {
                    *request = Some(id);
                }
                self.id();
                Some(PlanRequest { id, action })
            }
            Stage::Slices { .. } => self.slice_request(),
            Stage::OpenSnapshot(None) => {
                let id = self.id();
                self.stage = Stage::OpenSnapshot(Some(id));
                Some(PlanRequest {
                    id,
                    action: PlanAction::OpenSnapshot,
                })
            }
            Stage::Follow {
                next: Some(_),
                in_flight: None,
                ..
            } => {
                let id = self.next_id;
                let Stage::Follow {
                    next,
                    in_flight,
                    snapshot,
                } = &mut self.stage
                else {
                    return None;
                };
                let path = next.take()?;
                *in_flight = Some(id);
                let snapshot = *snapshot;
                self.id();
                Some(PlanRequest {
                    id,
                    action: PlanAction::Follow { path, snapshot },
                })
            }
            Stage::Probe(_)
            | Stage::Confirm { .. }
            | Stage::PreCount(_)
            | Stage::OpenSnapshot(Some(_))
            | Stage::Follow { .. }
            | Stage::Done => None,
        }
    }

    fn slice_request(&mut self) -> Option<PlanRequest> {
        let id = self.next_id;
        let base = self.count_search_base();
        let Stage::Slices { windows, .. } = &mut self.stage else {
            return None;
        };
        let mut action = None;
        for w in windows.iter_mut() {
            match &mut w.state {
                WindowState::Counting(sent @ None) => {
                    *sent = Some(id);
                    action = Some(PlanAction::Count(window_search(&base, w.lo, w.hi)));
                    break;
                }
                WindowState::Counting(Some(_)) => {}
                WindowState::Paging(pages) => {
                    if let Some(search) = pages.take_pending(id) {
                        action = Some(PlanAction::Page(search));
                        break;
                    }
                }
            }
        }
        let action = action?;
        self.id();
        Some(PlanRequest { id, action })
    }

    /// The filters alone: what a count needs.
    fn count_search_base(&self) -> SessionSearch {
        SessionSearch {
            fields: None,
            sort: Vec::new(),
            ..self.base.clone()
        }
    }

    fn answered(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    fn unknown(id: RequestId) -> crate::Error {
        paging_error(format!("request {id} is not awaited by the paging plan"))
    }

    /// Gives back a page (for a [`PlanAction::Page`] or [`PlanAction::Follow`]).
    pub fn on_page(&mut self, id: RequestId, page: Collection<SessionRow>) -> Result<()> {
        let match_count = page.meta.as_ref().and_then(|m| m.match_count);
        let next = page
            .meta
            .as_ref()
            .and_then(|m| m.next())
            .map(relative_link)
            .transpose()?;
        match &mut self.stage {
            Stage::Probe(p) if *p == id => {
                self.answered();
                self.on_probe(page.items, match_count, next)
            }
            Stage::Offset(pages) => {
                if !pages.complete(id, page.items) {
                    return Err(Self::unknown(id));
                }
                self.answered();
                self.drain();
                Ok(())
            }
            Stage::Edges { first, last } => {
                let edge = if *first == Edge::InFlight(id) {
                    first
                } else if *last == Edge::InFlight(id) {
                    last
                } else {
                    return Err(Self::unknown(id));
                };
                let seconds = match page.items.first() {
                    None => None,
                    Some(row) => Some(start_seconds(row)?),
                };
                *edge = Edge::Known(seconds);
                self.answered();
                self.on_edges()
            }
            Stage::Slices { windows, .. } => {
                let pages = windows.iter_mut().find_map(|w| match &mut w.state {
                    WindowState::Paging(pages)
                        if pages
                            .slots
                            .iter()
                            .any(|s| s.state == SlotState::InFlight(id)) =>
                    {
                        Some(pages)
                    }
                    _ => None,
                });
                let Some(pages) = pages else {
                    return Err(Self::unknown(id));
                };
                pages.complete(id, page.items);
                self.answered();
                self.drain();
                Ok(())
            }
            Stage::Follow {
                next: stored,
                in_flight,
                ..
            } if *in_flight == Some(id) => {
                *in_flight = None;
                let end = page.items.is_empty() || next.is_none();
                *stored = if end { None } else { next };
                self.answered();
                self.out.push_all(page.items);
                if end {
                    self.stage = Stage::Done;
                }
                Ok(())
            }
            _ => Err(Self::unknown(id)),
        }
    }

    fn on_probe(
        &mut self,
        items: Vec<SessionRow>,
        match_count: Option<u64>,
        next: Option<String>,
    ) -> Result<()> {
        let cap = self.options.window_cap;
        let Some(total) = match_count else {
            // No `match_count` (an older or unusual server): follow the links.
            self.mode = Some(PagingMode::FollowLinks);
            let end = items.is_empty() || next.is_none();
            self.out.push_all(items);
            self.stage = if end {
                Stage::Done
            } else {
                Stage::Follow {
                    next,
                    in_flight: None,
                    snapshot: false,
                }
            };
            return Ok(());
        };
        if total == self.options.count_cap {
            // "At least the cap": only `_count` tells whether offset paging
            // reaches everything.
            self.stage = Stage::Confirm {
                items,
                request: None,
            };
            return Ok(());
        }
        self.expected = Some(total);
        self.source = TotalSource::MatchCount;
        self.choose(items, total, cap);
        Ok(())
    }

    /// With an exact `total` known and the probe's rows (page 0) in hand:
    /// offset pages when they reach everything, else a snapshot or slices.
    fn choose(&mut self, items: Vec<SessionRow>, total: u64, cap: u64) {
        if total <= cap {
            self.mode = Some(PagingMode::Offset);
            let mut pages = Pages::new(self.base.clone(), total, self.page_size(), cap);
            if pages.slots.is_empty() {
                // Nothing to fetch; keep whatever the probe had (nothing).
                self.out.push_all(items);
                self.stage = Stage::Done;
                return;
            }
            // The probe is page 0: same search, offset 0, same limit.
            pages.slots[0].state = SlotState::InFlight(0);
            pages.complete(0, items);
            self.stage = Stage::Offset(Box::new(pages));
            self.drain();
            return;
        }
        self.past_the_cap();
    }

    /// More than one offset walk reaches: a snapshot walk, or time slices.
    fn past_the_cap(&mut self) {
        match self.options.snapshots {
            SnapshotPolicy::Auto | SnapshotPolicy::Always => {
                self.mode = Some(PagingMode::Snapshot);
                self.stage = Stage::OpenSnapshot(None);
            }
            SnapshotPolicy::Never => self.start_slicing(),
        }
    }

    fn start_slicing(&mut self) {
        self.mode = Some(PagingMode::TimeSlices);
        self.stage = Stage::Edges {
            first: Edge::Unsent,
            last: Edge::Unsent,
        };
    }

    fn on_edges(&mut self) -> Result<()> {
        let Stage::Edges {
            first: Edge::Known(first),
            last: Edge::Known(last),
        } = self.stage
        else {
            return Ok(());
        };
        let (Some(first), Some(last)) = (first, last) else {
            // Nothing matches any more.
            self.stage = Stage::Done;
            return Ok(());
        };
        let (lo, hi) = (first.min(last), first.max(last).saturating_add(1));
        let root = Window {
            lo,
            hi,
            state: WindowState::Counting(None),
        };
        self.stage = Stage::Slices {
            windows: vec![root],
            emit: 0,
        };
        // The root holds every match: its count is the total already known
        // (or at least the lower bound, which splits it at once).
        match (self.expected, self.lower_bound) {
            (Some(total), _) => self.count_window(0, total, true),
            (None, Some(at_least)) => self.count_window(0, at_least, false),
            (None, None) => Ok(()),
        }
    }

    /// Gives back an exact count (`_count`, for a [`PlanAction::Count`]).
    pub fn on_count(&mut self, id: RequestId, count: u64) -> Result<()> {
        self.on_any_count(id, count, TotalSource::CountEndpoint)
    }

    /// Gives back the `match_count` of a one-row page asked for instead of a
    /// [`PlanAction::Count`] (an appliance without `_count`). At the cap it is
    /// only a lower bound, and the plan treats it as one.
    pub fn on_match_count(&mut self, id: RequestId, match_count: u64) -> Result<()> {
        let source = if match_count == self.options.count_cap {
            TotalSource::LowerBound
        } else {
            TotalSource::MatchCount
        };
        self.on_any_count(id, match_count, source)
    }

    fn on_any_count(&mut self, id: RequestId, count: u64, source: TotalSource) -> Result<()> {
        let exact = source.is_exact();
        match &mut self.stage {
            Stage::Confirm {
                items,
                request: Some(r),
            } if *r == id => {
                let items = std::mem::take(items);
                self.answered();
                self.record_total(count, source);
                if exact {
                    self.choose(items, count, self.options.window_cap);
                } else {
                    self.past_the_cap();
                }
                Ok(())
            }
            Stage::PreCount(r) if *r == id => {
                self.answered();
                self.record_total(count, source);
                self.mode = Some(PagingMode::Snapshot);
                self.stage = Stage::OpenSnapshot(None);
                Ok(())
            }
            Stage::Slices { windows, .. } => {
                let index = windows
                    .iter()
                    .position(|w| w.state == WindowState::Counting(Some(id)))
                    .ok_or_else(|| Self::unknown(id))?;
                self.answered();
                self.count_window(index, count, exact)
            }
            _ => Err(Self::unknown(id)),
        }
    }

    /// The whole search's count: exact, or (`LowerBound`) "at least".
    fn record_total(&mut self, count: u64, source: TotalSource) {
        self.source = source;
        if source.is_exact() {
            self.expected = Some(count);
            self.lower_bound = None;
        } else {
            self.expected = None;
            self.lower_bound = Some(count);
        }
    }

    /// `count` is exact, or (`exact` false) a lower bound: a window at the
    /// cap is split whatever its true size.
    fn count_window(&mut self, index: usize, count: u64, exact: bool) -> Result<()> {
        let cap = self.options.window_cap;
        let page_size = self.page_size();
        let ascending = self.ascending_windows();
        let base_pages = self.base.clone();
        let Stage::Slices { windows, .. } = &mut self.stage else {
            return Ok(());
        };
        let Some(window) = windows.get(index) else {
            return Ok(());
        };
        let (lo, hi) = (window.lo, window.hi);
        if exact && count <= cap {
            let search = window_search(&base_pages, lo, hi);
            windows[index].state =
                WindowState::Paging(Box::new(Pages::new(search, count, page_size, cap)));
            self.window_total = self.window_total.saturating_add(count);
        } else {
            let parts = split(lo, hi, count, cap, !exact)?;
            let mut new: Vec<Window> = parts
                .into_iter()
                .map(|(lo, hi)| Window {
                    lo,
                    hi,
                    state: WindowState::Counting(None),
                })
                .collect();
            if !ascending {
                new.reverse();
            }
            windows.splice(index..=index, new);
        }
        self.drain();
        Ok(())
    }

    /// Windows go oldest first only when the search sorts on `start_time` ascending.
    fn ascending_windows(&self) -> bool {
        self.base
            .sort
            .first()
            .is_some_and(|k| is_start_time(&k.field) && !k.descending)
    }

    /// Gives back the id of a newly opened snapshot (for [`PlanAction::OpenSnapshot`]).
    pub fn on_snapshot_opened(&mut self, id: RequestId, snapshot: &str) -> Result<()> {
        if self.stage != Stage::OpenSnapshot(Some(id)) {
            return Err(Self::unknown(id));
        }
        self.answered();
        self.mode = Some(PagingMode::Snapshot);
        let search = SessionSearch {
            limit: Some(self.options.page_size),
            snapshot: Some(snapshot.to_owned()),
            ..self.base.clone()
        };
        self.stage = Stage::Follow {
            next: Some(
                ApiPath::new(SESSIONS_PATH)
                    .query_string(&search.to_query_string())
                    .build(),
            ),
            in_flight: None,
            snapshot: true,
        };
        Ok(())
    }

    /// The appliance has no snapshots (`_snapshot` answered 404): with
    /// [`SnapshotPolicy::Auto`] the plan slices by time instead; with
    /// [`SnapshotPolicy::Always`] this is an error.
    pub fn on_snapshot_unsupported(&mut self, id: RequestId) -> Result<()> {
        if self.stage != Stage::OpenSnapshot(Some(id)) {
            return Err(Self::unknown(id));
        }
        self.answered();
        if self.options.snapshots == SnapshotPolicy::Always || self.reopens > 0 {
            self.stage = Stage::Done;
            return Err(paging_error(
                "the appliance has no snapshot search (`_snapshot` answered 404)",
            ));
        }
        self.start_slicing();
        Ok(())
    }

    /// A snapshot page answered 404: the snapshot expired. The plan reopens one
    /// and walks it from the start, skipping rows already delivered.
    pub fn on_snapshot_expired(&mut self, id: RequestId) -> Result<()> {
        match &self.stage {
            Stage::Follow {
                in_flight: Some(f),
                snapshot: true,
                ..
            } if *f == id => {}
            _ => return Err(Self::unknown(id)),
        }
        self.answered();
        if self.reopens >= self.options.max_snapshot_reopens {
            self.stage = Stage::Done;
            return Err(paging_error(format!(
                "the snapshot expired {} times in a row",
                self.reopens + 1
            )));
        }
        self.reopens += 1;
        self.stage = Stage::OpenSnapshot(None);
        Ok(())
    }

    fn drain(&mut self) {
        match &mut self.stage {
            Stage::Offset(pages) => {
                pages.drain(&mut self.out);
                if pages.finished() {
                    self.stage = Stage::Done;
                }
            }
            Stage::Slices { windows, emit } => {
                while let Some(w) = windows.get_mut(*emit) {
                    match &mut w.state {
                        WindowState::Paging(pages) => {
                            pages.drain(&mut self.out);
                            if pages.finished() {
                                // Emitted slots hold no rows any more.
                                *emit += 1;
                            } else {
                                break;
                            }
                        }
                        WindowState::Counting(_) => break,
                    }
                }
                if *emit >= windows.len() {
                    self.stage = Stage::Done;
                }
            }
            _ => {}
        }
    }

    /// Rows ready to be delivered, in result order, each key once (takes them).
    pub fn take_ready(&mut self) -> Vec<SessionRow> {
        std::mem::take(&mut self.out.ready)
    }

    /// True when every row was delivered (or taken) and nothing is awaited.
    pub fn is_done(&self) -> bool {
        self.stage == Stage::Done && self.in_flight == 0
    }

    /// How many requests are awaiting their answer.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Rows delivered so far (ready or taken).
    pub fn delivered(&self) -> u64 {
        self.out.delivered
    }

    /// Rows dropped because their key had already been delivered.
    pub fn duplicates(&self) -> u64 {
        self.out.duplicates
    }

    /// How many rows the search matches, once known exactly (`match_count`
    /// below the cap, `_count`, or, for time slices without `_count`, the sum
    /// of the windows' counts once every window is counted).
    pub fn expected_total(&self) -> Option<u64> {
        match self.expected {
            Some(total) => Some(total),
            None if self.source == TotalSource::LowerBound
                && self.mode == Some(PagingMode::TimeSlices)
                && self.stage == Stage::Done =>
            {
                Some(self.window_total)
            }
            None => None,
        }
    }

    /// "At least this many" when only a lower bound is known (a
    /// `match_count` at the cap on an appliance without `_count`).
    pub fn lower_bound(&self) -> Option<u64> {
        if self.expected_total().is_some() {
            None
        } else {
            self.lower_bound
        }
    }

    /// How the total is known (see [`TotalSource`]).
    pub fn total_source(&self) -> TotalSource {
        match self.expected_total() {
            Some(_) if self.expected.is_none() => TotalSource::WindowCounts,
            _ => self.source,
        }
    }

    /// Delivered against counted: call when the plan is done.
    pub fn completeness(&self) -> Completeness {
        let delivered = self.out.delivered;
        let expected_total = self.expected_total();
        let lower_bound = self.lower_bound();
        let complete = match (expected_total, lower_bound) {
            (Some(total), _) => delivered >= total,
            (None, Some(at_least)) => delivered >= at_least,
            (None, None) => true,
        };
        Completeness {
            delivered,
            expected_total,
            lower_bound,
            source: self.total_source(),
            complete,
        }
    }

    /// The strategy, once decided.
    pub fn mode(&self) -> Option<PagingMode> {
        self.mode
    }

    /// How many times the snapshot was reopened.
    pub fn snapshot_reopens(&self) -> u32 {
        self.reopens
    }

    /// Whether the rows come in the search's order overall. False only for time
    /// slices under a `sort` whose first key is not `start_time`.
    pub fn in_global_order(&self) -> bool {
        self.mode != Some(PagingMode::TimeSlices)
            || self
                .base
                .sort
                .first()
                .is_none_or(|k| is_start_time(&k.field))
    }

    /// The time windows of a slicing plan: `(lo, hi)` UNIX seconds, `lo`
    /// included, `hi` excluded, in delivery order (for display and tests).
    pub fn windows(&self) -> Vec<(i64, i64)> {
        match &self.stage {
            Stage::Slices { windows, .. } => windows.iter().map(|w| (w.lo, w.hi)).collect(),
            _ => Vec::new(),
        }
    }
}

/// A `meta.next` link as a path on the appliance. SPS writes relative links;
/// an absolute one is cut to its path. Anything else (`//host/...`, no leading
/// `/`) is refused, so that a reply cannot send the client to another host.
fn relative_link(link: &str) -> Result<String> {
    let path = match link.split_once("://") {
        Some((scheme, rest))
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            rest.find('/').map_or("/", |i| &rest[i..])
        }
        _ => link,
    };
    if path.starts_with('/') && !path.starts_with("//") {
        Ok(path.to_owned())
    } else {
        Err(paging_error(format!(
            "refusing the `meta.next` link `{link}`: not a path on the appliance"
        )))
    }
}

fn is_start_time(field: &str) -> bool {
    field == "start_time"
}

/// `start_time` of a probe row, in whole UNIX seconds (rounded down).
fn start_seconds(row: &SessionRow) -> Result<i64> {
    row.body
        .as_ref()
        .and_then(|b| b.get_timestamp("start_time"))
        .map(|t| t.instant().timestamp_millis().div_euclid(1000))
        .ok_or_else(|| {
            paging_error(format!(
                "session `{}` has no readable `start_time`: cannot slice the search by time",
                row.key
            ))
        })
}

/// The search restricted to `start_time` in `[lo, hi)` (UNIX seconds), added
/// to the user's `q` with AND.
fn window_search(base: &SessionSearch, lo: i64, hi: i64) -> SessionSearch {
    let range = Query::Range(Range {
        field: Some(Field::new("start_time")),
        lower: Bound::Inclusive(lo.to_string()),
        upper: Bound::Exclusive(hi.to_string()),
        span: Span::default(),
    });
    let q = match &base.q {
        Some(q) => q.clone().and(range),
        None => range,
    };
    SessionSearch {
        q: Some(q),
        ..base.clone()
    }
}

/// Splits `[lo, hi)` holding `count` (> `cap`) rows into equal parts of time:
/// two at least, about `count / (0.8 × cap)` when more, at most 16, never
/// narrower than a second. Oldest first.
fn split(lo: i64, hi: i64, count: u64, cap: u64, at_least: bool) -> Result<Vec<(i64, i64)>> {
    let width = hi.saturating_sub(lo);
    if width <= 1 {
        return Err(ErrorKind::SliceTooDense {
            start: seconds_text(lo),
            end: seconds_text(hi),
            count,
            at_least,
            cap,
        }
        .into());
    }
    // A lower bound at the cap says "more than fits": a bisection at least.
    let count = if at_least {
        count.max(cap.saturating_add(1))
    } else {
        count
    };
    let wanted = (count.saturating_mul(5))
        .div_ceil(cap.saturating_mul(4))
        .clamp(2, 16);
    let parts = i64::try_from(wanted).unwrap_or(2).min(width);
    let bounds: Vec<i64> = (0..=parts)
        .map(|i| {
            // i128: width × parts cannot overflow.
            let offset = i128::from(width) * i128::from(i) / i128::from(parts);
            lo + i64::try_from(offset).unwrap_or(0)
        })
        .collect();
    Ok(bounds.windows(2).map(|b| (b[0], b[1])).collect())
}

fn seconds_text(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| seconds.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::envelope::CollectionMeta;
    use crate::model::field_source::SparseBody;
    use crate::model::values::Nullable;
    use crate::query::catalogue::Catalogue;
    use crate::query::eval::CompiledQuery;

    /// A tiny in-memory server: rows newest first, SPS's offset cap, a
    /// `match_count` capped at it (as real 7.x/8.x appliances report it),
    /// `_count`, snapshots, q evaluated with the crate's evaluator.
    struct Fake {
        rows: Vec<(String, i64)>, // key, start seconds; newest first
        cap: usize,
        /// `match_count` stops at `cap` (real appliances); false: 6.0, uncapped.
        capped: bool,
        /// `_count` exists; without it the client counts with a one-row page.
        has_count: bool,
        /// Added to every `_count` answer (an appliance that miscounts).
        miscount: i64,
        snapshots: bool,
        expire_snapshot_after_pages: Option<usize>,
        snapshot_pages_served: usize,
        open_snapshots: u32,
        count_requests: usize,
    }

    impl Fake {
        fn new(times: &[i64], cap: usize) -> Fake {
            let mut rows: Vec<(String, i64)> = times
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("k{i:06}"), *t))
                .collect();
            rows.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
            Fake {
                rows,
                cap,
                capped: true,
                has_count: true,
                miscount: 0,
                snapshots: false,
                expire_snapshot_after_pages: None,
                snapshot_pages_served: 0,
                open_snapshots: 0,
                count_requests: 0,
            }
        }

        /// `match_count` for `n` matches.
        fn reported(&self, n: usize) -> u64 {
            if self.capped {
                n.min(self.cap) as u64
            } else {
                n as u64
            }
        }

        fn row(key: &str, t: i64) -> SessionRow {
            let mut body = SparseBody::new();
            body.insert("start_time", serde_json::json!(seconds_text(t)));
            SessionRow {
                key: key.to_owned(),
                meta: None,
                body: Some(body),
            }
        }

        fn matching(&self, search: &SessionSearch) -> Vec<SessionRow> {
            let q = match &search.q {
                Some(q) => CompiledQuery::new(q, Catalogue::sessions()).unwrap(),
                None => CompiledQuery::match_all(),
            };
            let mut rows: Vec<SessionRow> = self
                .rows
                .iter()
                .map(|(k, t)| Fake::row(k, *t))
                .filter(|r| q.matches(r))
                .collect();
            if let Some(k) = search.sort.first() {
                // Stable: ties keep newest-first.
                let key = |r: &SessionRow| start_seconds(r).unwrap();
                if k.descending {
                    rows.sort_by_key(|r| std::cmp::Reverse(key(r)));
                } else {
                    rows.sort_by_key(key);
                }
            }
            rows
        }

        fn page(
            rows: Vec<SessionRow>,
            match_count: Option<u64>,
            next: Option<String>,
        ) -> Collection<SessionRow> {
            Collection {
                items: rows,
                meta: Some(CollectionMeta {
                    match_count,
                    next: next.into(),
                    ..CollectionMeta::default()
                }),
            }
        }

        /// Answers one request, as the client would.
        fn answer(&mut self, plan: &mut PagingPlan, req: PlanRequest) -> Result<()> {
            match req.action {
                PlanAction::Page(search) => {
                    let all = self.matching(&search);
                    let total = self.reported(all.len());
                    let window = all.len().min(self.cap);
                    let offset = search.offset.unwrap_or(0) as usize;
                    let limit = search.limit.unwrap_or(500) as usize;
                    let rows = all[offset.min(window)..(offset + limit).min(window)].to_vec();
                    plan.on_page(req.id, Fake::page(rows, Some(total), None))
                }
                PlanAction::Count(search) => {
                    self.count_requests += 1;
                    let n = self.matching(&search).len();
                    if !self.has_count {
                        // What the client does on a 404 from `_count`.
                        return plan.on_match_count(req.id, self.reported(n));
                    }
                    let told = (n as i64 + self.miscount).max(0) as u64;
                    plan.on_count(req.id, told)
                }
                PlanAction::OpenSnapshot => {
                    if !self.snapshots {
                        return plan.on_snapshot_unsupported(req.id);
                    }
                    self.open_snapshots += 1;
                    plan.on_snapshot_opened(req.id, &format!("snap{}", self.open_snapshots))
                }
                PlanAction::Follow { path, snapshot } => {
                    assert!(snapshot);
                    self.snapshot_pages_served += 1;
                    if self
                        .expire_snapshot_after_pages
                        .is_some_and(|n| self.snapshot_pages_served == n + 1)
                    {
                        return plan.on_snapshot_expired(req.id);
                    }
                    let (base, after) = match path.split_once("&after=") {
                        Some((b, a)) => (b.to_owned(), a.parse::<usize>().unwrap()),
                        None => (path.clone(), 0),
                    };
                    let search = SessionSearch::from_query_string(
                        base.split_once('?').map(|x| x.1).unwrap_or(""),
                    )
                    .unwrap();
                    let all = self.matching(&search);
                    let limit = search.limit.unwrap_or(500) as usize;
                    let to = (after + limit).min(all.len());
                    let rows = all[after.min(all.len())..to].to_vec();
                    let next = (!rows.is_empty()).then(|| format!("{base}&after={to}"));
                    plan.on_page(req.id, Fake::page(rows, None, next))
                }
            }
        }

        /// Runs a plan to the end with `slots` requests in flight, answering
        /// the newest request first so that pages complete out of order.
        fn run(&mut self, plan: &mut PagingPlan, slots: usize) -> Result<Vec<SessionRow>> {
            let mut out = Vec::new();
            let mut queue: Vec<PlanRequest> = Vec::new();
            for _ in 0..10_000 {
                let free = slots - queue.len();
                queue.extend(plan.next_requests(free));
                let Some(req) = queue.pop() else { break };
                self.answer(plan, req)?;
                out.extend(plan.take_ready());
            }
            assert!(plan.is_done(), "plan stalled");
            Ok(out)
        }

        fn keys(&self) -> Vec<String> {
            self.rows.iter().map(|(k, _)| k.clone()).collect()
        }
    }

    fn opts(page: u32, cap: u64, snapshots: SnapshotPolicy) -> PlanOptions {
        PlanOptions {
            page_size: page,
            window_cap: cap,
            snapshots,
            max_snapshot_reopens: 3,
            count_cap: cap,
        }
    }

    fn keys(rows: &[SessionRow]) -> Vec<String> {
        rows.iter().map(|r| r.key.clone()).collect()
    }

    const T0: i64 = 1_700_000_000;

    fn spread(n: usize, step: i64) -> Vec<i64> {
        (0..n as i64).map(|i| T0 + i * step).collect()
    }

    #[test]
    fn zero_results_is_one_request() {
        let mut fake = Fake::new(&[], 10);
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(3, 10, SnapshotPolicy::Auto));
        let rows = fake.run(&mut plan, 4).unwrap();
        assert!(rows.is_empty());
        assert_eq!(plan.mode(), Some(PagingMode::Offset));
        assert_eq!(plan.expected_total(), Some(0));
    }

    #[test]
    fn offset_plan_pages_in_order_up_to_the_cap() {
        // Exactly the cap: offset paging, no slicing.
        let mut fake = Fake::new(&spread(10, 1), 10);
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(3, 10, SnapshotPolicy::Never));
        let rows = fake.run(&mut plan, 4).unwrap();
        assert_eq!(keys(&rows), fake.keys());
        assert_eq!(plan.mode(), Some(PagingMode::Offset));
        // `match_count` at the cap is a lower bound: `_count` confirms it.
        assert_eq!(fake.count_requests, 1);
        assert_eq!(plan.total_source(), TotalSource::CountEndpoint);
        assert!(plan.completeness().complete);
    }

    #[test]
    fn below_the_cap_match_count_is_exact_and_no_count_is_asked() {
        let mut fake = Fake::new(&spread(9, 1), 10);
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(3, 10, SnapshotPolicy::Auto));
        let rows = fake.run(&mut plan, 4).unwrap();
        assert_eq!(keys(&rows), fake.keys());
        assert_eq!(fake.count_requests, 0);
        let c = plan.completeness();
        assert_eq!(
            (c.expected_total, c.source, c.complete),
            (Some(9), TotalSource::MatchCount, true)
        );
    }

    /// The bug of a capped `match_count`: 12 sessions (cap 10) looked like
    /// exactly 10, and offset paging silently stopped there.
    #[test]
    fn capped_match_count_is_not_taken_for_the_total() {
        for snapshots in [
            SnapshotPolicy::Auto,
            SnapshotPolicy::Never,
            SnapshotPolicy::Always,
        ] {
            for has_snapshots in [false, true] {
                if snapshots == SnapshotPolicy::Always && !has_snapshots {
                    continue;
                }
                let mut fake = Fake::new(&spread(12, 5), 10);
                fake.snapshots = has_snapshots;
                let mut plan = PagingPlan::new(&SessionSearch::new(), opts(3, 10, snapshots));
                let rows = fake.run(&mut plan, 4).unwrap();
                let mut got = keys(&rows);
                got.sort();
                let mut want = fake.keys();
                want.sort();
                assert_eq!(got, want, "{snapshots:?} snapshots={has_snapshots}");
                let c = plan.completeness();
                assert_eq!(c.expected_total, Some(12));
                assert_eq!(c.source, TotalSource::CountEndpoint);
                assert!(c.complete);
            }
        }
    }

    #[test]
    fn without_count_at_the_cap_walks_a_snapshot_and_knows_only_a_lower_bound() {
        let mut fake = Fake::new(&spread(25, 1), 10);
        fake.has_count = false;
        fake.snapshots = true;
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(4, 10, SnapshotPolicy::Auto));
        let rows = fake.run(&mut plan, 4).unwrap();
        assert_eq!(keys(&rows), fake.keys());
        assert_eq!(plan.mode(), Some(PagingMode::Snapshot));
        let c = plan.completeness();
        assert_eq!(c.expected_total, None);
        assert_eq!(c.lower_bound, Some(10));
        assert_eq!(c.source, TotalSource::LowerBound);
        assert!(c.complete);
    }

    #[test]
    fn without_count_and_snapshots_windows_at_the_cap_are_split_further() {
        // 25 rows, then 40 in a burst: windows whose one-row count says "10"
        // (the cap) hold more and must be split, not paged.
        let mut times = spread(25, 100);
        times.extend((0..40).map(|i| T0 + 5_000 + i));
        let mut fake = Fake::new(&times, 10);
        fake.has_count = false;
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(4, 10, SnapshotPolicy::Auto));
        let rows = fake.run(&mut plan, 3).unwrap();
        let mut got = keys(&rows);
        got.sort();
        let mut want = fake.keys();
        want.sort();
        assert_eq!(got, want, "every key once");
        assert_eq!(plan.mode(), Some(PagingMode::TimeSlices));
        let c = plan.completeness();
        assert_eq!(c.expected_total, Some(65), "the sum of exact window counts");
        assert_eq!(c.source, TotalSource::WindowCounts);
        assert!(c.complete);
    }

    #[test]
    fn a_dense_second_at_the_cap_without_count_says_at_least() {
        let mut times = vec![T0 + 7; 12];
        times.push(T0);
        let mut fake = Fake::new(&times, 10);
        fake.has_count = false;
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(4, 10, SnapshotPolicy::Never));
        let err = fake.run(&mut plan, 2).unwrap_err();
        match err.kind() {
            ErrorKind::SliceTooDense {
                at_least, count, ..
            } => {
                assert!(*at_least);
                assert_eq!(*count, 10);
                assert!(err.to_string().contains("10 or more sessions"), "{err}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_count_that_disagrees_with_what_arrives_is_incomplete() {
        let mut fake = Fake::new(&spread(25, 1), 10);
        fake.snapshots = true;
        fake.miscount = 3;
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(4, 10, SnapshotPolicy::Auto));
        let rows = fake.run(&mut plan, 4).unwrap();
        assert_eq!(rows.len(), 25);
        let c = plan.completeness();
        assert_eq!((c.delivered, c.expected_total), (25, Some(28)));
        assert!(!c.complete);
    }

    #[test]
    fn an_uncapped_match_count_past_the_cap_is_exact() {
        // A 6.0 appliance: match_count 25 with a cap of 10 is the total.
        let mut fake = Fake::new(&spread(25, 3), 10);
        fake.capped = false;
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(4, 10, SnapshotPolicy::Never));
        let rows = fake.run(&mut plan, 4).unwrap();
        assert_eq!(keys(&rows), fake.keys());
        let c = plan.completeness();
        assert_eq!(
            (c.expected_total, c.source),
            (Some(25), TotalSource::MatchCount)
        );
        assert!(c.complete);
    }

    #[test]
    fn always_counts_before_opening_the_snapshot() {
        let mut fake = Fake::new(&spread(7, 1), 10);
        fake.snapshots = true;
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(4, 10, SnapshotPolicy::Always));
        let first = plan.next_requests(4);
        assert_eq!(first.len(), 1);
        assert!(matches!(first[0].action, PlanAction::Count(_)));
        fake.answer(&mut plan, first[0].clone()).unwrap();
        let rows = fake.run(&mut plan, 4).unwrap();
        assert_eq!(keys(&rows), fake.keys());
        assert_eq!(plan.completeness().expected_total, Some(7));
    }

    #[test]
    fn offset_plan_requests_respect_limits() {
        let mut plan = PagingPlan::new(&SessionSearch::new(), PlanOptions::default());
        let first = plan.next_requests(4);
        assert_eq!(first.len(), 1, "only the probe before match_count is known");
        let page = |n: usize| {
            Fake::page(
                (0..n).map(|i| Fake::row(&format!("a{i}"), T0)).collect(),
                Some(10_000),
                None,
            )
        };
        plan.on_page(first[0].id, page(500)).unwrap();
        // 10,000 is the cap: `_count` tells it is exactly that.
        let count = plan.next_requests(4);
        assert_eq!(count.len(), 1);
        assert_eq!(
            count[0].action.path_and_query(),
            "/api/audit/sessions/_count"
        );
        plan.on_count(count[0].id, 10_000).unwrap();
        let mut offsets = Vec::new();
        loop {
            let reqs = plan.next_requests(4);
            if reqs.is_empty() {
                break;
            }
            for r in reqs {
                let PlanAction::Page(s) = &r.action else {
                    panic!()
                };
                assert!(s.limit.unwrap() <= MAX_LIMIT);
                assert!(s.offset.unwrap() + s.limit.unwrap() <= MAX_OFFSET);
                offsets.push(s.offset.unwrap());
                plan.on_page(r.id, Fake::page(Vec::new(), Some(10_000), None))
                    .unwrap();
            }
        }
        assert_eq!(offsets, (1..20).map(|i| i * 500).collect::<Vec<_>>());
        assert!(plan.is_done());
    }

    #[test]
    fn one_over_the_cap_slices_by_time() {
        let mut fake = Fake::new(&spread(11, 10), 10);
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(3, 10, SnapshotPolicy::Never));
        let rows = fake.run(&mut plan, 4).unwrap();
        assert_eq!(keys(&rows), fake.keys(), "every key once, newest first");
        assert_eq!(plan.mode(), Some(PagingMode::TimeSlices));
        assert!(plan.in_global_order());
    }

    #[test]
    fn slicing_recurses_on_uneven_data() {
        // 60 rows: 50 in a burst of 5 seconds, 10 spread over a day.
        let mut times: Vec<i64> = (0..50).map(|i| T0 + i / 10).collect();
        times.extend((0..10).map(|i| T0 + 10_000 + i * 8_000));
        let mut fake = Fake::new(&times, 12);
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(5, 12, SnapshotPolicy::Never));
        let rows = fake.run(&mut plan, 3).unwrap();
        let mut got = keys(&rows);
        got.sort();
        let mut want = fake.keys();
        want.sort();
        assert_eq!(got, want);
        // Newest first across windows.
        let starts: Vec<i64> = rows.iter().map(|r| start_seconds(r).unwrap()).collect();
        assert!(starts.windows(2).all(|w| w[0] >= w[1]));
        assert!(fake.count_requests >= 3, "recursion needed counts");
    }

    #[test]
    fn ascending_sort_gives_oldest_window_first() {
        let mut fake = Fake::new(&spread(30, 7), 10);
        let search = SessionSearch::new().with_sort("start_time").unwrap();
        let mut plan = PagingPlan::new(&search, opts(4, 10, SnapshotPolicy::Never));
        let rows = fake.run(&mut plan, 4).unwrap();
        let starts: Vec<i64> = rows.iter().map(|r| start_seconds(r).unwrap()).collect();
        assert_eq!(starts.len(), 30);
        assert!(starts.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn user_query_is_kept_in_every_window() {
        let mut fake = Fake::new(&spread(40, 3), 10);
        let search = SessionSearch::new()
            .with_q_text(&format!("start_time:[* TO {}]", T0 + 3 * 29))
            .unwrap();
        let mut plan = PagingPlan::new(&search, opts(4, 10, SnapshotPolicy::Never));
        let rows = fake.run(&mut plan, 2).unwrap();
        assert_eq!(rows.len(), 30);
    }

    #[test]
    fn one_second_over_the_cap_is_an_error() {
        let mut fake = Fake::new(&[T0; 11], 10);
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(3, 10, SnapshotPolicy::Never));
        let err = fake.run(&mut plan, 4).unwrap_err();
        match err.kind() {
            ErrorKind::SliceTooDense { count, cap, .. } => {
                assert_eq!((*count, *cap), (11, 10));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn dense_second_within_a_longer_span_is_an_error_not_a_loop() {
        let mut times = vec![T0 + 500; 11];
        times.push(T0);
        times.push(T0 + 1000);
        let mut fake = Fake::new(&times, 10);
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(3, 10, SnapshotPolicy::Never));
        let err = fake.run(&mut plan, 4).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::SliceTooDense { .. }));
    }

    #[test]
    fn split_is_bounded_and_covers_the_window() {
        let parts = split(0, 3, 1_000_000, 10, false).unwrap();
        assert_eq!(parts, vec![(0, 1), (1, 2), (2, 3)]);
        let parts = split(100, 200, 25, 10, false).unwrap();
        assert_eq!(parts.first().unwrap().0, 100);
        assert_eq!(parts.last().unwrap().1, 200);
        assert!(parts.len() >= 2 && parts.len() <= 16);
        assert!(parts.windows(2).all(|w| w[0].1 == w[1].0));
        assert!(split(5, 6, 11, 10, false).is_err());
        // A lower bound at the cap bisects.
        assert_eq!(split(0, 10, 10, 10, true).unwrap().len(), 2);
    }

    #[test]
    fn window_search_keeps_the_users_filter() {
        let base = SessionSearch::new()
            .with_q_text("protocol:ssh OR protocol:rdp")
            .unwrap();
        let s = window_search(&base, 10, 20);
        assert_eq!(
            s.q.unwrap().to_string(),
            "(protocol:ssh OR protocol:rdp) AND start_time:[10 TO 20}"
        );
    }

    #[test]
    fn snapshot_walk_follows_next_until_the_empty_page() {
        let mut fake = Fake::new(&spread(25, 1), 10);
        fake.snapshots = true;
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(4, 10, SnapshotPolicy::Auto));
        let rows = fake.run(&mut plan, 4).unwrap();
        assert_eq!(keys(&rows), fake.keys());
        assert_eq!(plan.mode(), Some(PagingMode::Snapshot));
        // 25 rows in pages of 4: 7 with items, then the empty one.
        assert_eq!(fake.snapshot_pages_served, 8);
    }

    #[test]
    fn snapshot_unsupported_falls_back_to_slices() {
        let mut fake = Fake::new(&spread(25, 1), 10);
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(4, 10, SnapshotPolicy::Auto));
        let rows = fake.run(&mut plan, 4).unwrap();
        assert_eq!(keys(&rows), fake.keys());
        assert_eq!(plan.mode(), Some(PagingMode::TimeSlices));
    }

    #[test]
    fn always_snapshot_without_support_is_an_error() {
        let mut fake = Fake::new(&spread(5, 1), 10);
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(4, 10, SnapshotPolicy::Always));
        assert!(fake.run(&mut plan, 4).is_err());
    }

    #[test]
    fn expired_snapshot_is_reopened_without_duplicates() {
        let mut fake = Fake::new(&spread(25, 1), 10);
        fake.snapshots = true;
        fake.expire_snapshot_after_pages = Some(3);
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(4, 10, SnapshotPolicy::Always));
        let rows = fake.run(&mut plan, 4).unwrap();
        assert_eq!(keys(&rows), fake.keys());
        assert_eq!(plan.snapshot_reopens(), 1);
        assert_eq!(plan.duplicates(), 12, "the three pages walked again");
    }

    #[test]
    fn duplicates_across_pages_are_dropped() {
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(2, 10, SnapshotPolicy::Never));
        let probe = plan.next_requests(1);
        let page = |keys: &[&str]| {
            Fake::page(
                keys.iter().map(|k| Fake::row(k, T0)).collect(),
                Some(4),
                None,
            )
        };
        plan.on_page(probe[0].id, page(&["a", "b"])).unwrap();
        let next = plan.next_requests(4);
        assert_eq!(next.len(), 1);
        // A new session arrived on top: "b" shifts into the second page.
        plan.on_page(next[0].id, page(&["b", "c"])).unwrap();
        assert_eq!(keys(&plan.take_ready()), vec!["a", "b", "c"]);
        assert_eq!(plan.duplicates(), 1);
        assert!(plan.is_done());
    }

    #[test]
    fn full_last_page_asks_for_one_more() {
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(2, 10, SnapshotPolicy::Never));
        let probe = plan.next_requests(1);
        let page = |keys: &[&str]| {
            Fake::page(
                keys.iter().map(|k| Fake::row(k, T0)).collect(),
                Some(1),
                None,
            )
        };
        // Counted 1, but the page is full: one more session arrived since.
        plan.on_page(probe[0].id, page(&["a", "b"])).unwrap();
        let more = plan.next_requests(4);
        assert_eq!(more.len(), 1, "a full last page may hide late rows");
        plan.on_page(more[0].id, page(&[])).unwrap();
        assert!(plan.is_done());
    }

    #[test]
    fn follows_links_without_match_count() {
        let mut plan = PagingPlan::new(&SessionSearch::new(), opts(2, 10, SnapshotPolicy::Auto));
        let probe = plan.next_requests(1);
        let row = |k: &str| Fake::row(k, T0);
        plan.on_page(
            probe[0].id,
            Collection {
                items: vec![row("a"), row("b")],
                meta: Some(CollectionMeta {
                    next: Nullable::Value("/api/audit/sessions?limit=2&offset=2".into()),
                    ..CollectionMeta::default()
                }),
            },
        )
        .unwrap();
        let next = plan.next_requests(4);
        assert_eq!(next.len(), 1);
        assert_eq!(
            next[0].action.path_and_query(),
            "/api/audit/sessions?limit=2&offset=2"
        );
        plan.on_page(next[0].id, Fake::page(vec![row("c")], None, None))
            .unwrap();
        assert_eq!(keys(&plan.take_ready()), vec!["a", "b", "c"]);
        assert!(plan.is_done());
        assert_eq!(plan.mode(), Some(PagingMode::FollowLinks));
    }

    #[test]
    fn next_links_stay_on_the_appliance() {
        assert_eq!(
            relative_link("/api/audit/sessions?x=1").unwrap(),
            "/api/audit/sessions?x=1"
        );
        assert_eq!(
            relative_link("https://sps.example/api/audit/sessions?x=1").unwrap(),
            "/api/audit/sessions?x=1"
        );
        assert!(relative_link("//evil.example/api").is_err());
        assert!(relative_link("api/audit").is_err());
        assert!(relative_link("javascript:alert(1)").is_err());
    }

    #[test]
    fn unknown_ids_are_refused() {
        let mut plan = PagingPlan::new(&SessionSearch::new(), PlanOptions::default());
        assert!(plan.on_count(99, 1).is_err());
        assert!(plan
            .on_page(99, Fake::page(Vec::new(), Some(0), None))
            .is_err());
    }

    #[test]
    fn plan_ignores_the_users_paging_parameters() {
        let search = SessionSearch::new()
            .with_limit(7)
            .unwrap()
            .with_offset(70)
            .unwrap()
            .with_format(crate::request::search::Format::Csv)
            .with_snapshot("old");
        let mut plan = PagingPlan::new(&search, PlanOptions::default());
        let probe = plan.next_requests(1);
        assert_eq!(
            probe[0].action.path_and_query(),
            "/api/audit/sessions?limit=500&offset=0"
        );
    }
}
