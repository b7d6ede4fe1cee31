//! Interoperability with node `oidc-provider` 9 (panva's OpenID-certified provider) as
//! the upstream: a person signs in at its own pages, gets a local account with roles
//! mapped from its `groups`, and an RP-initiated logout at Portcullis ends the session
//! there too.
//!
//! Hosts: oidc-provider listens on `127.0.0.1` (its issuer names it), the server under
//! test is reached as `localhost`, so the test browser keeps their cookies apart.
//!
//! Ordering: oidc-provider registers its client's redirect URIs when it starts, and the
//! server under test needs the provider's issuer when it starts. So the server's ports
//! are bound first (its callback URLs are then known), oidc-provider is started with
//! them, and the server is built on the ports already bound.

use super::oidc_provider_harness::{sign_in, sign_out, OidcProvider, OidcProviderConfig};
use super::support::*;
use crate::flow_support::{param, CB};
use crate::helpers::{base_settings, bind_on, fresh_dsn, start_bound, Backend, TestApp};
use crate::on_both_backends;
use crate::ui_support::{create_web_client, exchange, get_page, post};
use base64::Engine;
use serde_json::{json, Value};
use std::future::Future;
use std::time::Duration;

on_both_backends!(
    a_person_signs_in_at_oidc_provider_and_logging_out_at_portcullis_ends_both_sessions,
    cancelling_at_oidc_provider_returns_to_the_login_page_which_says_so,
);

/// The browser's walk through both servers (about 1-3 s here) must end in this time.
/// Starting them is bounded apart: the harness gives `npm ci` (first use only, a few
/// seconds with a warm npm cache) 600 s and oidc-provider's start 30 s.
const FLOW_TIMEOUT: Duration = Duration::from_secs(60);
/// Needs form-encoding in `client_secret_basic` (RFC 6749 §2.3.1), which oidc-provider
/// decodes: a check that both sides do it.
const SECRET: &str = "s3cret: with+odd/chars%";
const LOGIN: &str = "jdoe";
const BYE: &str = "https://app.example/bye";

async fn bounded(test: impl Future<Output = ()>) {
    tokio::time::timeout(FLOW_TIMEOUT, test)
        .await
        .unwrap_or_else(|_| {
            panic!("the flow through oidc-provider took longer than {FLOW_TIMEOUT:?}")
        });
}

/// A browser for both servers: keeps cookies (per host), follows no redirects.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("a reqwest client")
}

/// oidc-provider, and the server under test signing in through it; `None` when
/// PostgreSQL (for that backend) or node is missing here.
async fn servers(backend: Backend) -> Option<(OidcProvider, TestApp)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let dsn = fresh_dsn(backend, dir.path()).await?;
    let bound = bind_on("localhost").await;
    let callback = bound.public_url(&format!("/ui/login/upstream/{PROVIDER}/callback"));
    let logged_out = bound.public_url(&format!("/ui/logout/upstream/{PROVIDER}/callback"));
    let op = OidcProvider::start_with(OidcProviderConfig::new(
        UPSTREAM_CLIENT,
        SECRET,
        &[&callback],
        &[&logged_out],
    ))
    .await?;
    let mut def = upstream_definition(op.issuer());
    def.client_secret = Some(portcullis::secret::Secret::new(SECRET));
    let mut s = base_settings(&dsn);
    s.identity.upstreams = vec![def];
    let down = start_bound(s, dir, bound).await;
    create_web_client(&down, "app", json!({ "post_logout_redirect_uris": [BYE] })).await;
    Some((op, down))
}

