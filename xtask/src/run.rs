//! Running child processes, with their output passed through and optionally scanned.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or(manifest_dir)
}

/// Cargo's target directory as cargo itself resolves it (`CARGO_TARGET_DIR`,
/// `build.target-dir` in a config file, else `target/` of the workspace), read
/// from `cargo metadata`.
pub fn target_dir() -> PathBuf {
    let root = workspace_root();
    output_of(
        Command::new("cargo")
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .current_dir(&root),
    )
    .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
    .and_then(|meta| meta["target_directory"].as_str().map(PathBuf::from))
    .unwrap_or_else(|| root.join("target"))
}

/// Debian's Chromium, or the browser named by `CHROMIUM`.
pub fn chromium() -> PathBuf {
    env_path("CHROMIUM", "/usr/bin/chromium")
}

/// Debian's ChromeDriver, or the one named by `CHROMEDRIVER`.
pub fn chromedriver() -> PathBuf {
    env_path("CHROMEDRIVER", "/usr/bin/chromedriver")
}

/// Debian's Firefox ESR, or the one named by `FIREFOX`.
pub fn firefox() -> PathBuf {
    env_path("FIREFOX", "/usr/bin/firefox-esr")
}

/// geckodriver as `cargo install` puts it, or the one named by `GECKODRIVER`.
pub fn geckodriver() -> PathBuf {
    std::env::var_os("GECKODRIVER")
        .filter(|value| !value.is_empty())
        .map_or_else(
            || crate::tools::cargo_bin_dir().join("geckodriver"),
            PathBuf::from,
        )
}

fn env_path(variable: &str, default: &str) -> PathBuf {
    std::env::var_os(variable)
        .filter(|value| !value.is_empty())
        .map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// Formats a command for log lines.
pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Runs a command to completion with inherited output; `Err` when it cannot start
/// or exits unsuccessfully.
pub fn run(command: &mut Command) -> Result<(), String> {
    let description = describe(command);
    println!("xtask: $ {description}");
    let status = command
        .status()
        .map_err(|err| format!("cannot start `{description}`: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{description}` failed ({status})"))
    }
}

/// Runs a command and returns its trimmed stdout, or `None` when it cannot run or fails.
pub fn output_of(command: &mut Command) -> Option<String> {
    let output = command.stderr(Stdio::null()).output().ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Runs a command, echoing stdout and stderr line by line while keeping every line
/// so the caller can read the test runner's summary. Returns (success, lines).
pub fn run_scanned(command: &mut Command) -> Result<(bool, Vec<String>), String> {
    let description = describe(command);
    println!("xtask: $ {description}");
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start `{description}`: {err}"))?;
    let stderr = child.stderr.take();
    // stderr is echoed on its own thread so a chatty stderr cannot block stdout.
    let stderr_thread = std::thread::spawn(move || {
        let mut lines = Vec::new();
        if let Some(stream) = stderr {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                eprintln!("{line}");
                lines.push(line);
            }
        }
        lines
    });
    let mut lines = Vec::new();
    if let Some(stream) = child.stdout.take() {
        let mut out = std::io::stdout();
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let _ = writeln!(out, "{line}");
            lines.push(line);
        }
    }
    let status = child
        .wait()
        .map_err(|err| format!("waiting for `{description}`: {err}"))?;
    if let Ok(err_lines) = stderr_thread.join() {
        lines.extend(err_lines);
    }
    Ok((status.success(), lines))
}

/// The `*.test.mjs` files of `dir` (Node's test runner suites), sorted.
pub fn node_test_files(dir: &Path) -> Result<Vec<String>, String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .map_err(|err| format!("cannot list {}: {err}", dir.display()))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".test.mjs"))
        .map(|path| path.to_string_lossy().into_owned())
        .collect();
    files.sort();
    Ok(files)
}
