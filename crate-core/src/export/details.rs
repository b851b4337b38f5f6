//! Per-session exports: one session's events, alerts and channels as CSV,
//! JSON or NDJSON, with the session's context columns.

use std::borrow::Cow;
use std::io::Write;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use super::json::JsonStream;
use super::*;

use crate::error::Result;
use crate::model::alert::Alert;
use crate::model::channel::Channel;
use crate::model::event::Event;
use crate::model::field_source::{FieldSource, FieldValue, FieldValues};
use crate::model::timestamp::Timestamp;

/// What a per-session export lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DetailKind {
    /// `/api/audit/sessions/<key>/events`.
    Events,
    /// `/api/audit/sessions/<key>/alerts`.
    Alerts,
    /// `/api/audit/sessions/<key>/channels`.
    Channels,
}

impl DetailKind {
    /// `events`, `alerts`, `channels`.
    pub fn name(self) -> &'static str {
        match self {
            DetailKind::Events => "events",
            DetailKind::Alerts => "alerts",
            DetailKind::Channels => "channels",
        }
    }

    /// `event`, `alert`, `channel`: the item's name in JSON rows.
    pub fn item_name(self) -> &'static str {
        match self {
            DetailKind::Events => "event",
            DetailKind::Alerts => "alert",
            DetailKind::Channels => "channel",
        }
    }
}

/// The session a per-session export belongs to: its key and main fields,
/// written on every row.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SessionContext {
    /// The session's key.
    pub key: String,
    /// `protocol`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// `user.gateway_username` (else `user.name`).
    #[serde(
        rename = "user.gateway_username",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub gateway_username: Option<String>,
    /// `server.ip`.
    #[serde(rename = "server.ip", default, skip_serializing_if = "Option::is_none")]
    pub server_ip: Option<String>,
    /// `start_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Timestamp>,
}

impl SessionContext {
    /// The context of the session `key` whose fields are `source` (a
    /// [`Session`], a list row, ...).
    pub fn from_fields<S: FieldSource + ?Sized>(key: impl Into<String>, source: &S) -> Self {
        let text = |path: &str| {
            source
                .field_values(path)
                .find(|v| !v.is_null())
                .map(|v| v.to_text().into_owned())
        };
        SessionContext {
            key: key.into(),
            protocol: text("protocol"),
            gateway_username: text("user.gateway_username").or_else(|| text("user.name")),
            server_ip: text("server.ip"),
            start_time: source
                .field_values("start_time")
                .find_map(|v| v.as_timestamp().cloned()),
        }
    }

    /// The context of a record (list row or session with key).
    pub fn from_record<R: SessionRecord + ?Sized>(record: &R) -> Self {
        SessionContext::from_fields(record.key(), record.fields())
    }

    fn values(&self, path: &str) -> FieldValues<'_> {
        match path {
            "protocol" => text_values(self.protocol.as_deref()),
            "user.gateway_username" => text_values(self.gateway_username.as_deref()),
            "server.ip" => text_values(self.server_ip.as_deref()),
            "start_time" => match &self.start_time {
                Some(t) => FieldValues::one(FieldValue::Time(Cow::Borrowed(t))),
                None => FieldValues::empty(),
            },
            _ => FieldValues::empty(),
        }
    }
}

pub(super) fn text_values(text: Option<&str>) -> FieldValues<'_> {
    match text {
        Some(s) => FieldValues::one(FieldValue::Str(s)),
        None => FieldValues::empty(),
    }
}

/// An item of a per-session export: [`Event`], [`Alert`] or [`Channel`].
pub trait DetailItem: Serialize {
    /// Which list it belongs to.
    const KIND: DetailKind;

    /// Every column, in a useful order, with titles.
    fn default_columns() -> Vec<CsvColumn>;

    /// The values of the field at `path` (as in [`FieldSource`]).
    fn item_values(&self, path: &str) -> FieldValues<'_>;
}

pub(super) const EVENT_COLUMNS: &[(&str, &str)] = &[
    ("time", "Time"),
    ("type", "Type"),
    ("channels_id", "Channel ID"),
    ("record_id", "Record ID"),
    ("action", "Action"),
    ("content", "Content"),
];

