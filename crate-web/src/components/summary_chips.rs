//! Summary chips: the most common protocols, verdicts and users of the
//! current result with their counts. They come from the appliance's
//! `stats?field=` when the list is paged (the whole result, not just the page),
//! from the rows themselves once all are loaded. A click narrows the query to
//! that value (`field:value`, escaped by crate-core's builder).

use std::collections::HashMap;

use leptos::prelude::*;
use sps_core::{parse_query, FieldSource, Query, SessionSearch};

use crate::api::{self, ApiError};
use crate::components::columns::FALLBACKS;
use crate::components::fetch_all::grouped;
use crate::components::session_table::TableRows;

/// The fields summarised, with their labels.
pub const CHIP_FIELDS: [(&str, &str); 3] = [
    ("protocol", "Protocol"),
    ("verdict", "Verdict"),
    ("user.gateway_username", "User"),
];

/// Values shown per field (the most common first).
pub const CHIPS_PER_FIELD: usize = 6;

/// Counted values per field: `(field, [(value, count)])`, most common first.
pub type Buckets = Vec<(&'static str, Vec<(String, u64)>)>;

/// The field a chip group falls back to when its own field has no values:
/// the list's column fallback (real 7.x bodies may lack
/// `user.gateway_username`, 6.0 bodies hold it in `user.name`).
fn fallback_of(field: &str) -> Option<&'static str> {
    FALLBACKS
        .iter()
        .find(|(column, _)| *column == field)
        .map(|&(_, fallback)| fallback)
}

/// The label of a chip group, also when it shows the fallback field.
fn label_of(field: &'static str) -> &'static str {
    CHIP_FIELDS
        .iter()
        .find(|(f, _)| *f == field || fallback_of(f) == Some(field))
        .map_or(field, |&(_, label)| label)
}

/// Counts one field's values over loaded rows (each value of a multi-valued
/// field counts once per session).
fn count_field(rows: &TableRows, field: &str) -> Vec<(String, u64)> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for row in rows.rows.iter() {
        for value in row.field_values(field) {
            let text = value.to_text();
            if !text.is_empty() {
                *counts.entry(text.into_owned()).or_default() += 1;
            }
        }
    }
    top(counts.into_iter().collect())
}

/// Counts the values of the summarised fields over loaded rows. A field
/// that no row has is counted from its fallback instead, and the group is
/// keyed by the fallback so that a click narrows by the field shown.
pub fn count_rows(rows: &TableRows) -> Buckets {
    CHIP_FIELDS
        .iter()
        .map(|&(field, _)| {
            let own = count_field(rows, field);
            match fallback_of(field) {
                Some(fallback) if own.is_empty() => (fallback, count_field(rows, fallback)),
                _ => (field, own),
            }
        })
        .collect()
}

/// The most common values first (ties by value, so the order is stable).
fn top(mut values: Vec<(String, u64)>) -> Vec<(String, u64)> {
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    values.truncate(CHIPS_PER_FIELD);
    values
}

/// Asks the appliance for the top values of each summarised field
/// (`stats?field=…&size=…` with the search's `q`, `start`, `end`).
pub async fn fetch_buckets(search: SessionSearch) -> Result<Buckets, ApiError> {
    let mut out = Vec::new();
    for &(field, _) in &CHIP_FIELDS {
        let mut bucket = (field, stats_values(field, &search).await?);
        if bucket.1.is_empty() {
            // No session has the field (see `fallback_of`): one more request.
            if let Some(fallback) = fallback_of(field) {
                bucket = (fallback, stats_values(fallback, &search).await?);
            }
        }
        out.push(bucket);
    }
    Ok(out)
}

/// The most common values of one field from `stats`.
async fn stats_values(field: &str, search: &SessionSearch) -> Result<Vec<(String, u64)>, ApiError> {
    let reply = api::stats(field, search, CHIPS_PER_FIELD as u32).await?;
    let values = reply
        .items
        .into_iter()
        .map(|b| {
            let text = match b.value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (text, b.count)
        })
        .filter(|(text, _)| !text.is_empty() && text != "null")
        .collect();
    Ok(top(values))
}

/// `q` narrowed to `field:value`. The value goes through crate-core's builder,
/// so whatever it holds (spaces, colons, `*`, `AND`) stays one literal value.
pub fn add_condition(q: &str, field: &str, value: &str) -> String {
    let condition = Query::field(field).eq(value);
    if q.trim().is_empty() {
        return condition.to_string();
    }
    match parse_query(q) {
        Ok(existing) => existing.and(condition).to_string(),
        // The bar only applies valid queries, so this is a stale URL: keep it
        // as typed, grouped, rather than lose it.
        Err(_) => format!("({q}) AND {condition}"),
    }
}

