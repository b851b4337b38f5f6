//! One module per route.

pub mod alerts;
pub mod login;
pub mod session_detail;
pub mod sessions;
pub mod stats;

use leptos::prelude::*;

use crate::components::TopBar;

/// Shown for any path the router does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <TopBar/>
        <main class="page">
            <div class="state state-empty" data-testid="not-found">
                <strong>"Page not found"</strong>
                <p>"This address is not part of spsview. "<a href="/sessions">"Go to the session list"</a>"."</p>
            </div>
        </main>
    }
}
