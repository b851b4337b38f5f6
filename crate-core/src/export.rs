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
//! use sps_core::{
//!     decode_session_list, export_file_name, session_columns, ChunkSink, CsvExporter,
//!     CsvOptions, ExportKind, TimeFormat, Zone,
//! };
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

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

use chrono::{DateTime, TimeZone, Utc};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::alert::Alert;
use crate::catalogue::{Catalogue, FieldSpec};
use crate::channel::Channel;
use crate::envelope::{Single, SingleMeta};
use crate::error::{Error, ErrorKind, Result};
use crate::event::Event;
use crate::field_source::{FieldSource, FieldValue, FieldValues, SparseBody};
use crate::search::encode_component;
use crate::session::{Session, SessionRow};
use crate::timestamp::{Timestamp, Zone};

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

fn csv_error(e: csv::Error) -> Error {
    match e.kind() {
        csv::ErrorKind::Io(io) => export_error(format_args!("cannot write the export: {io}")),
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

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

/// How a field with several values (`analytics.tags`, `user.server_username`)
/// becomes CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MultiValue {
    /// One row per value, as SPS does: the Cartesian product when several
    /// columns have several values (first column varying slowest); a field
    /// with no value gives one row with an empty cell.
    #[default]
    Expand,
    /// All values in one cell, separated by [`JOIN_SEPARATOR`]: one row per
    /// session.
    Join,
}

/// How timestamps are written in CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFormat {
    /// As SPS sent them: ISO text unchanged, UNIX numbers as numbers (`7`).
    AsSent,
    /// In a zone, offset always written: `2018-10-11 07:23:38 +00:00`.
    Zone(Zone),
}

impl Default for TimeFormat {
    /// UTC, offset written.
    fn default() -> Self {
        TimeFormat::Zone(Zone::Utc)
    }
}

/// Line ends of CSV records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineEnd {
    /// `\r\n`, as SPS (Python's `csv`) and RFC 4180 write.
    #[default]
    Crlf,
    /// `\n`.
    Lf,
}

/// One CSV column: the field it reads and its header title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvColumn {
    path: Cow<'static, str>,
    title: Cow<'static, str>,
    /// The name as the user requested it, when it differs from `path`: sparse
    /// list bodies are keyed by the requested name (`name`, not
    /// `user.gateway_username`).
    requested: Option<String>,
}

impl CsvColumn {
    /// A column reading the dotted `path` under the header `title`.
    pub fn new(path: impl Into<Cow<'static, str>>, title: impl Into<Cow<'static, str>>) -> Self {
        CsvColumn {
            path: path.into(),
            title: title.into(),
            requested: None,
        }
    }

    /// The column of a catalogue field, titled as SPS titles it.
    pub fn from_spec(spec: &'static FieldSpec) -> Self {
        CsvColumn::new(spec.name, spec.title)
    }

    /// The column of a sessions field by canonical name or alias
    /// (`user.gateway_username`, `name`, `trail_download_link`).
    ///
    /// Errors with [`ErrorKind::QueryField`] (position 1, with a suggestion)
    /// for a name the catalogue does not know.
    pub fn session_field(name: &str) -> Result<Self> {
        session_column(name, 1)
    }

    /// The dotted path the column reads.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The header title.
    pub fn title(&self) -> &str {
        &self.title
    }
}

fn session_column(name: &str, position: usize) -> Result<CsvColumn> {
    let catalogue = Catalogue::sessions();
    let Some(spec) = catalogue.resolve(name) else {
        return Err(ErrorKind::QueryField {
            position,
            field: name.to_owned(),
            suggestion: catalogue.suggest(name).map(str::to_owned),
        }
        .into());
    };
    if !spec.showable {
        return Err(ErrorKind::SearchParameter {
            parameter: "fields".to_owned(),
            message: format!("`{name}` cannot be exported"),
        }
        .into());
    }
    let mut column = CsvColumn::from_spec(spec);
    if name != spec.name {
        column.requested = Some(name.to_owned());
    }
    Ok(column)
}

/// The CSV columns for a `fields=` selection, in the order given; `*` stands
/// for every showable field in catalogue order.
///
/// Errors with [`ErrorKind::QueryField`] (1-based position in the list) for an
/// unknown name.
pub fn session_columns<S: AsRef<str>>(fields: &[S]) -> Result<Vec<CsvColumn>> {
    let mut columns = Vec::with_capacity(fields.len());
    for (i, name) in fields.iter().enumerate() {
        let name = name.as_ref().trim();
        if name == "*" {
            columns.extend(
                Catalogue::sessions()
                    .fields()
                    .iter()
                    .filter(|f| f.showable)
                    .map(CsvColumn::from_spec),
            );
        } else {
            columns.push(session_column(name, i + 1)?);
        }
    }
    Ok(columns)
}

