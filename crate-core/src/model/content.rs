//! Content-search hits (`/api/audit/sessions/<key>/content?q=...`).

use serde::{Deserialize, Serialize};

use crate::model::timestamp::Timestamp;
use crate::model::values::StrOrInt;

/// A place in a session's audit trail where the searched content appeared.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ContentHit {
    /// The channel (flat key `"channel.id"` in the JSON).
    #[serde(
        rename = "channel.id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub channel_id: Option<StrOrInt>,
    /// When the content disappeared from the screen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
    /// Relevance; results are ordered by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<f64>,
    /// Where in the trail file the content is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<RecordRange>,
    /// When the content first appeared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Timestamp>,
    /// The trail containing it (`"12"` in the reference's example; numbers accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trail_id: Option<StrOrInt>,
}

/// Screenshot ids in the trail file where a content hit appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct RecordRange {
    /// Where it first appeared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin: Option<i64>,
    /// Where it last appeared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<i64>,
    /// The screenshot where it is most clearly visible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_screenshot: Option<i64>,
}
