//! Tests of the client against fake transports.

use std::cell::RefCell;
use std::future::Future;

use super::auth::{MethodItem, MethodsReply};
use super::fetch_all::backoff_delay;
use super::*;
use crate::error::{ErrorKind, ReplyProblem};
use std::collections::VecDeque;

#[test]
fn retry_after_takes_seconds_and_http_dates() {
    use std::time::{Duration, UNIX_EPOCH};
    // 2026-10-21T07:28:00Z
    let now = UNIX_EPOCH + Duration::from_secs(1_792_567_680);
    assert_eq!(retry_after_seconds("120", now), Some(120));
    assert_eq!(retry_after_seconds(" 7 ", now), Some(7));
    // The IMF-fixdate form, 90 s after `now`.
    assert_eq!(
        retry_after_seconds("Wed, 21 Oct 2026 07:29:30 GMT", now),
        Some(90)
    );
    // The obsolete RFC 850 and asctime forms, as RFC 9110 says to accept.
    assert_eq!(
        retry_after_seconds("Wednesday, 21-Oct-26 07:29:30 GMT", now),
        Some(90)
    );
    assert_eq!(
        retry_after_seconds("Wed Oct 21 07:29:30 2026", now),
        Some(90)
    );
    // A date in the past: no wait.
    assert_eq!(
        retry_after_seconds("Wed, 21 Oct 2026 07:00:00 GMT", now),
        Some(0)
    );
    for junk in ["", "soon", "-5", "1.5", "Wed, 32 Oct 2026 07:29:30 GMT"] {
        assert_eq!(retry_after_seconds(junk, now), None, "{junk:?}");
    }
}

#[test]
fn basic_credentials_are_utf8_base64() {
    assert_eq!(basic_authorization("", ""), "Basic Og==");
    assert_eq!(
        basic_authorization("admin", "pässword:x"),
        "Basic YWRtaW46cMOkc3N3b3JkOng="
    );
}

#[test]
fn api_errors_keep_type_message_and_status() {
    let body =
        br#"{"error":{"type":"InvalidQuery","message":"bad q","details":{"q":"x"}},"meta":{}}"#;
    let e = api_error(&HttpReply::new(400, None, body.to_vec()));
    match e.kind() {
        ErrorKind::Api {
            status,
            error_type,
            message,
            details,
        } => {
            assert_eq!(e.reply_problem(), None);
            assert_eq!(*status, 400);
            assert_eq!(error_type, "InvalidQuery");
            assert_eq!(message, "bad q");
            assert!(details.is_some());
        }
        other => panic!("{other:?}"),
    }
    let e = api_error(&HttpReply::new(
        502,
        Some("text/html".into()),
        b"<html>".to_vec(),
    ));
    assert!(matches!(e.kind(), ErrorKind::Api { status: 502, .. }));
    assert!(e.to_string().contains("an HTML page (text/html)"), "{e}");
    assert_eq!(e.reply_problem(), Some(ReplyProblem::Html));
    let e = api_error(&HttpReply::new(503, None, Vec::new()));
    assert_eq!(e.reply_problem(), Some(ReplyProblem::Empty));
    assert!(
        e.to_string().contains("an empty body (no content type)"),
        "{e}"
    );
}

#[test]
fn backoff_is_exponential_and_bounded() {
    let o = FetchOptions::default();
    assert_eq!(backoff_delay(&o, 0, None), 250);
    assert_eq!(backoff_delay(&o, 2, None), 1000);
    assert_eq!(backoff_delay(&o, 30, None), 8000);
    assert_eq!(backoff_delay(&o, 0, Some(3)), 3000);
    assert_eq!(backoff_delay(&o, 0, Some(3600)), 8000);
}

