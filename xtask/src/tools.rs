//! Installs what a fresh machine lacks, from the package registries only
//! (crates.io, npm, Debian), skipping whatever is already there in the right version.

use crate::run::{output_of, run, workspace_root};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Trunk's version: 0.22 needs a newer rustc than this machine's; without
/// `--locked` the install breaks on a drifted dependency (see ../shared/toolchain.md).
const TRUNK_VERSION: &str = "0.21.14";

/// What the build and tests need on PATH, once installed.
pub struct Toolchain {
    /// Directories to put in front of PATH (cargo's bin, node_modules/.bin).
    pub path_dirs: Vec<PathBuf>,
}

impl Toolchain {
    /// PATH with the tool directories in front.
    pub fn path_env(&self) -> String {
        let mut parts: Vec<String> = self
            .path_dirs
            .iter()
            .map(|dir| dir.to_string_lossy().into_owned())
            .collect();
        if let Ok(existing) = std::env::var("PATH") {
            parts.push(existing);
        }
        parts.join(":")
    }

    /// A command with PATH set so Trunk finds wasm-bindgen and wasm-opt.
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("PATH", self.path_env());
        command.current_dir(workspace_root());
        command
    }
}

/// Everything `serve` needs: wasm target, wasm-bindgen CLI, Trunk, npm packages.
pub fn ensure_build_tools() -> Result<Toolchain, String> {
    let root = workspace_root();
    ensure_wasm_target()?;
    let cargo_bin = cargo_bin_dir();
    ensure_wasm_bindgen_cli(&root, &cargo_bin)?;
    ensure_trunk(&cargo_bin)?;
    ensure_npm_packages(&root)?;
    Ok(Toolchain {
        path_dirs: vec![root.join("node_modules").join(".bin"), cargo_bin],
    })
}

/// What `test` needs on top: Debian's Chromium and ChromeDriver, Firefox ESR
/// and geckodriver (the smoke set), LibreOffice Calc (the spreadsheet the CSV
/// formula guard is checked against) and cargo-deny (licences, bans and
/// sources of the dependency tree).
pub fn ensure_test_tools() -> Result<Toolchain, String> {
    let toolchain = ensure_build_tools()?;
    ensure_chromium()?;
    ensure_firefox()?;
    ensure_spreadsheet()?;
    ensure_cargo_deny(&cargo_bin_dir())?;
    Ok(toolchain)
}

/// cargo-deny's version: checked with `--offline` (its advisory database is
/// not on the package registries, so `advisories` is not run).
const CARGO_DENY_VERSION: &str = "0.20.2";

