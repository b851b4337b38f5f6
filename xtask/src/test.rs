//! `cargo xtask test`: every suite, in order of cost, with one summary line at the end.

use crate::bench;
use crate::run::{run, run_scanned, workspace_root};
use crate::tools::{ensure_test_tools, Toolchain};
use std::process::{Command, ExitCode};

/// Options of `cargo xtask test`.
#[derive(clap::Args)]
pub struct TestArgs {
    /// Skip the end-to-end browser tests (native and wasm tests still run).
    #[arg(long)]
    no_e2e: bool,
}

/// Pass/fail counts read from the runners' own summary lines.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    failed_suites: Vec<String>,
}

impl Tally {
    /// Adds one suite's result; a suite that failed without reporting a failed
    /// test (it did not compile, or crashed) counts as one failure.
    fn add(&mut self, suite: &str, success: bool, lines: &[String]) {
        let counts = count_results(lines);
        self.passed += counts.0;
        self.failed += counts.1;
        if !success {
            self.failed_suites.push(suite.to_owned());
            if counts.1 == 0 {
                self.failed += 1;
            }
        }
    }
}

/// Reads passed/failed counts from nextest (`N tests run: N passed, N failed`),
/// libtest and wasm-bindgen-test-runner (`test result: ok. N passed; N failed`) and
/// Node's test runner (`# pass N`, `# fail N` or `ℹ pass N`).
fn count_results(lines: &[String]) -> (u64, u64) {
    let number_before = |text: &str, word: &str| -> u64 {
        // "ok. 30 passed; 0 failed" and "57 tests run: 55 passed, 2 failed".
        text.split([',', ';', ':', '.'])
            .filter_map(|part| {
                let mut words = part.split_whitespace();
                let count = words.next()?.parse::<u64>().ok()?;
                (words.next()? == word).then_some(count)
            })
            .sum()
    };
    // nextest echoes the libtest output of failed tests; its own summary is the
    // one to count, so libtest lines only count when no nextest summary is there.
    let has_nextest_summary = lines.iter().any(|line| line.contains("tests run:"));
    let (mut passed, mut failed) = (0, 0);
    for line in lines {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.split_once("tests run:").map(|(_, rest)| rest) {
            passed += number_before(rest, "passed");
            failed += number_before(rest, "failed");
        } else if let Some(rest) = trimmed
            .strip_prefix("test result:")
            .filter(|_| !has_nextest_summary)
        {
            passed += number_before(rest, "passed");
            failed += number_before(rest, "failed");
        } else if let Some(count) = node_count(trimmed, "pass") {
            passed += count;
        } else if let Some(count) = node_count(trimmed, "fail") {
            failed += count;
        }
    }
    (passed, failed)
}

fn node_count(line: &str, word: &str) -> Option<u64> {
    let rest = line
        .strip_prefix("# ")
        .or_else(|| line.strip_prefix("ℹ "))?
        .strip_prefix(word)?;
    rest.trim().parse().ok()
}

