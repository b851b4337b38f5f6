//! Looking up fields by their dotted path (`user.gateway_username`) in a full
//! [`Session`], in a sparse list body ([`SparseBody`]) or in an [`Event`].
//!
//! The query evaluator, the table and the CSV writer use [`FieldSource`]; the
//! simulator evaluates queries over a million sessions with it, so a lookup does
//! not allocate (except for timestamps read from a sparse body's JSON text).
//! Aliases (`name`, `psm.connection_policy`, `client.address`) are resolved by
//! the catalogue before a lookup; only canonical paths are known here.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::error::{ErrorKind, Result};
use crate::model::alert::Alert;
use crate::model::event::Event;
use crate::model::session::{AuditTrail, Endpoint, ScoreDetails, Session, SessionRow, TimeOrText};
use crate::model::timestamp::Timestamp;
use crate::model::values::{Nullable, OneOrMany, StrOrInt};

/// Every path [`Session`] answers in [`FieldSource::field_values`].
///
/// Multi-valued: `user.server_username`, `user.server_username_domain`,
/// `analytics.interesting_events`, `analytics.similar_sessions`,
/// `analytics.tags`. Timestamps: `creation_time`, `start_time`, `end_time`,
/// `recording.archive.date`, `recording.audit_trail.archive.date`,
/// `log.syslog_time` (text when it does not read as a time). The link
/// fields (`alerts`, `channels`, ...) give the `href`; `recording.audit_trail`
/// gives the trail's path (older data) or its download link;
/// `trail_download_link` the body's own value (`null` in real replies).
///
/// Fallbacks between SPS versions: `user.gateway_username` gives
/// `user.name` when the body has no gateway username (6.0 bodies and every
/// recorded 7.x one); `server.address` gives `server.ip` when the body has
/// no address (6.0 documents `server.address` as the server's IP);
/// `recording.archive.*` gives `recording.audit_trail.archive.*` (6.0).
pub const SESSION_FIELDS: &[&str] = &[
    "active",
    "alerts",
    "analytics.bucketed_duration",
    "analytics.bucketed_starting_hour",
    "analytics.interesting_events",
    "analytics.score.aggregated",
    "analytics.score.details.command.score",
    "analytics.score.details.fis.score",
    "analytics.score.details.hostlogin.score",
    "analytics.score.details.keystroke.score",
    "analytics.score.details.logintime.score",
    "analytics.score.details.mouse.score",
    "analytics.score.details.windowtitle.score",
    "analytics.scripted",
    "analytics.similar_sessions",
    "analytics.tags",
    "channels",
    "client.ip",
    "client.name",
    "client.port",
    "creation_time",
    "duration",
    "end_time",
    "events",
    "hidden",
    "indexer",
    "indexing",
    "log.adapter_name",
    "log.auth_method",
    "log.syslog_time",
    "node_id",
    "origin",
    "phantom",
    "protocol",
    "recording.archive.date",
    "recording.archive.path",
    "recording.archive.policy",
    "recording.archive.server",
    "recording.archived",
    "recording.audit_trail",
    "recording.audit_trail.archive.date",
    "recording.audit_trail.archive.path",
    "recording.audit_trail.archive.policy",
    "recording.audit_trail.archive.server",
    "recording.audit_trail.download",
    "recording.auth_method",
    "recording.channel_policy",
    "recording.command_extracted",
    "recording.connection_policy",
    "recording.connection_policy_id",
    "recording.content_reference_id",
    "recording.deny_reason",
    "recording.has_accepted_channel",
    "recording.index_status",
    "recording.network_id",
    "recording.server_local.ip",
    "recording.server_local.name",
    "recording.server_local.port",
    "recording.session_id",
    "recording.target.ip",
    "recording.target.name",
    "recording.target.port",
    "recording.verdict",
    "recording.window_title_extracted",
    "revision",
    "server.address",
    "server.id",
    "server.ip",
    "server.name",
    "server.port",
    "server_local.ip",
    "server_local.name",
    "server_local.port",
    "start_time",
    "target.ip",
    "target.name",
    "target.port",
    "trail_download_link",
    "trail_downloads",
    "user.gateway_username",
    "user.gateway_username_domain",
    "user.id",
    "user.name",
    "user.name_domain",
    "user.server_username",
    "user.server_username_domain",
    "verdict",
];

