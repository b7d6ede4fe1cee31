//! Two servers for sign-in through an upstream: the upstream provider (a second
//! Portcullis on `localhost`, or a fake) and Portcullis under test (on `127.0.0.1`, so
//! that the test browser keeps the two servers' cookies apart, as a real browser keeps
//! two sites'). A client of the server under test, and a browser that walks the flow.

#![allow(dead_code)]

use crate::flow_support::{browser, location, param, CB};
use crate::helpers::{base_settings, fresh_dsn, start, start_on, Backend, TestApp};
use crate::ui_support::{create_user, create_web_client, get_page, post, Page, PASSWORD};
use portcullis::config::{Settings, UpstreamProvider};
use portcullis::secret::Secret;
use reqwest::StatusCode;
use serde_json::{json, Value};

pub const PROVIDER: &str = "corp";
pub const UPSTREAM_CLIENT: &str = "portcullis-downstream";
pub const UPSTREAM_SECRET: &str = "upstream-client-secret-0123";
pub const NONCE: &str = "nonce-0123456789";

/// A Portcullis that plays the upstream provider, on `localhost`, with Alice in its
/// directory (verified email, group `staff`).
pub async fn upstream_portcullis(backend: Backend) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("temp dir");
    let dsn = fresh_dsn(backend, dir.path()).await?;
    let mut s = base_settings(&dsn);
    // Its own secret: nothing it signs may be accepted by the server under test.
    s.secrets.system = vec![Secret::new("the-upstream-system-secret-0123")];
    let up = start_on(s, dir, "localhost").await;
    create_user(
        &up,
        "alice@example.com",
        json!({"groups": ["staff"], "roles": ["upstream-admin"]}),
    )
    .await;
    Some(up)
}

/// The definition of the upstream at the server under test.
pub fn upstream_definition(issuer: &str) -> UpstreamProvider {
    UpstreamProvider {
        id: PROVIDER.into(),
        display_name: "Corp SSO".into(),
        issuer: issuer.into(),
        client_id: UPSTREAM_CLIENT.into(),
        client_secret: Some(Secret::new(UPSTREAM_SECRET)),
        scopes: vec![
            "openid".into(),
            "email".into(),
            "profile".into(),
            "groups".into(),
        ],
        create_users: true,
        role_mappings: [("staff".to_string(), vec!["reader".to_string()])]
            .into_iter()
            .collect(),
        timeout: portcullis::config::Ttl(std::time::Duration::from_secs(3)),
        ..UpstreamProvider::default()
    }
}

/// The server under test on `127.0.0.1`, with `providers` and the web client `app`.
pub async fn downstream(
    backend: Backend,
    providers: Vec<UpstreamProvider>,
    tweak: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("temp dir");
    let dsn = fresh_dsn(backend, dir.path()).await?;
    let mut s = base_settings(&dsn);
    s.identity.upstreams = providers;
    tweak(&mut s);
    let down = start(s, dir).await;
    create_web_client(&down, "app", json!({})).await;
    Some(down)
}

/// Registers the server under test as a client of the upstream Portcullis.
pub async fn register_downstream_at(up: &TestApp, down: &TestApp) {
    let r = up
        .http
        .post(up.admin_url("/clients"))
        .json(&json!({
            "client_id": UPSTREAM_CLIENT,
            "client_secret": UPSTREAM_SECRET,
            "redirect_uris": [callback_url(down)],
            "post_logout_redirect_uris": [down.public_url(&format!("/ui/logout/upstream/{PROVIDER}/callback"))],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "scope": "openid offline_access profile email roles groups",
        }))
        .send()
        .await
        .expect("register at the upstream");
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
}

pub fn callback_url(down: &TestApp) -> String {
    down.public_url(&format!("/ui/login/upstream/{PROVIDER}/callback"))
}

/// The client's authorization request at the server under test.
pub fn authorize_url(down: &TestApp, extra: &[(&str, &str)]) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("client_id", "app")
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", CB)
        .append_pair("scope", "openid email profile roles groups")
        .append_pair("state", "client-state-0123")
        .append_pair("nonce", NONCE);
    for (k, v) in extra {
        q.append_pair(k, v);
    }
    down.public_url(&format!("/oauth2/auth?{}", q.finish()))
}

/// Follows redirects while they stay on `server`; returns the first URL elsewhere (or
/// a page of `server`, unchanged).
pub async fn follow_on(b: &reqwest::Client, server: &TestApp, start: &str) -> String {
    let mut url = start.to_string();
    for _ in 0..12 {
        if !url.starts_with(&server.public) || url.contains("/ui/") {
            return url;
        }
        let r = b.get(&url).send().await.expect("request");
        if !r.status().is_redirection() {
            return url;
        }
        url = location_any(&r);
    }
    panic!("too many redirects from {start}");
}

/// The `Location` of a 302 or 303.
pub fn location_any(r: &reqwest::Response) -> String {
    assert!(
        r.status() == StatusCode::FOUND || r.status() == StatusCode::SEE_OTHER,
        "expected a redirect, got {}",
        r.status()
    );
    r.headers()[reqwest::header::LOCATION]
        .to_str()
        .expect("a text location")
        .to_string()
}

