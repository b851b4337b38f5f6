//! The exporters for JavaScript: `rowsToCsv`, `rowsToCsvReport`, `rowsToJson`,
//! `rowsToNdjson` (rows in as one JSON text, the export out as one string).

use super::*;

/// `toCsv` options, as JavaScript spells them.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct CsvInput {
    fields: Option<OneOrList>,
    sps_compatible: Option<bool>,
    formula_guard: Option<bool>,
    quote_all: Option<bool>,
    line_end: Option<String>,
    multi_value: Option<String>,
    time: Option<String>,
    public_base: Option<String>,
    bom: Option<bool>,
    /// Absent: the default cap; `null`: no cap; a number: that cap.
    #[serde(default, deserialize_with = "present")]
    max_rows_per_session: Option<Option<u64>>,
}

/// Tells a `null` (`Some(None)`) from an absent field (`None`).
pub(super) fn present<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Option<u64>>, D::Error> {
    Option::<u64>::deserialize(d).map(Some)
}

pub(super) fn option_error(parameter: &str, message: String) -> Error {
    ErrorKind::SearchParameter {
        parameter: parameter.to_owned(),
        message,
    }
    .into()
}

/// The columns when none are asked for: the first row's body keys when they
/// are all sessions fields (a `fields=` selection), else every showable field.
pub(super) fn default_columns(rows: &[SessionRow]) -> Result<Vec<CsvColumn>> {
    let names: Vec<String> = rows
        .iter()
        .find_map(|r| r.body.as_ref())
        .map(|body| body.iter().map(|(k, _)| k.to_owned()).collect())
        .unwrap_or_default();
    if names.is_empty() {
        return Ok(Vec::new());
    }
    session_columns(&names).or_else(|_| session_columns(&["*"]))
}

pub(super) fn csv_options(input: CsvInput, rows: &[SessionRow]) -> Result<CsvOptions> {
    let columns = match input.fields {
        Some(fields) => session_columns(&fields.into_vec())?,
        None => default_columns(rows)?,
    };
    let mut options = if input.sps_compatible.unwrap_or(false) {
        CsvOptions::sps_compatible(columns)
    } else {
        CsvOptions::new(columns)
    };
    if let Some(guard) = input.formula_guard {
        options.formula_guard = guard;
    }
    if let Some(quote_all) = input.quote_all {
        options.quote_all = quote_all;
    }
    if let Some(line_end) = input.line_end {
        options.line_end = match line_end.as_str() {
            "crlf" | "\r\n" => LineEnd::Crlf,
            "lf" | "\n" => LineEnd::Lf,
            _ => {
                return Err(option_error(
                    "lineEnd",
                    format!("`{line_end}` is not `crlf` or `lf`"),
                ))
            }
        };
    }
    if let Some(multi) = input.multi_value {
        options.multi_value = match multi.as_str() {
            "expand" => MultiValue::Expand,
            "join" => MultiValue::Join,
            _ => {
                return Err(option_error(
                    "multiValue",
                    format!("`{multi}` is not `expand` or `join`"),
                ))
            }
        };
    }
    if let Some(time) = input.time {
        options.time = match time.as_str() {
            "asSent" | "as-sent" => TimeFormat::AsSent,
            "utc" | "UTC" => TimeFormat::Zone(Zone::Utc),
            "local" => TimeFormat::Zone(Zone::Local),
            offset => {
                // `+02:00`: read through a timestamp carrying that offset.
                let probe = Timestamp::parse(&format!("2000-01-01T00:00:00{offset}")).ok();
                match probe.and_then(|t| t.offset()) {
                    Some(fixed) => TimeFormat::Zone(Zone::Fixed(fixed)),
                    None => {
                        let message = format!(
                            "`{offset}` is not `asSent`, `utc`, `local` or an offset like `+02:00`"
                        );
                        return Err(option_error("time", message));
                    }
                }
            }
        };
    }
    if let Some(base) = input.public_base {
        options.public_base = base.trim_end_matches('/').to_owned();
    }
    if let Some(bom) = input.bom {
        options.bom = bom;
    }
    if let Some(limit) = input.max_rows_per_session {
        if limit == Some(0) {
            return Err(option_error(
                "maxRowsPerSession",
                "must be at least 1 (or null for no limit)".to_owned(),
            ));
        }
        options.max_rows_per_session = limit;
    }
    Ok(options)
}

pub(super) fn rows_from_json(rows_json: &str) -> Result<Vec<SessionRow>> {
    decode_json("rows", rows_json.as_bytes())
}

