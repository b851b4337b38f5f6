//! The `q` builder for JavaScript: [`JsQuery`] and [`JsFieldBuilder`].

use super::*;

/// A `q` query (`Query` in JavaScript): build with `Query.field(..)`, combine
/// with `and`, `or`, `andNot`, `not`; `toString()` gives the text to send.
#[wasm_bindgen(js_name = Query)]
#[derive(Debug, Clone)]
pub struct JsQuery {
    query: Query,
}

/// A condition on one field, waiting for its value (`FieldBuilder`).
#[wasm_bindgen(js_name = FieldBuilder)]
#[derive(Debug, Clone)]
pub struct JsFieldBuilder {
    builder: FieldBuilder,
}

pub(super) fn literal_text(value: &JsValue) -> String {
    match value.as_string() {
        Some(text) => text,
        None => value
            .as_f64()
            .map(|n| n.to_string())
            .or_else(|| value.as_bool().map(|b| b.to_string()))
            .unwrap_or_else(|| crate::client::js_error_text(value)),
    }
}

pub(super) fn range_end(value: &JsValue) -> RangeEnd {
    if value.is_undefined() || value.is_null() {
        RangeEnd(None)
    } else {
        RangeEnd::from(literal_text(value))
    }
}

#[wasm_bindgen(js_class = Query)]
impl JsQuery {
    /// Starts a condition on a field (canonical name or alias).
    pub fn field(name: String) -> JsFieldBuilder {
        JsFieldBuilder {
            builder: Query::field(name),
        }
    }

    /// A bare literal term without field.
    pub fn text(value: JsValue) -> JsQuery {
        JsQuery {
            query: Query::text(literal_text(&value)),
        }
    }

    /// Parses `q` text (syntax only; the endpoint checks the fields).
    pub fn parse(text: String) -> std::result::Result<JsQuery, JsValue> {
        parse_query(&text)
            .map(|query| JsQuery { query })
            .map_err(|e| js_error(&e))
    }

    /// `this AND other`.
    pub fn and(&self, other: &JsQuery) -> JsQuery {
        JsQuery {
            query: self.query.clone().and(other.query.clone()),
        }
    }

    /// `this OR other`.
    pub fn or(&self, other: &JsQuery) -> JsQuery {
        JsQuery {
            query: self.query.clone().or(other.query.clone()),
        }
    }

    /// `this AND NOT other`.
    #[wasm_bindgen(js_name = andNot)]
    pub fn and_not(&self, other: &JsQuery) -> JsQuery {
        JsQuery {
            query: self.query.clone().and_not(other.query.clone()),
        }
    }

    /// `NOT this`.
    pub fn not(&self) -> JsQuery {
        JsQuery {
            query: Query::not(self.query.clone()),
        }
    }

    /// The query as `q` text.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_text(&self) -> String {
        self.query.to_string()
    }

    /// The same as `toString()` (for `JSON.stringify`).
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> String {
        self.query.to_string()
    }
}

#[wasm_bindgen(js_class = FieldBuilder)]
impl JsFieldBuilder {
    fn done(&self, f: impl FnOnce(FieldBuilder) -> Query) -> JsQuery {
        JsQuery {
            query: f(self.builder.clone()),
        }
    }

    /// `field:value`, the value taken literally (escaped or quoted as needed).
    pub fn eq(&self, value: JsValue) -> JsQuery {
        let text = literal_text(&value);
        self.done(|b| b.eq(text))
    }

    /// `field:"value"`, always a quoted phrase.
    pub fn phrase(&self, value: JsValue) -> JsQuery {
        let text = literal_text(&value);
        self.done(|b| b.phrase(text))
    }

    /// `field:pattern`, `*` and `?` as wildcards.
    pub fn wildcard(&self, pattern: String) -> JsQuery {
        self.done(|b| b.wildcard(&pattern))
    }

    /// `field:*`: the field has a value.
    pub fn exists(&self) -> JsQuery {
        self.done(FieldBuilder::exists)
    }

    /// `field:[lo TO hi]`, both ends included; `null`, `undefined` or `"*"`
    /// for an open end.
    pub fn range(&self, lo: JsValue, hi: JsValue) -> JsQuery {
        let (lo, hi) = (range_end(&lo), range_end(&hi));
        self.done(|b| b.range(lo, hi))
    }

    /// `field:(a b c)`: any of the literal values.
    #[wasm_bindgen(js_name = anyOf)]
    pub fn any_of(&self, values: Array) -> JsQuery {
        let texts: Vec<String> = values.iter().map(|v| literal_text(&v)).collect();
        self.done(|b| b.any_of(texts))
    }
}