/// From the client's authorization request to the server under test's login page.
pub async fn open_login_page(b: &reqwest::Client, down: &TestApp, extra: &[(&str, &str)]) -> Page {
    let to = location(
        &b.get(authorize_url(down, extra))
            .send()
            .await
            .expect("auth"),
    );
    assert!(to.starts_with(&down.public_url("/ui/login?")), "{to}");
    let p = get_page(b, &to).await;
    assert_eq!(p.status, 200, "{}", p.html);
    p
}

/// Presses the provider's button on the login page; returns the provider's
/// authorization URL the browser is sent to.
pub async fn press_provider_button(
    b: &reqwest::Client,
    down: &TestApp,
    p: &Page,
    remember: bool,
) -> String {
    let challenge = p.field("login_challenge").expect("login_challenge");
    let csrf = p.field("csrf_token").expect("csrf_token");
    let mut form = vec![
        ("login_challenge", challenge.as_str()),
        ("csrf_token", csrf.as_str()),
        ("upstream", PROVIDER),
    ];
    if remember {
        form.push(("remember", "1"));
    }
    let r = post(b, &down.public_url("/ui/login"), &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    location_any(&r)
}

/// Signs in at the upstream Portcullis's own pages as `email`, allows, and returns the
/// redirect back to the server under test (its callback, with `code` and `state`).
pub async fn sign_in_at_upstream(
    b: &reqwest::Client,
    up: &TestApp,
    at_provider: &str,
    email: &str,
) -> String {
    assert!(
        at_provider.starts_with(&up.public_url("/oauth2/auth?")),
        "{at_provider}"
    );
    let login = follow_on(b, up, at_provider).await;
    assert!(login.starts_with(&up.public_url("/ui/login?")), "{login}");
    let page = get_page(b, &login).await;
    let challenge = page
        .field("login_challenge")
        .expect("upstream login_challenge");
    let csrf = page.field("csrf_token").expect("upstream csrf");
    let r = post(
        b,
        &up.public_url("/ui/login"),
        &[
            ("login_challenge", challenge.as_str()),
            ("csrf_token", csrf.as_str()),
            ("email", email),
            ("password", PASSWORD),
            ("action", "login"),
            // Kept signed in at the provider, so its logout has a session to end.
            ("remember", "1"),
        ],
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "the upstream login failed"
    );
    let consent = follow_on(b, up, &location_any(&r)).await;
    if !consent.starts_with(&up.public_url("/ui/consent?")) {
        return consent;
    }
    let page = get_page(b, &consent).await;
    let challenge = page.field("consent_challenge").expect("consent_challenge");
    let csrf = page.field("csrf_token").expect("consent csrf");
    let r = post(
        b,
        &up.public_url("/ui/consent"),
        &[
            ("consent_challenge", challenge.as_str()),
            ("csrf_token", csrf.as_str()),
            ("action", "allow"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    follow_on(b, up, &location_any(&r)).await
}

/// From the provider's redirect back to the client's redirect URI at the server under
/// test: the callback, the flow, the consent page (allowed); returns the final URL.
pub async fn finish_at_downstream(b: &reqwest::Client, down: &TestApp, callback: &str) -> String {
    assert!(callback.starts_with(&callback_url(down)), "{callback}");
    let r = b.get(callback).send().await.expect("callback");
    assert_eq!(
        r.status(),
        StatusCode::FOUND,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let next = follow_on(b, down, &location_any(&r)).await;
    if !next.starts_with(&down.public_url("/ui/consent?")) {
        return next;
    }
    let page = get_page(b, &next).await;
    if page.status == StatusCode::FOUND {
        // A remembered consent: accepted without the page.
        let to = page.header("location").to_string();
        return follow_on(b, down, &to).await;
    }
    let challenge = page.field("consent_challenge").expect("consent_challenge");
    let csrf = page.field("csrf_token").expect("csrf");
    let r = post(
        b,
        &down.public_url("/ui/consent"),
        &[
            ("consent_challenge", challenge.as_str()),
            ("csrf_token", csrf.as_str()),
            ("action", "allow"),
            ("remember", "1"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    follow_on(b, down, &location_any(&r)).await
}

/// The whole sign-in, from the client to the client's redirect URI, in a new browser.
pub async fn sign_in(down: &TestApp, up: &TestApp, email: &str) -> (reqwest::Client, String) {
    let b = browser();
    let page = open_login_page(&b, down, &[]).await;
    let at_provider = press_provider_button(&b, down, &page, true).await;
    let back = sign_in_at_upstream(&b, up, &at_provider, email).await;
    let done = finish_at_downstream(&b, down, &back).await;
    (b, done)
}

/// The ID token's claims after exchanging the code at the server under test.
pub async fn id_token_claims(down: &TestApp, done: &str) -> Value {
    assert!(done.starts_with(CB), "{done}");
    let code = param(done, "code").expect("a code");
    let tokens = crate::ui_support::exchange(down, "app", &code).await;
    let jwt = tokens["id_token"].as_str().expect("an ID token");
    let payload = jwt.split('.').nth(1).expect("a JWT");
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// The users of the server under test (admin API).
pub async fn users(down: &TestApp) -> Vec<Value> {
    down.http
        .get(down.admin_url("/admin/users"))
        .send()
        .await
        .expect("list users")
        .json()
        .await
        .expect("JSON")
}
