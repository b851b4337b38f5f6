//! A simulator of the One Identity Safeguard for Privileged Sessions (SPS)
//! audit REST API: authentication, every `/api/audit/sessions` endpoint over
//! generated or loaded data, snapshots, fault injection, static files for the
//! viewer. It is for tests and demos only: putting the viewer in front of a
//! real appliance is `sps-gateway`'s job (crate-gateway), which mounts none
//! of the fault machinery.
//!
//! Start it in-process with [`start`] (tests bind port 0 and read the address),
//! or build the [`router`] around a state from [`state::build`].
#![deny(missing_docs)]

pub mod api;
pub mod auth;
pub mod config;
pub mod csv_out;
pub mod error;
pub mod faults;
pub mod generate;
pub mod hostile;
pub mod links;
pub mod listing;
pub mod snapshot;
pub mod state;
pub mod store;

use std::net::SocketAddr;

use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::services::{ServeDir, ServeFile};

pub use config::{Args, Compat, Config, UserSpec};
pub use error::{ApiError, SimError};
pub use state::AppState;

/// The application: `/api` routes, faults, auth, static files.
pub fn router(state: AppState) -> Router {
    let audit = Router::new()
        .route("/api/audit", get(api::audit_root))
        .route("/api/audit/sessions", get(api::sessions))
        .route("/api/audit/sessions/_snapshot", get(api::create_snapshot))
        .route("/api/audit/sessions/_count", get(api::count))
        .route("/api/audit/sessions/stats", get(api::stats))
        .route("/api/audit/sessions/histogram", get(api::histogram))
        .route("/api/audit/sessions/{key}", get(api::session))
        .route("/api/audit/sessions/{key}/", get(api::session))
        .route("/api/audit/sessions/{key}/{part}", get(api::session_part))
        .route("/api/audit/sessions/{key}/{part}/", get(api::session_part))
        .route("/api/audit/sessions/{key}/channels/{n}", get(api::channel))
        .route_layer(from_fn_with_state(state.clone(), auth::require_search));
    // Test control, outside `/api` so that faults never apply to it; a
    // browser page of another origin may not use it (see faults.rs).
    let control = Router::new()
        .route(
            "/_sim/faults",
            get(faults::list_rules)
                .post(faults::add_rule)
                .delete(faults::clear_rules),
        )
        .route_layer(from_fn(faults::require_loopback_origin));
    let api = Router::new()
        .route("/api/authentication", get(auth::login))
        .route(
            "/api/authentication/login_methods",
            get(auth::login_methods),
        )
        .route("/api/info", get(api::info))
        .merge(audit)
        .route("/api/{*rest}", axum::routing::any(api::api_not_found))
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(from_fn_with_state(state.clone(), faults::inject))
        .merge(control);
    let app = match &state.config.static_dir {
        Some(dir) => {
            // Unknown paths get index.html: the viewer routes on the client side.
            let index = ServeFile::new(dir.join("index.html"));
            api.fallback_service(
                ServeDir::new(dir)
                    .append_index_html_on_directories(true)
                    .fallback(index),
            )
        }
        None => api.fallback(|| async {
            (
                axum::http::StatusCode::NOT_FOUND,
                "Not found (start sps-sim with --static DIR to serve the viewer)\n",
            )
        }),
    };
    app.with_state(state)
}

/// A running server.
#[derive(Debug)]
pub struct Running {
    /// The bound address (port 0 resolved).
    pub addr: SocketAddr,
    /// The server task.
    pub task: tokio::task::JoinHandle<Result<(), std::io::Error>>,
    /// The state, for inspection in tests.
    pub state: AppState,
}

/// Binds and starts serving in the background; returns the bound address.
pub async fn start_with_state(state: AppState) -> Result<Running, SimError> {
    let listener = TcpListener::bind((state.config.host, state.config.port)).await?;
    let addr = listener.local_addr()?;
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Running { addr, task, state })
}

/// Builds the state from `config`, binds and starts serving in the background.
pub async fn start(config: Config) -> Result<Running, SimError> {
    let cfg = config.clone();
    let state = tokio::task::spawn_blocking(move || state::build(cfg))
        .await
        .map_err(|e| SimError::Config(format!("data generation failed: {e}")))??;
    start_with_state(state).await
}

/// Runs the simulator until interrupted (the binary's entry point).
pub async fn serve(config: Config) -> Result<(), SimError> {
    let t0 = std::time::Instant::now();
    let running = start(config).await?;
    let cfg = &running.state.config;
    println!(
        "sps-sim: {} sessions ready in {:.1?}",
        running.state.store.len(),
        t0.elapsed()
    );
    for u in &cfg.users {
        println!(
            "sps-sim: user {:?} password {:?}{}",
            u.name,
            u.password,
            if u.can_search {
                ""
            } else {
                " (no search rights: 403)"
            }
        );
    }
    if let Some(dir) = &cfg.static_dir {
        if !dir.join("index.html").is_file() {
            eprintln!(
                "sps-sim: warning: {} has no index.html (build the viewer first)",
                dir.display()
            );
        }
        println!("sps-sim: serving {} at /", dir.display());
    }
    println!("sps-sim: listening on http://{}", running.addr);
    let shutdown = tokio::signal::ctrl_c();
    tokio::select! {
        r = running.task => match r {
            Ok(r) => r.map_err(SimError::Io),
            Err(e) => Err(SimError::Config(e.to_string())),
        },
        _ = shutdown => Ok(()),
    }
}
