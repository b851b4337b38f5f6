//! Parser for the `q` language: text to [`Query`].
//!
//! One hand-written recursive-descent parser over the characters. No parser
//! generator: the grammar is small, we want errors with a column and a
//! sentence a person understands, and no extra dependency in the wasm build.
//!
//! ```text
//! query    := implicit EOF
//! implicit := or_expr or_expr*                 (side by side: default OR)
//! or_expr  := and_expr ("OR" and_expr)*
//! and_expr := unary ("AND" unary | "NOT" unary)*   (a bare NOT means AND NOT)
//! unary    := "NOT" unary | primary
//! primary  := "(" implicit ")" | FIELD ":" fvalue | value
//! fvalue   := "(" implicit ")" | value
//! value    := range | PHRASE | WORD
//! range    := ("[" | "{") bound "TO" bound ("]" | "}")
//! ```
//!
//! Error positions are 1-based columns counted in characters.

use crate::error::{ErrorKind, Result};
use crate::query::ast::{Bound, Field, FieldGroup, Query, Range, Span, Term, Value, WildPart};
use crate::query::printer::ends_word;

/// Parses `q` text into a [`Query`].
///
/// Errors are [`ErrorKind::QuerySyntax`] with the 1-based column, for example
/// "unclosed parenthesis at 1" or "missing value after `protocol:` at 10".
pub fn parse_query(text: &str) -> Result<Query> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        pos: 0,
        depth: 0,
    };
    parser.skip_ws();
    if parser.at_end() {
        return Err(parser.error_at(0, "empty query"));
    }
    let query = parser.implicit()?;
    parser.skip_ws();
    if !parser.at_end() {
        let found = parser.describe_here();
        return Err(parser.error_at(parser.pos, &format!("unexpected {found}")));
    }
    Ok(query)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    /// How many `unary` calls are open (every nesting of parentheses,
    /// `field:( … )` or `NOT` goes through one), bounded by [`MAX_DEPTH`].
    depth: usize,
}

/// The deepest nesting of parentheses and `NOT`s a query may have. The parser
/// and every walk over the AST recurse once per level; without a bound, a
/// few kilobytes of `((((…` overflow the stack (found by fuzzing: about 1,000
/// levels in a 1 MiB wasm stack, 8,000 in a native main thread).
pub(crate) const MAX_DEPTH: usize = 64;

/// A lexical word: its unescaped text, wildcard parts, and whether it holds
/// an escape or a wildcard (then it is never a keyword or a field name).
struct Word {
    parts: Vec<WildPart>,
    text: String,
    plain: bool,
    start: usize,
    end: usize,
}

impl Parser {
    fn error_at(&self, pos: usize, message: &str) -> crate::Error {
        ErrorKind::QuerySyntax {
            position: pos + 1,
            message: message.to_string(),
        }
        .into()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    /// The keyword at the cursor (after whitespace), if the next word is one.
    fn peek_keyword(&mut self) -> Option<&'static str> {
        self.skip_ws();
        for kw in ["AND", "OR", "NOT"] {
            let n = kw.len();
            if self.pos + n <= self.chars.len()
                && self.chars[self.pos..self.pos + n]
                    .iter()
                    .copied()
                    .eq(kw.chars())
                && self
                    .chars
                    .get(self.pos + n)
                    .is_none_or(|&c| c.is_whitespace() || c == '(' || c == ')')
            {
                return Some(kw);
            }
        }
        None
    }

    fn describe_here(&mut self) -> String {
        if let Some(kw) = self.peek_keyword() {
            return format!("`{kw}`");
        }
        match self.peek() {
            Some(c) => format!("`{c}`"),
            None => "end of query".to_string(),
        }
    }

    /// Whether the next token can start an operand.
    fn starts_operand(&mut self) -> bool {
        self.skip_ws();
        match self.peek() {
            None | Some(')') | Some(']') | Some('}') => false,
            Some(_) => !matches!(self.peek_keyword(), Some("AND") | Some("OR")),
        }
    }

    fn missing_operand(&mut self, after: &str) -> crate::Error {
        self.skip_ws();
        let found = self.describe_here();
        let message = if self.at_end() {
            format!("missing term after `{after}`")
        } else {
            format!("missing term after `{after}`, found {found}")
        };
        self.error_at(self.pos, &message)
    }