/// Everything that decides how CSV is written.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvOptions {
    /// The columns after `Key`, in order.
    pub columns: Vec<CsvColumn>,
    /// Multi-valued fields: one row per value, or joined in one cell.
    pub multi_value: MultiValue,
    /// Timestamps as sent or in a zone.
    pub time: TimeFormat,
    /// Prefix cells that a spreadsheet would run as a formula with `'`.
    pub formula_guard: bool,
    /// Quote every cell (as SPS does); otherwise only where needed.
    pub quote_all: bool,
    /// Record terminator.
    pub line_end: LineEnd,
    /// Scheme and host for `trail_download_link`
    /// (`<base>/api/audit/sessions/<key>/audit_trail`), without a trailing `/`.
    pub public_base: String,
    /// Start with a UTF-8 byte order mark, which some spreadsheets need to read
    /// non-ASCII text correctly. SPS writes none.
    pub bom: bool,
    /// With [`MultiValue::Expand`], the most rows one session may give; the
    /// rest of its rows are dropped and counted (see
    /// [`CsvExporter::expansion_cut`]). `None`: no limit, as SPS.
    pub max_rows_per_session: Option<u64>,
}

impl Default for CsvOptions {
    /// No columns; rows expanded, at most [`DEFAULT_MAX_ROWS_PER_SESSION`] per
    /// session; times in UTC; formula guard on; every cell quoted; `\r\n`;
    /// base [`DEFAULT_PUBLIC_BASE`]; no byte order mark.
    fn default() -> Self {
        CsvOptions {
            columns: Vec::new(),
            multi_value: MultiValue::Expand,
            time: TimeFormat::default(),
            formula_guard: true,
            quote_all: true,
            line_end: LineEnd::Crlf,
            public_base: DEFAULT_PUBLIC_BASE.to_owned(),
            bom: false,
            max_rows_per_session: Some(DEFAULT_MAX_ROWS_PER_SESSION),
        }
    }
}

impl CsvOptions {
    /// Options for people: the defaults (spreadsheet-safe, times in UTC with
    /// the offset) with these columns.
    pub fn new(columns: Vec<CsvColumn>) -> Self {
        CsvOptions {
            columns,
            ..CsvOptions::default()
        }
    }

    /// What SPS writes for `format=csv`: rows expanded without a limit, values
    /// as sent, no formula guard, every cell quoted, `\r\n`.
    pub fn sps_compatible(columns: Vec<CsvColumn>) -> Self {
        CsvOptions {
            columns,
            multi_value: MultiValue::Expand,
            time: TimeFormat::AsSent,
            formula_guard: false,
            quote_all: true,
            line_end: LineEnd::Crlf,
            public_base: DEFAULT_PUBLIC_BASE.to_owned(),
            bom: false,
            max_rows_per_session: None,
        }
    }
}

// ---------------------------------------------------------------------------
// Formula guard
// ---------------------------------------------------------------------------

/// True if a spreadsheet could run `cell` as a formula.
///
/// The cell is guarded when it begins with a tab or a carriage return
/// (OWASP's list), or when its first character after any leading white space,
/// control or invisible format characters ([`char::is_whitespace`],
/// `char::is_control`, Unicode category Cf such as U+200B and U+FEFF) is a
/// trigger: `=`, `+`, `-`, `@`, their full-width forms `＝ ＋ － ＠` (U+FF1D,
/// U+FF0B, U+FF0D, U+FF20), small forms (U+FE66, U+FE62, U+FE63, U+FE6B),
/// superscript and subscript forms (U+207A..U+207C, U+208A..U+208C), or the
/// minus sign U+2212. Those
/// are what Unicode compatibility folding (NFKC) or a spreadsheet's own
/// trimming can turn into a formula's first character; LibreOffice does not,
/// but other spreadsheets and locales may, so they are guarded too.
///
/// A plain number is left alone, because it never runs: an optional ASCII `+`
/// or `-`, digits with at most one `.`, an optional exponent (`-5`, `+2.5`,
/// `-1e3`), possibly after leading white space (` -5` still reads as a
/// number, and quoting it would turn a number into text). `-2+3`, `-7 `,
/// `-inf` and `－5` (full-width sign) are not plain numbers.
pub fn needs_formula_guard(cell: &str) -> bool {
    if matches!(cell.as_bytes().first(), Some(b'\t' | b'\r')) {
        return true;
    }
    let rest = cell.trim_start_matches(is_invisible_lead);
    match rest.chars().next() {
        Some(c) if is_formula_trigger(c) => !is_plain_number(rest),
        _ => false,
    }
}

