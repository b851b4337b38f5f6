//! `cargo xtask bench`: every benchmark in one run, with the figures that are
//! compared measured side by side in that same run (so ratios hold on any
//! machine), written to `target/bench/results.json` and `target/bench/results.md`.
//!
//! 1. native criterion benches: CSV export of 100,000 sessions, and `fetch_all`
//!    with 1 vs 4 pages in flight;
//! 2. the wasm bench page (`crate-bench`, `bench/page/`) in headless Chromium:
//!    decoding a 500-session page in wasm vs `JSON.parse`, CSV export in wasm;
//! 3. the viewer's sessions table against 100,000 simulated sessions;
//! 4. bundle sizes of the release viewer and the npm package, against budgets,
//!    what their code is spent on, and the smallest Leptos app shaped like the viewer;
//! 5. `sps-gateway` under load: 200 concurrent clients for 60 s listing
//!    sessions directly from the simulator, then through the gateway in front
//!    of it, in one run (crate-gateway/examples/load.rs): p50/p99 of both, the
//!    gateway's added latency, and no failed request.

use crate::run::{output_of, run, run_scanned, workspace_root};
use crate::tools::{ensure_test_tools, Toolchain};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Target for the release viewer (wasm + js + css, gzip -9, bytes; kB = 1000 B),
/// as the benchmarks issue sets it. Not met yet: reported, not enforced.
pub const VIEWER_BUDGET_GZ: u64 = 350_000;
/// Target for the npm package's core (wasm + js glue), gzip -9, bytes. Not met yet.
pub const NPM_BUDGET_GZ: u64 = 120_000;
/// What `cargo xtask test` enforces until the targets are met: today's size
/// plus a little, so that growth fails the tests. The viewer was 593.8 kB
/// before the security work of 2026-12-03 and 643.4 kB after it (regex-lite
/// for linear-time highlighting +16.4 kB, virtualised events/alerts tables,
/// the visible marks for hidden characters and the notices for crafted links
/// +20.7 kB, timeouts, reply limits and streaming export +12.5 kB), 653.9 kB
/// after the architecture work (base64, httpdate, strsim), 694.7 kB with the
/// alerts page and sps-core's stats/histogram models (+40.8 kB) and 733.1 kB
/// with the statistics page, its flow picture and the histogram endpoint
/// (+38.4 kB); so the ceiling is 745 kB. The performance issue's goal of
/// 600 kB is not met.
/// Why the targets are out of reach is in the README's Performance section
/// (the code-by-crate table of `cargo xtask bench`).
pub const VIEWER_CEILING_GZ: u64 = 745_000;
/// The npm package's enforced ceiling (see [`VIEWER_CEILING_GZ`]): 264.1 kB
/// on 2026-12-03 after the SPS 7.3–8.2 field catalogue, 270.5 kB after the
/// transport's timeout, size and redirect handling, 277.6 kB after base64,
/// httpdate (`Retry-After` dates) and strsim replaced hand-written code,
/// 281.1 kB with the page walks of a session's sub-lists, 295.2 kB with
/// `stats` by sub field and `histogram` (their models, decoders, bin
/// arithmetic and bindings); plus about 1.5 %.
pub const NPM_CEILING_GZ: u64 = 300_000;

/// Options of `cargo xtask bench`.
#[derive(clap::Args)]
pub struct BenchArgs {
    /// Sessions the simulator generates for the table bench.
    #[arg(long, default_value_t = 100_000)]
    sessions: u64,
    /// Only print the table again from the last run's target/bench/results.json.
    #[arg(long)]
    report_only: bool,
    /// Only the gateway load test; its figures replace `gateway_load` in
    /// target/bench/results.json (the rest of the file is kept).
    #[arg(long)]
    gateway_only: bool,
    /// Concurrent clients of the gateway load test.
    #[arg(long, default_value_t = 200)]
    gateway_clients: u64,
    /// Seconds of each phase (direct, through the gateway) of the load test.
    #[arg(long, default_value_t = 60)]
    gateway_seconds: u64,
}