/// Every path [`Event`] answers.
pub const EVENT_FIELDS: &[&str] = &[
    "action",
    "channels_id",
    "content",
    "record_id",
    "time",
    "type",
];

/// Every path [`Alert`] answers.
pub const ALERT_FIELDS: &[&str] = &[
    "alert_type",
    "channel_id",
    "matched_action",
    "matched_content",
    "matched_regexp",
    "record_id",
    "rule_name",
    "time",
];

/// One value of a field, borrowed from the source where possible.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue<'a> {
    /// An explicit `null` (for example `end_time` of an active session).
    Null,
    /// Text, exactly as SPS sent it (enums too: `ACCEPT`, `ssh`).
    Str(&'a str),
    /// A whole number.
    Int(i64),
    /// A number with fractions.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A timestamp, in the form SPS sent it.
    Time(Cow<'a, Timestamp>),
}

impl<'a> FieldValue<'a> {
    /// True for `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, FieldValue::Null)
    }

    /// The text, for `Str`.
    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            FieldValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number, for `Int`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            FieldValue::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The number, for `Int` and `Float`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            FieldValue::Int(n) => Some(*n as f64),
            FieldValue::Float(x) => Some(*x),
            _ => None,
        }
    }

    /// The boolean, for `Bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            FieldValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The timestamp, for `Time`.
    pub fn as_timestamp(&self) -> Option<&Timestamp> {
        match self {
            FieldValue::Time(t) => Some(t),
            _ => None,
        }
    }

    /// The instant, for `Time`.
    pub fn instant(&self) -> Option<DateTime<Utc>> {
        self.as_timestamp().map(Timestamp::instant)
    }

    /// Text for a table cell or CSV: as SPS sent it; empty for `Null`.
    pub fn to_text(&self) -> Cow<'a, str> {
        match self {
            FieldValue::Null => Cow::Borrowed(""),
            FieldValue::Str(s) => Cow::Borrowed(s),
            FieldValue::Int(n) => Cow::Owned(n.to_string()),
            FieldValue::Float(x) => Cow::Owned(x.to_string()),
            FieldValue::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            FieldValue::Time(Cow::Borrowed(t)) => match t.original_text() {
                Some(text) => Cow::Borrowed(text),
                None => Cow::Owned(t.original()),
            },
            FieldValue::Time(Cow::Owned(t)) => Cow::Owned(t.original()),
        }
    }
}

impl fmt::Display for FieldValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl<'a> From<&'a StrOrInt> for FieldValue<'a> {
    fn from(id: &'a StrOrInt) -> Self {
        match id {
            StrOrInt::Str(s) => FieldValue::Str(s),
            StrOrInt::Int(n) => FieldValue::Int(*n),
        }
    }
}

/// The values of a field: an iterator that does not allocate.
///
/// Empty when the field is absent (or unknown); one `Null` when it is `null`;
/// one value per element for lists.
#[derive(Debug, Clone)]
pub struct FieldValues<'a> {
    inner: Inner<'a>,
}

