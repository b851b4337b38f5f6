//! spsview's viewer: a Leptos single-page app for the SPS audit API.
//!
//! `main.rs` only mounts [`App`]; the router lives here, fetching in [`api`],
//! one module per route in [`pages`], shared pieces in [`components`]; the
//! list's URL state (shared by pages and components) in [`list_state`],
//! guarded web storage in [`storage`].
//!
//! Untrusted data (everything the API returns: user names, verdicts, session
//! content typed by audited users) is only ever rendered as text nodes or
//! attribute values; nothing in this crate sets `inner_html`. Characters
//! that change how text reads without being seen (bidi overrides,
//! zero-width characters, controls) are shown as marks such as `⟨U+202E⟩`
//! ([`format::visible`]); exports keep the values as recorded.
#![deny(missing_docs)]

pub mod api;
pub mod api_detail;
pub mod components;
pub mod format;
pub mod highlight;
pub mod list_state;
pub mod pages;
pub mod storage;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use pages::alerts::AlertsPage;
use pages::login::LoginPage;
use pages::session_detail::SessionDetailPage;
use pages::sessions::SessionsPage;
use pages::stats::StatsPage;
use pages::NotFound;

/// The whole app: the router and its routes.
#[component]
pub fn App() -> impl IntoView {
    // One client for the whole viewer (its state, such as the login's
    // remaining seconds, is kept between requests): see `api::client`.
    api::provide_client();
    view! {
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/") view=LoginPage/>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/sessions") view=SessionsPage/>
                <Route path=path!("/sessions/:key") view=SessionDetailPage/>
                <Route path=path!("/alerts") view=AlertsPage/>
                <Route path=path!("/stats") view=StatsPage/>
            </Routes>
        </Router>
    }
}

// `cargo test --target wasm32-unknown-unknown` runs the unit tests in a
// headless browser (the runner drives Chromium through ChromeDriver).
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