/// Characters a spreadsheet may skip or drop before a cell's first visible
/// character: white space (ASCII, NBSP, U+3000, ...), controls, and Unicode's
/// invisible format characters (category Cf: zero-width space and joiners,
/// byte order mark, soft hyphen, bidirectional marks, tags).
fn is_invisible_lead(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{AD}'
                | '\u{600}'..='\u{605}'
                | '\u{61C}'
                | '\u{6DD}'
                | '\u{70F}'
                | '\u{890}'..='\u{891}'
                | '\u{8E2}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{110BD}'
                | '\u{110CD}'
                | '\u{13430}'..='\u{1343F}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0001}'
                | '\u{E0020}'..='\u{E007F}'
        )
}

/// The characters that start a formula, with the forms that fold to them.
fn is_formula_trigger(c: char) -> bool {
    matches!(
        c,
        '=' | '+'
            | '-'
            | '@'
            // Full-width, small, superscript and subscript forms: NFKC folds
            // them to the ASCII ones.
            | '\u{FF1D}'
            | '\u{FF0B}'
            | '\u{FF0D}'
            | '\u{FF20}'
            | '\u{FE66}'
            | '\u{FE62}'
            | '\u{FE63}'
            | '\u{FE6B}'
            | '\u{207A}'..='\u{207C}'
            | '\u{208A}'..='\u{208C}'
            // MINUS SIGN: spreadsheets accept it as a sign in input.
            | '\u{2212}'
    )
}

/// `cell` made safe for spreadsheets: prefixed with `'` when
/// [`needs_formula_guard`] says so, unchanged otherwise.
pub fn neutralise_formula(cell: &str) -> Cow<'_, str> {
    if needs_formula_guard(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// An optionally signed decimal number: digits with at most one `.`, and an
/// optional exponent. No `inf`/`NaN`, no spaces.
fn is_plain_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut mantissa = digits(&mut i);
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return false;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == bytes.len()
}

fn guard_in_place(cell: &mut String) {
    if needs_formula_guard(cell) {
        cell.insert(0, '\'');
    }
}

// ---------------------------------------------------------------------------
// Cells and rows
// ---------------------------------------------------------------------------

/// Appends one value as CSV text.
fn push_value(out: &mut String, value: &FieldValue<'_>, time: TimeFormat) {
    match value {
        FieldValue::Null => {}
        FieldValue::Str(s) => out.push_str(s),
        FieldValue::Int(n) => {
            // Writing to a String cannot fail.
            let _ = write!(out, "{n}");
        }
        FieldValue::Time(t) => match time {
            TimeFormat::AsSent => match t.original_text() {
                Some(text) => out.push_str(text),
                None => {
                    let _ = write!(out, "{t}");
                }
            },
            TimeFormat::Zone(zone) => push_time_in(out, t, zone),
        },
        other => out.push_str(&other.to_text()),
    }
}

/// Appends `n` in decimal, zero-padded to `width` digits.
fn push_padded(out: &mut String, n: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut i = digits.len();
    let mut rest = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let start = i.min(digits.len().saturating_sub(width));
    for &d in &digits[start..] {
        out.push(char::from(d));
    }
}

/// Appends what [`Timestamp::format_in`] gives (`2018-09-15 15:53:00 +05:00`,
/// fractions only when not zero), without going through a format string:
/// exports write two or three timestamps per row.
fn push_time_in(out: &mut String, t: &Timestamp, zone: Zone) {
    use chrono::{Datelike, Timelike};
    let instant = t.instant();
    let offset = zone.offset_at(instant);
    let local = instant.with_timezone(&offset);
    let seconds = offset.local_minus_utc();
    let nanos = local.nanosecond();
    let year = local.year();
    // Rare shapes (years beyond four digits, leap seconds, offsets with
    // seconds) take the general path.
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 || seconds % 60 != 0 {
        out.push_str(&t.format_in(zone));
        return;
    }
    push_padded(out, year.unsigned_abs(), 4);
    out.push('-');
    push_padded(out, local.month(), 2);
    out.push('-');
    push_padded(out, local.day(), 2);
    out.push(' ');
    push_padded(out, local.hour(), 2);
    out.push(':');
    push_padded(out, local.minute(), 2);
    out.push(':');
    push_padded(out, local.second(), 2);
    if nanos != 0 {
        out.push('.');
        // As chrono's `%.f`: 3, 6 or 9 digits, as few as show every digit.
        // (No `is_multiple_of`: the workspace supports Rust 1.85.)
        let (micros, millis) = (nanos / 1_000, nanos / 1_000_000);
        if micros * 1_000 != nanos {
            push_padded(out, nanos, 9);
        } else if millis * 1_000 != micros {
            push_padded(out, micros, 6);
        } else {
            push_padded(out, millis, 3);
        }
    }
    out.push(' ');
    out.push(if seconds < 0 { '-' } else { '+' });
    let minutes = seconds.unsigned_abs() / 60;
    push_padded(out, minutes / 60, 2);
    out.push(':');
    push_padded(out, minutes % 60, 2);
}

