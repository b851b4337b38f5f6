use leptos::prelude::*;

/// A quiet "loading" line with a spinner, for anything waiting on the API.
#[component]
pub fn Loading(
    /// What is being loaded, e.g. "sessions".
    #[prop(into)]
    what: String,
) -> impl IntoView {
    view! {
        <div class="state state-loading" data-testid="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {format!("Loading {what}…")}
        </div>
    }
}

/// A visible error: a heading plus the message (as text) and an optional retry.
#[component]
pub fn ErrorPanel(
    /// Short heading, e.g. "Could not load sessions".
    #[prop(into)]
    title: String,
    /// The detailed message; shown as a text node, so API text cannot inject markup.
    #[prop(into)]
    message: String,
    /// Called by the "Try again" button, when given.
    #[prop(optional, into)]
    retry: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div class="state state-error" data-testid="error" role="alert">
            <strong>{title}</strong>
            <p class="error-message">{message}</p>
            {retry.map(|cb| view! {
                <button type="button" class="btn" on:click=move |_| cb.run(())>"Try again"</button>
            })}
        </div>
    }
}
