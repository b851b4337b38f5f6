//! Real HTTP against a running gateway in front of the simulator (or of a
//! recording upstream): issue 18 findings 2 and 3, each refused, and the
//! viewer's own requests let through.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

const FIELDS: &str = "fields=protocol,user.gateway_username,start_time,verdict";

#[tokio::test]
async fn the_viewer_logs_in_lists_and_reads_details_through_the_gateway() {
    let sim = sim(40).await;
    let gw = gateway(&sim.base).await;
    let anon = client();
    let r = anon
        .get(gw.url("/api/authentication/login_methods"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = anon.get(gw.url("/api/info")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = anon
        .get(gw.url("/api/audit/sessions"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        401,
        "the appliance's own refusal passes through"
    );

    let c = login(&gw).await;
    let v: Value = c
        .get(gw.url(&format!("/api/audit/sessions?limit=5&{FIELDS}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["meta"]["match_count"], 40);
    assert_eq!(v["items"].as_array().unwrap().len(), 5);
    let key = v["items"][0]["key"].as_str().unwrap().to_owned();
    for path in [
        format!("/api/audit/sessions/{key}"),
        format!("/api/audit/sessions/{key}/events"),
        format!("/api/audit/sessions/{key}/alerts"),
        format!("/api/audit/sessions/{key}/channels"),
        format!("/api/audit/sessions/{key}/trail_downloads"),
        "/api/audit/sessions/_count?q=protocol%3Assh".to_owned(),
        "/api/audit/sessions/_snapshot".to_owned(),
        "/api/audit/sessions/stats?field=protocol".to_owned(),
        "/api/audit".to_owned(),
    ] {
        let r = c.get(gw.url(&path)).send().await.unwrap();
        assert!(
            r.status() == 200 || r.status() == 404,
            "{path}: {}",
            r.status()
        );
        assert_ne!(r.status(), 405, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("json"),
            "{path}: the appliance answered"
        );
    }
    let r = c
        .head(gw.url("/api/audit/sessions?limit=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "HEAD is allowed");
    // The viewer's pages.
    for path in ["/", "/login", "/sessions", "/sessions/abc", "/boot.js"] {
        let r = anon.get(gw.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn finding_2_no_fault_injection_through_the_gateway() {
    let sim = sim(30).await;
    let gw = gateway(&sim.base).await;
    let http = reqwest::Client::new();
    // `/_sim/faults` is not reachable: not an appliance path, not a file.
    assert_eq!(
        http.get(gw.url("/_sim/faults"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    for method in ["POST", "DELETE"] {
        let r = http
            .request(method.parse().unwrap(), gw.url("/_sim/faults"))
            .header("content-type", "application/json")
            .body(r#"{"fault": "status=503"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405, "{method}");
    }
    assert!(sim.running.state.faults.rules().is_empty());
    // `_fault=` and `X-Sim-Fault` have no effect.
    let c = login(&gw).await;
    let r = c
        .get(gw.url("/api/audit/sessions/_count?_fault=miscount%3D5&%5Ffault=status%3D503"))
        .header("X-Sim-Fault", "status=503,miscount=9")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["count"], 30);
    let r = c
        .get(gw.url("/api/audit/sessions?limit=3&_fault=html"))
        .header("X-Sim-Fault", "html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().await.unwrap()["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // ...whereas the simulator reached directly would have faulted.
    let direct = reqwest::Client::new()
        .get(format!("{}/api/info", sim.base))
        .header("X-Sim-Fault", "status=503")
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), 503);
}

#[tokio::test]
async fn finding_3_only_get_and_head_of_the_viewers_paths() {
    let sim = sim(10).await;
    let gw = gateway(&sim.base).await;
    let c = login(&gw).await;
    for (method, path) in [
        ("DELETE", "/api/audit/sessions"),
        ("PUT", "/api/audit/sessions/x"),
        ("POST", "/api/audit/sessions"),
        ("POST", "/api/authentication"),
        ("PATCH", "/api/info"),
        ("OPTIONS", "/api/audit/sessions"),
        ("DELETE", "/"),
    ] {
        let r = c
            .request(method.parse().unwrap(), gw.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405, "{method} {path}");
        assert_eq!(r.headers()["allow"], "GET, HEAD");
    }
    for path in [
        "/api",
        "/api/",
        "/api/configuration",
        "/api/configuration/management/certificates",
        "/api/authentication/logout",
        "/api/infox",
        "/api/cluster/status",
    ] {
        let r = c.get(gw.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    // Dot segments and encoded slashes (sent raw: reqwest would normalise).
    for path in [
        "/api/audit/../configuration",
        "/api/audit/%2e%2e/configuration",
        "/api/audit/%2E%2E/configuration",
        "/api/audit/.%2e/configuration",
        "/api/audit/sessions%2F..%2F..%2Fconfiguration",
        "/api/audit/sessions%2fx",
        "/api/audit/%5c..%5cconfiguration",
        "/api/audit/./sessions",
        "/api//audit/sessions",
        "/%2e%2e/etc/passwd",
    ] {
        let (status, _) = raw_get(gw.running.addr, path, &gw.host()).await;
        assert_eq!(status, 400, "{path}");
    }
    // A request body is never forwarded.
    let r = c.get(gw.url("/api/info")).body("x=1").send().await.unwrap();
    assert_eq!(r.status(), 413);
}

#[tokio::test]
async fn finding_3_answers_only_its_own_host_names() {
    let sim = sim(5).await;
    let gw = gateway(&sim.base).await;
    let port = gw.running.addr.port();
    for host in [
        "evil.example".to_owned(),
        format!("evil.example:{port}"),
        "127.0.0.1".to_owned(),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        format!("localhost.evil.example:{port}"),
    ] {
        for path in ["/api/info", "/", "/boot.js"] {
            let (status, text) = raw_get(gw.running.addr, path, &host).await;
            assert_eq!(status, 421, "Host {host} {path}");
            assert!(text
                .to_ascii_lowercase()
                .contains("content-security-policy"));
        }
    }
    // No Host at all (HTTP/1.0 style) is refused as well.
    let (status, _) = raw(gw.running.addr, "GET /api/info HTTP/1.0\r\n\r\n").await;
    assert!(status == 421 || status == 400, "{status}");
    for host in [format!("127.0.0.1:{port}"), format!("LOCALHOST:{port}")] {
        let (status, _) = raw_get(gw.running.addr, "/api/info", &host).await;
        assert_eq!(status, 200, "{host}");
    }
    // Configured names replace the defaults.
    let gw = gateway_with(&sim.base, |c| c.host_names = vec!["spsview.test".into()]).await;
    let (status, _) = raw_get(gw.running.addr, "/api/info", "spsview.test").await;
    assert_eq!(status, 200);
    let (status, _) = raw_get(gw.running.addr, "/api/info", &gw.host()).await;
    assert_eq!(status, 421);
}

#[tokio::test]
async fn finding_3_refuses_cross_site_requests() {
    let sim = sim(5).await;
    let gw = gateway(&sim.base).await;
    let c = login(&gw).await;
    let own = gw.running.base();
    let send = |origin: Option<&str>, site: Option<&str>, path: &str| {
        let mut r = c.get(gw.url(path));
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        if let Some(s) = site {
            r = r.header("sec-fetch-site", s);
        }
        r.send()
    };
    for (origin, site, path) in [
        (Some("http://evil.example"), None, "/api/audit/sessions"),
        (Some("null"), None, "/api/audit/sessions"),
        (
            Some(&*format!("http://localhost:{}", gw.running.addr.port())),
            None,
            "/api/info",
        ),
        (Some("https://127.0.0.1"), None, "/api/info"),
        (None, Some("cross-site"), "/api/audit/sessions"),
        (None, Some("same-site"), "/api/audit/sessions"),
        (Some(own.as_str()), Some("cross-site"), "/api/info"),
        (Some("http://evil.example"), None, "/boot.js"),
    ] {
        let r = send(origin, site, path).await.unwrap();
        assert_eq!(r.status(), 403, "{origin:?} {site:?} {path}");
    }
    for (origin, site, path) in [
        (
            Some(own.as_str()),
            Some("same-origin"),
            "/api/audit/sessions",
        ),
        (None, Some("none"), "/api/info"),
        (None, None, "/api/info"),
        // A portal's frame navigates to the viewer cross-site: the page may
        // load (frame-ancestors decides), its API calls are same-origin.
        (None, Some("cross-site"), "/"),
    ] {
        let r = send(origin, site, path).await.unwrap();
        assert_eq!(r.status(), 200, "{origin:?} {site:?} {path}");
    }
}

#[tokio::test]
async fn finding_3_forwards_only_the_session_cookie_and_allowed_headers() {
    let up = recorder().await;
    let gw = gateway(&up.base).await;
    let http = reqwest::Client::new();
    let r = http
        .get(gw.url("/api/audit/sessions?limit=5&_fault=html&q=a%20b"))
        .header("cookie", "tracker=1; session_id=abc; other=2")
        .header("cookie", "more=3")
        .header("x-forwarded-for", "6.6.6.6")
        .header("x-forwarded-host", "evil.example")
        .header("x-forwarded-proto", "https")
        .header("x-real-ip", "6.6.6.6")
        .header("forwarded", "for=6.6.6.6")
        .header("x-sim-fault", "html")
        .header("authorization", "Basic YWRtaW46YWRtaW4=")
        .header("accept", "application/json")
        .header("x-custom", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let seen = up.last();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.path_and_query, "/api/audit/sessions?limit=5&q=a%20b");
    assert_eq!(seen.headers["cookie"], "session_id=abc");
    assert_eq!(seen.headers.get_all("cookie").iter().count(), 1);
    assert_eq!(seen.headers["accept"], "application/json");
    assert_eq!(
        seen.headers["host"],
        up.base.trim_start_matches("http://"),
        "the appliance's own name, not the client's"
    );
    for name in [
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-proto",
        "x-real-ip",
        "forwarded",
        "x-sim-fault",
        "authorization",
        "x-custom",
        "origin",
        "referer",
    ] {
        assert!(seen.headers.get(name).is_none(), "{name} forwarded");
    }
    // Authorization goes to the login only, and only Basic.
    http.get(gw.url("/api/authentication?login_method=local"))
        .header("authorization", "Basic YWRtaW46YWRtaW4=")
        .send()
        .await
        .unwrap();
    assert_eq!(up.last().headers["authorization"], "Basic YWRtaW46YWRtaW4=");
    http.get(gw.url("/api/authentication"))
        .header("authorization", "Bearer t")
        .send()
        .await
        .unwrap();
    assert!(up.last().headers.get("authorization").is_none());
    // HEAD stays HEAD.
    http.head(gw.url("/api/info")).send().await.unwrap();
    assert_eq!(up.last().method, "HEAD");
}

#[tokio::test]
async fn finding_3_set_cookie_is_rewritten() {
    let up = recorder().await;
    let gw = gateway(&up.base).await;
    let r = reqwest::Client::new()
        .get(gw.url("/api/authentication"))
        .send()
        .await
        .unwrap();
    let cookies: Vec<&str> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(
        cookies,
        ["session_id=tok123; Path=/; Max-Age=43200; HttpOnly; Secure; SameSite=Strict"],
        "Domain dropped, SameSite=Strict, other cookies dropped"
    );
    assert!(r.headers().get("www-authenticate").is_none());
    assert!(r.headers().get("location").is_none());

    // The simulator's real-shaped cookie.
    let sim = sim(3).await;
    let gw = gateway(&sim.base).await;
    let r = reqwest::Client::new()
        .get(gw.url("/api/authentication"))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("session_id="), "{cookie}");
    assert!(cookie.contains("; expires="), "{cookie}");
    assert!(
        cookie.ends_with("; HttpOnly; Secure; SameSite=Strict"),
        "{cookie}"
    );

    // A portal on another site frames the viewer: partitioned, cross-site.
    let gw = gateway_with(&up.base, |c| {
        c.frame_ancestors = vec!["https://portal.example.com".into()]
    })
    .await;
    let r = reqwest::Client::new()
        .get(gw.url("/api/authentication"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["set-cookie"],
        "session_id=tok123; Path=/; Max-Age=43200; HttpOnly; Secure; SameSite=None; Partitioned"
    );
    // A portal on the same site keeps Strict (ports do not make sites).
    let gw = gateway_with(&up.base, |c| {
        c.host_names = vec!["127.0.0.1".into()];
        c.frame_ancestors = vec!["http://127.0.0.1:1234".into()]
    })
    .await;
    let r = reqwest::Client::new()
        .get(gw.url("/api/authentication"))
        .send()
        .await
        .unwrap();
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .ends_with("SameSite=Strict"));
}

#[tokio::test]
async fn security_headers_on_every_reply() {
    let sim = sim(5).await;
    let gw = gateway(&sim.base).await;
    let c = login(&gw).await;
    let mut replies = Vec::new();
    for (method, path) in [
        ("GET", "/"),
        ("GET", "/boot.js"),
        ("GET", "/missing.js"),
        ("GET", "/api/audit/sessions?limit=1"),
        ("GET", "/api/nothing"),
        ("DELETE", "/api/audit/sessions"),
    ] {
        let r = c
            .request(method.parse().unwrap(), gw.url(path))
            .send()
            .await
            .unwrap();
        replies.push((path.to_owned(), r.status().as_u16(), r.headers().clone()));
    }
    let r = reqwest::Client::new()
        .get(gw.url("/api/audit/sessions"))
        .send()
        .await
        .unwrap();
    replies.push(("401".into(), r.status().as_u16(), r.headers().clone()));
    let r = c
        .get(gw.url("/api/info"))
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    replies.push(("403".into(), r.status().as_u16(), r.headers().clone()));
    for (path, status, h) in &replies {
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'"),
            "{path} {status}: {csp}"
        );
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{path}"
        );
        assert!(csp.contains("default-src 'none'"), "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        if path.starts_with("/api") || *status >= 400 {
            assert_eq!(h["cache-control"], "no-store", "{path} {status}");
        }
    }
    let statuses: Vec<u16> = replies.iter().map(|r| r.1).collect();
    assert_eq!(statuses, [200, 200, 404, 200, 404, 405, 401, 403]);
    // With portals: their origins, and no X-Frame-Options (it cannot list them).
    let gw = gateway_with(&sim.base, |c| {
        c.frame_ancestors = vec![
            "https://portal.example.com".into(),
            "http://localhost:5173/".into(),
        ]
    })
    .await;
    let r = reqwest::get(gw.url("/")).await.unwrap();
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .ends_with("frame-ancestors https://portal.example.com http://localhost:5173"));
    assert!(r.headers().get("x-frame-options").is_none());
}

#[tokio::test]
async fn the_log_has_one_line_per_request_without_secrets() {
    let sim = sim(5).await;
    let gw = gateway(&sim.base).await;
    let c = client();
    let r = c
        .get(gw.url("/api/authentication?login_method=local"))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .unwrap();
    let token = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .trim_start_matches("session_id=")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    c.get(gw.url("/api/authentication"))
        .basic_auth("admin", Some("s3cret-password"))
        .send()
        .await
        .unwrap();
    c.get(gw.url("/api/audit/sessions?q=user.gateway_username%3Asecretquery"))
        .send()
        .await
        .unwrap();
    c.get(gw.url("/api/info"))
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    let lines = gw.log_lines();
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(
        lines[0].starts_with("sps-gateway: GET /api/authentication 200 "),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains(" 401 "), "{}", lines[1]);
    assert!(lines[3].contains(" 403 ") && lines[3].contains("foreign origin"));
    for line in &lines {
        for secret in [
            token.as_str(),
            "session_id",
            "s3cret",
            "YWRtaW46",
            "admin",
            "secretquery",
            "login_method",
            "?",
            "evil.example",
        ] {
            assert!(!line.contains(secret), "{secret} in {line}");
        }
    }
}

#[tokio::test]
async fn upstream_timeouts_answer_504_in_bounded_time() {
    let up = recorder().await;
    let gw = gateway_with(&up.base, |c| c.upstream_timeout = Duration::from_secs(1)).await;
    let t0 = Instant::now();
    let r = reqwest::get(gw.url("/api/audit/hang")).await.unwrap();
    assert_eq!(r.status(), 504);
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
    // An appliance that accepts connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap();
    let keep = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            held.push(s);
        }
    });
    let gw = gateway_with(&format!("http://{addr}"), |c| {
        c.upstream_timeout = Duration::from_secs(1)
    })
    .await;
    let t0 = Instant::now();
    let r = reqwest::get(gw.url("/api/info")).await.unwrap();
    assert_eq!(r.status(), 504);
    assert!(t0.elapsed() < Duration::from_secs(5));
    keep.abort();
    // Nothing listening: 502 at once.
    let gw = gateway("http://127.0.0.1:9").await;
    let r = reqwest::get(gw.url("/api/info")).await.unwrap();
    assert_eq!(r.status(), 502);
}

#[tokio::test]
async fn oversized_replies_are_not_forwarded() {
    let up = recorder().await;
    let gw = gateway_with(&up.base, |c| c.max_response_bytes = 1024 * 1024).await;
    let r = reqwest::get(gw.url("/api/audit/big")).await.unwrap();
    assert_eq!(r.status(), 502);
    let gw = gateway_with(&up.base, |c| c.max_response_bytes = 4 * 1024 * 1024).await;
    let r = reqwest::get(gw.url("/api/audit/big")).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().len(), 2 * 1024 * 1024);
}

#[tokio::test]
async fn idle_and_slow_clients_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let sim = sim(3).await;
    let gw = gateway_with(&sim.base, |c| c.client_timeout = Duration::from_secs(1)).await;
    // Connected, sends nothing.
    let mut s = tokio::net::TcpStream::connect(gw.running.addr)
        .await
        .unwrap();
    let t0 = Instant::now();
    let mut buf = Vec::new();
    let n = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf))
        .await
        .expect("closed by the gateway")
        .unwrap_or(0);
    assert!(t0.elapsed() < Duration::from_secs(4));
    let _ = n;
    // Sends half a request head and stalls (slowloris).
    let mut s = tokio::net::TcpStream::connect(gw.running.addr)
        .await
        .unwrap();
    s.write_all(b"GET /api/info HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf))
        .await
        .expect("closed by the gateway")
        .ok();
    // Oversized headers are refused.
    let big = "a".repeat(100 * 1024);
    let (status, _) = raw(
        gw.running.addr,
        &format!(
            "GET /api/info HTTP/1.1\r\nHost: {}\r\nX-Big: {big}\r\nConnection: close\r\n\r\n",
            gw.host()
        ),
    )
    .await;
    assert!(status == 431 || status == 0 || status == 400, "{status}");
}

#[tokio::test]
async fn unsafe_configurations_do_not_start() {
    use clap::Parser;
    let start = |cfg: sps_gateway::Config| async move {
        sps_gateway::start(cfg)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    let err = start(sps_gateway::Config::new("http://10.0.0.5"))
        .await
        .unwrap_err();
    assert!(err.contains("--allow-plain-http"), "{err}");
    let mut cfg = sps_gateway::Config::new("http://10.0.0.5");
    cfg.allow_plain_http = true;
    cfg.bind = "0.0.0.0:0".parse().unwrap();
    cfg.host_names = vec!["sps.example".into()];
    let err = start(cfg).await.unwrap_err();
    assert!(err.contains("--tls-cert"), "{err}");
    for bad in [
        "ftp://x",
        "https://user:pw@sps.example",
        "https://sps.example/api",
        "not a url",
    ] {
        assert!(start(sps_gateway::Config::new(bad)).await.is_err(), "{bad}");
    }
    let mut cfg = sps_gateway::Config::new("https://sps.example");
    cfg.frame_ancestors = vec!["https://portal.example/page".into()];
    assert!(start(cfg).await.is_err());
    let parse = |args: &[&str]| {
        sps_gateway::Args::try_parse_from(
            std::iter::once("sps-gateway").chain(args.iter().copied()),
        )
        .map_err(|e| e.to_string())
        .and_then(|a| sps_gateway::Config::try_from(a).map_err(|e| e.to_string()))
    };
    assert!(parse(&["--upstream", "http://10.0.0.5"]).is_err());
    assert!(parse(&["--upstream", "http://10.0.0.5", "--allow-plain-http"]).is_ok());
    assert!(parse(&[
        "--upstream",
        "https://10.0.0.5",
        "--bind",
        "0.0.0.0",
        "--host-name",
        "a"
    ])
    .is_err());
    assert!(parse(&["--upstream", "https://10.0.0.5", "--tls-cert", "c.pem"]).is_err());
}

#[tokio::test]
async fn serves_tls_from_pem_files() {
    let dir = std::env::temp_dir().join(format!("sps-gateway-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let ok = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .args(["-addext", "extendedKeyUsage=serverAuth"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl (needed to make a throwaway certificate)");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let sim = sim(3).await;
    let gw = gateway_with(&sim.base, |c| {
        c.tls = Some(sps_gateway::TlsFiles {
            cert: cert.clone(),
            key: key.clone(),
        })
    })
    .await;
    assert_eq!(gw.running.scheme, "https");
    let pem = std::fs::read(&cert).unwrap();
    let c = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .cookie_store(true)
        .build()
        .unwrap();
    let r = c
        .get(gw.url("/api/authentication"))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
    let r = c
        .get(gw.url("/api/audit/sessions?limit=1"))
        .header("origin", gw.running.base())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "own https origin accepted");
    // Plain http to the TLS port gets nothing useful.
    let plain = reqwest::get(format!("http://{}/", gw.running.addr)).await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
}
