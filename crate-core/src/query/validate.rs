//! Checks a [`Query`] against a [`Catalogue`]: known, filterable fields;
//! ranges only on integer and date fields; wildcards only on string, text and
//! IP fields; values that fit the field's type. Errors carry the 1-based
//! column of the offending term.
//!
//! `field:*` (any value) is accepted on every type. Date values are ISO 8601
//! (date only, or with a time, with or without offset: see
//! [`Timestamp::parse`]) or UNIX seconds, as in the reference's
//! `start_time:[* TO 1461654799]`.

use crate::error::{Error, ErrorKind, Result};
use crate::model::timestamp::Timestamp;
use crate::query::ast::{Bound, Field, Query, Range, Span, Value, WildPart};
use crate::query::catalogue::{Catalogue, FieldSpec, FieldType};

/// Checks `query` against `catalogue`; the first problem found, in text order.
pub fn validate(query: &Query, catalogue: &Catalogue) -> Result<()> {
    let mut errors = Vec::new();
    walk(query, catalogue, None, &mut errors, true);
    match errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Checks `query` against `catalogue` and lists every problem, in text order
/// (for an editor that marks them all).
pub fn validate_all(query: &Query, catalogue: &Catalogue) -> Vec<Error> {
    let mut errors = Vec::new();
    walk(query, catalogue, None, &mut errors, false);
    errors
}

fn walk(
    query: &Query,
    catalogue: &Catalogue,
    inherited: Option<&Field>,
    errors: &mut Vec<Error>,
    first_only: bool,
) {
    if first_only && !errors.is_empty() {
        return;
    }
    match query {
        Query::Term(t) => {
            if let Err(e) =
                resolve_field(t.field.as_ref().or(inherited), catalogue, t.span, &t.value)
                    .and_then(|spec| check_value(spec, &t.value, t.span))
            {
                errors.push(e);
            }
        }
        Query::Range(r) => {
            let shown = Value::Word(String::new());
            if let Err(e) = resolve_field(r.field.as_ref().or(inherited), catalogue, r.span, &shown)
                .and_then(|spec| check_range(spec, r))
            {
                errors.push(e);
            }
        }
        Query::FieldGroup(g) => {
            match resolve_field(
                Some(&g.field),
                catalogue,
                g.span,
                &Value::Word(String::new()),
            ) {
                Ok(_) => walk(&g.query, catalogue, Some(&g.field), errors, first_only),
                Err(e) => errors.push(e),
            }
        }
        Query::And(items) | Query::Or(items) | Query::Implicit(items) => {
            for item in items {
                walk(item, catalogue, inherited, errors, first_only);
            }
        }
        Query::Not(q) => walk(q, catalogue, inherited, errors, first_only),
    }
}

fn invalid(span: Span, message: String) -> Error {
    ErrorKind::QueryInvalid {
        position: span.column(),
        message,
    }
    .into()
}

/// Resolves the field of a term: its own, the group's, or the catalogue's default.
pub(crate) fn resolve_field(
    field: Option<&Field>,
    catalogue: &Catalogue,
    span: Span,
    value: &Value,
) -> Result<&'static FieldSpec> {
    let Some(field) = field else {
        return catalogue.default_field().ok_or_else(|| {
            invalid(
                span,
                format!("`{value}` needs a field, for example `protocol:{value}`"),
            )
        });
    };
    let spec = catalogue.resolve(&field.name).ok_or_else(|| {
        Error::from(ErrorKind::QueryField {
            position: field.span.column(),
            field: field.name.clone(),
            suggestion: catalogue.suggest(&field.name).map(str::to_string),
        })
    })?;
    if !spec.filterable {
        return Err(invalid(
            field.span,
            format!("field `{}` cannot be used in a filter", field.name),
        ));
    }
    Ok(spec)
}

/// A term's value, checked against and converted for its field's type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Checked {
    /// `field:*`: any non-null value.
    Exists,
    /// A literal text (string, text and IP fields).
    Text(String),
    /// A wildcard pattern (string, text and IP fields).
    Wildcard(Vec<WildPart>),
    /// An integer value or range; bounds are (value, inclusive).
    Int(Option<(i64, bool)>, Option<(i64, bool)>),
    /// A boolean.
    Bool(bool),
    /// A time interval in UNIX milliseconds, `[lo, hi)`.
    Time(Option<i64>, Option<i64>),
}

