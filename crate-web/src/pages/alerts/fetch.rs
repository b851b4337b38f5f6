//! Finding the sessions of the list's search and fetching each one's alerts,
//! [`IN_FLIGHT`] sessions at a time, into the page's signals as they arrive.
//!
//! Requests go through the viewer's one client ([`crate::api`],
//! [`crate::api_detail`]): the count, then `fetch_all` for the sessions (as
//! "Fetch all" on the list), then one alerts walk per session. A session whose
//! alerts cannot be fetched is kept as a [`Failure`] with its error (the page
//! lists it with a Retry), never dropped.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use sps_core::CancelToken;

use super::model::{needs_confirmation, AlertItem, SessionInfo, SESSION_FIELDS};
use crate::api::{self, spawn_local, ApiError};
use crate::api_detail;
use crate::components::fetch_all::{FetchRun, PageObserver};
use crate::components::login_dialog::{ask_login, Relogin};
use crate::list_state::ListState;

/// Sessions whose alerts are fetched at the same time: enough to hide the
/// latency of one request, few enough to leave the appliance (and the
/// browser's six connections per host) room for everything else.
pub const IN_FLIGHT: usize = 5;

/// Where the page stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Counting the sessions of the search.
    Counting,
    /// The search has this many sessions, more than the page fetches without
    /// asking: waiting for "Continue".
    Confirm(u64),
    /// Fetching the sessions themselves (the list's "Fetch all").
    FindingSessions,
    /// Fetching the sessions' alerts.
    FetchingAlerts,
    /// Every session was asked.
    Done,
    /// Cancelled: what arrived before is kept.
    Cancelled,
    /// The search itself failed (its error), nothing to show.
    Failed(ApiError),
}

/// A session whose alerts could not be fetched.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// The session.
    pub session: Arc<SessionInfo>,
    /// What went wrong, worded for the page.
    pub error: String,
}

/// The page's signals the fetch fills.
#[derive(Clone, Copy)]
pub struct Sink {
    /// Where the page stands.
    pub phase: RwSignal<Phase>,
    /// The sessions of the search (total of the progress bar).
    pub sessions: RwSignal<Vec<Arc<SessionInfo>>>,
    /// Sessions asked so far (fetched or failed).
    pub done: RwSignal<usize>,
    /// Every alert so far, in arrival order.
    pub alerts: RwSignal<Vec<AlertItem>>,
    /// Sessions whose alerts failed.
    pub failed: RwSignal<Vec<Failure>>,
    /// The session search's progress ("Fetch all"'s bar).
    pub run: RwSignal<Option<FetchRun>>,
    /// The login dialog.
    pub relogin: RwSignal<Relogin>,
    /// Cancels the run in progress (the Cancel button).
    pub cancel: StoredValue<CancelToken>,
    /// Counts the runs: a retry that ends after a new search started must
    /// not add its alerts to that search's (a cancel does not start a run, so
    /// retries after Cancel still count).
    pub generation: StoredValue<u64>,
}

impl Sink {
    /// Clears everything for a new run and returns its token.
    fn reset(&self) -> CancelToken {
        self.cancel.get_value().cancel();
        let token = CancelToken::new();
        self.cancel.set_value(token.clone());
        self.generation.update_value(|g| *g += 1);
        self.sessions.set(Vec::new());
        self.done.set(0);
        self.alerts.set(Vec::new());
        self.failed.set(Vec::new());
        self.run.set(None);
        token
    }

    /// Stops the run in progress, keeping what arrived.
    pub fn cancel_run(&self) {
        self.cancel.get_value().cancel();
        if let Some(r) = self.run.get_untracked() {
            r.cancel.cancel();
        }
        if matches!(
            self.phase.get_untracked(),
            Phase::FetchingAlerts | Phase::FindingSessions | Phase::Counting
        ) {
            self.phase.set(Phase::Cancelled);
        }
    }
}

