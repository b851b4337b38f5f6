//! The statistics page (`/stats?<the list's parameters>&field=&size=&flow=`):
//! the top values of a field as bars, and the flow of sessions through two
//! or three fields, both counted by the appliance's `stats` for the list's
//! search. Every value opens the list filtered by it. The URL holds the
//! whole state (read by [`params::StatsParams`], the list's part by
//! `ListState`), so a reload or a shared link shows the same page.

pub mod params;
mod sections;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use sps_core::SessionSearch;

use crate::api::ApiError;
use crate::components::flow::FlowPick;
use crate::components::TopBar;
use crate::list_state::ListState;
use params::{filter_url, StatsParams};
use sections::{flow_section, top_section};

/// What a failed `stats` request means for the person at the screen: the
/// heading and the sentence the status area shows.
pub fn error_text(error: &ApiError) -> (String, String) {
    if error.is_not_found() {
        return (
            "No statistics on this appliance".to_owned(),
            "The appliance answered 404 to /api/audit/sessions/stats: it has no statistics \
             endpoint (older SPS versions). The session list still works."
                .to_owned(),
        );
    }
    if error.is_auth() {
        return (
            "Not logged in".to_owned(),
            format!("The appliance asks for a login ({error}). Log in, then come back."),
        );
    }
    ("Could not count the sessions".to_owned(), error.to_string())
}

/// The login page, coming back to the list of the same search afterwards
/// (the login only follows `next` under `/sessions`; the list's Statistics
/// link is one click from there).
fn login_url(params: &StatsParams) -> String {
    let list = ListState {
        offset: 0,
        ..params.list.clone()
    };
    sps_core::request::ApiPath::new("/login")
        .param("next", &list.page_url())
        .build()
}

/// The search the counts are for: the list's filters, nothing else.
fn search_of(list: &ListState) -> Result<SessionSearch, ApiError> {
    list.fetch_search(&["protocol"])
        .map_err(|e| ApiError::NotSent(e.to_string()))
}

/// The statistics page.
#[component]
pub fn StatsPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let params =
        Memo::new(move |_| query.with(|m| StatsParams::from_lookup(|name| m.get_str(name))));
    let go_params = {
        let navigate = navigate.clone();
        Callback::new(move |next: StatsParams| {
            navigate(&next.url(), NavigateOptions::default());
        })
    };
    let pick = Callback::new(move |picks: FlowPick| {
        let list = params.with_untracked(|p| p.list.clone());
        navigate(&filter_url(&list, &picks), NavigateOptions::default());
    });
    let back = move || {
        params.with(|p| {
            ListState {
                offset: 0,
                ..p.list.clone()
            }
            .page_url()
        })
    };
    let described = move || {
        params.with(|p| {
            let mut parts = Vec::new();
            if !p.list.q.is_empty() {
                parts.push(format!("q: {}", crate::format::visible(&p.list.q)));
            }
            if !p.list.content.is_empty() {
                parts.push(format!(
                    "content: {}",
                    crate::format::visible(&p.list.content)
                ));
            }
            if !p.list.start.is_empty() || !p.list.end.is_empty() {
                parts.push(format!("from {} to {}", p.list.start, p.list.end));
            } else {
                parts.push(p.list.range.label().to_owned());
            }
            format!("Sessions of the list's search ({}).", parts.join("; "))
        })
    };
    view! {
        <TopBar/>
        <main class="page page-stats" id="stats-page">
            <div class="stats-head">
                <h1>"Statistics"</h1>
                <p id="stats-search" class="muted">{described}</p>
                <p class="stats-links">
                    <a id="stats-back" class="btn" href=back>"Back to the list"</a>
                </p>
            </div>
            {move || params.with(|p| p.list.offline).then(|| view! {
                <div id="stats-status" class="state state-empty" role="status">
                    "Statistics are counted by the appliance; an opened export file is not. "
                    <a href=back>"Back to the file's list"</a>
                </div>
            })}
            {move || (!params.with(|p| p.list.offline)).then(|| view! {
                {top_section(params, go_params)}
                {flow_section(params, go_params, pick)}
            })}
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn api(status: u16, kind: &str) -> ApiError {
        ApiError::Api {
            status,
            kind: kind.to_owned(),
            message: "m".to_owned(),
            problem: None,
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_404_says_the_appliance_has_no_statistics() {
        let (title, text) = error_text(&api(404, "NotFound"));
        assert_eq!(title, "No statistics on this appliance");
        assert!(text.contains("404"));
        let (title, _) = error_text(&api(400, "InvalidQuery"));
        assert_eq!(title, "Could not count the sessions");
        let (title, _) = error_text(&ApiError::Unauthenticated {
            kind: "Unauthenticated".into(),
            message: "no".into(),
        });
        assert_eq!(title, "Not logged in");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_login_comes_back_to_the_same_search() {
        let params = StatsParams::from_lookup(|n| (n == "q").then_some("protocol:ssh"));
        assert_eq!(
            login_url(&params),
            "/login?next=%2Fsessions%3Fq%3Dprotocol%253Assh"
        );
        let next = sps_core::request::decode_component("%2Fsessions%3Fq%3Dprotocol%253Assh");
        assert_eq!(crate::pages::login::safe_next(Some(next.clone())), next);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_bad_search_is_not_sent() {
        let list = ListState {
            q: "protocol:(".into(),
            ..ListState::default()
        };
        assert!(matches!(search_of(&list), Err(ApiError::NotSent(_))));
        assert!(search_of(&ListState::default()).is_ok());
    }
}