/// Runs every bench and prints the markdown table.
pub fn bench(args: &BenchArgs) -> Result<ExitCode, String> {
    let root = workspace_root();
    let out_dir = crate::run::target_dir().join("bench");
    if args.report_only {
        let table = markdown(&read_json(&out_dir.join("results.json"))?);
        write(&out_dir.join("results.md"), &table)?;
        println!("{table}");
        return Ok(ExitCode::SUCCESS);
    }
    std::fs::create_dir_all(&out_dir)
        .map_err(|err| format!("cannot create {}: {err}", out_dir.display()))?;
    if args.gateway_only {
        let load = gateway_load(&root, args.gateway_clients, args.gateway_seconds)?;
        let path = out_dir.join("results.json");
        let mut results = read_json(&path).unwrap_or_else(|_| json!({}));
        results["gateway_load"] = load;
        let text = serde_json::to_string_pretty(&results)
            .map_err(|err| format!("cannot encode results: {err}"))?;
        write(&path, &text)?;
        let rows = gateway_rows(&results["gateway_load"]);
        println!("\n{}", table_of(rows));
        println!("xtask: wrote gateway_load into target/bench/results.json");
        return Ok(ExitCode::SUCCESS);
    }
    let toolchain = ensure_test_tools()?;

    // Native first: they want the machine to themselves more than the browser
    // figures do (those are ratios within one page).
    let csv = native_csv(&root)?;
    let fetch = native_fetch_all(&root)?;
    let simulator = native_simulator(&root)?;

    let started = Instant::now();
    build_viewer_release(&toolchain)?;
    let trunk_secs = started.elapsed().as_secs_f64();
    println!("xtask: trunk build --release took {trunk_secs:.0} s");

    build_bench_wasm(&toolchain, &out_dir)?;
    let site = stage_site(&root, &out_dir)?;
    run(Command::new("cargo")
        .args(["build", "--release", "--package", "sps-sim"])
        .current_dir(&root))?;
    let browser_json = out_dir.join("browser.json");
    let _ = std::fs::remove_file(&browser_json);
    let mut node = toolchain.command("node");
    node.arg(root.join("bench").join("run.mjs"))
        .env(
            "SPS_SIM_BIN",
            crate::run::target_dir().join("release/sps-sim"),
        )
        .env("SPS_DIST", &site)
        .env("CHROMIUM", crate::run::chromium())
        .env("BENCH_SESSIONS", args.sessions.to_string())
        .env("BENCH_OUT", &browser_json);
    run(&mut node)?;
    let browser = read_json(&browser_json)?;

    let viewer = measure_bundle(&root.join("dist"))?;
    crate::npm::build_npm(&toolchain)?;
    let npm = measure_npm(&root)?;
    let npm_note = "npm/pkg + npm/index.js (cargo xtask npm)";
    let shares = code_shares_and_floor(&toolchain, &out_dir)?;
    let gateway = gateway_load(&root, args.gateway_clients, args.gateway_seconds)?;

    let results = json!({
        "native_csv": csv,
        "fetch_all": fetch,
        "simulator": simulator,
        "browser": browser,
        "bundles": {
            "viewer": bundle_json(&viewer, VIEWER_BUDGET_GZ),
            "npm": { "source": npm_note, "sizes": bundle_json(&npm, NPM_BUDGET_GZ) },
        },
        "code_shares": shares,
        "gateway_load": gateway,
        "trunk_build_release_s": trunk_secs,
        "machine": { "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0) },
    });
    let text = serde_json::to_string_pretty(&results)
        .map_err(|err| format!("cannot encode results: {err}"))?;
    write(&out_dir.join("results.json"), &text)?;
    let table = markdown(&results);
    write(&out_dir.join("results.md"), &table)?;
    println!("\n{table}");
    println!("xtask: wrote target/bench/results.json and target/bench/results.md");
    Ok(ExitCode::SUCCESS)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|err| format!("cannot write {}: {err}", path.display()))
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    serde_json::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))
}

/// The criterion names of the CSV bench (`crate-bench/benches/csv_export.rs`).
const CSV_FUNCTIONS: [&str; 4] = [
    "viewer_full_sessions",
    "sps_full_sessions",
    "viewer_sparse_rows",
    "sps_sparse_rows",
];

/// Runs the native CSV bench and reads criterion's medians and byte counts.
fn native_csv(root: &Path) -> Result<Value, String> {
    run(Command::new("cargo")
        .args(["bench", "--package", "sps-bench"])
        .args([
            "--bench",
            "csv_export",
            "--",
            "--warm-up-time",
            "1",
            "--measurement-time",
            "5",
        ])
        .current_dir(root))?;
    let mut out = serde_json::Map::new();
    for name in CSV_FUNCTIONS {
        let dir = crate::run::target_dir()
            .join("criterion/csv_export_100k")
            .join(name)
            .join("new");
        let estimates = read_json(&dir.join("estimates.json"))?;
        let meta = read_json(&dir.join("benchmark.json"))?;
        let median_ns = estimates["median"]["point_estimate"]
            .as_f64()
            .ok_or_else(|| format!("{name}: no median in criterion's estimates"))?;
        let bytes = meta["throughput"]["Bytes"]
            .as_u64()
            .ok_or_else(|| format!("{name}: no byte throughput in criterion's benchmark.json"))?;
        out.insert(
            name.to_owned(),
            json!({
                "median_ms": median_ns / 1e6,
                "bytes": bytes,
                "mb_per_s": bytes as f64 / (median_ns / 1e9) / 1e6,
            }),
        );
    }
    Ok(Value::Object(out))
}

/// Runs the gateway load test (release build) and reads its
/// `gateway_load {json}` line; fails when any request failed.
fn gateway_load(root: &Path, clients: u64, seconds: u64) -> Result<Value, String> {
    let (ok, lines) = run_scanned(
        Command::new("cargo")
            .args([
                "run",
                "--release",
                "--package",
                "sps-gateway",
                "--example",
                "load",
                "--",
            ])
            .args(["--clients", &clients.to_string()])
            .args(["--seconds", &seconds.to_string()])
            .current_dir(root),
    )?;
    let result = lines
        .iter()
        .find_map(|line| line.trim().strip_prefix("gateway_load "))
        .ok_or("the gateway load test printed no result line")?;
    let value: Value = serde_json::from_str(result)
        .map_err(|err| format!("cannot read the gateway load result: {err}"))?;
    if !ok {
        return Err(format!(
            "the gateway load test had failed requests: {value}"
        ));
    }
    Ok(value)
}

