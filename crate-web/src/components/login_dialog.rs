//! The login dialog: when the appliance answers 401 in the middle of work (a
//! fetch of 30,000 sessions, an export), navigating to the login page would
//! throw that work away. Instead a dialog opens over the page; the work waits
//! for its answer ([`ask_login`]) and resumes from the failed request.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::{self, spawn_local};

/// Where the dialog stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Relogin {
    /// Not shown.
    #[default]
    Hidden,
    /// Shown: somebody waits for the answer.
    Asking,
    /// Answered: logged in again (`true`) or given up (`false`); [`ask_login`]
    /// takes the answer and hides the dialog.
    Answered(bool),
}

/// Opens the dialog and waits until it is answered: `true` once logged in
/// again. If the dialog is already open (two tasks hit the 401), both wait for
/// the same answer.
pub async fn ask_login(state: RwSignal<Relogin>) -> bool {
    if state.get_untracked() == Relogin::Hidden {
        state.set(Relogin::Asking);
    }
    // Polling a signal every 150 ms keeps this free of channel crates; a person
    // typing a password does not notice the delay.
    loop {
        match state.get_untracked() {
            Relogin::Answered(ok) => {
                // Let other waiters see the answer before it is cleared.
                api::sleep_ms(200).await;
                state.set(Relogin::Hidden);
                return ok;
            }
            Relogin::Hidden => return false,
            Relogin::Asking => api::sleep_ms(150).await,
        }
    }
}

/// The dialog itself; render it once per page. Shown while `state` is `Asking`.
#[component]
pub fn LoginDialog(
    /// Shared with [`ask_login`].
    state: RwSignal<Relogin>,
) -> impl IntoView {
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let user_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if state.get() == Relogin::Asking {
            if let Some(input) = user_ref.get() {
                let _ = input.focus();
            }
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (u, p) = (user.get_untracked(), password.get_untracked());
        if u.is_empty() || u.contains(':') {
            error.set(Some("Enter a user name (without a colon).".to_owned()));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::login(&u, &p, None).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    password.set(String::new());
                    state.set(Relogin::Answered(true));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let give_up = move |_| state.set(Relogin::Answered(false));

    view! {
        <Show when=move || state.get() == Relogin::Asking>
            <div class="modal-backdrop">
                <form id="relogin-dialog" class="modal login-card" role="dialog" aria-modal="true"
                    aria-labelledby="relogin-title" on:submit=submit novalidate>
                    <h2 id="relogin-title">"Your login expired"</h2>
                    <p class="muted">"Log in again to continue; the work in progress resumes where it stopped."</p>
                    <label for="relogin-user">"User name"</label>
                    <input id="relogin-user" type="text" autocomplete="username" autocapitalize="none"
                        spellcheck="false" node_ref=user_ref bind:value=user/>
                    <label for="relogin-password">"Password"</label>
                    <input id="relogin-password" type="password" autocomplete="current-password" bind:value=password/>
                    {move || error.get().map(|e| view! { <p id="relogin-error" class="form-error" role="alert">{e}</p> })}
                    <div class="modal-buttons">
                        <button id="relogin-cancel" type="button" class="btn" on:click=give_up>"Stop"</button>
                        <button id="relogin-submit" type="submit" class="btn btn-primary" disabled=move || busy.get()>
                            {move || if busy.get() { "Logging in…" } else { "Log in and continue" }}
                        </button>
                    </div>
                </form>
            </div>
        </Show>
    }
}
