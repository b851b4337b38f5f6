//! The table's columns: which fields (any showable field of crate-core's
//! session catalogue), in which order and how wide, kept in `localStorage` so
//! that the choice survives a reload; the chooser; and the cell of a field.

use std::collections::BTreeMap;

use leptos::prelude::*;
use sps_core::query::{FieldSpec, FieldType};
use sps_core::{Catalogue, FieldSource, SessionRow};

use crate::components::zone::ListZone;
use crate::components::VerdictBadge;
use crate::format;

/// `localStorage` key of the chosen columns: a JSON array of field names.
pub const COLUMNS_KEY: &str = "spsview.list.columns";

/// `localStorage` key of the column widths: a JSON object field → pixels.
pub const WIDTHS_KEY: &str = "spsview.list.widths";

/// The columns shown before anyone chooses.
pub const DEFAULT_COLUMNS: &[&str] = &[
    "protocol",
    "user.gateway_username",
    "server.ip",
    "start_time",
    "duration",
    "verdict",
];

/// Always fetched: `active` marks live sessions whether or not it is a column.
pub const ALWAYS_FETCHED: &[&str] = &["active"];

/// Columns that show another field when the appliance sent none, and that
/// field, fetched with them: real 7.x bodies have no `user.gateway_username`
/// at all (only `user.name`), 6.0 bodies hold the gateway username in
/// `user.name`.
pub const FALLBACKS: &[(&str, &str)] = &[("user.gateway_username", "user.name")];

/// Narrowest a column can be dragged to.
pub const MIN_WIDTH: f64 = 60.0;

/// Width of the key column (not resizable: keys have a fixed length).
pub const KEY_WIDTH: f64 = 230.0;

/// The catalogue entry of a showable sessions field.
pub fn spec(name: &str) -> Option<&'static FieldSpec> {
    Catalogue::sessions().resolve(name).filter(|s| s.showable)
}

/// The chosen columns: from storage, unknown names dropped (an older version
/// may have stored a field this catalogue no longer has), else the defaults.
pub fn load_columns() -> Vec<&'static FieldSpec> {
    let stored: Option<Vec<String>> = crate::storage::local_get(COLUMNS_KEY);
    let chosen: Vec<&'static FieldSpec> = stored
        .unwrap_or_default()
        .iter()
        .filter_map(|n| spec(n))
        .fold(Vec::new(), |mut acc, s| {
            if !acc.iter().any(|a: &&FieldSpec| a.name == s.name) {
                acc.push(s);
            }
            acc
        });
    if chosen.is_empty() {
        DEFAULT_COLUMNS.iter().filter_map(|n| spec(n)).collect()
    } else {
        chosen
    }
}

