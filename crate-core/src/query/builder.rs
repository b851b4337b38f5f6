//! A typed builder for [`Query`]:
//!
//! ```
//! use sps_core::Query;
//! let q = Query::field("protocol").eq("ssh")
//!     .and(Query::field("verdict").eq("accept"))
//!     .and_not(Query::field("name").wildcard("adm*"));
//! assert_eq!(q.to_string(), "protocol:ssh AND verdict:accept AND NOT name:adm*");
//! ```
//!
//! Values given to [`FieldBuilder::eq`] are always literal: whatever they hold
//! (`Windows User`, `a:b`, `C:\temp (x)`, `*admin`, `AND`, `"quoted"`) they
//! print escaped or quoted and cannot change the query's structure. Only
//! [`FieldBuilder::wildcard`] reads `*` and `?` as wildcards.

use crate::query::ast::{Bound, Field, FieldGroup, Query, Range, Span, Term, Value};
use crate::query::printer::is_plain_word;

/// Starts a condition on one field; see [`Query::field`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldBuilder {
    field: String,
}

/// A literal value: a plain word when it prints without escapes, a phrase otherwise.
fn literal(text: String) -> Value {
    if is_plain_word(&text) {
        Value::Word(text)
    } else {
        Value::Phrase(text)
    }
}

impl Query {
    /// A condition on `name` (canonical name or alias).
    pub fn field(name: impl Into<String>) -> FieldBuilder {
        FieldBuilder { field: name.into() }
    }

    /// A bare literal term without field (content search, event `content`).
    pub fn text(value: impl ToString) -> Query {
        Query::Term(Term {
            field: None,
            value: literal(value.to_string()),
            span: Span::default(),
        })
    }

    /// `self AND other` (flattening chains of AND).
    pub fn and(self, other: Query) -> Query {
        let mut items = match self {
            Query::And(items) => items,
            q => vec![q],
        };
        match other {
            Query::And(more) => items.extend(more),
            q => items.push(q),
        }
        Query::And(items)
    }

    /// `self OR other` (flattening chains of OR).
    pub fn or(self, other: Query) -> Query {
        let mut items = match self {
            Query::Or(items) => items,
            q => vec![q],
        };
        match other {
            Query::Or(more) => items.extend(more),
            q => items.push(q),
        }
        Query::Or(items)
    }

    /// `self AND NOT other`.
    pub fn and_not(self, other: Query) -> Query {
        self.and(Query::not(other))
    }

    /// `NOT self`. Same as the `!` operator.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Query {
        Query::Not(Box::new(self))
    }
}

impl std::ops::Not for Query {
    type Output = Query;

    /// `NOT self`.
    fn not(self) -> Query {
        Query::not(self)
    }
}

impl FieldBuilder {
    fn field(&self) -> Option<Field> {
        Some(Field::new(self.field.clone()))
    }

    fn term(self, value: Value) -> Query {
        Query::Term(Term {
            field: self.field(),
            value,
            span: Span::default(),
        })
    }

    /// `field:value`, `value` taken literally (escaped or quoted as needed).
    pub fn eq(self, value: impl ToString) -> Query {
        self.term(literal(value.to_string()))
    }

    /// `field:"value"`: always a quoted phrase.
    pub fn phrase(self, value: impl ToString) -> Query {
        self.term(Value::Phrase(value.to_string()))
    }

    /// `field:pattern` with `*` (any run) and `?` (one character) as wildcards;
    /// a backslash makes the next character literal. Other special characters
    /// are literal.
    pub fn wildcard(self, pattern: &str) -> Query {
        self.term(Value::wildcard(pattern))
    }

    /// `field:*`: the field has a value.
    pub fn exists(self) -> Query {
        self.term(Value::Wildcard(vec![crate::query::ast::WildPart::AnyChars]))
    }

    /// `field:[lo TO hi]`, both ends included. Pass `"*"` or `None` for an open end.
    pub fn range(self, lo: impl Into<RangeEnd>, hi: impl Into<RangeEnd>) -> Query {
        let bound = |end: RangeEnd| match end.0 {
            None => Bound::Unbounded,
            Some(v) => Bound::Inclusive(v),
        };
        self.range_bounds(bound(lo.into()), bound(hi.into()))
    }

    /// A range with explicit bounds (`{` `}` for excluded ends).
    pub fn range_bounds(self, lower: Bound, upper: Bound) -> Query {
        Query::Range(Range {
            field: self.field(),
            lower,
            upper,
            span: Span::default(),
        })
    }

    /// `field:(a b c)`: any of the literal values. An empty list gives a query
    /// that matches nothing (`field:* AND NOT field:*`).
    pub fn any_of<I, V>(self, values: I) -> Query
    where
        I: IntoIterator<Item = V>,
        V: ToString,
    {
        let mut items: Vec<Query> = values
            .into_iter()
            .map(|v| Query::text(v.to_string()))
            .collect();
        let inner = match items.len() {
            0 => {
                let field = self.field.clone();
                return Query::field(field.clone())
                    .exists()
                    .and_not(Query::field(field).exists());
            }
            1 => items.remove(0),
            _ => Query::Implicit(items),
        };
        Query::FieldGroup(FieldGroup {
            field: Field::new(self.field),
            query: Box::new(inner),
            span: Span::default(),
        })
    }
}

/// One end of [`FieldBuilder::range`]: a value, or open (`None`, `"*"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeEnd(pub Option<String>);

impl From<&str> for RangeEnd {
    /// `"*"` is an open end; anything else a value.
    fn from(v: &str) -> Self {
        RangeEnd(if v == "*" { None } else { Some(v.to_string()) })
    }
}

impl From<String> for RangeEnd {
    /// `"*"` is an open end; anything else a value.
    fn from(v: String) -> Self {
        RangeEnd::from(v.as_str())
    }
}

impl From<i64> for RangeEnd {
    fn from(v: i64) -> Self {
        RangeEnd(Some(v.to_string()))
    }
}

impl From<i32> for RangeEnd {
    fn from(v: i32) -> Self {
        RangeEnd(Some(v.to_string()))
    }
}

impl From<u32> for RangeEnd {
    fn from(v: u32) -> Self {
        RangeEnd(Some(v.to_string()))
    }
}

impl<T: Into<RangeEnd>> From<Option<T>> for RangeEnd {
    /// `None` is an open end.
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(RangeEnd(None))
    }
}
