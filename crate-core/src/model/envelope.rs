//! The envelopes around everything the audit API returns: collections, single
//! objects, links, errors, and the small replies (`_count`, `_snapshot`, `stats`,
//! `/api/info`).

use serde::{Deserialize, Serialize};

use crate::model::values::Nullable;

/// A collection reply: `{"items": [...], "meta": {...}}`.
///
/// `items` also accepts the name `channels`, as in the reference's channel
/// examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(bound(deserialize = "T: Deserialize<'de>", serialize = "T: Serialize"))]
pub struct Collection<T> {
    /// The items of this page.
    #[serde(alias = "channels")]
    pub items: Vec<T>,
    /// Paging and request details; missing in the reference's channel fragments.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<CollectionMeta>,
}

/// The `meta` of a collection. Every field may be missing: SPS omits some (events
/// have no `match_count`; snapshot pages have null `first`/`last`/`previous` and no
/// `offset`/`match_count`). Links are relative URLs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct CollectionMeta {
    /// This request's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// The parent resource's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Link to the first page (`null` on snapshot pages).
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional = nullable))]
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub first: Nullable<String>,
    /// Link to the last page (`null` on snapshot pages).
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional = nullable))]
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub last: Nullable<String>,
    /// Link to the next page; `null` at the end.
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional = nullable))]
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub next: Nullable<String>,
    /// Link to the previous page; `null` on the first.
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional = nullable))]
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub previous: Nullable<String>,
    /// Page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Position of this page's first item; `null` or missing on snapshot pages.
    #[cfg_attr(feature = "ts", ts(as = "Option<u64>", optional = nullable))]
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub offset: Nullable<u64>,
    /// How many items match the query in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_count: Option<u64>,
    /// The `fields=` selection, as requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
    /// Seconds until the login session times out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_seconds: Option<i64>,
}

impl CollectionMeta {
    /// The next page's link, if any.
    pub fn next(&self) -> Option<&str> {
        self.next.get().map(String::as_str)
    }

    /// The previous page's link, if any.
    pub fn previous(&self) -> Option<&str> {
        self.previous.get().map(String::as_str)
    }

    /// The first page's link, if any.
    pub fn first(&self) -> Option<&str> {
        self.first.get().map(String::as_str)
    }

    /// The last page's link, if any.
    pub fn last(&self) -> Option<&str> {
        self.last.get().map(String::as_str)
    }
}

/// A single-object reply: `{"key": ..., "body": {...}, "meta": {...}}`. Also the
/// shape of channel list items. `key` is missing in some replies (`_snapshot`,
/// `/api/info`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(bound(deserialize = "T: Deserialize<'de>", serialize = "T: Serialize"))]
pub struct Single<T> {
    /// The object's key.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The object.
    pub body: T,
    /// Links and the login's remaining time.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<SingleMeta>,
}

/// The `meta` of a single object or of a list item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct SingleMeta {
    /// This object's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// The parent resource's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Seconds until the login session times out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_seconds: Option<i64>,
}

/// A link to a sub-resource: `{"href": "/api/audit/sessions/<key>/alerts"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Link {
    /// The relative URL.
    pub href: String,
}

/// An error reply: `{"error": {"type", "message", "details"}, "meta": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ApiErrorBody {
    /// What went wrong.
    pub error: ApiError,
    /// Request details, as in other replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Value>,
}

/// The `error` object of an error reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ApiError {
    /// The error type (`InvalidQuery`, `Unauthenticated`, `AuthenticationFailure`,
    /// `NotFound`, ...).
    #[serde(rename = "type")]
    pub error_type: String,
    /// A message for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// More detail: an object or text, depending on the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

/// The reply of `/api/audit/sessions/_count`: `{"count": N}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct CountReply {
    /// How many sessions match.
    pub count: u64,
}

/// The body of the `/api/audit/sessions/_snapshot` reply (`Single<SnapshotBody>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct SnapshotBody {
    /// The snapshot id to pass as `?snapshot=`.
    pub snapshot: String,
}

/// One entry of the `/api/audit/sessions/stats` reply (`Collection<StatsBucket>`):
/// a value of the field and how many sessions have it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct StatsBucket {
    /// The field's value (text or number as in the sessions).
    pub value: serde_json::Value,
    /// How many matching sessions have it.
    pub count: u64,
}

/// The body of the `/api/info` reply (`Single<InfoBody>`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct InfoBody {
    /// The appliance's firmware version, for example `7.5.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firmware_version: Option<String>,
}
