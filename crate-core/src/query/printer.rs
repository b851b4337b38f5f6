//! The printer of the `q` language: `Display` for [`Query`] and its parts
//! writes the canonical text, escaped so that both this crate's parser and
//! SPS's own Lucene parser read it back as the same query.

use std::fmt;

use crate::query::ast::{Bound, Query, Range, Term, Value, WildPart};
/// Lucene's reserved words, which print escaped when they are values.
pub(crate) const KEYWORDS: [&str; 4] = ["AND", "OR", "NOT", "TO"];

/// Whether the parser ends an unquoted word at `c` (outside ranges).
pub(crate) fn ends_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | '"' | ':')
}

/// Whether the printer escapes `c` in a word: the parser's own delimiters plus
/// the characters Lucene's classic parser reserves, so that real SPS reads
/// the text the same way.
fn needs_escape(c: char, first: bool) -> bool {
    ends_word(c)
        || matches!(c, '\\' | '*' | '?' | '^' | '~' | '/' | '!' | '&' | '|')
        || (first && matches!(c, '+' | '-'))
}

/// Whether a plain word prints without any backslash (the builder uses this to
/// choose between a word and a phrase).
pub(crate) fn is_plain_word(s: &str) -> bool {
    !s.is_empty()
        && !KEYWORDS.contains(&s)
        && s.chars().enumerate().all(|(i, c)| !needs_escape(c, i == 0))
}

fn write_escaped_word(f: &mut fmt::Formatter<'_>, s: &str, at_start: bool) -> fmt::Result {
    if at_start && KEYWORDS.contains(&s) {
        f.write_str("\\")?;
        return f.write_str(s);
    }
    for (i, c) in s.chars().enumerate() {
        if at_start && i == 0 && c == '"' {
            // `\"` at a value's start can begin the reference's `\"a b\"`
            // phrase form when a later word ends in `\"`; Lucene's Unicode
            // escape reads the same and cannot (found by fuzzing).
            f.write_str("\\u0022")?;
        } else if needs_escape(c, at_start && i == 0) {
            write!(f, "\\{c}")?;
        } else {
            write!(f, "{c}")?;
        }
    }
    Ok(())
}

fn write_phrase(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        if c == '"' || c == '\\' {
            write!(f, "\\{c}")?;
        } else {
            write!(f, "{c}")?;
        }
    }
    f.write_str("\"")
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Word(s) => write_escaped_word(f, s, true),
            Value::Phrase(s) => write_phrase(f, s),
            Value::Wildcard(parts) => {
                for (i, part) in parts.iter().enumerate() {
                    match part {
                        WildPart::AnyChars => f.write_str("*")?,
                        WildPart::OneChar => f.write_str("?")?,
                        WildPart::Literal(s) => {
                            // A keyword can't arise here: a wildcard part follows or precedes.
                            write_escaped_word(f, s, i == 0)?
                        }
                    }
                }
                Ok(())
            }
        }
    }
}

/// Whether a range bound prints bare (otherwise quoted).
fn bound_is_plain(s: &str) -> bool {
    !s.is_empty()
        && s != "*"
        && s != "TO"
        && !s.chars().any(|c| {
            c.is_whitespace() || matches!(c, '"' | '\\' | '[' | ']' | '{' | '}' | '(' | ')')
        })
}

fn write_bound_value(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    if bound_is_plain(s) {
        f.write_str(s)
    } else {
        write_phrase(f, s)
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(field) = &self.field {
            write!(f, "{}:", field.name)?;
        }
        match &self.lower {
            Bound::Unbounded => f.write_str("[*")?,
            Bound::Inclusive(v) => {
                f.write_str("[")?;
                write_bound_value(f, v)?
            }
            Bound::Exclusive(v) => {
                f.write_str("{")?;
                write_bound_value(f, v)?
            }
        }
        f.write_str(" TO ")?;
        match &self.upper {
            Bound::Unbounded => f.write_str("*]"),
            Bound::Inclusive(v) => {
                write_bound_value(f, v)?;
                f.write_str("]")
            }
            Bound::Exclusive(v) => {
                write_bound_value(f, v)?;
                f.write_str("}")
            }
        }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(field) = &self.field {
            write!(f, "{}:", field.name)?;
        }
        write!(f, "{}", self.value)
    }
}

impl Query {
    /// Whether `child`, the `index`-th operand of `self`, prints in parentheses.
    fn child_needs_parens(&self, child: &Query, index: usize) -> bool {
        let parent = self.precedence();
        let child_prec = child.precedence();
        match self {
            Query::Not(_) => child_prec <= 3,
            // `a NOT b` (and `a NOT b AND c`) would read as `a AND NOT b …`.
            Query::Implicit(_) if index > 0 && child.leads_with_not() => true,
            _ => child_prec <= parent,
        }
    }

    /// Whether the printed text starts with `NOT`.
    fn leads_with_not(&self) -> bool {
        match self {
            Query::Not(_) => true,
            Query::And(items) | Query::Or(items) => items
                .first()
                .is_some_and(|first| !self.child_needs_parens(first, 0) && first.leads_with_not()),
            _ => false,
        }
    }

    fn write_child(&self, f: &mut fmt::Formatter<'_>, child: &Query, index: usize) -> fmt::Result {
        if self.child_needs_parens(child, index) {
            write!(f, "({child})")
        } else {
            write!(f, "{child}")
        }
    }

    fn write_list(&self, f: &mut fmt::Formatter<'_>, items: &[Query], sep: &str) -> fmt::Result {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                f.write_str(sep)?;
            }
            self.write_child(f, item, i)?;
        }
        Ok(())
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Query::Term(t) => write!(f, "{t}"),
            Query::Range(r) => write!(f, "{r}"),
            Query::FieldGroup(g) => write!(f, "{}:({})", g.field.name, g.query),
            Query::And(items) => self.write_list(f, items, " AND "),
            Query::Or(items) => self.write_list(f, items, " OR "),
            Query::Implicit(items) => self.write_list(f, items, " "),
            Query::Not(q) => {
                f.write_str("NOT ")?;
                self.write_child(f, q, 0)
            }
        }
    }
}