fn value_text(value: &Value) -> Option<&str> {
    match value {
        Value::Word(s) | Value::Phrase(s) => Some(s),
        Value::Wildcard(_) => None,
    }
}

fn parse_int(spec: &FieldSpec, text: &str, span: Span) -> Result<i64> {
    text.trim().parse().map_err(|_| {
        invalid(
            span,
            format!("`{text}` is not an integer (field `{}`)", spec.name),
        )
    })
}

/// A time value as the interval it names, in UNIX milliseconds `[start, end)`:
/// a whole day for a date, a whole second for UNIX seconds, one millisecond otherwise.
pub(crate) fn time_interval(text: &str) -> Option<(i64, i64)> {
    let t = text.trim();
    if let Ok(seconds) = t.parse::<i64>() {
        let start = seconds.checked_mul(1000)?;
        return Some((start, start.checked_add(1000)?));
    }
    let ts = Timestamp::parse(t).ok()?;
    let start = ts.instant().timestamp_millis();
    let end = if ts.is_date_only() {
        ts.period_end().timestamp_millis()
    } else {
        start + 1
    };
    Some((start, end))
}

fn parse_time(spec: &FieldSpec, text: &str, span: Span) -> Result<(i64, i64)> {
    time_interval(text).ok_or_else(|| {
        invalid(
            span,
            format!(
                "`{text}` is not a date (ISO 8601 such as 2017-01-20T11:00, or UNIX seconds) (field `{}`)",
                spec.name
            ),
        )
    })
}

/// Checks a term's value against its field.
pub(crate) fn check_value(spec: &FieldSpec, value: &Value, span: Span) -> Result<Checked> {
    if let Value::Wildcard(parts) = value {
        if parts.iter().all(|p| matches!(p, WildPart::AnyChars)) {
            return Ok(Checked::Exists);
        }
        if !spec.kind.supports_wildcard() {
            return Err(invalid(
                span,
                format!(
                    "wildcards need a string or IP field, `{}` is {} field",
                    spec.name,
                    article(spec.kind)
                ),
            ));
        }
        return Ok(Checked::Wildcard(parts.clone()));
    }
    let text = value_text(value).unwrap_or_default();
    Ok(match spec.kind {
        FieldType::String | FieldType::Text | FieldType::Ip => Checked::Text(text.to_string()),
        FieldType::Integer => {
            let n = parse_int(spec, text, span)?;
            Checked::Int(Some((n, true)), Some((n, true)))
        }
        FieldType::Boolean => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Checked::Bool(true),
            "false" => Checked::Bool(false),
            _ => {
                return Err(invalid(
                    span,
                    format!("`{text}` is not `true` or `false` (field `{}`)", spec.name),
                ))
            }
        },
        FieldType::Date => {
            let (lo, hi) = parse_time(spec, text, span)?;
            Checked::Time(Some(lo), Some(hi))
        }
    })
}

fn article(kind: FieldType) -> String {
    let a = if matches!(kind, FieldType::Integer | FieldType::Ip) {
        "an"
    } else {
        "a"
    };
    format!("{a} {}", kind.name())
}

/// Checks a range against its field.
pub(crate) fn check_range(spec: &FieldSpec, range: &Range) -> Result<Checked> {
    if !spec.kind.supports_range() {
        return Err(invalid(
            range.span,
            format!(
                "ranges need an integer or date field, `{}` is {} field",
                spec.name,
                article(spec.kind)
            ),
        ));
    }
    let span = range.span;
    match spec.kind {
        FieldType::Integer => {
            let bound = |b: &Bound| -> Result<Option<(i64, bool)>> {
                Ok(match b {
                    Bound::Unbounded => None,
                    Bound::Inclusive(v) => Some((parse_int(spec, v, span)?, true)),
                    Bound::Exclusive(v) => Some((parse_int(spec, v, span)?, false)),
                })
            };
            Ok(Checked::Int(bound(&range.lower)?, bound(&range.upper)?))
        }
        _ => {
            let lo = match &range.lower {
                Bound::Unbounded => None,
                Bound::Inclusive(v) => Some(parse_time(spec, v, span)?.0),
                Bound::Exclusive(v) => Some(parse_time(spec, v, span)?.1),
            };
            let hi = match &range.upper {
                Bound::Unbounded => None,
                Bound::Inclusive(v) => Some(parse_time(spec, v, span)?.1),
                Bound::Exclusive(v) => Some(parse_time(spec, v, span)?.0),
            };
            Ok(Checked::Time(lo, hi))
        }
    }
}
