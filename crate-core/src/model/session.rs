//! The session (connection) body of `/api/audit/sessions/<key>` and of list
//! items with `fields=*`, and its parts.
//!
//! Nearly everything is optional: SPS versions differ in what they send, and the
//! reference's own examples leave things out. Unknown fields are ignored.

use serde::{Deserialize, Serialize};

use crate::model::channel::Channel;
use crate::model::envelope::{Link, SingleMeta};
use crate::model::timestamp::Timestamp;
use crate::model::values::{text_enum, Nullable, OneOrMany, StrOrInt};

text_enum! {
    /// A session verdict (`verdict` and `recording.verdict`).
    ///
    /// Matched ignoring case, with `_` and `-` alike, against every spelling
    /// SPS uses: the 6.0 pages' `auth-fail`, real 7.x appliances' `AUTH_FAIL`
    /// (also `Auth_Fail`), the detail example's `Accepted`, log verdicts'
    /// `ZV_ACCEPT`. `as_str` still gives the text as sent; unknown text is
    /// [`VerdictKind::Other`] and keeps its spelling.
    ///
    /// Terminated sessions: real 7.x appliances send `TERMINATED`
    /// ([`VerdictKind::Terminated`]); the 6.0 pages document
    /// `accept-terminated` ([`VerdictKind::AcceptTerminated`]). Both mean "the
    /// connection violated a content policy and SPS terminated it". They stay
    /// two kinds, so that a kind says which spelling family the appliance
    /// used and code written against `AcceptTerminated` keeps working;
    /// [`VerdictKind::is_terminated`] is true for both, and the viewer shows
    /// both with the same badge.
    Verdict, VerdictKind {
        /// The connection attempt was successful.
        Accept = "accept" | "accepted" | "zv_accept",
        /// 6.0 spelling (`accept-terminated`): the connection violated a
        /// content policy and was terminated by SPS.
        AcceptTerminated = "accept-terminated",
        /// 7.x spelling (`TERMINATED`): terminated by SPS (see
        /// [`VerdictKind::AcceptTerminated`]).
        Terminated = "TERMINATED",
        /// Authentication failure.
        AuthFail = "auth-fail",
        /// The connection was denied.
        Deny = "deny" | "denied" | "zv_deny",
        /// The connection attempt failed.
        Fail = "fail" | "failed",
        /// Gateway authentication failure.
        GwAuthFail = "gw-auth-fail",
        /// Host key mismatch.
        KeyError = "key-error",
        /// User mapping failure.
        UserMappingFail = "user-mapping-fail",
    }
}

impl VerdictKind {
    /// True for both spellings of a session SPS terminated: `TERMINATED`
    /// (7.x) and `accept-terminated` (6.0).
    pub fn is_terminated(self) -> bool {
        matches!(
            self,
            VerdictKind::Terminated | VerdictKind::AcceptTerminated
        )
    }

    /// True for the failures: authentication, gateway authentication, user
    /// mapping, host key, and plain `fail`.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            VerdictKind::AuthFail
                | VerdictKind::Fail
                | VerdictKind::GwAuthFail
                | VerdictKind::KeyError
                | VerdictKind::UserMappingFail
        )
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
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
    #[cfg_attr(feature = "ts", ts(as = "Option<Timestamp>", optional = nullable))]
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
    /// Log details, for sessions built from log data (origin `LOG`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<Log>,
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
    /// The audit trail's download URL as SPS 7.x writes it into the JSON
    /// body; `null` in every recorded session (a `fields=*` list item carries
    /// no links). Older versions only compute it for CSV.
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional = nullable))]
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub trail_download_link: Nullable<String>,
    /// Link to the audit-trail downloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trail_downloads: Option<Link>,
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// The Safeguard for Privileged Passwords (SPP) access request behind
    /// the session, when SPS works with SPP (SPS 7.x and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<Vault>,
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

    /// The usernames on the remote server (`user.server_username`: one
    /// string in the 6.0 pages, a list on real appliances); empty if absent.
    pub fn server_usernames(&self) -> &[String] {
        self.user
            .as_ref()
            .and_then(|u| u.server_username.as_ref())
            .map_or(&[], OneOrMany::as_slice)
    }

    /// `trail_download_link` as SPS sent it in the body, if not absent or `null`.
    pub fn trail_download_link(&self) -> Option<&str> {
        self.trail_download_link.get().map(String::as_str)
    }

    /// Where the audit trail was archived: `recording.archive` (7.x), else
    /// `recording.audit_trail.archive` (6.0).
    pub fn archive(&self) -> Option<&Archive> {
        let recording = self.recording.as_ref()?;
        recording
            .archive
            .get()
            .or_else(|| recording.audit_trail.as_ref().and_then(AuditTrail::archive))
    }

    /// The recording's session id, in the form SPS sent it.
    pub fn session_id(&self) -> Option<&StrOrInt> {
        self.recording.as_ref()?.session_id.as_ref()
    }
}

