//! `sps_core::Client::fetch_all` against the in-process simulator: every
//! session exactly once (compared with the simulator's own store), through
//! snapshots, time slices, cookie expiry, 429s, 5xx, expired snapshots,
//! cancellation, and a partial result on persistent errors.
//!
//! The transport (`fetch_support`) is a small `reqwest` one that keeps the
//! `session_id` cookie itself and can add an `X-Sim-Fault` header to chosen
//! requests.

mod fetch_support;

use std::cell::Cell;
use std::collections::HashSet;
use std::time::{Duration, Instant};

use fetch_support::{expected_keys, fast_options, keys_of, start, SimTransport};
use sps_core::client::{PagingMode, Progress, SnapshotPolicy};
use sps_core::{CancelToken, Client, ErrorKind, FetchObserver, FetchOptions, SessionSearch};
use sps_sim::Config;

/// Logs in again on 401, records progress and warnings, cancels on demand.
struct Observer<'a> {
    client: &'a Client<SimTransport>,
    relogins: u32,
    expiring: Vec<i64>,
    last: Option<Progress>,
    cancel_at: Option<(u64, CancelToken)>,
}

impl<'a> Observer<'a> {
    fn new(client: &'a Client<SimTransport>) -> Self {
        Observer {
            client,
            relogins: 0,
            expiring: Vec::new(),
            last: None,
            cancel_at: None,
        }
    }
}

impl FetchObserver for Observer<'_> {
    fn progress(&mut self, progress: &Progress) {
        if let Some(last) = self.last {
            assert!(progress.fetched >= last.fetched, "progress never goes back");
        }
        self.last = Some(*progress);
        if let Some((at, token)) = &self.cancel_at {
            if progress.fetched >= *at {
                token.cancel();
            }
        }
    }

    fn session_expiring(&mut self, remaining_seconds: i64) {
        self.expiring.push(remaining_seconds);
    }

    async fn relogin(&mut self) -> bool {
        self.relogins += 1;
        self.client.login("admin", "admin", None).await.is_ok()
    }
}

const N: usize = 30_000;

async fn logged_in(transport: SimTransport) -> Client<SimTransport> {
    let client = Client::new(transport);
    client.login("admin", "admin", None).await.expect("login");
    client
}

