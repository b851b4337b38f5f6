//! Small value types shared by the models: null-or-absent fields, ids that SPS
//! writes as text or as numbers, one-or-many values, and the text enums that
//! keep the spelling SPS used.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A field that may be absent, `null`, or hold a value.
///
/// Kept apart from `Option` where SPS writes an explicit `null` that means
/// something (`end_time` of an active session, `next` of the last page), so
/// re-encoding gives back the same JSON. Use with
/// `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    /// The field was not in the JSON.
    #[default]
    Absent,
    /// The field was `null`.
    Null,
    /// The field had a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, if there is one.
    pub fn get(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, if there is one, by value.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// True if the field was not in the JSON (for `skip_serializing_if`).
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// True if the field was `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` becomes an explicit `null`.
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => v.serialize(serializer),
            // Absent is normally skipped by `skip_serializing_if`; if not, null is closest.
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}

/// An id that SPS writes as text in some places and as a number in others
/// (`recording.session_id`, `channels_id`, `trail_id`). Keeps the form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string | number"))]
pub enum StrOrInt {
    /// Written as a JSON string.
    Str(String),
    /// Written as a JSON integer.
    Int(i64),
}

impl StrOrInt {
    /// The value as an integer, parsing text such as `"0"`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            StrOrInt::Int(n) => Some(*n),
            StrOrInt::Str(s) => s.trim().parse().ok(),
        }
    }

    /// The text, if it was written as a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            StrOrInt::Str(s) => Some(s),
            StrOrInt::Int(_) => None,
        }
    }
}

impl fmt::Display for StrOrInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StrOrInt::Str(s) => f.write_str(s),
            StrOrInt::Int(n) => write!(f, "{n}"),
        }
    }
}

impl Serialize for StrOrInt {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            StrOrInt::Str(s) => serializer.serialize_str(s),
            StrOrInt::Int(n) => serializer.serialize_i64(*n),
        }
    }
}

