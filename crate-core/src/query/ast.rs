//! The AST of the `q` language: the Lucene-like filter syntax SPS documents for
//! `?q=` on `/api/audit/sessions` and `/events`, and for content search
//! (`?content=`, `/content?q=`).
//!
//! `Display` (in the printer, `printer.rs`) prints the canonical text;
//! [`crate::query::parse_query`] reads text back,
//! and printing then parsing any well-formed AST gives an equal AST.
//!
//! Decisions where the vendor pages are silent:
//!
//! - **Operators** are upper case only (`AND`, `OR`, `NOT`, `TO`), as in Lucene;
//!   `and` is an ordinary word. Precedence, tightest first: `NOT`, `AND`, `OR`,
//!   then terms side by side ([`Query::Implicit`]).
//! - **Implicit operator**: terms side by side are combined with OR (Lucene's
//!   default operator): `protocol:(ssh rdp)` matches either protocol. Kept as
//!   its own node so that it prints back as written.
//! - `a NOT b` (a `NOT` right after a term) means `a AND NOT b`, as in Lucene
//!   where `NOT` prohibits a clause; it prints as `a AND NOT b`.
//! - **Escapes**: a backslash makes the next character literal. The reference
//!   writes `server_username:\"Windows User\"` and `content:\"Copying Files\"`,
//!   in strict Lucene two words with literal quotes; it clearly means a phrase.
//!   We read that form (a value starting with `\"`, several words, ending with
//!   `\"`) as the phrase, and print phrases the standard way:
//!   `server_username:"Windows User"`. A single escaped word `\"abc\"` stays
//!   a word with literal quotes.
//! - **Not supported** (SPS's pages don't use them): `&&`, `||`, `!`, `+`/`-`
//!   prefixes, boosts `^`, fuzzy `~`, regular expressions `/…/`. Those
//!   characters are ordinary text when read, and printed escaped so that SPS's
//!   own Lucene parser reads them as text too.
//! - After `field:`, a value may hold unescaped `:` (`start_time:2017-01-20T11:00`,
//!   IPv6 addresses); printed as `\:`.
//! - **Spans** record where a node came from (for error messages) and never
//!   take part in equality: [`Span`]'s `PartialEq` is always true.

/// Where a node came from in the source text: character offsets (not bytes),
/// 0-based, `end` exclusive. Error messages show [`Span::column`], 1-based.
///
/// Two spans always compare equal, so ASTs compare by meaning and text only:
/// a parsed query equals the one built by hand or re-parsed from its printout.
#[derive(Debug, Clone, Copy, Default, Eq)]
pub struct Span {
    /// Offset of the first character (0-based, in characters).
    pub start: usize,
    /// Offset just past the last character.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (character offsets).
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The 1-based column a person reads: where the node starts.
    pub fn column(&self) -> usize {
        self.start + 1
    }
}

impl PartialEq for Span {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl std::hash::Hash for Span {
    fn hash<H: std::hash::Hasher>(&self, _state: &mut H) {}
}

/// A field name as written in the query (possibly an alias such as `name`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    /// The name as written, for example `user.gateway_username` or `name`.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

impl Field {
    /// A field without a source position.
    pub fn new(name: impl Into<String>) -> Self {
        Field {
            name: name.into(),
            span: Span::default(),
        }
    }
}

/// One piece of a wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WildPart {
    /// Literal text (never empty in a well-formed pattern; adjacent literals are merged).
    Literal(String),
    /// `*`: any run of characters, possibly empty.
    AnyChars,
    /// `?`: exactly one character.
    OneChar,
}

/// The value of a term.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// An unquoted word, unescaped (never empty). `\*` in the source is a literal star here.
    Word(String),
    /// A quoted phrase, unescaped (may be empty).
    Phrase(String),
    /// An unquoted word with at least one unescaped `*` or `?`.
    Wildcard(Vec<WildPart>),
}

