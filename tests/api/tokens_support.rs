//! Shared helpers of the token tests: clients, token requests, seeded authorization
//! codes (written straight into the database, so these tests do not depend on the
//! browser flow), and independent JWT verification with `jsonwebtoken`.

#![allow(dead_code)]

use crate::helpers::{Backend, TestApp, TEST_SECRET};
use base64::Engine;
use portcullis::crypto::handle::{Kind, Minted};
use portcullis::crypto::SystemKeys;
use portcullis::secret::Secret;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or("")
    }
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
        text,
    }
}

/// Creates a client through the admin API; returns its id and secret (if any).
pub async fn create_client(app: &TestApp, body: Value) -> (String, String) {
    let r = app
        .http
        .post(app.admin_url("/clients"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let a = answer(r).await;
    assert_eq!(a.status, 201, "{}", a.text);
    (
        a.body["client_id"].as_str().unwrap().to_string(),
        a.body["client_secret"].as_str().unwrap_or("").to_string(),
    )
}

/// A confidential client allowed every grant, with `openid offline_access` and more.
pub async fn full_client(app: &TestApp, id: &str, extra: Value) -> (String, String) {
    let mut body = json!({
        "client_id": id,
        "grant_types": ["authorization_code", "refresh_token", "client_credentials"],
        "response_types": ["code", "id_token", "code id_token"],
        "scope": "openid offline_access offline profile email photos.*",
        "audience": ["https://api.example.com"],
        "redirect_uris": ["https://app.example.com/cb"],
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    create_client(app, body).await
}

pub fn basic(id: &str, secret: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", enc(id), enc(secret)))
    )
}

pub async fn token_request(app: &TestApp, auth: Option<String>, form: &[(&str, &str)]) -> Answer {
    let mut req = app.http.post(app.public_url("/oauth2/token")).form(form);
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    answer(req.send().await.unwrap()).await
}

pub async fn client_credentials(app: &TestApp, id: &str, secret: &str, scope: &str) -> Answer {
    token_request(
        app,
        Some(basic(id, secret)),
        &[("grant_type", "client_credentials"), ("scope", scope)],
    )
    .await
}

pub async fn introspect(app: &TestApp, token: &str, scope: Option<&str>) -> Answer {
    let mut form = vec![("token", token)];
    if let Some(s) = scope {
        form.push(("scope", s));
    }
    answer(
        app.http
            .post(app.admin_url("/oauth2/introspect"))
            .form(&form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

pub async fn is_active(app: &TestApp, token: &str) -> bool {
    let a = introspect(app, token, None).await;
    assert_eq!(a.status, 200, "{}", a.text);
    a.body["active"].as_bool().unwrap()
}

pub async fn revoke(app: &TestApp, id: &str, secret: &str, token: &str) -> Answer {
    answer(
        app.http
            .post(app.public_url("/oauth2/revoke"))
            .header("Authorization", basic(id, secret))
            .form(&[("token", token)])
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// What a seeded authorization code grants.
pub struct CodeSeed<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scope: &'a [&'a str],
    pub audience: &'a [&'a str],
    pub subject: &'a str,
    pub obfuscated_subject: &'a str,
    pub challenge: &'a str,
    pub method: &'a str,
    pub nonce: &'a str,
    pub id_token_extra: Value,
    pub access_token_extra: Value,
    pub expires_in: i64,
}

impl Default for CodeSeed<'_> {
    fn default() -> Self {
        CodeSeed {
            client_id: "app",
            redirect_uri: "https://app.example.com/cb",
            scope: &["openid", "offline_access", "profile"],
            audience: &[],
            subject: "alice",
            obfuscated_subject: "",
            challenge: "",
            method: "",
            nonce: "nonce-1234567",
            id_token_extra: json!({"email": "alice@example.com"}),
            access_token_extra: json!({"tenant": "blue"}),
            expires_in: 600,
        }
    }
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A SQLite DSN without the server's own parameters (`cache_tokens=0`, …).
pub fn sqlite_path(dsn: &str) -> &str {
    dsn.split('?').next().unwrap_or(dsn)
}

/// Runs one statement against the app's database.
pub async fn execute(app: &TestApp, backend: Backend, sql: &str, binds: &[String]) {
    use sqlx::Connection;
    match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(sqlite_path(&app.dsn))
                .await
                .unwrap();
            let mut q = sqlx::query(sql);
            for b in binds {
                q = q.bind(b);
            }
            q.execute(&mut c).await.unwrap();
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&app.dsn).await.unwrap();
            let mut q = sqlx::query(sql);
            for b in binds {
                q = q.bind(b);
            }
            q.execute(&mut c).await.unwrap();
        }
    }
}

/// Counts the rows of `table`.
pub async fn count(app: &TestApp, backend: Backend, table: &str) -> i64 {
    use sqlx::Connection;
    let sql = format!("SELECT COUNT(*) FROM {table}");
    match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(sqlite_path(&app.dsn))
                .await
                .unwrap();
            sqlx::query_scalar(&sql).fetch_one(&mut c).await.unwrap()
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&app.dsn).await.unwrap();
            sqlx::query_scalar(&sql).fetch_one(&mut c).await.unwrap()
        }
    }
}

