use leptos::prelude::*;
use leptos_router::components::A;

/// The bar across the top of every page: product name and the main navigation.
#[component]
pub fn TopBar() -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/sessions">
                <img src="/favicon.svg" alt="" width="20" height="20"/>
                <span>"spsview"</span>
            </a>
            <nav class="topnav">
                <A href="/sessions">"Sessions"</A>
            </nav>
        </header>
    }
}
