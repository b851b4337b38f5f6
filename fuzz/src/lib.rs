//! The checks the fuzz targets run, one function per target.
//!
//! Shared by the libFuzzer targets (`fuzz/fuzz_targets/*.rs`, through this
//! crate, `sps-core-fuzz`) and by the native replay test
//! `crate-core/tests/fuzz_corpus.rs`, which includes this file with
//! `#[path = "../../fuzz/src/lib.rs"] mod checks;` and runs every committed
//! corpus file through the same functions. So this file may only use
//! `sps_core`, `serde`, `serde_json`, `csv` and `std` (the dependencies
//! both crates have), names items without `crate::`, and never refers to
//! `libfuzzer_sys`.
//!
//! Each check panics (so libFuzzer reports a crash, or `cargo test` fails)
//! when a property is broken; it returns quietly for input that is merely
//! invalid.

#![allow(dead_code)]

use std::fmt::Debug;
use std::sync::OnceLock;

use serde::Serialize;
use sps_core::model::{SparseBody, TimestampForm, ALERT_FIELDS, EVENT_FIELDS, SESSION_FIELDS};
use sps_core::query::{validate, validate_all, CompiledQuery};
use sps_core::SessionExporter as _;
use sps_core::{
    parse_query, Catalogue, ContentSearch, Event, EventSearch, FieldSource, Result, Session,
    SessionRow, SessionSearch, Timestamp, Zone,
};

// ---------------------------------------------------------------------------
// decode_models
// ---------------------------------------------------------------------------

/// How many decoders [`check_decode`] chooses from (the first byte, modulo this).
pub const DECODERS: u8 = 16;

/// The decoder names, by selector byte (for corpus seeding and messages).
pub const DECODER_NAMES: [&str; DECODERS as usize] = [
    "session_list",
    "session",
    "channels",
    "events",
    "alerts",
    "indexing",
    "trail_downloads",
    "content_hits",
    "api_error",
    "count",
    "snapshot",
    "stats",
    "info",
    "session_map",
    "stats_reply",
    "histogram",
];

/// `decode_models`: the first byte picks one of the `decode_*` functions, the
/// rest is the reply. Decoding must not panic; what decodes must encode with
/// serde_json and decode again to an equal value; every field a decoded
/// session, row, event or alert answers must be readable.
pub fn check_decode(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    match selector % DECODERS {
        0 => {
            if let Some(list) = round_trip(bytes, sps_core::model::decode_session_list) {
                list.items.iter().for_each(read_row);
            }
        }
        1 => {
            if let Some(single) = round_trip(bytes, sps_core::model::decode_session) {
                read_fields(&single.body, SESSION_FIELDS);
            }
        }
        2 => drop(round_trip(bytes, sps_core::model::decode_channels)),
        3 => {
            if let Some(list) = round_trip(bytes, sps_core::model::decode_events) {
                list.items.iter().for_each(|e| read_fields(e, EVENT_FIELDS));
            }
        }
        4 => {
            if let Some(list) = round_trip(bytes, sps_core::model::decode_alerts) {
                list.items.iter().for_each(|a| read_fields(a, ALERT_FIELDS));
            }
        }
        5 => drop(round_trip(bytes, sps_core::model::decode_indexing)),
        6 => drop(round_trip(bytes, sps_core::model::decode_trail_downloads)),
        7 => drop(round_trip(bytes, sps_core::model::decode_content_hits)),
        8 => drop(round_trip(bytes, sps_core::model::decode_api_error)),
        9 => drop(round_trip(bytes, sps_core::model::decode_count)),
        10 => drop(round_trip(bytes, sps_core::model::decode_snapshot)),
        11 => drop(round_trip(bytes, sps_core::model::decode_stats)),
        12 => drop(round_trip(bytes, sps_core::model::decode_info)),
        13 => check_session_map(bytes),
        14 => drop(round_trip(bytes, sps_core::model::decode_stats_reply)),
        _ => drop(round_trip(bytes, sps_core::model::decode_histogram)),
    }
}