#[derive(Debug, Clone)]
enum Inner<'a> {
    Empty,
    One(Option<FieldValue<'a>>),
    Strings(std::slice::Iter<'a, String>),
    Json {
        iter: std::slice::Iter<'a, Value>,
        time: bool,
    },
}

impl<'a> FieldValues<'a> {
    /// No values.
    pub fn empty() -> Self {
        FieldValues {
            inner: Inner::Empty,
        }
    }

    /// One value.
    pub fn one(value: FieldValue<'a>) -> Self {
        FieldValues {
            inner: Inner::One(Some(value)),
        }
    }

    /// The elements of a list of strings.
    pub fn strings(values: &'a [String]) -> Self {
        FieldValues {
            inner: Inner::Strings(values.iter()),
        }
    }

    fn opt(value: Option<FieldValue<'a>>) -> Self {
        match value {
            Some(v) => FieldValues::one(v),
            None => FieldValues::empty(),
        }
    }

    fn opt_str(value: Option<&'a str>) -> Self {
        FieldValues::opt(value.map(FieldValue::Str))
    }

    fn opt_int(value: Option<i64>) -> Self {
        FieldValues::opt(value.map(FieldValue::Int))
    }

    fn opt_bool(value: Option<bool>) -> Self {
        FieldValues::opt(value.map(FieldValue::Bool))
    }

    fn opt_time(value: Option<&'a Timestamp>) -> Self {
        FieldValues::opt(value.map(|t| FieldValue::Time(Cow::Borrowed(t))))
    }

    fn opt_time_or_text(value: Option<&'a TimeOrText>) -> Self {
        FieldValues::opt(value.map(|v| match v {
            TimeOrText::Time(t) => FieldValue::Time(Cow::Borrowed(t)),
            TimeOrText::Text(s) => FieldValue::Str(s),
        }))
    }

    fn nullable_str(value: &'a Nullable<String>) -> Self {
        match value {
            Nullable::Absent => FieldValues::empty(),
            Nullable::Null => FieldValues::one(FieldValue::Null),
            Nullable::Value(s) => FieldValues::one(FieldValue::Str(s)),
        }
    }

    fn opt_many(value: Option<&'a OneOrMany<String>>) -> Self {
        match value {
            Some(names) => FieldValues::strings(names.as_slice()),
            None => FieldValues::empty(),
        }
    }

    fn nullable_time(value: &'a Nullable<Timestamp>) -> Self {
        match value {
            Nullable::Absent => FieldValues::empty(),
            Nullable::Null => FieldValues::one(FieldValue::Null),
            Nullable::Value(t) => FieldValues::one(FieldValue::Time(Cow::Borrowed(t))),
        }
    }

    fn opt_strings(value: Option<&'a Vec<String>>) -> Self {
        match value {
            Some(v) => FieldValues::strings(v),
            None => FieldValues::empty(),
        }
    }

    /// Values of a JSON value (elements for an array); strings and numbers are
    /// read as timestamps when `time` is set.
    fn json(value: &'a Value, time: bool) -> Self {
        match value {
            Value::Array(items) => FieldValues {
                inner: Inner::Json {
                    iter: items.iter(),
                    time,
                },
            },
            other => FieldValues::opt(json_scalar(other, time)),
        }
    }
}

/// A JSON scalar as a field value; `None` for objects and nested arrays.
fn json_scalar(value: &Value, time: bool) -> Option<FieldValue<'_>> {
    Some(match value {
        Value::Null => FieldValue::Null,
        Value::Bool(b) => FieldValue::Bool(*b),
        Value::String(s) if time => match Timestamp::parse(s) {
            Ok(t) => FieldValue::Time(Cow::Owned(t)),
            // Text that is not a time is still worth showing and matching.
            Err(_) => FieldValue::Str(s),
        },
        Value::String(s) => FieldValue::Str(s),
        Value::Number(n) if time => {
            let t = match n.as_i64() {
                Some(i) => Timestamp::from_unix_seconds(i),
                None => n.as_f64().and_then(Timestamp::from_unix_seconds_f64),
            };
            match t {
                Some(t) => FieldValue::Time(Cow::Owned(t)),
                None => json_number(n),
            }
        }
        Value::Number(n) => json_number(n),
        Value::Array(_) | Value::Object(_) => return None,
    })
}

fn json_number(n: &serde_json::Number) -> FieldValue<'static> {
    match n.as_i64() {
        Some(i) => FieldValue::Int(i),
        None => FieldValue::Float(n.as_f64().unwrap_or(f64::NAN)),
    }
}

impl<'a> Iterator for FieldValues<'a> {
    type Item = FieldValue<'a>;

    fn next(&mut self) -> Option<FieldValue<'a>> {
        match &mut self.inner {
            Inner::Empty => None,
            Inner::One(value) => value.take(),
            Inner::Strings(iter) => iter.next().map(|s| FieldValue::Str(s)),
            Inner::Json { iter, time } => {
                let time = *time;
                iter.by_ref().find_map(|v| json_scalar(v, time))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.inner {
            Inner::Empty => (0, Some(0)),
            Inner::One(v) => {
                let n = usize::from(v.is_some());
                (n, Some(n))
            }
            Inner::Strings(iter) => iter.size_hint(),
            Inner::Json { iter, .. } => (0, iter.size_hint().1),
        }
    }
}

/// Something whose fields can be looked up by dotted path.
///
/// Canonical paths only: [`SESSION_FIELDS`] for [`Session`] (and, as far as
/// the body holds them, for [`SparseBody`] and [`SessionRow`], which also
/// answer `key`), [`EVENT_FIELDS`] for [`Event`], [`ALERT_FIELDS`] for [`Alert`].
pub trait FieldSource {
    /// The values of the field at `path` (`user.gateway_username`, `client.ip`,
    /// `analytics.tags`): empty when absent or unknown, a `Null` when `null`,
    /// one value per element for lists.
    fn field_values(&self, path: &str) -> FieldValues<'_>;

