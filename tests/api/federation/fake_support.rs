//! The fault-injecting fake provider (`tests/upstreams/fake_upstream.rs`) as the
//! upstream of the server under test. Its authorization endpoint has no login page: it
//! redirects straight back, so a sign-in is the login page, the provider's button, one
//! GET at the fake (a 302 to our callback with `code`, `state` and `iss`) and the
//! callback.

#![allow(dead_code)]

use super::fake_upstream::{FakeUpstream, FakeUpstreamConfig, DEFAULT_REDIRECT_URI};
use super::support::*;
use crate::flow_support::browser;
use crate::helpers::{Backend, TestApp};
use crate::ui_support::{page, Page};
use portcullis::config::{Settings, Ttl, UpstreamProvider};
use portcullis::secret::Secret;
use reqwest::StatusCode;
use std::time::Duration;

pub const FAKE_CLIENT: &str = "portcullis-downstream";
pub const FAKE_SECRET: &str = "fake-client-secret-0123";
/// The titles of the two error pages of the callback.
pub const FAILED: &str = "Sign-in failed";
pub const CANNOT: &str = "This sign-in cannot be completed";

/// The fake's configuration for our client (the redirect URI is added once the server
/// under test runs: its port is not known before).
pub fn fake_config() -> FakeUpstreamConfig {
    FakeUpstreamConfig::for_client(FAKE_CLIENT, FAKE_SECRET, &[DEFAULT_REDIRECT_URI])
}

/// The fake as provider [`PROVIDER`] at the server under test: issuer exactly the
/// fake's, users created on first sign-in, group `staff` mapped to role `reader`, two
/// seconds per request.
pub fn fake_definition(fake: &FakeUpstream) -> UpstreamProvider {
    let mut d = upstream_definition(fake.issuer());
    d.client_id = fake.config().client_id.clone();
    d.client_secret = Some(Secret::new(fake.config().client_secret.clone()));
    d.timeout = Ttl(Duration::from_secs(2));
    d
}

/// A fake started with `cfg`, and the server under test with the fake as its provider
/// (`def` adjusts the definition, `settings` the server's settings); `None` when the
/// backend is unavailable.
pub async fn with_fake(
    backend: Backend,
    cfg: FakeUpstreamConfig,
    def: impl FnOnce(&mut UpstreamProvider),
    settings: impl FnOnce(&mut Settings),
) -> Option<(FakeUpstream, TestApp)> {
    let fake = FakeUpstream::start(cfg).await;
    let mut d = fake_definition(&fake);
    def(&mut d);
    let down = downstream(backend, vec![d], settings).await?;
    fake.add_redirect_uri(&callback_url(&down));
    Some((fake, down))
}

/// The default fake and provider definition.
pub async fn default_fake(backend: Backend) -> Option<(FakeUpstream, TestApp)> {
    with_fake(backend, fake_config(), |_| {}, |_| {}).await
}

/// GET `url` in browser `b`; whatever the answer, it is not a 5xx.
pub async fn get(b: &reqwest::Client, url: &str) -> reqwest::Response {
    let r = b.get(url).send().await.expect("request");
    assert!(
        !r.status().is_server_error(),
        "{url} answered {}",
        r.status()
    );
    r
}

/// The login page, then the provider's button: the fake's authorization URL.
pub async fn to_provider(b: &reqwest::Client, down: &TestApp, extra: &[(&str, &str)]) -> String {
    let page = open_login_page(b, down, extra).await;
    press_provider_button(b, down, &page, false).await
}

/// The fake's answer to the authorization request: where it sends the browser back.
pub async fn at_fake(b: &reqwest::Client, fake: &FakeUpstream, at_provider: &str) -> String {
    assert!(
        at_provider.starts_with(&fake.authorization_endpoint()),
        "{at_provider}"
    );
    location_any(&get(b, at_provider).await)
}

/// A sign-in started in `b`, up to the URL of our callback the fake sends it back to.
pub async fn callback_from_fake(
    b: &reqwest::Client,
    down: &TestApp,
    fake: &FakeUpstream,
) -> String {
    let at = to_provider(b, down, &[]).await;
    let back = at_fake(b, fake, &at).await;
    assert!(back.starts_with(&callback_url(down)), "{back}");
    back
}

/// The whole sign-in in a new browser; returns it and the client's redirect URI with
/// the code.
pub async fn sign_in_fake(down: &TestApp, fake: &FakeUpstream) -> (reqwest::Client, String) {
    let b = browser();
    let back = callback_from_fake(&b, down, fake).await;
    let done = finish_at_downstream(&b, down, &back).await;
    assert!(done.starts_with(crate::flow_support::CB), "{done}");
    (b, done)
}

/// `r` is the error page titled `title` with status 400: not a redirect anywhere.
pub async fn assert_error_page(r: reqwest::Response, title: &str) -> Page {
    let p = page(r).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.html);
    assert!(p.headers.get("location").is_none());
    assert!(p.html.contains(title), "{}", p.html);
    p
}

/// A sign-in through the fake, in a new browser, that must end at our callback with
/// "Sign-in failed" and change nobody's account.
pub async fn assert_sign_in_fails(down: &TestApp, fake: &FakeUpstream) -> Page {
    let before = users(down).await;
    let b = browser();
    let back = callback_from_fake(&b, down, fake).await;
    let p = assert_error_page(get(&b, &back).await, FAILED).await;
    assert_eq!(users(down).await, before, "no account changed");
    p
}

/// A sign-in through the fake, in a new browser, that the server under test sends back
/// to its login page with `upstream_notice=<code>`; returns the page shown there.
pub async fn sign_in_notice(down: &TestApp, fake: &FakeUpstream, code: &str) -> Page {
    let b = browser();
    let back = callback_from_fake(&b, down, fake).await;
    let to = location_any(&get(&b, &back).await);
    assert!(to.starts_with(&down.public_url("/ui/login?")), "{to}");
    assert_eq!(
        crate::flow_support::param(&to, "upstream_notice").as_deref(),
        Some(code),
        "{to}"
    );
    let p = page(get(&b, &to).await).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    p
}

/// The server's Prometheus metrics.
pub async fn metrics(down: &TestApp) -> String {
    down.http
        .get(down.admin_url("/metrics/prometheus"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text")
}

/// The sign-in counter of [`PROVIDER`] for `result`, as a metrics line.
pub fn sign_ins(result: &str, n: u64) -> String {
    format!("upstream_sign_ins_total{{provider=\"{PROVIDER}\",result=\"{result}\"}} {n}")
}