/// Decodes; if that works, encodes and decodes again and compares.
fn round_trip<T, F>(bytes: &[u8], decode: F) -> Option<T>
where
    T: Serialize + PartialEq + Debug,
    F: Fn(&[u8]) -> Result<T>,
{
    let value = decode(bytes).ok()?;
    let json = match serde_json::to_vec(&value) {
        Ok(json) => json,
        Err(e) => panic!("decoded {value:?} but cannot encode it: {e}"),
    };
    let again = match decode(&json) {
        Ok(again) => again,
        Err(e) => panic!(
            "re-decoding the encoded value failed: {e}\n  input:   {}\n  encoded: {}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&json)
        ),
    };
    assert_eq!(
        value,
        again,
        "the value changed in an encode/decode round trip\n  input:   {}\n  encoded: {}",
        String::from_utf8_lossy(bytes),
        String::from_utf8_lossy(&json)
    );
    Some(value)
}

/// `decode_session_map` gives pairs in document order (duplicates kept), which
/// no map type holds: the object is written back by hand.
fn check_session_map(bytes: &[u8]) {
    let Ok(pairs) = sps_core::model::decode_session_map(bytes) else {
        return;
    };
    let mut json = String::from("{");
    for (i, (key, session)) in pairs.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        let key = serde_json::to_string(key).expect("a string encodes");
        let body = match serde_json::to_string(session) {
            Ok(body) => body,
            Err(e) => panic!("decoded {session:?} but cannot encode it: {e}"),
        };
        json.push_str(&key);
        json.push(':');
        json.push_str(&body);
    }
    json.push('}');
    let again = match sps_core::model::decode_session_map(json.as_bytes()) {
        Ok(again) => again,
        Err(e) => panic!(
            "re-decoding the session map failed: {e}\n  input:   {}\n  encoded: {json}",
            String::from_utf8_lossy(bytes)
        ),
    };
    assert_eq!(
        pairs,
        again,
        "the session map changed in a round trip\n  input:   {}\n  encoded: {json}",
        String::from_utf8_lossy(bytes)
    );
    for (_, session) in &pairs {
        read_fields(session, SESSION_FIELDS);
    }
}

/// Reads every path (and one unknown one) and turns each value into text.
fn read_fields<S: FieldSource + ?Sized>(source: &S, paths: &[&str]) {
    for path in paths.iter().copied().chain(["no.such.field", ""]) {
        for value in source.field_values(path) {
            let _ = value.to_text();
            let _ = value.instant();
        }
    }
}

fn read_row(row: &SessionRow) {
    read_fields(row, SESSION_FIELDS);
    if let Some(body) = &row.body {
        let keys: Vec<&str> = body.keys().collect();
        read_fields(body, &keys);
    }
}

// ---------------------------------------------------------------------------
// query_parser
// ---------------------------------------------------------------------------

/// Sample data the compiled queries are evaluated against: the reference's
/// session, its sparse search rows, its events, and empty sources.
struct Samples {
    session: Session,
    rows: Vec<SessionRow>,
    events: Vec<Event>,
}

fn samples() -> &'static Samples {
    static SAMPLES: OnceLock<Samples> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let session = sps_core::model::decode_session(include_bytes!(
            "../../crate-core/tests/fixtures/session_detail.json"
        ))
        .expect("the session fixture decodes")
        .body;
        let rows = sps_core::model::decode_session_list(include_bytes!(
            "../../crate-core/tests/fixtures/sessions_search.json"
        ))
        .expect("the search fixture decodes")
        .items;
        let events = sps_core::model::decode_events(include_bytes!(
            "../../crate-core/tests/fixtures/events.json"
        ))
        .expect("the events fixture decodes")
        .items;
        Samples {
            session,
            rows,
            events,
        }
    })
}

fn evaluate(compiled: &CompiledQuery) {
    let s = samples();
    let _ = compiled.matches(&s.session);
    let _ = compiled.matches(&Session::default());
    let _ = compiled.matches(&SparseBody::new());
    for row in &s.rows {
        let _ = compiled.matches(row);
    }
    for event in &s.events {
        let _ = compiled.matches(event);
    }
}

/// `query_parser`: UTF-8 text as `q` and as a URL query string.
///
/// - `parse_query` never panics; what parses prints (Display) to text that
///   parses to an equal AST (spans never take part in equality) and prints
///   the same again; validating, compiling and evaluating it against every
///   catalogue and the samples never panics.
/// - `SessionSearch::from_query_string` never panics; what it reads renders
///   with `to_query_string` to text that reads back equal (the `warnings` of
///   the first read are not rendered, so they are left out of the comparison).
///   The same for `EventSearch` and `ContentSearch`.
pub fn check_query(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check_q(text);
    check_url_search::<SessionSearch>(text);
    check_url_search::<EventSearch>(text);
    check_url_search::<ContentSearch>(text);
}

