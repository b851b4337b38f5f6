//! The statistics page's URL state and the pure work behind it: which fields
//! can be counted, the list links a value opens (conditions added with
//! sps-core's query builder), and the CSV of the counts (sps-core's CSV
//! writer, formula guard on).

use sps_core::export::CsvColumn;
use sps_core::model::{FieldValue, FieldValues};
use sps_core::query::{FieldSpec, FieldType};
use sps_core::{Catalogue, CsvExporter, CsvOptions, FieldSource, SessionExporter};

use crate::components::flow::FlowData;
use crate::components::summary_chips::add_condition;
use crate::list_state::ListState;

/// The field counted when the URL names none.
pub const DEFAULT_FIELD: &str = "protocol";
/// Values shown when the URL asks for no other number.
pub const DEFAULT_SIZE: u32 = 10;
/// The sizes the picker offers.
pub const SIZES: [u32; 4] = [5, 10, 20, 50];
/// The flow's fields when the URL names none: who, to where, how.
pub const DEFAULT_FLOW: [&str; 3] = ["user.gateway_username", "server.ip", "protocol"];
/// Values per column of the flow (and sub values per value): enough to
/// see the main paths, few enough to keep the bands readable.
pub const FLOW_SIZE: u32 = 5;

/// The fields `stats` can count by value: the catalogue's filterable
/// keyword, IP, number and boolean fields (full text and dates are not
/// bucketed by value).
pub fn stat_fields() -> Vec<&'static FieldSpec> {
    Catalogue::sessions()
        .fields()
        .iter()
        .filter(|f| {
            f.filterable
                && matches!(
                    f.kind,
                    FieldType::String | FieldType::Ip | FieldType::Integer | FieldType::Boolean
                )
        })
        .collect()
}

/// The canonical name of `name` when it is one of [`stat_fields`].
fn stat_field(name: &str) -> Option<&'static str> {
    let spec = Catalogue::sessions().resolve(name.trim())?;
    stat_fields()
        .iter()
        .any(|f| f.name == spec.name)
        .then_some(spec.name)
}

/// What the statistics page shows, as read from its URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatsParams {
    /// The search, exactly as the list reads it (same parameters).
    pub list: ListState,
    /// The field whose top values are shown.
    pub field: String,
    /// How many top values.
    pub size: u32,
    /// The flow's fields, 2 or 3, all different.
    pub flow: Vec<String>,
}

impl StatsParams {
    /// Reads the page's parameters through `get` (a decoded value by name);
    /// anything unknown or malformed falls back to the defaults, so a
    /// hand-edited URL still shows a page.
    pub fn from_lookup<'a>(get: impl Fn(&str) -> Option<&'a str> + Copy) -> Self {
        let field = get("field")
            .and_then(stat_field)
            .unwrap_or(DEFAULT_FIELD)
            .to_owned();
        let size = get("size")
            .and_then(|s| s.trim().parse::<u32>().ok())
            .filter(|n| (1..=100).contains(n))
            .unwrap_or(DEFAULT_SIZE);
        let flow: Option<Vec<String>> = get("flow").and_then(|text| {
            let names: Option<Vec<&str>> = text.split(',').map(stat_field).collect();
            let names = names?;
            let distinct = names
                .iter()
                .enumerate()
                .all(|(i, n)| !names[..i].contains(n));
            ((2..=3).contains(&names.len()) && distinct)
                .then(|| names.into_iter().map(str::to_owned).collect())
        });
        StatsParams {
            list: ListState::from_lookup(get),
            field,
            size,
            flow: flow.unwrap_or_else(|| DEFAULT_FLOW.map(str::to_owned).to_vec()),
        }
    }

    /// The page's URL: the list's parameters, then the page's own (defaults
    /// left out).
    pub fn url(&self) -> String {
        let size = (self.size != DEFAULT_SIZE).then(|| self.size.to_string());
        let flow = self.flow.join(",");
        let default_flow = self.flow.iter().map(String::as_str).eq(DEFAULT_FLOW);
        self.list
            .url_at("/stats")
            .opt(
                "field",
                (self.field != DEFAULT_FIELD).then_some(self.field.as_str()),
            )
            .opt("size", size.as_deref())
            .opt("flow", (!default_flow).then_some(flow.as_str()))
            .build()
    }
}

