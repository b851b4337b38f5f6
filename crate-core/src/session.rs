//! The session (connection) body of `/api/audit/sessions/<key>` and of list
//! items with `fields=*`, and its parts.
//!
//! Nearly everything is optional: SPS versions differ in what they send, and the
//! reference's own examples leave things out. Unknown fields are ignored.

use serde::{Deserialize, Serialize};

use crate::channel::Channel;
use crate::envelope::{Link, SingleMeta};
use crate::timestamp::Timestamp;
use crate::values::{text_enum, Nullable, OneOrMany, StrOrInt};

text_enum! {
    /// A session verdict (`verdict` and `recording.verdict`).
    ///
    /// Matched case-insensitively, and SPS's other spellings are known: `ACCEPT`
    /// and `Accepted` are [`VerdictKind::Accept`]; `as_str` still gives the text
    /// as sent.
    Verdict, VerdictKind {
        /// The connection attempt was successful.
        Accept = "accept" | "accepted" | "zv_accept",
        /// The connection violated a content policy and was terminated by SPS.
        AcceptTerminated = "accept-terminated" | "accept_terminated",
        /// Authentication failure.
        AuthFail = "auth-fail" | "auth_fail",
        /// The connection was denied.
        Deny = "deny" | "denied" | "zv_deny",
        /// The connection attempt failed.
        Fail = "fail" | "failed",
        /// Gateway authentication failure.
        GwAuthFail = "gw-auth-fail" | "gw_auth_fail",
        /// Host key mismatch.
        KeyError = "key-error" | "key_error",
        /// User mapping failure.
        UserMappingFail = "user-mapping-fail" | "user_mapping_fail",
    }
}

text_enum! {
    /// The indexing status of a session's channels (`recording.index_status`).
    /// The documented numeric codes (`"3"`) are known too.
    IndexStatus, IndexStatusKind {
        /// 0: a channel is still open.
        ChannelOpen = "CHANNEL_OPEN" | "0",
        /// 1: ready for indexing.
        NotIndexed = "NOT_INDEXED" | "1",
        /// 2: being indexed.
        IndexingInProgress = "INDEXING_IN_PROGRESS" | "2",
        /// 3: indexed.
        Indexed = "INDEXED" | "3",
        /// 4: indexing is not enabled for the connection.
        IndexingNotRequired = "INDEXING_NOT_REQUIRED" | "4",
        /// 5: indexing failed.
        IndexingFailed = "INDEXING_FAILED" | "5",
        /// 6: auditing is not enabled for the channel.
        NoTrail = "NO_TRAIL" | "6",
    }
}

text_enum! {
    /// How SPS received the session (`origin`).
    Origin, OriginKind {
        /// Recorded by SPS.
        Recording = "RECORDING",
        /// Based on an audit trail recorded by SPS (older name).
        Psm = "PSM",
        /// Built from log data.
        Log = "LOG",
    }
}

text_enum! {
    /// The protocol of a session (`protocol`), case-insensitive (`ssh` and `SSH`).
    Protocol, ProtocolKind {
        /// Secure Shell.
        Ssh = "SSH",
        /// Remote Desktop.
        Rdp = "RDP",
        /// Telnet.
        Telnet = "Telnet",
        /// Virtual Network Computing.
        Vnc = "VNC",
        /// HTTP and HTTPS.
        Http = "HTTP",
        /// Citrix ICA.
        Ica = "ICA",
    }
}

/// A session (connection) as SPS describes it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Session {
    /// True while the connection is ongoing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Link to the session's alerts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerts: Option<Link>,
    /// Analytics (SPA) results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analytics: Option<Analytics>,
    /// Inline channel list, as in the reference's CSV examples (`"channel": [...]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Vec<Channel>>,
    /// Link to the session's channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Link>,
    /// The client's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<Endpoint>,
    /// When this document was created (can be later than `start_time`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<Timestamp>,
    /// Duration in seconds (computed by SPS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// End of the connection; `null` while it is active.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub end_time: Nullable<Timestamp>,
    /// Link to the session's events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Link>,
    /// True if not yet shown on the SPS GUI (fragmented data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// Link to the indexer details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexer: Option<Link>,
    /// Link to the indexing details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexing: Option<Link>,
    /// The SPS node that recorded the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_id: Option<String>,
    /// How SPS received the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// Phantom session flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phantom: Option<bool>,
    /// The protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// Audit trail and connection policy details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording: Option<Recording>,
    /// Revision of this document; larger is newer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    /// The remote server's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<Endpoint>,
    /// SPS's own address (also under `recording`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_local: Option<Endpoint>,
    /// Start of the connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Timestamp>,
    /// The address the client targeted (also under `recording`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Endpoint>,
    /// Link to the audit-trail downloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trail_downloads: Option<Link>,
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// What SPS decided about the session (from log or external events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

impl Session {
    /// The end time, if the session has ended and SPS sent it.
    pub fn end_time(&self) -> Option<&Timestamp> {
        self.end_time.get()
    }

