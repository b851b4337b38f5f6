//! CSV exports of the hostile corpus through a real spreadsheet: LibreOffice
//! Calc, headless, importing with formula evaluation and space trimming on.
//! No guarded cell may come out as a formula, plain numbers must stay
//! numbers, and a control cell written without the guard must come out as a
//! formula (which proves the harness sees formulas at all).
//!
//! Needs `soffice` (Debian's `libreoffice-calc-nogui`). Without it the test
//! prints "skipped: soffice not installed" and passes, unless
//! `SPS_REQUIRE_SPREADSHEET=1` is set (the full test command sets it), when
//! it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use regex::Regex;
use serde_json::json;
use sps_core::export::session_columns;
use sps_core::{CsvExporter, CsvOptions, SessionExporter as _, SessionRow};
use sps_sim::hostile;

/// LibreOffice's CSV import options: comma, `"`, UTF-8, start at row 1, no
/// column formats, language default, quoted fields as text off, detect
/// special numbers on, …, 11th token trim spaces on, 13th evaluate formulas on.
const INFILTER: &str = "CSV:44,34,76,1,,0,false,true,false,false,true,-1,true";

/// The most one conversion may take before the test gives up on it.
const CONVERT_TIMEOUT: Duration = Duration::from_secs(60);

/// Cells that lean on the guard's edges: leading white space or invisible
/// characters before a trigger, and full-width or look-alike triggers.
const EDGE_CASES: &[&str] = &[
    " =1+1",
    "   +1+1",
    "\u{A0}=1+1",
    "\u{3000}=1+1",
    "\u{3000}@SUM(1)",
    " -2+3",
    "\n=1+1",
    "\u{200B}=1+1",
    "\u{FEFF}=1+1",
    "\u{FF1D}1+1",
    "\u{FF0B}1+1",
    "\u{FF0D}2+3",
    "\u{FF20}SUM(1)",
    "\u{2212}2+3",
    "\u{FE66}1+1",
    "=1+1",
    "+1",
    "-",
    "=",
    "@",
];

/// Cells a spreadsheet must read as numbers after the export.
const PLAIN_NUMBERS: &[&str] = &["42", "-7", "3.5", "-0.25", "1e5", "+3"];

fn soffice() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("soffice"))
        .find(|p| p.is_file())
}

fn row(key: &str, value: &str) -> SessionRow {
    serde_json::from_value(json!({"key": key, "body": {"user.gateway_username": value}}))
        .expect("a session row")
}

/// A spreadsheet cell as the `.fods` gives it.
#[derive(Debug, Clone)]
struct Cell {
    formula: Option<String>,
    value_type: Option<String>,
    text: String,
}