pub(super) fn utf8(bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        ErrorKind::Export {
            message: format!("the export is not UTF-8: {e}"),
        }
        .into()
    })
}

/// What `toCsvReport` gives: the text and what the export did.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CsvReportOut {
    csv: String,
    sessions: u64,
    rows: u64,
    /// Sessions whose multi-valued expansion was cut (`null` when none).
    cut: Option<CutOut>,
    /// The warning for a person (`null` when none).
    warning: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CutOut {
    sessions: u64,
    rows_dropped: u64,
    limit: u64,
}

pub(super) fn csv_report(rows_json: &str, options: JsValue) -> Result<CsvReportOut> {
    let rows = rows_from_json(rows_json)?;
    let input: CsvInput = from_js("CSV options", options)?;
    let options = csv_options(input, &rows)?;
    let mut exporter = CsvExporter::new(Vec::new(), options)?;
    exporter.write_page(&rows)?;
    let (sessions, rows, cut) = (
        exporter.sessions_written(),
        exporter.rows_written(),
        exporter.expansion_cut(),
    );
    Ok(CsvReportOut {
        csv: utf8(exporter.finish()?)?,
        sessions,
        rows,
        warning: cut.map(|c| c.to_string()),
        cut: cut.map(|c| CutOut {
            sessions: c.sessions,
            rows_dropped: c.rows_dropped,
            limit: c.limit,
        }),
    })
}

/// Session rows (`{key, body?, meta?}`, as `sessions()` gives them, passed as
/// one JSON text) as CSV text, with the same formula guard as every sessions
/// CSV of sps-core ([`crate::export::needs_formula_guard`]). Options: `fields`,
/// `spsCompatible`, `formulaGuard`, `quoteAll`, `lineEnd`, `multiValue`,
/// `time`, `publicBase`, `bom`, `maxRowsPerSession`.
#[wasm_bindgen(js_name = rowsToCsv)]
pub fn rows_to_csv(rows_json: &str, options: JsValue) -> std::result::Result<String, JsValue> {
    csv_report(rows_json, options)
        .map(|report| report.csv)
        .map_err(|e| js_error(&e))
}

/// As `rowsToCsv`, with what the export did: `{csv, sessions, rows, cut,
/// warning}`; `cut` (`{sessions, rowsDropped, limit}`) and `warning` say
/// which sessions `maxRowsPerSession` cut short.
#[wasm_bindgen(js_name = rowsToCsvReport)]
pub fn rows_to_csv_report(
    rows_json: &str,
    options: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    csv_report(rows_json, options)
        .and_then(|report| to_js(&report))
        .map_err(|e| js_error(&e))
}

/// Session rows (one JSON text) as a JSON array text, one session per line.
#[wasm_bindgen(js_name = rowsToJson)]
pub fn rows_to_json(rows_json: &str) -> std::result::Result<String, JsValue> {
    let run = || -> Result<String> {
        let rows = rows_from_json(rows_json)?;
        let mut exporter = JsonExporter::new(Vec::new())?;
        exporter.write_page(&rows)?;
        utf8(exporter.finish()?)
    };
    run().map_err(|e| js_error(&e))
}

/// Session rows (one JSON text) as NDJSON text.
#[wasm_bindgen(js_name = rowsToNdjson)]
pub fn rows_to_ndjson(rows_json: &str) -> std::result::Result<String, JsValue> {
    let run = || -> Result<String> {
        let rows = rows_from_json(rows_json)?;
        let mut exporter = NdjsonExporter::new(Vec::new())?;
        exporter.write_page(&rows)?;
        utf8(exporter.finish()?)
    };
    run().map_err(|e| js_error(&e))
}

/// For the boundary measurement in `npm/bench/` (feature `js-bench`, which
/// `npm/bench/boundary.mjs` says how to build): decodes a sessions page
/// (bytes as the API sent them) and hands it over as objects
/// (`"objects"`, serde-wasm-bindgen) or through `JSON.parse` (`"json"`).
#[cfg(feature = "js-bench")]
#[wasm_bindgen(js_name = benchDecodePage)]
pub fn bench_decode_page(body: &[u8], mode: &str) -> std::result::Result<JsValue, JsValue> {
    let boundary = if mode == "objects" {
        Boundary::Objects
    } else {
        Boundary::JsonText
    };
    let page = decode_session_list(body).map_err(|e| js_error(&e))?;
    to_js_with(&page, boundary).map_err(|e| js_error(&e))
}