fn assert_unique(keys: &[String]) {
    let set: HashSet<&String> = keys.iter().collect();
    assert_eq!(set.len(), keys.len(), "a key came twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_snapshots_every_key_once_in_order() {
    let mut config = Config::for_tests(N);
    // Short login timeout: `remaining_seconds` stays under the 60 s warning.
    config.session_timeout = Duration::from_secs(45);
    let sim = start(config).await;
    let client = logged_in(SimTransport::new(&sim)).await;
    let mut observer = Observer::new(&client);
    let fetched = client
        .fetch_all(
            &SessionSearch::new(),
            &fast_options(SnapshotPolicy::Auto),
            &mut observer,
            &CancelToken::new(),
        )
        .await
        .expect("fetch all");
    assert_eq!(fetched.mode, PagingMode::Snapshot);
    assert_eq!(fetched.expected_total, Some(N as u64));
    assert_eq!(keys_of(&fetched.items), expected_keys(&sim));
    assert_eq!(observer.last.map(|p| p.fetched), Some(N as u64));
    assert_eq!(
        observer.expiring.len(),
        1,
        "warned once: {:?}",
        observer.expiring
    );
    assert!(observer.expiring[0] <= 45);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_snapshots_time_slices_every_key_once() {
    let sim = start(Config::for_tests(N)).await;
    let client = logged_in(SimTransport::new(&sim)).await;
    let mut observer = Observer::new(&client);
    let fetched = client
        .fetch_all(
            &SessionSearch::new(),
            &fast_options(SnapshotPolicy::Never),
            &mut observer,
            &CancelToken::new(),
        )
        .await
        .expect("fetch all");
    assert_eq!(fetched.mode, PagingMode::TimeSlices);
    assert!(fetched.in_global_order);
    let keys = keys_of(&fetched.items);
    assert_unique(&keys);
    // Active sessions (no end_time) are included: slicing is on start_time.
    let active = (0..sim.state.store.len())
        .filter(|i| sim.state.store.get(*i).active())
        .count();
    assert!(active > 0, "the data set has active sessions");
    assert_eq!(keys, expected_keys(&sim), "all, newest first");
    assert!(observer.expiring.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_falls_back_to_slices_when_snapshot_is_404() {
    let sim = start(Config::for_tests(N)).await;
    // An appliance before 7.5: `_snapshot` is unknown.
    let transport = SimTransport::new(&sim).with_fault(|path, _| {
        path.starts_with("/api/audit/sessions/_snapshot")
            .then(|| "status=404".to_owned())
    });
    let client = logged_in(transport).await;
    let fetched = client
        .fetch_all(
            &SessionSearch::new(),
            &fast_options(SnapshotPolicy::Auto),
            &mut Observer::new(&client),
            &CancelToken::new(),
        )
        .await
        .expect("fetch all");
    assert_eq!(fetched.mode, PagingMode::TimeSlices);
    assert_eq!(keys_of(&fetched.items), expected_keys(&sim));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filtered_search_under_the_cap_pages_by_offset() {
    let sim = start(Config::for_tests(N)).await;
    let client = logged_in(SimTransport::new(&sim)).await;
    let search = SessionSearch::new()
        .with_q_text("protocol:ssh")
        .and_then(|s| s.with_fields(["protocol", "start_time"]))
        .expect("search");
    let direct = client.count(&search).await.expect("count");
    let fetched = client
        .fetch_all(
            &search,
            &fast_options(SnapshotPolicy::Auto),
            &mut Observer::new(&client),
            &CancelToken::new(),
        )
        .await
        .expect("fetch all");
    assert_eq!(fetched.items.len() as u64, direct);
    if direct <= 10_000 {
        assert_eq!(fetched.mode, PagingMode::Offset);
    }
    assert_unique(&keys_of(&fetched.items));
    assert!(fetched
        .items
        .iter()
        .all(|r| r.body.as_ref().and_then(|b| b.get_str("protocol")) == Some("SSH")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookie_expiry_mid_fetch_relogs_without_loss_or_repeat() {
    for policy in [SnapshotPolicy::Never, SnapshotPolicy::Always] {
        let mut config = Config::for_tests(N);
        // Every login dies after 9 authenticated requests.
        config.expire_after = Some(9);
        let sim = start(config).await;
        let client = logged_in(SimTransport::new(&sim)).await;
        let mut observer = Observer::new(&client);
        let fetched = client
            .fetch_all(
                &SessionSearch::new(),
                &fast_options(policy),
                &mut observer,
                &CancelToken::new(),
            )
            .await
            .expect("fetch all");
        assert!(
            observer.relogins >= 3,
            "{policy:?}: {} relogins",
            observer.relogins
        );
        assert_eq!(fetched.stats.relogins, observer.relogins);
        assert_eq!(keys_of(&fetched.items), expected_keys(&sim), "{policy:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_expire_fault_relogs() {
    let sim = start(Config::for_tests(N)).await;
    // The `expire` fault kills the cookie on two chosen requests.
    let transport =
        SimTransport::new(&sim).with_fault(|_, n| (n == 5 || n == 30).then(|| "expire".to_owned()));
    let client = logged_in(transport).await;
    let mut observer = Observer::new(&client);
    let fetched = client
        .fetch_all(
            &SessionSearch::new(),
            &fast_options(SnapshotPolicy::Auto),
            &mut observer,
            &CancelToken::new(),
        )
        .await
        .expect("fetch all");
    assert_eq!(observer.relogins, 2);
    assert_eq!(keys_of(&fetched.items), expected_keys(&sim));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_429s_are_retried() {
    let mut config = Config::for_tests(N);
    config.snapshot_429_every = Some(4);
    let sim = start(config).await;
    let client = logged_in(SimTransport::new(&sim)).await;
    let fetched = client
        .fetch_all(
            &SessionSearch::new(),
            &fast_options(SnapshotPolicy::Auto),
            &mut Observer::new(&client),
            &CancelToken::new(),
        )
        .await
        .expect("fetch all");
    assert_eq!(fetched.mode, PagingMode::Snapshot);
    assert!(
        fetched.stats.retries >= 10,
        "retries: {}",
        fetched.stats.retries
    );
    assert_eq!(keys_of(&fetched.items), expected_keys(&sim));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_quota_full_falls_back_to_slices() {
    let mut config = Config::for_tests(N);
    // Every snapshot request answers 429, as when the quota stays full.
    config.snapshot_429_every = Some(1);
    let sim = start(config).await;
    let client = logged_in(SimTransport::new(&sim)).await;
    let options = FetchOptions {
        max_retries: 2,
        ..fast_options(SnapshotPolicy::Auto)
    };
    let fetched = client
        .fetch_all(
            &SessionSearch::new(),
            &options,
            &mut Observer::new(&client),
            &CancelToken::new(),
        )
        .await
        .expect("fetch all");
    assert_eq!(fetched.mode, PagingMode::TimeSlices);
    assert_eq!(fetched.stats.retries, 2);
    assert_eq!(keys_of(&fetched.items), expected_keys(&sim));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_5xx_are_retried() {
    for policy in [SnapshotPolicy::Auto, SnapshotPolicy::Never] {
        let mut config = Config::for_tests(N);
        config.error_rate = 0.08;
        // Bodies cut short (connection dropped mid-reply) too.
        config.truncate_rate = 0.03;
        let sim = start(config).await;
        let client = Client::new(SimTransport::new(&sim));
        // The login itself may meet a 5xx: try until it works.
        let mut tries = 0;
        while client.login("admin", "admin", None).await.is_err() {
            tries += 1;
            assert!(tries < 20);
        }
        let fetched = client
            .fetch_all(
                &SessionSearch::new(),
                &fast_options(policy),
                &mut Observer::new(&client),
                &CancelToken::new(),
            )
            .await
            .expect("fetch all");
        assert!(fetched.stats.retries > 0, "{policy:?}");
        assert_eq!(keys_of(&fetched.items), expected_keys(&sim), "{policy:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_snapshot_is_reopened() {
    let mut config = Config::for_tests(N);
    config.snapshot_ttl = Duration::from_millis(700);
    let sim = start(config).await;
    // The 6th snapshot page waits past the snapshot's lifetime: 404.
    let pages = Cell::new(0u32);
    let transport = SimTransport::new(&sim).with_fault(move |path, _| {
        if !path.contains("snapshot=") {
            return None;
        }
        pages.set(pages.get() + 1);
        (pages.get() == 6).then(|| "latency=1200".to_owned())
    });
    let client = logged_in(transport).await;
    let fetched = client
        .fetch_all(
            &SessionSearch::new(),
            &fast_options(SnapshotPolicy::Always),
            &mut Observer::new(&client),
            &CancelToken::new(),
        )
        .await
        .expect("fetch all");
    assert_eq!(fetched.stats.snapshot_reopens, 1);
    assert_eq!(fetched.stats.duplicates, 5 * 500, "five pages walked twice");
    assert_eq!(keys_of(&fetched.items), expected_keys(&sim));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_from_progress_stops_with_a_prefix() {
    let sim = start(Config::for_tests(N)).await;
    let client = logged_in(SimTransport::new(&sim)).await;
    let cancel = CancelToken::new();
    let mut observer = Observer::new(&client);
    observer.cancel_at = Some((5_000, cancel.clone()));
    let err = client
        .fetch_all(
            &SessionSearch::new(),
            &fast_options(SnapshotPolicy::Never),
            &mut observer,
            &cancel,
        )
        .await
        .expect_err("cancelled");
    assert_eq!(err.error.kind(), &ErrorKind::Cancelled);
    let keys = keys_of(&err.partial);
    assert!(keys.len() >= 5_000 && keys.len() < N, "{}", keys.len());
    assert_eq!(
        keys[..],
        expected_keys(&sim)[..keys.len()],
        "a prefix, in order"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_during_slow_requests_returns_promptly() {
    let mut config = Config::for_tests(N);
    config.latency = Duration::from_millis(300);
    let sim = start(config).await;
    let client = logged_in(SimTransport::new(&sim)).await;
    let cancel = CancelToken::new();
    let remote = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1_000)).await;
        remote.cancel();
    });
    let t0 = Instant::now();
    let err = client
        .fetch_all(
            &SessionSearch::new(),
            &fast_options(SnapshotPolicy::Auto),
            &mut Observer::new(&client),
            &cancel,
        )
        .await
        .expect_err("cancelled");
    let elapsed = t0.elapsed();
    assert_eq!(err.error.kind(), &ErrorKind::Cancelled);
    // Cancelled mid-request: no waiting for the 300 ms reply.
    assert!(elapsed < Duration::from_millis(1_250), "took {elapsed:?}");
    assert_unique(&keys_of(&err.partial));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persistent_5xx_fails_with_the_partial_result() {
    let sim = start(Config::for_tests(N)).await;
    // From the 9th request on (login, probe, _snapshot, 6 pages), every answer is 503.
    let transport =
        SimTransport::new(&sim).with_fault(|_, n| (n >= 9).then(|| "status=503".to_owned()));
    let client = logged_in(transport).await;
    let options = FetchOptions {
        max_retries: 3,
        ..fast_options(SnapshotPolicy::Auto)
    };
    let err = client
        .fetch_all(
            &SessionSearch::new(),
            &options,
            &mut Observer::new(&client),
            &CancelToken::new(),
        )
        .await
        .expect_err("persistent 503");
    match err.error.kind() {
        ErrorKind::Api {
            status, error_type, ..
        } => {
            assert_eq!(*status, 503);
            assert_eq!(error_type, "ServiceUnavailable");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(err.stats.retries, 3);
    let keys = keys_of(&err.partial);
    // Login, the probe, `_count` (match_count is capped), `_snapshot`, then
    // five pages before the 503s.
    assert_eq!(keys.len(), 5 * 500);
    assert_eq!(keys[..], expected_keys(&sim)[..keys.len()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_endpoints_and_errors() {
    let sim = start(Config::for_tests(50)).await;
    let client = Client::new(SimTransport::new(&sim));
    let methods = client.login_methods().await.expect("login methods");
    assert!(methods.iter().any(|m| m.name == "local"));
    // Not logged in yet: SPS's own error type and status come through.
    let err = client
        .sessions(&SessionSearch::new())
        .await
        .expect_err("401");
    assert!(
        matches!(err.kind(), ErrorKind::Api { status: 401, error_type, .. } if error_type == "Unauthenticated")
    );
    let err = client
        .login("admin", "wrong", None)
        .await
        .expect_err("bad password");
    assert!(
        matches!(err.kind(), ErrorKind::Api { status: 401, error_type, .. } if error_type == "AuthenticationFailure")
    );
    client
        .login("admin", "admin", Some("local"))
        .await
        .expect("login");
    let info = client.info().await.expect("info");
    assert_eq!(info.body.firmware_version.as_deref(), Some("7.4.0"));
    let page = client
        .sessions(&SessionSearch::new().with_limit(5).expect("limit"))
        .await
        .expect("list");
    assert_eq!(page.items.len(), 5);
    // The login reply carries no `remaining_seconds` (recorded: `{}`); the
    // first audit reply does.
    assert!(client.remaining_seconds().is_some_and(|s| s > 43_000));
    let key = page.items[0].key.clone();
    let session = client.session(&key).await.expect("session");
    assert_eq!(session.key.as_deref(), Some(key.as_str()));
    client.channels(&key).await.expect("channels");
    client
        .events(&key, &sps_core::EventSearch::new())
        .await
        .expect("events");
    client.alerts(&key).await.expect("alerts");
    client.indexing(&key).await.expect("indexing");
    client.trail_downloads(&key).await.expect("trail downloads");
    assert_eq!(
        client.count(&SessionSearch::new()).await.expect("count"),
        50
    );
    let snapshot = client.open_snapshot().await.expect("snapshot");
    assert!(!snapshot.is_empty());
    let stats = client
        .stats("protocol", &SessionSearch::new(), Some(3))
        .await
        .expect("stats");
    assert!(!stats.items.is_empty());
    let csv = client
        .sessions_csv(
            &SessionSearch::new()
                .with_fields(["protocol"])
                .expect("fields"),
        )
        .await
        .expect("csv");
    assert!(csv.starts_with(b"\"Key\""));
    let err = client.session("no-such-key").await.expect_err("404");
    assert!(matches!(err.kind(), ErrorKind::Api { status: 404, .. }));
}