    /// The first value, if any.
    fn first_value(&self, path: &str) -> Option<FieldValue<'_>> {
        self.field_values(path).next()
    }
}

fn link(l: Option<&crate::model::envelope::Link>) -> Option<&str> {
    l.map(|l| l.href.as_str())
}

fn endpoint<'a>(e: Option<&'a Endpoint>, sub: &str) -> Option<FieldValues<'a>> {
    Some(match sub {
        "ip" => FieldValues::opt_str(e.and_then(|e| e.ip.as_deref())),
        // 6.0 documents `server.address` as the IP; 7.x sends both.
        "address" => FieldValues::opt_str(e.and_then(|e| e.address.as_deref().or(e.ip.as_deref()))),
        "id" => FieldValues::opt_str(e.and_then(|e| e.id.as_deref())),
        "name" => FieldValues::opt_str(e.and_then(|e| e.name.as_deref())),
        "port" => FieldValues::opt_int(e.and_then(|e| e.port).map(i64::from)),
        _ => return None,
    })
}

impl Session {
    /// Like [`FieldSource::field_values`], but `None` for a path this model
    /// does not know (see [`SESSION_FIELDS`]).
    pub fn lookup(&self, path: &str) -> Option<FieldValues<'_>> {
        let (head, rest) = match path.split_once('.') {
            Some((head, rest)) => (head, Some(rest)),
            None => (path, None),
        };
        Some(match (head, rest) {
            ("active", None) => FieldValues::opt_bool(self.active),
            ("hidden", None) => FieldValues::opt_bool(self.hidden),
            ("phantom", None) => FieldValues::opt_bool(self.phantom),
            ("duration", None) => FieldValues::opt_int(self.duration),
            ("revision", None) => FieldValues::opt_int(self.revision),
            ("node_id", None) => FieldValues::opt_str(self.node_id.as_deref()),
            ("origin", None) => FieldValues::opt_str(self.origin.as_ref().map(|v| v.as_str())),
            ("protocol", None) => FieldValues::opt_str(self.protocol.as_ref().map(|v| v.as_str())),
            ("verdict", None) => FieldValues::opt_str(self.verdict.as_ref().map(|v| v.as_str())),
            ("creation_time", None) => FieldValues::opt_time(self.creation_time.as_ref()),
            ("start_time", None) => FieldValues::opt_time(self.start_time.as_ref()),
            ("end_time", None) => FieldValues::nullable_time(&self.end_time),
            ("alerts", None) => FieldValues::opt_str(link(self.alerts.as_ref())),
            ("channels", None) => FieldValues::opt_str(link(self.channels.as_ref())),
            ("events", None) => FieldValues::opt_str(link(self.events.as_ref())),
            ("indexer", None) => FieldValues::opt_str(link(self.indexer.as_ref())),
            ("indexing", None) => FieldValues::opt_str(link(self.indexing.as_ref())),
            ("trail_downloads", None) => FieldValues::opt_str(link(self.trail_downloads.as_ref())),
            ("trail_download_link", None) => FieldValues::nullable_str(&self.trail_download_link),
            ("log", Some(sub)) => {
                let log = self.log.as_ref();
                match sub {
                    "adapter_name" => {
                        FieldValues::opt_str(log.and_then(|l| l.adapter_name.as_deref()))
                    }
                    "auth_method" => {
                        FieldValues::opt_str(log.and_then(|l| l.auth_method.as_deref()))
                    }
                    "syslog_time" => {
                        FieldValues::opt_time_or_text(log.and_then(|l| l.syslog_time.as_ref()))
                    }
                    _ => return None,
                }
            }
            ("client", Some(sub)) => endpoint(self.client.as_ref(), sub)?,
            ("server", Some(sub)) => endpoint(self.server.as_ref(), sub)?,
            ("target", Some(sub)) => endpoint(self.target.as_ref(), sub)?,
            ("server_local", Some(sub)) => endpoint(self.server_local.as_ref(), sub)?,
            ("user", Some(sub)) => {
                let user = self.user.as_ref();
                match sub {
                    "id" => FieldValues::opt_str(user.and_then(|u| u.id.as_deref())),
                    "name" => FieldValues::opt_str(user.and_then(|u| u.name.as_deref())),
                    // 6.0 bodies hold the gateway username in `user.name`
                    // (the reference's detail example); later ones in
                    // `user.gateway_username`. `q=name:…` must find both.
                    "gateway_username" => FieldValues::opt_str(
                        user.and_then(|u| u.gateway_username.as_deref().or(u.name.as_deref())),
                    ),
                    "server_username" => {
                        FieldValues::opt_many(user.and_then(|u| u.server_username.as_ref()))
                    }
                    "gateway_username_domain" => FieldValues::opt_str(
                        user.and_then(|u| u.gateway_username_domain.as_deref()),
                    ),
                    "name_domain" => {
                        FieldValues::opt_str(user.and_then(|u| u.name_domain.as_deref()))
                    }
                    "server_username_domain" => {
                        FieldValues::opt_many(user.and_then(|u| u.server_username_domain.as_ref()))
                    }
                    _ => return None,
                }
            }
            ("analytics", Some(sub)) => {
                let a = self.analytics.as_ref();
                match sub {
                    "interesting_events" => {
                        FieldValues::opt_strings(a.and_then(|a| a.interesting_events.as_ref()))
                    }
                    "tags" => FieldValues::opt_strings(a.and_then(|a| a.tags.as_ref())),
                    "scripted" => FieldValues::opt_bool(a.and_then(|a| a.scripted)),
                    "similar_sessions" => match a.and_then(|a| a.similar_sessions.as_ref()) {
                        Some(list) => FieldValues {
                            inner: Inner::Json {
                                iter: list.iter(),
                                time: false,
                            },
                        },
                        None => FieldValues::empty(),
                    },
                    "score.aggregated" => FieldValues::opt_int(
                        a.and_then(|a| a.score.as_ref()).and_then(|s| s.aggregated),
                    ),
                    "bucketed_duration" => FieldValues::opt(
                        a.and_then(|a| a.bucketed_duration.as_ref())
                            .map(FieldValue::from),
                    ),
                    "bucketed_starting_hour" => FieldValues::opt(
                        a.and_then(|a| a.bucketed_starting_hour.as_ref())
                            .map(FieldValue::from),
                    ),
                    _ => {
                        // `score.details.<algorithm>.score`
                        let algorithm = sub
                            .strip_prefix("score.details.")?
                            .strip_suffix(".score")
                            .filter(|name| ScoreDetails::ALGORITHMS.contains(name))?;
                        let score = a
                            .and_then(|a| a.score.as_ref())
                            .and_then(|s| s.details.as_ref())
                            .and_then(|d| d.algorithm(algorithm))
                            .and_then(|x| x.score.as_ref());
                        FieldValues::opt(score.map(json_number))
                    }
                }
            }
            ("recording", Some(sub)) => self.recording_field(sub)?,
            _ => return None,
        })
    }

    fn recording_field(&self, sub: &str) -> Option<FieldValues<'_>> {
        let r = self.recording.as_ref();
        let archive = || {
            r.and_then(|r| r.audit_trail.as_ref())
                .and_then(AuditTrail::archive)
        };
        // `recording.archive` (7.x), else the 6.0 place.
        let any_archive = || self.archive();
        Some(match sub {
            "archive.date" => FieldValues::opt_time(any_archive().and_then(|a| a.date.as_ref())),
            "archive.path" => FieldValues::opt_str(any_archive().and_then(|a| a.path.as_deref())),
            "archive.policy" => {
                FieldValues::opt_str(any_archive().and_then(|a| a.policy.as_deref()))
            }
            "archive.server" => {
                FieldValues::opt_str(any_archive().and_then(|a| a.server.as_deref()))
            }
            "deny_reason" => FieldValues::opt_str(r.and_then(|r| r.deny_reason.as_deref())),
            "archived" => FieldValues::opt_bool(r.and_then(|r| r.archived)),
            "auth_method" => FieldValues::opt_str(r.and_then(|r| r.auth_method.as_deref())),
            "channel_policy" => FieldValues::opt_str(r.and_then(|r| r.channel_policy.as_deref())),
            "command_extracted" => FieldValues::opt_bool(r.and_then(|r| r.command_extracted)),
            "connection_policy" => {
                FieldValues::opt_str(r.and_then(|r| r.connection_policy.as_deref()))
            }
            "connection_policy_id" => {
                FieldValues::opt_str(r.and_then(|r| r.connection_policy_id.as_deref()))
            }
            "content_reference_id" => FieldValues::opt_int(r.and_then(|r| r.content_reference_id)),
            "has_accepted_channel" => FieldValues::opt_bool(r.and_then(|r| r.has_accepted_channel)),
            "index_status" => {
                FieldValues::opt_str(r.and_then(|r| r.index_status.as_ref()).map(|v| v.as_str()))
            }
            "network_id" => FieldValues::opt_str(r.and_then(|r| r.network_id.as_deref())),
            "session_id" => {
                FieldValues::opt(r.and_then(|r| r.session_id.as_ref()).map(FieldValue::from))
            }
            "verdict" => {
                FieldValues::opt_str(r.and_then(|r| r.verdict.as_ref()).map(|v| v.as_str()))
            }
            "window_title_extracted" => {
                FieldValues::opt_bool(r.and_then(|r| r.window_title_extracted))
            }
            "audit_trail" => match r.and_then(|r| r.audit_trail.as_ref()) {
                Some(AuditTrail::Path(path)) => FieldValues::one(FieldValue::Str(path)),
                Some(trail) => FieldValues::opt_str(trail.download_href()),
                None => FieldValues::empty(),
            },
            "audit_trail.download" => FieldValues::opt_str(
                r.and_then(|r| r.audit_trail.as_ref())
                    .and_then(AuditTrail::download_href),
            ),
            "audit_trail.archive.date" => {
                FieldValues::opt_time(archive().and_then(|a| a.date.as_ref()))
            }
            "audit_trail.archive.path" => {
                FieldValues::opt_str(archive().and_then(|a| a.path.as_deref()))
            }
            "audit_trail.archive.policy" => {
                FieldValues::opt_str(archive().and_then(|a| a.policy.as_deref()))
            }
            "audit_trail.archive.server" => {
                FieldValues::opt_str(archive().and_then(|a| a.server.as_deref()))
            }
            _ => {
                let (head, rest) = sub.split_once('.')?;
                match head {
                    "server_local" => endpoint(r.and_then(|r| r.server_local.as_ref()), rest)?,
                    "target" => endpoint(r.and_then(|r| r.target.as_ref()), rest)?,
                    _ => return None,
                }
            }
        })
    }
}

