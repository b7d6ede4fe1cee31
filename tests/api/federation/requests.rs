//! What the server under test sends the provider, as the fake recorded it: the
//! authorization request (protocol parameters, PKCE, static and forwarded parameters)
//! and the token request (the PKCE verifier, each client authentication method).

use super::fake_support::*;
use super::fake_upstream::{ClientAuth, FakeUpstreamConfig, RecordedRequest};
use super::support::*;
use crate::flow_support::{browser, param};
use crate::helpers::Backend;
use crate::on_both_backends;
use base64::Engine;
use portcullis::config::UpstreamProvider;

on_both_backends!(
    the_authorization_request_carries_every_protocol_parameter_and_the_token_request_the_verifier,
    static_parameters_come_first_and_listed_client_parameters_are_forwarded,
    client_secret_basic_sends_form_encoded_credentials_in_the_header,
    client_secret_post_sends_the_secret_in_the_body,
    a_public_client_sends_only_its_client_id,
    without_pkce_neither_the_challenge_nor_the_verifier_is_sent,
);

fn keys(r: &RecordedRequest) -> Vec<&str> {
    r.query.iter().map(|(k, _)| k.as_str()).collect()
}

fn b64url_sha256(s: &str) -> String {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, s.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(d.as_ref())
}

async fn the_authorization_request_carries_every_protocol_parameter_and_the_token_request_the_verifier(
    backend: Backend,
) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    let b = browser();
    // The client asks for prompt and login_hint, which this provider does not forward.
    let at = to_provider(&b, &down, &[("prompt", "login"), ("login_hint", "x@y.z")]).await;
    let back = at_fake(&b, &fake, &at).await;
    let done = finish_at_downstream(&b, &down, &back).await;
    assert!(done.starts_with(crate::flow_support::CB), "{done}");

    let auth = &fake.authorize_requests()[0];
    assert_eq!(
        keys(auth),
        [
            "response_type",
            "client_id",
            "redirect_uri",
            "scope",
            "state",
            "nonce",
            "code_challenge",
            "code_challenge_method"
        ]
    );
    let q = |k: &str| auth.query_param(k).unwrap().to_string();
    assert_eq!(q("response_type"), "code");
    assert_eq!(q("client_id"), FAKE_CLIENT);
    assert_eq!(q("redirect_uri"), callback_url(&down));
    assert_eq!(q("scope"), "openid email profile groups");
    assert_eq!(q("code_challenge_method"), "S256");
    // 256-bit random values, base64url: 43 characters each.
    for k in ["state", "nonce", "code_challenge"] {
        assert!(q(k).len() >= 43, "{k}: {}", q(k));
    }
    assert_ne!(q("state"), q("nonce"));
    assert_eq!(param(&back, "state"), Some(q("state")));

    let token = &fake.token_requests()[0];
    let f = |k: &str| token.form_param(k).map(str::to_string);
    assert_eq!(f("grant_type").as_deref(), Some("authorization_code"));
    assert_eq!(f("code"), param(&back, "code"));
    assert_eq!(f("redirect_uri"), Some(callback_url(&down)));
    let verifier = f("code_verifier").expect("a code_verifier");
    assert_eq!(b64url_sha256(&verifier), q("code_challenge"));
}

