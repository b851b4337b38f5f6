//! Evaluates a [`Query`] against anything that gives field values by name
//! ([`FieldSource`]): full sessions, sparse list rows, events, content.
//! The simulator and the viewer's offline mode share this one evaluator.
//!
//! Compile once ([`CompiledQuery::new`]) and match many times: field names are
//! resolved through the catalogue (aliases become canonical names), strings
//! are lower-cased and wildcard patterns split up front.
//!
//! Semantics (SPS searches with Elasticsearch; where its pages are silent we
//! chose what Elasticsearch does with keyword fields):
//!
//! - **Strings and IPs** compare the whole value, case-insensitively:
//!   `verdict:accept` matches `ACCEPT`, `name:adm` does not match `admin`.
//!   A quoted phrase is the same exact (case-insensitive) comparison; it only
//!   lets the value hold spaces and special characters.
//! - **Wildcards** `*` (any run) and `?` (one character) match the whole
//!   value, case-insensitively. `field:*` matches any non-null value.
//! - **Text** (event `content`): values are split into words (runs of letters
//!   and digits) and compared case-insensitively. A word or a phrase matches
//!   when its words appear consecutively in the value (`content:sudo` matches
//!   `myuser@host:~$ man sudo`); a wildcard matches when one word matches it,
//!   or the whole value does.
//! - **Integers** compare numerically (text such as `"5"` is read as a number,
//!   floats compare as floats). **Booleans** take `true`/`false`.
//! - **Dates**: a value or a bound is ISO 8601 or UNIX seconds; a date without
//!   a time names the whole day (UTC): `start_time:2017-01-20` is that day,
//!   `[2017-01-20 TO 2017-01-21]` includes both days.
//! - **Multi-valued** fields match when any value matches; a field with no
//!   value (absent, null, empty list) matches nothing, so `NOT field:x` matches it.
//! - Terms side by side combine with OR.

use std::borrow::Cow;

use crate::error::Result;
use crate::model::field_source::{FieldSource, FieldValue};
use crate::model::timestamp::Timestamp;
use crate::query::ast::{Field, Query, WildPart};
use crate::query::catalogue::{Catalogue, FieldType};
use crate::query::validate::{check_range, check_value, resolve_field, time_interval, Checked};

/// A query prepared for matching many items.
#[derive(Debug, Clone)]
pub struct CompiledQuery {
    root: Node,
}

