//! Audit-trail downloads of a session (`/api/audit/sessions/<key>/trail_downloads`).

use serde::{Deserialize, Serialize};

use crate::model::timestamp::Timestamp;

/// One download of a session's audit trail.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct TrailDownload {
    /// True if downloaded through SOAP or REST rather than the GUI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_api: Option<bool>,
    /// The downloading client's IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// When it was downloaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    /// Who downloaded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}