async fn static_parameters_come_first_and_listed_client_parameters_are_forwarded(backend: Backend) {
    let def = |d: &mut UpstreamProvider| {
        d.auth_query_params = [
            ("audience", vec!["https://api.example/a b&c"]),
            ("bare", vec![]),
            ("multi", vec!["1", "2"]),
            ("login_hint", vec!["static@example.org"]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
        .collect();
        d.forward_params = vec!["prompt".into(), "login_hint".into()];
    };
    let Some((fake, down)) = with_fake(backend, fake_config(), def, |_| {}).await else {
        return;
    };
    let b = browser();
    let client_params = [
        ("prompt", "login"),
        ("login_hint", "client@example.org"),
        ("ui_locales", "de"),
    ];
    let at = to_provider(&b, &down, &client_params).await;

    // Keys in byte order, a bare key, a repeated key, form encoding; then the protocol.
    let expected_start = format!(
        "{}?audience=https%3A%2F%2Fapi.example%2Fa+b%26c&bare&login_hint=static%40example.org\
         &multi=1&multi=2&response_type=code&client_id={FAKE_CLIENT}&",
        fake.authorization_endpoint()
    );
    assert!(at.starts_with(&expected_start), "{at}");
    // The listed prompt is forwarded, last; the static login_hint wins; ui_locales is
    // not listed.
    assert!(
        at.ends_with("&code_challenge_method=S256&prompt=login"),
        "{at}"
    );

    // The provider accepts it, and the sign-in completes.
    let back = at_fake(&b, &fake, &at).await;
    finish_at_downstream(&b, &down, &back).await;
    let auth = &fake.authorize_requests()[0];
    let all = |k: &str| -> Vec<&str> {
        auth.query
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    assert_eq!(all("audience"), ["https://api.example/a b&c"]);
    assert_eq!(all("bare"), [""]);
    assert_eq!(all("multi"), ["1", "2"]);
    assert_eq!(all("login_hint"), ["static@example.org"]);
    assert_eq!(all("prompt"), ["login"]);
    assert!(all("ui_locales").is_empty());
}

/// Signs in through a fake that requires `auth` (with these client credentials) and
/// returns the token request it received.
async fn token_request(
    backend: Backend,
    auth: ClientAuth,
    client_id: &str,
    secret: &str,
    def: impl FnOnce(&mut UpstreamProvider),
) -> Option<RecordedRequest> {
    let cfg = FakeUpstreamConfig {
        client_auth: auth,
        client_id: client_id.into(),
        client_secret: secret.into(),
        ..fake_config()
    };
    let (fake, down) = with_fake(backend, cfg, def, |_| {}).await?;
    // The fake refuses any other authentication: a completed sign-in proves it matched.
    sign_in_fake(&down, &fake).await;
    assert_eq!(users(&down).await.len(), 1);
    Some(fake.token_requests().remove(0))
}

async fn client_secret_basic_sends_form_encoded_credentials_in_the_header(backend: Backend) {
    let (id, secret) = ("portcullis:down", "s3cr%t+&ä/ x");
    let Some(req) = token_request(backend, ClientAuth::Basic, id, secret, |_| {}).await else {
        return;
    };
    // RFC 6749 §2.3.1: each part form-urlencoded, then joined and base64-encoded.
    let joined = "portcullis%3Adown:s3cr%25t%2B%26%C3%A4%2F+x";
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(joined)
    );
    assert_eq!(req.header("authorization"), Some(expected.as_str()));
    assert_eq!(req.form_param("client_secret"), None);
}

async fn client_secret_post_sends_the_secret_in_the_body(backend: Backend) {
    let Some(req) = token_request(backend, ClientAuth::Post, FAKE_CLIENT, FAKE_SECRET, |d| {
        d.authentication_method = "client_secret_post".into()
    })
    .await
    else {
        return;
    };
    assert_eq!(req.header("authorization"), None);
    assert_eq!(req.form_param("client_id"), Some(FAKE_CLIENT));
    assert_eq!(req.form_param("client_secret"), Some(FAKE_SECRET));
}

async fn a_public_client_sends_only_its_client_id(backend: Backend) {
    let Some(req) = token_request(backend, ClientAuth::None, FAKE_CLIENT, "", |d| {
        d.authentication_method = "none".into();
        d.client_secret = None;
    })
    .await
    else {
        return;
    };
    assert_eq!(req.header("authorization"), None);
    assert_eq!(req.form_param("client_id"), Some(FAKE_CLIENT));
    assert_eq!(req.form_param("client_secret"), None);
    assert!(req.form_param("code_verifier").is_some());
}

async fn without_pkce_neither_the_challenge_nor_the_verifier_is_sent(backend: Backend) {
    let cfg = FakeUpstreamConfig {
        require_pkce: false,
        ..fake_config()
    };
    let Some((fake, down)) = with_fake(backend, cfg, |d| d.pkce = "none".into(), |_| {}).await
    else {
        return;
    };
    sign_in_fake(&down, &fake).await;
    let auth = &fake.authorize_requests()[0];
    assert!(auth.query_param("code_challenge").is_none());
    assert!(auth.query_param("code_challenge_method").is_none());
    assert!(auth.query_param("nonce").is_some());
    assert!(fake.token_requests()[0]
        .form_param("code_verifier")
        .is_none());
}
