//! A database outage under load (PostgreSQL behind a [`Proxy`] the test cuts): every
//! endpoint that needs the database answers 503 with `Retry-After` and its own error
//! body (RFC 6749 on the OAuth endpoints, Hydra's `genericError` on the admin API),
//! never a 500 or a dropped connection (introspection and userinfo may be answered from
//! the read cache within its TTL); introspection never calls a live token
//! inactive; `/health/alive` stays 200. When the database returns, a whole flow works
//! again within seconds, without a restart.

use crate::db_proxy::{app_behind_proxy, Mode};
use crate::flow_support as flow;
use crate::helpers::TestApp;
use crate::tokens_support::*;
use futures::future::join_all;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Concurrent clients hammering the server while the database is away, and for how long.
const WORKERS: usize = 8;
const LOAD_FOR: Duration = Duration::from_secs(4);

/// What the test knows before the outage: a client, its live token, an open challenge.
struct Known {
    id: String,
    secret: String,
    access_token: String,
    challenge: String,
}

/// The requests of the load, by name; `k` picks one.
fn probe(app: &TestApp, known: &Known, k: usize) -> (&'static str, reqwest::RequestBuilder) {
    let h = &app.http;
    let auth = basic(&known.id, &known.secret);
    let bearer = format!("Bearer {}", known.access_token);
    match k % 10 {
        0 => (
            "POST /oauth2/token",
            h.post(app.public_url("/oauth2/token"))
                .header("Authorization", auth)
                .form(&[("grant_type", "client_credentials"), ("scope", "read")]),
        ),
        1 => (
            "POST /oauth2/introspect",
            h.post(app.admin_url("/oauth2/introspect"))
                .form(&[("token", known.access_token.as_str())]),
        ),
        2 => ("GET /clients", h.get(app.admin_url("/clients"))),
        3 => (
            "GET /clients/{id}",
            h.get(app.admin_url(&format!("/clients/{}", known.id))),
        ),
        4 => (
            "PUT /oauth2/auth/requests/login/accept",
            h.put(app.admin_url(&format!(
                "/oauth2/auth/requests/login/accept?login_challenge={}",
                known.challenge
            )))
            .json(&json!({"subject": "alice"})),
        ),
        5 => (
            "GET /userinfo",
            h.get(app.public_url("/userinfo"))
                .header("Authorization", bearer),
        ),
        6 => (
            "POST /oauth2/revoke",
            h.post(app.public_url("/oauth2/revoke"))
                .header("Authorization", auth)
                .form(&[("token", "not-a-token")]),
        ),
        7 => ("GET /health/ready", h.get(app.admin_url("/health/ready"))),
        8 => ("GET /oauth2/auth", h.get(flow::auth_url(app, "web", ""))),
        _ => ("GET /health/alive", h.get(app.admin_url("/health/alive"))),
    }
}

