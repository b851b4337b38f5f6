//! `/` and `/login`: the login form.
//!
//! SPS authenticates with HTTP Basic on `GET /api/authentication` and answers
//! with an `HttpOnly` `session_id` cookie, so logging in is a single request and
//! the page never handles the session token itself.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use sps_core::LoginMethod;

use crate::api;

/// Where to go after logging in: the `next` query parameter when it is a path
/// inside this app, else the session list. Anything else (`//host`, `https:`)
/// is ignored so that a crafted link cannot send the user to another site.
pub fn safe_next(next: Option<String>) -> String {
    // Browsers drop TAB, LF and CR inside URLs (and read `\` as `/`), so
    // `/<TAB>/host` would become `//host`: any control character or
    // backslash refuses the target, as does anything not a plain local path.
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.chars().any(|c| c.is_control() || c == '\\') =>
        {
            n
        }
        _ => "/sessions".to_owned(),
    }
}

/// The login page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();

    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let method = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    // Older appliances or proxies may not answer this; the select then stays hidden
    // and the appliance's default login method is used.
    let methods = LocalResource::new(api::login_methods);
    let method_list =
        move || -> Vec<LoginMethod> { methods.get().and_then(Result::ok).unwrap_or_default() };

    let notice = move || match query.with(|q| q.get("reason")).as_deref() {
        Some("expired") => Some("Not logged in, or your login expired: please log in."),
        _ => None,
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (u, p, m) = (
            user.get_untracked(),
            password.get_untracked(),
            method.get_untracked(),
        );
        if u.is_empty() {
            error.set(Some("Enter a user name.".to_owned()));
            return;
        }
        // HTTP Basic separates user and password with the first colon (RFC 7617),
        // so a colon in the user name would silently become part of the password.
        if u.contains(':') {
            error.set(Some("A user name cannot contain a colon (:).".to_owned()));
            return;
        }
        let next = safe_next(query.with_untracked(|q| q.get("next")));
        let navigate = navigate.clone();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let chosen = (!m.is_empty()).then_some(m.as_str());
            match api::login(&u, &p, chosen).await {
                Ok(()) => {
                    busy.set(false);
                    password.set(String::new());
                    navigate(&next, NavigateOptions::default());
                }
                Err(e) => {
                    busy.set(false);
                    error.set(Some(e.to_string()));
                }
            }
        });
    };

    view! {
        <main class="login-page">
            <form id="login-form" class="login-card" on:submit=on_submit novalidate>
                <div class="login-brand">
                    <img src="/favicon.svg" alt="" width="28" height="28"/>
                    <div>
                        <h1>"spsview"</h1>
                        <p class="muted">"Safeguard for Privileged Sessions audit viewer"</p>
                    </div>
                </div>
                {move || notice().map(|n| view! {
                    <p id="login-notice" class="notice" role="status">{n}</p>
                })}
                <label for="login-user">"User name"</label>
                <input
                    id="login-user"
                    name="username"
                    type="text"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    required
                    bind:value=user
                />
                <label for="login-password">"Password"</label>
                <input
                    id="login-password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    bind:value=password
                />
                <Show when=move || !method_list().is_empty()>
                    <label for="login-method">"Login method"</label>
                    <select
                        id="login-method"
                        on:change=move |ev| method.set(event_target_value(&ev))
                        prop:value=move || method.get()
                    >
                        <option value="">"Default"</option>
                        {move || method_list().into_iter().map(|m| view! {
                            <option value=m.name>{m.label}</option>
                        }).collect_view()}
                    </select>
                </Show>
                {move || error.get().map(|e| view! {
                    <p id="login-error" class="form-error" role="alert">{e}</p>
                })}
                <button id="login-submit" class="btn btn-primary" type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { "Logging in…" } else { "Log in" }}
                </button>
            </form>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_inside_the_app() {
        assert_eq!(
            safe_next(Some("/sessions?sort=-duration".into())),
            "/sessions?sort=-duration"
        );
        assert_eq!(safe_next(Some("//evil.example/".into())), "/sessions");
        assert_eq!(safe_next(Some("/\\evil.example/".into())), "/sessions");
        assert_eq!(safe_next(Some("https://evil.example/".into())), "/sessions");
        assert_eq!(safe_next(None), "/sessions");
        // Characters browsers drop inside URLs: `/<TAB>/evil` is `//evil`.
        for hostile in [
            "/\t/evil.example/login",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\u{0}/x",
            "/a\\b",
        ] {
            assert_eq!(safe_next(Some(hostile.into())), "/sessions", "{hostile:?}");
        }
        assert_eq!(
            safe_next(Some("/sessions?q=a%09b".into())),
            "/sessions?q=a%09b"
        );
    }
}
