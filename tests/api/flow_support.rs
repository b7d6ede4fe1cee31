//! A browser with a cookie jar, a client registered over the admin API, and a tiny
//! login/consent app that is just calls to the admin API: enough to drive whole
//! authorization flows over HTTP.

#![allow(dead_code)]

use crate::helpers::TestApp;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const CB: &str = "https://app.example/cb";
pub const STATE: &str = "state-0123456789";

/// A browser: keeps cookies, never follows redirects by itself.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

pub async fn admin(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Answer {
    let mut rb = app.http.request(method, app.admin_url(path));
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    Answer {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

/// Registers a client; `extra` overrides the defaults of a confidential web client.
pub async fn create_client(app: &TestApp, id: &str, extra: Value) -> Value {
    let mut body = json!({
        "client_id": id,
        "client_secret": "a-client-secret-for-tests",
        "redirect_uris": [CB],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code", "id_token", "token id_token", "code id_token"],
        "scope": "openid offline photos.read photos.write",
        "audience": ["https://api.example"],
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let a = admin(app, Method::POST, "/clients", Some(body)).await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    a.body
}

pub fn auth_url(app: &TestApp, client: &str, extra: &str) -> String {
    let cb = url::form_urlencoded::byte_serialize(CB.as_bytes()).collect::<String>();
    app.public_url(&format!(
        "/oauth2/auth?client_id={client}&response_type=code&redirect_uri={cb}&scope=openid+photos.read&state={STATE}{extra}"
    ))
}

pub fn location(r: &reqwest::Response) -> String {
    assert_eq!(r.status(), StatusCode::FOUND, "expected a redirect");
    r.headers()[reqwest::header::LOCATION]
        .to_str()
        .unwrap()
        .to_string()
}

/// A query (or, with `fragment`, fragment) parameter of `url`.
pub fn param(url: &str, name: &str) -> Option<String> {
    let u = url::Url::parse(url).unwrap();
    u.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub fn fragment_param(url: &str, name: &str) -> Option<String> {
    let u = url::Url::parse(url).unwrap();
    let f = u.fragment().unwrap_or("");
    url::form_urlencoded::parse(f.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub async fn visit(browser: &reqwest::Client, url: &str) -> reqwest::Response {
    browser.get(url).send().await.unwrap()
}

/// Visits `url` and returns the `Location` it redirects to.
pub async fn follow(browser: &reqwest::Client, url: &str) -> String {
    location(&visit(browser, url).await)
}

/// Asserts `to` is our login, consent or logout app (the built-in UI or the fallback
/// page, whichever the configuration makes the default).
pub fn assert_ui(app: &TestApp, to: &str, which: &str) {
    let u = url::Url::parse(to).unwrap();
    assert!(to.starts_with(&app.public_url("/")), "{to}");
    assert!(u.path().ends_with(&format!("/{which}")), "{to}");
}

/// Starts a flow: `/oauth2/auth` must send the browser to the login app.
pub async fn start(app: &TestApp, browser: &reqwest::Client, url: &str) -> String {
    let to = follow(browser, url).await;
    assert_ui(app, &to, "login");
    param(&to, "login_challenge").expect("a login challenge")
}

pub async fn login_request(app: &TestApp, challenge: &str) -> Answer {
    admin(
        app,
        Method::GET,
        &format!("/oauth2/auth/requests/login?login_challenge={challenge}"),
        None,
    )
    .await
}

pub async fn consent_request(app: &TestApp, challenge: &str) -> Answer {
    admin(
        app,
        Method::GET,
        &format!("/oauth2/auth/requests/consent?consent_challenge={challenge}"),
        None,
    )
    .await
}

/// PUTs a login/consent decision and returns `redirect_to`.
pub async fn decide(
    app: &TestApp,
    kind: &str,
    action: &str,
    challenge: &str,
    body: Value,
) -> String {
    let a = admin(
        app,
        Method::PUT,
        &format!("/oauth2/auth/requests/{kind}/{action}?{kind}_challenge={challenge}"),
        Some(body),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{kind} {action}: {:?}", a.body);
    a.body["redirect_to"].as_str().unwrap().to_string()
}

/// Returns from the login app: `/oauth2/auth?…&login_verifier` must send the browser to
/// the consent app; returns the consent challenge.
pub async fn to_consent(app: &TestApp, browser: &reqwest::Client, redirect_to: &str) -> String {
    let to = follow(browser, redirect_to).await;
    assert_ui(app, &to, "consent");
    param(&to, "consent_challenge").expect("a consent challenge")
}

pub fn accept_all() -> Value {
    json!({"grant_scope": ["openid", "photos.read"], "grant_access_token_audience": []})
}

/// A whole flow: log in as `subject` (`remember` as given), grant everything, and
/// return the final redirect to the client.
pub async fn full_flow(
    app: &TestApp,
    browser: &reqwest::Client,
    url: &str,
    subject: &str,
    remember: bool,
) -> String {
    let login = start(app, browser, url).await;
    let to = decide(
        app,
        "login",
        "accept",
        &login,
        json!({"subject": subject, "remember": remember, "remember_for": 3600}),
    )
    .await;
    let consent = to_consent(app, browser, &to).await;
    let to = decide(app, "consent", "accept", &consent, accept_all()).await;
    follow(browser, &to).await
}

/// Asserts a successful code response at the client's redirect URI.
pub fn assert_code(app: &TestApp, to: &str) -> String {
    assert!(to.starts_with(CB), "{to}");
    assert_eq!(param(to, "state").as_deref(), Some(STATE));
    assert_eq!(
        param(to, "iss").as_deref(),
        Some(app.public_url("/").as_str())
    );
    assert!(param(to, "error").is_none(), "{to}");
    let code = param(to, "code").expect("a code");
    assert!(code.starts_with("ptc_ac_"));
    code
}

/// Asserts an error response at the client's redirect URI.
pub fn assert_client_error(app: &TestApp, to: &str, error: &str) {
    assert!(to.starts_with(CB), "{to}");
    assert_eq!(param(to, "error").as_deref(), Some(error), "{to}");
    assert_eq!(param(to, "state").as_deref(), Some(STATE));
    assert_eq!(
        param(to, "iss").as_deref(),
        Some(app.public_url("/").as_str())
    );
    assert!(param(to, "code").is_none());
}

/// Asserts the browser was sent to the error page, not to any client.
pub fn assert_error_page(app: &TestApp, to: &str, error: &str) {
    assert!(
        to.starts_with(&app.public_url("/oauth2/fallbacks/error?")),
        "{to}"
    );
    assert_eq!(param(to, "error").as_deref(), Some(error), "{to}");
}

pub async fn sql(app: &TestApp, query: &str) {
    use sqlx::Connection;
    if app.dsn.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(&app.dsn).await.unwrap();
        sqlx::query(query).execute(&mut c).await.unwrap();
    } else {
        let mut c = sqlx::SqliteConnection::connect(&app.dsn).await.unwrap();
        sqlx::query(query).execute(&mut c).await.unwrap();
    }
}

/// A single integer from the app's database.
pub async fn count(app: &TestApp, query: &str) -> i64 {
    use sqlx::Connection;
    if app.dsn.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(&app.dsn).await.unwrap();
        sqlx::query_scalar(query).fetch_one(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::SqliteConnection::connect(&app.dsn).await.unwrap();
        sqlx::query_scalar(query).fetch_one(&mut c).await.unwrap()
    }
}

pub fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

pub fn unb64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

/// A new ES256 key in the ID token set (it signs from now on): its kid and key pair.
pub async fn id_token_key(app: &TestApp) -> (String, p256::ecdsa::SigningKey) {
    let a = admin(
        app,
        Method::POST,
        "/keys/hydra.openid.id-token",
        Some(json!({"alg": "ES256", "use": "sig", "kid": "hint"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    let private = a.body["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k.get("d").is_some())
        .unwrap()
        .clone();
    let key = p256::ecdsa::SigningKey::from_slice(&unb64(private["d"].as_str().unwrap())).unwrap();
    let jwks: Value = app
        .http
        .get(app.public_url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kid = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["x"] == private["x"])
        .map(|k| k["kid"].as_str().unwrap().to_string())
        .unwrap();
    (kid, key)
}

pub fn sign(kid: &str, key: &p256::ecdsa::SigningKey, claims: &Value) -> String {
    let header = json!({"alg": "ES256", "kid": kid, "typ": "JWT"});
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let sig: p256::ecdsa::Signature = key.sign(input.as_bytes());
    format!("{input}.{}", b64(&sig.to_bytes()))
}

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
