//! `cargo xtask serve`: the viewer (release build) and the simulator on one
//! origin, or with `--sps URL` the viewer and `sps-gateway` in front of a
//! real appliance (the simulator never fronts a real appliance).

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
    /// Run `sps-gateway` in front of this appliance (e.g. `https://sps.example.com`)
    /// instead of the simulator.
    #[arg(long, value_name = "URL")]
    sps: Option<String>,
    /// With `--sps`: a PEM CA (or the appliance's self-signed certificate) to trust.
    #[arg(long, value_name = "FILE", requires = "sps")]
    upstream_ca: Vec<String>,
    /// With `--sps`: accept an `http://` appliance (credentials in clear).
    #[arg(long, requires = "sps")]
    allow_plain_http: bool,
    /// With `--sps`: DANGEROUS, do not check the appliance's certificate.
    #[arg(long, requires = "sps")]
    danger_accept_invalid_upstream_certs: bool,
    /// With `--sps`: an origin allowed to frame the viewer (repeatable).
    #[arg(long, value_name = "ORIGIN", requires = "sps")]
    frame_ancestor: Vec<String>,
}

/// Builds the viewer in release mode, then runs the simulator or the gateway
/// in the foreground.
pub fn serve(args: &ServeArgs) -> Result<ExitCode, String> {
    let toolchain = ensure_build_tools()?;
    build_viewer_release(&toolchain)?;
    let root = workspace_root();
    let dist = root.join("dist").to_string_lossy().into_owned();
    let mut cmd = Command::new("cargo");
    cmd.current_dir(&root);
    match &args.sps {
        Some(upstream) => {
            cmd.args(["run", "--release", "--package", "sps-gateway", "--"])
                .args(["--upstream", upstream])
                .args(["--port", &args.port.to_string()])
                .args(["--static", &dist]);
            for ca in &args.upstream_ca {
                cmd.args(["--upstream-ca", ca]);
            }
            for origin in &args.frame_ancestor {
                cmd.args(["--frame-ancestor", origin]);
            }
            if args.allow_plain_http {
                cmd.arg("--allow-plain-http");
            }
            if args.danger_accept_invalid_upstream_certs {
                cmd.arg("--danger-accept-invalid-upstream-certs");
            }
            println!(
                "xtask: viewer on http://127.0.0.1:{} (sps-gateway to {upstream})",
                args.port
            );
        }
        None => {
            cmd.args(["run", "--release", "--package", "sps-sim", "--"])
                .args(["--port", &args.port.to_string()])
                .args(["--static", &dist])
                .args(["--sessions", &args.sessions.to_string()])
                .args(["--seed", &args.seed.to_string()]);
            println!(
                "xtask: viewer on http://127.0.0.1:{} (simulator)",
                args.port
            );
        }
    }
    run(&mut cmd)?;
    Ok(ExitCode::SUCCESS)
}

fn build_viewer_release(toolchain: &Toolchain) -> Result<(), String> {
    let mut trunk = toolchain.command("trunk");
    trunk
        .args(["build", "--release"])
        .env("TRUNK_OFFLINE", "true");
    run(&mut trunk)
}
