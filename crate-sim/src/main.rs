//! `sps-sim`: the SPS simulator binary. Parses the command line and starts
//! [`sps_sim::serve`]; everything else lives in the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = sps_sim::Args::parse();
    let config = match sps_sim::Config::try_from(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sps-sim: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sps-sim: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(sps_sim::serve(config)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sps-sim: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