/// A markdown table of benchmark rows.
fn table_of(rows: Vec<[String; 4]>) -> String {
    let mut text =
        String::from("| Benchmark | Result | Side by side | Ratio |\n|---|---|---|---|\n");
    for row in rows {
        text.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            row[0], row[1], row[2], row[3]
        ));
    }
    text
}

/// The table rows of the gateway load test.
fn gateway_rows(g: &Value) -> Vec<[String; 4]> {
    if g.is_null() {
        return Vec::new();
    }
    let f = |v: &Value| match v.as_f64() {
        Some(x) => format!("{x:.2}"),
        None => "n/a".to_owned(),
    };
    let (d, w) = (&g["direct"], &g["gateway"]);
    let title = format!(
        "sps-gateway: {} clients × {} s listing 20 sessions, through the gateway vs the simulator directly (p50 / p99)",
        g["clients"].as_u64().unwrap_or(0),
        g["seconds"].as_u64().unwrap_or(0)
    );
    vec![
        [
            title,
            format!("{} / {} ms", f(&w["p50_ms"]), f(&w["p99_ms"])),
            format!("direct: {} / {} ms", f(&d["p50_ms"]), f(&d["p99_ms"])),
            format!("+{} / +{} ms", f(&g["added_p50_ms"]), f(&g["added_p99_ms"])),
        ],
        [
            "sps-gateway load: requests, failures".to_owned(),
            format!(
                "{} requests ({:.0}/s), {} failed",
                w["requests"].as_u64().unwrap_or(0),
                w["rps"].as_f64().unwrap_or(0.0),
                w["failures"].as_u64().unwrap_or(0)
            ),
            format!(
                "direct: {} requests ({:.0}/s), {} failed",
                d["requests"].as_u64().unwrap_or(0),
                d["rps"].as_f64().unwrap_or(0.0),
                d["failures"].as_u64().unwrap_or(0)
            ),
            String::new(),
        ],
    ]
}

/// Runs the `fetch_all` bench and reads its side-by-side lines
/// (`fetch_all 10000 sessions, 20 ms latency: 1 in flight 1.2s, 4 in flight 350.1ms, ratio 3.43x`).
fn native_fetch_all(root: &Path) -> Result<Value, String> {
    let (ok, lines) = run_scanned(
        Command::new("cargo")
            .args(["bench", "--package", "sps-sim", "--bench", "fetch_all"])
            .args(["--", "--warm-up-time", "1"])
            .current_dir(root),
    )?;
    if !ok {
        return Err("the fetch_all bench failed".to_owned());
    }
    let rows: Vec<Value> = lines
        .iter()
        .filter_map(|line| parse_fetch_line(line))
        .collect();
    if rows.is_empty() {
        return Err("the fetch_all bench printed no side-by-side line".to_owned());
    }
    Ok(Value::Array(rows))
}

/// Runs the simulator's own bench (answer times over 100,000 sessions) and
/// reads its median lines (`simulator page_500_full: 9.2 ms median, 931000 bytes`,
/// `simulator generate: 100000 sessions in 210.0 ms`).
fn native_simulator(root: &Path) -> Result<Value, String> {
    let (ok, lines) = run_scanned(
        Command::new("cargo")
            .args(["bench", "--package", "sps-sim", "--bench", "serve"])
            .args(["--", "--warm-up-time", "1"])
            .current_dir(root),
    )?;
    if !ok {
        return Err("the simulator bench failed".to_owned());
    }
    let rows: Vec<Value> = lines
        .iter()
        .filter_map(|line| parse_simulator_line(line))
        .collect();
    if rows.is_empty() {
        return Err("the simulator bench printed no median line".to_owned());
    }
    Ok(Value::Array(rows))
}

fn parse_simulator_line(line: &str) -> Option<Value> {
    let rest = line.trim().strip_prefix("simulator ")?;
    if let Some(rest) = rest.strip_prefix("generate: ") {
        let (sessions, ms) = rest.split_once(" sessions in ")?;
        return Some(json!({
            "what": format!("generate {sessions} sessions"),
            "ms": ms.strip_suffix(" ms")?.parse::<f64>().ok()?,
        }));
    }
    let (name, rest) = rest.split_once(": ")?;
    let (ms, bytes) = rest.split_once(" ms median, ")?;
    Some(json!({
        "what": name,
        "ms": ms.parse::<f64>().ok()?,
        "bytes": bytes.strip_suffix(" bytes")?.parse::<u64>().ok()?,
    }))
}

fn parse_fetch_line(line: &str) -> Option<Value> {
    let rest = line.trim().strip_prefix("fetch_all ")?;
    let (sessions, rest) = rest.split_once(" sessions, ")?;
    let (latency, rest) = rest.split_once(" ms latency: 1 in flight ")?;
    let (one, rest) = rest.split_once(", 4 in flight ")?;
    let (four, ratio) = rest.split_once(", ratio ")?;
    Some(json!({
        "sessions": sessions.parse::<u64>().ok()?,
        "latency_ms": latency.parse::<u64>().ok()?,
        "one_in_flight_ms": parse_duration_ms(one)?,
        "four_in_flight_ms": parse_duration_ms(four)?,
        "ratio": ratio.trim_end_matches('x').parse::<f64>().ok()?,
    }))
}