fn check_q(text: &str) {
    let Ok(query) = parse_query(text) else {
        return;
    };
    let printed = query.to_string();
    let again = match parse_query(&printed) {
        Ok(again) => again,
        Err(e) => panic!("the printout of {text:?} does not parse: {printed:?}: {e}"),
    };
    assert_eq!(
        query, again,
        "printing and re-parsing changed the query\n  input:   {text:?}\n  printed: {printed:?}"
    );
    assert_eq!(
        again.to_string(),
        printed,
        "printing is not stable for {text:?}"
    );
    for catalogue in [
        Catalogue::sessions(),
        Catalogue::events(),
        Catalogue::content(),
    ] {
        let one = validate(&query, catalogue);
        let all = validate_all(&query, catalogue);
        assert_eq!(
            one.is_ok(),
            all.is_empty(),
            "validate and validate_all disagree on {text:?}: {one:?} / {all:?}"
        );
        if let Ok(compiled) = CompiledQuery::new(&query, catalogue) {
            evaluate(&compiled);
        }
    }
}

/// What the three URL searches share, so that one round-trip check serves them.
trait UrlSearch: Sized + PartialEq + Debug {
    const NAME: &'static str;
    fn read(text: &str) -> sps_core::Result<Self>;
    fn render(&self) -> String;
    fn compile(&self) -> sps_core::Result<CompiledQuery>;
    /// Warnings are not rendered, so they are set aside before comparing.
    fn take_warnings(&mut self) -> Vec<String>;
    /// Anything else the search derives, which must not panic either.
    fn exercise(&self) {}
}

impl UrlSearch for SessionSearch {
    const NAME: &'static str = "SessionSearch";
    fn read(text: &str) -> sps_core::Result<Self> {
        SessionSearch::from_query_string(text)
    }
    fn render(&self) -> String {
        self.to_query_string()
    }
    fn compile(&self) -> sps_core::Result<CompiledQuery> {
        SessionSearch::compile(self)
    }
    fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }
    fn exercise(&self) {
        let _ = self.content_query();
    }
}

impl UrlSearch for EventSearch {
    const NAME: &'static str = "EventSearch";
    fn read(text: &str) -> sps_core::Result<Self> {
        EventSearch::from_query_string(text)
    }
    fn render(&self) -> String {
        self.to_query_string()
    }
    fn compile(&self) -> sps_core::Result<CompiledQuery> {
        EventSearch::compile(self)
    }
    fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }
}

impl UrlSearch for ContentSearch {
    const NAME: &'static str = "ContentSearch";
    fn read(text: &str) -> sps_core::Result<Self> {
        ContentSearch::from_query_string(text)
    }
    fn render(&self) -> String {
        self.to_query_string()
    }
    fn compile(&self) -> sps_core::Result<CompiledQuery> {
        ContentSearch::compile(self)
    }
    fn take_warnings(&mut self) -> Vec<String> {
        Vec::new()
    }
}

/// What reads compiles and evaluates without panicking, and renders to text
/// that reads back equal (without warnings) and renders the same again.
fn check_url_search<S: UrlSearch>(text: &str) {
    let Ok(mut search) = S::read(text) else {
        return;
    };
    if let Ok(compiled) = search.compile() {
        evaluate(&compiled);
    }
    search.exercise();
    let rendered = search.render();
    let mut again = match S::read(&rendered) {
        Ok(again) => again,
        Err(e) => panic!("the rendering of {text:?} does not read back: {rendered:?}: {e}"),
    };
    let warnings = again.take_warnings();
    assert!(
        warnings.is_empty(),
        "reading the rendering of {text:?} warns: {warnings:?}"
    );
    search.take_warnings();
    assert_eq!(again.render(), rendered, "rendering is not stable");
    assert_eq!(
        search,
        again,
        "{} changed in a round trip\n  input:    {text:?}\n  rendered: {rendered:?}",
        S::NAME
    );
}

// ---------------------------------------------------------------------------
// timestamp_parse
// ---------------------------------------------------------------------------