impl<'de> Deserialize<'de> for StrOrInt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = StrOrInt;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an integer")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<StrOrInt, E> {
                Ok(StrOrInt::Str(s.to_owned()))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<StrOrInt, E> {
                Ok(StrOrInt::Str(s))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<StrOrInt, E> {
                Ok(StrOrInt::Int(n))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<StrOrInt, E> {
                i64::try_from(n)
                    .map(StrOrInt::Int)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(n), &self))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A value SPS writes either alone or as a list (`user.server_username`).
/// Keeps the form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OneOrMany<T> {
    /// A single value.
    One(T),
    /// A JSON array.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The values as a slice (one element for `One`).
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(v) => std::slice::from_ref(v),
            OneOrMany::Many(v) => v,
        }
    }

    /// Iterates over the values.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(v) => v.serialize(serializer),
            OneOrMany::Many(v) => v.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for OneOrMany<String> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany<String>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(OneOrMany::One(s.to_owned()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                // Through the seq deserializer so that errors keep their index in the path.
                Vec::<String>::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(OneOrMany::Many)
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// True if `a` and `b` are the same spelling of an enum value: equal when
/// ASCII case is ignored and `_` and `-` count as the same character
/// (`AUTH_FAIL`, `auth-fail`, `Auth_Fail`). SPS 6.0 pages write verdicts in
/// lower kebab case, real 7.x appliances in upper snake case.
pub(crate) fn loose_eq(a: &str, b: &str) -> bool {
    fn fold(c: u8) -> u8 {
        match c {
            b'_' => b'-',
            c => c.to_ascii_lowercase(),
        }
    }
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .all(|(x, y)| x == y || fold(x) == fold(y))
}

/// Defines a text enum: a `…Kind` enum of known values plus `Other`, and a
/// struct keeping the exact text SPS sent. Text is matched against the
/// documented spelling and every alias with [`loose_eq`]: case, `_` and `-`
/// do not matter.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $kind:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $canon:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        #[doc = concat!("The known values of [`", stringify!($name), "`].")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $kind {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know; the text is kept in the value.
            Other,
        }

        impl $kind {
            /// Every known value (without `Other`).
            pub const ALL: &'static [$kind] = &[ $( $kind::$variant ),+ ];

            /// The documented spelling (empty for `Other`).
            pub fn canonical(self) -> &'static str {
                match self {
                    $( $kind::$variant => $canon, )+
                    $kind::Other => "",
                }
            }

            /// Matches `text` against the documented spelling and known
            /// variants of it, ignoring case and treating `_` and `-` alike
            /// (`AUTH_FAIL`, `auth-fail` and `Auth_Fail` are one value).
            pub fn from_text(text: &str) -> $kind {
                $(
                    if $crate::model::values::loose_eq(text, $canon)
                        $(|| $crate::model::values::loose_eq(text, $alias))*
                    {
                        return $kind::$variant;
                    }
                )+
                $kind::Other
            }
        }

        $(#[$meta])*
        ///
        /// Keeps the exact text SPS sent (`as_str`, re-encoding), while `kind`
        /// gives its meaning; unknown text has kind `Other`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            kind: $kind,
            /// `None` when the text is the documented spelling of `kind`.
            custom: Option<Box<str>>,
        }

        impl $name {
            /// Reads text as SPS sent it; never fails (unknown text gives `Other`).
            pub fn parse(text: &str) -> $name {
                let kind = $kind::from_text(text);
                let custom = if kind != $kind::Other && kind.canonical() == text {
                    None
                } else {
                    Some(text.into())
                };
                $name { kind, custom }
            }

            /// The meaning.
            pub fn kind(&self) -> $kind {
                self.kind
            }

            /// The text exactly as SPS sent it.
            pub fn as_str(&self) -> &str {
                match &self.custom {
                    Some(text) => text,
                    None => self.kind.canonical(),
                }
            }

            /// True if this is `kind`.
            pub fn is(&self, kind: $kind) -> bool {
                self.kind == kind
            }
        }

        impl From<$kind> for $name {
            /// The documented spelling of `kind` (`Other` gives empty text).
            fn from(kind: $kind) -> $name {
                let custom = if kind == $kind::Other { Some("".into()) } else { None };
                $name { kind, custom }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> $name {
                $name::parse(text)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(text: &str) -> Result<$name, Self::Err> {
                Ok($name::parse(text))
            }
        }

        impl PartialEq<$kind> for $name {
            fn eq(&self, other: &$kind) -> bool {
                self.kind == *other
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::fmt::Display for $kind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $kind::Other => f.write_str("(other)"),
                    known => f.write_str(known.canonical()),
                }
            }
        }

        // TypeScript (feature `ts`): the known spellings, or any other text.
        #[cfg(feature = "ts")]
        impl ts_rs::TS for $name {
            type WithoutGenerics = $name;
            type OptionInnerType = $name;
            fn docs() -> Option<String> {
                Some(concat!(
                    "/**\n * `", stringify!($name), "` as SPS sent it: one of the known values ",
                    "(matched ignoring case, `_` and `-` alike) or any other text.\n */"
                ).to_owned())
            }
            fn name(_: &ts_rs::Config) -> String {
                stringify!($name).to_owned()
            }
            fn inline(_: &ts_rs::Config) -> String {
                let known: &[&str] = &[ $( $canon $(, $alias)* ),+ ];
                let mut out = String::new();
                for text in known {
                    out.push_str(&format!("{text:?} | "));
                }
                out.push_str("(string & {})");
                out
            }
            fn decl(cfg: &ts_rs::Config) -> String {
                format!("type {} = {};", Self::name(cfg), Self::inline(cfg))
            }
            fn decl_concrete(cfg: &ts_rs::Config) -> String {
                Self::decl(cfg)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a string (", stringify!($name), ")"))
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$name, E> {
                        Ok($name::parse(s))
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

pub(crate) use text_enum;

#[cfg(test)]
mod tests {
    use super::loose_eq;

    #[test]
    fn case_underscore_and_hyphen_are_alike() {
        for (a, b) in [
            ("AUTH_FAIL", "auth-fail"),
            ("Auth_Fail", "auth-fail"),
            ("auth-fail", "AUTH-FAIL"),
            ("GW_AUTH_FAIL", "gw-auth-fail"),
            ("USER_MAPPING_FAIL", "user-mapping-fail"),
            ("KEY_ERROR", "key-error"),
            ("", ""),
        ] {
            assert!(loose_eq(a, b), "{a} {b}");
            assert!(loose_eq(b, a), "{b} {a}");
        }
        for (a, b) in [
            ("AUTHFAIL", "auth-fail"),
            ("auth fail", "auth-fail"),
            ("auth-fail ", "auth-fail"),
            ("auth.fail", "auth-fail"),
            ("terminate", "terminated"),
            // Non-ASCII letters are compared exactly.
            ("fäil", "FÄIL"),
        ] {
            assert!(!loose_eq(a, b), "{a} {b}");
        }
    }
}
