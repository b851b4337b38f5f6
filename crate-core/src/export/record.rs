//! What an export reads: [`SessionRecord`] (a list row, a full session, a
//! keyed session) and the `{key, body, meta}` object of JSON exports.

use std::borrow::Cow;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::links::session_meta;

use crate::model::envelope::{Single, SingleMeta};
use crate::model::field_source::{FieldSource, SparseBody};
use crate::model::session::{Session, SessionRow};

/// A session as the exporters see it: its key, its fields, and the object SPS
/// returns for it (`{key, body, meta}`).
///
/// Implemented for sparse list rows ([`SessionRow`]), full sessions with their
/// key (`(String, Session)` as [`decode_session_map`](crate::model::decode_session_map)
/// gives, and [`Single<Session>`] as the detail endpoint gives), and
/// references to any of them.
pub trait SessionRecord {
    /// What the fields are read from.
    type Fields: FieldSource + ?Sized;

    /// The session's key.
    fn key(&self) -> &str;

    /// The fields, for CSV.
    fn fields(&self) -> &Self::Fields;

    /// The object SPS returns for the session, for JSON.
    fn json_object(&self) -> SessionObject<'_>;
}

/// A session object as SPS returns it: `{"key", "body", "meta"}`, borrowed.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionObject<'a> {
    /// The key.
    pub key: &'a str,
    /// The body: full, sparse (`fields=`), or none (a list item without `fields=`).
    pub body: SessionBody<'a>,
    /// The links; for sessions without one, the link SPS would give.
    pub meta: Cow<'a, SingleMeta>,
}

/// The body of a [`SessionObject`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SessionBody<'a> {
    /// A full session.
    Full(&'a Session),
    /// A `fields=` selection.
    Sparse(&'a SparseBody),
    /// No body (a list item without `fields=`): written without `body`.
    None,
}

impl Serialize for SessionObject<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let with_body = !matches!(self.body, SessionBody::None);
        let mut map = serializer.serialize_map(Some(2 + usize::from(with_body)))?;
        map.serialize_entry("key", self.key)?;
        match self.body {
            SessionBody::Full(session) => map.serialize_entry("body", session)?,
            SessionBody::Sparse(body) => map.serialize_entry("body", body)?,
            SessionBody::None => {}
        }
        map.serialize_entry("meta", self.meta.as_ref())?;
        map.end()
    }
}

pub(super) fn meta_or_default<'a>(meta: Option<&'a SingleMeta>, key: &str) -> Cow<'a, SingleMeta> {
    match meta {
        Some(meta) => Cow::Borrowed(meta),
        None => Cow::Owned(session_meta(key)),
    }
}

impl SessionRecord for SessionRow {
    type Fields = SessionRow;

    fn key(&self) -> &str {
        &self.key
    }

    fn fields(&self) -> &SessionRow {
        self
    }

    fn json_object(&self) -> SessionObject<'_> {
        SessionObject {
            key: &self.key,
            body: match &self.body {
                Some(body) => SessionBody::Sparse(body),
                None => SessionBody::None,
            },
            meta: meta_or_default(self.meta.as_ref(), &self.key),
        }
    }
}

impl SessionRecord for (String, Session) {
    type Fields = Session;

    fn key(&self) -> &str {
        &self.0
    }

    fn fields(&self) -> &Session {
        &self.1
    }

    fn json_object(&self) -> SessionObject<'_> {
        SessionObject {
            key: &self.0,
            body: SessionBody::Full(&self.1),
            meta: Cow::Owned(session_meta(&self.0)),
        }
    }
}

impl SessionRecord for Single<Session> {
    type Fields = Session;

    fn key(&self) -> &str {
        self.key.as_deref().unwrap_or_default()
    }

    fn fields(&self) -> &Session {
        &self.body
    }

    fn json_object(&self) -> SessionObject<'_> {
        let key = self.key.as_deref().unwrap_or_default();
        SessionObject {
            key,
            body: SessionBody::Full(&self.body),
            meta: meta_or_default(self.meta.as_ref(), key),
        }
    }
}

impl<T: SessionRecord + ?Sized> SessionRecord for &T {
    type Fields = T::Fields;

    fn key(&self) -> &str {
        (**self).key()
    }

    fn fields(&self) -> &T::Fields {
        (**self).fields()
    }

    fn json_object(&self) -> SessionObject<'_> {
        (**self).json_object()
    }
}
