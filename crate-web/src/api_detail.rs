//! Fetching one session's detail: the session, its channels, events, alerts,
//! indexing, trail downloads and content hits, through crate-core's `Client`
//! (the viewer's one client, [`crate::api::client`]).
//!
//! Kept apart from [`crate::api`] (the list's requests) so that the two pages
//! can change independently; errors are the same [`ApiError`]. Lists that SPS
//! pages (events, alerts, channels, ...) are fetched page after page until the
//! last one by sps-core's walks (`Client::all_events`, ...), because the
//! detail page shows and exports all of them.

use sps_core::model::{ContentHit, Indexing, TrailDownload};
use sps_core::{Alert, ChannelItem, ContentSearch, Event, EventSearch, Session, Single};

use crate::api::{client, ApiError};

/// One full session.
pub async fn session(key: &str) -> Result<Single<Session>, ApiError> {
    let client = client();
    Ok(client.session(key).await?)
}

/// All channels of a session.
pub async fn channels(key: &str) -> Result<Vec<ChannelItem>, ApiError> {
    let client = client();
    Ok(client.all_channels(key).await?)
}

/// All alerts of a session (SPS sorts them by record id).
pub async fn alerts(key: &str) -> Result<Vec<Alert>, ApiError> {
    let client = client();
    Ok(client.all_alerts(key).await?)
}

/// All indexing records of a session.
pub async fn indexing(key: &str) -> Result<Vec<Indexing>, ApiError> {
    let client = client();
    Ok(client.all_indexing(key).await?)
}

/// All audit-trail downloads of a session.
pub async fn trail_downloads(key: &str) -> Result<Vec<TrailDownload>, ApiError> {
    let client = client();
    Ok(client.all_trail_downloads(key).await?)
}

/// All events matching `search`'s `q` (its own `limit`/`offset` are replaced
/// by the page walk).
pub async fn events(key: &str, search: &EventSearch) -> Result<Vec<Event>, ApiError> {
    let client = client();
    Ok(client.all_events(key, search).await?)
}

/// A search in the session's recorded content, best match first.
pub async fn content(key: &str, search: &ContentSearch) -> Result<Vec<ContentHit>, ApiError> {
    let client = client();
    let mut hits = client.content(key, search).await?.items;
    // SPS documents the order as by relevance; sorting again costs nothing and
    // keeps the list right if a version does not.
    hits.sort_by(|a, b| {
        let (a, b) = (a.rank.unwrap_or(f64::MIN), b.rank.unwrap_or(f64::MIN));
        b.partial_cmp(&a).unwrap_or(std::cmp::Ordering::Equal)
    });
    Ok(hits)
}
