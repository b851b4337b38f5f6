//! The alerts page's data, without the browser: an alert with the session it
//! belongs to, filtering by rule, user and server (with the counts the
//! selects show), grouping, the order shown, and the link that opens the
//! session's timeline at the alert's moment.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use sps_core::export::SessionContext;
use sps_core::{Alert, SessionRow, Timestamp};

use crate::components::session_table::detail_href;
use crate::components::zone::ListZone;
use crate::pages::session_detail::secs_text;

/// The session fields the page asks for (`fields=`): who, where, how, when.
pub const SESSION_FIELDS: [&str; 7] = [
    "protocol",
    "server.address",
    "server.ip",
    "server.name",
    "start_time",
    "user.gateway_username",
    "user.name",
];

/// What the page shows of a session next to each of its alerts.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionInfo {
    /// The session's key.
    pub key: String,
    /// The gateway user name, else the user name; empty when neither.
    pub user: String,
    /// The server's name, else its IP, else its address; empty when none.
    pub server: String,
    /// `SSH`, `RDP`, ...; empty when absent.
    pub protocol: String,
    /// Where the timeline's time 0 is (the detail page's `#t=` counts from it).
    pub start: Option<Timestamp>,
    /// The session's columns in exports.
    pub context: SessionContext,
}

impl SessionInfo {
    /// From a list row fetched with [`SESSION_FIELDS`].
    pub fn from_row(row: &SessionRow) -> Self {
        let text = |path: &str| {
            row.body
                .as_ref()
                .and_then(|b| b.get_str(path))
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let user = text("user.gateway_username")
            .or_else(|| text("user.name"))
            .unwrap_or_default();
        let server = text("server.name")
            .or_else(|| text("server.ip"))
            .or_else(|| text("server.address"))
            .unwrap_or_default();
        SessionInfo {
            key: row.key.clone(),
            user,
            server,
            protocol: text("protocol").unwrap_or_default(),
            start: row
                .body
                .as_ref()
                .and_then(|b| b.get_timestamp("start_time")),
            context: SessionContext::from_record(row),
        }
    }
}

/// One alert with its session.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertItem {
    /// The session it was raised in (shared by all of its alerts).
    pub session: Arc<SessionInfo>,
    /// The alert as SPS sent it.
    pub alert: Alert,
}

impl AlertItem {
    /// The alert's rule name; empty when it has none.
    pub fn rule(&self) -> &str {
        self.alert.rule_name.as_deref().unwrap_or_default()
    }

    /// The value of `dim` for this alert.
    pub fn value(&self, dim: Dim) -> &str {
        match dim {
            Dim::Rule => self.rule(),
            Dim::User => &self.session.user,
            Dim::Server => &self.session.server,
        }
    }

    /// Seconds from the session's start to the alert (never negative): what
    /// the detail page's `#t=` takes. `None` without either time.
    pub fn secs_into_session(&self) -> Option<f64> {
        let start = self.session.start.as_ref()?.instant();
        let at = self.alert.time.as_ref()?.instant();
        let millis = (at - start).num_milliseconds();
        Some((millis as f64 / 1000.0).max(0.0))
    }

    /// The detail page of the alert's session in zone `tz`, at the alert's
    /// moment on the timeline when it has one.
    pub fn detail_link(&self, tz: ListZone) -> String {
        let page = detail_href(&self.session.key, tz);
        match self.secs_into_session() {
            Some(secs) => format!("{page}#t={}", secs_text(secs)),
            None => page,
        }
    }
}

/// What the alerts can be filtered and grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    /// The content policy rule's name.
    Rule,
    /// The session's user.
    User,
    /// The session's server.
    Server,
}

impl Dim {
    /// Every dimension, in the order the page shows them.
    pub const ALL: [Dim; 3] = [Dim::Rule, Dim::User, Dim::Server];

    /// A stable name (element ids, `data-` attributes, select values).
    pub fn token(self) -> &'static str {
        match self {
            Dim::Rule => "rule",
            Dim::User => "user",
            Dim::Server => "server",
        }
    }

    /// The dimension named `token`.
    pub fn from_token(token: &str) -> Option<Dim> {
        Dim::ALL.into_iter().find(|d| d.token() == token)
    }

    /// The select's label.
    pub fn label(self) -> &'static str {
        match self {
            Dim::Rule => "Rule",
            Dim::User => "User",
            Dim::Server => "Server",
        }
    }
}

/// The chosen value of each dimension; a missing one lets every value through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter(BTreeMap<Dim, String>);

impl Filter {
    /// The filter with `dim` set to `value` (`None`: any value).
    pub fn with(&self, dim: Dim, value: Option<String>) -> Filter {
        let mut next = self.0.clone();
        match value {
            Some(v) => next.insert(dim, v),
            None => next.remove(&dim),
        };
        Filter(next)
    }

