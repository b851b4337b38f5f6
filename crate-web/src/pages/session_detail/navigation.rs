//! The detail page's navigation: the crumbs with previous / next session
//! (in the order of the list the user came from), the session key read from
//! the path, and the way to the login page when the login expired.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use sps_core::request::encode_component;

use super::util;
use crate::format::clip;

/// The crumbs above a session: back to the list, the key, and previous /
/// next session when the page was opened from the list.
#[component]
pub(super) fn SessionNav(
    /// The session key shown.
    key: Memo<String>,
) -> impl IntoView {
    move || {
        let key = key.get();
        let keys = util::list_keys();
        let (prev, next) = util::neighbours(&keys, &key);
        let link = |target: Option<String>,
                    label: &'static str,
                    id: &'static str,
                    rel: &'static str| {
            match target {
        Some(k) => {
            let href = format!("/sessions/{}", encode_component(&k));
            view! { <a id=id class="btn btn-sm" href=href rel=rel title=clip(&k, 200)>{label}</a> }.into_any()
        }
        None => view! { <span id=id class="btn btn-sm disabled" aria-disabled="true">{label}</span> }.into_any(),
    }
        };
        let position = keys
            .iter()
            .position(|k| *k == key)
            .map(|i| format!("{} of {} in the list", i + 1, keys.len()));
        view! {
            <nav class="crumbs" aria-label="Session navigation">
                <a id="back-to-list" href=util::list_url()>"← Sessions"</a>
                <span class="sep">"/"</span>
                <code class="crumb-key">{clip(&key, 200)}</code>
                <span class="grow"></span>
                // Only when the page was opened from the list.
                {position.map(|p| view! {
                    <span class="muted small" data-testid="list-position">{p}</span>
                    {link(prev, "← Previous session", "prev-session", "prev")}
                    {link(next, "Next session →", "next-session", "next")}
                })}
            </nav>
        }
    }
}

/// The session key in a `/sessions/<key>` path, percent-decoded once.
pub(super) fn key_from_path(path: &str) -> Option<String> {
    let raw = path.strip_prefix("/sessions/")?;
    if raw.is_empty() || raw.contains('/') {
        return None;
    }
    js_sys::decode_uri_component(raw).ok().map(String::from)
}

/// Replaces the page with the login page, which brings the user back to
/// session `key` afterwards.
pub(super) fn go_to_login(navigate: &impl Fn(&str, NavigateOptions), key: &str) {
    let here = format!("/sessions/{}", encode_component(key));
    let url = format!("/login?reason=expired&next={}", encode_component(&here));
    navigate(
        &url,
        NavigateOptions {
            replace: true,
            ..NavigateOptions::default()
        },
    );
}
