//! `/` and `/login`: the login form.
//!
//! SPS authenticates with HTTP Basic on `GET /api/authentication` and answers
//! with an `HttpOnly` `session_id` cookie, so logging in is a single request and
//! the page never handles the session token itself.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use sps_core::client::LoginMethod;

use crate::api::{self, spawn_local};

/// The cheap first check of a `next` value, before the browser's URL parser
/// sees it: a local absolute path (`/…`, not `//…`) without control
/// characters or backslashes. Browsers drop TAB, LF and CR inside URLs (and
/// read `\` as `/`), so `/<TAB>/host` would become `//host`.
pub fn plausible_next(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.chars().any(|c| c.is_control() || c == '\\')
}

/// True for the paths `next` may lead to: the session list and the pages
/// under it (`/sessions`, `/sessions/<key>`), nothing else of the origin.
pub fn allowed_path(path: &str) -> bool {
    path == "/sessions" || path.starts_with("/sessions/")
}

/// The target from what the URL parser made of `next` against the page's
/// origin: kept only when it stays on `origin` and under `/sessions`, with
/// its query and fragment.
pub fn accept_resolved(
    origin: &str,
    resolved_origin: &str,
    path: &str,
    search: &str,
    hash: &str,
) -> Option<String> {
    (resolved_origin == origin && allowed_path(path)).then(|| format!("{path}{search}{hash}"))
}

/// Where to go after logging in: the `next` query parameter when it is a page
/// of this app under `/sessions`, else the session list. `next` is resolved
/// with the browser's own URL parser (the one that will follow it), against
/// this origin, so that whatever it makes of odd spellings is what is checked.
pub fn safe_next(next: Option<String>) -> String {
    const HOME: &str = "/sessions";
    let Some(next) = next.filter(|n| plausible_next(n)) else {
        return HOME.to_owned();
    };
    resolve(&next).unwrap_or_else(|| HOME.to_owned())
}

#[cfg(target_arch = "wasm32")]
fn resolve(next: &str) -> Option<String> {
    let origin = window().location().origin().ok()?;
    let url = web_sys::Url::new_with_base(next, &origin).ok()?;
    accept_resolved(
        &origin,
        &url.origin(),
        &url.pathname(),
        &url.search(),
        &url.hash(),
    )
}

/// Outside the browser (native unit tests) there is no URL parser: only a
/// plain path under `/sessions` with no dot segments passes.
#[cfg(not(target_arch = "wasm32"))]
fn resolve(next: &str) -> Option<String> {
    let path = next.split(['?', '#']).next().unwrap_or_default();
    let dotted = path
        .split('/')
        .any(|s| s == "." || s == ".." || s.contains('%'));
    (allowed_path(path) && !dotted).then(|| next.to_owned())
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
        // 401 or 403 (sps-core's `is_auth`): a login that expired, or one that may not see this.
        Some("expired") => {
            Some("Not logged in, your login expired, or it may not see this: please log in.")
        }
        _ => None,
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (u, m) = (user.get_untracked(), method.get_untracked());
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
        // The password leaves the page's state as it is sent: the field is
        // empty again whatever the answer, and nothing keeps a copy.
        let p = password.get_untracked();
        password.set(String::new());
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let chosen = (!m.is_empty()).then_some(m.as_str());
            match api::login(&u, &p, chosen).await {
                Ok(()) => {
                    busy.set(false);
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
            // `method="post"`: were the script not to run, the browser's own
            // submission must not put the password in the address (a GET
            // would, and it would reach logs and history).
            <form id="login-form" class="login-card" method="post" autocomplete="on" on:submit=on_submit novalidate>
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
    use super::*;
    #[cfg(not(target_arch = "wasm32"))]
    use proptest::prelude::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn next_stays_inside_the_app() {
        assert_eq!(
            safe_next(Some("/sessions?sort=-duration".into())),
            "/sessions?sort=-duration"
        );
        assert_eq!(
            safe_next(Some("/sessions/k1#event=4".into())),
            "/sessions/k1#event=4"
        );
        assert_eq!(safe_next(Some("//evil.example/".into())), "/sessions");
        assert_eq!(safe_next(Some("/\\evil.example/".into())), "/sessions");
        assert_eq!(safe_next(Some("https://evil.example/".into())), "/sessions");
        assert_eq!(safe_next(Some("javascript:alert(1)".into())), "/sessions");
        assert_eq!(safe_next(None), "/sessions");
        // Characters browsers drop inside URLs: `/<TAB>/evil` is `//evil`.
        for hostile in [
            "/\t/evil.example/login",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\u{0}/x",
            "/a\\b",
            "/login",
            "/sessionsx",
            "/sessions/../login",
            "/sessions/%2e%2e/login",
        ] {
            assert_eq!(safe_next(Some(hostile.into())), "/sessions", "{hostile:?}");
        }
        assert_eq!(
            safe_next(Some("/sessions?q=a%09b".into())),
            "/sessions?q=a%09b"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn only_this_origin_under_sessions() {
        let here = "http://127.0.0.1:8080";
        assert_eq!(
            accept_resolved(here, here, "/sessions/a", "?tz=utc", "#t=3").as_deref(),
            Some("/sessions/a?tz=utc#t=3")
        );
        assert_eq!(
            accept_resolved(here, "http://evil.example", "/sessions", "", ""),
            None
        );
        assert_eq!(accept_resolved(here, here, "/login", "", ""), None);
        assert_eq!(accept_resolved(here, "null", "/sessions", "", ""), None);
    }

    // proptest needs threads and OS randomness: native only.
    #[cfg(not(target_arch = "wasm32"))]
    proptest! {
        #[test]
        fn next_never_panics_and_never_leaves(text in "\\PC{0,40}|[/\\\t\n\r\\.:a-z%]{0,20}") {
            let out = safe_next(Some(text));
            prop_assert!(allowed_path(out.split(['?', '#']).next().unwrap_or_default()));
            prop_assert!(!out.starts_with("//"));
        }
    }
}