/// The statistics page for the list in `list` (from the list's toolbar):
/// same search, first page, the page's defaults.
pub fn stats_url(list: &ListState) -> String {
    StatsParams {
        list: ListState {
            offset: 0,
            ..list.clone()
        },
        field: DEFAULT_FIELD.to_owned(),
        size: DEFAULT_SIZE,
        flow: DEFAULT_FLOW.map(str::to_owned).to_vec(),
    }
    .url()
}

/// The list narrowed to every `(field, value)` of `picks`, from page one:
/// each condition goes through sps-core's builder and printer, so a value
/// with spaces, quotes or `AND` in it stays one literal value.
pub fn filter_url(list: &ListState, picks: &[(String, String)]) -> String {
    let q = picks.iter().fold(list.q.clone(), |q, (field, value)| {
        add_condition(&q, field, value)
    });
    ListState {
        q,
        offset: 0,
        ..list.clone()
    }
    .page_url()
}

/// One line of an exported table of counts: a value (and, for a band of the
/// flow, the value it leads to) with its sessions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountRow {
    /// The field.
    pub field: String,
    /// Its value.
    pub value: String,
    /// The next column's field (flow bands only).
    pub to_field: String,
    /// Its value (flow bands only).
    pub to_value: String,
    /// Sessions.
    pub count: u64,
}

impl FieldSource for CountRow {
    fn field_values(&self, path: &str) -> FieldValues<'_> {
        fn text(s: &str) -> FieldValues<'_> {
            FieldValues::one(FieldValue::Str(s))
        }
        match path {
            "field" => text(&self.field),
            "value" => text(&self.value),
            "to_field" => text(&self.to_field),
            "to_value" => text(&self.to_value),
            "count" => FieldValues::one(FieldValue::Int(
                i64::try_from(self.count).unwrap_or(i64::MAX),
            )),
            _ => FieldValues::empty(),
        }
    }
}

/// The flow's bands as rows (the table under the picture and its CSV), in
/// the picture's order.
pub fn flow_rows(data: &FlowData) -> Vec<CountRow> {
    data.bands
        .iter()
        .map(|b| CountRow {
            field: data.fields[b.col].clone(),
            value: data.columns[b.col][b.from].value.clone(),
            to_field: data.fields[b.col + 1].clone(),
            to_value: data.columns[b.col + 1][b.to].value.clone(),
            count: b.count,
        })
        .collect()
}

