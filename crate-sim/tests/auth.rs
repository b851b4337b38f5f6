//! Authentication: Basic login, cookie, timeout, 401 kinds, 403, login methods.

mod common;

use std::time::Duration;

use common::*;
use sps_sim::{Config, UserSpec};

#[tokio::test]
async fn login_sets_httponly_cookie_and_remaining_seconds() {
    let sim = start_n(50).await;
    let c = client();
    let r = c
        .get(sim.url("/api/authentication"))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("session_id="), "{cookie}");
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("Path=/"));
    assert!(cookie.contains("Max-Age=43200"));
    // As recorded from real appliances: `expires` and `Secure` too.
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("; expires="), "{cookie}");
    let token = cookie
        .trim_start_matches("session_id=")
        .split(';')
        .next()
        .unwrap();
    assert_eq!(token.len(), 40);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    let (status, v) = get_json(&c, &sim.url("/api/audit/sessions?limit=1")).await;
    assert_eq!(status, 200);
    let rem = v["meta"]["remaining_seconds"].as_i64().unwrap();
    assert!((43_190..=43_200).contains(&rem), "{rem}");
}

#[tokio::test]
async fn bad_credentials_are_authentication_failure() {
    let sim = start_n(10).await;
    let c = client();
    for (u, p) in [("admin", "wrong"), ("nobody", "admin"), ("", "")] {
        let r = c
            .get(sim.url("/api/authentication"))
            .basic_auth(u, Some(p))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        assert!(r.headers().get("set-cookie").is_none());
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["error"]["type"], "AuthenticationFailure");
        assert_eq!(v["meta"]["href"], "/api/authentication");
    }
    // No Authorization header at all.
    let (status, v) = get_json(&c, &sim.url("/api/authentication")).await;
    assert_eq!(status, 401);
    assert_eq!(v["error"]["type"], "AuthenticationFailure");
}

