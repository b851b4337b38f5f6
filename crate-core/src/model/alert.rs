//! Alerts triggered in a session (`/api/audit/sessions/<key>/alerts`).

use serde::{Deserialize, Serialize};

use crate::model::timestamp::Timestamp;
use crate::model::values::StrOrInt;

/// An alert raised by a content policy rule.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Alert {
    /// The type of event that triggered it, for example `adp.event.command`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_type: Option<String>,
    /// The channel (`"0"` in the reference's example; numbers accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<StrOrInt>,
    /// The command line without prompt that matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_action: Option<String>,
    /// The content with its context (whole command line with prompt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_content: Option<String>,
    /// The content policy's regular expression that matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_regexp: Option<String>,
    /// Id of the alert within the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<i64>,
    /// The content policy rule's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_name: Option<String>,
    /// When it was triggered (ISO without offset in the reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
}