/// `rows` as CSV with sps-core's writer (formula guard on, every cell
/// quoted): the `Key` column numbers the rows; with `bands` the columns are
/// from/to pairs, else field, value and sessions.
pub fn counts_csv(rows: &[CountRow], bands: bool) -> Result<Vec<u8>, String> {
    let mut columns = vec![
        CsvColumn::new("field", if bands { "From field" } else { "Field" }),
        CsvColumn::new("value", if bands { "From value" } else { "Value" }),
    ];
    if bands {
        columns.push(CsvColumn::new("to_field", "To field"));
        columns.push(CsvColumn::new("to_value", "To value"));
    }
    columns.push(CsvColumn::new("count", "Sessions"));
    let options = CsvOptions {
        formula_guard: true,
        ..CsvOptions::new(columns)
    };
    let mut out = CsvExporter::new(Vec::new(), options).map_err(|e| e.to_string())?;
    for (i, row) in rows.iter().enumerate() {
        out.write_record(&(i + 1).to_string(), row)
            .map_err(|e| e.to_string())?;
    }
    out.finish().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn read(pairs: &[(&str, &str)]) -> StatsParams {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        StatsParams::from_lookup(|name| map.get(name).map(String::as_str))
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn defaults_and_a_round_trip() {
        let p = read(&[]);
        assert_eq!(p.field, "protocol");
        assert_eq!(p.size, 10);
        assert_eq!(p.flow, DEFAULT_FLOW.map(str::to_owned));
        assert_eq!(p.url(), "/stats");
        let p = read(&[
            ("q", "verdict:ACCEPT"),
            ("range", "7d"),
            ("field", "server.ip"),
            ("size", "20"),
            ("flow", "protocol,verdict"),
        ]);
        assert_eq!(p.list.q, "verdict:ACCEPT");
        assert_eq!(p.flow, ["protocol", "verdict"]);
        let url = p.url();
        assert!(
            url.starts_with("/stats?q=verdict%3AACCEPT&range=7d"),
            "{url}"
        );
        assert!(
            url.ends_with("&field=server.ip&size=20&flow=protocol,verdict"),
            "{url}"
        );
        // The URL reads back to the same state.
        let back: HashMap<String, String> =
            sps_core::request::parse_query_string(url.split_once('?').map_or("", |(_, q)| q))
                .into_iter()
                .collect();
        assert_eq!(
            StatsParams::from_lookup(|n| back.get(n).map(String::as_str)),
            p
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn bad_parameters_fall_back_to_the_defaults() {
        let p = read(&[
            ("field", "no.such.field"),
            ("size", "0"),
            ("flow", "protocol"),
        ]);
        assert_eq!((p.field.as_str(), p.size), ("protocol", 10));
        assert_eq!(p.flow.len(), 3, "one field is no flow");
        assert_eq!(
            read(&[("flow", "protocol,protocol")]).flow.len(),
            3,
            "repeated"
        );
        assert_eq!(read(&[("flow", "a,b,c,d")]).flow.len(), 3);
        assert_eq!(read(&[("size", "1000")]).size, 10);
        // Dates and full text are not counted by value.
        assert_eq!(read(&[("field", "start_time")]).field, "protocol");
        assert!(stat_fields().iter().all(|f| f.kind != FieldType::Date));
        assert!(stat_fields()
            .iter()
            .any(|f| f.name == "user.gateway_username"));
        assert!(stat_fields().iter().any(|f| f.name == "server.ip"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_value_opens_the_list_filtered_by_it() {
        let list = ListState {
            q: "protocol:ssh".into(),
            offset: 50,
            ..ListState::default()
        };
        let url = filter_url(&list, &[("user.gateway_username".into(), "root".into())]);
        assert_eq!(
            url,
            "/sessions?q=protocol%3Assh%20AND%20user.gateway_username%3Aroot"
        );
        // A hostile value stays one quoted literal.
        let url = filter_url(
            &ListState::default(),
            &[
                ("server.ip".into(), "10.0.0.1".into()),
                ("user.gateway_username".into(), "a OR b\"".into()),
            ],
        );
        let query: HashMap<String, String> =
            sps_core::request::parse_query_string(url.split_once('?').map_or("", |(_, q)| q))
                .into_iter()
                .collect();
        let q = &query["q"];
        let parsed = sps_core::parse_query(q).expect("a valid query");
        assert_eq!(
            parsed,
            sps_core::Query::field("server.ip")
                .eq("10.0.0.1")
                .and(sps_core::Query::field("user.gateway_username").eq("a OR b\""))
        );
        assert!(stats_url(&list).starts_with("/stats?q=protocol%3Assh"));
        assert!(!stats_url(&list).contains("offset"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_flow_rows_are_its_bands() {
        use crate::components::flow::{FlowBand, FlowNode};
        let node = |v: &str| FlowNode {
            value: v.into(),
            count: None,
        };
        let data = FlowData {
            fields: vec!["protocol".into(), "verdict".into()],
            columns: vec![vec![node("ssh"), node("rdp")], vec![node("ACCEPT")]],
            bands: vec![
                FlowBand {
                    col: 0,
                    from: 0,
                    to: 0,
                    count: 7,
                },
                FlowBand {
                    col: 0,
                    from: 1,
                    to: 0,
                    count: 2,
                },
            ],
        };
        let rows = flow_rows(&data);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (
                rows[1].field.as_str(),
                rows[1].value.as_str(),
                rows[1].to_field.as_str(),
                rows[1].to_value.as_str(),
                rows[1].count
            ),
            ("protocol", "rdp", "verdict", "ACCEPT", 2)
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_csv_guards_formulas() {
        let rows = [
            CountRow {
                field: "user.gateway_username".into(),
                value: "=HYPERLINK(\"x\")".into(),
                to_field: "server.ip".into(),
                to_value: "10.0.0.1".into(),
                count: 3,
            },
            CountRow {
                field: "user.gateway_username".into(),
                value: "bob".into(),
                to_field: "server.ip".into(),
                to_value: "10.0.0.2".into(),
                count: 1,
            },
        ];
        let text = String::from_utf8(counts_csv(&rows, true).expect("csv")).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "\"Key\",\"From field\",\"From value\",\"To field\",\"To value\",\"Sessions\""
        );
        assert_eq!(
            lines[1],
            "\"1\",\"user.gateway_username\",\"'=HYPERLINK(\"\"x\"\")\",\"server.ip\",\"10.0.0.1\",\"3\""
        );
        assert_eq!(lines.len(), 3);
        let top = String::from_utf8(counts_csv(&rows[1..], false).expect("csv")).expect("utf-8");
        assert!(top.starts_with("\"Key\",\"Field\",\"Value\",\"Sessions\"\r\n\"1\",\"user.gateway_username\",\"bob\",\"1\""));
    }
}
