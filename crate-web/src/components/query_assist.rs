//! Help while typing a query: completion of field names (crate-core's
//! catalogue) and of common values (the summary counts: the appliance's
//! `stats` or the loaded rows), and a history of recent queries kept in
//! `localStorage`.

use sps_core::{Catalogue, Query};

/// `localStorage` key of recent queries: a JSON array, newest first.
pub const HISTORY_KEY: &str = "spsview.query.history";

/// Queries kept in the history.
pub const HISTORY_SIZE: usize = 15;

/// Suggestions shown at once.
pub const MAX_SUGGESTIONS: usize = 8;

/// One suggestion: what the list shows, and the whole query text after
/// choosing it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// Shown in the list.
    pub label: String,
    /// A hint next to it ("field", "value", "recent").
    pub kind: &'static str,
    /// The query text once chosen.
    pub text: String,
}

/// Where the word being typed starts: after the last space or `(`, outside
/// quotes (a quoted phrase is one word).
fn word_start(text: &str) -> usize {
    let mut in_quotes = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ' ' | '(' if !in_quotes => start = i + c.len_utf8(),
            _ => {}
        }
    }
    start
}

/// Suggestions for `text` (the cursor at its end). `values(field)` gives
/// known values of a field, most common first.
pub fn suggest(text: &str, values: &dyn Fn(&str) -> Vec<String>) -> Vec<Suggestion> {
    let start = word_start(text);
    let (head, word) = text.split_at(start);
    if word.is_empty() {
        return Vec::new();
    }
    match word.split_once(':') {
        // A field name being typed.
        None => Catalogue::sessions()
            .complete(word)
            .into_iter()
            .filter(|name| *name != word)
            .take(MAX_SUGGESTIONS)
            .map(|name| Suggestion {
                label: name.to_owned(),
                kind: "field",
                text: format!("{head}{name}:"),
            })
            .collect(),
        // A value: offer known values that start with what is typed, printed
        // by crate-core's builder so special characters are escaped.
        Some((field, typed)) => {
            let Some(spec) = Catalogue::sessions().resolve(field) else {
                return Vec::new();
            };
            let typed = typed.trim_start_matches('"').to_lowercase();
            values(spec.name)
                .into_iter()
                .filter(|v| v.to_lowercase().starts_with(&typed))
                .take(MAX_SUGGESTIONS)
                .map(|v| {
                    let term = Query::field(field).eq(&v).to_string();
                    Suggestion {
                        label: v,
                        kind: "value",
                        text: format!("{head}{term}"),
                    }
                })
                .collect()
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Recent queries, newest first.
pub fn load_history() -> Vec<String> {
    storage()
        .and_then(|s| s.get_item(HISTORY_KEY).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

/// `history` with `q` in front (once), at most [`HISTORY_SIZE`] long.
pub fn with_recent(mut history: Vec<String>, q: &str) -> Vec<String> {
    history.retain(|h| h != q);
    history.insert(0, q.to_owned());
    history.truncate(HISTORY_SIZE);
    history
}

/// Remembers an applied query (best effort: storage may be off or full).
pub fn remember_query(q: &str) {
    if q.trim().is_empty() {
        return;
    }
    let history = with_recent(load_history(), q);
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(&history)) {
        let _ = s.set_item(HISTORY_KEY, &json);
    }
}

/// The history as suggestions (shown in an empty search box).
pub fn history_suggestions() -> Vec<Suggestion> {
    load_history()
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|q| Suggestion {
            label: q.clone(),
            kind: "recent",
            text: q,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_values(_: &str) -> Vec<String> {
        Vec::new()
    }

    #[test]
    fn field_names_complete() {
        let s = suggest("protocol:SSH AND user.g", &no_values);
        assert!(s.iter().any(|s| s.text == "protocol:SSH AND user.gateway_username:"), "{s:?}");
        assert!(suggest("", &no_values).is_empty());
    }

    #[test]
    fn values_complete_escaped() {
        let values = |field: &str| -> Vec<String> {
            if field == "user.gateway_username" {
                vec!["admin".into(), "adm in".into(), "root".into()]
            } else {
                Vec::new()
            }
        };
        let s = suggest("(user.gateway_username:ad", &values);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].text, "(user.gateway_username:admin");
        assert_eq!(s[1].text, "(user.gateway_username:\"adm in\"");
    }

    #[test]
    fn history_keeps_recent_first_once() {
        let h = with_recent(vec!["a".into(), "b".into()], "b");
        assert_eq!(h, vec!["b".to_owned(), "a".to_owned()]);
    }
}