#[derive(Debug, Clone)]
enum Node {
    All,
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Leaf(&'static str, Test),
}

#[derive(Debug, Clone)]
enum Test {
    Exists,
    /// Lower-cased exact text.
    StrEq(String),
    /// Lower-cased exact text with `_` written `-`: `_` and `-` match alike.
    SpellingEq(String),
    /// Lower-cased pattern with `_` written `-`: `_` and `-` match alike.
    SpellingWild(Vec<Pat>),
    /// Lower-cased pattern.
    StrWild(Vec<Pat>),
    /// Lower-cased words (consecutive); `raw` lower-cased, for text with no word.
    TextWords(Vec<String>, String),
    TextWild(Vec<Pat>),
    Int(Option<(i64, bool)>, Option<(i64, bool)>),
    Bool(bool),
    /// `[lo, hi)` in milliseconds.
    Time(Option<i64>, Option<i64>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Pat {
    Lit(char),
    One,
    Any,
}

impl CompiledQuery {
    /// Validates `query` against `catalogue` (see [`crate::validate`]) and prepares it.
    pub fn new(query: &Query, catalogue: &Catalogue) -> Result<CompiledQuery> {
        Ok(CompiledQuery {
            root: compile(query, catalogue, None)?,
        })
    }

    /// Parses, validates and prepares `q` text.
    pub fn parse(text: &str, catalogue: &Catalogue) -> Result<CompiledQuery> {
        CompiledQuery::new(&crate::query::parse::parse_query(text)?, catalogue)
    }

    /// A query that matches everything (no `q`).
    pub fn match_all() -> CompiledQuery {
        CompiledQuery { root: Node::All }
    }

    /// Adds the sessions list's `start` and `end`: `start_time` at or after
    /// `start`, `end_time` at or before `end` (a date without a time means
    /// the end of that day; sessions still active never match an `end`).
    pub fn with_time_range(
        self,
        start: Option<&Timestamp>,
        end: Option<&Timestamp>,
    ) -> CompiledQuery {
        let mut nodes = vec![self.root];
        if let Some(start) = start {
            let lo = start.instant().timestamp_millis();
            nodes.push(Node::Leaf("start_time", Test::Time(Some(lo), None)));
        }
        if let Some(end) = end {
            let hi = if end.is_date_only() {
                end.period_end().timestamp_millis()
            } else {
                end.instant().timestamp_millis().saturating_add(1)
            };
            nodes.push(Node::Leaf("end_time", Test::Time(None, Some(hi))));
        }
        nodes.retain(|n| !matches!(n, Node::All));
        CompiledQuery {
            root: match nodes.len() {
                0 => Node::All,
                1 => nodes.remove(0),
                _ => Node::And(nodes),
            },
        }
    }

    /// Whether `source` matches.
    pub fn matches<S: FieldSource + ?Sized>(&self, source: &S) -> bool {
        eval(&self.root, source)
    }
}

/// Compiles `query` and matches one item: for one-off checks.
/// Prefer [`CompiledQuery`] when matching many.
pub fn matches<S: FieldSource + ?Sized>(
    query: &Query,
    catalogue: &Catalogue,
    source: &S,
) -> Result<bool> {
    Ok(CompiledQuery::new(query, catalogue)?.matches(source))
}

fn compile(query: &Query, catalogue: &Catalogue, inherited: Option<&Field>) -> Result<Node> {
    Ok(match query {
        Query::Term(t) => {
            let spec = resolve_field(t.field.as_ref().or(inherited), catalogue, t.span, &t.value)?;
            let checked = check_value(spec, &t.value, t.span)?;
            Node::Leaf(spec.name, spelled(lower(checked, spec.kind), spec.name))
        }
        Query::Range(r) => {
            let placeholder = crate::query::ast::Value::Word(String::new());
            let spec = resolve_field(
                r.field.as_ref().or(inherited),
                catalogue,
                r.span,
                &placeholder,
            )?;
            Node::Leaf(spec.name, lower(check_range(spec, r)?, spec.kind))
        }
        Query::FieldGroup(g) => {
            let placeholder = crate::query::ast::Value::Word(String::new());
            resolve_field(Some(&g.field), catalogue, g.span, &placeholder)?;
            compile(&g.query, catalogue, Some(&g.field))?
        }
        Query::And(items) => Node::And(
            items
                .iter()
                .map(|q| compile(q, catalogue, inherited))
                .collect::<Result<_>>()?,
        ),
        Query::Or(items) | Query::Implicit(items) => Node::Or(
            items
                .iter()
                .map(|q| compile(q, catalogue, inherited))
                .collect::<Result<_>>()?,
        ),
        Query::Not(q) => Node::Not(Box::new(compile(q, catalogue, inherited)?)),
    })
}

fn lower_pattern(parts: &[WildPart]) -> Vec<Pat> {
    let mut out = Vec::new();
    for part in parts {
        match part {
            WildPart::AnyChars => {
                if out.last() != Some(&Pat::Any) {
                    out.push(Pat::Any)
                }
            }
            WildPart::OneChar => out.push(Pat::One),
            WildPart::Literal(s) => {
                out.extend(s.chars().flat_map(char::to_lowercase).map(Pat::Lit))
            }
        }
    }
    out
}

/// Verdicts are spelled `AUTH_FAIL` by SPS 7.x/8.x and `auth-fail` in the 6.0
/// pages' queries: a verdict term matches either spelling (a guess at what a
/// real appliance does with the 6.0 spelling; the recordings have no query).
fn spelled(test: Test, field: &str) -> Test {
    if field != "verdict" && field != "recording.verdict" {
        return test;
    }
    match test {
        Test::StrEq(needle) => Test::SpellingEq(needle.replace('_', "-")),
        Test::StrWild(pattern) => Test::SpellingWild(
            pattern
                .into_iter()
                .map(|p| if p == Pat::Lit('_') { Pat::Lit('-') } else { p })
                .collect(),
        ),
        other => other,
    }
}

fn lower(checked: Checked, kind: FieldType) -> Test {
    match checked {
        Checked::Exists => Test::Exists,
        Checked::Text(s) if kind == FieldType::Text => {
            let lowered = s.to_lowercase();
            Test::TextWords(words(&lowered).map(str::to_string).collect(), lowered)
        }
        Checked::Text(s) => Test::StrEq(s.to_lowercase()),
        Checked::Wildcard(parts) if kind == FieldType::Text => {
            Test::TextWild(lower_pattern(&parts))
        }
        Checked::Wildcard(parts) => Test::StrWild(lower_pattern(&parts)),
        Checked::Int(lo, hi) => Test::Int(lo, hi),
        Checked::Bool(b) => Test::Bool(b),
        Checked::Time(lo, hi) => Test::Time(lo, hi),
    }
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

fn eval<S: FieldSource + ?Sized>(node: &Node, source: &S) -> bool {
    match node {
        Node::All => true,
        Node::And(items) => items.iter().all(|n| eval(n, source)),
        Node::Or(items) => items.iter().any(|n| eval(n, source)),
        Node::Not(n) => !eval(n, source),
        Node::Leaf(name, test) => source.field_values(name).any(|v| test_value(test, &v)),
    }
}

/// Lower-cases `s` only when that changes it (upper-case and title-case letters).
fn lowercase(s: &str) -> Cow<'_, str> {
    let changes = |c: char| {
        let mut lower = c.to_lowercase();
        lower.next() != Some(c) || lower.next().is_some()
    };
    if s.chars().any(changes) {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

fn lowercase_owned(s: String) -> Cow<'static, str> {
    Cow::Owned(s.to_lowercase())
}

fn as_text<'a>(value: &'a FieldValue<'_>) -> Option<Cow<'a, str>> {
    match value {
        FieldValue::Null => None,
        FieldValue::Str(s) => Some(lowercase(s)),
        FieldValue::Int(n) => Some(Cow::Owned(n.to_string())),
        FieldValue::Float(f) => Some(Cow::Owned(f.to_string())),
        FieldValue::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        FieldValue::Time(t) => Some(lowercase_owned(t.original())),
    }
}

fn in_bounds<T: PartialOrd + Copy>(v: T, lo: Option<(T, bool)>, hi: Option<(T, bool)>) -> bool {
    let above = match lo {
        None => true,
        Some((b, true)) => v >= b,
        Some((b, false)) => v > b,
    };
    let below = match hi {
        None => true,
        Some((b, true)) => v <= b,
        Some((b, false)) => v < b,
    };
    above && below
}

fn test_value(test: &Test, value: &FieldValue<'_>) -> bool {
    if matches!(value, FieldValue::Null) {
        return false;
    }
    match test {
        Test::Exists => true,
        Test::StrEq(needle) => match value {
            // No allocation for the common case: ASCII-insensitive equality
            // with an already lower-cased needle.
            FieldValue::Str(s) if s.is_ascii() => s.eq_ignore_ascii_case(needle),
            _ => as_text(value).is_some_and(|t| t == needle.as_str()),
        },
        Test::SpellingEq(needle) => as_text(value).is_some_and(|t| {
            t.len() == needle.len()
                && t.chars()
                    .zip(needle.chars())
                    .all(|(a, b)| a == b || (a == '_' && b == '-'))
        }),
        Test::SpellingWild(pattern) => {
            as_text(value).is_some_and(|t| glob(pattern, &t.replace('_', "-")))
        }
        Test::StrWild(pattern) => match value {
            FieldValue::Str(s) if s.is_ascii() => {
                let b = s.as_bytes();
                glob_by(pattern, b.len(), |i| char::from(b[i].to_ascii_lowercase()))
            }
            _ => as_text(value).is_some_and(|t| glob(pattern, &t)),
        },
        Test::TextWords(needle, raw) => as_text(value).is_some_and(|t| {
            if needle.is_empty() {
                t.contains(raw.as_str())
            } else {
                let hay: Vec<&str> = words(&t).collect();
                hay.windows(needle.len())
                    .any(|w| w.iter().zip(needle).all(|(a, b)| *a == b.as_str()))
            }
        }),
        Test::TextWild(pattern) => {
            as_text(value).is_some_and(|t| glob(pattern, &t) || words(&t).any(|w| glob(pattern, w)))
        }
        Test::Int(lo, hi) => match value {
            FieldValue::Int(n) => in_bounds(*n, *lo, *hi),
            FieldValue::Float(f) => in_bounds(
                *f,
                lo.map(|(b, i)| (b as f64, i)),
                hi.map(|(b, i)| (b as f64, i)),
            ),
            FieldValue::Str(s) => s
                .trim()
                .parse::<i64>()
                .is_ok_and(|n| in_bounds(n, *lo, *hi)),
            _ => false,
        },
        Test::Bool(want) => match value {
            FieldValue::Bool(b) => b == want,
            FieldValue::Str(s) => {
                s.trim()
                    .eq_ignore_ascii_case(if *want { "true" } else { "false" })
            }
            _ => false,
        },
        Test::Time(lo, hi) => {
            let ms = match value {
                FieldValue::Time(t) => Some(t.instant().timestamp_millis()),
                FieldValue::Int(seconds) => seconds.checked_mul(1000),
                FieldValue::Float(seconds) => Some((seconds * 1000.0) as i64),
                FieldValue::Str(s) => time_interval(s).map(|(start, _)| start),
                _ => None,
            };
            ms.is_some_and(|t| lo.is_none_or(|lo| t >= lo) && hi.is_none_or(|hi| t < hi))
        }
    }
}

/// Whole-value glob match of a lower-cased pattern against lower-cased text.
fn glob(pattern: &[Pat], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    glob_by(pattern, text.len(), |i| text[i])
}

/// Glob match against `len` characters given by `at`: linear two-pointer
/// algorithm, backtracking to the last `*`.
fn glob_by(pattern: &[Pat], len: usize, at: impl Fn(usize) -> char) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < len {
        match pattern.get(p) {
            Some(Pat::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Pat::One) => {
                p += 1;
                t += 1;
            }
            Some(Pat::Lit(c)) if *c == at(t) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..]
        .iter()
        .all(|x| *x == Pat::Any)
}