    fn implicit(&mut self) -> Result<Query> {
        let first = self.or_expr()?;
        let mut items = vec![first];
        while self.starts_operand() {
            items.push(self.or_expr()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Query::Implicit(items)
        })
    }

    fn or_expr(&mut self) -> Result<Query> {
        let mut items = vec![self.and_expr()?];
        while self.peek_keyword() == Some("OR") {
            self.pos += 2;
            if !self.starts_operand() {
                return Err(self.missing_operand("OR"));
            }
            items.push(self.and_expr()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Query::Or(items)
        })
    }

    fn and_expr(&mut self) -> Result<Query> {
        let mut items = vec![self.unary()?];
        loop {
            match self.peek_keyword() {
                Some("AND") => {
                    self.pos += 3;
                    if !self.starts_operand() {
                        return Err(self.missing_operand("AND"));
                    }
                    items.push(self.unary()?);
                }
                Some("NOT") => items.push(self.unary()?),
                _ => break,
            }
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Query::And(items)
        })
    }

    fn unary(&mut self) -> Result<Query> {
        if self.depth >= MAX_DEPTH {
            self.skip_ws();
            return Err(self.error_at(
                self.pos,
                &format!(
                    "the query nests too deeply (more than {MAX_DEPTH} levels of \
                     parentheses or NOT)"
                ),
            ));
        }
        self.depth += 1;
        let result = self.unary_inner();
        self.depth -= 1;
        result
    }

    fn unary_inner(&mut self) -> Result<Query> {
        if self.peek_keyword() == Some("NOT") {
            self.pos += 3;
            if !self.starts_operand() {
                return Err(self.missing_operand("NOT"));
            }
            return Ok(Query::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn group(&mut self) -> Result<Query> {
        // At `(`.
        let open = self.pos;
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(')') {
            return Err(self.error_at(self.pos, "empty parentheses"));
        }
        if self.at_end() {
            return Err(self.error_at(open, "unclosed parenthesis"));
        }
        if !self.starts_operand() {
            let found = self.describe_here();
            return Err(self.error_at(self.pos, &format!("unexpected {found}")));
        }
        let inner = self.implicit()?;
        self.skip_ws();
        match self.peek() {
            Some(')') => {
                self.pos += 1;
                Ok(inner)
            }
            None => Err(self.error_at(open, "unclosed parenthesis")),
            Some(_) => {
                let found = self.describe_here();
                Err(self.error_at(self.pos, &format!("unexpected {found}")))
            }
        }
    }

    fn primary(&mut self) -> Result<Query> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            Some('(') => self.group(),
            Some('[') | Some('{') => Ok(Query::Range(self.range(None, start)?)),
            Some('"') => {
                let text = self.phrase()?;
                Ok(Query::Term(Term {
                    field: None,
                    value: Value::Phrase(text),
                    span: Span::new(start, self.pos),
                }))
            }
            None => Err(self.error_at(self.pos, "missing term")),
            Some(c) if matches!(c, ')' | ']' | '}' | ':') => {
                Err(self.error_at(self.pos, &format!("unexpected `{c}`")))
            }
            Some(_) if matches!(self.peek_keyword(), Some("AND") | Some("OR")) => {
                let found = self.describe_here();
                Err(self.error_at(self.pos, &format!("unexpected {found}")))
            }
            Some(_) => {
                if let Some(text) = self.docs_phrase() {
                    return Ok(Query::Term(Term {
                        field: None,
                        value: Value::Phrase(text),
                        span: Span::new(start, self.pos),
                    }));
                }
                let word = self.word(false)?;
                if self.peek() == Some(':') {
                    self.field_value(word)
                } else {
                    Ok(Query::Term(Term {
                        field: None,
                        value: Value::from_parts(word.parts),
                        span: Span::new(word.start, word.end),
                    }))
                }
            }
        }
    }

    fn field_value(&mut self, word: Word) -> Result<Query> {
        // At `:` after a field name.
        let valid_name = word.plain
            && word
                .text
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !valid_name {
            return Err(self.error_at(word.start, &format!("invalid field name `{}`", word.text)));
        }
        let field = Field {
            name: word.text,
            span: Span::new(word.start, word.end),
        };
        self.pos += 1;
        self.skip_ws();
        let missing =
            |p: &Parser| p.error_at(p.pos, &format!("missing value after `{}:`", field.name));
        match self.peek() {
            None | Some(')') | Some(']') | Some('}') => Err(missing(self)),
            Some(_) if self.peek_keyword().is_some() => Err(missing(self)),
            Some('(') => {
                let query = self.group()?;
                Ok(Query::FieldGroup(FieldGroup {
                    span: Span::new(word.start, self.pos),
                    field,
                    query: Box::new(query),
                }))
            }
            Some('[') | Some('{') => Ok(Query::Range(self.range(Some(field), word.start)?)),
            Some('"') => {
                let text = self.phrase()?;
                Ok(Query::Term(Term {
                    field: Some(field),
                    value: Value::Phrase(text),
                    span: Span::new(word.start, self.pos),
                }))
            }
            Some(_) => {
                if let Some(text) = self.docs_phrase() {
                    return Ok(Query::Term(Term {
                        field: Some(field),
                        value: Value::Phrase(text),
                        span: Span::new(word.start, self.pos),
                    }));
                }
                let value = self.word(true)?;
                Ok(Query::Term(Term {
                    field: Some(field),
                    value: Value::from_parts(value.parts),
                    span: Span::new(word.start, value.end),
                }))
            }
        }
    }

    /// The reference's escaped-quote phrase, `\"Windows User\"`: at the start
    /// of a value, `\"` … `\"` holding an unescaped space (so several words)
    /// and ending at a word end reads as the phrase `"Windows User"`.
    /// A single word such as `\"abc\"` stays a word with literal quotes,
    /// as in Lucene. Printed words escape their spaces, so they never take
    /// this form and print/parse round trips are exact.
    fn docs_phrase(&mut self) -> Option<String> {
        let c = &self.chars;
        let p = self.pos;
        if c.get(p) != Some(&'\\') || c.get(p + 1) != Some(&'"') {
            return None;
        }
        let mut i = p + 2;
        let mut text = String::new();
        let mut spaced = false;
        while i < c.len() {
            match c[i] {
                '\\' if c.get(i + 1) == Some(&'"') => {
                    let after = c.get(i + 2);
                    // The closing `\"` must end the word (space, `)`, any
                    // delimiter, or the end): the printer writes a space after
                    // a term, so `\"a b\""x"` must not read as two words here
                    // and as a phrase once printed (found by fuzzing).
                    if !spaced || !after.is_none_or(|&a| ends_word(a)) {
                        return None;
                    }
                    self.pos = i + 2;
                    return Some(text);
                }
                '\\' => {
                    let (escaped, len) = escape_at(c, i + 1)?;
                    text.push(escaped);
                    i += 1 + len;
                }
                '"' => return None,
                ch => {
                    spaced |= ch.is_whitespace();
                    text.push(ch);
                    i += 1;
                }
            }
        }
        None
    }

    /// The character escaped by the backslash just read (the cursor is after
    /// it), consuming it; `None` at the end of the text.
    fn escaped(&mut self) -> Option<char> {
        let (c, len) = escape_at(&self.chars, self.pos)?;
        self.pos += len;
        Some(c)
    }

    /// An unquoted word (outside ranges). After `field:` a value may hold
    /// `:` (times such as `2017-01-20T11:00`, IPv6 addresses): `colon_ok`.
    fn word(&mut self, colon_ok: bool) -> Result<Word> {
        let start = self.pos;
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut plain = true;
        let mut literal = String::new();
        while let Some(c) = self.peek() {
            if ends_word(c) && !(colon_ok && c == ':') {
                break;
            }
            self.pos += 1;
            match c {
                '\\' => {
                    let Some(escaped) = self.escaped() else {
                        return Err(self.error_at(self.pos - 1, "dangling backslash"));
                    };
                    plain = false;
                    literal.push(escaped);
                    text.push(escaped);
                }
                '*' | '?' => {
                    plain = false;
                    if !literal.is_empty() {
                        parts.push(WildPart::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(if c == '*' {
                        WildPart::AnyChars
                    } else {
                        WildPart::OneChar
                    });
                    text.push(c);
                }
                c => {
                    literal.push(c);
                    text.push(c);
                }
            }
        }
        if !literal.is_empty() {
            parts.push(WildPart::Literal(literal));
        }
        Ok(Word {
            parts,
            text,
            plain,
            start,
            end: self.pos,
        })
    }

    /// A quoted phrase; the cursor is at the opening quote.
    fn phrase(&mut self) -> Result<String> {
        let open = self.pos;
        self.pos += 1;
        let mut text = String::new();
        loop {
            match self.peek() {
                None => return Err(self.error_at(open, "unterminated quote")),
                Some('"') => {
                    self.pos += 1;
                    return Ok(text);
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.escaped() {
                        Some(c) => text.push(c),
                        None => return Err(self.error_at(open, "unterminated quote")),
                    }
                }
                Some(c) => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// One end of a range: `*`, a quoted phrase or a bare word (which may hold
    /// `:`, for times like `2017-01-20T11:00`). `None` for the unbounded `*`.
    fn bound(&mut self) -> Result<Option<String>> {
        self.skip_ws();
        match self.peek() {
            Some('"') => Ok(Some(self.phrase()?)),
            _ => {
                let start = self.pos;
                let mut text = String::new();
                let mut escaped_any = false;
                while let Some(c) = self.peek() {
                    if c.is_whitespace() || matches!(c, ']' | '}' | '[' | '{' | '"' | '(' | ')') {
                        break;
                    }
                    self.pos += 1;
                    if c == '\\' {
                        let Some(e) = self.escaped() else {
                            return Err(self.error_at(self.pos - 1, "dangling backslash"));
                        };
                        escaped_any = true;
                        text.push(e);
                    } else {
                        text.push(c);
                    }
                }
                if (text.is_empty() || text == "TO") && !escaped_any {
                    return Err(self.error_at(start, "missing range bound"));
                }
                Ok(if text == "*" && !escaped_any {
                    None
                } else {
                    Some(text)
                })
            }
        }
    }

    fn range(&mut self, field: Option<Field>, start: usize) -> Result<Range> {
        let open = self.pos;
        let inclusive_lower = self.peek() == Some('[');
        self.pos += 1;
        let lo = self.bound()?;
        self.skip_ws();
        let to = self.pos;
        let has_to = self.chars.get(to..to + 2).is_some_and(|s| s == ['T', 'O'])
            && self
                .chars
                .get(to + 2)
                .is_none_or(|c| c.is_whitespace() || matches!(*c, '"' | ']' | '}'));
        if !has_to {
            return Err(self.error_at(to, "range needs `TO`"));
        }
        self.pos += 2;
        self.skip_ws();
        if self.at_end() {
            return Err(self.error_at(open, "unclosed range"));
        }
        let hi = self.bound()?;
        self.skip_ws();
        let inclusive_upper = match self.peek() {
            Some(']') => true,
            Some('}') => false,
            None => return Err(self.error_at(open, "unclosed range")),
            Some(c) => {
                return Err(self.error_at(
                    self.pos,
                    &format!("unexpected `{c}` in range, expected `]` or `}}`"),
                ))
            }
        };
        self.pos += 1;
        let make = |v: Option<String>, inclusive: bool| match v {
            None => Bound::Unbounded,
            Some(v) if inclusive => Bound::Inclusive(v),
            Some(v) => Bound::Exclusive(v),
        };
        Ok(Range {
            field,
            lower: make(lo, inclusive_lower),
            upper: make(hi, inclusive_upper),
            span: Span::new(start, self.pos),
        })
    }
}

/// What a backslash before `chars[at]` stands for, and how many characters
/// it takes: Lucene's `\uXXXX` (four hex digits, a Unicode scalar value), or
/// else the next character itself. The printer writes a word's leading `"` as
/// `\u0022`, because `\"` there could start the reference's `\"two words\"`
/// phrase form.
fn escape_at(chars: &[char], at: usize) -> Option<(char, usize)> {
    let next = *chars.get(at)?;
    if next == 'u' {
        let hex: String = chars
            .get(at + 1..at + 5)
            .unwrap_or_default()
            .iter()
            .collect();
        if hex.len() == 4 && hex.chars().all(|h| h.is_ascii_hexdigit()) {
            if let Some(decoded) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                return Some((decoded, 5));
            }
        }
    }
    Some((next, 1))
}