    /// True if the session is ongoing: `active` is true, or (when `active` is
    /// missing) `end_time` is `null`.
    pub fn is_active(&self) -> bool {
        match self.active {
            Some(active) => active,
            None => self.end_time.is_null(),
        }
    }

    /// The gateway username (`user.gateway_username`, else `user.name`).
    pub fn gateway_username(&self) -> Option<&str> {
        let user = self.user.as_ref()?;
        user.gateway_username.as_deref().or(user.name.as_deref())
    }

    /// The recording's session id, in the form SPS sent it.
    pub fn session_id(&self) -> Option<&StrOrInt> {
        self.recording.as_ref()?.session_id.as_ref()
    }
}

/// An address: IP, host name (the IP when unknown) and port.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Endpoint {
    /// IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// Host name, or the IP when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

/// Analytics (SPA) details.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Analytics {
    /// Commands and window titles that may be interesting for security.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interesting_events: Option<Vec<String>>,
    /// True if marked as scripted (non-human activity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scripted: Option<bool>,
    /// Per algorithm (`clockmaster`, `gapminder`): its result and reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scripted_results: Option<serde_json::Map<String, serde_json::Value>>,
    /// Similar sessions from other sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similar_sessions: Option<Vec<serde_json::Value>>,
    /// Analytics tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// The risk score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
}

/// The SPA risk score.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Score {
    /// 0 (no risk) to 100 (highest risk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregated: Option<i64>,
    /// Per algorithm: algorithm-specific details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Properties of the recording and of the connection policy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Recording {
    /// True if the audit trail has been archived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
    /// The audit trail: links and archive details, or (older data) its path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_trail: Option<AuditTrail>,
    /// Authentication method, for example `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_method: Option<String>,
    /// Name of the channel policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_policy: Option<String>,
    /// True if commands were extracted (terminal sessions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_extracted: Option<bool>,
    /// Name of the connection policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_policy: Option<String>,
    /// Key of the connection policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_policy_id: Option<String>,
    /// Unique id of the TCP connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_reference_id: Option<i64>,
    /// True if the connection was built, authenticated and carried traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_accepted_channel: Option<bool>,
    /// Indexing status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_status: Option<IndexStatus>,
    /// The Linux network namespace the session came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_id: Option<String>,
    /// SPS's own address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_local: Option<Endpoint>,
    /// The session id (`svc/<hash>/<policy>:<n>`; a number in older data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<StrOrInt>,
    /// The address the client targeted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Endpoint>,
    /// The connection verdict (`Accepted` in the reference's example).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// True if window titles were extracted (graphical sessions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_title_extracted: Option<bool>,
}

/// `recording.audit_trail`: an object with archive details and a download link,
/// or, in older data (the reference's CSV examples), the trail's path on SPS.
#[derive(Debug, Clone, PartialEq)]
pub enum AuditTrail {
    /// The path of the trail file on SPS.
    Path(String),
    /// Archive details and download link.
    Details(AuditTrailDetails),
}

impl AuditTrail {
    /// The download link, if SPS gave one.
    pub fn download_href(&self) -> Option<&str> {
        match self {
            AuditTrail::Details(d) => d.download.as_ref().map(|l| l.href.as_str()),
            AuditTrail::Path(_) => None,
        }
    }

    /// The archive details, if archived.
    pub fn archive(&self) -> Option<&Archive> {
        match self {
            AuditTrail::Details(d) => d.archive.get(),
            AuditTrail::Path(_) => None,
        }
    }
}

impl Serialize for AuditTrail {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AuditTrail::Path(path) => s.serialize_str(path),
            AuditTrail::Details(details) => details.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for AuditTrail {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A hand-written visitor rather than `untagged`, so that errors inside the
        // object keep their JSON path.
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = AuditTrail;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an audit trail object or path")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<AuditTrail, E> {
                Ok(AuditTrail::Path(s.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<AuditTrail, A::Error> {
                AuditTrailDetails::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(AuditTrail::Details)
            }
        }
        d.deserialize_any(V)
    }
}

/// Archive details and download link of an audit trail.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AuditTrailDetails {
    /// Where the trail was archived; `null` if not archived.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub archive: Nullable<Archive>,
    /// Link to download the trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download: Option<Link>,
}

/// Where and when an audit trail was archived.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Archive {
    /// When it was archived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Timestamp>,
    /// Path on the archive server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Id of the archiving policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The archive server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
}

/// The user of a session.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct User {
    /// The user's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Username used against the gateway (older name of `gateway_username`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Username(s) on the remote server: one string or a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_username: Option<OneOrMany<String>>,
    /// Username used against the gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_username: Option<String>,
}

/// An item of the sessions list: `key`, `meta`, and, when `fields=` was given,
/// a `body` with the selected fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRow {
    /// The session's key.
    pub key: String,
    /// The session's link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<SingleMeta>,
    /// The selected fields; missing without `fields=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<crate::field_source::SparseBody>,
}
