//! Project automation, run as `cargo xtask <command>` (alias in `.cargo/config.toml`).
//!
//! - `cargo xtask serve`: installs missing tools, builds the viewer in release mode
//!   and starts the simulator (or a proxy to a real appliance) serving it.
//! - `cargo xtask test`: installs missing tools and runs every test suite.
//! - `cargo xtask npm`: builds the npm package `spsview` into `npm/pkg/`.
//! - `cargo xtask bench`: runs every benchmark and prints the figures as a markdown table.

mod bench;
mod npm;
mod run;
mod serve;
mod test;
mod tools;
mod wasm_share;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "spsview's two commands: serve and test")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the viewer (release) and serve it with the simulator on one origin.
    Serve(serve::ServeArgs),
    /// Run every test: native, wasm in headless Chromium, and end to end.
    Test(test::TestArgs),
    /// Build the npm package `spsview` (wasm, wasm-bindgen glue) into npm/pkg/.
    Npm,
    /// Run every benchmark (native, wasm in headless Chromium, the sessions
    /// table, bundle sizes); writes target/bench/results.{json,md}.
    Bench(bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Serve(args) => serve::serve(&args),
        Command::Test(args) => test::test(&args),
        Command::Npm => tools::ensure_build_tools()
            .and_then(|toolchain| npm::build_npm(&toolchain))
            .map(|()| ExitCode::SUCCESS),
        Command::Bench(args) => bench::bench(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}
