//! `cargo xtask npm`: builds the npm package `spsview` (`npm/`).
//!
//! crate-core has no `cdylib` crate type (it broke the benches), so the wasm
//! is built with `cargo rustc --crate-type cdylib` and the `js` feature, then
//! `wasm-bindgen --target web` writes the glue and the `.wasm` into
//! `npm/pkg/` (gitignored), and `wasm-opt -Oz` shrinks it when binaryen's
//! `node_modules/.bin/wasm-opt` is installed. `npm/index.js` (hand-written)
//! loads that glue in Node and in browsers/bundlers alike.

use crate::run::{output_of, run, workspace_root};
use crate::tools::Toolchain;
use std::path::Path;
use std::process::Command;

/// The base name of the generated files: `spsview_core.js`, `spsview_core_bg.wasm`.
const OUT_NAME: &str = "spsview_core";

/// The wasm features rustc's `wasm32-unknown-unknown` target emits by default,
/// which wasm-opt must accept.
pub const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Builds `npm/pkg/` (size-optimised `wasm-release` wasm, wasm-bindgen glue, wasm-opt when
/// available) and prints the sizes of the `.wasm` and the JavaScript, raw and
/// gzipped.
///
/// The environment variable `SPS_NPM_FEATURES` replaces the cargo features
/// (default `js`): `js-bench` adds what `npm/bench/boundary.mjs` measures.
pub fn build_npm(toolchain: &Toolchain) -> Result<(), String> {
    let root = workspace_root();
    let features = std::env::var("SPS_NPM_FEATURES").unwrap_or_else(|_| "js".to_owned());
    run(toolchain.command("cargo").args([
        "rustc",
        "--package",
        "sps-core",
        "--lib",
        // The size profile (opt-level z, LTO, abort on panic): what users download.
        "--profile",
        "wasm-release",
        "--target",
        "wasm32-unknown-unknown",
        "--features",
        &features,
        "--crate-type",
        "cdylib",
    ]))?;
    let wasm = crate::run::target_dir().join("wasm32-unknown-unknown/wasm-release/sps_core.wasm");
    let out = root.join("npm").join("pkg");
    if out.exists() {
        std::fs::remove_dir_all(&out)
            .map_err(|err| format!("cannot clear {}: {err}", out.display()))?;
    }
    std::fs::create_dir_all(&out)
        .map_err(|err| format!("cannot create {}: {err}", out.display()))?;
    let mut bindgen = toolchain.command("wasm-bindgen");
    bindgen
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            OUT_NAME,
            "--out-dir",
        ])
        .arg(&out)
        .arg(&wasm);
    run(&mut bindgen)?;

    let bg = out.join(format!("{OUT_NAME}_bg.wasm"));
    let wasm_opt = root.join("node_modules").join(".bin").join("wasm-opt");
    if wasm_opt.exists() {
        let optimised = out.join(format!("{OUT_NAME}_bg.opt.wasm"));
        let mut opt = toolchain.command(&wasm_opt.to_string_lossy());
        opt.arg("-Oz")
            .args(WASM_FEATURES)
            .arg(&bg)
            .arg("-o")
            .arg(&optimised);
        run(&mut opt)?;
        std::fs::rename(&optimised, &bg)
            .map_err(|err| format!("cannot replace {}: {err}", bg.display()))?;
    } else {
        println!("xtask: no node_modules/.bin/wasm-opt: the .wasm is not optimised (run npm ci)");
    }

    for file in [
        bg,
        out.join(format!("{OUT_NAME}.js")),
        root.join("npm").join("index.js"),
    ] {
        report_size(&file);
    }
    Ok(())
}

/// Prints a file's size, raw and `gzip -9`.
fn report_size(file: &Path) {
    let raw = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let gzipped = output_of(
        Command::new("sh")
            .arg("-c")
            .arg(format!("gzip -9 -c '{}' | wc -c", file.display())),
    )
    .and_then(|text| text.trim().parse::<u64>().ok());
    let name = file
        .strip_prefix(workspace_root())
        .unwrap_or(file)
        .display()
        .to_string();
    match gzipped {
        Some(gz) => println!("xtask: {name}: {raw} bytes, {gz} gzipped"),
        None => println!("xtask: {name}: {raw} bytes"),
    }
}

/// The package's Node tests: `npm/test/*.test.mjs`, sorted.
pub fn test_files(root: &Path) -> Result<Vec<String>, String> {
    crate::run::node_test_files(&root.join("npm").join("test"))
}