pub(super) const ALERT_COLUMNS: &[(&str, &str)] = &[
    ("time", "Time"),
    ("alert_type", "Alert type"),
    ("rule_name", "Rule name"),
    ("channel_id", "Channel ID"),
    ("record_id", "Record ID"),
    ("matched_action", "Matched action"),
    ("matched_content", "Matched content"),
    ("matched_regexp", "Matched regexp"),
];

pub(super) const CHANNEL_COLUMNS: &[(&str, &str)] = &[
    ("channel_id", "Channel ID"),
    ("type", "Channel type"),
    ("verdict", "Channel verdict"),
    ("active", "Active"),
    ("start_time", "Channel start time"),
    ("end_time", "Channel end time"),
    ("duration", "Duration"),
    ("command", "Command"),
    ("scp_path", "SCP path"),
    ("subsystem_name", "Subsystem"),
    ("device_name", "Device name"),
    ("dynamic_channel", "Dynamic channel"),
    ("application", "Application"),
    ("originator", "Originator"),
    ("originator.port", "Originator port"),
    ("connected", "Connected to"),
    ("connected.port", "Connected port"),
    ("four_eyes_authorizer", "Four-eyes authorizer"),
    ("four_eyes_description", "Four-eyes description"),
    ("rule_num", "Rule number"),
    ("audit_stream_id", "Audit stream ID"),
    ("client_x509_subject", "Client X.509 subject"),
];

pub(super) fn columns_of(table: &'static [(&'static str, &'static str)]) -> Vec<CsvColumn> {
    table
        .iter()
        .map(|&(path, title)| CsvColumn::new(path, title))
        .collect()
}

impl DetailItem for Event {
    const KIND: DetailKind = DetailKind::Events;

    fn default_columns() -> Vec<CsvColumn> {
        columns_of(EVENT_COLUMNS)
    }

    fn item_values(&self, path: &str) -> FieldValues<'_> {
        self.field_values(path)
    }
}

impl DetailItem for Alert {
    const KIND: DetailKind = DetailKind::Alerts;

    fn default_columns() -> Vec<CsvColumn> {
        columns_of(ALERT_COLUMNS)
    }

    fn item_values(&self, path: &str) -> FieldValues<'_> {
        self.field_values(path)
    }
}

impl DetailItem for Channel {
    const KIND: DetailKind = DetailKind::Channels;

    fn default_columns() -> Vec<CsvColumn> {
        columns_of(CHANNEL_COLUMNS)
    }

    fn item_values(&self, path: &str) -> FieldValues<'_> {
        let text = text_values;
        let port = |v: Option<u16>| match v {
            Some(p) => FieldValues::one(FieldValue::Int(i64::from(p))),
            None => FieldValues::empty(),
        };
        match path {
            "active" => match self.active {
                Some(b) => FieldValues::one(FieldValue::Bool(b)),
                None => FieldValues::empty(),
            },
            "application" => text(self.application.as_deref()),
            "audit_stream_id" => text(self.audit_stream_id.as_deref()),
            "channel_id" => match &self.channel_id {
                Some(id) => FieldValues::one(FieldValue::from(id)),
                None => FieldValues::empty(),
            },
            "client_x509_subject" => text(self.client_x509_subject.as_deref()),
            "command" => text(self.command.as_deref()),
            "connected" => text(self.connected()),
            "connected.port" => port(self.connected_port),
            "device_name" => text(self.device_name.as_deref()),
            "duration" => match self.duration {
                Some(d) => FieldValues::one(FieldValue::Int(d)),
                None => FieldValues::empty(),
            },
            "dynamic_channel" => text(self.dynamic_channel.as_deref()),
            "end_time" => match self.end_time() {
                Some(t) => FieldValues::one(FieldValue::Time(Cow::Borrowed(t))),
                None if self.end_time.is_null() => FieldValues::one(FieldValue::Null),
                None => FieldValues::empty(),
            },
            "four_eyes_authorizer" => text(self.four_eyes_authorizer.as_deref()),
            "four_eyes_description" => text(self.four_eyes_description.as_deref()),
            "originator" => text(self.originator()),
            "originator.port" => port(self.originator_port),
            "rule_num" => match &self.rule_num {
                Some(n) => FieldValues::one(FieldValue::from(n)),
                None => FieldValues::empty(),
            },
            "scp_path" => text(self.scp_path.as_deref()),
            "start_time" => match &self.start_time {
                Some(t) => FieldValues::one(FieldValue::Time(Cow::Borrowed(t))),
                None => FieldValues::empty(),
            },
            "subsystem_name" => text(self.subsystem_name.as_deref()),
            "type" => text(self.channel_type.as_ref().map(|t| t.as_str())),
            "verdict" => text(self.verdict.as_ref().map(|v| v.as_str())),
            _ => FieldValues::empty(),
        }
    }
}