/// Reads a `Duration`'s `Debug` text (`1.2s`, `350.1ms`, `80.0µs`) as milliseconds.
fn parse_duration_ms(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let factor = match unit {
        "s" => 1e3,
        "ms" => 1.0,
        "µs" | "us" => 1e-3,
        "ns" => 1e-6,
        _ => return None,
    };
    Some(value * factor)
}

/// `trunk build --release`: the viewer in the `wasm-release` profile into dist/.
pub fn build_viewer_release(toolchain: &Toolchain) -> Result<(), String> {
    let mut trunk = toolchain.command("trunk");
    trunk
        .args(["build", "--release"])
        .env("TRUNK_OFFLINE", "true");
    run(&mut trunk)
}

/// Builds `crate-bench` for the browser into target/bench/wasm/.
fn build_bench_wasm(toolchain: &Toolchain, out_dir: &Path) -> Result<(), String> {
    let wasm = build_wasm_package(toolchain, "sps-bench", &out_dir.join("wasm"))?;
    println!("xtask: bench wasm {} bytes", file_size(&wasm));
    Ok(())
}

/// `cargo build` of a cdylib package for wasm32 with the `wasm-release` profile,
/// then `wasm-bindgen --target web` and `wasm-opt -Oz` (as Trunk does for the
/// viewer). Returns the final `.wasm` path.
fn build_wasm_package(toolchain: &Toolchain, package: &str, out: &Path) -> Result<PathBuf, String> {
    let mut cargo = toolchain.command("cargo");
    cargo
        .args(["build", "--package", package, "--profile", "wasm-release"])
        .args(["--target", "wasm32-unknown-unknown"]);
    run(&mut cargo)?;
    let input = wasm_release_dir().join(format!("{}.wasm", package.replace('-', "_")));
    let wasm = bindgen(toolchain, &input, out)?;
    optimise(toolchain, &wasm)?;
    Ok(wasm)
}

fn wasm_release_dir() -> PathBuf {
    crate::run::target_dir().join("wasm32-unknown-unknown/wasm-release")
}