/// `timestamp_parse`: `Timestamp::parse` never panics; what parses displays
/// and serializes as the (trimmed) text it was read from, reads back equal
/// from both, and every accessor and display works. Text that is a JSON
/// number is also read as UNIX seconds and milliseconds.
pub fn check_timestamp(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(ts) = Timestamp::parse(text) {
        assert_eq!(
            ts.to_string(),
            text.trim(),
            "a parsed timestamp does not display as its text"
        );
        assert_eq!(ts.original(), text.trim());
        let again = Timestamp::parse(&ts.to_string())
            .unwrap_or_else(|e| panic!("{ts} does not parse again: {e}"));
        assert_eq!(ts, again, "re-parsing {text:?} gave another timestamp");
        exercise(&ts);
    }
    // The serde forms: a JSON string or number.
    for unit in [Unit::Seconds, Unit::Millis] {
        check_json_timestamp(text, unit);
    }
}

#[derive(Clone, Copy, Debug)]
enum Unit {
    Seconds,
    Millis,
}

#[derive(serde::Deserialize, Serialize, Debug, PartialEq)]
struct Millis {
    #[serde(with = "sps_core::model::unix_millis", default)]
    t: Option<Timestamp>,
}

fn check_json_timestamp(text: &str, unit: Unit) {
    match unit {
        Unit::Seconds => {
            let Ok(ts) = serde_json::from_str::<Timestamp>(text) else {
                return;
            };
            let json = serde_json::to_string(&ts).expect("a timestamp encodes");
            let again: Timestamp = serde_json::from_str(&json)
                .unwrap_or_else(|e| panic!("{json} (from {text:?}) does not decode: {e}"));
            assert_eq!(ts, again, "JSON round trip of {text:?} via {json}");
            exercise(&ts);
        }
        Unit::Millis => {
            let wrapped = format!("{{\"t\":{text}}}");
            let Ok(value) = serde_json::from_str::<Millis>(&wrapped) else {
                return;
            };
            let json = serde_json::to_string(&value).expect("a timestamp encodes");
            let again: Millis = serde_json::from_str(&json)
                .unwrap_or_else(|e| panic!("{json} (from {text:?}) does not decode: {e}"));
            assert_eq!(value, again, "JSON round trip of {text:?} via {json}");
            if let Some(ts) = &value.t {
                exercise(ts);
            }
        }
    }
}

/// Every accessor and display of a timestamp.
fn exercise(ts: &Timestamp) {
    let _ = ts.instant();
    let _ = ts.period_end();
    let _ = ts.offset();
    let _ = ts.original_text();
    let _ = ts.format_in(Zone::Utc);
    let _ = ts.format_in(Zone::Local);
    let _ = ts.format_original_zone();
    if let TimestampForm::IsoWithOffset(offset) = ts.form() {
        let _ = ts.format_in(Zone::Fixed(offset));
    }
    // As a search bound, compiled and evaluated.
    let compiled = CompiledQuery::match_all().with_time_range(Some(ts), Some(ts));
    evaluate(&compiled);
}

// ---------------------------------------------------------------------------
// csv_writer
// ---------------------------------------------------------------------------

/// Most rows one `csv_writer` input may expand to. Expanding multi-valued
/// fields is a Cartesian product (as SPS does), so a few long lists make
/// millions of rows: that is by design, and not what this target is for.
pub const CSV_MAX_ROWS: usize = 4096;

/// One cell of a `csv_writer` record, as read from the fuzz input.
#[derive(Debug, Clone)]
enum CsvInput {
    Absent,
    Null,
    Text(String),
    List(Vec<String>),
}

