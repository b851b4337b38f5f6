//! "Fetch all": loading every matching session into the page with
//! crate-core's `Client::fetch_all` (which picks offset pages, a snapshot walk
//! or time slices), with a progress bar, a Cancel button and the login dialog
//! when the login expires midway.

use leptos::prelude::*;
use sps_core::client::Progress;
use sps_core::{CancelToken, FetchObserver};

use crate::components::login_dialog::{ask_login, Relogin};

/// A fetch in progress.
#[derive(Clone, Debug)]
pub struct FetchRun {
    /// Rows delivered so far.
    pub fetched: u64,
    /// How many match, once the appliance said.
    pub expected: Option<u64>,
    /// Cancels it (the Cancel button).
    pub cancel: CancelToken,
    /// Seconds the login had left when the appliance last said it was
    /// running out (`meta.remaining_seconds`): a warning, since the fetch
    /// will ask for the password when it does expire.
    pub expiring: Option<i64>,
}

/// Feeds `fetch_all`'s callbacks into the page's signals.
pub struct PageObserver {
    /// The progress bar's state.
    pub run: RwSignal<Option<FetchRun>>,
    /// The login dialog.
    pub relogin: RwSignal<Relogin>,
}

impl FetchObserver for PageObserver {
    fn progress(&mut self, progress: &Progress) {
        self.run.update(|run| {
            if let Some(run) = run {
                run.fetched = progress.fetched;
                run.expected = progress.expected.or(run.expected);
            }
        });
    }

    fn session_expiring(&mut self, remaining_seconds: i64) {
        self.run.update(|run| {
            if let Some(run) = run {
                run.expiring = Some(remaining_seconds);
            }
        });
    }

    async fn relogin(&mut self) -> bool {
        ask_login(self.relogin).await
    }
}

/// `12345` as `12,345`: counts of tens of thousands read better grouped.
// `usize::is_multiple_of` needs Rust 1.87; the workspace supports 1.85.
#[allow(clippy::manual_is_multiple_of)]
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The progress bar with its Cancel button, shown while a fetch runs.
#[component]
pub fn FetchProgress(
    /// The fetch in progress, if any.
    run: RwSignal<Option<FetchRun>>,
) -> impl IntoView {
    move || {
        run.get().map(|r| {
            let label = match r.expected {
                Some(total) => format!("Fetching sessions: {} of {}", grouped(r.fetched), grouped(total)),
                None => format!("Fetching sessions: {}", grouped(r.fetched)),
            };
            let max = r.expected.unwrap_or(0).max(r.fetched).max(1);
            let cancel = r.cancel.clone();
            let expiring = r.expiring.map(|s| {
                format!("Your login expires in about {s} s; you will be asked to log in again to continue.")
            });
            view! {
                <div id="fetch-progress" class="fetch-progress" role="status" aria-live="polite"
                    data-fetched=r.fetched.to_string()>
                    <progress max=max.to_string() value=r.fetched.to_string()></progress>
                    <span class="fetch-label">{label}</span>
                    <button id="fetch-cancel" type="button" class="btn btn-small"
                        on:click=move |_| cancel.cancel()>"Cancel"</button>
                    {expiring.map(|text| view! { <span id="fetch-expiring" class="fetch-expiring">{text}</span> })}
                </div>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::grouped;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn thousands_are_grouped() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(30_000), "30,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