/// Runs all suites; the exit status is non-zero when any failed.
pub fn test(args: &TestArgs) -> Result<ExitCode, String> {
    let toolchain = ensure_test_tools()?;
    let root = workspace_root();
    let mut tally = Tally::default();

    // Style first: formatting and clippy are part of the gate.
    let (ok, lines) = run_scanned(Command::new("cargo").args(["fmt", "--all", "--check"]))?;
    tally.add("cargo fmt --check", ok, &lines);
    let (ok, lines) = run_scanned(Command::new("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    tally.add("clippy", ok, &lines);
    // The same lints for what only builds for the browser: the core with its
    // bindings and fetch transport (and its wasm tests), and the viewer with
    // the unit tests that run in Chromium (its proptest blocks are native only).
    let (ok, lines) = run_scanned(toolchain.command("cargo").args([
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "--package",
        "sps-core",
        "--features",
        "js,fetch",
        "--lib",
        "--tests",
        "--",
        "-D",
        "warnings",
    ]))?;
    tally.add("clippy (wasm32, sps-core)", ok, &lines);
    let (ok, lines) = run_scanned(toolchain.command("cargo").args([
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "--package",
        "sps-web",
        "--lib",
        "--bins",
        "--tests",
        "--",
        "-D",
        "warnings",
    ]))?;
    tally.add("clippy (wasm32, sps-web)", ok, &lines);
    // Supply chain: licences, bans and sources of every dependency (offline).
    let (ok, lines) = run_scanned(toolchain.command("cargo").args([
        "deny",
        "--offline",
        "check",
        "licenses",
        "bans",
        "sources",
    ]))?;
    tally.add("cargo deny", ok, &lines);

    let (ok, lines) = run_scanned(&mut native_tests_command())?;
    tally.add("native tests", ok, &lines);
    // npm/model.d.ts against the models it is generated from: fails on drift.
    let (ok, lines) = run_scanned(
        Command::new("cargo")
            .args([
                "test",
                "--package",
                "sps-core",
                "--features",
                "ts",
                "--test",
                "ts_types",
            ])
            .current_dir(&root),
    )?;
    tally.add("TypeScript model declarations", ok, &lines);
    // The viewer's own unit tests (formatting, URL state, columns): native.
    let (ok, lines) = run_scanned(Command::new("cargo").args([
        "test",
        "--package",
        "sps-web",
        "--no-fail-fast",
    ]))?;
    tally.add("viewer unit tests", ok, &lines);

    let (ok, lines) = run_scanned(&mut wasm_tests_command(&toolchain, "sps-core", "--tests")?)?;
    tally.add("wasm tests (headless Chromium)", ok, &lines);
    // The same unit tests of the viewer in the browser it ships to.
    let (ok, lines) = run_scanned(&mut wasm_tests_command(&toolchain, "sps-web", "--lib")?)?;
    tally.add("viewer unit tests (headless Chromium)", ok, &lines);

    if !args.no_e2e {
        let built = build_viewer(&toolchain).and_then(|()| {
            run(Command::new("cargo")
                .args(["build", "--package", "sps-sim", "--package", "sps-gateway"])
                .current_dir(&root))
        });
        match built {
            Ok(()) => {
                let screenshots = crate::run::target_dir().join("screenshots");
                let _ = std::fs::create_dir_all(&screenshots);
                // The npm package, before the end-to-end tests: one of them
                // bundles it with esbuild.
                let npm_built = crate::npm::build_npm(&toolchain);
                if let Err(message) = &npm_built {
                    eprintln!("xtask: {message}");
                    tally.add("npm package build", false, &[]);
                }
                let (ok, lines) = budget_suite(&root, npm_built.is_ok());
                tally.add("bundle budgets", ok, &lines);
                let mut e2e = toolchain.command("node");
                e2e.args(["--test", "--test-concurrency=1"])
                    .args(e2e_test_files(&root)?)
                    .env(
                        "SPS_SIM_BIN",
                        crate::run::target_dir().join("debug/sps-sim"),
                    )
                    .env(
                        "SPS_GATEWAY_BIN",
                        crate::run::target_dir().join("debug/sps-gateway"),
                    )
                    .env("SPS_DIST", root.join("dist"))
                    .env("SPS_SCREENSHOTS", &screenshots)
                    .env("CHROMIUM", crate::run::chromium());
                let (ok, lines) = run_scanned(&mut e2e)?;
                tally.add("end-to-end tests", ok, &lines);
                // The smoke set again in Firefox ESR, through geckodriver.
                let mut smoke = toolchain.command("node");
                smoke
                    .args(["--test", "--test-concurrency=1"])
                    .args(firefox_test_files(&root)?)
                    .env(
                        "SPS_SIM_BIN",
                        crate::run::target_dir().join("debug/sps-sim"),
                    )
                    .env("SPS_DIST", root.join("dist"))
                    .env("FIREFOX", crate::run::firefox())
                    .env("GECKODRIVER", crate::run::geckodriver());
                let (ok, lines) = run_scanned(&mut smoke)?;
                tally.add("Firefox smoke tests", ok, &lines);
                if npm_built.is_ok() {
                    // The package's toCsv through LibreOffice, now that it is built.
                    let (ok, lines) = run_scanned(
                        toolchain
                            .command("cargo")
                            .args([
                                "test",
                                "--package",
                                "sps-sim",
                                "--test",
                                "spreadsheet",
                                "npm_to_csv",
                            ])
                            .env("SPS_REQUIRE_SPREADSHEET", "1")
                            .env("SPS_REQUIRE_NPM_PKG", "1"),
                    )?;
                    tally.add("npm toCsv in LibreOffice", ok, &lines);
                    let mut npm_tests = toolchain.command("node");
                    npm_tests
                        .args(["--test", "--test-concurrency=1"])
                        .args(crate::npm::test_files(&root)?)
                        .env(
                            "SPS_SIM_BIN",
                            crate::run::target_dir().join("debug/sps-sim"),
                        )
                        .env("SPS_DIST", root.join("dist"))
                        .env("SPS_SCREENSHOTS", &screenshots);
                    let (ok, lines) = run_scanned(&mut npm_tests)?;
                    tally.add("npm package tests (Node)", ok, &lines);
                }
            }
            Err(message) => {
                eprintln!("xtask: {message}");
                tally.add("end-to-end build", false, &[]);
            }
        }
    }

    println!();
    if tally.failed_suites.is_empty() {
        println!("xtask: every suite passed");
    } else {
        println!("xtask: failed suites: {}", tally.failed_suites.join(", "));
    }
    println!("xtask: {} passed, {} failed", tally.passed, tally.failed);
    Ok(if tally.failed_suites.is_empty() && tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn native_tests_command() -> Command {
    let root = workspace_root();
    let has_nextest = Command::new("cargo")
        .args(["nextest", "--version"])
        .output()
        .map(|output| output.status.success())
        .unwrap_or(false);
    let mut command = Command::new("cargo");
    if has_nextest {
        command.args([
            "nextest",
            "run",
            "--workspace",
            "--exclude",
            "sps-web",
            "--no-fail-fast",
        ]);
    } else {
        command.args([
            "test",
            "--workspace",
            "--exclude",
            "sps-web",
            "--no-fail-fast",
        ]);
    }
    // The test command installs LibreOffice, so the spreadsheet check of the
    // CSV formula guard must run, not skip.
    command.env("SPS_REQUIRE_SPREADSHEET", "1");
    command.current_dir(root);
    command
}

fn wasm_tests_command(
    toolchain: &Toolchain,
    package: &str,
    targets: &str,
) -> Result<Command, String> {
    // The runner reads webdriver.json from its working directory, the
    // workspace root (where cargo also finds .cargo/config.toml's wasm32
    // flags): written here, git-ignored, so that `CHROMIUM` names the browser.
    // Headless Chromium as root needs --no-sandbox.
    let dir = workspace_root();
    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": crate::run::chromium(),
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run"
            ]
        }
    });
    std::fs::write(dir.join("webdriver.json"), capabilities.to_string())
        .map_err(|e| format!("cannot write webdriver.json: {e}"))?;
    let mut command = toolchain.command("cargo");
    command
        .args([
            "test",
            "--package",
            package,
            "--target",
            "wasm32-unknown-unknown",
            targets,
            "--no-fail-fast",
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", crate::run::chromedriver())
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .current_dir(dir);
    Ok(command)
}

/// Release build of the viewer, once: the end-to-end tests run against it and the
/// bundle budgets measure it, so the tests see what users download and CI pays
/// for one viewer build, not two.
fn build_viewer(toolchain: &Toolchain) -> Result<(), String> {
    let started = std::time::Instant::now();
    bench::build_viewer_release(toolchain)?;
    println!(
        "xtask: trunk build --release took {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The bundle budgets as a suite of two tests (viewer, npm package), reported in
/// libtest's summary format so the tally counts them like any other test. The
/// npm package is only measured when it was built (a failed build is already
/// counted as such).
fn budget_suite(root: &std::path::Path, npm_built: bool) -> (bool, Vec<String>) {
    let mut results = Vec::new();
    let viewer = bench::measure_bundle(&root.join("dist")).map(|b| {
        bench::check_budget(
            "viewer (dist/)",
            &b,
            bench::VIEWER_CEILING_GZ,
            bench::VIEWER_BUDGET_GZ,
        )
    });
    results.push(("viewer", viewer));
    if npm_built {
        let npm = bench::measure_npm(root).map(|b| {
            bench::check_budget(
                "npm package (npm/pkg, npm/index.js)",
                &b,
                bench::NPM_CEILING_GZ,
                bench::NPM_BUDGET_GZ,
            )
        });
        results.push(("npm package", npm));
    }
    let mut failed = 0;
    for (what, result) in &results {
        match result {
            Ok(true) => {}
            Ok(false) => failed += 1,
            Err(message) => {
                eprintln!("budget {what}: cannot measure: {message}");
                failed += 1;
            }
        }
    }
    let passed = results.len() - failed;
    let verdict = if failed == 0 { "ok" } else { "FAILED" };
    let summary =
        format!("test result: {verdict}. {passed} passed; {failed} failed (bundle budgets)");
    println!("{summary}");
    (failed == 0, vec![summary])
}

fn e2e_test_files(root: &std::path::Path) -> Result<Vec<String>, String> {
    crate::run::node_test_files(&root.join("tests").join("e2e"))
}

fn firefox_test_files(root: &std::path::Path) -> Result<Vec<String>, String> {
    crate::run::node_test_files(&root.join("tests").join("firefox"))
}

#[cfg(test)]
mod tests {
    use super::count_results;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn reads_nextest_summary() {
        let out = lines("     Summary [   3.2s] 57 tests run: 55 passed, 2 failed, 0 skipped");
        assert_eq!(count_results(&out), (55, 2));
    }

    #[test]
    fn counts_nextest_summary_once_when_it_echoes_libtest_lines() {
        let out = lines(
            "    test result: FAILED. 0 passed; 1 failed; 0 ignored\n\
                  Summary [  54.4s] 201 tests run: 199 passed, 2 failed, 1 skipped",
        );
        assert_eq!(count_results(&out), (199, 2));
    }

    #[test]
    fn reads_libtest_and_wasm_runner_summaries() {
        let out = lines(
            "test result: ok. 30 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out\n\
             test result: FAILED. 4 passed; 1 failed; 0 ignored",
        );
        assert_eq!(count_results(&out), (34, 1));
    }

    #[test]
    fn reads_node_tap_and_spec_summaries() {
        assert_eq!(
            count_results(&lines("# tests 6\n# pass 5\n# fail 1")),
            (5, 1)
        );
        assert_eq!(count_results(&lines("ℹ pass 7\nℹ fail 0")), (7, 0));
    }
}
