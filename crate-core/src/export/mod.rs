//! Exports of session lists (CSV, JSON, NDJSON) and of one session's events,
//! alerts and channels (CSV, JSON, NDJSON).
//!
//! CSV comes in two flavours, both made by [`CsvExporter`]:
//!
//! - **SPS-compatible** ([`CsvOptions::sps_compatible`]): byte for byte what SPS
//!   answers to `?format=csv` — every cell quoted, `\r\n` line ends, header `Key`
//!   then the catalogue's titles, one row per value of a multi-valued field (the
//!   Cartesian product when several are; an empty list gives one row with an
//!   empty cell), values as SPS sent them (`end_time` `7` stays `7`), and no
//!   formula guard. The simulator answers `format=csv` with it.
//! - **For people** ([`CsvOptions::new`]): the same layout, but timestamps in a
//!   chosen [`Zone`] with the offset written, and spreadsheet-safe: a cell that
//!   begins with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'`
//!   (OWASP's CSV-injection advice) unless it is a plain number such as `-5`;
//!   so is one where such a character (or its full-width form) follows leading
//!   white space or zero-width characters (see [`needs_formula_guard`]).
//!   Session content is typed by the audited users, so it must not run as a
//!   formula when somebody opens the export in a spreadsheet.
//!
//! Every exporter is streaming: it takes any [`io::Write`] and accepts pages as
//! they arrive, so an export of 100,000 sessions holds one page of input and a
//! few kilobytes of output at a time. [`ChunkSink`] turns the output into
//! chunks (for example the parts of a browser `Blob`). There is no cap on
//! sessions; one session's expansion into rows ([`MultiValue::Expand`]) is
//! capped by [`CsvOptions::max_rows_per_session`], and
//! [`CsvExporter::expansion_cut`] reports what was left out.
//!
//! Values are read through [`FieldSource`], so full [`Session`] bodies, sparse
//! list rows ([`SessionRow`]) and anything else that implements it export alike.
//!
//! ```
//! use sps_core::export::{export_file_name, session_columns, ChunkSink, ExportKind, TimeFormat};
//! use sps_core::model::decode_session_list;
//! use sps_core::{CsvExporter, CsvOptions, SessionExporter, Zone};
//!
//! # fn main() -> sps_core::Result<()> {
//! let fields = ["protocol", "start_time", "user.gateway_username"];
//! let options = CsvOptions {
//!     time: TimeFormat::Zone(Zone::Utc),
//!     ..CsvOptions::new(session_columns(&fields)?)
//! };
//! // In the viewer each chunk becomes a `Uint8Array` part of a `Blob`.
//! let mut parts: Vec<Vec<u8>> = Vec::new();
//! let sink = ChunkSink::new(1 << 20, |chunk: &[u8]| {
//!     parts.push(chunk.to_vec());
//!     Ok(())
//! });
//! let mut exporter = CsvExporter::new(sink, options)?;
//! // One page per reply, as they arrive (snapshot paging has no row cap).
//! let page = decode_session_list(
//!     br#"{"items": [{"key": "k1", "body": {"protocol": "SSH",
//!          "start_time": "2026-11-23T10:15:00+01:00",
//!          "user.gateway_username": "=cmd|' /C calc'!A0"}}]}"#,
//! )?;
//! exporter.write_page(&page.items)?;
//! drop(exporter.finish()?); // flushes the last chunk
//! assert_eq!(
//!     String::from_utf8(parts.concat()).unwrap(),
//!     "\"Key\",\"Protocol\",\"Start time\",\"Gateway username\"\r\n\
//!      \"k1\",\"SSH\",\"2026-11-23 09:15:00 +00:00\",\"'=cmd|' /C calc'!A0\"\r\n"
//! );
//! let time = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:15:00Z").unwrap();
//! assert_eq!(export_file_name(ExportKind::Csv, &time), "sps-sessions-20261123T101500Z.csv");
//! # Ok(())
//! # }
//! ```

use std::io::{self, Write};

use crate::error::{Error, ErrorKind, Result};

mod csv;
mod details;
mod guard;
mod json;
mod links;
mod names;
mod record;
mod sink;

pub use self::csv::{
    session_columns, sessions_to_csv, CsvColumn, CsvExporter, CsvOptions, ExpansionCut, LineEnd,
    MultiValue, TimeFormat,
};
pub use details::{
    write_detail_rows_csv, write_detail_rows_json, write_details_csv, write_details_json,
    DetailItem, DetailKind, SessionContext,
};
pub use guard::{needs_formula_guard, neutralise_formula};
pub use json::{JsonExporter, JsonFormat, NdjsonExporter};
pub use links::trail_download_link;
pub use names::{detail_file_name, export_file_name, ExportKind};
pub use record::{SessionBody, SessionObject, SessionRecord};
pub use sink::ChunkSink;

/// What every session exporter does ([`CsvExporter`], [`JsonExporter`],
/// [`NdjsonExporter`]): take sessions one by one or page by page as they
/// arrive, and hand the writer back at the end. Import it to call these
/// methods (`use sps_core::export::SessionExporter as _;`).
pub trait SessionExporter<W: Write> {
    /// Writes one session (a list row, a full session with its key, ...).
    fn write_session<R: SessionRecord + ?Sized>(&mut self, session: &R) -> Result<()>;

    /// Writes a page of sessions.
    fn write_page<R: SessionRecord>(&mut self, page: &[R]) -> Result<()> {
        page.iter().try_for_each(|r| self.write_session(r))
    }

    /// Writes sessions from any iterator of records.
    fn write_sessions<I>(&mut self, sessions: I) -> Result<()>
    where
        I: IntoIterator,
        I::Item: SessionRecord,
    {
        sessions
            .into_iter()
            .try_for_each(|r| self.write_session(&r))
    }

    /// How many sessions were written.
    fn sessions_written(&self) -> u64;

    /// Hands the buffered bytes to the writer and flushes it.
    fn flush(&mut self) -> Result<()>;

    /// Closes the export (a JSON array's `]`), flushes and returns the writer.
    fn finish(self) -> Result<W>
    where
        Self: Sized;
}

/// The public address SPS writes in `trail_download_link` when nothing else
/// is configured (the reference's example shows it).
pub const DEFAULT_PUBLIC_BASE: &str = "https://127.0.0.1";

/// What separates the values of a multi-valued field in one cell with
/// [`MultiValue::Join`].
pub const JOIN_SEPARATOR: &str = ";";

/// Most rows one session may expand to with [`MultiValue::Expand`] in
/// [`CsvOptions::new`]: the Cartesian product of a few long lists is millions
/// of rows, which no one reads and which would stall the export.
pub const DEFAULT_MAX_ROWS_PER_SESSION: u64 = 1_000;

/// The field name of the computed audit-trail link column.
const TRAIL_LINK: &str = "trail_download_link";

fn export_error(message: impl std::fmt::Display) -> Error {
    ErrorKind::Export {
        message: message.to_string(),
    }
    .into()
}

fn io_error(e: io::Error) -> Error {
    export_error(format_args!("cannot write the export: {e}"))
}

fn csv_error(e: ::csv::Error) -> Error {
    match e.kind() {
        ::csv::ErrorKind::Io(io) => export_error(format_args!("cannot write the export: {io}")),
        _ => export_error(format_args!("cannot write CSV: {e}")),
    }
}

fn json_error(e: serde_json::Error) -> Error {
    if e.is_io() {
        export_error(format_args!("cannot write the export: {e}"))
    } else {
        export_error(format_args!("cannot encode JSON: {e}"))
    }
}
