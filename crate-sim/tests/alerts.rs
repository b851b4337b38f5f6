//! Generated alerts make triage across sessions meaningful: a few noisy
//! rules hold most alerts, one rule is rare, some sessions burst (several
//! alerts within seconds), a few users raise far more than the rest, and all
//! of it is the same for the same seed. Each alert is one of its session's
//! events (same record id, time and content), as the detail page relies on.

mod common;

use std::collections::{BTreeMap, HashMap};

use common::{get_json, login, start};
use serde_json::Value;
use sps_core::{FieldSource, Timestamp};
use sps_sim::Config;

const N: usize = 6000;

struct Seen {
    /// (session key, user name, alerts) of every session with alerts.
    sessions: Vec<(String, String, Vec<Value>)>,
}

fn collect(sim: &common::Sim) -> Seen {
    let store = &sim.running.state.store;
    let mut sessions = Vec::new();
    for i in 0..store.len() {
        let r = store.get(i);
        let alerts = r.alerts();
        if alerts.is_empty() {
            continue;
        }
        let user = r
            .view()
            .field_values("user.name")
            .next()
            .map(|v| v.to_text().into_owned())
            .unwrap_or_default();
        sessions.push((r.key().to_owned(), user, alerts));
    }
    Seen { sessions }
}

fn millis(alert: &Value) -> i64 {
    let text = alert["time"].as_str().expect("time");
    Timestamp::parse(text)
        .expect("alert time")
        .instant()
        .timestamp_millis()
}

#[tokio::test]
async fn rules_users_and_times_give_triage_something_to_find() {
    let sim = start(Config::for_tests(N)).await;
    let seen = collect(&sim);
    let alerts: Vec<&Value> = seen.sessions.iter().flat_map(|s| &s.2).collect();
    let total = alerts.len();
    assert!(total > 1000, "{total} alerts");

    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    for a in &alerts {
        *by_rule
            .entry(a["rule_name"].as_str().unwrap_or("").to_owned())
            .or_default() += 1;
    }
    let mut ranked: Vec<(&String, &usize)> = by_rule.iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(a.1));
    // A few noisy rules: the top four hold three quarters of the alerts,
    // and there is a long tail after them.
    let top4: usize = ranked.iter().take(4).map(|r| r.1).sum();
    assert!(top4 * 4 >= total * 3, "top rules {ranked:?} of {total}");
    assert!(ranked.len() >= 8, "{ranked:?}");
    // One rare rule: present, but a sliver of the alerts.
    let rare = by_rule.get("DataExfiltration").copied().unwrap_or(0);
    assert!(rare >= 1, "the rare rule fires somewhere: {ranked:?}");
    assert!(rare * 100 <= total, "{rare} of {total}");
    assert!(*ranked[3].1 >= 20 * rare, "{ranked:?}");
    assert_eq!(
        ranked.last().map(|r| r.0.as_str()),
        Some("DataExfiltration"),
        "the rarest rule: {ranked:?}"
    );

    // Bursts: several alerts within a few seconds in one session.
    let bursting = seen
        .sessions
        .iter()
        .filter(|(_, _, alerts)| {
            let times: Vec<i64> = alerts.iter().map(millis).collect();
            times.windows(3).any(|w| w[2] - w[0] <= 5_000)
        })
        .count();
    assert!(
        bursting * 10 >= seen.sessions.len(),
        "{bursting} of {} sessions burst",
        seen.sessions.len()
    );

    // Noisy users: the 10 users with most alerts per session raise clearly
    // more than the average user.
    let mut per_user: HashMap<&str, (usize, usize)> = HashMap::new();
    for (_, user, alerts) in &seen.sessions {
        let e = per_user.entry(user.as_str()).or_default();
        e.0 += 1;
        e.1 += alerts.len();
    }
    let mut rates: Vec<f64> = per_user
        .values()
        .filter(|(sessions, _)| *sessions >= 5)
        .map(|(sessions, alerts)| *alerts as f64 / *sessions as f64)
        .collect();
    rates.sort_by(|a, b| b.total_cmp(a));
    let average = total as f64 / seen.sessions.len() as f64;
    let top: f64 = rates.iter().take(10).sum::<f64>() / 10.0;
    assert!(top >= 1.5 * average, "top users {top:.2} vs {average:.2}");
}

#[tokio::test]
async fn alerts_are_events_of_their_session_in_record_order() {
    let sim = start(Config::for_tests(1500)).await;
    let store = &sim.running.state.store;
    let mut checked = 0;
    for i in 0..store.len() {
        let r = store.get(i);
        let alerts = r.alerts();
        if alerts.is_empty() {
            continue;
        }
        let events = r.events();
        let mut last_id = 0;
        let mut last_time = i64::MIN;
        for a in &alerts {
            let id = a["record_id"].as_u64().expect("record id");
            assert!(id > last_id, "record order in {}", r.key());
            last_id = id;
            let event = events
                .iter()
                .find(|e| e.record_id == id)
                .expect("an alert is one of the session's events");
            assert_eq!(a["matched_content"].as_str(), Some(event.content.as_str()));
            assert_eq!(millis(a), event.time_ms, "{}", r.key());
            assert!(millis(a) >= last_time, "times follow record order");
            last_time = millis(a);
            let start = r.start_ms().expect("start");
            assert!(millis(a) >= start, "not before the session");
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}

#[tokio::test]
async fn the_same_seed_gives_the_same_alerts() {
    let a = start(Config::for_tests(800)).await;
    let b = start(Config::for_tests(800)).await;
    let (sa, sb) = (collect(&a), collect(&b));
    assert_eq!(sa.sessions.len(), sb.sessions.len());
    for (x, y) in sa.sessions.iter().zip(&sb.sessions) {
        assert_eq!(x.0, y.0);
        assert_eq!(x.2, y.2);
    }
    let mut other = Config::for_tests(800);
    other.seed = 2;
    let c = start(other).await;
    let sc = collect(&c);
    assert_ne!(
        sa.sessions.iter().map(|s| &s.2).collect::<Vec<_>>(),
        sc.sessions.iter().map(|s| &s.2).collect::<Vec<_>>()
    );
    // And the endpoint serves exactly these, in its documented shape.
    let c = login(&a).await;
    let (key, _, alerts) = &sa.sessions[0];
    let (status, v) = get_json(&c, &a.url(&format!("/api/audit/sessions/{key}/alerts"))).await;
    assert_eq!(status, 200);
    assert_eq!(v["items"].as_array(), Some(alerts));
}
