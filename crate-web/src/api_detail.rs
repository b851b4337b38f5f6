//! Fetching one session's detail: the session, its channels, events, alerts,
//! indexing, trail downloads and content hits, through crate-core's `Client`.
//!
//! Kept apart from [`crate::api`] (the list's requests) so that the two pages
//! can change independently; errors are the same [`ApiError`]. Lists that SPS
//! pages (events, alerts, channels, ...) are fetched page after page with
//! `limit`/`offset` until the last one, because the detail page shows and
//! exports all of them.

use sps_core::client::api_error;
use sps_core::model::{
    decode_alerts, decode_channels, decode_events, decode_indexing, decode_trail_downloads,
    ContentHit, Indexing, TrailDownload,
};
use sps_core::request::encode_component;
use sps_core::{
    Alert, ChannelItem, Client, Collection, ContentSearch, Event, EventSearch, HttpRequest,
    Session, Single,
};

use crate::api::ApiError;

/// Items per request: SPS's maximum page size.
pub const PAGE: u32 = 500;

/// Stops a runaway walk (a server that keeps answering full pages): 200 pages
/// of 500 items is far more than any one session holds.
const MAX_PAGES: u32 = 200;

/// A client over the browser's Fetch API, same origin (the page's cookies).
#[cfg(target_arch = "wasm32")]
fn client() -> Client<sps_core::FetchTransport> {
    Client::new(sps_core::FetchTransport::same_origin())
}

/// Outside the browser there is no Fetch API (see `api::NoNetwork`).
#[cfg(not(target_arch = "wasm32"))]
fn client() -> Client<crate::api::NoNetwork> {
    Client::new(crate::api::NoNetwork)
}

/// `/api/audit/sessions/<key>[/<part>]`, the key percent-encoded (keys are opaque).
pub fn session_path(key: &str, part: Option<&str>) -> String {
    match part {
        Some(part) => format!("/api/audit/sessions/{}/{part}", encode_component(key)),
        None => format!("/api/audit/sessions/{}", encode_component(key)),
    }
}

/// One full session.
pub async fn session(key: &str) -> Result<Single<Session>, ApiError> {
    Ok(client().session(key).await?)
}

/// Every page of a paged sub-list: `<path>?<query(offset)>`, decoded by `decode`.
async fn all_pages<T>(
    path: &str,
    query: impl Fn(u32) -> Result<String, sps_core::Error>,
    decode: fn(&[u8]) -> Result<Collection<T>, sps_core::Error>,
) -> Result<Vec<T>, ApiError> {
    let client = client();
    let mut items = Vec::new();
    let mut offset = 0u32;
    for _ in 0..MAX_PAGES {
        let url = format!("{path}?{}", query(offset)?);
        let reply = client.get_raw(&HttpRequest::new(url)).await?;
        if !reply.is_success() {
            return Err(api_error(&reply).into());
        }
        let page = decode(&reply.body)?;
        let count = page.items.len();
        // `next: null` ends the walk; without meta, a short page does.
        let has_next = match &page.meta {
            Some(meta) if !meta.next.is_absent() => meta.next().is_some(),
            _ => count >= PAGE as usize,
        };
        items.extend(page.items);
        if count == 0 || !has_next {
            break;
        }
        offset = offset.saturating_add(u32::try_from(count).unwrap_or(PAGE));
    }
    Ok(items)
}

fn plain_page(offset: u32) -> Result<String, sps_core::Error> {
    Ok(format!("limit={PAGE}&offset={offset}"))
}

/// All channels of a session.
pub async fn channels(key: &str) -> Result<Vec<ChannelItem>, ApiError> {
    all_pages(
        &session_path(key, Some("channels")),
        plain_page,
        decode_channels,
    )
    .await
}

/// All alerts of a session (SPS sorts them by record id).
pub async fn alerts(key: &str) -> Result<Vec<Alert>, ApiError> {
    all_pages(
        &session_path(key, Some("alerts")),
        plain_page,
        decode_alerts,
    )
    .await
}

/// All indexing records of a session.
pub async fn indexing(key: &str) -> Result<Vec<Indexing>, ApiError> {
    all_pages(
        &session_path(key, Some("indexing")),
        plain_page,
        decode_indexing,
    )
    .await
}

/// All audit-trail downloads of a session.
pub async fn trail_downloads(key: &str) -> Result<Vec<TrailDownload>, ApiError> {
    all_pages(
        &session_path(key, Some("trail_downloads")),
        plain_page,
        decode_trail_downloads,
    )
    .await
}

/// All events matching `search`'s `q` (its own `limit`/`offset` are replaced
/// by the page walk).
pub async fn events(key: &str, search: &EventSearch) -> Result<Vec<Event>, ApiError> {
    let query = |offset: u32| {
        let page = search.clone().with_limit(PAGE)?.with_offset(offset);
        Ok(page.to_query_string())
    };
    all_pages(&session_path(key, Some("events")), query, decode_events).await
}

/// A search in the session's recorded content, best match first.
pub async fn content(key: &str, search: &ContentSearch) -> Result<Vec<ContentHit>, ApiError> {
    let mut hits = client().content(key, search).await?.items;
    // SPS documents the order as by relevance; sorting again costs nothing and
    // keeps the list right if a version does not.
    hits.sort_by(|a, b| {
        let (a, b) = (a.rank.unwrap_or(f64::MIN), b.rank.unwrap_or(f64::MIN));
        b.partial_cmp(&a).unwrap_or(std::cmp::Ordering::Equal)
    });
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn keys_are_encoded_in_paths() {
        assert_eq!(session_path("a/b c", None), "/api/audit/sessions/a%2Fb%20c");
        assert_eq!(
            session_path("k", Some("events")),
            "/api/audit/sessions/k/events"
        );
    }
}
