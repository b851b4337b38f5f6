//! Replays the replies recorded from real appliances
//! (`../shared/real-sps/`, the Power BI connector's exchanges: login → info →
//! `_snapshot` → page → final page → `_count`) to `Client::fetch_all`, as
//! they were sent: the snapshot page's `next` is the connector's placeholder
//! `/dummy_url_final`, the final page is `{"items":[],"meta":{"next":null}}`,
//! and the offset page's `match_count` is the capped 10,000 of a page that
//! holds 25 sessions.
//!
//! The recordings are read from `../shared/real-sps/` (never copied into the
//! repository); without that folder every test prints "skipped" and passes.

use std::cell::RefCell;
use std::future::Future;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sps_core::client::{PagingMode, SnapshotPolicy, TotalSource};
use sps_core::{
    CancelToken, Client, FetchOptions, HttpReply, HttpRequest, NoObserver, SessionSearch,
    Transport, TransportError,
};

fn recordings() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/real-sps");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/real-sps absent");
        None
    }
}

fn read(dir: &Path, name: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(name)).expect("recording readable");
    serde_json::from_str(&text).expect("recording is JSON")
}

/// One recorded exchange: the request URL's path and query, and the body sent.
struct Exchange {
    path_and_query: String,
    status: u16,
    body: Value,
}

fn exchanges(dir: &Path) -> Vec<Exchange> {
    let Value::Array(list) = read(dir, "powerbi-sequence-actual-data.exchanges.json") else {
        panic!("the sequence is a list");
    };
    list.iter()
        .map(|e| {
            let url = e["request"]["url"].as_str().expect("url");
            // `https://dummy_url/api/...` → `/api/...`
            let path = url
                .split_once("://")
                .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
                .expect("an absolute URL");
            let response = &e["response"];
            let body = match response.get("body_file").and_then(Value::as_str) {
                Some(file) => read(dir, file),
                None => response["body"].clone(),
            };
            Exchange {
                path_and_query: path,
                status: response["status"].as_u64().expect("status") as u16,
                body,
            }
        })
        .collect()
}

/// Answers each request with the recorded reply for its path; records what
/// was asked. `offset_page` answers a plain (non-snapshot) list request.
struct Replay {
    exchanges: Vec<Exchange>,
    offset_page: Option<Value>,
    asked: RefCell<Vec<String>>,
}

fn path_of(path_and_query: &str) -> &str {
    path_and_query.split('?').next().unwrap_or(path_and_query)
}

impl Transport for Replay {
    async fn get(&self, request: &HttpRequest) -> Result<HttpReply, TransportError> {
        let asked = request.path_and_query.clone();
        self.asked.borrow_mut().push(asked.clone());
        let path = path_of(&asked);
        let is_snapshot_page = asked.contains("snapshot=");
        let found = self.exchanges.iter().find(|e| {
            let recorded = path_of(&e.path_and_query);
            if recorded == "/api/audit/sessions" {
                // The recorded list request is a snapshot page.
                path == recorded && is_snapshot_page
            } else {
                path == recorded
            }
        });
        let (status, body) = match (found, &self.offset_page) {
            (Some(e), _) => (e.status, e.body.clone()),
            (None, Some(page)) if path == "/api/audit/sessions" => (200, page.clone()),
            _ => (
                404,
                serde_json::json!({"error": {"type": "NotFound", "message": "not recorded"}}),
            ),
        };
        Ok(HttpReply::new(
            status,
            Some("application/json".to_owned()),
            serde_json::to_vec(&body).expect("JSON"),
        ))
    }

    async fn sleep(&self, _millis: u64) {}
}

fn block_on<F: Future>(f: F) -> F::Output {
    futures_util::FutureExt::now_or_never(f).expect("the replay never waits")
}

fn recorded_keys(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["key"].as_str().expect("key").to_owned())
        .collect()
}

