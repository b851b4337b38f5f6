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

/// Fields whose values are spelled like another's, whose known values are
/// offered when the field has none of its own: real appliances send the same
/// verdict text at top level and in `recording.verdict`.
const SAME_VALUES: &[(&str, &str)] = &[("recording.verdict", "verdict")];

/// `text` for prefix matching: lower case, `_` and `-` alike (as crate-core
/// classifies verdicts).
fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == '_' { '-' } else { c })
        .collect()
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
    // `start` is a character boundary, but user text is never sliced unchecked.
    let (head, word) = text.split_at_checked(start).unwrap_or((text, ""));
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
        // by crate-core's builder so special characters are escaped. The
        // value put in the query is the one seen in the data, spelled as the
        // appliance sent it (`AUTH_FAIL`, never a canonical `auth-fail`):
        // what is typed only picks it, ignoring case, `_` and `-`.
        Some((field, typed)) => {
            let Some(spec) = Catalogue::sessions().resolve(field) else {
                return Vec::new();
            };
            let typed = fold(typed.trim_start_matches('"'));
            let mut known = values(spec.name);
            if known.is_empty() {
                if let Some(&(_, same)) = SAME_VALUES.iter().find(|(f, _)| *f == spec.name) {
                    known = values(same);
                }
            }
            known
                .into_iter()
                .filter(|v| fold(v).starts_with(&typed))
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

/// Recent queries, newest first.
pub fn load_history() -> Vec<String> {
    crate::storage::local_get(HISTORY_KEY).unwrap_or_default()
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
    crate::storage::local_set(HISTORY_KEY, &history);
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
    use wasm_bindgen_test::wasm_bindgen_test;

    fn no_values(_: &str) -> Vec<String> {
        Vec::new()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn field_names_complete() {
        let s = suggest("protocol:SSH AND user.g", &no_values);
        assert!(
            s.iter()
                .any(|s| s.text == "protocol:SSH AND user.gateway_username:"),
            "{s:?}"
        );
        assert!(suggest("", &no_values).is_empty());
    }

    #[wasm_bindgen_test(unsupported = test)]
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

    #[wasm_bindgen_test(unsupported = test)]
    fn values_keep_the_spelling_the_appliance_sent() {
        // As the summary counts give them: the data's own text.
        let values = |field: &str| -> Vec<String> {
            match field {
                "verdict" => vec!["ACCEPT".into(), "AUTH_FAIL".into(), "TERMINATED".into()],
                _ => Vec::new(),
            }
        };
        // Typed in the 6.0 pages' spelling: the data's spelling goes in.
        let s = suggest("verdict:auth-f", &values);
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0].label, "AUTH_FAIL");
        assert_eq!(s[0].text, "verdict:AUTH_FAIL");
        let s = suggest("protocol:SSH AND verdict:Auth_", &values);
        assert_eq!(
            s.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(),
            ["protocol:SSH AND verdict:AUTH_FAIL"]
        );
        let s = suggest("verdict:term", &values);
        assert_eq!(s[0].text, "verdict:TERMINATED");
        // recording.verdict is spelled like verdict; the typed field name stays.
        let s = suggest("recording.verdict:acc", &values);
        assert_eq!(
            s.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(),
            ["recording.verdict:ACCEPT"]
        );
        // An unknown spelling is offered exactly as seen, too.
        let odd = |_: &str| vec!["Quarantined-Now".to_owned()];
        assert_eq!(
            suggest("verdict:quarantined_", &odd)[0].text,
            "verdict:Quarantined-Now"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn new_sps_7x_fields_complete() {
        let s = suggest("analytics.score.details.f", &no_values);
        assert!(
            s.iter()
                .any(|s| s.text == "analytics.score.details.fis.score:"),
            "{s:?}"
        );
        let s = suggest("user.name_", &no_values);
        assert!(s.iter().any(|s| s.text == "user.name_domain:"), "{s:?}");
        let s = suggest("server.", &no_values);
        assert!(
            s.iter().any(|s| s.text == "server.id:")
                && s.iter().any(|s| s.text == "server.address:"),
            "{s:?}"
        );
        assert!(suggest("recording.deny", &no_values)
            .iter()
            .any(|s| s.text == "recording.deny_reason:"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn history_keeps_recent_first_once() {
        let h = with_recent(vec!["a".into(), "b".into()], "b");
        assert_eq!(h, vec!["b".to_owned(), "a".to_owned()]);
    }
}