/// `wasm-bindgen --target web` of `input` into a fresh `out`; returns the
/// `_bg.wasm`, which still has its function names.
fn bindgen(toolchain: &Toolchain, input: &Path, out: &Path) -> Result<PathBuf, String> {
    let _ = std::fs::remove_dir_all(out);
    run(toolchain
        .command("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(out)
        .arg(input))?;
    let stem = input
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(out.join(format!("{stem}_bg.wasm")))
}

/// `wasm-opt -Oz` in place, with the features rustc's wasm32 target emits.
fn optimise(toolchain: &Toolchain, wasm: &Path) -> Result<(), String> {
    if output_of(toolchain.command("wasm-opt").arg("--version")).is_none() {
        return Err(format!(
            "wasm-opt is not on PATH: {} cannot be size-optimised (run npm ci)",
            wasm.display()
        ));
    }
    run(toolchain
        .command("wasm-opt")
        .arg("-Oz")
        .args(crate::npm::WASM_FEATURES)
        .arg(wasm)
        .arg("-o")
        .arg(wasm))
}

/// What the bundles spend their code on (see `wasm_share.rs`), and the size of
/// the smallest Leptos app shaped like the viewer (`crate-web/examples/leptos_floor.rs`):
/// the part of the viewer's budget that Leptos, its router, gloo-net and serde
/// take before any spsview code. Needs the release viewer and the npm build.
fn code_shares_and_floor(toolchain: &Toolchain, out_dir: &Path) -> Result<Value, String> {
    let names = out_dir.join("names");
    let viewer = bindgen(
        toolchain,
        &wasm_release_dir().join("sps-web.wasm"),
        &names.join("viewer"),
    )?;
    let npm = bindgen(
        toolchain,
        &wasm_release_dir().join("sps_core.wasm"),
        &names.join("npm"),
    )?;
    run(toolchain
        .command("cargo")
        .args(["build", "--package", "sps-web", "--example", "leptos_floor"])
        .args([
            "--profile",
            "wasm-release",
            "--target",
            "wasm32-unknown-unknown",
        ]))?;
    let floor_dir = out_dir.join("leptos_floor");
    let floor = bindgen(
        toolchain,
        &wasm_release_dir()
            .join("examples")
            .join("leptos_floor.wasm"),
        &floor_dir,
    )?;
    let floor_shares = shares_json(&crate::wasm_share::code_shares(&floor)?);
    optimise(toolchain, &floor)?;
    let floor_sizes = measure_bundle(&floor_dir)?;
    Ok(json!({
        "viewer": shares_json(&crate::wasm_share::code_shares(&viewer)?),
        "npm": shares_json(&crate::wasm_share::code_shares(&npm)?),
        "floor": { "shares": floor_shares, "sizes": bundle_json(&floor_sizes, VIEWER_BUDGET_GZ) },
    }))
}

fn shares_json(shares: &crate::wasm_share::CodeShares) -> Value {
    json!({
        "total": shares.total,
        "groups": shares.groups.iter().map(|(group, bytes)| json!({"group": group, "bytes": bytes})).collect::<Vec<_>>(),
    })
}

/// The page the browser bench loads: the release viewer at `/` and the bench
/// page with its wasm at `/bench/`, so one simulator serves both.
fn stage_site(root: &Path, out_dir: &Path) -> Result<PathBuf, String> {
    let site = out_dir.join("site");
    let _ = std::fs::remove_dir_all(&site);
    copy_dir(&root.join("dist"), &site)?;
    copy_dir(&root.join("bench").join("page"), &site.join("bench"))?;
    copy_dir(&out_dir.join("wasm"), &site.join("bench").join("wasm"))?;
    Ok(site)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|err| format!("cannot create {}: {err}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|err| format!("cannot list {}: {err}", from.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)
                .map_err(|err| format!("cannot copy {}: {err}", path.display()))?;
        }
    }
    Ok(())
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// One shipped file: name, raw size, gzip -9 size.
pub struct BundleFile {
    /// Path relative to the bundle's directory.
    pub name: String,
    /// Bytes on disk.
    pub raw: u64,
    /// Bytes after `gzip -9` (what a server with compression sends).
    pub gzip: u64,
}

/// The shipped files of a bundle directory (`.wasm`, `.js`, `.mjs`, `.css`).
pub struct Bundle {
    /// The directory measured.
    pub dir: PathBuf,
    /// Every counted file.
    pub files: Vec<BundleFile>,
}

impl Bundle {
    /// Sum of raw sizes.
    pub fn raw(&self) -> u64 {
        self.files.iter().map(|f| f.raw).sum()
    }

    /// Sum of gzip sizes (each file compressed on its own, as served).
    pub fn gzip(&self) -> u64 {
        self.files.iter().map(|f| f.gzip).sum()
    }

    /// Sum of gzip sizes of the files with this extension.
    fn gzip_of(&self, ext: &str) -> u64 {
        self.files
            .iter()
            .filter(|f| f.name.ends_with(ext))
            .map(|f| f.gzip)
            .sum()
    }
}

/// Measures every shipped file under `dir` (TypeScript declarations, maps and
/// package metadata are not downloaded by a browser, so they are not counted).
pub fn measure_bundle(dir: &Path) -> Result<Bundle, String> {
    let mut files = Vec::new();
    collect_files(dir, dir, &mut files)?;
    files.sort_by(|a, b| a.name.cmp(&b.name));
    if files.is_empty() {
        return Err(format!("no .wasm/.js/.css files in {}", dir.display()));
    }
    Ok(Bundle {
        dir: dir.to_path_buf(),
        files,
    })
}

fn collect_files(base: &Path, dir: &Path, files: &mut Vec<BundleFile>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|err| format!("cannot list {}: {err}", dir.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            // Not shipped: an npm package's node_modules, and Trunk's `.stage`
            // (present while another build is writing dist/).
            let name = entry.file_name();
            if name != "node_modules" && !name.to_string_lossy().starts_with('.') {
                collect_files(base, &path, files)?;
            }
            continue;
        }
        let name = path
            .strip_prefix(base)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        let shipped = [".wasm", ".js", ".mjs", ".cjs", ".css"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if !shipped || name.ends_with(".d.ts") {
            continue;
        }
        files.push(BundleFile {
            raw: file_size(&path),
            gzip: gzip_size(&path)?,
            name,
        });
    }
    Ok(())
}

/// Size of `gzip -9` output: the compression a static server would apply.
fn gzip_size(path: &Path) -> Result<u64, String> {
    let output = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|err| format!("cannot run gzip: {err}"))?;
    if !output.status.success() {
        return Err(format!("gzip failed on {}", path.display()));
    }
    Ok(output.stdout.len() as u64)
}

fn bundle_json(bundle: &Bundle, budget: u64) -> Value {
    json!({
        "dir": bundle.dir.display().to_string(),
        "files": bundle.files.iter().map(|f| json!({"name": f.name, "raw": f.raw, "gzip": f.gzip})).collect::<Vec<_>>(),
        "raw": bundle.raw(),
        "gzip": bundle.gzip(),
        "gzip_wasm": bundle.gzip_of(".wasm"),
        "gzip_js": bundle.gzip_of(".js") + bundle.gzip_of(".mjs") + bundle.gzip_of(".cjs"),
        "gzip_css": bundle.gzip_of(".css"),
        "budget_gzip": budget,
        "within_budget": bundle.gzip() <= budget,
    })
}

/// The npm package's core as shipped: `npm/pkg/` (the wasm and its
/// wasm-bindgen glue, built by `cargo xtask npm`) plus the loader `npm/index.js`.
pub fn measure_npm(root: &Path) -> Result<Bundle, String> {
    let npm = root.join("npm");
    let mut bundle = measure_bundle(&npm.join("pkg"))?;
    let loader = npm.join("index.js");
    if loader.exists() {
        bundle.files.push(BundleFile {
            name: "../index.js".to_owned(),
            raw: file_size(&loader),
            gzip: gzip_size(&loader)?,
        });
    }
    Ok(bundle)
}