/// True if the source says the session has an audit trail: a non-null
/// `recording.audit_trail` (a path in older data), or its download link.
fn has_audit_trail<S: FieldSource + ?Sized>(source: &S) -> bool {
    [
        "recording.audit_trail",
        "recording.audit_trail.download",
        "recording.audit_trail.download.href",
    ]
    .iter()
    .any(|path| source.field_values(path).any(|v| !v.is_null()))
}

/// `<base>/api/audit/sessions/<key>/audit_trail`, the key percent-encoded
/// (as [`encode_component`] does); a trailing `/` of the base is dropped.
pub fn trail_download_link(public_base: &str, key: &str) -> String {
    let mut link = String::with_capacity(public_base.len() + key.len() + 32);
    push_trail_link(&mut link, public_base, key);
    link
}

fn push_trail_link(out: &mut String, public_base: &str, key: &str) {
    out.push_str(public_base.trim_end_matches('/'));
    out.push_str("/api/audit/sessions/");
    if key
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b','))
    {
        out.push_str(key);
    } else {
        out.push_str(&encode_component(key));
    }
    out.push_str("/audit_trail");
}

/// The per-column cell texts of one record, reused between records so that
/// writing a row does not allocate in the common case.
#[derive(Debug, Default)]
struct RowCells {
    key: String,
    cells: Vec<Vec<String>>,
    counts: Vec<usize>,
    pick: Vec<usize>,
}

impl RowCells {
    fn fill<S: FieldSource + ?Sized>(&mut self, key: &str, source: &S, options: &CsvOptions) {
        let n = options.columns.len();
        self.cells.resize_with(n, Vec::new);
        self.counts.clear();
        self.counts.resize(n, 0);
        self.key.clear();
        self.key.push_str(key);
        if options.formula_guard {
            guard_in_place(&mut self.key);
        }
        for (c, column) in options.columns.iter().enumerate() {
            let cells = &mut self.cells[c];
            let count = if column.path == TRAIL_LINK {
                fill_trail_link(cells, key, source, options)
            } else {
                let mut count = fill_values(cells, source.field_values(&column.path), options);
                if count == 0 {
                    if let Some(requested) = &column.requested {
                        count = fill_values(cells, source.field_values(requested), options);
                    }
                }
                count
            };
            let count = if count == 0 {
                // No value: one empty cell (one row, as SPS does for `[]`).
                set_cell(cells, 0, "");
                1
            } else {
                count
            };
            if options.formula_guard {
                cells.iter_mut().take(count).for_each(guard_in_place);
            }
            self.counts[c] = count;
        }
    }

    /// Writes the rows of the filled record, at most `limit`; returns how
    /// many were written and how many more the record had.
    fn write<W: Write>(
        &mut self,
        writer: &mut csv::Writer<W>,
        limit: Option<u64>,
    ) -> Result<(u64, u64)> {
        let n = self.cells.len();
        self.pick.clear();
        self.pick.resize(n, 0);
        // Saturating: a product past u64 is still "too many".
        let total = self
            .counts
            .iter()
            .fold(1u64, |acc, &c| acc.saturating_mul(c as u64));
        let wanted = limit.map_or(total, |limit| total.min(limit.max(1)));
        let mut rows = 0;
        loop {
            writer.write_field(&self.key).map_err(csv_error)?;
            for c in 0..n {
                writer
                    .write_field(&self.cells[c][self.pick[c]])
                    .map_err(csv_error)?;
            }
            writer.write_record(None::<&[u8]>).map_err(csv_error)?;
            rows += 1;
            if rows >= wanted {
                return Ok((rows, total - rows));
            }
            // Odometer over the columns' values, last column fastest.
            let mut c = n;
            loop {
                if c == 0 {
                    return Ok((rows, total.saturating_sub(rows)));
                }
                c -= 1;
                self.pick[c] += 1;
                if self.pick[c] < self.counts[c] {
                    break;
                }
                self.pick[c] = 0;
            }
        }
    }
}

/// Sets cell `i` (which must be at most `cells.len()`) to `text`, reusing its allocation.
fn set_cell(cells: &mut Vec<String>, i: usize, text: &str) {
    if let Some(cell) = cells.get_mut(i) {
        cell.clear();
        cell.push_str(text);
    } else {
        cells.push(text.to_owned());
    }
}