#[test]
fn login_methods_shapes() {
    let sim = br#"{"items":[{"key":"local","body":{"name":"local","type":"local","display_name":"Local users"}}],"meta":{}}"#;
    let MethodsReply::Collection { items } = decode_json::<MethodsReply>("m", sim).unwrap() else {
        panic!()
    };
    let m: Vec<LoginMethod> = items
        .into_iter()
        .filter_map(MethodItem::into_method)
        .collect();
    assert_eq!(m[0].name, "local");
    assert_eq!(m[0].label, "Local users");
    assert_eq!(m[0].kind.as_deref(), Some("local"));
    let list = decode_json::<MethodsReply>("m", br#"["a","b"]"#).unwrap();
    assert!(matches!(list, MethodsReply::List(v) if v.len() == 2));
}

/// A scripted transport: answers from a queue, records paths.
struct Script {
    replies: RefCell<VecDeque<HttpReply>>,
    paths: RefCell<Vec<String>>,
}

impl Script {
    /// Answers requests with `replies` in order, recording their paths.
    fn new(replies: impl Into<VecDeque<HttpReply>>) -> Script {
        Script {
            replies: RefCell::new(replies.into()),
            paths: RefCell::new(Vec::new()),
        }
    }
}

impl Transport for Script {
    async fn get(&self, request: &HttpRequest) -> std::result::Result<HttpReply, TransportError> {
        self.paths.borrow_mut().push(request.path_and_query.clone());
        self.replies
            .borrow_mut()
            .pop_front()
            .ok_or_else(|| TransportError::network("script exhausted"))
    }

    async fn sleep(&self, _millis: u64) {}
}

fn json(status: u16, body: &str) -> HttpReply {
    HttpReply::new(
        status,
        Some("application/json".into()),
        body.as_bytes().to_vec(),
    )
}

fn block_on<F: Future>(f: F) -> F::Output {
    futures_util::FutureExt::now_or_never(f).expect("scripted futures never wait")
}

struct Relogger(u32);

impl FetchObserver for Relogger {
    async fn relogin(&mut self) -> bool {
        self.0 += 1;
        true
    }
}

#[test]
fn fetch_all_retries_and_relogs_in_order() {
    let page = |keys: &[&str], count: u64| {
        let items: Vec<String> = keys.iter().map(|k| format!(r#"{{"key":"{k}"}}"#)).collect();
        json(
            200,
            &format!(
                r#"{{"items":[{}],"meta":{{"match_count":{count}}}}}"#,
                items.join(",")
            ),
        )
    };
    let err401 = json(
        401,
        r#"{"error":{"type":"Unauthenticated","message":"expired"}}"#,
    );
    let err503 = json(
        503,
        r#"{"error":{"type":"ServiceUnavailable","message":"busy"}}"#,
    );
    let script = Script::new(VecDeque::from(vec![
        page(&["a", "b"], 5),
        err401,
        err503,
        page(&["c", "d"], 5),
        page(&["e"], 5),
    ]));
    let client = Client::new(&script);
    let options = FetchOptions {
        in_flight: 1,
        page_size: 2,
        ..FetchOptions::default()
    };
    let mut observer = Relogger(0);
    let fetched = block_on(client.fetch_all(
        &SessionSearch::new(),
        &options,
        &mut observer,
        &CancelToken::new(),
    ))
    .unwrap();
    let keys: Vec<&str> = fetched.items.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["a", "b", "c", "d", "e"]);
    assert_eq!(observer.0, 1);
    assert_eq!(fetched.stats.relogins, 1);
    assert_eq!(fetched.stats.retries, 1);
    let paths = script.paths.borrow();
    assert_eq!(paths[1], paths[2], "the failed page is sent again");
    assert_eq!(paths[2], paths[3]);
}

#[test]
fn persistent_errors_keep_the_partial_result() {
    let ok = json(
        200,
        r#"{"items":[{"key":"a"},{"key":"b"}],"meta":{"match_count":4}}"#,
    );
    let mut replies = vec![ok];
    replies.extend((0..10).map(|_| json(500, r#"{"error":{"type":"InternalServerError"}}"#)));
    let script = Script::new(replies);
    let client = Client::new(&script);
    let options = FetchOptions {
        page_size: 2,
        max_retries: 2,
        ..FetchOptions::default()
    };
    let err = block_on(client.fetch_all(
        &SessionSearch::new(),
        &options,
        &mut NoObserver,
        &CancelToken::new(),
    ))
    .unwrap_err();
    assert_eq!(err.partial.len(), 2);
    assert!(matches!(
        err.error.kind(),
        ErrorKind::Api { status: 500, .. }
    ));
    assert_eq!(
        script.paths.borrow().len(),
        4,
        "first page, then 1 + 2 retries"
    );
}

/// Collects what `FetchObserver::rows` hands over.
struct RowCollector(Vec<String>);

impl FetchObserver for RowCollector {
    fn rows(&mut self, rows: &[SessionRow]) {
        self.0.extend(rows.iter().map(|r| r.key.clone()));
    }
}

#[test]
fn rows_reach_the_observer_in_order() {
    let script = Script::new(VecDeque::from(vec![
        json(
            200,
            r#"{"items":[{"key":"a"},{"key":"b"}],"meta":{"match_count":3}}"#,
        ),
        json(200, r#"{"items":[{"key":"c"}],"meta":{"match_count":3}}"#),
    ]));
    let client = Client::new(&script);
    let options = FetchOptions {
        in_flight: 1,
        page_size: 2,
        ..FetchOptions::default()
    };
    let mut observer = RowCollector(Vec::new());
    let fetched = block_on(client.fetch_all(
        &SessionSearch::new(),
        &options,
        &mut observer,
        &CancelToken::new(),
    ))
    .unwrap();
    let keys: Vec<&str> = fetched.items.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["a", "b", "c"]);
    assert_eq!(observer.0, keys);
}

#[test]
fn cancelled_before_start() {
    let script = Script::new(VecDeque::new());
    let client = Client::new(&script);
    let cancel = CancelToken::new();
    cancel.cancel();
    let err = block_on(client.fetch_all(
        &SessionSearch::new(),
        &FetchOptions::default(),
        &mut NoObserver,
        &cancel,
    ))
    .unwrap_err();
    assert_eq!(err.error.kind(), &ErrorKind::Cancelled);
    assert!(script.paths.borrow().is_empty());
}

#[test]
fn stats_by_and_histogram_send_their_paths_and_decode() {
    let stats = json(
        200,
        r#"{"items":[{"value":"SSH","count":2,"sub_fields":{"verdict":[{"value":"ACCEPT","count":2}]}}],
            "meta":{"field":"protocol","sub_fields":["verdict"],"size":3,"others":0,"remaining_seconds":99}}"#,
    );
    let histogram = json(
        200,
        r#"{"items":[{"start":"2024-01-01T00:00:00.000Z","end":"2024-01-02T00:00:00.000Z","count":4}],
            "meta":{"bin_size":"day","remaining_seconds":98}}"#,
    );
    let script = Script::new(VecDeque::from(vec![stats, histogram]));
    let client = Client::new(&script);
    let search = SessionSearch::new()
        .with_q_text("protocol:SSH")
        .unwrap()
        .with_limit(50)
        .unwrap();
    let reply = block_on(client.stats_by("protocol", Some("verdict"), &search, Some(3))).unwrap();
    assert_eq!(reply.items[0].sub_fields["verdict"][0].count, 2);
    assert_eq!(client.remaining_seconds(), Some(99));
    let search = search.with_start("2024-01-01").unwrap();
    let reply = block_on(client.histogram("protocol", HistogramBin::Day, &search)).unwrap();
    assert_eq!(reply.total(), 4);
    assert_eq!(client.remaining_seconds(), Some(98));
    let paths = script.paths.borrow();
    // `limit` is the list's, not the statistics': left out like `_count` does.
    assert_eq!(
        paths[0],
        "/api/audit/sessions/stats?field=protocol&sub_fields=verdict&size=3&q=protocol%3ASSH"
    );
    assert!(
        paths[1].starts_with("/api/audit/sessions/histogram?field=protocol&bin-size=day&"),
        "{}",
        paths[1]
    );
    assert!(paths[1].contains("start=2024-01-01"), "{}", paths[1]);
    assert!(!paths[1].contains("limit="), "{}", paths[1]);
}

#[test]
fn an_absent_histogram_is_not_found_and_other_errors_are_not() {
    let not_found = json(
        404,
        r#"{"error":{"type":"NotFound","message":"no such endpoint"},"meta":{}}"#,
    );
    let plain_404 = HttpReply::new(404, Some("text/html".into()), b"<html>".to_vec());
    let bad = json(
        400,
        r#"{"error":{"type":"InvalidQuery","message":"bad bin-size"}}"#,
    );
    let script = Script::new(VecDeque::from(vec![not_found, plain_404, bad]));
    let client = Client::new(&script);
    let search = SessionSearch::new();
    for _ in 0..2 {
        let err = block_on(client.histogram("protocol", HistogramBin::Hour, &search)).unwrap_err();
        assert!(err.is_not_found(), "{err}");
        assert!(!err.is_auth());
    }
    let err = block_on(client.histogram("protocol", HistogramBin::Hour, &search)).unwrap_err();
    assert!(!err.is_not_found(), "{err}");
    assert!(matches!(err.kind(), ErrorKind::Api { status: 400, .. }));
}
