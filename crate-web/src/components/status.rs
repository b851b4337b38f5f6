use leptos::prelude::*;

use crate::format;

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

/// Longest error message shown: an appliance's (or a proxy's) message is
/// not ours to trust, and a page of it helps nobody.
const MAX_MESSAGE_CHARS: usize = 2_000;

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
    /// For a failed request, [`crate::api::ApiError::kind_code`]: becomes
    /// `data-kind` (and the class `api-error`), for tests and styling.
    #[prop(optional, into)]
    kind: Option<&'static str>,
) -> impl IntoView {
    let class = if kind.is_some() {
        "state state-error api-error"
    } else {
        "state state-error"
    };
    view! {
        <div class=class data-testid="error" data-kind=kind role="alert">
            <strong>{title}</strong>
            <p class="error-message">{format::clip(&message, MAX_MESSAGE_CHARS)}</p>
            {retry.map(|cb| view! {
                <button type="button" class="btn retry" on:click=move |_| cb.run(())>"Try again"</button>
            })}
        </div>
    }
}