/// An address: IP, host name (the IP when unknown) and port; for the
/// server, also the `id` and `address` SPS 7.x adds (the IP as text in every
/// recorded session).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Endpoint {
    /// The address as SPS 7.x names it (`server.address`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// An id of the server (`server.id`): the IP as text in real replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Analytics {
    /// The session's duration bucket (`analytics.bucketed_duration`, text in
    /// the vendor's connector; a number is kept as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucketed_duration: Option<StrOrInt>,
    /// The session's starting-hour bucket (`analytics.bucketed_starting_hour`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucketed_starting_hour: Option<StrOrInt>,
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

/// The SPA risk score: `{"aggregated": N}` on real appliances, with
/// per-algorithm `details` where SPA sends them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Score {
    /// 0 (no risk) to 100 (highest risk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregated: Option<i64>,
    /// Per algorithm: its score and algorithm-specific details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<ScoreDetails>,
}

/// `analytics.score.details`: one entry per SPA algorithm. The algorithms the
/// vendor's connector reads are fields; any other is kept in `other`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ScoreDetails {
    /// Command analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<AlgorithmScore>,
    /// FIS (the Find Interesting Sessions algorithm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fis: Option<AlgorithmScore>,
    /// Host login analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostlogin: Option<AlgorithmScore>,
    /// Keystroke dynamics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keystroke: Option<AlgorithmScore>,
    /// Login time analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logintime: Option<AlgorithmScore>,
    /// Mouse dynamics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mouse: Option<AlgorithmScore>,
    /// Window title analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windowtitle: Option<AlgorithmScore>,
    /// Algorithms not known here, as sent.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl ScoreDetails {
    /// The algorithm names with a field here, in `analytics.score.details.<name>.score`.
    pub const ALGORITHMS: &'static [&'static str] = &[
        "command",
        "fis",
        "hostlogin",
        "keystroke",
        "logintime",
        "mouse",
        "windowtitle",
    ];

    /// The details of a known algorithm by name (see [`ScoreDetails::ALGORITHMS`]).
    pub fn algorithm(&self, name: &str) -> Option<&AlgorithmScore> {
        match name {
            "command" => self.command.as_ref(),
            "fis" => self.fis.as_ref(),
            "hostlogin" => self.hostlogin.as_ref(),
            "keystroke" => self.keystroke.as_ref(),
            "logintime" => self.logintime.as_ref(),
            "mouse" => self.mouse.as_ref(),
            "windowtitle" => self.windowtitle.as_ref(),
            _ => None,
        }
    }

    /// True if no algorithm sent anything.
    pub fn is_empty(&self) -> bool {
        Self::ALGORITHMS
            .iter()
            .all(|name| self.algorithm(name).is_none())
            && self.other.is_empty()
    }
}

/// One algorithm's result in `analytics.score.details`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct AlgorithmScore {
    /// Its score (a number; an integer or a fraction, kept as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<serde_json::Number>,
    /// Everything else the algorithm reports, as sent.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// `log`: how a session of origin `LOG` was built from log messages.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Log {
    /// The log adapter that recognised the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapter_name: Option<String>,
    /// The authentication method the log shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_method: Option<String>,
    /// The syslog message's time: a timestamp when it reads as one, else the
    /// text as sent (no recording shows its form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syslog_time: Option<TimeOrText>,
}

/// A time that is normally a [`Timestamp`] but whose form no recording
/// confirms: text (or a number) that does not read as a time is kept as sent
/// rather than failing the whole session.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string | number"))]
pub enum TimeOrText {
    /// A time (ISO 8601 or UNIX seconds).
    Time(Timestamp),
    /// Anything else, as sent.
    Text(String),
}

impl TimeOrText {
    /// The time, if it reads as one.
    pub fn timestamp(&self) -> Option<&Timestamp> {
        match self {
            TimeOrText::Time(t) => Some(t),
            TimeOrText::Text(_) => None,
        }
    }
}

impl std::fmt::Display for TimeOrText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TimeOrText::Time(t) => f.write_str(&t.original()),
            TimeOrText::Text(s) => f.write_str(s),
        }
    }
}

