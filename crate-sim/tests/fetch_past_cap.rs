//! `Client::fetch_all` past the 10,000 cap of a real appliance's
//! `match_count`, against the default simulator (which answers as SPS
//! 7.x/8.x do: `match_count` stops at 10,000, `_count` is exact).
//!
//! The bug this guards against: 12,000 matching sessions reported as
//! `match_count: 10000` were taken for exactly 10,000, and offset paging
//! returned 10,000 rows as a success. Every test here asserts every key
//! exactly once, the completeness the result reports, and how the total was
//! known; the last ones make the appliance's count disagree with what
//! arrives, which must be an error.

mod fetch_support;

use std::collections::HashSet;

use fetch_support::{expected_keys, fast_options, keys_of, start, SimTransport};
use sps_core::client::{PagingMode, SnapshotPolicy, TotalSource};
use sps_core::{CancelToken, Client, ErrorKind, FetchObserver, FetchOptions, SessionSearch};
use sps_sim::{Config, Running};

/// Logs in again on 401.
struct Relogin<'a> {
    client: &'a Client<SimTransport>,
    relogins: u32,
}

impl FetchObserver for Relogin<'_> {
    async fn relogin(&mut self) -> bool {
        self.relogins += 1;
        self.client.login("admin", "admin", None).await.is_ok()
    }
}

/// Every key of the simulator exactly once (any order: time slices under
/// the default sort keep it, but the check does not depend on it).
fn assert_every_key_once(rows: &[sps_core::SessionRow], sim: &Running, what: &str) {
    let keys = keys_of(rows);
    let set: HashSet<&String> = keys.iter().collect();
    assert_eq!(set.len(), keys.len(), "{what}: a key came twice");
    let mut got = keys.clone();
    got.sort();
    let mut want = expected_keys(sim);
    want.sort();
    assert_eq!(got.len(), want.len(), "{what}: number of sessions");
    assert_eq!(got, want, "{what}: the simulator's keys");
}

/// Which `_snapshot` / `_count` the appliance lacks, as `X-Sim-Fault`s.
fn without(snapshot: bool, count: bool) -> impl Fn(&str, u64) -> Option<String> {
    move |path: &str, _| {
        let gone = (snapshot && path.starts_with("/api/audit/sessions/_snapshot"))
            || (count && path.starts_with("/api/audit/sessions/_count"));
        gone.then(|| "status=404".to_owned())
    }
}

