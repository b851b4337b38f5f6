//! The formula guard against leading white space and look-alike triggers, a
//! property that checks it against a model of spreadsheet import written
//! without the guard's own trigger list, and the per-session cap on
//! multi-valued expansion.
#![cfg(not(target_arch = "wasm32"))]

// The model of what a spreadsheet runs (`spreadsheet_formula`, `plain_number`)
// lives with the fuzz checks, which use it too.
#[path = "../../fuzz/src/lib.rs"]
mod checks;

use checks::{plain_number, spreadsheet_formula};
use proptest::prelude::*;
use serde_json::json;
use sps_core::export::DEFAULT_MAX_ROWS_PER_SESSION;
use sps_core::export::{
    needs_formula_guard, neutralise_formula, session_columns, CsvColumn, MultiValue,
};
use sps_core::{CsvExporter, CsvOptions, SessionExporter as _, SessionRow};

#[test]
fn whitespace_and_full_width_triggers_are_neutralised() {
    let guarded = [
        " =1+1",
        "  +cmd",
        "\u{A0}=HYPERLINK(\"x\")",
        "\u{3000}@SUM(A1)",
        "\n-2+3",
        "\u{200B}=1",
        "\u{FEFF}=1",
        "\u{AD}=1",
        "\u{202E}=1",
        "\u{FF1D}1+1",
        "\u{FF0B}1+1",
        "\u{FF0D}1+1",
        "\u{FF20}SUM(A1)",
        "\u{FE66}1",
        "\u{207C}1",
        "\u{2212}1+1",
        "\u{3000}\u{FF1D}1",
        // A full-width sign before digits is not a plain number (ASCII only).
        "\u{FF0D}5",
        // Still guarded as before.
        "=1",
        "@x",
        "-2+3",
        "\tx",
        "\rx",
        "-7 ",
        "-inf",
        "+",
        "-",
    ];
    for cell in guarded {
        assert!(needs_formula_guard(cell), "{cell:?} must be guarded");
        assert_eq!(neutralise_formula(cell), format!("'{cell}"));
        assert!(!spreadsheet_formula(&neutralise_formula(cell)));
    }
}

#[test]
fn plain_numbers_and_harmless_text_are_left_alone() {
    let untouched = [
        "42",
        "-7",
        "+3.5",
        "3.5",
        "1e5",
        "-1E-3",
        "-.5",
        "5.",
        // White space before a plain number: still a number, never a formula.
        " -5",
        "\u{A0}+2.5",
        "\u{3000}-1e3",
        "a=b",
        "x-y",
        "",
        " ",
        "\u{3000}",
        "'quoted",
        "text with = inside",
        "\u{2013} en dash note",
    ];
    for cell in untouched {
        assert!(!needs_formula_guard(cell), "{cell:?} must stay as it is");
        assert_eq!(neutralise_formula(cell), cell);
    }
}

/// Strings that lean on the guard's edges: leading invisible characters and
/// look-alike signs, then anything.
fn edgy() -> impl Strategy<Value = String> {
    let lead = prop::collection::vec(
        prop::sample::select(vec![
            " ",
            "\t",
            "\n",
            "\r",
            "\u{A0}",
            "\u{3000}",
            "\u{2028}",
            "\u{200B}",
            "\u{FEFF}",
            "\u{AD}",
            "\u{1}",
            "\u{E0041}",
        ]),
        0..3,
    );
    let sign = prop::sample::select(vec![
        "", "=", "+", "-", "@", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}", "\u{FE62}",
        "\u{FE63}", "\u{FE66}", "\u{FE6B}", "\u{207A}", "\u{208B}", "\u{2212}", "'",
    ]);
    let tail = prop::sample::select(vec!["", "1", "5.5", "1e3", "1+1", "A1", " ", "x", "-2"]);
    (lead, sign, tail, any::<String>()).prop_map(|(lead, sign, tail, any)| {
        let mut s = lead.concat();
        s.push_str(sign);
        s.push_str(tail);
        if any.len() % 2 == 0 {
            s.push_str(&any);
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4_000))]

    /// No guarded cell is something a spreadsheet would run, by a model of
    /// spreadsheet import that does not reuse the guard's trigger list.
    #[test]
    fn no_guarded_cell_runs_as_a_formula(cell in prop_oneof![any::<String>(), edgy()]) {
        let out = neutralise_formula(&cell);
        prop_assert!(
            !spreadsheet_formula(&out),
            "{cell:?} became {out:?}, which a spreadsheet would run"
        );
        // The guard only ever prefixes.
        prop_assert!(out == cell || out.strip_prefix('\'') == Some(cell.as_str()));
    }

    /// Plain numbers are never touched.
    #[test]
    fn plain_numbers_stay_numbers(
        n in any::<f64>().prop_filter("finite", |n| n.is_finite()),
        sign in prop::sample::select(vec!["", "+", "-"]),
    ) {
        let n = n.abs();
        for text in [format!("{sign}{n}"), format!("{sign}{n:e}"), format!("{sign}{n:.3}")] {
            prop_assert!(plain_number(&text), "{text:?} is a number");
            prop_assert_eq!(neutralise_formula(&text), text.as_str());
        }
    }
}

