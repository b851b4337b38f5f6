//! `/sessions/:key`: placeholder. The detail view is not built yet, and the
//! session list does not link here, so nothing presents it as finished.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::TopBar;

/// Placeholder for one session's detail page.
#[component]
pub fn SessionDetailPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || params.with(|p| p.get("key")).unwrap_or_default();
    view! {
        <TopBar/>
        <main class="page">
            <div class="state state-empty" data-testid="detail-placeholder">
                <strong>"Session detail is not available yet"</strong>
                <p>"Session key: "<code>{key}</code></p>
                <p><a href="/sessions">"Back to the session list"</a></p>
            </div>
        </main>
    }
}
