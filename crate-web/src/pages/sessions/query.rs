//! Checking typed `q` text before it is sent, and showing what is wrong
//! with it (shared with the detail page's event search).

use leptos::prelude::*;
use sps_core::query::validate;
use sps_core::{parse_query, Catalogue, ErrorKind};

/// A problem in typed `q` text: 1-based column (in characters) and the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryProblem {
    /// 1-based column in characters.
    pub column: usize,
    /// What is wrong, from `sps_core`.
    pub message: String,
}

/// Shows a query problem: the query text, a caret under the offending
/// character and the message. The query and the caret are two text lines in a
/// monospace block, so columns line up. `id` names the element for tests and
/// `aria-describedby`.
pub fn query_problem_view(id: &'static str, text: String, problem: &QueryProblem) -> impl IntoView {
    let caret = format!("{}^", " ".repeat(problem.column.saturating_sub(1)));
    let message = format!("Column {}: {}", problem.column, problem.message);
    view! {
        <div id=id class="query-error" role="alert" data-column=problem.column.to_string()>
            <span class="caret-line">{text}</span>
            <span class="caret-line">{caret}</span>
            <span class="query-error-message">{message}</span>
        </div>
    }
}

/// Parses and validates `q` text with crate-core (the same parser and
/// catalogue the simulator uses), before anything is sent.
pub fn check_query(text: &str) -> Option<QueryProblem> {
    check_query_in(text, Catalogue::sessions())
}

/// Parses `q` text and validates it against `catalogue` (sessions or events):
/// the problem's column and message, or `None` when it is fine.
pub fn check_query_in(text: &str, catalogue: &Catalogue) -> Option<QueryProblem> {
    let error = match parse_query(text) {
        Ok(query) => validate(&query, catalogue).err()?,
        Err(e) => e,
    };
    let column = match error.kind() {
        ErrorKind::QuerySyntax { position, .. }
        | ErrorKind::QueryField { position, .. }
        | ErrorKind::QueryInvalid { position, .. } => *position,
        _ => 1,
    };
    Some(QueryProblem {
        column: column.max(1),
        message: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn query_problems_have_a_column() {
        assert_eq!(check_query("protocol:SSH"), None);
        let problem = check_query("protocol:(ssh");
        assert_eq!(problem.map(|p| p.column), Some(10));
        let unknown = check_query("protocl:SSH");
        assert!(unknown.is_some_and(|p| p.column == 1 && p.message.contains("protocol")));
    }
}
