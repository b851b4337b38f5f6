//! Talking to the SPS REST API, through crate-core's `Client`.
//!
//! The viewer has no HTTP code of its own: `sps_core::Client` builds the
//! requests (Basic login, `SessionSearch` query strings), decodes the replies
//! into crate-core's models and keeps SPS's error envelope. This module picks
//! the transport and words the errors for the person at the screen.
//!
//! Every request goes to the page's own origin (`/api/...`): the appliance, the
//! simulator, or `trunk serve`'s proxy in front of either. The `session_id`
//! cookie is `HttpOnly`, so the page never sees it; the browser sends it along
//! because the requests are same-origin with credentials. The page therefore
//! cannot know whether it is logged in until a request answers 401.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use leptos::prelude::{provide_context, use_context, GetValue, LocalStorage, StoredValue};

use sps_core::client::LoginMethod;
use sps_core::model::{HistogramReply, StatsBucket, StatsReply};
use sps_core::request::HistogramBin;
use sps_core::{
    CancelToken, Client, Collection, ErrorKind, FetchAllError, FetchObserver, FetchOptions,
    Fetched, ReplyProblem, SessionRow, SessionSearch,
};

/// What went wrong with a request, sorted by what the page does about it.
///
/// Whether a reply was HTML, empty, cut off or of the wrong shape is
/// sps-core's call ([`sps_core::Error::reply_problem`]), kept here as is: this
/// type only words it for the person at the screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// The caller is not (or no longer) allowed in: wrong credentials at
    /// login, or a login that expired later. sps-core's
    /// [`sps_core::Error::is_auth`] decides it (an SPS error reply with 401 or
    /// 403), so the viewer and sps-core's own re-login agree.
    Unauthenticated {
        /// SPS's error type (`AuthenticationFailure`, `Unauthenticated`).
        kind: String,
        /// SPS's message, shown as is (as text).
        message: String,
    },
    /// Any other error reply. For a reply that is not SPS's envelope (a
    /// proxy's HTML page), crate-core sets `kind` to `HTTP <status>`, says in
    /// `message` what came instead, and `problem` is set.
    Api {
        /// HTTP status code.
        status: u16,
        /// SPS's error type (`InvalidQuery`, `NotFound`, ...).
        kind: String,
        /// SPS's message.
        message: String,
        /// What came instead of SPS's error envelope, if something else did.
        problem: Option<ReplyProblem>,
    },
    /// The request got no complete answer: server down, connection refused,
    /// offline, or (`problem` truncated) the connection dropped mid-reply.
    Network {
        /// What the transport reported.
        message: String,
        /// [`ReplyProblem::Truncated`] when a reply started but was cut off.
        problem: Option<ReplyProblem>,
    },
    /// A 2xx reply that is not the JSON the API documents: an HTML page from
    /// a proxy or login portal, an empty body, JSON cut off or of another shape.
    Unreadable {
        /// sps-core's description (what was decoded, where, what was found).
        detail: String,
        /// What was wrong with it.
        problem: Option<ReplyProblem>,
    },
    /// The request was not sent because its parameters are invalid (checked
    /// locally with crate-core first, e.g. a `q` typed into the address bar).
    NotSent(String),
}

impl ApiError {
    /// True when the request failed because the caller is not (or no longer)
    /// logged in: the one "log in again" test of the viewer, following
    /// [`sps_core::Error::is_auth`] (401 or 403 in SPS's envelope; a proxy's
    /// HTML page with such a status is not a login problem).
    pub fn is_auth(&self) -> bool {
        matches!(self, ApiError::Unauthenticated { .. })
    }

    /// True for any 404 (SPS's `NotFound` envelope or a web server's page),
    /// as [`sps_core::Error::is_not_found`]: an endpoint the appliance does
    /// not have (the histogram before 6.0.4, `stats` on an old one).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Api { status: 404, .. })
    }

    /// What was wrong with the reply, when it was not the documented JSON.
    pub fn problem(&self) -> Option<ReplyProblem> {
        match self {
            ApiError::Api { problem, .. }
            | ApiError::Network { problem, .. }
            | ApiError::Unreadable { problem, .. } => *problem,
            ApiError::Unauthenticated { .. } | ApiError::NotSent(_) => None,
        }
    }

    /// A stable name for the page's `data-kind`: sps-core's
    /// [`ReplyProblem::code`] when the reply was malformed (`html`, `empty`,
    /// `truncated`, `wrong-type`, ...), else `unauthenticated`, `api`,
    /// `network`, `unreadable` or `not-sent`.
    pub fn kind_code(&self) -> &'static str {
        if let Some(problem) = self.problem() {
            return problem.code();
        }
        match self {
            ApiError::Unauthenticated { .. } => "unauthenticated",
            ApiError::Api { .. } => "api",
            ApiError::Network { .. } => "network",
            ApiError::Unreadable { .. } => "unreadable",
            ApiError::NotSent(_) => "not-sent",
        }
    }
}