/// Checks one answer given during the outage.
fn check_outage_answer(name: &str, a: &Answer) {
    let status = a.status.as_u16();
    match name {
        "GET /health/alive" => assert_eq!(status, 200, "{name}: {}", a.text),
        // An unknown token may be refused before the database is asked (it is not one
        // of ours); a known one must never be called inactive.
        "POST /oauth2/revoke" => assert!(matches!(status, 200 | 503), "{name}: {}", a.text),
        // The read cache (store/cache.rs) may still hold the token's row for its TTL; it
        // answers what the database would, so a live token is active, never inactive.
        "POST /oauth2/introspect" if status == 200 => {
            assert_eq!(a.body["active"], true, "{name}: {}", a.text)
        }
        "GET /userinfo" if status == 200 => assert!(a.body["sub"].is_string(), "{}", a.text),
        // As in Hydra, an authorization request that cannot be checked goes to the error
        // page (never to the client: its redirect URI cannot be verified), saying why.
        "GET /oauth2/auth" => {
            assert_eq!(status, 302, "{name}: {}", a.text);
            let to = a.header("location");
            assert!(
                to.contains("/oauth2/fallbacks/error?error=temporarily_unavailable"),
                "{to}"
            );
        }
        // Hydra's shape: `{"errors": {"database": ...}}`, no Retry-After (probes poll).
        "GET /health/ready" => {
            assert_eq!(status, 503, "{name}: {}", a.text);
            assert!(a.body["errors"]["database"].is_string(), "{}", a.text);
        }
        _ => {
            assert_eq!(
                status,
                503,
                "{name} during the outage: {} {}",
                a.header("location"),
                a.text
            );
            assert_eq!(a.header("retry-after"), "5", "{name}");
        }
    }
    if status != 503 || name.starts_with("GET /health") {
        return;
    }
    let oauth = [
        "/oauth2/token",
        "/oauth2/introspect",
        "/userinfo",
        "/oauth2/revoke",
    ];
    if oauth.iter().any(|p| name.ends_with(p)) {
        assert_eq!(a.error(), "temporarily_unavailable", "{name}: {}", a.text);
    } else {
        // Hydra's genericError: { error, error_description, status_code }.
        assert_eq!(a.body["status_code"], 503, "{name}: {}", a.text);
        assert!(a.body["error"].is_string(), "{name}: {}", a.text);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_is_503_everywhere_and_the_server_recovers_by_itself() {
    let Some((proxy, app)) = app_behind_proxy(|_| {}).await else {
        return;
    };
    let (id, secret) = full_client(&app, "app", json!({"scope": "read openid"})).await;
    let cc = client_credentials(&app, &id, &secret, "read").await;
    assert_eq!(cc.status, 200, "{}", cc.text);
    flow::create_client(&app, "web", json!({})).await;
    let browser = flow::browser();
    let known = Known {
        id,
        secret,
        access_token: cc.body["access_token"].as_str().unwrap().to_string(),
        challenge: flow::start(&app, &browser, &flow::auth_url(&app, "web", "")).await,
    };

    proxy.set_up(false);
    let started = Instant::now();
    let results = join_all((0..WORKERS).map(|w| load(&app, &known, w, started))).await;
    let mut by_status: BTreeMap<(&str, u16), usize> = BTreeMap::new();
    let mut slowest = Duration::ZERO;
    for (name, a, took) in results.iter().flatten() {
        check_outage_answer(name, a);
        *by_status.entry((name, a.status.as_u16())).or_insert(0) += 1;
        slowest = slowest.max(*took);
    }
    let total: usize = by_status.values().sum();
    eprintln!("outage: {total} requests, slowest answer {slowest:?}");
    for ((name, status), n) in &by_status {
        eprintln!("outage:   {name} -> {status} x{n}");
    }
    assert!(total >= WORKERS * 2, "the load ran ({total} requests)");
    assert!(
        slowest < Duration::from_secs(10),
        "answers during the outage are bounded ({slowest:?})"
    );

    proxy.set_up(true);
    let back = Instant::now();
    loop {
        let a = client_credentials(&app, &known.id, &known.secret, "read").await;
        if a.status == 200 {
            break;
        }
        assert_eq!(a.status, 503, "{}", a.text);
        assert!(back.elapsed() < Duration::from_secs(15), "never recovered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let token_back = back.elapsed();
    assert!(is_active(&app, &known.access_token).await);
    let code = flow::full_flow(
        &app,
        &browser,
        &flow::auth_url(&app, "web", ""),
        "bob",
        false,
    )
    .await;
    flow::assert_code(&app, &code);
    let ready = app.http.get(app.admin_url("/health/ready")).send().await;
    assert_eq!(ready.unwrap().status(), 200);
    eprintln!(
        "outage: recovered: first token {token_back:?} after the database returned, \
         whole login/consent flow done {:?} after",
        back.elapsed()
    );
}

/// One worker: sends probes until `LOAD_FOR` has passed since `started`.
async fn load(
    app: &TestApp,
    known: &Known,
    worker: usize,
    started: Instant,
) -> Vec<(&'static str, Answer, Duration)> {
    let mut out = Vec::new();
    let mut k = worker;
    while started.elapsed() < LOAD_FOR {
        let (name, req) = probe(app, known, k);
        let t = Instant::now();
        let r = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: the connection failed: {e}"));
        out.push((name, answer(r).await, t.elapsed()));
        k += 1;
    }
    out
}

/// The request timeout of the stalled-database test: an answer must come within it.
const STALL_TIMEOUT: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_database_is_503_within_the_request_timeout_and_the_server_recovers() {
    let Some((proxy, app)) = app_behind_proxy(|s| {
        s.serve.request_timeout = portcullis::config::Ttl(STALL_TIMEOUT);
    })
    .await
    else {
        return;
    };
    let (id, secret) = full_client(&app, "app", json!({"scope": "read openid"})).await;
    let cc = client_credentials(&app, &id, &secret, "read").await;
    assert_eq!(cc.status, 200, "{}", cc.text);
    flow::create_client(&app, "web", json!({})).await;
    let browser = flow::browser();
    let known = Known {
        id,
        secret,
        access_token: cc.body["access_token"].as_str().unwrap().to_string(),
        challenge: flow::start(&app, &browser, &flow::auth_url(&app, "web", "")).await,
    };

    // Nothing moves between the server and the database, and nothing says so.
    proxy.set(Mode::Stalled);
    let (a, k_) = (&app, &known);
    let round = join_all((0..18).map(|k| async move {
        let (name, req) = probe(a, k_, k);
        let t = Instant::now();
        let r = req.send().await;
        let r = r.unwrap_or_else(|e| panic!("{name}: the connection failed: {e}"));
        (name, answer(r).await, t.elapsed())
    }))
    .await;
    let slowest = round.iter().map(|(_, _, t)| *t).max().unwrap_or_default();
    let statuses: BTreeMap<u16, usize> = round.iter().fold(BTreeMap::new(), |mut m, (_, a, _)| {
        *m.entry(a.status.as_u16()).or_insert(0) += 1;
        m
    });
    eprintln!("stall: {statuses:?}, slowest answer {slowest:?}");
    for (name, a, took) in &round {
        assert!(
            *took < STALL_TIMEOUT + Duration::from_secs(2),
            "{name} answered in {took:?}"
        );
        check_outage_answer(name, a);
    }

    proxy.set(Mode::Up);
    let back = Instant::now();
    loop {
        let a = client_credentials(&app, &known.id, &known.secret, "read").await;
        if a.status == 200 {
            break;
        }
        assert_eq!(a.status, 503, "{}", a.text);
        assert!(back.elapsed() < Duration::from_secs(15), "never recovered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(is_active(&app, &known.access_token).await);
    let code = flow::full_flow(
        &app,
        &browser,
        &flow::auth_url(&app, "web", ""),
        "bob",
        false,
    )
    .await;
    flow::assert_code(&app, &code);
    eprintln!(
        "stall: recovered, whole flow done {:?} after",
        back.elapsed()
    );
}
