//! Helpers of the implicit and hybrid flow tests: a client registered for every response
//! type, the authorization URL, a login/consent round trip, and the checks an ID token
//! and an access token from the authorization endpoint must pass.

#![allow(dead_code)]

use crate::flow_support::{browser, decide, start, to_consent, visit, CB, STATE};
use crate::helpers::TestApp;
use crate::tokens_support::{answer, basic, introspect, token_request, verify_jwt};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub const SECRET: &str = "a-client-secret-for-tests";
pub const NONCE: &str = "nonce-0123456789";
pub const ALL_TYPES: [&str; 7] = [
    "code",
    "token",
    "id_token",
    "id_token token",
    "code id_token",
    "code token",
    "code id_token token",
];

/// A confidential client registered for every response type, with `implicit`.
pub async fn implicit_client(app: &TestApp, id: &str, extra: Value) {
    let mut body = json!({
        "grant_types": ["authorization_code", "implicit", "refresh_token"],
        "response_types": ALL_TYPES,
        "scope": "openid offline photos.read photos.write",
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    crate::flow_support::create_client(app, id, body).await;
}

/// `/oauth2/auth` for `response_type` (words separated by spaces) with `nonce` and
/// `extra` appended.
pub fn url(app: &TestApp, client: &str, response_type: &str, extra: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    app.public_url(&format!(
        "/oauth2/auth?client_id={client}&response_type={}&redirect_uri={}&scope=openid+offline+photos.read&state={STATE}&nonce={NONCE}{extra}",
        enc(response_type),
        enc(CB)
    ))
}

/// What the consent app grants: `offline` too, so the absence of refresh tokens means
/// something.
pub fn grant() -> Value {
    json!({
        "grant_scope": ["openid", "offline", "photos.read"],
        "session": {"id_token": {"email": "alice@example.com"}, "access_token": {"tier": "gold"}},
    })
}

/// Logs in as alice, accepts `consent`, and returns the final answer to the browser.
pub async fn authorize(app: &TestApp, url: &str, consent: Value) -> reqwest::Response {
    let b = browser();
    let login = start(app, &b, url).await;
    let to = decide(
        app,
        "login",
        "accept",
        &login,
        json!({"subject": "alice", "acr": "urn:pwd"}),
    )
    .await;
    let challenge = to_consent(app, &b, &to).await;
    let to = decide(app, "consent", "accept", &challenge, consent).await;
    visit(&b, &to).await
}

/// The fragment of a successful redirect to the client, with no query at all.
pub fn fragment(r: &reqwest::Response) -> BTreeMap<String, String> {
    let to = crate::flow_support::location(r);
    assert!(to.starts_with(&format!("{CB}#")), "{to}");
    let u = url::Url::parse(&to).unwrap();
    assert!(u.query().is_none(), "nothing in the query: {to}");
    url::form_urlencoded::parse(u.fragment().unwrap().as_bytes())
        .into_owned()
        .collect()
}

/// Runs a flow for `response_type` and checks the fragment has exactly `keys` (besides
/// `state` and `iss`, which every response has).
pub async fn flow(app: &TestApp, response_type: &str, keys: &[&str]) -> BTreeMap<String, String> {
    let r = authorize(app, &url(app, "app", response_type, ""), grant()).await;
    let f = fragment(&r);
    assert_eq!(f["state"], STATE);
    assert_eq!(f["iss"], app.public_url("/"));
    let mut want: Vec<&str> = keys.iter().copied().chain(["state", "iss"]).collect();
    want.sort();
    assert_eq!(
        f.keys().map(String::as_str).collect::<Vec<_>>(),
        want,
        "{f:?}"
    );
    if keys.contains(&"access_token") {
        assert_eq!(f["token_type"], "bearer");
        assert_eq!(f["expires_in"], "3600");
        assert!(f["access_token"].starts_with("ptc_at_") || f["access_token"].contains('.'));
    }
    if keys.contains(&"scope") {
        assert_eq!(f["scope"], "openid offline photos.read");
    }
    if keys.contains(&"code") {
        assert!(f["code"].starts_with("ptc_ac_"));
    }
    f
}

/// Verifies an ID token from the authorization endpoint; returns its claims.
pub async fn id_token(app: &TestApp, jwt: &str) -> Value {
    let c = verify_jwt(app, jwt, Some("app")).await;
    assert_eq!(c["sub"], "alice");
    assert_eq!(c["nonce"], NONCE);
    assert_eq!(c["acr"], "urn:pwd");
    assert_eq!(c["email"], "alice@example.com");
    assert!(c["sid"].as_str().is_some_and(|s| !s.is_empty()));
    c
}

/// The access token is stored like one from the token endpoint.
pub async fn assert_usable(app: &TestApp, token: &str) {
    let i = introspect(app, token, None).await.body;
    assert_eq!(i["active"], true, "{i}");
    assert_eq!(i["sub"], "alice");
    assert_eq!(i["client_id"], "app");
    assert_eq!(i["scope"], "openid offline photos.read");
    assert_eq!(i["ext"]["tier"], "gold");
    let u = answer(
        app.http
            .get(app.public_url("/userinfo"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(u.status, 200, "{}", u.text);
    assert_eq!(u.body["sub"], "alice");
    assert_eq!(u.body["email"], "alice@example.com");
}

pub async fn no_refresh_tokens(app: &TestApp) {
    let n = crate::flow_support::count(app, "SELECT COUNT(*) FROM oauth2_refresh_tokens").await;
    assert_eq!(
        n, 0,
        "the authorization endpoint never issues refresh tokens"
    );
}

/// Redeems `code` at the token endpoint.
pub async fn redeem(app: &TestApp, code: &str) -> crate::tokens_support::Answer {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", CB),
    ];
    token_request(app, Some(basic("app", SECRET)), &form).await
}

/// The code redeems once, for tokens of the same grant; a second try fails and revokes
/// them.
pub async fn redeems_once(app: &TestApp, code: &str) {
    let a = redeem(app, code).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let claims = verify_jwt(app, a.body["id_token"].as_str().unwrap(), Some("app")).await;
    assert_eq!(claims["nonce"], NONCE);
    assert!(claims.get("c_hash").is_none());
    let at = a.body["access_token"].as_str().unwrap();
    assert_usable(app, at).await;
    let again = redeem(app, code).await;
    assert_eq!(
        (again.status.as_u16(), again.error()),
        (400, "invalid_grant")
    );
}
