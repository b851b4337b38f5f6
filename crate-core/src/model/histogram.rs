//! Sessions per time interval (`/api/audit/sessions/histogram?field=<f>&bin-size=<unit>`).
//!
//! The reference (6.0.4+) documents the request (`q`, the mandatory `field`,
//! `bin-size` such as `hour`) and that SPS "splits the queried period to
//! intervals of this unit, and returns the number of sessions to each
//! interval"; the reply's shape is our choice (docs/design.md, "Statistics
//! and histogram").

use serde::{Deserialize, Serialize};

use crate::model::envelope::StatsBucket;
use crate::model::timestamp::Timestamp;

/// The `/api/audit/sessions/histogram` reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistogramReply {
    /// The intervals in time order, empty ones included.
    pub items: Vec<HistogramInterval>,
    /// What was asked.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<HistogramMeta>,
}

/// One interval: sessions that started in `[start, end)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistogramInterval {
    /// First instant of the interval.
    pub start: Timestamp,
    /// First instant after it.
    pub end: Timestamp,
    /// How many matching sessions started in it.
    pub count: u64,
    /// The field's values among them, most frequent first (at most 10).
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<StatsBucket>>", optional))]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<StatsBucket>,
    /// The count of the values left out of `values`.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub others: Option<u64>,
}

/// The `meta` of a histogram reply. Every field may be missing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct HistogramMeta {
    /// This request's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// The parent resource's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The field whose values are counted per interval, as requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The interval unit (`hour`, `day`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bin_size: Option<String>,
    /// Start of the queried period (the first interval's start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Timestamp>,
    /// End of the queried period (the last interval's end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Timestamp>,
    /// How many sessions matched the search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_count: Option<u64>,
    /// Seconds until the login session times out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_seconds: Option<i64>,
}

impl HistogramReply {
    /// The sum of the intervals' counts.
    pub fn total(&self) -> u64 {
        self.items.iter().map(|i| i.count).sum()
    }
}