/// `csv_writer`: builds sparse session bodies from the input, writes them with
/// [`sps_core::CsvExporter`], reads the CSV back with the `csv` crate and
/// checks every cell: with the formula guard off a cell reads back exactly as
/// the value; with it on, a cell reads back as the value or as `'` and the
/// value, never as something a spreadsheet would run (see
/// [`spreadsheet_formula`], written without sps-core's trigger list), and a
/// plain number reads back unchanged.
///
/// Input: byte 0 holds the options (bit 0 formula guard, bit 1 quote every
/// cell, bit 2 `\n` line ends, bit 3 join multi-valued fields, bit 4 byte
/// order mark, bit 5 times as sent); byte 1 the number of columns (1 to 4,
/// reading `f0`..`f3`). The rest is split at NUL bytes: first the column
/// titles, then per session its key and one segment per column. A segment
/// `\x01a\x01b` is the list `["a", "b"]` (`\x01` alone the empty list),
/// `\x02` is `null`, `\x03` leaves the field out, anything else is the text.
/// Bytes that are not UTF-8 are replaced.
pub fn check_csv(data: &[u8]) {
    use sps_core::export::{CsvColumn, LineEnd, MultiValue, TimeFormat};
    use sps_core::{CsvExporter, CsvOptions};

    let [flags, columns, rest @ ..] = data else {
        return;
    };
    let guard = flags & 1 != 0;
    let join = flags & 8 != 0;
    let bom = flags & 16 != 0;
    let n = usize::from(columns % 4) + 1;
    let mut segments = rest.split(|&b| b == 0).map(String::from_utf8_lossy);
    let titles: Vec<String> = (0..n)
        .map(|c| {
            segments
                .next()
                .map_or_else(|| format!("Column {c}"), |s| s.into_owned())
        })
        .collect();
    let mut records: Vec<(String, Vec<CsvInput>)> = Vec::new();
    while let Some(key) = segments.next() {
        let cells = (0..n)
            .map(|_| match segments.next().as_deref() {
                None | Some("\u{3}") => CsvInput::Absent,
                Some("\u{2}") => CsvInput::Null,
                Some(s) => match s.strip_prefix('\u{1}') {
                    Some("") => CsvInput::List(Vec::new()),
                    Some(list) => CsvInput::List(list.split('\u{1}').map(str::to_owned).collect()),
                    None => CsvInput::Text(s.to_owned()),
                },
            })
            .collect();
        records.push((key.into_owned(), cells));
    }

    // What each record must read back as: the rows, each a list of cells as
    // given (the guard's effect is checked cell by cell below).
    let cell = |text: &str| -> String { text.to_owned() };
    let mut expected: Vec<Vec<String>> = vec![std::iter::once("Key".to_owned())
        .chain(titles.iter().map(|t| cell(t)))
        .collect()];
    for (key, inputs) in &records {
        let per_column: Vec<Vec<String>> = inputs
            .iter()
            .map(|input| match input {
                CsvInput::Absent | CsvInput::Null => vec![String::new()],
                CsvInput::Text(t) => vec![cell(t)],
                CsvInput::List(items) if items.is_empty() => vec![String::new()],
                CsvInput::List(items) if join => {
                    vec![cell(&items.join(sps_core::export::JOIN_SEPARATOR))]
                }
                CsvInput::List(items) => items.iter().map(|t| cell(t)).collect(),
            })
            .collect();
        let rows: usize = per_column.iter().map(Vec::len).product();
        if expected.len() + rows > CSV_MAX_ROWS + 1 {
            return;
        }
        // Cartesian product, the first column varying slowest.
        let mut pick = vec![0usize; n];
        for _ in 0..rows {
            let mut row = vec![cell(key)];
            row.extend((0..n).map(|c| per_column[c][pick[c]].clone()));
            expected.push(row);
            for c in (0..n).rev() {
                pick[c] += 1;
                if pick[c] < per_column[c].len() {
                    break;
                }
                pick[c] = 0;
            }
        }
    }

    let options = CsvOptions {
        columns: titles
            .iter()
            .enumerate()
            .map(|(c, title)| CsvColumn::new(format!("f{c}"), title.clone()))
            .collect(),
        multi_value: if join {
            MultiValue::Join
        } else {
            MultiValue::Expand
        },
        time: if flags & 32 != 0 {
            TimeFormat::AsSent
        } else {
            TimeFormat::Zone(Zone::Utc)
        },
        formula_guard: guard,
        quote_all: flags & 2 != 0,
        line_end: if flags & 4 != 0 {
            LineEnd::Lf
        } else {
            LineEnd::Crlf
        },
        bom,
        // The row budget is CSV_MAX_ROWS above; the per-session cap has its own tests.
        max_rows_per_session: None,
        ..CsvOptions::default()
    };
    let mut exporter = CsvExporter::new(Vec::new(), options).expect("writing to a Vec works");
    for (key, inputs) in &records {
        let mut body = SparseBody::new();
        for (c, input) in inputs.iter().enumerate() {
            let value = match input {
                CsvInput::Absent => continue,
                CsvInput::Null => serde_json::Value::Null,
                CsvInput::Text(t) => serde_json::Value::from(t.as_str()),
                CsvInput::List(items) => serde_json::Value::from(items.clone()),
            };
            body.insert(format!("f{c}"), value);
        }
        exporter
            .write_record(key, &body)
            .expect("writing to a Vec works");
    }
    assert_eq!(exporter.sessions_written(), records.len() as u64);
    assert_eq!(exporter.rows_written(), (expected.len() - 1) as u64);
    let bytes = exporter.finish().expect("writing to a Vec works");
    let text = match (bom, bytes.strip_prefix(b"\xEF\xBB\xBF")) {
        (true, Some(text)) => text,
        (true, None) => panic!("no byte order mark"),
        (false, Some(_)) => panic!("a byte order mark that was not asked for"),
        (false, None) => &bytes[..],
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let read: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            r.unwrap_or_else(|e| panic!("the CSV written does not read back: {e}"))
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    let same = read.len() == expected.len()
        && read.iter().zip(&expected).all(|(r, e)| {
            r.len() == e.len()
                && r.iter().zip(e).all(|(got, given)| {
                    if !guard {
                        return got == given;
                    }
                    let unchanged = got == given;
                    let quoted = got.strip_prefix('\'') == Some(given.as_str());
                    (unchanged || quoted)
                        && !spreadsheet_formula(got)
                        && !(quoted && plain_number(given))
                })
        });
    assert!(
        same,
        "CSV cells differ from what was written (or a guarded cell could run)\n  \
         read: {read:?}\n  given: {expected:?}\n  csv: {:?}",
        String::from_utf8_lossy(text)
    );
}

/// Whether a spreadsheet could run `cell` as a formula, modelled on what a
/// spreadsheet does on import rather than on sps-core's list: it drops leading
/// white space, controls and invisible format characters (Unicode category
/// Cf), folds compatibility forms to ASCII (NFKC for the full-width, small,
/// superscript and subscript signs, plus U+2212 MINUS SIGN), and runs what
/// then starts with `=`, `+`, `-` or `@`, unless it is a number. A cell that
/// starts with a tab or carriage return counts too (OWASP: they split cells).
pub fn spreadsheet_formula(cell: &str) -> bool {
    if cell.starts_with(['\t', '\r']) {
        return true;
    }
    let visible: String = cell
        .chars()
        .skip_while(|&c| c.is_whitespace() || c.is_control() || unicode_format(c))
        .map(nfkc_sign)
        .collect();
    match visible.chars().next() {
        Some('=' | '@') => true,
        Some('+' | '-') => !plain_number(&visible),
        _ => false,
    }
}

/// A decimal number as Rust reads one (`-5`, `+1.5e3`), ASCII only.
pub fn plain_number(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && text.parse::<f64>().is_ok()
}

/// Unicode's format characters (general category Cf, Unicode 15).
fn unicode_format(c: char) -> bool {
    let c = u32::from(c);
    [
        (0xAD, 0xAD),
        (0x600, 0x605),
        (0x61C, 0x61C),
        (0x6DD, 0x6DD),
        (0x70F, 0x70F),
        (0x890, 0x891),
        (0x8E2, 0x8E2),
        (0x180E, 0x180E),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x2064),
        (0x2066, 0x206F),
        (0xFEFF, 0xFEFF),
        (0xFFF9, 0xFFFB),
        (0x110BD, 0x110BD),
        (0x110CD, 0x110CD),
        (0x13430, 0x1343F),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0001, 0xE0001),
        (0xE0020, 0xE007F),
    ]
    .iter()
    .any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// NFKC's folding of the compatibility forms of ASCII signs (the whole
/// full-width block U+FF01..U+FF5E by arithmetic; small, superscript and
/// subscript forms by table), and U+2212 as `-`.
fn nfkc_sign(c: char) -> char {
    let n = u32::from(c);
    if (0xFF01..=0xFF5E).contains(&n) {
        return char::from_u32(n - 0xFF01 + 0x21).unwrap_or(c);
    }
    match c {
        '\u{FE62}' | '\u{207A}' | '\u{208A}' => '+',
        '\u{FE63}' | '\u{207B}' | '\u{208B}' | '\u{2212}' => '-',
        '\u{FE66}' | '\u{207C}' | '\u{208C}' => '=',
        '\u{FE6B}' => '@',
        _ => c,
    }
}
