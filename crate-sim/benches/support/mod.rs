//! What the simulator's benches share: their runtime and their medians.

use std::time::Duration;

/// A two-thread tokio runtime (the machines have 2 cores); a bench cannot run
/// without one, so failing to build it ends the bench with the reason.
pub fn runtime() -> tokio::runtime::Runtime {
    match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("tokio runtime: {e}"),
    }
}

/// The median of some timings (the upper one of an even count).
pub fn median(mut timings: Vec<Duration>) -> Duration {
    timings.sort();
    timings.get(timings.len() / 2).copied().unwrap_or_default()
}