fn row(key: &str, body: serde_json::Value) -> SessionRow {
    serde_json::from_value(json!({"key": key, "body": body})).expect("a session row")
}

fn export(rows: &[SessionRow], options: CsvOptions) -> (String, CsvExporter<Vec<u8>>) {
    let mut exporter = CsvExporter::new(Vec::new(), options).expect("header");
    exporter.write_page(rows).expect("rows");
    exporter.flush().expect("flush");
    let text = String::from_utf8(exporter.get_ref().clone()).expect("UTF-8");
    (text, exporter)
}

#[test]
fn expansion_is_capped_per_session_with_a_warning() {
    let tags: Vec<String> = (0..40).map(|i| format!("t{i}")).collect();
    let users: Vec<String> = (0..30).map(|i| format!("u{i}")).collect();
    // 40 × 30 = 1,200 rows, over the default cap of 1,000; the next has 2.
    let rows = vec![
        row(
            "big",
            json!({"analytics.tags": tags, "user.server_username": users}),
        ),
        row(
            "small",
            json!({"analytics.tags": ["a", "b"], "user.server_username": "x"}),
        ),
    ];
    let columns = session_columns(&["analytics.tags", "user.server_username"]).expect("columns");
    let (text, exporter) = export(&rows, CsvOptions::new(columns.clone()));
    assert_eq!(DEFAULT_MAX_ROWS_PER_SESSION, 1_000);
    assert_eq!(exporter.sessions_written(), 2);
    assert_eq!(exporter.rows_written(), 1_002);
    assert_eq!(text.lines().count(), 1 + 1_002);
    let cut = exporter.expansion_cut().expect("a warning");
    assert_eq!((cut.sessions, cut.rows_dropped, cut.limit), (1, 200, 1_000));
    let message = cut.to_string();
    assert!(
        message.contains("1 session had more than 1000 rows"),
        "{message}"
    );
    assert!(message.contains("200 rows left out"), "{message}");
    // The first rows of the product come first, as without the cap.
    assert!(text.contains("\"big\",\"t0\",\"u0\"\r\n\"big\",\"t0\",\"u1\""));
    assert!(text.contains("\"small\",\"b\",\"x\"\r\n"));

    // A limit of our own.
    let options = CsvOptions {
        max_rows_per_session: Some(10),
        ..CsvOptions::new(columns.clone())
    };
    let (_, exporter) = export(&rows, options);
    assert_eq!(exporter.rows_written(), 12);
    let cut = exporter.expansion_cut().expect("a warning");
    assert_eq!((cut.sessions, cut.rows_dropped, cut.limit), (1, 1_190, 10));

    // No limit (as SPS): every row, no warning.
    let (_, exporter) = export(&rows, CsvOptions::sps_compatible(columns.clone()));
    assert_eq!(exporter.rows_written(), 1_202);
    assert_eq!(exporter.expansion_cut(), None);

    // Joined: one row each, nothing cut.
    let options = CsvOptions {
        multi_value: MultiValue::Join,
        max_rows_per_session: Some(1),
        ..CsvOptions::new(columns)
    };
    let (_, exporter) = export(&rows, options);
    assert_eq!(exporter.rows_written(), 2);
    assert_eq!(exporter.expansion_cut(), None);
}

#[test]
fn a_product_past_u64_is_cut_without_overflow() {
    // Eight columns of 300 values each: 300^8 rows, far past what anyone writes.
    let values: Vec<String> = (0..300).map(|i| i.to_string()).collect();
    let body: serde_json::Map<String, serde_json::Value> =
        (0..8).map(|c| (format!("f{c}"), json!(values))).collect();
    let rows = vec![row("huge", serde_json::Value::Object(body))];
    let columns = (0..8)
        .map(|c| CsvColumn::new(format!("f{c}"), format!("F{c}")))
        .collect();
    let (_, exporter) = export(&rows, CsvOptions::new(columns));
    assert_eq!(exporter.rows_written(), 1_000);
    let cut = exporter.expansion_cut().expect("a warning");
    assert_eq!(cut.sessions, 1);
    assert_eq!(cut.rows_dropped, 300u64.pow(7).saturating_mul(300) - 1_000);
}
