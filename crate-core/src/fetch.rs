//! The browser's [`Transport`] (feature `fetch`, wasm32 only): the Fetch API
//! through `gloo-net`, the page's cookies, an `AbortController` per request
//! (dropping a request's future aborts it, which is how cancellation reaches
//! the network), and `setTimeout` for back-off.
//!
//! In a browser the login cookie is `HttpOnly`: the browser keeps and sends it
//! (same origin, or `credentials: include` across origins). Node 20's `fetch`
//! has no cookie jar: [`FetchTransport::with_own_cookie`] keeps `session_id`
//! from the login reply's `Set-Cookie` and sends it as a `Cookie` header.

use std::cell::RefCell;

use gloo_net::http::Request;
use web_sys::{AbortController, RequestCredentials};

use crate::client::{HttpReply, HttpRequest, Transport, TransportError};

/// The Fetch API transport.
#[derive(Debug)]
pub struct FetchTransport {
    base: String,
    credentials: RequestCredentials,
    /// `Some` when this transport keeps the cookie itself (Node).
    cookie: Option<RefCell<Option<String>>>,
}

impl FetchTransport {
    /// Requests to the page's own origin (the viewer served behind the same
    /// reverse proxy as the API, or by the simulator), sending its cookies.
    pub fn same_origin() -> FetchTransport {
        FetchTransport {
            base: String::new(),
            credentials: RequestCredentials::SameOrigin,
            cookie: None,
        }
    }

    /// Requests to `base` (for example `https://sps.example.com`), sending
    /// cookies across origins (`credentials: include`; the appliance must
    /// allow it with CORS).
    pub fn with_base(base: &str) -> FetchTransport {
        FetchTransport {
            base: base.trim_end_matches('/').to_owned(),
            credentials: RequestCredentials::Include,
            cookie: None,
        }
    }

    /// Keeps the `session_id` cookie itself: for Node, whose `fetch` has no
    /// cookie jar (browsers forbid reading `Set-Cookie`, so this does nothing there).
    pub fn with_own_cookie(mut self) -> FetchTransport {
        self.cookie = Some(RefCell::new(None));
        self
    }

    /// Forgets the kept cookie (logging out, with [`FetchTransport::with_own_cookie`]).
    pub fn forget_cookie(&self) {
        if let Some(jar) = &self.cookie {
            jar.replace(None);
        }
    }
}

/// Aborts the request if its future is dropped before the body arrived.
struct AbortOnDrop(Option<AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = self.0.take() {
            controller.abort();
        }
    }
}

/// `session_id=<value>` out of a `Set-Cookie` value (Node joins several with `, `).
fn session_cookie(set_cookie: &str) -> Option<String> {
    set_cookie
        .split([',', ';'])
        .map(str::trim)
        .find(|part| part.starts_with("session_id="))
        .map(str::to_owned)
}

fn js_message(value: &wasm_bindgen::JsValue) -> String {
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}

impl Transport for FetchTransport {
    async fn get(&self, request: &HttpRequest) -> Result<HttpReply, TransportError> {
        let controller =
            AbortController::new().map_err(|e| TransportError::network(js_message(&e)))?;
        let mut guard = AbortOnDrop(Some(controller.clone()));
        let signal = controller.signal();
        let url = format!("{}{}", self.base, request.path_and_query);
        let mut builder = Request::get(&url)
            .credentials(self.credentials)
            .abort_signal(Some(&signal));
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(cookie) = self.cookie.as_ref().and_then(|jar| jar.borrow().clone()) {
            builder = builder.header("Cookie", &cookie);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| TransportError::network(e.to_string()))?;
        let headers = response.headers();
        if let Some(jar) = &self.cookie {
            if let Some(cookie) = headers
                .get("set-cookie")
                .as_deref()
                .and_then(session_cookie)
            {
                jar.replace(Some(cookie));
            }
        }
        // The status and headers came: a failure now means the body was cut off.
        let body = response
            .binary()
            .await
            .map_err(|e| TransportError::cut_off(e.to_string()))?;
        // Complete: nothing left to abort.
        guard.0 = None;
        Ok(HttpReply {
            status: response.status(),
            content_type: headers.get("content-type"),
            body,
            retry_after_seconds: headers
                .get("retry-after")
                .and_then(|v| v.trim().parse().ok()),
        })
    }

    async fn sleep(&self, millis: u64) {
        gloo_timers::future::TimeoutFuture::new(u32::try_from(millis).unwrap_or(u32::MAX)).await;
    }
}
