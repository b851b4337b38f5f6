//! The one client of the audit API, shared by the viewer and the npm package:
//! typed requests for every endpoint, SPS's errors kept as they are, and
//! [`Client::fetch_all`], which fetches every session of a search past the
//! 10,000-result cap with several pages in flight, progress, cancellation and
//! recovery (re-login, back-off, snapshot reopening).
//!
//! The client does no I/O itself: a [`Transport`] sends GET requests and
//! sleeps. The browser transport is `FetchTransport` (feature `fetch`, wasm32);
//! tests use one over `reqwest`. A transport owns the login cookie
//! (`session_id`): a browser keeps it in its own jar, while Node has no jar and
//! its transport must keep the cookie from the login reply's `Set-Cookie`
//! itself. The client never reads or sends cookies.
//!
//! The layer is split by concern: `transport.rs` (the [`Transport`] trait,
//! [`HttpRequest`], [`HttpReply`], [`TransportError`], [`CancelToken`]),
//! `auth.rs` (login), this file (one typed method per endpoint), `walk.rs`
//! (every page of a session's sub-list), `fetch_all.rs` (every session of a
//! search), `paging.rs` (the paging plan, a state machine without I/O),
//! `fetch.rs` (the browser transport) and `js_error.rs`.
//!
//! Everything is single-threaded friendly: no `Send` bounds, so the same code
//! runs on wasm32 (one thread, JS promises) and natively (tokio, in one task).

use std::cell::Cell;

use serde::Deserialize;

mod auth;
mod fetch_all;
mod paging;
mod transport;
mod walk;

#[cfg(all(feature = "fetch", target_arch = "wasm32"))]
mod fetch;
#[cfg(feature = "fetch")]
mod js_error;

pub use auth::{basic_authorization, LoginMethod};
#[cfg(all(feature = "fetch", target_arch = "wasm32"))]
pub use fetch::{FetchTransport, DEFAULT_MAX_REPLY_BYTES, DEFAULT_TIMEOUT_MS};
pub use fetch_all::{
    FetchAllError, FetchObserver, FetchOptions, FetchStats, Fetched, NoObserver, Progress,
};
#[cfg(feature = "fetch")]
pub use js_error::js_error_text;
pub use paging::{
    Completeness, PagingMode, PagingPlan, PlanAction, PlanOptions, PlanRequest, RequestId,
    SnapshotPolicy, TotalSource,
};
pub use transport::{
    api_error, retry_after_seconds, CancelToken, Cancelled, HttpReply, HttpRequest, Transport,
    TransportError, TransportErrorKind,
};
pub use walk::{WALK_MAX_PAGES, WALK_PAGE_SIZE};

use crate::error::Result;
use crate::model::alert::Alert;
use crate::model::channel::ChannelItem;
use crate::model::content::ContentHit;
use crate::model::decode::{
    decode_alerts, decode_channels, decode_content_hits, decode_events, decode_histogram,
    decode_indexing, decode_info, decode_json, decode_session, decode_session_list,
    decode_snapshot, decode_stats, decode_stats_reply, decode_trail_downloads,
};
use crate::model::envelope::{Collection, InfoBody, Single, SingleMeta, StatsBucket};
use crate::model::event::Event;
use crate::model::histogram::HistogramReply;
use crate::model::indexing::Indexing;
use crate::model::session::{Session, SessionRow};
use crate::model::stats::StatsReply;
use crate::model::trail_download::TrailDownload;
use crate::request::histogram::HistogramBin;
use crate::request::path::{
    histogram_path, session_part_path, session_path, stats_path, ApiPath, INFO_PATH,
};
use crate::request::search::{ContentSearch, EventSearch, Format, SessionSearch};

#[derive(Deserialize)]
struct CountWithMeta {
    count: u64,
    #[serde(default)]
    meta: Option<SingleMeta>,
}

/// The client. Methods take `&self`, so a [`FetchObserver`] can hold a
/// reference to the same client to log in again during a fetch.
#[derive(Debug)]
pub struct Client<T> {
    transport: T,
    remaining: Cell<Option<i64>>,
}