/// Clears cell `i` (pushing one if needed) and returns it.
fn cell_at(cells: &mut Vec<String>, i: usize) -> &mut String {
    if i >= cells.len() {
        cells.resize_with(i + 1, String::new);
    }
    let cell = &mut cells[i];
    cell.clear();
    cell
}

fn fill_values(cells: &mut Vec<String>, values: FieldValues<'_>, options: &CsvOptions) -> usize {
    match options.multi_value {
        MultiValue::Expand => {
            let mut count = 0;
            for value in values {
                push_value(cell_at(cells, count), &value, options.time);
                count += 1;
            }
            count
        }
        MultiValue::Join => {
            let mut values = values.peekable();
            if values.peek().is_none() {
                return 0;
            }
            let cell = cell_at(cells, 0);
            for (i, value) in values.enumerate() {
                if i > 0 {
                    cell.push_str(JOIN_SEPARATOR);
                }
                push_value(cell, &value, options.time);
            }
            1
        }
    }
}

/// `trail_download_link`: the source's own value if it has one (a sparse row
/// from SPS, the simulator), an explicit `null` meaning none; otherwise the
/// link built from the public base when the session has an audit trail.
fn fill_trail_link<S: FieldSource + ?Sized>(
    cells: &mut Vec<String>,
    key: &str,
    source: &S,
    options: &CsvOptions,
) -> usize {
    match source.field_values(TRAIL_LINK).next() {
        Some(FieldValue::Null) => 0,
        Some(value) => {
            push_value(cell_at(cells, 0), &value, options.time);
            1
        }
        None if has_audit_trail(source) => {
            push_trail_link(cell_at(cells, 0), &options.public_base, key);
            1
        }
        None => 0,
    }
}

// ---------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------

/// A session as the exporters see it: its key, its fields, and the object SPS
/// returns for it (`{key, body, meta}`).
///
/// Implemented for sparse list rows ([`SessionRow`]), full sessions with their
/// key (`(String, Session)` as [`decode_session_map`](crate::decode_session_map)
/// gives, and [`Single<Session>`] as the detail endpoint gives), and
/// references to any of them.
pub trait SessionRecord {
    /// What the fields are read from.
    type Fields: FieldSource + ?Sized;

    /// The session's key.
    fn key(&self) -> &str;

    /// The fields, for CSV.
    fn fields(&self) -> &Self::Fields;

    /// The object SPS returns for the session, for JSON.
    fn json_object(&self) -> SessionObject<'_>;
}

/// A session object as SPS returns it: `{"key", "body", "meta"}`, borrowed.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionObject<'a> {
    /// The key.
    pub key: &'a str,
    /// The body: full, sparse (`fields=`), or none (a list item without `fields=`).
    pub body: SessionBody<'a>,
    /// The links; for sessions without one, the link SPS would give.
    pub meta: Cow<'a, SingleMeta>,
}

/// The body of a [`SessionObject`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SessionBody<'a> {
    /// A full session.
    Full(&'a Session),
    /// A `fields=` selection.
    Sparse(&'a SparseBody),
    /// No body (a list item without `fields=`): written without `body`.
    None,
}

impl Serialize for SessionObject<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let with_body = !matches!(self.body, SessionBody::None);
        let mut map = serializer.serialize_map(Some(2 + usize::from(with_body)))?;
        map.serialize_entry("key", self.key)?;
        match self.body {
            SessionBody::Full(session) => map.serialize_entry("body", session)?,
            SessionBody::Sparse(body) => map.serialize_entry("body", body)?,
            SessionBody::None => {}
        }
        map.serialize_entry("meta", self.meta.as_ref())?;
        map.end()
    }
}

/// The `meta` SPS gives a session: its own link and the list's.
fn session_meta(key: &str) -> SingleMeta {
    SingleMeta {
        href: Some(format!("/api/audit/sessions/{}", encode_component(key))),
        parent: Some("/api/audit/sessions".to_owned()),
        remaining_seconds: None,
    }
}

fn meta_or_default<'a>(meta: Option<&'a SingleMeta>, key: &str) -> Cow<'a, SingleMeta> {
    match meta {
        Some(meta) => Cow::Borrowed(meta),
        None => Cow::Owned(session_meta(key)),
    }
}

impl SessionRecord for SessionRow {
    type Fields = SessionRow;

    fn key(&self) -> &str {
        &self.key
    }

    fn fields(&self) -> &SessionRow {
        self
    }

    fn json_object(&self) -> SessionObject<'_> {
        SessionObject {
            key: &self.key,
            body: match &self.body {
                Some(body) => SessionBody::Sparse(body),
                None => SessionBody::None,
            },
            meta: meta_or_default(self.meta.as_ref(), &self.key),
        }
    }
}

