//! Summary chips: the most common protocols, verdicts and users of the
//! current result with their counts. They come from the appliance's
//! `stats?field=` when the list is paged (the whole result, not just the page),
//! from the rows themselves once all are loaded. A click narrows the query to
//! that value (`field:value`, escaped by crate-core's builder).

use std::collections::HashMap;

use leptos::prelude::*;
use sps_core::{parse_query, FieldSource, Query, SessionSearch};

use crate::api::{self, ApiError};
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

/// Counts the values of the summarised fields over loaded rows (each value
/// of a multi-valued field counts once per session).
pub fn count_rows(rows: &TableRows) -> Buckets {
    CHIP_FIELDS
        .iter()
        .map(|&(field, _)| {
            let mut counts: HashMap<String, u64> = HashMap::new();
            for row in rows.rows.iter() {
                for value in row.field_values(field) {
                    let text = value.to_text();
                    if !text.is_empty() {
                        *counts.entry(text.into_owned()).or_default() += 1;
                    }
                }
            }
            (field, top(counts.into_iter().collect()))
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
        let reply = api::stats(field, &search, CHIPS_PER_FIELD as u32).await?;
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
        out.push((field, top(values)));
    }
    Ok(out)
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
            let label = CHIP_FIELDS
                .iter()
                .find(|(f, _)| *f == field)
                .map_or(field, |(_, l)| l);
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

    #[test]
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
}
