//! Indexing details of a session (`/api/audit/sessions/<key>/indexing`).

use serde::{Deserialize, Serialize};

use crate::model::timestamp::{unix_millis, Timestamp};

/// How and when a session was indexed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Indexing {
    /// The indexer configuration used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<IndexingConfig>,
    /// Time spent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<IndexingStatistics>,
    /// The indexer's status, for example `COMPLETED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Versions of the indexer parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<IndexingVersion>,
}

/// The indexer configuration.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct IndexingConfig {
    /// Command extraction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Toggle>,
    /// Keyboard indexing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyboard: Option<BufferedToggle>,
    /// Mouse indexing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mouse: Option<BufferedToggle>,
    /// Near-real-time indexing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near_realtime: Option<bool>,
    /// OCR languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr_languages: Option<Vec<String>>,
    /// Screen content (OCR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen: Option<ScreenIndexing>,
    /// Window titles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Toggle>,
}

/// An indexer feature that is on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Toggle {
    /// On or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// An indexer feature with a buffer interval (keyboard, mouse).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct BufferedToggle {
    /// Buffer interval in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buffer_interval: Option<i64>,
    /// On or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// Screen content indexing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ScreenIndexing {
    /// On or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// OCR speed/accuracy trade-off, for example `TO_ACCURATE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omnipage_trade_off: Option<String>,
}

/// Indexing statistics.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct IndexingStatistics {
    /// CPU time in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_time: Option<i64>,
    /// Wall time in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// When indexing started: UNIX **milliseconds**.
    #[cfg_attr(feature = "ts", ts(type = "number", optional))]
    #[serde(with = "unix_millis", default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Timestamp>,
}

/// Versions of the indexer parts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct IndexingVersion {
    /// The analyzer version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adp: Option<String>,
    /// The worker version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<String>,
}
