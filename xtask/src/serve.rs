//! `cargo xtask serve`: the viewer (release build) and the simulator on one origin,
//! or the viewer and a proxy to a real appliance.

use crate::run::{run, workspace_root};
use crate::tools::{ensure_build_tools, Toolchain};
use std::process::{Command, ExitCode};

/// Options of `cargo xtask serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Port to listen on (127.0.0.1).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Number of generated sessions.
    #[arg(long, default_value_t = 20_000)]
    sessions: u64,
    /// Seed of the data generator (same seed, same data).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Proxy `/api` to this appliance (e.g. `https://sps.example.com`) instead of the simulator.
    #[arg(long, value_name = "URL")]
    sps: Option<String>,
    /// With `--sps`: accept the appliance's self-signed certificate.
    #[arg(long, requires = "sps")]
    insecure: bool,
}

/// Builds the viewer in release mode, then runs the simulator in the foreground.
pub fn serve(args: &ServeArgs) -> Result<ExitCode, String> {
    let toolchain = ensure_build_tools()?;
    build_viewer_release(&toolchain)?;
    let root = workspace_root();
    let mut sim = Command::new("cargo");
    sim.args(["run", "--release", "--package", "sps-sim", "--"])
        .args(["--port", &args.port.to_string()])
        .args(["--static", &root.join("dist").to_string_lossy()])
        .current_dir(&root);
    match &args.sps {
        Some(upstream) => {
            sim.args(["--upstream", upstream]);
            if args.insecure {
                sim.arg("--insecure");
            }
            println!(
                "xtask: viewer on http://127.0.0.1:{} (API proxied to {upstream})",
                args.port
            );
        }
        None => {
            sim.args(["--sessions", &args.sessions.to_string()])
                .args(["--seed", &args.seed.to_string()]);
            println!(
                "xtask: viewer on http://127.0.0.1:{} (simulator)",
                args.port
            );
        }
    }
    run(&mut sim)?;
    Ok(ExitCode::SUCCESS)
}

fn build_viewer_release(toolchain: &Toolchain) -> Result<(), String> {
    let mut trunk = toolchain.command("trunk");
    trunk
        .args(["build", "--release"])
        .env("TRUNK_OFFLINE", "true");
    run(&mut trunk)
}