impl From<sps_core::Error> for ApiError {
    fn from(error: sps_core::Error) -> Self {
        let problem = error.reply_problem();
        let auth = error.is_auth();
        match error.kind() {
            ErrorKind::Api {
                error_type,
                message,
                ..
            } if auth => ApiError::Unauthenticated {
                kind: error_type.clone(),
                message: message.clone(),
            },
            ErrorKind::Api {
                status,
                error_type,
                message,
                ..
            } => ApiError::Api {
                status: *status,
                kind: error_type.clone(),
                message: message.clone(),
                problem,
            },
            ErrorKind::Transport { message } => ApiError::Network {
                message: message.clone(),
                problem,
            },
            ErrorKind::Decode { .. } => ApiError::Unreadable {
                detail: error.to_string(),
                problem,
            },
            _ => ApiError::NotSent(error.to_string()),
        }
    }
}

/// The first sentence for a reply that was not the documented JSON.
fn problem_sentence(problem: ReplyProblem) -> &'static str {
    match problem {
        ReplyProblem::Html => {
            "The appliance sent an HTML page instead of JSON: a proxy or a login portal may be in the way."
        }
        ReplyProblem::Empty => "The appliance sent an empty reply instead of JSON.",
        ReplyProblem::NotJson => "The appliance sent something that is not JSON.",
        ReplyProblem::Truncated => "The reply was cut off before its end.",
        ReplyProblem::InvalidJson => "The reply is broken JSON.",
        ReplyProblem::WrongType => {
            "The reply does not have the shape the SPS API documents: a value has the wrong type or is missing."
        }
        _ => "The appliance's reply could not be read.",
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Unauthenticated { kind, message } => write!(f, "{kind}: {message}"),
            ApiError::Api {
                kind,
                message,
                problem: None,
                ..
            } => write!(f, "{kind}: {message}"),
            ApiError::Api {
                status,
                message,
                problem: Some(problem),
                ..
            } => write!(
                f,
                "{} (HTTP {status}; {message})",
                problem_sentence(*problem)
            ),
            ApiError::Network {
                message,
                problem: Some(problem),
            } => write!(
                f,
                "{} Check the network or proxy between this page and the appliance ({message}).",
                problem_sentence(*problem)
            ),
            ApiError::Network {
                message,
                problem: None,
            } => write!(
                f,
                "Cannot reach the server ({message}). Check that the SPS appliance or the simulator is running and reachable."
            ),
            ApiError::Unreadable {
                detail,
                problem: Some(problem),
            } => write!(f, "{} ({detail})", problem_sentence(*problem)),
            ApiError::Unreadable {
                detail,
                problem: None,
            } => write!(
                f,
                "The server's answer could not be read ({detail}). A proxy or login portal may be in the way."
            ),
            ApiError::NotSent(detail) => write!(f, "Not sent: {detail}"),
        }
    }
}

/// The transport of the viewer's client: the browser's Fetch API, same
/// origin (the page's cookies).
#[cfg(target_arch = "wasm32")]
pub type Net = sps_core::FetchTransport;

/// Outside the browser (native unit tests of this crate) there is no Fetch API:
/// a transport that always fails, so the pages still compile and nothing
/// pretends to have a network.
#[cfg(not(target_arch = "wasm32"))]
pub type Net = NoNetwork;

/// The viewer's one client, shared by every page and component, so that what
/// it learns (such as [`Client::remaining_seconds`]) is kept between requests.
pub type SharedClient = Rc<Client<Net>>;

/// A new client over [`Net`]. The app makes one ([`provide_client`]); this is
/// also the fallback where there is none (see [`client`]).
pub fn new_client() -> SharedClient {
    #[cfg(target_arch = "wasm32")]
    let transport = sps_core::FetchTransport::same_origin();
    #[cfg(not(target_arch = "wasm32"))]
    let transport = NoNetwork;
    Rc::new(Client::new(transport))
}

/// How the client travels in Leptos context: a `Send + Sync` handle to a
/// value that stays on the page's thread.
type ClientContext = StoredValue<SharedClient, LocalStorage>;