impl FieldSource for Session {
    fn field_values(&self, path: &str) -> FieldValues<'_> {
        self.lookup(path).unwrap_or_else(FieldValues::empty)
    }
}

impl FieldSource for Event {
    fn field_values(&self, path: &str) -> FieldValues<'_> {
        match path {
            "action" => FieldValues::opt_str(self.action.as_deref()),
            "channels_id" => FieldValues::opt(self.channels_id.as_ref().map(FieldValue::from)),
            "content" => FieldValues::opt_str(self.content.as_deref()),
            "record_id" => FieldValues::opt_int(self.record_id),
            "time" => FieldValues::opt_time(self.time.as_ref()),
            "type" => FieldValues::opt_str(self.event_type.as_ref().map(|t| t.as_str())),
            _ => FieldValues::empty(),
        }
    }
}

impl FieldSource for Alert {
    fn field_values(&self, path: &str) -> FieldValues<'_> {
        match path {
            "alert_type" => FieldValues::opt_str(self.alert_type.as_deref()),
            "channel_id" => FieldValues::opt(self.channel_id.as_ref().map(FieldValue::from)),
            "matched_action" => FieldValues::opt_str(self.matched_action.as_deref()),
            "matched_content" => FieldValues::opt_str(self.matched_content.as_deref()),
            "matched_regexp" => FieldValues::opt_str(self.matched_regexp.as_deref()),
            "record_id" => FieldValues::opt_int(self.record_id),
            "rule_name" => FieldValues::opt_str(self.rule_name.as_deref()),
            "time" => FieldValues::opt_time(self.time.as_ref()),
            _ => FieldValues::empty(),
        }
    }
}

