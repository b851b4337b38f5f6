//! Shared server state.

use std::sync::Arc;

use crate::auth::Logins;
use crate::config::Config;
use crate::error::SimError;
use crate::faults::FaultState;
use crate::snapshot::Snapshots;
use crate::store::Store;

/// Everything handlers share; cheap to clone.
pub type AppState = Arc<Inner>;

/// The shared state behind [`AppState`].
#[derive(Debug)]
pub struct Inner {
    /// The configuration the server was started with.
    pub config: Config,
    /// The sessions.
    pub store: Store,
    /// Live logins.
    pub logins: Logins,
    /// Open snapshots.
    pub snapshots: Snapshots,
    /// Fault injection state.
    pub faults: FaultState,
    /// Results of recent content searches.
    pub content_cache: crate::listing::ContentCache,
}

/// Builds the state: loads or generates the sessions (can take a few seconds
/// for a million).
pub fn build(config: Config) -> Result<AppState, SimError> {
    let store = match &config.data {
        Some(path) => Store::load_file(path, &config.public_base)?,
        None => Store::generated_for(
            config.seed,
            config.sessions,
            config.now,
            &config.public_base,
            config.compat,
        ),
    };
    with_store(config, store)
}

/// Builds the state around a ready store (tests use this with loaded sessions).
pub fn with_store(config: Config, store: Store) -> Result<AppState, SimError> {
    Ok(Arc::new(Inner {
        logins: Logins::new(
            config.users.clone(),
            config.session_timeout,
            config.expire_after,
        )
        .reporting_renewed(!config.compat.is_6_0()),
        snapshots: Snapshots::new(config.snapshot_ttl, config.max_snapshots),
        faults: FaultState::new(config.seed, config.faults.clone()),
        store,
        content_cache: Default::default(),
        config,
    }))
}