async fn fetch(
    transport: SimTransport,
    options: &FetchOptions,
) -> Result<sps_core::Fetched, sps_core::FetchAllError> {
    let client = Client::new(transport);
    client.login("admin", "admin", None).await.expect("login");
    let mut observer = Relogin {
        client: &client,
        relogins: 0,
    };
    client
        .fetch_all(
            &SessionSearch::new(),
            options,
            &mut observer,
            &CancelToken::new(),
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_simulator_caps_match_count_at_10000() {
    let sim = start(Config::for_tests(12_000)).await;
    let client = Client::new(SimTransport::new(&sim));
    client.login("admin", "admin", None).await.expect("login");
    let page = client
        .sessions(&SessionSearch::new().with_limit(1).expect("limit"))
        .await
        .expect("page");
    let meta = page.meta.expect("meta");
    assert_eq!(meta.match_count, Some(10_000), "capped, as real appliances");
    assert_eq!(
        client.count(&SessionSearch::new()).await.expect("count"),
        12_000,
        "`_count` is exact"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twelve_and_twenty_five_thousand_arrive_whole_under_every_policy() {
    for n in [12_000usize, 25_000] {
        let sim = start(Config::for_tests(n)).await;
        for (policy, no_snapshot, mode) in [
            (SnapshotPolicy::Auto, false, PagingMode::Snapshot),
            (SnapshotPolicy::Auto, true, PagingMode::TimeSlices),
            (SnapshotPolicy::Never, false, PagingMode::TimeSlices),
            (SnapshotPolicy::Always, false, PagingMode::Snapshot),
        ] {
            let what = format!("{n} sessions, {policy:?}, _snapshot 404: {no_snapshot}");
            let transport = SimTransport::new(&sim).with_fault(without(no_snapshot, false));
            let fetched = fetch(transport, &fast_options(policy))
                .await
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(fetched.mode, mode, "{what}");
            assert_every_key_once(&fetched.items, &sim, &what);
            let c = fetched.completeness;
            assert!(c.complete, "{what}");
            assert_eq!(c.expected_total, Some(n as u64), "{what}");
            assert_eq!(c.source, TotalSource::CountEndpoint, "{what}");
            assert_eq!(c.delivered, n as u64, "{what}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_count_the_cap_is_a_lower_bound_and_nothing_is_lost() {
    let n = 25_000;
    let sim = start(Config::for_tests(n)).await;
    // `_count` missing, snapshots there: a snapshot walk, total unknown.
    let transport = SimTransport::new(&sim).with_fault(without(false, true));
    let fetched = fetch(transport, &fast_options(SnapshotPolicy::Auto))
        .await
        .expect("fetch all");
    assert_eq!(fetched.mode, PagingMode::Snapshot);
    assert_every_key_once(&fetched.items, &sim, "no _count, snapshot");
    assert_eq!(fetched.completeness.source, TotalSource::LowerBound);
    assert_eq!(fetched.completeness.lower_bound, Some(10_000));
    assert!(fetched.completeness.complete);

    // Neither `_count` nor snapshots: time windows at the cap are split
    // further, and the windows' exact counts add up to the total.
    let transport = SimTransport::new(&sim).with_fault(without(true, true));
    let fetched = fetch(transport, &fast_options(SnapshotPolicy::Auto))
        .await
        .expect("fetch all");
    assert_eq!(fetched.mode, PagingMode::TimeSlices);
    assert_every_key_once(&fetched.items, &sim, "no _count, no snapshot");
    assert_eq!(fetched.completeness.source, TotalSource::WindowCounts);
    assert_eq!(fetched.completeness.expected_total, Some(n as u64));
    assert!(fetched.completeness.complete);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_cap_through_cookie_expiry_and_429s() {
    let n = 25_000;
    for (policy, no_snapshot) in [(SnapshotPolicy::Auto, false), (SnapshotPolicy::Auto, true)] {
        let mut config = Config::for_tests(n);
        // Every login dies after 15 authenticated requests; every 5th
        // snapshot request answers 429.
        config.expire_after = Some(15);
        config.snapshot_429_every = Some(5);
        let sim = start(config).await;
        let client = Client::new(SimTransport::new(&sim).with_fault(move |path, i| {
            if no_snapshot && path.starts_with("/api/audit/sessions/_snapshot") {
                return Some("status=404".to_owned());
            }
            // A 429 on some list pages too (time slices have no snapshot).
            (i % 13 == 7 && path.starts_with("/api/audit/sessions?"))
                .then(|| "status429".to_owned())
        }));
        client.login("admin", "admin", None).await.expect("login");
        let mut observer = Relogin {
            client: &client,
            relogins: 0,
        };
        let fetched = client
            .fetch_all(
                &SessionSearch::new(),
                &fast_options(policy),
                &mut observer,
                &CancelToken::new(),
            )
            .await
            .expect("fetch all");
        let what = format!("expiry + 429, _snapshot 404: {no_snapshot}");
        assert!(
            observer.relogins >= 2,
            "{what}: {} relogins",
            observer.relogins
        );
        assert!(fetched.stats.retries >= 2, "{what}: {:?}", fetched.stats);
        assert_every_key_once(&fetched.items, &sim, &what);
        assert!(fetched.completeness.complete, "{what}");
        assert_eq!(fetched.completeness.expected_total, Some(n as u64));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_count_that_disagrees_with_what_arrives_is_an_error() {
    let n = 12_000;
    let sim = start(Config::for_tests(n)).await;
    let miscount = |path: &str, _| {
        path.starts_with("/api/audit/sessions/_count")
            .then(|| "miscount=7".to_owned())
    };
    for policy in [SnapshotPolicy::Auto, SnapshotPolicy::Never] {
        let transport = SimTransport::new(&sim).with_fault(miscount);
        let err = fetch(transport, &fast_options(policy))
            .await
            .expect_err("a shortfall is never a success");
        match err.error.kind() {
            ErrorKind::Incomplete {
                delivered,
                expected,
                how,
            } => {
                assert_eq!((*delivered, *expected), (n as u64, n as u64 + 7));
                assert_eq!(how, "`_count`");
            }
            other => panic!("{policy:?}: unexpected {other:?}"),
        }
        assert!(err.to_string().contains("7 missing"), "{err}");
        // The rows are kept: every one that arrived.
        assert_every_key_once(&err.partial, &sim, "partial");
    }
    // Asked to keep going: the rows, marked incomplete, with the numbers.
    let transport = SimTransport::new(&sim).with_fault(miscount);
    let fetched = fetch(
        transport,
        &FetchOptions {
            allow_incomplete: true,
            ..fast_options(SnapshotPolicy::Auto)
        },
    )
    .await
    .expect("allowed to be incomplete");
    assert!(!fetched.completeness.complete);
    assert_eq!(fetched.completeness.delivered, n as u64);
    assert_eq!(fetched.completeness.expected_total, Some(n as u64 + 7));
}