impl SessionRecord for (String, Session) {
    type Fields = Session;

    fn key(&self) -> &str {
        &self.0
    }

    fn fields(&self) -> &Session {
        &self.1
    }

    fn json_object(&self) -> SessionObject<'_> {
        SessionObject {
            key: &self.0,
            body: SessionBody::Full(&self.1),
            meta: Cow::Owned(session_meta(&self.0)),
        }
    }
}

impl SessionRecord for Single<Session> {
    type Fields = Session;

    fn key(&self) -> &str {
        self.key.as_deref().unwrap_or_default()
    }

    fn fields(&self) -> &Session {
        &self.body
    }

    fn json_object(&self) -> SessionObject<'_> {
        let key = self.key.as_deref().unwrap_or_default();
        SessionObject {
            key,
            body: SessionBody::Full(&self.body),
            meta: meta_or_default(self.meta.as_ref(), key),
        }
    }
}

impl<T: SessionRecord + ?Sized> SessionRecord for &T {
    type Fields = T::Fields;

    fn key(&self) -> &str {
        (**self).key()
    }

    fn fields(&self) -> &T::Fields {
        (**self).fields()
    }

    fn json_object(&self) -> SessionObject<'_> {
        (**self).json_object()
    }
}

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

/// Writes sessions as CSV to any [`io::Write`], page by page.
///
/// The header is written by [`CsvExporter::new`]; call [`CsvExporter::finish`]
/// at the end to flush and get the writer back (dropping the exporter also
/// flushes, but ignores errors). Output is buffered in a few kilobytes.
#[derive(Debug)]
pub struct CsvExporter<W: Write> {
    writer: csv::Writer<W>,
    options: CsvOptions,
    row: RowCells,
    sessions: u64,
    rows: u64,
    cut: ExpansionCut,
}

/// Sessions whose expansion [`CsvOptions::max_rows_per_session`] cut short:
/// the export's warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExpansionCut {
    /// Sessions that had more rows than the limit.
    pub sessions: u64,
    /// Rows left out, summed over those sessions.
    pub rows_dropped: u64,
    /// The limit in force.
    pub limit: u64,
}

impl std::fmt::Display for ExpansionCut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} session{} had more than {} rows of multi-valued fields; {} row{} left out \
             (join multi-valued fields, or raise the limit, to keep them)",
            self.sessions,
            if self.sessions == 1 { "" } else { "s" },
            self.limit,
            self.rows_dropped,
            if self.rows_dropped == 1 { "" } else { "s" },
        )
    }
}

impl<W: Write> CsvExporter<W> {
    /// Starts an export to `out`: writes the byte order mark (if asked for)
    /// and the header.
    pub fn new(mut out: W, options: CsvOptions) -> Result<Self> {
        if options.bom {
            out.write_all(b"\xEF\xBB\xBF").map_err(io_error)?;
        }
        let writer = csv::WriterBuilder::new()
            .quote_style(if options.quote_all {
                csv::QuoteStyle::Always
            } else {
                csv::QuoteStyle::Necessary
            })
            .terminator(match options.line_end {
                LineEnd::Crlf => csv::Terminator::CRLF,
                LineEnd::Lf => csv::Terminator::Any(b'\n'),
            })
            .from_writer(out);
        let mut exporter = CsvExporter {
            writer,
            options,
            row: RowCells::default(),
            sessions: 0,
            rows: 0,
            cut: ExpansionCut::default(),
        };
        exporter.write_header()?;
        Ok(exporter)
    }

    fn write_header(&mut self) -> Result<()> {
        let guard = self.options.formula_guard;
        let cell = |title: &str| -> String {
            if guard {
                neutralise_formula(title).into_owned()
            } else {
                title.to_owned()
            }
        };
        self.writer.write_field("Key").map_err(csv_error)?;
        for column in &self.options.columns {
            self.writer
                .write_field(cell(column.title()))
                .map_err(csv_error)?;
        }
        self.writer.write_record(None::<&[u8]>).map_err(csv_error)
    }

    /// Writes the rows of one session: its `key` and the values of `source`
    /// (a [`Session`], a [`SparseBody`], or any other [`FieldSource`]).
    pub fn write_record<S: FieldSource + ?Sized>(&mut self, key: &str, source: &S) -> Result<()> {
        self.row.fill(key, source, &self.options);
        let limit = match self.options.multi_value {
            MultiValue::Expand => self.options.max_rows_per_session,
            MultiValue::Join => None,
        };
        let (written, dropped) = self.row.write(&mut self.writer, limit)?;
        self.rows += written;
        self.sessions += 1;
        if dropped > 0 {
            self.cut.sessions += 1;
            self.cut.rows_dropped = self.cut.rows_dropped.saturating_add(dropped);
            self.cut.limit = written;
        }
        Ok(())
    }