/// Paths of the session columns in per-session CSV (prefixed so that they
/// never clash with an item's own fields).
pub(super) const CONTEXT_PREFIX: &str = "session.";

/// The session columns of per-session CSV, after `Key`.
pub(super) fn context_columns() -> Vec<CsvColumn> {
    columns_of(&[
        ("session.protocol", "Protocol"),
        ("session.user.gateway_username", "Gateway username"),
        ("session.server.ip", "Server IP"),
        ("session.start_time", "Session start time"),
    ])
}

/// One row of a per-session export: the session's fields under `session.`,
/// the item's fields otherwise.
pub(super) struct DetailRow<'a, T> {
    session: &'a SessionContext,
    item: &'a T,
}

impl<T: DetailItem> FieldSource for DetailRow<'_, T> {
    fn field_values(&self, path: &str) -> FieldValues<'_> {
        match path.strip_prefix(CONTEXT_PREFIX) {
            Some(rest) => self.session.values(rest),
            None => self.item.item_values(path),
        }
    }
}

impl<T: DetailItem> Serialize for DetailRow<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("session", self.session)?;
        map.serialize_entry(T::KIND.item_name(), self.item)?;
        map.end()
    }
}

/// Writes the events, alerts or channels of one session as CSV: `Key`,
/// `Protocol`, `Gateway username`, `Server IP`, `Session start time` on every
/// row, then the item's columns — `options.columns` (paths of the item's
/// fields) or, when empty, [`DetailItem::default_columns`]. The other options
/// apply as for sessions. Returns the writer.
pub fn write_details_csv<'a, T, I, W>(
    out: W,
    session: &SessionContext,
    items: I,
    options: &CsvOptions,
) -> Result<W>
where
    T: DetailItem + 'a,
    I: IntoIterator<Item = &'a T>,
    W: Write,
{
    write_detail_rows_csv(out, items.into_iter().map(|item| (session, item)), options)
}

/// Writes items of several sessions as one CSV (the viewer's alerts across a
/// result set): each item with its own session's context columns, laid out
/// as [`write_details_csv`] does, with one header. Returns the writer.
pub fn write_detail_rows_csv<'a, T, I, W>(out: W, rows: I, options: &CsvOptions) -> Result<W>
where
    T: DetailItem + 'a,
    I: IntoIterator<Item = (&'a SessionContext, &'a T)>,
    W: Write,
{
    let mut columns = context_columns();
    if options.columns.is_empty() {
        columns.extend(T::default_columns());
    } else {
        columns.extend(options.columns.iter().cloned());
    }
    let options = CsvOptions {
        columns,
        ..options.clone()
    };
    let mut exporter = CsvExporter::new(out, options)?;
    for (session, item) in rows {
        exporter.write_record(&session.key, &DetailRow { session, item })?;
    }
    exporter.finish()
}

/// Writes the events, alerts or channels of one session as JSON (an array) or
/// NDJSON: one object per item, `{"session": {key, protocol,
/// user.gateway_username, server.ip, start_time}, "event": {...}}` (`alert`,
/// `channel` for the others), items as SPS sent them. Returns the writer.
pub fn write_details_json<'a, T, I, W>(
    out: W,
    session: &SessionContext,
    items: I,
    format: JsonFormat,
) -> Result<W>
where
    T: DetailItem + 'a,
    I: IntoIterator<Item = &'a T>,
    W: Write,
{
    write_detail_rows_json(out, items.into_iter().map(|item| (session, item)), format)
}

/// Writes items of several sessions as one JSON array or NDJSON, each object
/// shaped as in [`write_details_json`] with its own session. Returns the writer.
pub fn write_detail_rows_json<'a, T, I, W>(out: W, rows: I, format: JsonFormat) -> Result<W>
where
    T: DetailItem + 'a,
    I: IntoIterator<Item = (&'a SessionContext, &'a T)>,
    W: Write,
{
    let mut stream = JsonStream::new(out, format)?;
    for (session, item) in rows {
        stream.write(&DetailRow { session, item })?;
    }
    stream.finish()
}