thread_local! {
    /// The client of the task being polled by [`spawn_local`]: its tasks run
    /// outside any reactive owner, where context cannot be read.
    static TASK_CLIENT: RefCell<Option<SharedClient>> = const { RefCell::new(None) };

    /// The client [`provide_client`] made, for code the app runs outside any
    /// owner (an event handler, a callback from JavaScript): still the same one.
    static APP_CLIENT: RefCell<Option<SharedClient>> = const { RefCell::new(None) };
}

/// Creates the viewer's client and provides it as context to everything
/// below the caller (called once, in [`crate::App`]).
pub fn provide_client() {
    let client = new_client();
    APP_CLIENT.with(|app| *app.borrow_mut() = Some(client.clone()));
    provide_context::<ClientContext>(StoredValue::new_local(client));
}

/// The viewer's client: the one of the [`spawn_local`] task being run, else
/// the one in context (components, effects, resources), else the one the app
/// made (code outside any owner). Without an app (a native unit test) a new
/// client: requests still work, only nothing is shared between them.
pub fn client() -> SharedClient {
    TASK_CLIENT
        .with(|current| current.borrow().clone())
        .or_else(|| use_context::<ClientContext>().and_then(|c| c.try_get_value()))
        .or_else(|| APP_CLIENT.with(|app| app.borrow().clone()))
        .unwrap_or_else(new_client)
}

/// Spawns a task on the page's thread that reaches the viewer's client: the
/// client is taken now (in the caller's reactive owner) and handed to the
/// task's requests while it runs. Use this instead of Leptos's `spawn_local`,
/// whose tasks run without an owner and so without context.
pub fn spawn_local(task: impl Future<Output = ()> + 'static) {
    leptos::task::spawn_local(WithClient {
        client: client(),
        task: Box::pin(task),
    });
}

/// A task that has [`TASK_CLIENT`] set while it is polled.
struct WithClient {
    client: SharedClient,
    task: Pin<Box<dyn Future<Output = ()>>>,
}

impl Future for WithClient {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let outer = TASK_CLIENT.with(|current| current.replace(Some(this.client.clone())));
        let polled = this.task.as_mut().poll(cx);
        TASK_CLIENT.with(|current| *current.borrow_mut() = outer);
        polled
    }
}

/// See [`Net`]: the native stand-in transport.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug)]
pub struct NoNetwork;

#[cfg(not(target_arch = "wasm32"))]
impl sps_core::Transport for NoNetwork {
    async fn get(
        &self,
        _request: &sps_core::HttpRequest,
    ) -> Result<sps_core::HttpReply, sps_core::TransportError> {
        Err(sps_core::TransportError::network(
            "no network outside the browser",
        ))
    }

    async fn sleep(&self, _millis: u64) {}
}

/// Logs in: `GET /api/authentication` with Basic UTF-8 credentials. On success
/// the server sets the `session_id` cookie, which the browser keeps out of our reach.
pub async fn login(user: &str, password: &str, method: Option<&str>) -> Result<(), ApiError> {
    Ok(client().login(user, password, method).await?)
}

/// Lists the login methods; works without being logged in.
pub async fn login_methods() -> Result<Vec<LoginMethod>, ApiError> {
    Ok(client().login_methods().await?)
}

/// Fetches every session `search` matches with crate-core's `fetch_all`
/// (offset pages up to 10,000, past that a snapshot walk or time slices), in
/// result order, each key once. `observer` hears progress and is asked to log
/// in again on a 401; `cancel` stops it, and the error then carries the rows
/// fetched so far.
pub async fn fetch_all_sessions<O: FetchObserver + ?Sized>(
    search: &SessionSearch,
    observer: &mut O,
    cancel: &CancelToken,
) -> Result<Fetched, FetchAllError> {
    client()
        .fetch_all(search, &FetchOptions::default(), observer, cancel)
        .await
}

/// How many sessions match `search` (`_count`).
pub async fn count(search: &SessionSearch) -> Result<u64, ApiError> {
    Ok(client().count(search).await?)
}

/// Top values of `field` with their counts for `search` (`stats?field=`).
pub async fn stats(
    field: &str,
    search: &SessionSearch,
    size: u32,
) -> Result<Collection<StatsBucket>, ApiError> {
    Ok(client().stats(field, search, Some(size)).await?)
}

/// Top values of `field`, each with its sessions' top values of `sub_field`
/// (`stats?field=&sub_fields=`).
pub async fn stats_by(
    field: &str,
    sub_field: Option<&str>,
    search: &SessionSearch,
    size: u32,
) -> Result<StatsReply, ApiError> {
    Ok(client()
        .stats_by(field, sub_field, search, Some(size))
        .await?)
}