/// Saves the chosen columns. Best effort: storage may be disabled or full.
pub fn save_columns(columns: &[&'static FieldSpec]) {
    let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
    crate::storage::local_set(COLUMNS_KEY, &names);
}

/// The stored column widths.
pub fn load_widths() -> BTreeMap<String, f64> {
    crate::storage::local_get(WIDTHS_KEY).unwrap_or_default()
}

/// Saves the column widths (best effort).
pub fn save_widths(widths: &BTreeMap<String, f64>) {
    crate::storage::local_set(WIDTHS_KEY, widths);
}

/// The `fields=` of the list request: the columns, the [`FALLBACKS`] of
/// those columns, plus [`ALWAYS_FETCHED`].
pub fn request_fields(columns: &[&'static FieldSpec]) -> Vec<&'static str> {
    let mut fields: Vec<&'static str> = columns.iter().map(|c| c.name).collect();
    let fallbacks = FALLBACKS
        .iter()
        .filter(|(column, _)| columns.iter().any(|c| c.name == *column))
        .map(|&(_, fallback)| fallback);
    for extra in fallbacks.chain(ALWAYS_FETCHED.iter().copied()) {
        if !fields.contains(&extra) {
            fields.push(extra);
        }
    }
    fields
}

/// The text of a column with a fallback: its own values, else (second
/// `true`) the fallback field's, else nothing. Text only, clipped.
pub fn with_fallback<S: FieldSource + ?Sized>(body: &S, name: &str) -> Option<(String, bool)> {
    let own = joined(body, name);
    if !own.is_empty() {
        return Some((own, false));
    }
    let &(_, fallback) = FALLBACKS.iter().find(|(column, _)| *column == name)?;
    let other = joined(body, fallback);
    (!other.is_empty()).then_some((other, true))
}

/// A width that suits the field's values before anyone resizes it.
pub fn default_width(spec: &FieldSpec) -> f64 {
    match (spec.name, spec.kind) {
        (_, FieldType::Date) => 290.0,
        ("verdict", _) | ("recording.verdict", _) => 190.0,
        ("protocol", _) => 100.0,
        ("duration", _) => 140.0,
        (_, FieldType::Boolean) | (_, FieldType::Integer) => 110.0,
        (_, FieldType::Ip) => 150.0,
        _ => 180.0,
    }
}

/// A CSS class for the field's cells (alignment), from a fixed list.
pub fn cell_class(spec: &FieldSpec) -> &'static str {
    match spec.kind {
        FieldType::Integer => "col-num",
        _ => "col-text",
    }
}

/// The class of a risk-score badge: low, medium or high. The aggregated
/// score runs from 0 to 100 (as SPS's analytics and the simulator give it).
pub fn score_class(score: f64) -> &'static str {
    if score >= 70.0 {
        "badge score score-high"
    } else if score >= 40.0 {
        "badge score score-medium"
    } else {
        "badge score score-low"
    }
}

/// The cell of `spec` for `row`: times in the chosen zone (offset written),
/// durations as `3m 05s`, verdicts and risk scores as coloured badges,
/// everything else as text. Never markup from the data.
pub fn cell_view(row: &SessionRow, spec: &'static FieldSpec, tz: ListZone) -> AnyView {
    let Some(body) = row.body.as_ref() else {
        return ().into_any();
    };
    let name = spec.name;
    match name {
        "verdict" | "recording.verdict" => {
            let text = joined(body, name);
            if text.is_empty() {
                return ().into_any();
            }
            return view! { <VerdictBadge verdict=text/> }.into_any();
        }
        "analytics.score.aggregated" => {
            let Some(score) = body.first_value(name).and_then(|v| v.as_f64()) else {
                return ().into_any();
            };
            let text = joined(body, name);
            let attr = text.clone();
            return view! { <span class=score_class(score) data-score=attr>{text}</span> }
                .into_any();
        }
        "user.gateway_username" => {
            return match with_fallback(body, name) {
                None => ().into_any(),
                Some((text, false)) => text.into_any(),
                Some((text, true)) => view! {
                    <span class="fallback" data-fallback="user.name"
                        title="No gateway username was sent: this is user.name">
                        {text}
                        <span class="fallback-hint muted">" (user.name)"</span>
                    </span>
                }
                .into_any(),
            };
        }
        "duration" => {
            let live = body.get_bool("active").unwrap_or(false);
            let text = body.get_i64(name).map(format::duration).unwrap_or_default();
            return view! {
                {text}
                {live.then(|| view! { <span class="live" data-testid="live">"live"</span> })}
            }
            .into_any();
        }
        _ => {}
    }
    if spec.kind == FieldType::Date {
        let text = body
            .get_timestamp(name)
            .map(|t| tz.format(&t))
            .unwrap_or_else(|| joined(body, name));
        return text.into_any();
    }
    joined(body, name).into_any()
}

/// All values of a field as text, joined with ", " (clipped: see [`format::shown`]).
fn joined<S: FieldSource + ?Sized>(body: &S, name: &str) -> String {
    let text = body
        .field_values(name)
        .map(|v| v.to_text().into_owned())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    format::shown(&text)
}

/// The column chooser: the chosen columns in order (move up, remove), and a
/// list of every other showable field to add. Changes are saved at once.
#[component]
pub fn ColumnChooser(
    /// The chosen columns, shared with the table and the requests.
    columns: RwSignal<Vec<&'static FieldSpec>>,
) -> impl IntoView {
    let update = move |f: &dyn Fn(&mut Vec<&'static FieldSpec>)| {
        columns.update(|c| f(c));
        columns.with_untracked(|c| save_columns(c));
    };
    let chosen = move || {
        let list = columns.get();
        let n = list.len();
        list.into_iter()
            .enumerate()
            .map(|(i, spec)| {
                let up = move |_| {
                    update(&|c| {
                        if i > 0 && i < c.len() {
                            c.swap(i - 1, i);
                        }
                    })
                };
                let remove = move |_| {
                    update(&|c| {
                        if c.len() > 1 {
                            c.retain(|s| s.name != spec.name);
                        }
                    })
                };
                view! {
                    <li class="chosen-column" data-field=spec.name>
                        <span class="column-title">{spec.title}</span>
                        <code class="muted">{spec.name}</code>
                        <button type="button" class="icon-btn" title="Move left" disabled=i == 0 on:click=up>"↑"</button>
                        <button type="button" class="icon-btn" title="Remove" disabled=n <= 1
                            data-remove=spec.name on:click=remove>"✕"</button>
                    </li>
                }
            })
            .collect_view()
    };
    let others = move || {
        let list = columns.get();
        Catalogue::sessions()
            .fields()
            .iter()
            .filter(|f| f.showable && !list.iter().any(|c| c.name == f.name))
            .map(|spec| {
                let add = move |_| update(&|c| c.push(spec));
                view! {
                    <li>
                        <button type="button" class="field-chip" data-add=spec.name on:click=add>
                            "+ "{spec.title}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <details id="column-chooser" class="column-chooser">
            <summary class="btn">"Columns"</summary>
            <div class="chooser-panel">
                <p class="muted">"Shown, in order (saved in this browser):"</p>
                <ol class="chosen-columns">{chosen}</ol>
                <p class="muted">"Add:"</p>
                <ul class="other-columns">{others}</ul>
            </div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn defaults_are_showable_and_active_is_always_fetched() {
        let columns: Vec<_> = DEFAULT_COLUMNS.iter().filter_map(|n| spec(n)).collect();
        assert_eq!(columns.len(), DEFAULT_COLUMNS.len());
        let fields = request_fields(&columns);
        assert!(fields.contains(&"active"));
        assert_eq!(fields[0], "protocol");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_user_column_also_fetches_user_name() {
        let columns: Vec<_> = ["protocol", "user.gateway_username"]
            .iter()
            .filter_map(|n| spec(n))
            .collect();
        assert_eq!(
            request_fields(&columns),
            ["protocol", "user.gateway_username", "user.name", "active"]
        );
        // Asked once when both are columns; not at all without the user column.
        let both: Vec<_> = ["user.name", "user.gateway_username"]
            .iter()
            .filter_map(|n| spec(n))
            .collect();
        assert_eq!(
            request_fields(&both),
            ["user.name", "user.gateway_username", "active"]
        );
        let none: Vec<_> = ["protocol"].iter().filter_map(|n| spec(n)).collect();
        assert_eq!(request_fields(&none), ["protocol", "active"]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_user_column_falls_back_to_user_name() {
        let body = |json: serde_json::Value| -> sps_core::model::SparseBody {
            serde_json::from_value(json).unwrap()
        };
        // As real 7.x replies: no gateway_username key at all.
        let real = body(
            serde_json::json!({"user": {"id": "yoda", "name": "yoda", "server_username": ["yoda"]}}),
        );
        assert_eq!(
            with_fallback(&real, "user.gateway_username"),
            Some(("yoda".to_owned(), true))
        );
        let null =
            body(serde_json::json!({"user.gateway_username": null, "user.name": "<b>x</b>"}));
        assert_eq!(
            with_fallback(&null, "user.gateway_username"),
            Some(("<b>x</b>".to_owned(), true))
        );
        let own = body(serde_json::json!({"user": {"gateway_username": "jdoe", "name": "John"}}));
        assert_eq!(
            with_fallback(&own, "user.gateway_username"),
            Some(("jdoe".to_owned(), false))
        );
        let empty = body(serde_json::json!({"user": {}}));
        assert_eq!(with_fallback(&empty, "user.gateway_username"), None);
        // Columns without a fallback show only their own values.
        assert_eq!(with_fallback(&real, "server.ip"), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn new_sps_7x_fields_are_columns() {
        for name in [
            "server.id",
            "server.address",
            "recording.deny_reason",
            "analytics.score.details.fis.score",
            "user.name_domain",
            "log.adapter_name",
            "recording.archive.date",
        ] {
            assert!(spec(name).is_some(), "{name}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn scores_are_coloured_by_level() {
        assert_eq!(score_class(9.0), "badge score score-low");
        assert_eq!(score_class(55.0), "badge score score-medium");
        assert_eq!(score_class(85.0), "badge score score-high");
    }
}