/// Checks one bundle against its enforced ceiling, and says where it stands
/// against the target: a line per check and whether the ceiling held.
pub fn check_budget(what: &str, bundle: &Bundle, ceiling: u64, target: u64) -> bool {
    let ok = bundle.gzip() <= ceiling;
    println!(
        "budget {what}: {} gzip ({} raw); ceiling {}: {}; target {}: {}",
        kb(bundle.gzip()),
        kb(bundle.raw()),
        kb(ceiling),
        if ok { "ok" } else { "OVER THE CEILING" },
        kb(target),
        if bundle.gzip() <= target {
            "met"
        } else {
            "not met yet"
        },
    );
    for file in &bundle.files {
        println!(
            "    {:<48} {:>10} raw {:>10} gzip",
            file.name,
            kb(file.raw),
            kb(file.gzip)
        );
    }
    ok
}

/// 100000 → "100,000", as the README writes numbers.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn kb(bytes: u64) -> String {
    format!("{:.1} kB", bytes as f64 / 1000.0)
}

/// The markdown table for the README.
fn markdown(r: &Value) -> String {
    let f = |v: &Value, digits: usize| match v.as_f64() {
        Some(x) => format!("{x:.digits$}"),
        None => "n/a".to_owned(),
    };
    let ratio = |a: &Value, b: &Value| match (a.as_f64(), b.as_f64()) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "n/a".to_owned(),
    };
    let mut rows: Vec<[String; 4]> = Vec::new();

    let wasm = &r["browser"]["wasm"];
    let page = &wasm["page"];
    let decode = &wasm["decode_ms"];
    let page_desc = format!(
        "{} sessions, {} kB",
        page["sessions"].as_u64().unwrap_or(0),
        page["bytes"].as_u64().unwrap_or(0) / 1000
    );
    rows.push([
        format!(
            "Decode one `fields=*` page ({page_desc}) in wasm → list rows (viewer's path), median"
        ),
        format!("{} ms", f(&decode["wasm_rows"], 2)),
        format!(
            "JS `TextDecoder` + `JSON.parse` + walk: {} ms",
            f(&decode["js_parse_walk"], 2)
        ),
        ratio(&decode["wasm_rows"], &decode["js_parse_walk"]),
    ]);
    rows.push([
        "Same page in wasm → typed `Session` models, median".to_owned(),
        format!("{} ms", f(&decode["wasm_typed"], 2)),
        format!(
            "JS `JSON.parse` + walk: {} ms",
            f(&decode["js_parse_walk"], 2)
        ),
        ratio(&decode["wasm_typed"], &decode["js_parse_walk"]),
    ]);

    let native = &r["native_csv"]["viewer_full_sessions"];
    let csv = &wasm["csv"];
    let wasm_mbs = match (csv["bytes"].as_f64(), csv["median_ms"].as_f64()) {
        (Some(bytes), Some(ms)) if ms > 0.0 => json!(bytes / (ms / 1e3) / 1e6),
        _ => Value::Null,
    };
    rows.push([
        format!(
            "CSV export of {} sessions in wasm (viewer settings, {} MB)",
            grouped(csv["sessions"].as_u64().unwrap_or(0)),
            f(&json!(csv["bytes"].as_f64().unwrap_or(0.0) / 1e6), 1)
        ),
        format!("{} MB/s ({} ms)", f(&wasm_mbs, 1), f(&csv["median_ms"], 0)),
        format!("native (criterion): {} MB/s", f(&native["mb_per_s"], 1)),
        ratio(&wasm_mbs, &native["mb_per_s"]),
    ]);
    for name in CSV_FUNCTIONS.iter().skip(1) {
        let entry = &r["native_csv"][*name];
        rows.push([
            format!("CSV export 100,000 sessions native, `{name}`"),
            format!(
                "{} MB/s ({} ms)",
                f(&entry["mb_per_s"], 1),
                f(&entry["median_ms"], 0)
            ),
            String::new(),
            String::new(),
        ]);
    }
    for entry in r["fetch_all"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        rows.push([
            format!(
                "`fetch_all` {} sessions, {} ms latency, 4 pages in flight",
                grouped(entry["sessions"].as_u64().unwrap_or(0)),
                entry["latency_ms"].as_u64().unwrap_or(0)
            ),
            format!("{} ms", f(&entry["four_in_flight_ms"], 0)),
            format!("1 in flight: {} ms", f(&entry["one_in_flight_ms"], 0)),
            format!("{}× faster", f(&entry["ratio"], 2)),
        ]);
    }

    for entry in r["simulator"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        let bytes = entry["bytes"]
            .as_u64()
            .map(|b| format!("{} kB", grouped(b / 1000)))
            .unwrap_or_default();
        rows.push([
            format!(
                "simulator over 100,000 sessions: {}",
                entry["what"].as_str().unwrap_or("?")
            ),
            format!("{} ms", f(&entry["ms"], 1)),
            bytes,
            String::new(),
        ]);
    }

    let table = &r["browser"]["table"];
    let sessions = grouped(table["sessions"].as_u64().unwrap_or(0));
    let mode = table["mode"].as_str().unwrap_or("unknown");
    // A measure whose DOM never went quiet is a lower bound, and says so.
    let settled = |v: &Value| {
        if v["settled"].as_bool() == Some(false) {
            " (did not settle)"
        } else {
            ""
        }
    };
    let first = &table["after_first_page"];
    rows.push([
        format!("Sessions table ({sessions} sessions): login → first page painted"),
        format!(
            "{} ms{}",
            f(&table["first_page"]["ms"], 0),
            settled(&table["first_page"])
        ),
        format!(
            "{} rows in the DOM, {} nodes",
            first["rows_in_dom"].as_u64().unwrap_or(0),
            first["dom_nodes"].as_u64().unwrap_or(0)
        ),
        String::new(),
    ]);
    let fetched = &table["after_fetch_all"];
    if table["fetch_all"].is_null() {
        rows.push([
            "Sessions table: Fetch all".to_owned(),
            "not measured: no `#fetch-all` button".to_owned(),
            String::new(),
            String::new(),
        ]);
    } else {
        rows.push([
            format!("Sessions table: Fetch all {sessions} → table painted ({mode})"),
            format!(
                "{} ms{}",
                f(&table["fetch_all"]["ms"], 0),
                settled(&table["fetch_all"])
            ),
            format!(
                "{} rows loaded, {} in the DOM, {} nodes",
                grouped(fetched["loaded_rows"].as_u64().unwrap_or(0)),
                fetched["rows_in_dom"].as_u64().unwrap_or(0),
                fetched["dom_nodes"].as_u64().unwrap_or(0)
            ),
            String::new(),
        ]);
    }
    rows.push([
        "Sessions table: re-sort (click Duration) → painted".to_owned(),
        format!(
            "{} ms{}",
            f(&table["resort"]["ms"], 0),
            settled(&table["resort"])
        ),
        format!(
            "{} rows sorted",
            table["after_sort"]["loaded_rows"]
                .as_u64()
                .map_or("one server page of".to_owned(), grouped)
        ),
        String::new(),
    ]);
    let scroll = &table["scroll"];
    rows.push([
        format!(
            "Sessions table: scroll step (half a viewport, {} steps)",
            scroll["steps"].as_u64().unwrap_or(0)
        ),
        format!(
            "{} ms median, {} ms max (2 frames)",
            f(&scroll["step_median_ms"], 1),
            f(&scroll["step_max_ms"], 1)
        ),
        format!(
            "frames: {} ms median, {} ms max; jump to middle {} ms",
            f(&scroll["frame_median_ms"], 1),
            f(&scroll["frame_max_ms"], 1),
            f(&scroll["jump_to_middle_ms"], 1)
        ),
        String::new(),
    ]);
    rows.push([
        "Sessions table: DOM after scrolling".to_owned(),
        format!(
            "{} nodes ({} rows)",
            scroll["dom_nodes_after"].as_u64().unwrap_or(0),
            scroll["rows_in_dom_after"].as_u64().unwrap_or(0)
        ),
        String::new(),
        String::new(),
    ]);

    let alerts = &r["browser"]["alerts"];
    rows.push([
        format!(
            "Alerts page ({} alerts of {} sessions): link → first rows painted",
            grouped(alerts["alerts"].as_u64().unwrap_or(0)),
            grouped(alerts["sessions"].as_u64().unwrap_or(0))
        ),
        format!("{} ms", f(&alerts["first_rows_ms"], 0)),
        format!(
            "all rows: {} ms ({} shown of {} expected, {} rows in the DOM)",
            f(&alerts["all_rows_ms"], 0),
            grouped(alerts["shown"].as_u64().unwrap_or(0)),
            grouped(alerts["expected_alerts"].as_u64().unwrap_or(0)),
            alerts["rows_in_dom"].as_u64().unwrap_or(0)
        ),
        String::new(),
    ]);
    let alerts_scroll = &alerts["scroll"];
    rows.push([
        format!(
            "Alerts page: scroll step (half a viewport, {} steps)",
            alerts_scroll["steps"].as_u64().unwrap_or(0)
        ),
        format!(
            "{} ms median, {} ms max (2 frames)",
            f(&alerts_scroll["step_median_ms"], 1),
            f(&alerts_scroll["step_max_ms"], 1)
        ),
        format!(
            "frames: {} ms median, {} ms max; jump to middle {} ms",
            f(&alerts_scroll["frame_median_ms"], 1),
            f(&alerts_scroll["frame_max_ms"], 1),
            f(&alerts_scroll["jump_to_middle_ms"], 1)
        ),
        "frame budget 16.7 ms".to_owned(),
    ]);

    let bundles = &r["bundles"];
    for (title, b) in [
        (
            "Viewer bundle (release: wasm + js + css)",
            &bundles["viewer"],
        ),
        ("npm package core (wasm + js)", &bundles["npm"]["sizes"]),
    ] {
        let within = b["within_budget"].as_bool().unwrap_or(false);
        rows.push([
            title.to_owned(),
            format!(
                "{} gzip ({} raw)",
                kb(b["gzip"].as_u64().unwrap_or(0)),
                kb(b["raw"].as_u64().unwrap_or(0))
            ),
            format!(
                "budget {} gzip: {}",
                kb(b["budget_gzip"].as_u64().unwrap_or(0)),
                if within { "ok" } else { "OVER" }
            ),
            ratio(&b["gzip"], &b["budget_gzip"]),
        ]);
    }
    let floor = &r["code_shares"]["floor"]["sizes"];
    if !floor.is_null() {
        rows.push([
            "Smallest Leptos app shaped like the viewer (`crate-web/examples/leptos_floor.rs`)"
                .to_owned(),
            format!(
                "{} gzip ({} raw)",
                kb(floor["gzip"].as_u64().unwrap_or(0)),
                kb(floor["raw"].as_u64().unwrap_or(0))
            ),
            format!(
                "of the viewer's {} budget",
                kb(floor["budget_gzip"].as_u64().unwrap_or(0))
            ),
            ratio(&floor["gzip"], &floor["budget_gzip"]),
        ]);
    }
    rows.push([
        "`trunk build --release` (viewer, wasm-release profile)".to_owned(),
        format!("{} s", f(&r["trunk_build_release_s"], 0)),
        String::new(),
        String::new(),
    ]);
    rows.extend(gateway_rows(&r["gateway_load"]));

    let mut text = table_of(rows);
    text.push_str(&shares_table(&r["code_shares"]));
    text.push_str(&format!(
        "\n{} CPUs; {}; npm sizes from {}. Produced by `cargo xtask bench`.\n",
        r["machine"]["cpus"].as_u64().unwrap_or(0),
        r["browser"]["chromium"]
            .as_str()
            .map(|v| format!("Chromium {v}"))
            .unwrap_or_default(),
        bundles["npm"]["source"].as_str().unwrap_or("?"),
    ));
    text
}

