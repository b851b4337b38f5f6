//! The smallest app shaped like spsview: a Leptos router with a login form, a
//! list fetched as JSON into a table and a detail route. `cargo xtask bench`
//! builds it with the viewer's profile to show what Leptos, its router,
//! gloo-net and serde cost before any of spsview's own code.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::use_params_map;
use leptos_router::path;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
struct Row {
    key: String,
    #[serde(default)]
    protocol: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Page {
    items: Vec<Row>,
}

async fn fetch_rows(query: String) -> Result<Vec<Row>, String> {
    let reply = gloo_net::http::Request::get(&format!("/api/audit/sessions?q={query}"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let page: Page = reply.json().await.map_err(|e| e.to_string())?;
    Ok(page.items)
}

#[component]
fn Login() -> impl IntoView {
    let (user, set_user) = signal(String::new());
    view! {
        <form on:submit=|ev| ev.prevent_default()>
            <input prop:value=user on:input=move |ev| set_user.set(event_target_value(&ev))/>
            <button type="submit">"Log in"</button>
            <p>{move || user.get()}</p>
        </form>
    }
}

#[component]
fn List() -> impl IntoView {
    let (query, set_query) = signal(String::new());
    let rows = LocalResource::new(move || fetch_rows(query.get()));
    view! {
        <input on:change=move |ev| set_query.set(event_target_value(&ev))/>
        <Suspense fallback=|| "Loading">
            {move || rows.get().map(|result| match result {
                Ok(rows) => view! {
                    <table><tbody>
                        <For each=move || rows.clone() key=|row| row.key.clone() let:row>
                            <tr>
                                <td><A href=format!("/sessions/{}", row.key)>{row.key.clone()}</A></td>
                                <td>{row.protocol.clone().unwrap_or_default()}</td>
                            </tr>
                        </For>
                    </tbody></table>
                }.into_any(),
                Err(message) => view! { <p class="error">{message}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Detail() -> impl IntoView {
    let params = use_params_map();
    view! { <h1>{move || params.read().get("key").unwrap_or_default()}</h1> }
}

fn main() {
    leptos::mount::mount_to_body(|| {
        view! {
            <Router>
                <Routes fallback=|| "Not found">
                    <Route path=path!("/") view=Login/>
                    <Route path=path!("/sessions") view=List/>
                    <Route path=path!("/sessions/:key") view=Detail/>
                </Routes>
            </Router>
        }
    });
}