impl Value {
    /// Builds a wildcard value from pattern text: `*` and `?` are wildcards,
    /// a backslash makes the next character literal. Adjacent literals are merged.
    /// Gives [`Value::Word`] when the text holds no wildcard (an empty
    /// [`Value::Phrase`] for empty text).
    pub fn wildcard(pattern: &str) -> Value {
        let mut parts: Vec<WildPart> = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            match c {
                '*' => parts.push(WildPart::AnyChars),
                '?' => parts.push(WildPart::OneChar),
                '\\' => push_literal(&mut parts, chars.next().unwrap_or('\\')),
                c => push_literal(&mut parts, c),
            }
        }
        Value::from_parts(parts)
    }

    /// A value from wildcard parts, normalised (adjacent literals merged,
    /// empty ones dropped): a word when there is no wildcard part, an empty
    /// phrase when there is nothing.
    pub fn from_parts(parts: Vec<WildPart>) -> Value {
        let mut merged: Vec<WildPart> = Vec::with_capacity(parts.len());
        for part in parts {
            match (part, merged.last_mut()) {
                (WildPart::Literal(s), _) if s.is_empty() => {}
                (WildPart::Literal(s), Some(WildPart::Literal(prev))) => prev.push_str(&s),
                (part, _) => merged.push(part),
            }
        }
        if merged.iter().all(|p| matches!(p, WildPart::Literal(_))) {
            let text: String = merged
                .into_iter()
                .map(|p| match p {
                    WildPart::Literal(s) => s,
                    _ => String::new(),
                })
                .collect();
            if text.is_empty() {
                Value::Phrase(text)
            } else {
                Value::Word(text)
            }
        } else {
            Value::Wildcard(merged)
        }
    }
}

fn push_literal(parts: &mut Vec<WildPart>, c: char) {
    if let Some(WildPart::Literal(s)) = parts.last_mut() {
        s.push(c);
    } else {
        parts.push(WildPart::Literal(c.to_string()));
    }
}

/// `field:value`, or a bare value (content search, or inside `field:( … )`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    /// The field, or `None` for a bare value.
    pub field: Option<Field>,
    /// The value.
    pub value: Value,
    /// Where the whole term (field included) was written.
    pub span: Span,
}

/// One end of a range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Bound {
    /// `*`: no limit.
    Unbounded,
    /// `[v` or `v]`: the value itself is included.
    Inclusive(String),
    /// `{v` or `v}`: the value itself is excluded.
    Exclusive(String),
}

/// `field:[lo TO hi]` and its mixed forms.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Range {
    /// The field, or `None` inside `field:( … )`.
    pub field: Option<Field>,
    /// Lower end.
    pub lower: Bound,
    /// Upper end.
    pub upper: Bound,
    /// Where the range (field included) was written.
    pub span: Span,
}

/// `field:( … )`: the bare values inside apply to `field`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldGroup {
    /// The field the values apply to.
    pub field: Field,
    /// The values and operators inside the parentheses.
    pub query: Box<Query>,
    /// Where the group (field included) was written.
    pub span: Span,
}

/// A query in the `q` language.
///
/// `And`, `Or` and `Implicit` hold at least two operands in a well-formed AST
/// (the parser and the builder only make such).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Query {
    /// `field:value` or a bare value.
    Term(Term),
    /// `field:[lo TO hi]`.
    Range(Range),
    /// `field:(a b)`.
    FieldGroup(FieldGroup),
    /// `a AND b AND …`
    And(Vec<Query>),
    /// `a OR b OR …`
    Or(Vec<Query>),
    /// `a b …`: side by side, combined with the default operator OR.
    Implicit(Vec<Query>),
    /// `NOT a`
    Not(Box<Query>),
}

impl Query {
    /// The first source position in this query, if any node keeps one.
    pub fn span(&self) -> Span {
        match self {
            Query::Term(t) => t.span,
            Query::Range(r) => r.span,
            Query::FieldGroup(g) => g.span,
            Query::And(v) | Query::Or(v) | Query::Implicit(v) => {
                v.first().map(Query::span).unwrap_or_default()
            }
            Query::Not(q) => q.span(),
        }
    }

    pub(super) fn precedence(&self) -> u8 {
        match self {
            Query::Implicit(_) => 1,
            Query::Or(_) => 2,
            Query::And(_) => 3,
            Query::Not(_) => 4,
            _ => 5,
        }
    }
}