#[tokio::test]
async fn no_or_unknown_cookie_is_unauthenticated_with_path() {
    let sim = start_n(10).await;
    let c = client();
    let (status, v) = get_json(&c, &sim.url("/api/audit/sessions?limit=5")).await;
    assert_eq!(status, 401);
    assert_eq!(v["error"]["type"], "Unauthenticated");
    assert_eq!(v["error"]["details"]["path"], "/api/audit/sessions");
    assert_eq!(v["meta"]["href"], "/api/audit/sessions");
    assert_eq!(v["meta"]["parent"], "/api/audit");
    let r = c
        .get(sim.url("/api/audit/sessions"))
        .header(
            "cookie",
            "session_id=0000000000000000000000000000000000000000",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn inactivity_timeout_expires_the_cookie() {
    let mut cfg = Config::for_tests(10);
    cfg.session_timeout = Duration::from_secs(1);
    let sim = start(cfg).await;
    let c = login(&sim).await;
    let (status, _) = get_json(&c, &sim.url("/api/audit/sessions")).await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let (status, v) = get_json(&c, &sim.url("/api/audit/sessions")).await;
    assert_eq!(status, 401);
    assert_eq!(v["error"]["type"], "Unauthenticated");
}

#[tokio::test]
async fn activity_renews_the_login() {
    let mut cfg = Config::for_tests(10);
    cfg.session_timeout = Duration::from_secs(1);
    let sim = start(cfg).await;
    let c = login(&sim).await;
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (status, _) = get_json(&c, &sim.url("/api/audit/sessions?limit=1")).await;
        assert_eq!(status, 200);
    }
}

#[tokio::test]
async fn user_without_search_rights_gets_403() {
    let sim = start_n(10).await;
    let c = login_as(&sim, "auditor-nosearch", "auditor").await;
    let (status, v) = get_json(&c, &sim.url("/api/audit/sessions")).await;
    assert_eq!(status, 403);
    assert_eq!(v["error"]["type"], "Forbidden");
    let (status, _) = get_json(&c, &sim.url("/api/info")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn utf8_credentials_and_colon_in_password() {
    let mut cfg = Config::for_tests(10);
    cfg.users = vec![UserSpec::parse("jános:jelszó:ő").unwrap()];
    let sim = start(cfg).await;
    let c = login_as(&sim, "jános", "jelszó:ő").await;
    let (status, _) = get_json(&c, &sim.url("/api/audit/sessions?limit=1")).await;
    assert_eq!(status, 200);
    let bad = client()
        .get(sim.url("/api/authentication"))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401, "default users are replaced by --user");
}

#[tokio::test]
async fn login_methods_without_login_and_login_method_param() {
    let sim = start_n(10).await;
    let c = client();
    let (status, v) = get_json(&c, &sim.url("/api/authentication/login_methods")).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["local", "ldap"]);
    let r = c
        .get(sim.url("/api/authentication?login_method=ldap"))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = c
        .get(sim.url("/api/authentication?login_method=radius"))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = c
        .get(sim.url("/api/authentication?type=x509"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn expire_after_n_requests() {
    let mut cfg = Config::for_tests(10);
    cfg.expire_after = Some(3);
    let sim = start(cfg).await;
    let c = login(&sim).await;
    for _ in 0..3 {
        assert_eq!(get_json(&c, &sim.url("/api/audit/sessions")).await.0, 200);
    }
    let (status, v) = get_json(&c, &sim.url("/api/audit/sessions")).await;
    assert_eq!(status, 401);
    assert_eq!(v["error"]["type"], "Unauthenticated");
}

#[tokio::test]
async fn there_is_no_logout_endpoint() {
    let sim = start_n(10).await;
    let c = login(&sim).await;
    let (status, v) = get_json(&c, &sim.url("/api/authentication/logout")).await;
    assert_eq!(status, 404);
    assert_eq!(v["error"]["type"], "NotFound");
}

#[tokio::test]
async fn info_needs_no_login() {
    let sim = start_n(10).await;
    let (status, v) = get_json(&client(), &sim.url("/api/info")).await;
    assert_eq!(status, 200);
    assert_eq!(
        v,
        serde_json::json!({"body": {"firmware_version": "7.4.0"}}),
        "as recorded"
    );
    let info = sps_core::model::decode_info(v.to_string().as_bytes()).unwrap();
    assert_eq!(info.body.firmware_version.as_deref(), Some("7.4.0"));
}

#[test]
fn expired_logins_are_pruned_and_live_ones_capped() {
    use sps_sim::auth::{Logins, Refusal};
    let users = Config::default_users();
    let logins = Logins::new(users.clone(), Duration::from_millis(200), None);
    for _ in 0..50 {
        logins.login("admin", "admin").unwrap();
    }
    assert_eq!(logins.live_count(), 50);
    std::thread::sleep(Duration::from_millis(300));
    let fresh = logins.login("admin", "admin").unwrap();
    assert_eq!(logins.live_count(), 1, "the 50 timed-out logins are gone");
    assert!(logins.check(&fresh, true).is_ok());

    let logins = Logins::new(users.clone(), Duration::from_secs(600), None).with_max_logins(3);
    let first = logins.login("admin", "admin").unwrap();
    std::thread::sleep(Duration::from_millis(5));
    let second = logins.login("admin", "admin").unwrap();
    std::thread::sleep(Duration::from_millis(5));
    let third = logins.login("admin", "admin").unwrap();
    std::thread::sleep(Duration::from_millis(5));
    // Using `first` makes `second` the least recently used.
    assert!(logins.check(&first, true).is_ok());
    let fourth = logins.login("admin", "admin").unwrap();
    assert_eq!(logins.live_count(), 3);
    assert_eq!(logins.check(&second, true).unwrap_err(), Refusal::Missing);
    for t in [&first, &third, &fourth] {
        assert!(logins.check(t, true).is_ok());
    }
    for _ in 0..100 {
        logins.login("admin", "admin").unwrap();
    }
    assert_eq!(logins.live_count(), 3, "never more than the cap");

    // Logins used up by --expire-after are pruned too.
    let logins = Logins::new(users, Duration::from_secs(600), Some(1));
    let t = logins.login("admin", "admin").unwrap();
    assert!(logins.check(&t, true).is_ok());
    logins.login("admin", "admin").unwrap();
    assert_eq!(logins.live_count(), 1);
}
