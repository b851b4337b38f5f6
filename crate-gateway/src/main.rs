//! `sps-gateway`: parses the command line and runs [`sps_gateway::serve`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = sps_gateway::Args::parse();
    let config = match sps_gateway::Config::try_from(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sps-gateway: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sps-gateway: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(sps_gateway::serve(config)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sps-gateway: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
