//! `format=csv` of the sessions list, written by sps-core's exporter in
//! SPS-compatible mode ([`sps_core::CsvOptions::sps_compatible`]): every cell
//! quoted, `\r\n` line ends, header `Key` then the catalogue's titles in the
//! requested order, one row per value of a multi-valued field (the Cartesian
//! product if several are), an empty list giving one row with an empty cell,
//! values as the JSON body holds them (timestamps in their original form) and
//! no formula guard (SPS has none; the viewer's own exports keep it on).

use serde_json::Value;
use sps_core::{Catalogue, CsvColumn, CsvExporter, CsvOptions, SparseBody};

use crate::store::SessionRef;

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

/// The exporter's columns for a `fields=` selection; unknown names are
/// skipped, as in [`columns`].
fn export_columns(fields: &[String]) -> Vec<CsvColumn> {
    let mut out = Vec::new();
    for name in fields {
        let found = if name == "*" { sps_core::session_columns(&["*"]) } else { CsvColumn::session_field(name).map(|c| vec![c]) };
        out.extend(found.unwrap_or_default());
    }
    out
}

fn to_csv_error(e: sps_core::Error) -> csv::Error {
    csv::Error::from(std::io::Error::other(e.to_string()))
}

/// Renders the rows of `sessions` (in order) for the `fields=` selection.
pub fn render<'a>(fields: &[String], sessions: impl Iterator<Item = SessionRef<'a>>) -> Result<Vec<u8>, csv::Error> {
    let options = CsvOptions::sps_compatible(export_columns(fields));
    let wants_link = options.columns.iter().any(|c| c.path() == "trail_download_link");
    let mut exporter = CsvExporter::new(Vec::new(), options).map_err(to_csv_error)?;
    for s in sessions {
        // The full body as the JSON list would send it (`fields=*`): the
        // exporter reads dotted paths from it, values in their sent form.
        let mut body = match s.body() {
            v @ Value::Object(_) => serde_json::from_value::<SparseBody>(v).unwrap_or_default(),
            _ => SparseBody::new(),
        };
        if wants_link {
            // The store's public base decides the link; null without a trail.
            body.insert("trail_download_link", s.trail_download_link().map_or(Value::Null, Value::String));
        }
        exporter.write_record(s.key(), &body).map_err(to_csv_error)?;
    }
    exporter.finish().map_err(to_csv_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{parse_sessions, Store};

    fn store(text: &str) -> Store {
        Store::loaded(parse_sessions(text).unwrap(), "https://127.0.0.1")
    }

    fn fields(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    fn csv_of(store: &Store, names: &[&str], newest_first: bool) -> String {
        let mut order: Vec<usize> = (0..store.len()).collect();
        if newest_first {
            order.reverse();
        }
        String::from_utf8(render(&fields(names), order.into_iter().map(|i| store.get(i))).unwrap()).unwrap()
    }

    #[test]
    fn the_reference_examples_byte_for_byte() {
        let s1 = store(include_str!("../../crate-core/tests/fixtures/seed_csv_1.json"));
        assert_eq!(
            csv_of(&s1, &["protocol", "end_time", "user.gateway_username", "server.ip", "client.ip", "client.port"], true),
            "\"Key\",\"Protocol\",\"End time\",\"Gateway username\",\"Server IP\",\"Client IP\",\"Client port\"\r\n\
             \"2\",\"ssh\",\"7\",\"user2\",\"2.2.2.2\",\"3.3.3.3\",\"48680\"\r\n\
             \"1\",\"ssh\",\"5\",\"user1\",\"2.2.2.2\",\"2.2.2.2\",\"48679\"\r\n"
        );
        let s2 = store(include_str!("../../crate-core/tests/fixtures/seed_csv_2.json"));
        assert_eq!(
            csv_of(&s2, &["recording.session_id", "analytics.interesting_events", "analytics.similar_sessions"], false),
            "\"Key\",\"Recording Session ID\",\"Analytics Interesting events\",\"Similar Sessions\"\r\n\
             \"1\",\"1\",\"ssh\",\"\"\r\n\"1\",\"1\",\"sudo\",\"\"\r\n\
             \"2\",\"2\",\"sudo\",\"\"\r\n\"2\",\"2\",\"systemctl\",\"\"\r\n"
        );
        let s3 = store(include_str!("../../crate-core/tests/fixtures/seed_csv_3.json"));
        assert_eq!(
            csv_of(&s3, &["trail_download_link"], true),
            "\"Key\",\"Audit trail download link\"\r\n\
             \"svc-paKzcMJwXghEFJ9UvsdqFU-sid-2\",\"\"\r\n\
             \"svc-paKzcMJwXghEFJ9UvsdqFU-sid-1\",\"https://127.0.0.1/api/audit/sessions/svc-paKzcMJwXghEFJ9UvsdqFU-sid-1/audit_trail\"\r\n"
        );
    }

    #[test]
    fn aliases_star_and_unknown_names() {
        let s1 = store(include_str!("../../crate-core/tests/fixtures/seed_csv_1.json"));
        assert_eq!(
            csv_of(&s1, &["name", "no.such.field", "client.address"], false),
            "\"Key\",\"Gateway username\",\"Client IP\"\r\n\"1\",\"user1\",\"2.2.2.2\"\r\n\"2\",\"user2\",\"3.3.3.3\"\r\n"
        );
        let all = csv_of(&s1, &["*"], false);
        assert_eq!(all.lines().count(), 3);
        assert!(all.starts_with("\"Key\",\"Active\","));
    }

    #[test]
    fn generated_sessions_render() {
        let store = Store::generated(7, 50, chrono::Utc::now(), "http://127.0.0.1:8080");
        let text = csv_of(&store, &["start_time", "analytics.tags", "trail_download_link", "user.gateway_username"], true);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().len(), 5);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert!(rows.len() >= 50);
        assert!(rows.iter().all(|r| !r[1].is_empty()));
        assert!(rows.iter().any(|r| r[3].starts_with("http://127.0.0.1:8080/api/audit/sessions/")));
    }
}