/// Starts over for `state`: counts its sessions, and unless there are more
/// than the page fetches without asking (or `confirmed`), fetches them and
/// their alerts.
pub fn start(sink: Sink, state: ListState, confirmed: bool) {
    let token = sink.reset();
    sink.phase.set(Phase::Counting);
    spawn_local(async move {
        let search = match state.fetch_search(&SESSION_FIELDS) {
            Ok(search) => search,
            Err(e) => {
                sink.phase
                    .set(Phase::Failed(ApiError::NotSent(e.to_string())));
                return;
            }
        };
        if !confirmed {
            let counted = loop {
                match api::count(&search).await {
                    Err(e) if e.is_auth() && ask_login(sink.relogin).await => continue,
                    other => break other,
                }
            };
            if token.is_cancelled() {
                return;
            }
            match counted {
                Ok(n) if needs_confirmation(n) => {
                    sink.phase.set(Phase::Confirm(n));
                    return;
                }
                Ok(_) => {}
                // No `_count` on this appliance: `fetch_all` counts its own
                // way, so go on without the question.
                Err(ApiError::Api { status: 404, .. }) => {}
                Err(e) => {
                    sink.phase.set(Phase::Failed(e));
                    return;
                }
            }
        }
        sink.phase.set(Phase::FindingSessions);
        let fetch_cancel = CancelToken::new();
        sink.run.set(Some(FetchRun {
            fetched: 0,
            expected: None,
            cancel: fetch_cancel.clone(),
            expiring: None,
        }));
        let mut observer = PageObserver {
            run: sink.run,
            relogin: sink.relogin,
        };
        let fetched = api::fetch_all_sessions(&search, &mut observer, &fetch_cancel).await;
        let _ = sink.run.try_set(None);
        if token.is_cancelled() {
            return;
        }
        let rows = match fetched {
            Ok(fetched) => fetched.items,
            Err(_) if fetch_cancel.is_cancelled() => {
                // Cancelled while finding sessions: their alerts are not
                // fetched, so nothing of the partial list is shown.
                sink.phase.set(Phase::Cancelled);
                return;
            }
            Err(e) => {
                sink.phase.set(Phase::Failed(ApiError::from(e.error)));
                return;
            }
        };
        let sessions: Vec<Arc<SessionInfo>> = rows
            .iter()
            .map(|row| Arc::new(SessionInfo::from_row(row)))
            .collect();
        sink.sessions.set(sessions.clone());
        if sessions.is_empty() {
            sink.phase.set(Phase::Done);
            return;
        }
        sink.phase.set(Phase::FetchingAlerts);
        fetch_alerts(sink, sessions, token);
    });
}

/// Fetches the alerts of `sessions` with [`IN_FLIGHT`] workers sharing one
/// queue; the last worker to finish marks the run done. Results that arrive
/// after a cancel are dropped, so the page shows what it had when Cancel
/// was pressed.
fn fetch_alerts(sink: Sink, sessions: Vec<Arc<SessionInfo>>, token: CancelToken) {
    let queue = Rc::new(RefCell::new(VecDeque::from(sessions)));
    let workers = Rc::new(RefCell::new(IN_FLIGHT));
    for _ in 0..IN_FLIGHT {
        let (queue, workers, token) = (queue.clone(), workers.clone(), token.clone());
        spawn_local(async move {
            loop {
                if token.is_cancelled() {
                    break;
                }
                let next = queue.borrow_mut().pop_front();
                let Some(session) = next else { break };
                let result = session_alerts(&session.key, sink.relogin).await;
                if token.is_cancelled() {
                    break;
                }
                record(sink, session, result);
            }
            let left = {
                let mut w = workers.borrow_mut();
                *w = w.saturating_sub(1);
                *w
            };
            if left == 0 && !token.is_cancelled() {
                let _ = sink.phase.try_set(Phase::Done);
            }
        });
    }
}

/// One session's alerts; a 401 asks for the login again and retries.
async fn session_alerts(
    key: &str,
    relogin: RwSignal<Relogin>,
) -> Result<Vec<sps_core::Alert>, ApiError> {
    loop {
        match api_detail::alerts(key).await {
            Err(e) if e.is_auth() && ask_login(relogin).await => continue,
            other => return other,
        }
    }
}

/// Adds a session's alerts to those shown.
fn add_alerts(sink: Sink, session: &Arc<SessionInfo>, alerts: Vec<sps_core::Alert>) {
    let _ = sink.alerts.try_update(|all| {
        all.extend(alerts.into_iter().map(|alert| AlertItem {
            session: session.clone(),
            alert,
        }));
    });
}

/// Adds a session's result to the page: its alerts, or a failure.
fn record(sink: Sink, session: Arc<SessionInfo>, result: Result<Vec<sps_core::Alert>, ApiError>) {
    match result {
        Ok(alerts) => add_alerts(sink, &session, alerts),
        Err(e) => {
            let _ = sink.failed.try_update(|f| {
                f.push(Failure {
                    session,
                    error: e.to_string(),
                })
            });
        }
    }
    let _ = sink.done.try_update(|d| *d += 1);
}

/// Fetches a failed session's alerts again; on success they join the others
/// and the session leaves the failures, else its error is updated.
pub fn retry(sink: Sink, session: Arc<SessionInfo>) {
    let generation = sink.generation.get_value();
    spawn_local(async move {
        let result = session_alerts(&session.key, sink.relogin).await;
        if sink.generation.try_get_value() != Some(generation) {
            return;
        }
        let key = session.key.clone();
        match result {
            Ok(alerts) => {
                let _ = sink
                    .failed
                    .try_update(|f| f.retain(|x| x.session.key != key));
                add_alerts(sink, &session, alerts);
            }
            Err(e) => {
                let _ = sink.failed.try_update(|f| {
                    for x in f.iter_mut().filter(|x| x.session.key == key) {
                        x.error = e.to_string();
                    }
                });
            }
        }
    });
}
