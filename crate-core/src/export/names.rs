//! File names of exports: [`export_file_name`], [`detail_file_name`].

use super::DetailKind;

use chrono::{DateTime, TimeZone, Utc};

/// The kind of an export file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportKind {
    /// Comma-separated values.
    Csv,
    /// One JSON array.
    Json,
    /// Newline-delimited JSON.
    Ndjson,
}

impl ExportKind {
    /// The file extension, without a dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportKind::Csv => "csv",
            ExportKind::Json => "json",
            ExportKind::Ndjson => "ndjson",
        }
    }

    /// The media type for a download (`text/csv;charset=utf-8`, ...).
    pub fn mime_type(self) -> &'static str {
        match self {
            ExportKind::Csv => "text/csv;charset=utf-8",
            ExportKind::Json => "application/json",
            ExportKind::Ndjson => "application/x-ndjson",
        }
    }
}

/// `20261123T101500Z`: the instant in UTC, safe in file names everywhere.
pub(super) fn file_time<Tz: TimeZone>(time: &DateTime<Tz>) -> String {
    time.with_timezone(&Utc)
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// Keeps ASCII letters, digits, `-`, `_` and `.`; anything else becomes `_`.
pub(super) fn file_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The file name of a sessions export: `sps-sessions-20261123T101500Z.csv`
/// (the query's time, in UTC).
pub fn export_file_name<Tz: TimeZone>(kind: ExportKind, query_time: &DateTime<Tz>) -> String {
    format!(
        "sps-sessions-{}.{}",
        file_time(query_time),
        kind.extension()
    )
}

/// The file name of a per-session export:
/// `sps-session-<key>-events-20261123T101500Z.csv` (characters of the key
/// that are not safe in file names become `_`).
pub fn detail_file_name<Tz: TimeZone>(
    kind: ExportKind,
    key: &str,
    detail: DetailKind,
    query_time: &DateTime<Tz>,
) -> String {
    format!(
        "sps-session-{}-{}-{}.{}",
        file_safe(key),
        detail.name(),
        file_time(query_time),
        kind.extension()
    )
}