/// Writes an authorization code the way the authorization endpoint would, and returns
/// the code value to redeem.
pub async fn seed_code(app: &TestApp, backend: Backend, s: CodeSeed<'_>) -> String {
    let keys = SystemKeys::derive(&[Secret::new(TEST_SECRET)]);
    let m = Minted::new(Kind::AuthorizeCode, &keys);
    let now = now();
    let list = |xs: &[&str]| serde_json::to_string(xs).unwrap();
    let sql = format!(
        "INSERT INTO oauth2_authorize_codes (signature, request_id, client_id, redirect_uri, \
         requested_scope, granted_scope, granted_audience, subject, obfuscated_subject, session_id, \
         auth_time, acr, amr, nonce, code_challenge, code_challenge_method, session_access_token, \
         session_id_token, requested_at, expires_at, used) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
         $9, $10, {a}, $11, $12, $13, $14, $15, $16, $17, {r}, {e}, FALSE)",
        a = now - 30,
        r = now - 40,
        e = now + s.expires_in
    );
    let binds = vec![
        m.signature.clone(),
        format!("req-{}", uuid::Uuid::new_v4()),
        s.client_id.to_string(),
        s.redirect_uri.to_string(),
        list(s.scope),
        list(s.scope),
        list(s.audience),
        s.subject.to_string(),
        s.obfuscated_subject.to_string(),
        "sid-1".to_string(),
        "urn:acr:password".to_string(),
        "[\"pwd\",\"otp\"]".to_string(),
        s.nonce.to_string(),
        s.challenge.to_string(),
        s.method.to_string(),
        s.access_token_extra.to_string(),
        s.id_token_extra.to_string(),
    ];
    execute(app, backend, &sql, &binds).await;
    m.value.expose().to_string()
}

pub async fn redeem(
    app: &TestApp,
    id: &str,
    secret: &str,
    code: &str,
    extra: &[(&str, &str)],
) -> Answer {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", "https://app.example.com/cb"),
    ];
    form.extend_from_slice(extra);
    token_request(app, Some(basic(id, secret)), &form).await
}

pub async fn refresh(
    app: &TestApp,
    id: &str,
    secret: &str,
    rt: &str,
    extra: &[(&str, &str)],
) -> Answer {
    let mut form = vec![("grant_type", "refresh_token"), ("refresh_token", rt)];
    form.extend_from_slice(extra);
    token_request(app, Some(basic(id, secret)), &form).await
}

/// Verifies a JWT against the server's published JWKS with `jsonwebtoken`, checking the
/// signature, `iss`, `aud` and `exp`; returns the claims.
pub async fn verify_jwt(app: &TestApp, jwt: &str, audience: Option<&str>) -> Value {
    use jsonwebtoken::jwk::JwkSet;
    use jsonwebtoken::{decode, decode_header, DecodingKey, Validation};
    let jwks: JwkSet = app
        .http
        .get(app.public_url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = decode_header(jwt).unwrap();
    let kid = header.kid.clone().expect("the JWT names its key");
    let jwk = jwks.find(&kid).expect("the kid is published");
    let key = DecodingKey::from_jwk(jwk).unwrap();
    let mut v = Validation::new(header.alg);
    match audience {
        Some(a) => v.set_audience(&[a]),
        None => v.validate_aud = false,
    }
    v.set_issuer(&[format!("{}/", app.public)]);
    // `exp` is checked when present; signed userinfo responses have none.
    v.set_required_spec_claims(&["iss"]);
    decode::<Value>(jwt, &key, &v).unwrap().claims
}

/// OpenID Connect `at_hash` / `c_hash` for RS256, computed independently.
pub fn half_hash(value: &str) -> String {
    use sha2_free::sha256;
    let d = sha256(value.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&d[..16])
}

mod sha2_free {
    /// SHA-256 through AWS-LC (the server uses the jwk module's own code path).
    pub fn sha256(data: &[u8]) -> Vec<u8> {
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data)
            .as_ref()
            .to_vec()
    }
}

/// Redeems a fresh default code for `id`; returns its access and refresh token.
pub async fn first_pair(
    app: &crate::helpers::TestApp,
    backend: Backend,
    id: &str,
    secret: &str,
) -> (String, String) {
    let code = seed_code(app, backend, CodeSeed::default()).await;
    let a = redeem(app, id, secret, &code, &[]).await;
    assert_eq!(a.status, 200, "{}", a.text);
    (
        a.body["access_token"].as_str().unwrap().to_string(),
        a.body["refresh_token"].as_str().unwrap().to_string(),
    )
}
