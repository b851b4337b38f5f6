//! The formula guard: which cells a spreadsheet would run as a formula
//! ([`needs_formula_guard`]) and how they are neutralised ([`neutralise_formula`]).

use std::borrow::Cow;

/// True if a spreadsheet could run `cell` as a formula.
///
/// The cell is guarded when it begins with a tab or a carriage return
/// (OWASP's list), or when its first character after any leading white space,
/// control or invisible format characters ([`char::is_whitespace`],
/// `char::is_control`, Unicode category Cf such as U+200B and U+FEFF) is a
/// trigger: `=`, `+`, `-`, `@`, their full-width forms `＝ ＋ － ＠` (U+FF1D,
/// U+FF0B, U+FF0D, U+FF20), small forms (U+FE66, U+FE62, U+FE63, U+FE6B),
/// superscript and subscript forms (U+207A..U+207C, U+208A..U+208C), or the
/// minus sign U+2212. Those
/// are what Unicode compatibility folding (NFKC) or a spreadsheet's own
/// trimming can turn into a formula's first character; LibreOffice does not,
/// but other spreadsheets and locales may, so they are guarded too.
///
/// A plain number is left alone, because it never runs: an optional ASCII `+`
/// or `-`, digits with at most one `.`, an optional exponent (`-5`, `+2.5`,
/// `-1e3`), possibly after leading white space (` -5` still reads as a
/// number, and quoting it would turn a number into text). `-2+3`, `-7 `,
/// `-inf` and `－5` (full-width sign) are not plain numbers.
pub fn needs_formula_guard(cell: &str) -> bool {
    if matches!(cell.as_bytes().first(), Some(b'\t' | b'\r')) {
        return true;
    }
    let rest = cell.trim_start_matches(is_invisible_lead);
    match rest.chars().next() {
        Some(c) if is_formula_trigger(c) => !is_plain_number(rest),
        _ => false,
    }
}

/// Characters a spreadsheet may skip or drop before a cell's first visible
/// character: white space (ASCII, NBSP, U+3000, ...), controls, and Unicode's
/// invisible format characters (category Cf: zero-width space and joiners,
/// byte order mark, soft hyphen, bidirectional marks, tags).
pub(super) fn is_invisible_lead(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{AD}'
                | '\u{600}'..='\u{605}'
                | '\u{61C}'
                | '\u{6DD}'
                | '\u{70F}'
                | '\u{890}'..='\u{891}'
                | '\u{8E2}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{110BD}'
                | '\u{110CD}'
                | '\u{13430}'..='\u{1343F}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0001}'
                | '\u{E0020}'..='\u{E007F}'
        )
}

/// The characters that start a formula, with the forms that fold to them.
pub(super) fn is_formula_trigger(c: char) -> bool {
    matches!(
        c,
        '=' | '+'
            | '-'
            | '@'
            // Full-width, small, superscript and subscript forms: NFKC folds
            // them to the ASCII ones.
            | '\u{FF1D}'
            | '\u{FF0B}'
            | '\u{FF0D}'
            | '\u{FF20}'
            | '\u{FE66}'
            | '\u{FE62}'
            | '\u{FE63}'
            | '\u{FE6B}'
            | '\u{207A}'..='\u{207C}'
            | '\u{208A}'..='\u{208C}'
            // MINUS SIGN: spreadsheets accept it as a sign in input.
            | '\u{2212}'
    )
}

/// `cell` made safe for spreadsheets: prefixed with `'` when
/// [`needs_formula_guard`] says so, unchanged otherwise.
pub fn neutralise_formula(cell: &str) -> Cow<'_, str> {
    if needs_formula_guard(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// An optionally signed decimal number: digits with at most one `.`, and an
/// optional exponent. No `inf`/`NaN`, no spaces.
pub(super) fn is_plain_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut mantissa = digits(&mut i);
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return false;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == bytes.len()
}

pub(super) fn guard_in_place(cell: &mut String) {
    if needs_formula_guard(cell) {
        cell.insert(0, '\'');
    }
}
