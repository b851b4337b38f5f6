//! `format=csv` of the sessions list.
//!
//! sps-core has no CSV export yet, so the rendering lives here behind one
//! function ([`render`]); it is meant to move to sps-core. Rules (design.md):
//! every cell quoted, `\r\n` line ends, header `Key` then the catalogue's
//! titles in the requested order, one row per value of a multi-valued field
//! (the Cartesian product if several are), an empty list giving one row with
//! an empty cell. Values are written as the JSON body holds them (numbers as
//! written, timestamps in their original form).

use serde_json::Value;
use sps_core::Catalogue;

use crate::store::{json_at, SessionRef};

/// One CSV column: its title and the canonical field it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Header cell.
    pub title: &'static str,
    /// Canonical field name.
    pub field: &'static str,
}

/// The columns for a `fields=` selection (`*` = every showable field);
/// unknown names are skipped (the request was validated before).
pub fn columns(fields: &[String]) -> Vec<Column> {
    let cat = Catalogue::sessions();
    let mut out = Vec::new();
    for name in fields {
        if name == "*" {
            out.extend(cat.fields().iter().filter(|f| f.showable).map(|f| Column { title: f.title, field: f.name }));
        } else if let Some(spec) = cat.resolve(name) {
            out.push(Column { title: spec.title, field: spec.name });
        }
    }
    out
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// The cell values of one column for one session (at least one).
fn cells(session: &SessionRef<'_>, body: &Value, col: &Column) -> Vec<String> {
    if col.field == "trail_download_link" {
        return vec![session.trail_download_link().unwrap_or_default()];
    }
    match json_at(body, col.field) {
        Some(Value::Array(items)) if !items.is_empty() => items.iter().map(scalar_text).collect(),
        Some(Value::Array(_)) | None => vec![String::new()],
        Some(v) => vec![scalar_text(v)],
    }
}

/// Renders the rows of `sessions` (in order) for the `fields=` selection.
pub fn render<'a>(fields: &[String], sessions: impl Iterator<Item = SessionRef<'a>>) -> Result<Vec<u8>, csv::Error> {
    let cols = columns(fields);
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut header = vec!["Key"];
    header.extend(cols.iter().map(|c| c.title));
    w.write_record(&header)?;
    for s in sessions {
        let body = s.body();
        let per_col: Vec<Vec<String>> = cols.iter().map(|c| cells(&s, &body, c)).collect();
        // Cartesian product of the columns' values, first column varying slowest.
        let total: usize = per_col.iter().map(Vec::len).product();
        for n in 0..total {
            let mut record = vec![s.key().to_owned()];
            let mut rest = n;
            let mut divisor = total;
            for values in &per_col {
                divisor /= values.len().max(1);
                let pick = rest / divisor.max(1);
                rest %= divisor.max(1);
                record.push(values.get(pick).cloned().unwrap_or_default());
            }
            w.write_record(&record)?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
