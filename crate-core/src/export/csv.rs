//! CSV: the options ([`CsvOptions`], [`CsvColumn`]), the cells and rows of one
//! record, and the streaming [`CsvExporter`] (SPS-compatible or for people).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

use super::guard::guard_in_place;
use super::links::push_trail_link;
use super::*;

use crate::error::{ErrorKind, Result};
use crate::model::field_source::{FieldSource, FieldValue, FieldValues};
use crate::model::timestamp::{Timestamp, Zone};
use crate::query::catalogue::{Catalogue, FieldSpec};

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

pub(super) fn session_column(name: &str, position: usize) -> Result<CsvColumn> {
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
// Cells and rows
// ---------------------------------------------------------------------------

/// Appends one value as CSV text.
pub(super) fn push_value(out: &mut String, value: &FieldValue<'_>, time: TimeFormat) {
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
pub(super) fn push_padded(out: &mut String, n: u32, width: usize) {
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
pub(super) fn push_time_in(out: &mut String, t: &Timestamp, zone: Zone) {
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
pub(super) fn has_audit_trail<S: FieldSource + ?Sized>(source: &S) -> bool {
    [
        "recording.audit_trail",
        "recording.audit_trail.download",
        "recording.audit_trail.download.href",
    ]
    .iter()
    .any(|path| source.field_values(path).any(|v| !v.is_null()))
}

/// The per-column cell texts of one record, reused between records so that
/// writing a row does not allocate in the common case.
#[derive(Debug, Default)]
pub(super) struct RowCells {
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
        writer: &mut ::csv::Writer<W>,
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
pub(super) fn set_cell(cells: &mut Vec<String>, i: usize, text: &str) {
    if let Some(cell) = cells.get_mut(i) {
        cell.clear();
        cell.push_str(text);
    } else {
        cells.push(text.to_owned());
    }
}

/// Clears cell `i` (pushing one if needed) and returns it.
pub(super) fn cell_at(cells: &mut Vec<String>, i: usize) -> &mut String {
    if i >= cells.len() {
        cells.resize_with(i + 1, String::new);
    }
    let cell = &mut cells[i];
    cell.clear();
    cell
}

pub(super) fn fill_values(
    cells: &mut Vec<String>,
    values: FieldValues<'_>,
    options: &CsvOptions,
) -> usize {
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
pub(super) fn fill_trail_link<S: FieldSource + ?Sized>(
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
// CSV
// ---------------------------------------------------------------------------

/// Writes sessions as CSV to any [`io::Write`], page by page.
///
/// The header is written by [`CsvExporter::new`]; call [`CsvExporter::finish`]
/// at the end to flush and get the writer back (dropping the exporter also
/// flushes, but ignores errors). Output is buffered in a few kilobytes.
#[derive(Debug)]
pub struct CsvExporter<W: Write> {
    writer: ::csv::Writer<W>,
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
        let writer = ::csv::WriterBuilder::new()
            .quote_style(if options.quote_all {
                ::csv::QuoteStyle::Always
            } else {
                ::csv::QuoteStyle::Necessary
            })
            .terminator(match options.line_end {
                LineEnd::Crlf => ::csv::Terminator::CRLF,
                LineEnd::Lf => ::csv::Terminator::Any(b'\n'),
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

    /// The writer (bytes may still be buffered: [`CsvExporter::flush`] first).
    pub fn get_ref(&self) -> &W {
        self.writer.get_ref()
    }
}

impl<W: Write> SessionExporter<W> for CsvExporter<W> {
    fn write_session<R: SessionRecord + ?Sized>(&mut self, session: &R) -> Result<()> {
        self.write_record(session.key(), session.fields())
    }

    fn sessions_written(&self) -> u64 {
        self.sessions
    }

    fn flush(&mut self) -> Result<()> {
        self.writer.flush().map_err(io_error)
    }

    fn finish(self) -> Result<W> {
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
