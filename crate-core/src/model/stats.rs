//! Top values of a field with counts, and their sub-field counts
//! (`/api/audit/sessions/stats?field=<f>&sub_fields=<g>&size=N`).
//!
//! The reference documents the request and the reply's `meta` (`href`,
//! `parent`, `field`, `size`, `others`); the items' shape is our choice
//! (docs/design.md, "Statistics and histogram"): `{value, count}` as the
//! simulator always answered, plus `sub_fields` when one was asked.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::envelope::StatsBucket;

/// The `/api/audit/sessions/stats` reply with sub-field counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatsReply {
    /// The top values, most frequent first.
    pub items: Vec<StatsItem>,
    /// What was asked and what was left out.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<StatsMeta>,
}

/// One top value of the field, with the counts of the sub field's values
/// among the sessions that have it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatsItem {
    /// The field's value (text or number as in the sessions).
    pub value: serde_json::Value,
    /// How many matching sessions have it.
    pub count: u64,
    /// Sub field name → its top values among these sessions, most frequent
    /// first. Empty (and left out) when no sub field was asked.
    #[cfg_attr(
        feature = "ts",
        ts(as = "Option<BTreeMap<String, Vec<StatsBucket>>>", optional)
    )]
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sub_fields: BTreeMap<String, Vec<StatsBucket>>,
}

/// The `meta` of a statistics reply. Every field may be missing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct StatsMeta {
    /// This request's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// The parent resource's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The field counted, as requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The sub field counted (only the first one asked is considered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_fields: Option<Vec<String>>,
    /// How many values at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The count of the values that did not make it into the top `size`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub others: Option<u64>,
    /// How many sessions matched the search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_count: Option<u64>,
    /// Seconds until the login session times out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_seconds: Option<i64>,
}

impl StatsReply {
    /// The counts of `sub_field`'s values among the sessions whose field has
    /// `value` (empty when either is not in the reply).
    pub fn sub_counts(&self, value: &serde_json::Value, sub_field: &str) -> &[StatsBucket] {
        self.items
            .iter()
            .find(|item| &item.value == value)
            .and_then(|item| item.sub_fields.get(sub_field))
            .map_or(&[], Vec::as_slice)
    }
}