    /// Writes a page of sessions (list rows, or full sessions with their keys).
    pub fn write_page<R: SessionRecord>(&mut self, page: &[R]) -> Result<()> {
        page.iter()
            .try_for_each(|r| self.write_record(r.key(), r.fields()))
    }

    /// Writes sessions from any iterator of records.
    pub fn write_sessions<I>(&mut self, sessions: I) -> Result<()>
    where
        I: IntoIterator,
        I::Item: SessionRecord,
    {
        sessions
            .into_iter()
            .try_for_each(|r| self.write_record(r.key(), r.fields()))
    }

    /// How many sessions were written.
    pub fn sessions_written(&self) -> u64 {
        self.sessions
    }

    /// How many data rows (not counting the header) were written; more than the
    /// sessions when multi-valued fields are expanded.
    pub fn rows_written(&self) -> u64 {
        self.rows
    }

    /// The warning of the export so far: `Some` when
    /// [`CsvOptions::max_rows_per_session`] left rows out.
    pub fn expansion_cut(&self) -> Option<ExpansionCut> {
        (self.cut.sessions > 0).then_some(self.cut)
    }

    /// The options in use.
    pub fn options(&self) -> &CsvOptions {
        &self.options
    }

    /// Hands the buffered bytes to the writer and flushes it.
    pub fn flush(&mut self) -> Result<()> {
        self.writer.flush().map_err(io_error)
    }

    /// The writer (bytes may still be buffered: [`CsvExporter::flush`] first).
    pub fn get_ref(&self) -> &W {
        self.writer.get_ref()
    }

    /// Flushes and returns the writer.
    pub fn finish(self) -> Result<W> {
        self.writer
            .into_inner()
            .map_err(|e| io_error(e.into_error()))
    }
}

/// One-shot CSV of a list of sessions.
pub fn sessions_to_csv<R: SessionRecord>(sessions: &[R], options: CsvOptions) -> Result<Vec<u8>> {
    let mut exporter = CsvExporter::new(Vec::new(), options)?;
    exporter.write_page(sessions)?;
    exporter.finish()
}

// ---------------------------------------------------------------------------
// JSON and NDJSON
// ---------------------------------------------------------------------------

/// How a JSON export is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JsonFormat {
    /// One JSON array, one element per line.
    #[default]
    Array,
    /// NDJSON: one object per line, no enclosing array.
    Lines,
}

#[derive(Debug)]
struct JsonStream<W: Write> {
    out: io::BufWriter<W>,
    format: JsonFormat,
    count: u64,
}

impl<W: Write> JsonStream<W> {
    fn new(out: W, format: JsonFormat) -> Result<Self> {
        let mut out = io::BufWriter::with_capacity(64 * 1024, out);
        if format == JsonFormat::Array {
            out.write_all(b"[").map_err(io_error)?;
        }
        Ok(JsonStream {
            out,
            format,
            count: 0,
        })
    }

    fn write<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        if self.format == JsonFormat::Array {
            let sep: &[u8] = if self.count == 0 { b"\n" } else { b",\n" };
            self.out.write_all(sep).map_err(io_error)?;
        }
        serde_json::to_writer(&mut self.out, value).map_err(json_error)?;
        if self.format == JsonFormat::Lines {
            self.out.write_all(b"\n").map_err(io_error)?;
        }
        self.count += 1;
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        self.out.flush().map_err(io_error)
    }

    fn finish(mut self) -> Result<W> {
        if self.format == JsonFormat::Array {
            let end: &[u8] = if self.count == 0 { b"]\n" } else { b"\n]\n" };
            self.out.write_all(end).map_err(io_error)?;
        }
        self.out.into_inner().map_err(|e| io_error(e.into_error()))
    }
}

macro_rules! json_exporter {
    ($(#[$doc:meta])* $name:ident, $format:expr) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name<W: Write> {
            stream: JsonStream<W>,
        }

        impl<W: Write> $name<W> {
            /// Starts an export to `out` (buffered internally).
            pub fn new(out: W) -> Result<Self> {
                Ok($name {
                    stream: JsonStream::new(out, $format)?,
                })
            }

            /// Writes one session object.
            pub fn write_session<R: SessionRecord + ?Sized>(&mut self, session: &R) -> Result<()> {
                self.stream.write(&session.json_object())
            }

            /// Writes a page of sessions.
            pub fn write_page<R: SessionRecord>(&mut self, page: &[R]) -> Result<()> {
                page.iter().try_for_each(|r| self.write_session(r))
            }

            /// Writes sessions from any iterator of records.
            pub fn write_sessions<I>(&mut self, sessions: I) -> Result<()>
            where
                I: IntoIterator,
                I::Item: SessionRecord,
            {
                sessions.into_iter().try_for_each(|r| self.write_session(&r))
            }

            /// How many sessions were written.
            pub fn sessions_written(&self) -> u64 {
                self.stream.count
            }

            /// Hands the buffered bytes to the writer and flushes it.
            pub fn flush(&mut self) -> Result<()> {
                self.stream.flush()
            }

            /// Closes the export, flushes and returns the writer.
            pub fn finish(self) -> Result<W> {
                self.stream.finish()
            }
        }
    };
}