    /// The value chosen for `dim`, if any.
    pub fn get(&self, dim: Dim) -> Option<&str> {
        self.0.get(&dim).map(String::as_str)
    }

    /// True when `item` passes every chosen value except `skip`'s (the
    /// counts of a select are those the other selects leave).
    fn passes_except(&self, item: &AlertItem, skip: Option<Dim>) -> bool {
        self.0
            .iter()
            .all(|(&dim, value)| Some(dim) == skip || item.value(dim) == value)
    }

    /// True when `item` passes every chosen value.
    pub fn passes(&self, item: &AlertItem) -> bool {
        self.passes_except(item, None)
    }
}

/// The values of `dim` among the alerts the *other* chosen values leave,
/// with how many alerts have each: most first, then by name.
pub fn counts(items: &[AlertItem], dim: Dim, filter: &Filter) -> Vec<(String, usize)> {
    let mut by_value: BTreeMap<&str, usize> = BTreeMap::new();
    for item in items.iter().filter(|i| filter.passes_except(i, Some(dim))) {
        *by_value.entry(item.value(dim)).or_default() += 1;
    }
    let mut counted: Vec<(String, usize)> = by_value
        .into_iter()
        .map(|(value, n)| (value.to_owned(), n))
        .collect();
    // Stable sort over name order: ties stay alphabetical.
    counted.sort_by_key(|c| std::cmp::Reverse(c.1));
    counted
}