impl<T: Transport> Client<T> {
    /// A client over `transport`.
    pub fn new(transport: T) -> Client<T> {
        Client {
            transport,
            remaining: Cell::new(None),
        }
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The login's remaining seconds from the latest reply that told it.
    pub fn remaining_seconds(&self) -> Option<i64> {
        self.remaining.get()
    }

    fn note_remaining(&self, seconds: Option<i64>) {
        if seconds.is_some() {
            self.remaining.set(seconds);
        }
    }

    /// Sends a GET and returns the reply whatever its status (the escape hatch
    /// for endpoints without a typed method).
    pub async fn get_raw(&self, request: &HttpRequest) -> Result<HttpReply> {
        Ok(self.transport.get(request).await?)
    }

    /// GET that turns non-2xx replies into [`ErrorKind::Api`].
    async fn get_ok(&self, request: &HttpRequest) -> Result<HttpReply> {
        let reply = self.get_raw(request).await?;
        if reply.is_success() {
            Ok(reply)
        } else {
            Err(api_error(&reply))
        }
    }

    async fn get_collection<X>(
        &self,
        path: &str,
        decode: fn(&[u8]) -> Result<Collection<X>>,
    ) -> Result<Collection<X>> {
        let reply = self.get_ok(&HttpRequest::new(path)).await?;
        let collection = decode(&reply.body)?;
        self.note_remaining(collection.meta.as_ref().and_then(|m| m.remaining_seconds));
        Ok(collection)
    }

    async fn get_single<X>(
        &self,
        path: &str,
        decode: fn(&[u8]) -> Result<Single<X>>,
    ) -> Result<Single<X>> {
        let reply = self.get_ok(&HttpRequest::new(path)).await?;
        let single = decode(&reply.body)?;
        self.note_remaining(single.meta.as_ref().and_then(|m| m.remaining_seconds));
        Ok(single)
    }
    /// `GET /api/info`: the firmware version.
    pub async fn info(&self) -> Result<Single<InfoBody>> {
        self.get_single(INFO_PATH, decode_info).await
    }

    /// One page of the sessions list (`format` is forced to JSON).
    pub async fn sessions(&self, search: &SessionSearch) -> Result<Collection<SessionRow>> {
        let search = SessionSearch {
            format: None,
            ..search.clone()
        };
        self.get_collection(&plan_path(&PlanAction::Page(search)), decode_session_list)
            .await
    }

    /// One page of the sessions list as SPS's CSV (`format=csv`), bytes as sent.
    pub async fn sessions_csv(&self, search: &SessionSearch) -> Result<Vec<u8>> {
        let search = search.clone().with_format(Format::Csv);
        let path = plan_path(&PlanAction::Page(search));
        let request = HttpRequest {
            path_and_query: path,
            headers: vec![("Accept".to_owned(), "text/csv".to_owned())],
        };
        Ok(self.get_ok(&request).await?.body)
    }

    /// How many sessions match: `GET /api/audit/sessions/_count?…`.
    pub async fn count(&self, search: &SessionSearch) -> Result<u64> {
        let path = plan_path(&PlanAction::Count(count_search(search)));
        let reply = self.get_ok(&HttpRequest::new(path)).await?;
        let count = decode_json::<CountWithMeta>("count", &reply.body)?;
        self.note_remaining(count.meta.and_then(|m| m.remaining_seconds));
        Ok(count.count)
    }

    /// Opens a snapshot (SPS 7.5+): `GET /api/audit/sessions/_snapshot`. An
    /// appliance without snapshots answers 404 `NotFound`.
    pub async fn open_snapshot(&self) -> Result<String> {
        let single = self
            .get_single(&plan_path(&PlanAction::OpenSnapshot), decode_snapshot)
            .await?;
        Ok(single.body.snapshot)
    }

    /// Top values of `field` with counts: `GET /api/audit/sessions/stats?field=…`
    /// (the search's `q`, `content`, `start`, `end` apply; `size` values at most).
    pub async fn stats(
        &self,
        field: &str,
        search: &SessionSearch,
        size: Option<u32>,
    ) -> Result<Collection<StatsBucket>> {
        let filters = count_search(search).to_query_string();
        let path = stats_path(field, None, size, &filters);
        self.get_collection(&path, decode_stats).await
    }

    /// Top values of `field` with counts, each with the counts of
    /// `sub_field`'s values among its sessions:
    /// `GET /api/audit/sessions/stats?field=…&sub_fields=…&size=N` (the
    /// search's `q`, `content`, `start`, `end` apply). SPS considers one sub
    /// field only, so one is asked. The reply's `meta` has `others` (the
    /// count left out of the top `size`).
    pub async fn stats_by(
        &self,
        field: &str,
        sub_field: Option<&str>,
        search: &SessionSearch,
        size: Option<u32>,
    ) -> Result<StatsReply> {
        let filters = count_search(search).to_query_string();
        let path = stats_path(field, sub_field, size, &filters);
        let reply = self.get_ok(&HttpRequest::new(path)).await?;
        let stats = decode_stats_reply(&reply.body)?;
        self.note_remaining(stats.meta.as_ref().and_then(|m| m.remaining_seconds));
        Ok(stats)
    }

    /// Matching sessions per interval of `bin` with the counts of `field`'s
    /// values in each: `GET /api/audit/sessions/histogram?field=…&bin-size=…`
    /// (the search's `q`, `content`, `start`, `end` apply; `start`/`end` set
    /// the period). SPS 6.0.4 and later; an older appliance answers 404, for
    /// which [`crate::Error::is_not_found`] is true: count the intervals with
    /// [`Client::count`] instead.
    pub async fn histogram(
        &self,
        field: &str,
        bin: HistogramBin,
        search: &SessionSearch,
    ) -> Result<HistogramReply> {
        let filters = count_search(search).to_query_string();
        let path = histogram_path(field, bin.as_str(), &filters);
        let reply = self.get_ok(&HttpRequest::new(path)).await?;
        let histogram = decode_histogram(&reply.body)?;
        self.note_remaining(histogram.meta.as_ref().and_then(|m| m.remaining_seconds));
        Ok(histogram)
    }

    /// One full session: `GET /api/audit/sessions/<key>`.
    pub async fn session(&self, key: &str) -> Result<Single<Session>> {
        self.get_single(&session_path(key), decode_session).await
    }

    /// A session's channels (one page: SPS's default limit).
    pub async fn channels(&self, key: &str) -> Result<Collection<ChannelItem>> {
        self.get_collection(&session_part_path(key, "channels"), decode_channels)
            .await
    }

    /// A session's events, filtered by `search` (one page).
    pub async fn events(&self, key: &str, search: &EventSearch) -> Result<Collection<Event>> {
        let path = ApiPath::new(session_part_path(key, "events"))
            .query_string(&search.to_query_string())
            .build();
        self.get_collection(&path, decode_events).await
    }

    /// A session's alerts (one page).
    pub async fn alerts(&self, key: &str) -> Result<Collection<Alert>> {
        self.get_collection(&session_part_path(key, "alerts"), decode_alerts)
            .await
    }

    /// A session's indexing details (one page).
    pub async fn indexing(&self, key: &str) -> Result<Collection<Indexing>> {
        self.get_collection(&session_part_path(key, "indexing"), decode_indexing)
            .await
    }

    /// A session's audit-trail downloads (one page).
    pub async fn trail_downloads(&self, key: &str) -> Result<Collection<TrailDownload>> {
        self.get_collection(
            &session_part_path(key, "trail_downloads"),
            decode_trail_downloads,
        )
        .await
    }

    /// A search in a session's recorded content.
    pub async fn content(
        &self,
        key: &str,
        search: &ContentSearch,
    ) -> Result<Collection<ContentHit>> {
        let path = ApiPath::new(session_part_path(key, "content"))
            .query_string(&search.to_query_string())
            .build();
        self.get_collection(&path, decode_content_hits).await
    }

    /// A session's audit trail file, bytes as sent.
    pub async fn audit_trail(&self, key: &str) -> Result<Vec<u8>> {
        let request = HttpRequest {
            path_and_query: session_part_path(key, "audit_trail"),
            headers: Vec::new(),
        };
        Ok(self.get_ok(&request).await?.body)
    }
}

fn plan_path(action: &PlanAction) -> String {
    action.path_and_query()
}

/// The filters of a search, without what a count or stats do not take.
fn count_search(search: &SessionSearch) -> SessionSearch {
    SessionSearch {
        fields: None,
        sort: Vec::new(),
        limit: None,
        offset: None,
        format: None,
        snapshot: None,
        ..search.clone()
    }
}

#[cfg(test)]
mod tests;