/// True for the session paths that hold timestamps; sparse bodies carry them as
/// JSON text or numbers and need to know.
pub fn is_time_path(path: &str) -> bool {
    matches!(
        path,
        "start_time"
            | "end_time"
            | "creation_time"
            | "recording.archive.date"
            | "recording.audit_trail.archive.date"
            | "log.syslog_time"
            | "time"
    )
}

/// The body of a sessions-list item: the `fields=` selection, keyed by the field
/// names as requested (dotted, `"user.gateway_username"`), in the order SPS sent
/// them. With `fields=*` it holds the full nested session instead; lookups handle
/// both (a flat key first, then a walk into nested objects).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(type = "{ [field in string]?: JsonValue }")
)]
pub struct SparseBody {
    entries: Vec<(String, Value)>,
}

impl SparseBody {
    /// An empty body.
    pub fn new() -> Self {
        SparseBody::default()
    }

    /// Sets `key` to `value`, replacing an existing entry in place or appending.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) {
        let key = key.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// How many top-level entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The JSON value at `path`: the entry with that exact key, or else a walk
    /// into nested objects (`recording.verdict` inside `"recording": {...}`).
    pub fn get(&self, path: &str) -> Option<&Value> {
        if let Some((_, v)) = self.entries.iter().find(|(k, _)| k == path) {
            return Some(v);
        }
        self.entries.iter().find_map(|(k, v)| {
            let rest = path.strip_prefix(k.as_str())?.strip_prefix('.')?;
            walk(v, rest)
        })
    }