fn ensure_cargo_deny(cargo_bin: &Path) -> Result<(), String> {
    let installed = tool_version(&cargo_bin.join("cargo-deny"));
    if installed.as_deref() == Some(format!("cargo-deny {CARGO_DENY_VERSION}").as_str()) {
        return Ok(());
    }
    println!("xtask: installing cargo-deny {CARGO_DENY_VERSION} (had: {installed:?})");
    run(Command::new("cargo").args([
        "install",
        "--locked",
        "--force",
        &format!("cargo-deny@{CARGO_DENY_VERSION}"),
    ]))
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin_dir() -> PathBuf {
    if let Ok(cargo_home) = std::env::var("CARGO_HOME") {
        return PathBuf::from(cargo_home).join("bin");
    }
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".to_owned());
    PathBuf::from(home).join(".cargo").join("bin")
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = output_of(Command::new("rustup").args(["target", "list", "--installed"]))
        .unwrap_or_default();
    if installed
        .lines()
        .any(|line| line.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The `wasm-bindgen` crate version locked for this workspace (read with
/// `cargo metadata`): the CLI must equal it exactly.
pub fn locked_wasm_bindgen_version(root: &Path) -> Result<String, String> {
    let text = output_of(
        Command::new("cargo")
            .args(["metadata", "--format-version", "1", "--locked"])
            .current_dir(root),
    )
    .ok_or("cargo metadata failed")?;
    let metadata: serde_json::Value = serde_json::from_str(&text)
        .map_err(|err| format!("cargo metadata printed no JSON: {err}"))?;
    metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|package| package["name"] == "wasm-bindgen")
        .and_then(|package| package["version"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| "the workspace does not depend on wasm-bindgen".to_owned())
}

fn tool_version(program: &Path) -> Option<String> {
    output_of(Command::new(program).arg("--version"))
}

fn ensure_wasm_bindgen_cli(root: &Path, cargo_bin: &Path) -> Result<(), String> {
    let wanted = locked_wasm_bindgen_version(root)?;
    let installed = tool_version(&cargo_bin.join("wasm-bindgen"));
    if installed.as_deref() == Some(format!("wasm-bindgen {wanted}").as_str()) {
        return Ok(());
    }
    println!("xtask: installing wasm-bindgen-cli {wanted} (had: {installed:?})");
    // Not --locked: a locked dependency of the CLI is missing from the registry mirror.
    run(Command::new("cargo").args(["install", "--force", &format!("wasm-bindgen-cli@{wanted}")]))
}

fn ensure_trunk(cargo_bin: &Path) -> Result<(), String> {
    let installed = tool_version(&cargo_bin.join("trunk"));
    if installed.as_deref() == Some(format!("trunk {TRUNK_VERSION}").as_str()) {
        return Ok(());
    }
    println!("xtask: installing trunk {TRUNK_VERSION} (had: {installed:?})");
    run(Command::new("cargo").args([
        "install",
        "--locked",
        "--force",
        &format!("trunk@{TRUNK_VERSION}"),
    ]))
}

fn ensure_npm_packages(root: &Path) -> Result<(), String> {
    let marker = root.join("node_modules").join(".package-lock.json");
    let lock = root.join("package-lock.json");
    let up_to_date = match (std::fs::metadata(&marker), std::fs::metadata(&lock)) {
        (Ok(installed), Ok(locked)) => match (installed.modified(), locked.modified()) {
            (Ok(installed), Ok(locked)) => installed >= locked,
            _ => false,
        },
        _ => false,
    };
    if up_to_date && root.join("node_modules/.bin/wasm-opt").exists() {
        return Ok(());
    }
    // No package here needs its install script (esbuild's only swaps its JS
    // shim for the binary it already ships), so none is run.
    run(Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(root))
}

fn ensure_chromium() -> Result<(), String> {
    // `CHROMIUM`/`CHROMEDRIVER` name a browser of one's own: used as they are.
    if crate::run::chromium().exists() && crate::run::chromedriver().exists() {
        return Ok(());
    }
    println!("xtask: installing Debian's chromium and chromium-driver");
    apt_install(&["chromium", "chromium-driver"])
}

/// geckodriver's version: the WebDriver server for Firefox, built from crates.io
/// (Mozilla's release binaries are not on the package registries).
const GECKODRIVER_VERSION: &str = "0.37.1";

fn ensure_firefox() -> Result<(), String> {
    if !crate::run::firefox().exists() {
        println!("xtask: installing Debian's firefox-esr");
        apt_install(&["firefox-esr"])?;
    }
    let driver = crate::run::geckodriver();
    if std::env::var_os("GECKODRIVER").is_some_and(|value| !value.is_empty()) {
        return Ok(());
    }
    let installed = tool_version(&driver);
    if installed
        .as_deref()
        .is_some_and(|text| text.starts_with(&format!("geckodriver {GECKODRIVER_VERSION}")))
    {
        return Ok(());
    }
    println!("xtask: installing geckodriver {GECKODRIVER_VERSION} (had: {installed:?})");
    run(Command::new("cargo").args([
        "install",
        "--locked",
        "--force",
        &format!("geckodriver@{GECKODRIVER_VERSION}"),
    ]))
}

/// LibreOffice Calc without a GUI: `crate-sim/tests/spreadsheet.rs` imports
/// exports into it with formula evaluation on.
fn ensure_spreadsheet() -> Result<(), String> {
    if Path::new("/usr/bin/soffice").exists() {
        return Ok(());
    }
    println!("xtask: installing Debian's libreoffice-calc-nogui");
    apt_install(&["libreoffice-calc-nogui"])
}

/// `apt-get install` from Debian's archive, through sudo unless root.
fn apt_install(packages: &[&str]) -> Result<(), String> {
    let is_root = output_of(Command::new("id").arg("-u")).as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut command = if is_root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("apt-get");
            sudo
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut command)
    };
    apt(&["update", "-qq"])?;
    let mut install = vec!["install", "-y", "-qq"];
    install.extend_from_slice(packages);
    apt(&install)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locked_wasm_bindgen_is_the_version_pinned_in_cargo_toml() {
        let root = workspace_root();
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
        let pinned = manifest
            .lines()
            .find_map(|line| line.trim().strip_prefix("wasm-bindgen = \"="))
            .and_then(|rest| rest.strip_suffix('"'))
            .expect("wasm-bindgen pinned with = in the workspace Cargo.toml");
        assert_eq!(
            locked_wasm_bindgen_version(&root).as_deref(),
            Ok(pinned),
            "the CLI xtask installs must equal the crate"
        );
    }
}