json_exporter!(
    /// Writes sessions as one JSON array of `{key, body, meta}` objects (as SPS
    /// returns them), one per line, page by page. Call
    /// [`JsonExporter::finish`] to close the array.
    JsonExporter,
    JsonFormat::Array
);

json_exporter!(
    /// Writes sessions as NDJSON: one `{key, body, meta}` object per line,
    /// page by page. Suits large exports: each line parses on its own.
    NdjsonExporter,
    JsonFormat::Lines
);

// ---------------------------------------------------------------------------
// Chunked output
// ---------------------------------------------------------------------------

/// An [`io::Write`] that hands its bytes on in chunks of at least `chunk_size`
/// bytes (the last may be smaller), for outputs that want large pieces: the
/// parts of a browser `Blob`, a channel, a file.
///
/// [`Write::flush`] hands on whatever is buffered; the exporters' `finish`
/// flushes. Bytes still buffered when the sink is dropped are lost.
pub struct ChunkSink<F: FnMut(&[u8]) -> io::Result<()>> {
    buf: Vec<u8>,
    chunk_size: usize,
    sink: F,
}

impl<F: FnMut(&[u8]) -> io::Result<()>> ChunkSink<F> {
    /// Chunks of at least `chunk_size` bytes (at least 1) go to `sink`.
    pub fn new(chunk_size: usize, sink: F) -> Self {
        let chunk_size = chunk_size.max(1);
        ChunkSink {
            buf: Vec::with_capacity(chunk_size),
            chunk_size,
            sink,
        }
    }

    fn hand_on(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            (self.sink)(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

impl<F: FnMut(&[u8]) -> io::Result<()>> std::fmt::Debug for ChunkSink<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChunkSink")
            .field("buffered", &self.buf.len())
            .field("chunk_size", &self.chunk_size)
            .finish_non_exhaustive()
    }
}

impl<F: FnMut(&[u8]) -> io::Result<()>> Write for ChunkSink<F> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= self.chunk_size {
            self.hand_on()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.hand_on()
    }
}

// ---------------------------------------------------------------------------
// File names
// ---------------------------------------------------------------------------

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
fn file_time<Tz: TimeZone>(time: &DateTime<Tz>) -> String {
    time.with_timezone(&Utc)
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// Keeps ASCII letters, digits, `-`, `_` and `.`; anything else becomes `_`.
fn file_safe(text: &str) -> String {
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

// ---------------------------------------------------------------------------
// Per-session exports: events, alerts, channels
// ---------------------------------------------------------------------------

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

fn text_values(text: Option<&str>) -> FieldValues<'_> {
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

const EVENT_COLUMNS: &[(&str, &str)] = &[
    ("time", "Time"),
    ("type", "Type"),
    ("channels_id", "Channel ID"),
    ("record_id", "Record ID"),
    ("action", "Action"),
    ("content", "Content"),
];

const ALERT_COLUMNS: &[(&str, &str)] = &[
    ("time", "Time"),
    ("alert_type", "Alert type"),
    ("rule_name", "Rule name"),
    ("channel_id", "Channel ID"),
    ("record_id", "Record ID"),
    ("matched_action", "Matched action"),
    ("matched_content", "Matched content"),
    ("matched_regexp", "Matched regexp"),
];

const CHANNEL_COLUMNS: &[(&str, &str)] = &[
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

fn columns_of(table: &'static [(&'static str, &'static str)]) -> Vec<CsvColumn> {
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
const CONTEXT_PREFIX: &str = "session.";

/// The session columns of per-session CSV, after `Key`.
fn context_columns() -> Vec<CsvColumn> {
    columns_of(&[
        ("session.protocol", "Protocol"),
        ("session.user.gateway_username", "Gateway username"),
        ("session.server.ip", "Server IP"),
        ("session.start_time", "Session start time"),
    ])
}

/// One row of a per-session export: the session's fields under `session.`,
/// the item's fields otherwise.
struct DetailRow<'a, T> {
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
    for item in items {
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
    let mut stream = JsonStream::new(out, format)?;
    for item in items {
        stream.write(&DetailRow { session, item })?;
    }
    stream.finish()
}