    /// The text at `path`, if it is a string.
    pub fn get_str(&self, path: &str) -> Option<&str> {
        self.get(path)?.as_str()
    }

    /// The integer at `path`, if it is one.
    pub fn get_i64(&self, path: &str) -> Option<i64> {
        self.get(path)?.as_i64()
    }

    /// The boolean at `path`, if it is one.
    pub fn get_bool(&self, path: &str) -> Option<bool> {
        self.get(path)?.as_bool()
    }

    /// The timestamp at `path` (ISO text or UNIX seconds); `None` if absent,
    /// `null` or not a time.
    pub fn get_timestamp(&self, path: &str) -> Option<Timestamp> {
        match self.get(path)? {
            Value::String(s) => Timestamp::parse(s).ok(),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Timestamp::from_unix_seconds(i),
                None => n.as_f64().and_then(Timestamp::from_unix_seconds_f64),
            },
            _ => None,
        }
    }

    /// The body as a JSON object.
    pub fn to_json(&self) -> Value {
        Value::Object(self.entries.iter().cloned().collect())
    }

    /// Reads the body as a full [`Session`] (for `fields=*`). Flat dotted keys
    /// are not expanded.
    pub fn to_session(&self) -> Result<Session> {
        // Through text, so that errors name their path like every reply's do.
        let text = serde_json::to_vec(&self.to_json()).map_err(|e| {
            crate::Error::from(ErrorKind::Decode {
                what: "session body".to_owned(),
                path: ".".to_owned(),
                message: e.to_string(),
            })
        })?;
        crate::model::decode::decode_json("session body", &text)
    }
}

fn walk<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let object = value.as_object()?;
    // Flat dotted keys can appear inside nested objects too.
    if let Some(v) = object.get(path) {
        return Some(v);
    }
    let (head, rest) = path.split_once('.')?;
    walk(object.get(head)?, rest)
}

impl FieldSource for SparseBody {
    fn field_values(&self, path: &str) -> FieldValues<'_> {
        match self.get(path) {
            Some(value) => FieldValues::json(value, is_time_path(path)),
            None => FieldValues::empty(),
        }
    }
}

impl FieldSource for SessionRow {
    /// `key` gives the row's key; other paths look into the body.
    fn field_values(&self, path: &str) -> FieldValues<'_> {
        if path == "key" {
            return FieldValues::one(FieldValue::Str(&self.key));
        }
        match &self.body {
            Some(body) => body.field_values(path),
            None => FieldValues::empty(),
        }
    }
}

impl Serialize for SparseBody {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for SparseBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SparseBody;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of session fields")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<SparseBody, A::Error> {
                let mut body = SparseBody {
                    entries: Vec::with_capacity(map.size_hint().unwrap_or(0)),
                };
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    body.insert(k, v);
                }
                Ok(body)
            }
        }
        deserializer.deserialize_map(V)
    }
}

impl From<SparseBody> for Value {
    fn from(body: SparseBody) -> Value {
        Value::Object(body.entries.into_iter().collect())
    }
}