impl Serialize for TimeOrText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            TimeOrText::Time(t) => t.serialize(s),
            TimeOrText::Text(text) => s.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for TimeOrText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = TimeOrText;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a time or text")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<TimeOrText, E> {
                Ok(match Timestamp::parse(s) {
                    Ok(t) => TimeOrText::Time(t),
                    Err(_) => TimeOrText::Text(s.to_owned()),
                })
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<TimeOrText, E> {
                Ok(Timestamp::from_unix_seconds(n)
                    .map_or_else(|| TimeOrText::Text(n.to_string()), TimeOrText::Time))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<TimeOrText, E> {
                match i64::try_from(n) {
                    Ok(n) => self.visit_i64(n),
                    Err(_) => Ok(TimeOrText::Text(n.to_string())),
                }
            }
            fn visit_f64<E: serde::de::Error>(self, x: f64) -> Result<TimeOrText, E> {
                Ok(Timestamp::from_unix_seconds_f64(x)
                    .map_or_else(|| TimeOrText::Text(x.to_string()), TimeOrText::Time))
            }
        }
        d.deserialize_any(V)
    }
}

/// Properties of the recording and of the connection policy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Recording {
    /// Where the audit trail was archived (SPS 7.x: `recording.archive`;
    /// the 6.0 pages put it in `recording.audit_trail.archive`); `null` if not.
    #[cfg_attr(feature = "ts", ts(as = "Option<Archive>", optional = nullable))]
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub archive: Nullable<Archive>,
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
    /// Why SPS denied the connection (SPS 7.x).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deny_reason: Option<String>,
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(untagged))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct AuditTrailDetails {
    /// Where the trail was archived; `null` if not archived.
    #[cfg_attr(feature = "ts", ts(as = "Option<Archive>", optional = nullable))]
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub archive: Nullable<Archive>,
    /// Link to download the trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download: Option<Link>,
}

/// Where and when an audit trail was archived.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct User {
    /// The user's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Username used against the gateway (older name of `gateway_username`;
    /// the only one of the two in every recorded 7.x session).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The domain of `name` (SPS 7.x).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_domain: Option<String>,
    /// Username(s) on the remote server: one string (6.0 pages) or a list
    /// (every real reply).
    #[cfg_attr(feature = "ts", ts(type = "string | Array<string>", optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_username: Option<OneOrMany<String>>,
    /// The domain(s) of `server_username` (SPS 7.x): one string or a list.
    #[cfg_attr(feature = "ts", ts(type = "string | Array<string>", optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_username_domain: Option<OneOrMany<String>>,
    /// Username used against the gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_username: Option<String>,
    /// The domain of `gateway_username` (SPS 7.x).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_username_domain: Option<String>,
}

/// `vault`: the Safeguard for Privileged Passwords (SPP) access request the
/// session was started from. Its shape is known from one vendor-edited
/// recording only (the Power BI connector's test mock): the parts it shows
/// are fields, anything else is kept in `other`, as sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Vault {
    /// The kind of access requested (`REMOTEDESKTOP`, `SSH`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_request_type: Option<String>,
    /// SPP's id of the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<i64>,
    /// The account's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    /// The SPP appliance's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appliance_id: Option<String>,
    /// The SPP appliance's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appliance_name: Option<String>,
    /// SPP's id of the asset partition (`-1` in the recording).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_partition_id: Option<i64>,
    /// The asset partition's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_partition_name: Option<String>,
    /// When the request was approved automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_approved: Option<TimeOrText>,
    /// When the access became available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<TimeOrText>,
    /// SPP's broker id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker_id: Option<i64>,
    /// When and by whom the request was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<VaultAction>,
    /// When the access expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired: Option<TimeOrText>,
    /// An emergency request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_emergency: Option<bool>,
    /// Requested through SPP's offline workflow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_workflow: Option<bool>,
    /// SPP's id of the asset (system).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_id: Option<i64>,
    /// The asset's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_name: Option<String>,
    /// Parts not modelled here, as sent.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// A step of an SPP access request (`vault.created`): when, and by whom.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct VaultAction {
    /// When it happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<TimeOrText>,
    /// Who did it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<VaultUser>,
    /// Parts not modelled here, as sent.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// An SPP user in [`VaultAction`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct VaultUser {
    /// The address the user came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ip_address: Option<String>,
    /// The user's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_display_name: Option<String>,
    /// SPP's id of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// The user's login name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// Parts not modelled here, as sent.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// An item of the sessions list: `key`, `meta`, and, when `fields=` was given,
/// a `body` with the selected fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct SessionRow {
    /// The session's key.
    pub key: String,
    /// The session's link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<SingleMeta>,
    /// The selected fields; missing without `fields=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<crate::model::field_source::SparseBody>,
}