/// The rows of the first table of a flat OpenDocument spreadsheet.
fn fods_rows(xml: &str) -> Vec<Vec<Cell>> {
    let row_re = Regex::new(r"(?s)<table:table-row\b([^>]*?)(?:/>|>(.*?)</table:table-row>)")
        .expect("regex");
    let cell_re = Regex::new(
        r"(?s)<table:(?:covered-)?table-cell\b([^>]*?)(?:/>|>(.*?)</table:(?:covered-)?table-cell>)",
    )
    .expect("regex");
    let attr = |attrs: &str, name: &str| -> Option<String> {
        let re = Regex::new(&format!(r#"\b{}="([^"]*)""#, regex::escape(name))).expect("regex");
        re.captures(attrs).map(|c| c[1].to_owned())
    };
    let tags = Regex::new(r"<[^>]*>").expect("regex");
    let table_end = xml.find("</table:table>").unwrap_or(xml.len());
    let mut rows = Vec::new();
    for r in row_re.captures_iter(&xml[..table_end]) {
        let repeat: usize = attr(&r[1], "table:number-rows-repeated")
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        let inner = r.get(2).map_or("", |m| m.as_str());
        let mut cells = Vec::new();
        for c in cell_re.captures_iter(inner) {
            let times: usize = attr(&c[1], "table:number-columns-repeated")
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let cell = Cell {
                formula: attr(&c[1], "table:formula"),
                value_type: attr(&c[1], "office:value-type"),
                text: tags
                    .replace_all(c.get(2).map_or("", |m| m.as_str()), " ")
                    .trim()
                    .to_owned(),
            };
            // Runs of empty cells are written once with a repeat count.
            cells.extend(std::iter::repeat_n(cell, times.min(64)));
        }
        // Trailing empty rows come as one row repeated many times.
        rows.extend(std::iter::repeat_n(cells, repeat.min(2)));
    }
    rows
}

/// Runs `soffice` on `csv`, returning the `.fods` text.
fn convert(soffice: &Path, dir: &Path, name: &str, csv: &[u8]) -> String {
    let input = dir.join(format!("{name}.csv"));
    std::fs::write(&input, csv).expect("write the CSV");
    let out_dir = dir.join("out");
    // A profile of our own: soffice refuses to share one, and as root with
    // the default HOME it may not find a writable one.
    let profile = format!("file://{}", dir.join("profile").display());
    let mut child = Command::new(soffice)
        .env("HOME", dir)
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--norestore", "--nolockcheck"])
        .arg(format!("--infilter={INFILTER}"))
        .args(["--convert-to", "fods", "--outdir"])
        .arg(&out_dir)
        .arg(&input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start soffice");
    let started = Instant::now();
    loop {
        match child.try_wait().expect("wait for soffice") {
            Some(status) => {
                let output = child.wait_with_output().expect("soffice output");
                assert!(
                    status.success(),
                    "soffice failed ({status}): {}{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                );
                break;
            }
            None if started.elapsed() > CONVERT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("soffice took more than {CONVERT_TIMEOUT:?} to convert {name}.csv");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    let fods = out_dir.join(format!("{name}.fods"));
    std::fs::read_to_string(&fods)
        .unwrap_or_else(|e| panic!("soffice wrote no {}: {e}", fods.display()))
}

/// The values every export carries, the index of the first plain number.
fn corpus() -> (Vec<&'static str>, usize) {
    let mut values: Vec<&str> = hostile::CSV_FORMULAS
        .iter()
        .chain(hostile::UNICODE)
        .chain(hostile::xss())
        .chain(EDGE_CASES)
        .copied()
        .collect();
    let first_number = values.len();
    values.extend(PLAIN_NUMBERS);
    (values, first_number)
}

fn rows(values: &[&str]) -> Vec<SessionRow> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| row(&format!("k{i}"), v))
        .collect()
}

/// A fresh directory for one conversion (its own soffice profile too).
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sps-spreadsheet-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    ));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    dir
}

/// Converts `csv` (the corpus's export, then the unguarded control row) and
/// checks the sheet; returns the cells checked and the control's formula.
fn check_in_libreoffice(soffice: &Path, name: &str, mut csv: Vec<u8>) -> (usize, String) {
    let (values, first_number) = corpus();
    // The control, not guarded: written by hand after the export.
    if !csv.ends_with(b"\n") {
        csv.extend_from_slice(b"\r\n");
    }
    csv.extend_from_slice(b"\"control\",\"=1+1\"\r\n");
    let dir = scratch(name);
    let xml = convert(soffice, &dir, name, &csv);
    let _ = std::fs::remove_dir_all(&dir);

    let sheet = fods_rows(&xml);
    // Header, one row per value, the control (trailing empty rows may follow).
    assert!(
        sheet.len() > values.len() + 1,
        "{name}: expected {} rows in the sheet, found {}",
        values.len() + 2,
        sheet.len()
    );
    let control = &sheet[values.len() + 1];
    assert_eq!(control.first().map(|c| c.text.as_str()), Some("control"));
    let control_formula = control.get(1).and_then(|c| c.formula.clone());
    let Some(control_formula) = control_formula else {
        panic!(
            "{name}: the unguarded control `=1+1` did not become a formula, so this \
             test cannot see formulas: {control:?}"
        );
    };

    let mut checked = 0;
    let mut formulas = Vec::new();
    for (r, cells) in sheet.iter().take(values.len() + 1).enumerate() {
        for (c, cell) in cells.iter().take(2).enumerate() {
            checked += 1;
            if let Some(formula) = &cell.formula {
                let given = if r == 0 { "(header)" } else { values[r - 1] };
                formulas.push(format!("row {r} column {c}: {given:?} became {formula}"));
            }
        }
    }
    assert!(
        formulas.is_empty(),
        "{name}: guarded cells became formulas:\n{}",
        formulas.join("\n")
    );
    let mut not_numbers = Vec::new();
    for (i, number) in PLAIN_NUMBERS.iter().enumerate() {
        let cell = sheet[first_number + i + 1].get(1);
        if cell.and_then(|c| c.value_type.as_deref()) != Some("float") {
            not_numbers.push(format!("{number:?} became {cell:?}"));
        }
    }
    assert!(
        not_numbers.is_empty(),
        "{name}: plain numbers did not stay numbers:\n{}",
        not_numbers.join("\n")
    );
    (checked, control_formula)
}

/// The npm package's `toCsv` of the same rows, when the package is built
/// (`cargo xtask npm`) and Node is there; `None` otherwise.
fn npm_csv(values: &[&str]) -> Option<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let index = root.join("npm/index.js");
    if !root.join("npm/pkg/spsview_core_bg.wasm").is_file() {
        return None;
    }
    let rows = serde_json::to_string(&rows(values)).ok()?;
    let dir = scratch("npm-input");
    let input = dir.join("rows.json");
    std::fs::write(&input, rows).ok()?;
    let script = format!(
        "import {{ readFileSync }} from 'node:fs';\n\
         const {{ toCsv }} = await import({index:?});\n\
         const rows = JSON.parse(readFileSync({input:?}, 'utf8'));\n\
         process.stdout.write(await toCsv(rows, {{ fields: ['user.gateway_username'] }}));\n",
        index = format!("file://{}", index.display()),
        input = input.display().to_string(),
    );
    let output = Command::new("node")
        .args(["--input-type=module", "-e", &script])
        .output()
        .ok();
    let _ = std::fs::remove_dir_all(&dir);
    let output = output?;
    assert!(
        output.status.success(),
        "the npm package's toCsv failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(output.stdout)
}

/// LibreOffice's `soffice`, or `None` (and the test skips) when it is absent
/// and the test command did not ask for it.
fn required_soffice() -> Option<PathBuf> {
    let found = soffice();
    if found.is_none() {
        assert!(
            std::env::var("SPS_REQUIRE_SPREADSHEET").as_deref() != Ok("1"),
            "SPS_REQUIRE_SPREADSHEET=1 but soffice is not on PATH: install \
             libreoffice-calc-nogui (apt-get install -y libreoffice-calc-nogui)"
        );
        println!("skipped: soffice not installed");
    }
    found
}

#[test]
fn hostile_exports_stay_text_in_libreoffice() {
    let Some(soffice) = required_soffice() else {
        return;
    };
    let started = Instant::now();
    let (values, _) = corpus();

    // sps-core's CSV writer, as the viewer uses it.
    let columns = session_columns(&["user.gateway_username"]).expect("columns");
    let mut exporter = CsvExporter::new(Vec::new(), CsvOptions::new(columns)).expect("header");
    exporter.write_page(&rows(&values)).expect("rows");
    let csv = exporter.finish().expect("finish");
    let (checked, control) = check_in_libreoffice(&soffice, "native", csv);
    println!(
        "spreadsheet (sps-core): {checked} cells checked ({} values, {} plain numbers stayed \
         numbers), no formula; control `=1+1` became `{control}`; {:.1} s",
        values.len(),
        PLAIN_NUMBERS.len(),
        started.elapsed().as_secs_f64(),
    );
}

/// The npm package's `toCsv` (the same guard, through wasm). The native test
/// run comes before `cargo xtask test` builds the package, so the test command
/// runs this test again once it is built, with `SPS_REQUIRE_NPM_PKG=1`.
#[test]
fn npm_to_csv_stays_text_in_libreoffice() {
    let Some(soffice) = required_soffice() else {
        return;
    };
    let started = Instant::now();
    let (values, _) = corpus();
    match npm_csv(&values) {
        Some(csv) => {
            let (checked, control) = check_in_libreoffice(&soffice, "npm", csv);
            println!(
                "spreadsheet (npm toCsv): {checked} cells checked, no formula; control \
                 `=1+1` became `{control}`; {:.1} s",
                started.elapsed().as_secs_f64(),
            );
        }
        None => {
            assert!(
                std::env::var("SPS_REQUIRE_NPM_PKG").as_deref() != Ok("1"),
                "SPS_REQUIRE_NPM_PKG=1 but npm/pkg is not built"
            );
            println!("spreadsheet (npm toCsv): skipped, npm/pkg is not built");
        }
    }
}
