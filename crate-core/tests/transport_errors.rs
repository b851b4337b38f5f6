//! How `Client::fetch_all` treats the transport's bounded failures: a timeout
//! is a network error and is retried; a reply too large and a redirect are
//! not (asking again gives the same), and each has its own error kind.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;

use sps_core::client::{SnapshotPolicy, TransportErrorKind};
use sps_core::{
    CancelToken, Client, ErrorKind, FetchOptions, HttpReply, HttpRequest, NoObserver,
    SessionSearch, Transport, TransportError,
};

/// Fails the first requests with the queued errors, then answers every
/// request with an empty list.
struct Flaky {
    failures: RefCell<VecDeque<TransportError>>,
    requests: Cell<u32>,
}

impl Transport for Flaky {
    async fn get(&self, _request: &HttpRequest) -> Result<HttpReply, TransportError> {
        self.requests.set(self.requests.get() + 1);
        if let Some(e) = self.failures.borrow_mut().pop_front() {
            return Err(e);
        }
        Ok(HttpReply::new(
            200,
            Some("application/json".to_owned()),
            br#"{"items": [], "meta": {"href": "/api/audit/sessions", "match_count": 0}}"#.to_vec(),
        ))
    }

    async fn sleep(&self, _millis: u64) {}
}

fn block_on<F: Future>(f: F) -> F::Output {
    futures_util::FutureExt::now_or_never(f).expect("the fake never waits")
}

fn fetch(failures: Vec<TransportError>) -> (Result<u64, sps_core::Error>, u32) {
    let client = Client::new(Flaky {
        failures: RefCell::new(failures.into()),
        requests: Cell::new(0),
    });
    let options = FetchOptions {
        in_flight: 1,
        snapshots: SnapshotPolicy::Never,
        ..FetchOptions::default()
    };
    let result = block_on(client.fetch_all(
        &SessionSearch::new(),
        &options,
        &mut NoObserver,
        &CancelToken::new(),
    ));
    let requests = client.transport().requests.get();
    (
        result.map(|f| f.stats.retries).map_err(|e| e.error),
        requests,
    )
}

#[test]
fn a_timeout_is_retried() {
    let timeout = TransportError::timed_out(60_000);
    assert!(timeout.is_retriable());
    assert!(timeout.message.contains("60 s"), "{}", timeout.message);
    let (result, _) = fetch(vec![timeout.clone(), timeout]);
    assert_eq!(result.expect("fetched after the retries"), 2);
    // As an error, a network error (the viewer and npm show it as such).
    let error = sps_core::Error::from(TransportError::timed_out(1_500));
    assert!(matches!(error.kind(), ErrorKind::Transport { message } if message.contains("1.5 s")));
}

#[test]
fn a_reply_too_large_is_not_retried() {
    let too_large = TransportError {
        kind: TransportErrorKind::TooLarge {
            limit: 1024,
            size: Some(4096),
        },
        message: "too large".to_owned(),
    };
    assert!(!too_large.is_retriable());
    let (result, requests) = fetch(vec![too_large]);
    let error = result.expect_err("refused");
    assert_eq!(
        error.kind(),
        &ErrorKind::ReplyTooLarge {
            limit: 1024,
            size: Some(4096)
        }
    );
    assert_eq!(requests, 1);
    assert_eq!(
        error.to_string(),
        "the reply is larger than the 1024 bytes accepted (4096 bytes); not read"
    );
}

#[test]
fn a_redirect_is_not_retried_nor_followed() {
    let redirect = TransportError {
        kind: TransportErrorKind::Redirected { status: 302 },
        message: "https://login.example/portal".to_owned(),
    };
    assert!(!redirect.is_retriable());
    let (result, requests) = fetch(vec![redirect]);
    let error = result.expect_err("refused");
    assert_eq!(
        error.kind(),
        &ErrorKind::Redirected {
            status: 302,
            location: Some("https://login.example/portal".to_owned())
        }
    );
    assert_eq!(requests, 1);
    assert!(error.to_string().contains("redirects are not followed"));
}
