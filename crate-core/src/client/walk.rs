//! Every page of a session's sub-list: events, alerts, channels, indexing and
//! trail downloads page with `limit`/`offset` like the sessions list, but a
//! session's detail needs all of them, so [`Client::walk_pages`] asks page
//! after page until the last one.

use super::{Client, Transport};
use crate::error::Result;
use crate::model::alert::Alert;
use crate::model::channel::ChannelItem;
use crate::model::decode::{
    decode_alerts, decode_channels, decode_events, decode_indexing, decode_trail_downloads,
};
use crate::model::envelope::Collection;
use crate::model::event::Event;
use crate::model::indexing::Indexing;
use crate::model::trail_download::TrailDownload;
use crate::request::path::{session_part_path, ApiPath};
use crate::request::search::{EventSearch, MAX_LIMIT};

/// Items per request of a walk: SPS's largest page.
pub const WALK_PAGE_SIZE: u32 = MAX_LIMIT;

/// The most pages one walk asks for: stops a runaway walk (a server that keeps
/// answering full pages); 200 pages of 500 items is far more than any one
/// session holds.
pub const WALK_MAX_PAGES: u32 = 200;

/// `limit=500&offset=<offset>`: the page of a sub-list without a filter.
fn plain_page(offset: u32) -> Result<String> {
    let (limit, offset) = (WALK_PAGE_SIZE.to_string(), offset.to_string());
    Ok(ApiPath::query_only()
        .param("limit", &limit)
        .param("offset", &offset)
        .into_query())
}

impl<T: Transport> Client<T> {
    /// Every item of a paged list: GETs `<path>?<page(offset)>` with offset 0,
    /// then the offset after the items so far, until a page says it is the
    /// last (`meta.next` null; without `meta`, a page shorter than
    /// [`WALK_PAGE_SIZE`]) or is empty, at most [`WALK_MAX_PAGES`] pages.
    /// `page` gives the query string of a page (it should ask for
    /// [`WALK_PAGE_SIZE`] items); `decode` reads one page.
    ///
    /// Any error (a non-2xx reply as [`crate::ErrorKind::Api`], a page that
    /// does not decode) ends the walk and drops the items so far: a detail
    /// view shows all of a list or says why it cannot.
    pub async fn walk_pages<X>(
        &self,
        path: &str,
        page: impl Fn(u32) -> Result<String>,
        decode: fn(&[u8]) -> Result<Collection<X>>,
    ) -> Result<Vec<X>> {
        let mut items = Vec::new();
        let mut offset = 0u32;
        for _ in 0..WALK_MAX_PAGES {
            let url = ApiPath::new(path).query_string(&page(offset)?).build();
            let collection = self.get_collection(&url, decode).await?;
            let count = collection.items.len();
            // `next: null` ends the walk; without meta, a short page does.
            let has_next = match &collection.meta {
                Some(meta) if !meta.next.is_absent() => meta.next().is_some(),
                _ => count >= WALK_PAGE_SIZE as usize,
            };
            items.extend(collection.items);
            if count == 0 || !has_next {
                break;
            }
            offset = offset.saturating_add(u32::try_from(count).unwrap_or(WALK_PAGE_SIZE));
        }
        Ok(items)
    }

    /// All events of session `key` that match `search`'s `q` (its own
    /// `limit`/`offset` are replaced by the walk's).
    pub async fn all_events(&self, key: &str, search: &EventSearch) -> Result<Vec<Event>> {
        let page = |offset: u32| {
            let page = search
                .clone()
                .with_limit(WALK_PAGE_SIZE)?
                .with_offset(offset);
            Ok(page.to_query_string())
        };
        self.walk_pages(&session_part_path(key, "events"), page, decode_events)
            .await
    }

    /// All alerts of session `key` (SPS sorts them by record id).
    pub async fn all_alerts(&self, key: &str) -> Result<Vec<Alert>> {
        self.walk_pages(&session_part_path(key, "alerts"), plain_page, decode_alerts)
            .await
    }

    /// All channels of session `key`.
    pub async fn all_channels(&self, key: &str) -> Result<Vec<ChannelItem>> {
        self.walk_pages(
            &session_part_path(key, "channels"),
            plain_page,
            decode_channels,
        )
        .await
    }

    /// All indexing records of session `key`.
    pub async fn all_indexing(&self, key: &str) -> Result<Vec<Indexing>> {
        self.walk_pages(
            &session_part_path(key, "indexing"),
            plain_page,
            decode_indexing,
        )
        .await
    }

    /// All audit-trail downloads of session `key`.
    pub async fn all_trail_downloads(&self, key: &str) -> Result<Vec<TrailDownload>> {
        self.walk_pages(
            &session_part_path(key, "trail_downloads"),
            plain_page,
            decode_trail_downloads,
        )
        .await
    }
}