/// Sessions per `bin` interval of their start (`histogram?field=&bin-size=`).
pub async fn histogram(
    field: &str,
    bin: HistogramBin,
    search: &SessionSearch,
) -> Result<HistogramReply, ApiError> {
    Ok(client().histogram(field, bin, search).await?)
}

/// Waits `millis` milliseconds without blocking the page (a `setTimeout`
/// promise), so long work can let the browser paint in between.
pub async fn sleep_ms(millis: u64) {
    #[cfg(target_arch = "wasm32")]
    {
        let client = client();
        sps_core::Transport::sleep(client.transport(), millis).await;
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = millis;
    }
}

/// Fetches one page of the session list.
pub async fn list_sessions(search: &SessionSearch) -> Result<Collection<SessionRow>, ApiError> {
    Ok(client().sessions(search).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn api(status: u16, error_type: &str, message: &str) -> sps_core::Error {
        ErrorKind::Api {
            status,
            error_type: error_type.into(),
            message: message.into(),
            details: None,
        }
        .into()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_401_is_a_login_problem_worded_like_sps() {
        let e = ApiError::from(api(401, "AuthenticationFailure", "bad password"));
        assert!(e.is_auth());
        assert_eq!(e.to_string(), "AuthenticationFailure: bad password");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_viewer_asks_for_a_login_exactly_when_sps_core_does() {
        for status in [400, 401, 403, 404, 500] {
            let error = api(status, "X", "m");
            let auth = error.is_auth();
            assert_eq!(ApiError::from(error).is_auth(), auth, "{status}");
        }
        assert!(ApiError::from(api(403, "Forbidden", "expired")).is_auth());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn without_an_app_the_client_is_a_fresh_one() {
        // No owner, no context, no task: a client still comes (the fallback).
        assert!(client().remaining_seconds().is_none());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn other_errors_keep_the_type() {
        let e = ApiError::from(api(400, "InvalidQuery", "unclosed parenthesis"));
        assert!(!e.is_auth());
        assert_eq!(e.to_string(), "InvalidQuery: unclosed parenthesis");
        let network = ApiError::from(sps_core::Error::from(ErrorKind::Transport {
            message: "Failed to fetch".into(),
        }));
        assert!(network
            .to_string()
            .starts_with("Cannot reach the server (Failed to fetch)"));
        assert_eq!(network.kind_code(), "network");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn malformed_replies_keep_sps_cores_problem_and_say_it_plainly() {
        // An HTML page with an error status: sps-core's own classification.
        let html = sps_core::client::api_error(&sps_core::HttpReply::new(
            502,
            Some("text/html".into()),
            b"<html><head><title>502 Bad Gateway</title></head></html>".to_vec(),
        ));
        let e = ApiError::from(html);
        assert_eq!(e.kind_code(), "html");
        assert!(!e.is_auth());
        let text = e.to_string();
        assert!(
            text.starts_with("The appliance sent an HTML page instead of JSON"),
            "{text}"
        );
        assert!(text.contains("HTTP 502"), "{text}");

        // A login portal answering 401 with HTML is not SPS's login error.
        let portal = sps_core::client::api_error(&sps_core::HttpReply::new(
            401,
            Some("text/html".into()),
            b"<!DOCTYPE html><html>".to_vec(),
        ));
        assert_eq!(ApiError::from(portal).kind_code(), "html");

        // A 2xx that does not decode.
        let empty = ApiError::from(sps_core::model::decode_session_list(b"").unwrap_err());
        assert_eq!(empty.kind_code(), "empty");
        assert!(empty
            .to_string()
            .starts_with("The appliance sent an empty reply"));
        let cut =
            ApiError::from(sps_core::model::decode_session_list(b"{\"items\": [").unwrap_err());
        assert_eq!(cut.kind_code(), "truncated");
        assert!(cut.to_string().starts_with("The reply was cut off"));
        let wrong =
            ApiError::from(sps_core::model::decode_session_list(br#"{"items": {}}"#).unwrap_err());
        assert_eq!(wrong.kind_code(), "wrong-type");
        assert!(wrong.to_string().contains("wrong type"), "{wrong}");

        // A body cut off in transit.
        let dropped = ApiError::from(sps_core::Error::from(sps_core::TransportError::cut_off(
            "TypeError: network error",
        )));
        assert_eq!(dropped.kind_code(), "truncated");
        assert!(
            dropped.to_string().starts_with("The reply was cut off"),
            "{dropped}"
        );
    }
}