fn claims_of(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// Submits the built-in logout page of the server under test; returns where it sends
/// the browser.
async fn confirm_logout(b: &reqwest::Client, down: &TestApp, page_url: &str) -> String {
    let page = get_page(b, page_url).await;
    let challenge = page.field("logout_challenge").expect("logout_challenge");
    let csrf = page.field("csrf_token").expect("csrf_token");
    let r = post(
        b,
        &down.public_url("/ui/logout"),
        &[
            ("logout_challenge", challenge.as_str()),
            ("csrf_token", csrf.as_str()),
            ("action", "logout"),
        ],
    )
    .await;
    location_any(&r)
}

async fn a_person_signs_in_at_oidc_provider_and_logging_out_at_portcullis_ends_both_sessions(
    backend: Backend,
) {
    let Some((op, down)) = servers(backend).await else {
        return;
    };
    bounded(async {
        let b = browser();

        // The client's request; the login page offers the provider.
        let page = open_login_page(&b, &down, &[]).await;
        assert!(
            page.html.contains(&format!("value=\"{PROVIDER}\"")) && page.html.contains("Corp SSO"),
            "{}",
            page.html
        );
        let at_provider = press_provider_button(&b, &down, &page, true).await;
        assert!(
            at_provider.starts_with(&format!("{}/auth?", op.issuer())),
            "{at_provider}"
        );
        assert_eq!(
            param(&at_provider, "code_challenge_method").as_deref(),
            Some("S256")
        );

        // oidc-provider's own login and consent pages, then back with code, state, iss.
        let back = sign_in(&b, &at_provider, LOGIN)
            .await
            .unwrap_or_else(|e| panic!("{e:#}\noidc-provider said:\n{}", op.logs()));
        assert_eq!(param(&back, "iss").as_deref(), Some(op.issuer()), "{back}");
        let done = finish_at_downstream(&b, &down, &back).await;
        assert!(done.starts_with(CB), "{done}");

        // Portcullis's tokens, for the local user made from oidc-provider's account.
        let code = param(&done, "code").expect("a code");
        let tokens = exchange(&down, "app", &code).await;
        let id_token = tokens["id_token"].as_str().expect("an ID token");
        let claims = claims_of(id_token);
        assert_eq!(claims["iss"], down.public_url("/"));
        assert_eq!(claims["email"], format!("{LOGIN}@example.org"));
        assert_eq!(claims["email_verified"], true);
        assert_eq!(claims["name"], format!("User {LOGIN}"));
        assert_eq!(claims["roles"], json!(["reader"]), "mapped from groups");
        assert_eq!(claims["groups"], json!(["staff"]));
        assert_eq!(claims["nonce"], NONCE);
        let listed = users(&down).await;
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(claims["sub"], listed[0]["id"]);
        let link = &listed[0]["identities"][0];
        assert_eq!(link["provider_id"], PROVIDER);
        assert_eq!(link["issuer"], op.issuer());
        assert_eq!(link["subject"], LOGIN);

        // The session at oidc-provider exists: prompt=none is answered with a code.
        let silent = sign_in(&b, &format!("{at_provider}&prompt=none"), LOGIN)
            .await
            .expect("prompt=none at oidc-provider");
        assert!(param(&silent, "code").is_some(), "{silent}");

        // RP-initiated logout at Portcullis ...
        let q = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("id_token_hint", id_token)
            .append_pair("post_logout_redirect_uri", BYE)
            .append_pair("state", "bye-state")
            .finish();
        let to = follow_on(
            &b,
            &down,
            &down.public_url(&format!("/oauth2/sessions/logout?{q}")),
        )
        .await;
        assert!(to.starts_with(&down.public_url("/ui/logout?")), "{to}");
        let at_op = follow_on(&b, &down, &confirm_logout(&b, &down, &to).await).await;

        // ... continues at oidc-provider's end_session_endpoint, with its ID token.
        let discovery: Value = b
            .get(op.discovery_url())
            .send()
            .await
            .expect("discovery")
            .json()
            .await
            .expect("discovery JSON");
        let end_session = discovery["end_session_endpoint"]
            .as_str()
            .expect("an end_session_endpoint");
        assert!(at_op.starts_with(&format!("{end_session}?")), "{at_op}");
        let hint = param(&at_op, "id_token_hint").expect("id_token_hint");
        assert_eq!(claims_of(&hint)["iss"], op.issuer());
        assert_eq!(param(&at_op, "client_id").as_deref(), Some(UPSTREAM_CLIENT));

        // Its confirmation form, then back to Portcullis, then to the client.
        let returned = sign_out(&b, &at_op)
            .await
            .unwrap_or_else(|e| panic!("{e:#}\noidc-provider said:\n{}", op.logs()));
        let ours = down.public_url(&format!("/ui/logout/upstream/{PROVIDER}/callback?"));
        assert!(returned.starts_with(&ours), "{returned}");
        let r = b.get(&returned).send().await.expect("logout callback");
        assert_eq!(location_any(&r), format!("{BYE}?state=bye-state"));

        // Both sessions are gone: oidc-provider wants a login, Portcullis shows its page.
        let silent = sign_in(&b, &format!("{at_provider}&prompt=none"), LOGIN)
            .await
            .expect("prompt=none at oidc-provider");
        assert_eq!(
            param(&silent, "error").as_deref(),
            Some("login_required"),
            "{silent}"
        );
        open_login_page(&b, &down, &[]).await;
    })
    .await;
}

/// Follows redirects (resolving relative ones) until one leaves for `prefix`.
async fn follow_until(b: &reqwest::Client, start: &str, prefix: &str) -> String {
    let mut at = url::Url::parse(start).expect("a URL");
    for _ in 0..12 {
        let r = b.get(at.clone()).send().await.expect("request");
        let next = at.join(&location_any(&r)).expect("a Location");
        if next.as_str().starts_with(prefix) {
            return next.into();
        }
        at = next;
    }
    panic!("too many redirects from {start}");
}

async fn cancelling_at_oidc_provider_returns_to_the_login_page_which_says_so(backend: Backend) {
    let Some((op, down)) = servers(backend).await else {
        return;
    };
    bounded(async {
        let b = browser();
        let page = open_login_page(&b, &down, &[]).await;
        let at_provider = press_provider_button(&b, &down, &page, false).await;

        // oidc-provider's login page has a "[ Cancel ]" link to its abort action.
        let r = b.get(&at_provider).send().await.expect("authorize");
        let interaction = url::Url::parse(&at_provider)
            .and_then(|u| u.join(&location_any(&r)))
            .expect("the interaction URL");
        let html = b
            .get(interaction.clone())
            .send()
            .await
            .expect("the login page")
            .text()
            .await
            .expect("HTML");
        let abort = format!("{interaction}/abort");
        assert!(html.contains(&format!("href=\"{abort}\"")), "{html}");
        let back = follow_until(&b, &abort, &callback_url(&down)).await;
        assert_eq!(
            param(&back, "error").as_deref(),
            Some("access_denied"),
            "{back}\n{}",
            op.logs()
        );

        // Portcullis: back to its login page for the same request, with the notice.
        let r = b.get(&back).send().await.expect("callback");
        let to = location_any(&r);
        assert!(to.contains("upstream_notice=cancelled"), "{to}");
        let page = get_page(&b, &to).await;
        assert_eq!(page.status, 200);
        assert!(
            page.html
                .contains("Signing in at the identity provider was cancelled."),
            "{}",
            page.html
        );
        assert!(users(&down).await.is_empty());
    })
    .await;
}
