//! Relative paging links (`meta.first/last/next/previous`) in the documented
//! parameter order: `limit`, `offset`, `fields`, then the search parameters,
//! for example `/api/audit/sessions?limit=500&offset=0&fields=start_time,name,duration&q=name%3Amyname&sort=duration`.

//!
//! Values are escaped with sps-core's `encode_component`, so the simulator's
//! links and the viewer's URLs agree byte for byte.

use sps_core::encode_component;

/// Builds `path?name=value&...` with values escaped.
#[derive(Debug, Clone)]
pub struct LinkBuilder {
    out: String,
    first: bool,
}

impl LinkBuilder {
    /// Starts a link to `path`.
    pub fn new(path: &str) -> Self {
        LinkBuilder {
            out: path.to_owned(),
            first: true,
        }
    }

    fn sep(&mut self) {
        self.out.push(if self.first { '?' } else { '&' });
        self.first = false;
    }

    /// Adds `name=value`, escaping the value.
    pub fn param(mut self, name: &str, value: &str) -> Self {
        self.sep();
        self.out.push_str(name);
        self.out.push('=');
        self.out.push_str(&encode_component(value));
        self
    }

    /// Adds `fields=` with the names as requested (`*` kept, as in the reference).
    pub fn fields(mut self, names: &[String]) -> Self {
        self.sep();
        self.out.push_str("fields=");
        let parts: Vec<String> = names
            .iter()
            .map(|f| {
                if f == "*" {
                    f.clone()
                } else {
                    encode_component(f)
                }
            })
            .collect();
        self.out.push_str(&parts.join(","));
        self
    }

    /// Adds `name=value` when a value is present.
    pub fn opt(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.param(name, v),
            None => self,
        }
    }

    /// The link.
    pub fn build(self) -> String {
        self.out
    }
}

/// The path of a session sub-resource, key escaped.
pub fn session_path(key: &str, sub: Option<&str>) -> String {
    let k = encode_component(key);
    match sub {
        Some(s) => format!("/api/audit/sessions/{k}/{s}"),
        None => format!("/api/audit/sessions/{k}"),
    }
}

/// Offsets of the paging links for `count` items (capped at `window`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pages {
    /// Offset of the last page.
    pub last: usize,
    /// Offset of the next page, if any.
    pub next: Option<usize>,
    /// Offset of the previous page, if any.
    pub previous: Option<usize>,
}

/// Paging offsets for a page at `offset` of `limit` items out of `count`
/// reachable items.
pub fn pages(count: usize, offset: usize, limit: usize) -> Pages {
    let limit = limit.max(1);
    let last = if count == 0 {
        0
    } else {
        (count - 1) / limit * limit
    };
    Pages {
        last,
        next: offset.checked_add(limit).filter(|next| *next < count),
        previous: (offset > 0).then(|| offset.saturating_sub(limit)),
    }
}