/// Where each bundle's code goes, as a second table (empty without figures).
fn shares_table(shares: &Value) -> String {
    let columns = [
        ("viewer", &shares["viewer"]),
        ("npm core", &shares["npm"]),
        ("Leptos floor", &shares["floor"]["shares"]),
    ];
    let Some(groups) = shares["viewer"]["groups"].as_array() else {
        return String::new();
    };
    let mut text = String::from(
        "\nCode by crate (function bytes before `wasm-opt`, which shrinks all alike):\n\n| Crates | viewer | npm core | Leptos floor |\n|---|---|---|---|\n",
    );
    let cell = |column: &Value, i: usize| {
        let bytes = column["groups"][i]["bytes"].as_f64().unwrap_or(0.0);
        let total = column["total"].as_f64().unwrap_or(0.0);
        if bytes == 0.0 || total == 0.0 {
            "–".to_owned()
        } else {
            format!("{:.0} kB ({:.0} %)", bytes / 1000.0, 100.0 * bytes / total)
        }
    };
    for (i, group) in groups.iter().enumerate() {
        let name = group["group"].as_str().unwrap_or("?");
        let cells: Vec<String> = columns.iter().map(|(_, column)| cell(column, i)).collect();
        text.push_str(&format!("| {name} | {} |\n", cells.join(" | ")));
    }
    let totals: Vec<String> = columns
        .iter()
        .map(|(_, column)| kb(column["total"].as_u64().unwrap_or(0)))
        .collect();
    text.push_str(&format!("| **all code** | {} |\n", totals.join(" | ")));
    text
}

