//! Shared helpers: start an in-process simulator on a free port and log in.
#![allow(dead_code)]

use serde_json::Value;
use sps_sim::store::{parse_sessions, Store};
use sps_sim::{state, Config, Running};

pub struct Sim {
    pub running: Running,
    pub base: String,
}

impl Sim {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

pub async fn start(config: Config) -> Sim {
    let running = sps_sim::start(config).await.expect("start");
    let base = format!("http://{}", running.addr);
    Sim { running, base }
}

pub async fn start_n(n: usize) -> Sim {
    start(Config::for_tests(n)).await
}

/// Starts with sessions from JSON text (any `--data` format).
pub async fn start_loaded(text: &str, config: Config) -> Sim {
    let store = Store::loaded(parse_sessions(text).expect("parse"), &config.public_base);
    let st = state::with_store(config, store).expect("state");
    let running = sps_sim::start_with_state(st).await.expect("start");
    let base = format!("http://{}", running.addr);
    Sim { running, base }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client")
}

/// A client logged in as admin.
pub async fn login(sim: &Sim) -> reqwest::Client {
    login_as(sim, "admin", "admin").await
}

pub async fn login_as(sim: &Sim, user: &str, password: &str) -> reqwest::Client {
    let c = client();
    let r = c
        .get(sim.url("/api/authentication"))
        .basic_auth(user, Some(password))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 200, "login as {user}");
    c
}

pub async fn get_json(c: &reqwest::Client, url: &str) -> (u16, Value) {
    let r = c.get(url).send().await.expect("get");
    let status = r.status().as_u16();
    let v: Value = r.json().await.expect("json");
    (status, v)
}

/// The reference's seed datasets, copied from the docs (crate-core has the same files).
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).expect("fixture")
}