/// The chips. `source` says where the counts come from (shown as a hint).
#[component]
pub fn SummaryChips(
    /// The counts, when known.
    buckets: Buckets,
    /// "whole result" or "this page".
    source: &'static str,
    /// A chip was clicked: `(field, value)`.
    on_pick: Callback<(&'static str, String)>,
    /// The counts are lower bounds of the whole result (a page's rows, or a
    /// fetch that stopped early): each says "at least".
    #[prop(optional)]
    at_least: bool,
) -> impl IntoView {
    let groups = buckets
        .into_iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(field, values)| {
            let label = label_of(field);
            let chips = values
                .into_iter()
                .map(|(value, count)| {
                    let shown = crate::format::clip(&value, 200);
                    let attr = value.clone();
                    view! {
                        <button type="button" class="chip" data-field=field data-value=attr
                            title="Narrow the search to this value"
                            on:click=move |_| on_pick.run((field, value.clone()))>
                            <span class="chip-value">{shown}</span>
                            <span class="chip-count" title=at_least.then_some("at least this many in the whole result")>
                                {if at_least { format!("≥{}", grouped(count)) } else { grouped(count) }}
                            </span>
                        </button>
                    }
                })
                .collect_view();
            view! {
                <div class="chip-group" data-field=field>
                    <span class="chip-label">{label}</span>
                    {chips}
                </div>
            }
        })
        .collect_view();
    view! {
        <div id="summary-chips" class="summary-chips" data-source=source data-lower-bound=at_least.to_string()>
            {groups}
            <span class="muted chip-source">
                {format!("counts of the {source}{}", if at_least { " (lower bounds of the whole result)" } else { "" })}
            </span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn conditions_are_escaped_and_anded() {
        assert_eq!(add_condition("", "protocol", "SSH"), "protocol:SSH");
        let q = add_condition("protocol:SSH", "user.gateway_username", "a b:c");
        assert!(
            q.starts_with("protocol:SSH AND user.gateway_username:"),
            "{q}"
        );
        assert!(parse_query(&q).is_ok(), "{q}");
        let or = add_condition("protocol:SSH OR protocol:RDP", "verdict", "ACCEPT");
        let parsed = parse_query(&or).map(|p| p.to_string());
        assert_eq!(parsed.as_deref().ok(), Some(or.as_str()));
        assert!(or.contains("(protocol:SSH OR protocol:RDP)"), "{or}");
    }

    fn rows(bodies: &[serde_json::Value]) -> TableRows {
        let rows = bodies
            .iter()
            .enumerate()
            .map(|(i, body)| {
                serde_json::from_value(serde_json::json!({"key": format!("k{i}"), "body": body}))
                    .expect("a session row")
            })
            .collect();
        TableRows::in_order(std::sync::Arc::new(rows))
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn user_chips_fall_back_to_user_name_when_no_row_has_the_gateway_username() {
        // As real 7.x bodies without gateway authentication: only user.name.
        let only_name = rows(&[
            serde_json::json!({"protocol": "SSH", "user": {"name": "yoda"}}),
            serde_json::json!({"protocol": "SSH", "user": {"name": "yoda"}}),
            serde_json::json!({"protocol": "RDP", "user": {"name": "leia"}}),
        ]);
        let buckets = count_rows(&only_name);
        let user = buckets.iter().find(|(f, _)| *f == "user.name");
        assert_eq!(
            user.map(|(_, v)| v.clone()),
            Some(vec![("yoda".to_owned(), 2), ("leia".to_owned(), 1)])
        );
        assert_eq!(label_of("user.name"), "User");
        // A click then narrows by the field shown.
        assert_eq!(add_condition("", "user.name", "yoda"), "user.name:yoda");

        // With gateway usernames the group stays on that field.
        let with_gateway = rows(&[serde_json::json!({
            "user": {"gateway_username": "root", "name": "yoda"}
        })]);
        let buckets = count_rows(&with_gateway);
        assert!(buckets
            .iter()
            .any(|(f, v)| *f == "user.gateway_username" && v == &[("root".to_owned(), 1)]));
        assert!(!buckets.iter().any(|(f, _)| *f == "user.name"));
    }
}