#[cfg(test)]
mod tests {
    use super::{parse_duration_ms, parse_fetch_line};

    #[test]
    fn groups_thousands() {
        assert_eq!(super::grouped(100_000), "100,000");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn reads_duration_debug_text() {
        assert_eq!(parse_duration_ms("1.5s"), Some(1500.0));
        assert_eq!(parse_duration_ms("350.1ms"), Some(350.1));
        assert_eq!(parse_duration_ms("80µs"), Some(0.08));
        assert_eq!(parse_duration_ms("fast"), None);
    }

    #[test]
    fn reads_fetch_all_line() {
        let line = "fetch_all 10000 sessions, 20 ms latency: 1 in flight 1.2s, 4 in flight 400.0ms, ratio 3.00x";
        let v = parse_fetch_line(line).unwrap_or_default();
        assert_eq!(v["latency_ms"], 20);
        assert_eq!(v["one_in_flight_ms"], 1200.0);
        assert_eq!(v["ratio"], 3.0);
    }

    #[test]
    fn reads_simulator_lines() {
        let page =
            super::parse_simulator_line("simulator page_500_full: 9.2 ms median, 931000 bytes")
                .unwrap_or_default();
        assert_eq!(page["what"], "page_500_full");
        assert_eq!(page["ms"], 9.2);
        assert_eq!(page["bytes"], 931000);
        let generate =
            super::parse_simulator_line("simulator generate: 100000 sessions in 210.5 ms")
                .unwrap_or_default();
        assert_eq!(generate["ms"], 210.5);
        assert!(super::parse_simulator_line("simulator_100k/page_500_full time: [1 ms]").is_none());
    }
}