#[test]
fn the_recorded_snapshot_sequence_fetches_all_25_and_checks_them_against_count() {
    let Some(dir) = recordings() else { return };
    let replay = Replay {
        exchanges: exchanges(&dir),
        offset_page: None,
        asked: RefCell::new(Vec::new()),
    };
    let client = Client::new(&replay);
    block_on(client.login("user", "password", Some("local"))).expect("recorded login");
    let info = block_on(client.info()).expect("recorded info");
    assert_eq!(info.body.firmware_version.as_deref(), Some("8.2"));

    let search = SessionSearch::new()
        .with_fields(["*"])
        .and_then(|s| s.with_sort("-start_time"))
        .expect("search");
    let options = FetchOptions {
        snapshots: SnapshotPolicy::Always,
        ..FetchOptions::default()
    };
    let fetched =
        block_on(client.fetch_all(&search, &options, &mut NoObserver, &CancelToken::new()))
            .expect("the recorded walk");
    let page = read(&dir, "powerbi-snapshot-page-1.json");
    let keys: Vec<String> = fetched.items.iter().map(|r| r.key.clone()).collect();
    assert_eq!(
        keys,
        recorded_keys(&page),
        "the page's 25 sessions, in order"
    );
    assert_eq!(keys.len(), 25);
    assert_eq!(fetched.mode, PagingMode::Snapshot);
    assert_eq!(fetched.completeness.expected_total, Some(25));
    assert_eq!(fetched.completeness.source, TotalSource::CountEndpoint);
    assert!(fetched.completeness.complete);

    let asked = replay.asked.borrow();
    let paths: Vec<&str> = asked.iter().map(|a| path_of(a)).collect();
    assert_eq!(
        paths,
        [
            "/api/authentication",
            "/api/info",
            "/api/audit/sessions/_count",
            "/api/audit/sessions/_snapshot",
            "/api/audit/sessions",
            "/dummy_url_final",
        ],
        "the recorded exchanges, with the count first: {asked:?}"
    );
    assert!(
        asked[4].contains("snapshot=dummy_snapshot_id"),
        "{}",
        asked[4]
    );
    // Full bodies decoded: a recorded value, and the vault block of line 1.
    let first = fetched.items[0].body.as_ref().expect("body");
    assert!(first.get_str("protocol").is_some());
    eprintln!(
        "replayed {} recorded exchanges: {} sessions, count {} ({})",
        asked.len(),
        keys.len(),
        25,
        fetched.completeness.source.name()
    );
}

#[test]
fn a_capped_match_count_of_10000_is_confirmed_with_count_not_believed() {
    let Some(dir) = recordings() else { return };
    // The real offset page: 25 items, `match_count: 10000` (the cap), `last`
    // at offset 9975. Alone it would mean "10,000 or more".
    let offset_page = read(&dir, "powerbi-list-page-offset-0.e0ad361.json");
    assert_eq!(offset_page["meta"]["match_count"], 10_000);
    let replay = Replay {
        exchanges: exchanges(&dir),
        offset_page: Some(offset_page.clone()),
        asked: RefCell::new(Vec::new()),
    };
    let client = Client::new(&replay);
    let fetched = block_on(client.fetch_all(
        &SessionSearch::new().with_fields(["*"]).expect("fields"),
        &FetchOptions::default(),
        &mut NoObserver,
        &CancelToken::new(),
    ))
    .expect("fetch");
    let asked = replay.asked.borrow();
    assert_eq!(
        path_of(&asked[1]),
        "/api/audit/sessions/_count",
        "{asked:?}"
    );
    // `_count` (recorded: 25) says the one page held everything.
    assert_eq!(fetched.mode, PagingMode::Offset);
    assert_eq!(fetched.items.len(), 25);
    let keys: Vec<String> = fetched.items.iter().map(|r| r.key.clone()).collect();
    assert_eq!(keys, recorded_keys(&offset_page));
    assert_eq!(fetched.completeness.expected_total, Some(25));
    assert!(fetched.completeness.complete);
    assert_eq!(asked.len(), 2, "{asked:?}");
}