/// The order of alerts by time: earliest first, alerts without a time last,
/// then by session key and record id so the order never depends on arrival.
fn by_time(a: &AlertItem, b: &AlertItem) -> Ordering {
    let time = |i: &AlertItem| i.alert.time.as_ref().map(Timestamp::instant);
    match (time(a), time(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then_with(|| a.session.key.cmp(&b.session.key))
    .then_with(|| a.alert.record_id.cmp(&b.alert.record_id))
}

/// The alerts shown: indices into `items` of those that pass `filter`, by
/// time; with `group`, clustered by that dimension's value (largest group
/// first, then by name), by time inside each group.
pub fn shown_order(items: &[AlertItem], filter: &Filter, group: Option<Dim>) -> Vec<u32> {
    let mut order: Vec<u32> = (0..items.len() as u32)
        .filter(|&i| filter.passes(&items[i as usize]))
        .collect();
    let sizes: BTreeMap<&str, usize> = match group {
        Some(dim) => {
            let mut sizes = BTreeMap::new();
            for &i in &order {
                *sizes.entry(items[i as usize].value(dim)).or_default() += 1;
            }
            sizes
        }
        None => BTreeMap::new(),
    };
    order.sort_by(|&a, &b| {
        let (a, b) = (&items[a as usize], &items[b as usize]);
        let grouped = match group {
            Some(dim) => {
                let (ka, kb) = (a.value(dim), b.value(dim));
                let size = |k: &str| sizes.get(k).copied().unwrap_or(0);
                size(kb).cmp(&size(ka)).then_with(|| ka.cmp(kb))
            }
            None => Ordering::Equal,
        };
        grouped.then_with(|| by_time(a, b))
    });
    order
}

/// Where each group starts in `order` (see [`shown_order`]): the display
/// position of a group's first alert, with the group's value and size.
pub fn group_starts(
    items: &[AlertItem],
    order: &[u32],
    dim: Dim,
) -> BTreeMap<usize, (String, usize)> {
    let mut starts: BTreeMap<usize, (String, usize)> = BTreeMap::new();
    let mut current: Option<(usize, &str)> = None;
    for (position, &i) in order.iter().enumerate() {
        let value = items[i as usize].value(dim);
        match current {
            Some((start, v)) if v == value => {
                if let Some(entry) = starts.get_mut(&start) {
                    entry.1 += 1;
                }
            }
            _ => {
                starts.insert(position, (value.to_owned(), 1));
                current = Some((position, value));
            }
        }
    }
    starts
}

/// Above this many sessions the page asks before it fetches their alerts
/// (one request each, at least).
pub const CONFIRM_SESSIONS: u64 = 2_000;

/// Whether fetching the alerts of `sessions` sessions asks first.
pub fn needs_confirmation(sessions: u64) -> bool {
    sessions > CONFIRM_SESSIONS
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn session(key: &str, user: &str, server: &str, start: &str) -> Arc<SessionInfo> {
        Arc::new(SessionInfo {
            key: key.into(),
            user: user.into(),
            server: server.into(),
            protocol: "SSH".into(),
            start: Timestamp::parse(start).ok(),
            context: SessionContext::default(),
        })
    }

    fn alert(session: &Arc<SessionInfo>, rule: &str, time: &str, record: i64) -> AlertItem {
        AlertItem {
            session: session.clone(),
            alert: Alert {
                rule_name: Some(rule.into()),
                time: Timestamp::parse(time).ok(),
                record_id: Some(record),
                ..Alert::default()
            },
        }
    }

    fn sample() -> Vec<AlertItem> {
        let a = session("a", "alice", "db1", "2026-11-01T10:00:00Z");
        let b = session("b", "bob", "web1", "2026-11-01T09:00:00Z");
        vec![
            alert(&a, "sudo", "2026-11-01T10:05:00", 1),
            alert(&a, "rm -rf", "2026-11-01T10:01:30.250", 2),
            alert(&b, "sudo", "2026-11-01T09:30:00", 1),
            alert(&b, "sudo", "2026-11-01T09:10:00", 2),
            alert(&b, "passwd", "2026-11-01T09:20:00", 3),
        ]
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn shown_by_time_and_filtered() {
        let items = sample();
        assert_eq!(
            shown_order(&items, &Filter::default(), None),
            vec![3, 4, 2, 1, 0]
        );
        let sudo = Filter::default().with(Dim::Rule, Some("sudo".into()));
        assert_eq!(shown_order(&items, &sudo, None), vec![3, 2, 0]);
        let bob_sudo = sudo.with(Dim::User, Some("bob".into()));
        assert_eq!(shown_order(&items, &bob_sudo, None), vec![3, 2]);
        assert_eq!(bob_sudo.with(Dim::Rule, None).get(Dim::Rule), None);
        let nobody = Filter::default().with(Dim::Server, Some("nowhere".into()));
        assert!(shown_order(&items, &nobody, None).is_empty());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn counts_leave_out_their_own_choice() {
        let items = sample();
        let rules = counts(&items, Dim::Rule, &Filter::default());
        assert_eq!(
            rules,
            vec![
                ("sudo".into(), 3),
                ("passwd".into(), 1),
                ("rm -rf".into(), 1)
            ]
        );
        // With a rule chosen, the rule select still offers every rule (its
        // own choice is left out), the user select counts that rule's alerts.
        let sudo = Filter::default().with(Dim::Rule, Some("sudo".into()));
        assert_eq!(counts(&items, Dim::Rule, &sudo).len(), 3);
        assert_eq!(
            counts(&items, Dim::User, &sudo),
            vec![("bob".into(), 2), ("alice".into(), 1)]
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn grouping_clusters_largest_first() {
        let items = sample();
        let order = shown_order(&items, &Filter::default(), Some(Dim::Rule));
        assert_eq!(order, vec![3, 2, 0, 4, 1]);
        let starts = group_starts(&items, &order, Dim::Rule);
        let expected: BTreeMap<usize, (String, usize)> = [
            (0, ("sudo".to_owned(), 3)),
            (3, ("passwd".to_owned(), 1)),
            (4, ("rm -rf".to_owned(), 1)),
        ]
        .into_iter()
        .collect();
        assert_eq!(starts, expected);
        let by_user = shown_order(&items, &Filter::default(), Some(Dim::User));
        assert_eq!(by_user, vec![3, 4, 2, 1, 0]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn links_open_the_timeline_at_the_alert() {
        let items = sample();
        assert_eq!(items[1].secs_into_session(), Some(90.25));
        assert_eq!(
            items[1].detail_link(ListZone::DEFAULT),
            "/sessions/a#t=90.25"
        );
        let utc = ListZone::Display(crate::list_state::TimeDisplay::Utc);
        assert_eq!(items[3].detail_link(utc), "/sessions/b?tz=utc#t=600");
        let mut no_time = items[0].clone();
        no_time.alert.time = None;
        assert_eq!(no_time.detail_link(ListZone::DEFAULT), "/sessions/a");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn sessions_read_from_list_rows() {
        let page = sps_core::model::decode_session_list(
            br#"{"items": [{"key": "k/1", "body": {"protocol": "RDP",
                 "server.address": null, "server.ip": "10.0.0.9", "server.name": "",
                 "start_time": "2026-11-01T10:00:00+01:00",
                 "user.gateway_username": null, "user.name": "carol"}}]}"#,
        );
        let rows = page.map(|p| p.items).unwrap_or_default();
        let info = SessionInfo::from_row(&rows[0]);
        assert_eq!(
            (
                info.user.as_str(),
                info.server.as_str(),
                info.protocol.as_str()
            ),
            ("carol", "10.0.0.9", "RDP")
        );
        assert!(info.start.is_some());
        assert_eq!(info.context.key, "k/1");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn large_searches_ask_first() {
        assert!(!needs_confirmation(CONFIRM_SESSIONS));
        assert!(needs_confirmation(CONFIRM_SESSIONS + 1));
    }
}
