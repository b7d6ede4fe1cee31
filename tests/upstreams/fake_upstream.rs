//! A small, fault-injecting OpenID Provider for the upstream-login tests: Portcullis is
//! the relying party, this is the upstream it signs people in through.
//!
//! `FakeUpstream::start(config).await` binds `127.0.0.1:0` and serves, from an axum
//! router on a tokio task that is aborted when the handle is dropped:
//!
//! | path                                  | what                                          |
//! | ------------------------------------- | --------------------------------------------- |
//! | `GET /.well-known/openid-configuration` | discovery                                   |
//! | `GET /jwks`                           | the published public keys                     |
//! | `GET /authorize`                      | no login page: 302 straight back with a code  |
//! | `POST /token`                         | authorization_code + PKCE S256 → ID token     |
//! | `GET\|POST /userinfo`                  | Bearer access token → claims                  |
//! | `GET\|POST /logout`                    | end_session: 302 to post_logout_redirect_uri  |
//!
//! All paths sit under `config.issuer_path` (e.g. `/realms/test`), the issuer being
//! `http://127.0.0.1:<port><issuer_path>` unless `config.issuer` overrides it.
//!
//! Faults: [`FakeUpstream::set_fault`] changes every later token (and userinfo)
//! response until it is set back to [`Fault::None`]; [`FakeUpstream::set_authorize_fault`]
//! changes the NEXT authorization response only; [`FakeUpstream::set_discovery_broken`]
//! makes discovery answer 503 until it is turned off again. Every request to `/authorize`,
//! `/token`, `/userinfo` and `/logout` is recorded for assertions, including those
//! that were rejected.
//!
//! Everything here is meant for tests: a failure to bind or to generate a key panics
//! with a message, while whatever a relying party sends is answered, never panicked on.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Map, Value};
use url::Url;

/// The redirect URI of [`FakeUpstreamConfig::default`] (port 9: discard, never listened on).
pub const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1:9/callback";
/// The issuer put into ID tokens under [`Fault::WrongIssuer`] and into the `iss`
/// authorization response parameter under [`AuthorizeFault::WrongIss`].
pub const WRONG_ISSUER: &str = "https://wrong-issuer.invalid";
/// The audience of ID tokens under [`Fault::WrongAudience`].
pub const WRONG_AUDIENCE: &str = "some-other-client";
/// The size of the padding added to the token response under [`Fault::Oversized`].
pub const OVERSIZED_BYTES: usize = 8 * 1024 * 1024;
/// How long an authorization code stays valid.
pub const CODE_LIFETIME: Duration = Duration::from_secs(120);

/// The person who "signs in" at the upstream. Every field but `sub` is optional in the
/// claims: `None` leaves the claim out, and `extra` adds (or overrides) any claim.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub sub: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub name: Option<String>,
    /// Always present in the claims, as an array (possibly empty).
    pub groups: Vec<String>,
    /// Further claims, in the ID token and at userinfo; they win over the fields above.
    pub extra: Map<String, Value>,
}

impl User {
    /// `sub`, email `<sub>@example.org` (verified), name `User <sub>`, no groups.
    pub fn new(sub: &str) -> Self {
        User {
            sub: sub.to_owned(),
            email: Some(format!("{sub}@example.org")),
            email_verified: Some(true),
            name: Some(format!("User {sub}")),
            groups: Vec::new(),
            extra: Map::new(),
        }
    }

    pub fn with_email(mut self, email: Option<&str>, verified: Option<bool>) -> Self {
        self.email = email.map(str::to_owned);
        self.email_verified = verified;
        self
    }

    pub fn with_name(mut self, name: Option<&str>) -> Self {
        self.name = name.map(str::to_owned);
        self
    }

    pub fn with_groups(mut self, groups: &[&str]) -> Self {
        self.groups = groups.iter().map(|g| (*g).to_owned()).collect();
        self
    }

    pub fn with_claim(mut self, name: &str, value: Value) -> Self {
        self.extra.insert(name.to_owned(), value);
        self
    }

    /// The user's claims as the ID token and userinfo carry them.
    pub fn claims(&self) -> Map<String, Value> {
        let mut c = Map::new();
        c.insert("sub".into(), json!(self.sub));
        if let Some(email) = &self.email {
            c.insert("email".into(), json!(email));
        }
        if let Some(verified) = self.email_verified {
            c.insert("email_verified".into(), json!(verified));
        }
        if let Some(name) = &self.name {
            c.insert("name".into(), json!(name));
        }
        c.insert("groups".into(), json!(self.groups));
        for (k, v) in &self.extra {
            c.insert(k.clone(), v.clone());
        }
        c
    }
}

impl Default for User {
    fn default() -> Self {
        User::new("alice")
    }
}

/// How the client must authenticate at the token endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_secret_basic`: HTTP Basic with both parts form-urlencoded (RFC 6749 §2.3.1).
    Basic,
    /// `client_secret_post`: `client_id` and `client_secret` in the form.
    Post,
    /// `none`: a public client, `client_id` in the form and no secret.
    None,
}

impl ClientAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuth::Basic => "client_secret_basic",
            ClientAuth::Post => "client_secret_post",
            ClientAuth::None => "none",
        }
    }
}

/// The algorithm ID tokens are signed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigningAlg {
    Rs256,
    Es256,
}

impl SigningAlg {
    pub fn algorithm(self) -> Algorithm {
        match self {
            SigningAlg::Rs256 => Algorithm::RS256,
            SigningAlg::Es256 => Algorithm::ES256,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlg::Rs256 => "RS256",
            SigningAlg::Es256 => "ES256",
        }
    }
}

#[derive(Clone, Debug)]
pub struct FakeUpstreamConfig {
    /// The issuer everywhere (discovery, `iss` parameter, ID tokens); `None`:
    /// `http://127.0.0.1:<port><issuer_path>`. The endpoints stay on the real address.
    pub issuer: Option<String>,
    /// A path prefix for every endpoint, like `/realms/test` (empty: none).
    pub issuer_path: String,
    pub client_id: String,
    /// Ignored with [`ClientAuth::None`].
    pub client_secret: String,
    pub client_auth: ClientAuth,
    /// `redirect_uri` must equal one of these exactly (more can be added after the
    /// start with [`FakeUpstream::add_redirect_uri`], for a relying party whose port is
    /// only known once it runs).
    pub redirect_uris: Vec<String>,
    /// Allowed `post_logout_redirect_uri`s; empty: any is accepted.
    pub post_logout_redirect_uris: Vec<String>,
    /// RFC 9207: advertise `authorization_response_iss_parameter_supported` and send
    /// `iss` with every authorization response.
    pub iss_parameter_supported: bool,
    /// Serve (and advertise) `/logout` as `end_session_endpoint`.
    pub end_session_endpoint: bool,
    /// Serve (and advertise) `/userinfo`.
    pub userinfo_endpoint: bool,
    /// Require `code_challenge` with `code_challenge_method=S256` at /authorize.
    pub require_pkce: bool,
    pub signing_alg: SigningAlg,
    /// `expires_in` of access tokens and the ID token's `exp - iat`.
    pub token_lifetime: Duration,
    /// Who signs in until [`FakeUpstream::set_next_user`] says otherwise.
    pub user: User,
}

impl Default for FakeUpstreamConfig {
    fn default() -> Self {
        FakeUpstreamConfig {
            issuer: None,
            issuer_path: String::new(),
            client_id: "portcullis".into(),
            client_secret: "upstream-secret".into(),
            client_auth: ClientAuth::Basic,
            redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
            post_logout_redirect_uris: Vec::new(),
            iss_parameter_supported: true,
            end_session_endpoint: true,
            userinfo_endpoint: true,
            require_pkce: true,
            signing_alg: SigningAlg::Rs256,
            token_lifetime: Duration::from_secs(300),
            user: User::default(),
        }
    }
}

impl FakeUpstreamConfig {
    /// The default configuration for one client.
    pub fn for_client(client_id: &str, client_secret: &str, redirect_uris: &[&str]) -> Self {
        FakeUpstreamConfig {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uris: redirect_uris.iter().map(|u| (*u).to_owned()).collect(),
            ..Default::default()
        }
    }
}

/// Token-endpoint (and userinfo) faults; each applies to every later response until
/// `set_fault(Fault::None)`. The request is still fully validated (client, code, PKCE)
/// before the fault shapes the answer, so the code is consumed.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    None,
    /// ID token `iss` is [`WRONG_ISSUER`].
    WrongIssuer,
    /// ID token `aud` is `[WRONG_AUDIENCE]`.
    WrongAudience,
    /// ID token `nonce` is not the one from the authorization request (and is present
    /// even when none was sent).
    WrongNonce,
    /// ID token `exp` an hour ago (`iat` two hours ago).
    Expired,
    /// An unsigned ID token: header `{"alg":"none","typ":"JWT"}`, empty signature.
    AlgNone,
    /// ID token signed with a fresh key whose kid is NOT in /jwks until
    /// [`FakeUpstream::publish_pending_key`] publishes it.
    SignWithUnpublishedKey,
    /// A successful token response without `id_token`.
    MissingIdToken,
    /// HTTP 500 with a JSON `server_error` body.
    Status500,
    /// The token response (otherwise normal) is sent after this delay.
    Slow(Duration),
    /// A normal token response padded to more than [`OVERSIZED_BYTES`].
    Oversized,
    /// HTTP 200, `application/json`, but the body is cut-off JSON.
    BadJson,
    /// HTTP 400 with this OAuth `error` code.
    TokenError(String),
    /// Token responses are normal; userinfo answers with another `sub`.
    UserinfoSubMismatch,
}

/// Authorization-endpoint faults, for the NEXT authorization response only (once the
/// request passed client_id/redirect_uri validation, so the answer is a redirect).
#[derive(Clone, Debug, PartialEq)]
pub enum AuthorizeFault {
    /// Redirect back with `error` (and `error_description`) instead of a code.
    Error {
        error: String,
        description: Option<String>,
    },
    /// No `iss` parameter, even with RFC 9207 support on.
    OmitIss,
    /// `iss` is [`WRONG_ISSUER`] (sent even with RFC 9207 support off).
    WrongIss,
    /// No `state` parameter.
    OmitState,
    /// `state` is altered (`tampered-` is prepended; just `tampered` if none was sent).
    WrongState,
}

impl AuthorizeFault {
    pub fn error(error: &str) -> Self {
        AuthorizeFault::Error {
            error: error.into(),
            description: Some(format!("fake upstream says {error}")),
        }
    }

    pub fn access_denied() -> Self {
        Self::error("access_denied")
    }

    pub fn login_required() -> Self {
        Self::error("login_required")
    }
}

/// One request as the fake upstream received it.
#[derive(Clone, Debug, Default)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// Decoded query parameters, in order, duplicates kept.
    pub query: Vec<(String, String)>,
    /// Header names are lowercase.
    pub headers: Vec<(String, String)>,
    /// Decoded `application/x-www-form-urlencoded` body parameters, duplicates kept.
    pub form: Vec<(String, String)>,
}

impl RecordedRequest {
    pub fn query_param(&self, name: &str) -> Option<&str> {
        find(&self.query, name)
    }

    pub fn form_param(&self, name: &str) -> Option<&str> {
        find(&self.form, name)
    }

    /// The form parameter, else the query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.form_param(name).or_else(|| self.query_param(name))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn find<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A running fake upstream; stopped when dropped.
pub struct FakeUpstream {
    shared: Arc<Shared>,
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeUpstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeUpstream {
    /// Binds 127.0.0.1:0 and serves until dropped. Panics (test setup) when it cannot
    /// bind or `config.redirect_uris` is empty.
    pub async fn start(config: FakeUpstreamConfig) -> FakeUpstream {
        assert!(
            !config.redirect_uris.is_empty(),
            "FakeUpstreamConfig.redirect_uris must not be empty"
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("fake upstream: cannot bind 127.0.0.1:0: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("fake upstream: no local address: {e}"));
        let path = normalize_path(&config.issuer_path);
        let base = format!("http://{addr}{path}");
        let issuer = config.issuer.clone().unwrap_or_else(|| base.clone());
        let keys = KeyRing::new();
        let inner = Inner {
            fault: Fault::None,
            authorize_fault: None,
            discovery_broken: false,
            redirect_uris: config.redirect_uris.clone(),
            jwks_fetches: 0,
            user: config.user.clone(),
            signing_alg: config.signing_alg,
            keys,
            codes: HashMap::new(),
            access_tokens: HashMap::new(),
            authorize_log: Vec::new(),
            token_log: Vec::new(),
            userinfo_log: Vec::new(),
            logout_log: Vec::new(),
        };
        let shared = Arc::new(Shared {
            cfg: config,
            base,
            issuer,
            inner: Mutex::new(inner),
        });
        let mut routes = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token));
        if shared.cfg.userinfo_endpoint {
            routes = routes.route("/userinfo", get(userinfo).post(userinfo));
        }
        if shared.cfg.end_session_endpoint {
            routes = routes.route("/logout", get(logout).post(logout));
        }
        let routes = routes.with_state(shared.clone());
        let app = if path.is_empty() {
            routes
        } else {
            Router::new().nest(&path, routes)
        };
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("fake upstream on {addr} stopped: {e}");
            }
        });
        FakeUpstream { shared, addr, task }
    }

    pub fn config(&self) -> &FakeUpstreamConfig {
        &self.shared.cfg
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn issuer(&self) -> &str {
        &self.shared.issuer
    }

    /// `http://127.0.0.1:<port><issuer_path>`: where the endpoints are.
    pub fn base_url(&self) -> &str {
        &self.shared.base
    }

    /// The base URL followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.shared.base)
    }

    pub fn discovery_url(&self) -> String {
        self.url("/.well-known/openid-configuration")
    }

    pub fn authorization_endpoint(&self) -> String {
        self.url("/authorize")
    }

    pub fn token_endpoint(&self) -> String {
        self.url("/token")
    }

    pub fn jwks_uri(&self) -> String {
        self.url("/jwks")
    }

    pub fn userinfo_endpoint(&self) -> String {
        self.url("/userinfo")
    }

    pub fn end_session_endpoint(&self) -> String {
        self.url("/logout")
    }

    /// Shapes every later token/userinfo response (see [`Fault`]).
    /// `Fault::SignWithUnpublishedKey` creates the pending key now if there is none.
    pub fn set_fault(&self, fault: Fault) {
        let mut inner = self.shared.lock();
        if fault == Fault::SignWithUnpublishedKey && inner.keys.pending.is_none() {
            let alg = inner.signing_alg;
            let key = inner.keys.generate(alg);
            inner.keys.pending = Some(key);
        }
        inner.fault = fault;
    }

    pub fn fault(&self) -> Fault {
        self.shared.lock().fault.clone()
    }

    /// While `broken`, discovery answers 503 (the provider is down or misconfigured).
    pub fn set_discovery_broken(&self, broken: bool) {
        self.shared.lock().discovery_broken = broken;
    }

    /// Accepts `uri` as a redirect URI from now on, beside the configured ones.
    pub fn add_redirect_uri(&self, uri: &str) {
        self.shared.lock().redirect_uris.push(uri.to_owned());
    }

    /// How many times /jwks was fetched.
    pub fn jwks_fetches(&self) -> usize {
        self.shared.lock().jwks_fetches
    }

    /// Shapes the next authorization response only.
    pub fn set_authorize_fault(&self, fault: AuthorizeFault) {
        self.shared.lock().authorize_fault = Some(fault);
    }

    /// Who signs in at the following authorization requests (codes already issued
    /// keep their user).
    pub fn set_next_user(&self, user: User) {
        self.shared.lock().user = user;
    }

    /// The algorithm of later ID tokens; both an RSA and an EC key are always published.
    pub fn set_signing_alg(&self, alg: SigningAlg) {
        self.shared.lock().signing_alg = alg;
    }

    /// The kid that later ID tokens are signed with (without faults).
    pub fn current_kid(&self) -> String {
        let inner = self.shared.lock();
        inner.keys.current(inner.signing_alg).kid.clone()
    }

    /// The kid of the unpublished key of [`Fault::SignWithUnpublishedKey`], if any.
    pub fn pending_kid(&self) -> Option<String> {
        self.shared
            .lock()
            .keys
            .pending
            .as_ref()
            .map(|k| k.kid.clone())
    }

    /// Adds a new key (of the current signing algorithm) with a new kid to /jwks and
    /// signs with it from now on; `drop_old` removes the previous keys of that
    /// algorithm from /jwks. Returns the new kid.
    pub fn rotate_keys(&self, drop_old: bool) -> String {
        let mut inner = self.shared.lock();
        let alg = inner.signing_alg;
        let key = inner.keys.generate(alg);
        let kid = key.kid.clone();
        inner.keys.publish(key, drop_old);
        kid
    }

    /// Publishes the pending key of [`Fault::SignWithUnpublishedKey`] in /jwks, makes
    /// it the signing key of its algorithm and clears that fault. Returns its kid, or
    /// `None` when there was no pending key.
    pub fn publish_pending_key(&self) -> Option<String> {
        let mut inner = self.shared.lock();
        let key = inner.keys.pending.take()?;
        let kid = key.kid.clone();
        inner.keys.publish(key, false);
        if inner.fault == Fault::SignWithUnpublishedKey {
            inner.fault = Fault::None;
        }
        Some(kid)
    }

    /// The JWK Set /jwks serves now.
    pub fn jwks(&self) -> Value {
        self.shared.lock().keys.jwks()
    }

    pub fn authorize_requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().authorize_log.clone()
    }

    pub fn token_requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().token_log.clone()
    }

    pub fn userinfo_requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().userinfo_log.clone()
    }

    pub fn logout_requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().logout_log.clone()
    }

    pub fn clear_recordings(&self) {
        let mut inner = self.shared.lock();
        inner.authorize_log.clear();
        inner.token_log.clear();
        inner.userinfo_log.clear();
        inner.logout_log.clear();
    }
}

// ---------------------------------------------------------------------------------------
// State

struct Shared {
    cfg: FakeUpstreamConfig,
    base: String,
    issuer: String,
    inner: Mutex<Inner>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking test thread must not take the server down with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct Inner {
    fault: Fault,
    authorize_fault: Option<AuthorizeFault>,
    discovery_broken: bool,
    /// The configured redirect URIs and those added since.
    redirect_uris: Vec<String>,
    jwks_fetches: usize,
    user: User,
    signing_alg: SigningAlg,
    keys: KeyRing,
    codes: HashMap<String, CodeGrant>,
    access_tokens: HashMap<String, User>,
    authorize_log: Vec<RecordedRequest>,
    token_log: Vec<RecordedRequest>,
    userinfo_log: Vec<RecordedRequest>,
    logout_log: Vec<RecordedRequest>,
}

struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    code_challenge: Option<String>,
    nonce: Option<String>,
    scope: String,
    user: User,
    expires: SystemTime,
}

fn normalize_path(path: &str) -> String {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn random_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

// ---------------------------------------------------------------------------------------
// Keys

struct SigningKey {
    kid: String,
    alg: SigningAlg,
    encoding: EncodingKey,
    /// The public JWK, with kid, use and alg.
    jwk: Value,
}

struct KeyRing {
    /// Published in /jwks, oldest first.
    published: Vec<Arc<SigningKey>>,
    current_rsa: Arc<SigningKey>,
    current_ec: Arc<SigningKey>,
    pending: Option<Arc<SigningKey>>,
    counter: u32,
}

impl KeyRing {
    fn new() -> KeyRing {
        let rsa = Arc::new(rsa_key("rsa-1", cached_rsa()));
        let ec = Arc::new(ec_key("ec-1"));
        KeyRing {
            published: vec![rsa.clone(), ec.clone()],
            current_rsa: rsa,
            current_ec: ec,
            pending: None,
            counter: 1,
        }
    }

    fn current(&self, alg: SigningAlg) -> &Arc<SigningKey> {
        match alg {
            SigningAlg::Rs256 => &self.current_rsa,
            SigningAlg::Es256 => &self.current_ec,
        }
    }

    fn generate(&mut self, alg: SigningAlg) -> Arc<SigningKey> {
        self.counter += 1;
        let n = self.counter;
        Arc::new(match alg {
            SigningAlg::Rs256 => rsa_key(&format!("rsa-{n}"), generate_rsa()),
            SigningAlg::Es256 => ec_key(&format!("ec-{n}")),
        })
    }

    fn publish(&mut self, key: Arc<SigningKey>, drop_old: bool) {
        if drop_old {
            self.published.retain(|k| k.alg != key.alg);
        }
        self.published.push(key.clone());
        match key.alg {
            SigningAlg::Rs256 => self.current_rsa = key,
            SigningAlg::Es256 => self.current_ec = key,
        }
    }

    fn jwks(&self) -> Value {
        let keys: Vec<Value> = self.published.iter().map(|k| k.jwk.clone()).collect();
        json!({ "keys": keys })
    }
}

/// An RSA private key as PKCS#1 PEM plus its public modulus and exponent.
#[derive(Clone)]
struct RsaMaterial {
    pem: String,
    n: Vec<u8>,
    e: Vec<u8>,
}

fn generate_rsa() -> RsaMaterial {
    use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};
    use rsa::traits::PublicKeyParts;
    let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)
        .unwrap_or_else(|e| panic!("fake upstream: RSA key generation failed: {e}"));
    let pem = key
        .to_pkcs1_pem(LineEnding::LF)
        .unwrap_or_else(|e| panic!("fake upstream: RSA key encoding failed: {e}"));
    RsaMaterial {
        pem: pem.to_string(),
        n: key.n().to_bytes_be(),
        e: key.e().to_bytes_be(),
    }
}

/// The first RSA key of every fake upstream in this process (generating 2048-bit keys
/// costs); rotated and pending keys are always fresh.
fn cached_rsa() -> RsaMaterial {
    static FIRST: OnceLock<RsaMaterial> = OnceLock::new();
    FIRST.get_or_init(generate_rsa).clone()
}

/// Kids are unique across upstreams and runs: `<name>-<8 random hex>`.
fn unique_kid(name: &str) -> String {
    let r = random_token();
    format!("{name}-{}", &r[..8])
}

fn rsa_key(name: &str, m: RsaMaterial) -> SigningKey {
    let kid = unique_kid(name);
    let encoding = EncodingKey::from_rsa_pem(m.pem.as_bytes())
        .unwrap_or_else(|e| panic!("fake upstream: jsonwebtoken refuses the RSA key: {e}"));
    let jwk = json!({
        "kty": "RSA",
        "kid": kid,
        "use": "sig",
        "alg": "RS256",
        "n": URL_SAFE_NO_PAD.encode(&m.n),
        "e": URL_SAFE_NO_PAD.encode(&m.e),
    });
    SigningKey {
        kid,
        alg: SigningAlg::Rs256,
        encoding,
        jwk,
    }
}

fn ec_key(name: &str) -> SigningKey {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    use p256::pkcs8::EncodePrivateKey;
    let kid = unique_kid(name);
    let secret = p256::SecretKey::random(&mut rand::rngs::OsRng);
    let der = secret
        .to_pkcs8_der()
        .unwrap_or_else(|e| panic!("fake upstream: EC key encoding failed: {e}"));
    let point = secret.public_key().to_encoded_point(false);
    let (Some(x), Some(y)) = (point.x(), point.y()) else {
        panic!("fake upstream: EC public key without coordinates");
    };
    let jwk = json!({
        "kty": "EC",
        "kid": kid,
        "use": "sig",
        "alg": "ES256",
        "crv": "P-256",
        "x": URL_SAFE_NO_PAD.encode(x),
        "y": URL_SAFE_NO_PAD.encode(y),
    });
    SigningKey {
        kid,
        alg: SigningAlg::Es256,
        encoding: EncodingKey::from_ec_der(der.as_bytes()),
        jwk,
    }
}

fn sign(key: &SigningKey, claims: &Value) -> Result<String, String> {
    let mut header = Header::new(key.alg.algorithm());
    header.kid = Some(key.kid.clone());
    header.typ = Some("JWT".into());
    jsonwebtoken::encode(&header, claims, &key.encoding).map_err(|e| e.to_string())
}

fn unsigned_jwt(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.")
}

/// OIDC Core §3.1.3.6: the left half of SHA-256 over the access token, base64url.
fn at_hash(access_token: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest.as_ref()[..16])
}

fn s256(verifier: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

// ---------------------------------------------------------------------------------------
// Handlers

fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

fn decode_pairs(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw).into_owned().collect()
}

fn no_store(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    no_store(
        (
            status,
            Json(json!({ "error": error, "error_description": description })),
        )
            .into_response(),
    )
}

fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => no_store((StatusCode::FOUND, [(header::LOCATION, v)]).into_response()),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "fake upstream: unusable redirect location",
        )
            .into_response(),
    }
}

async fn discovery(State(s): State<Arc<Shared>>) -> Response {
    if s.lock().discovery_broken {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "fake upstream: discovery is down",
        )
            .into_response();
    }
    let c = &s.cfg;
    let mut doc = json!({
        "issuer": s.issuer,
        "authorization_endpoint": format!("{}/authorize", s.base),
        "token_endpoint": format!("{}/token", s.base),
        "jwks_uri": format!("{}/jwks", s.base),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": [c.client_auth.as_str()],
        "scopes_supported": ["openid", "email", "profile", "groups"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce",
            "email", "email_verified", "name", "groups"],
        "authorization_response_iss_parameter_supported": c.iss_parameter_supported,
    });
    if c.userinfo_endpoint {
        doc["userinfo_endpoint"] = json!(format!("{}/userinfo", s.base));
    }
    if c.end_session_endpoint {
        doc["end_session_endpoint"] = json!(format!("{}/logout", s.base));
    }
    Json(doc).into_response()
}

async fn jwks(State(s): State<Arc<Shared>>) -> Response {
    let set = {
        let mut inner = s.lock();
        inner.jwks_fetches += 1;
        inner.keys.jwks()
    };
    (
        [(header::CONTENT_TYPE, "application/jwk-set+json")],
        set.to_string(),
    )
        .into_response()
}

async fn authorize(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = decode_pairs(raw.unwrap_or_default().as_bytes());
    let (fault, user, redirect_uris) = {
        let mut inner = s.lock();
        inner.authorize_log.push(RecordedRequest {
            method: "GET".into(),
            path: "/authorize".into(),
            query: query.clone(),
            headers: header_pairs(&headers),
            form: Vec::new(),
        });
        (
            inner.authorize_fault.take(),
            inner.user.clone(),
            inner.redirect_uris.clone(),
        )
    };
    let p = |name: &str| find(&query, name);
    let cfg = &s.cfg;

    // Without a valid client and redirect URI, the error is shown, never redirected.
    // RFC 6749 §3.1: the parameters it defines must not repeat; other (extension)
    // parameters may, as an operator's static `auth_query_params` list does.
    if let Some(dup) = duplicate(&query).filter(|d| OAUTH_AUTHORIZE_PARAMS.contains(d)) {
        return (
            StatusCode::BAD_REQUEST,
            format!("duplicate parameter {dup}"),
        )
            .into_response();
    }
    if p("client_id") != Some(cfg.client_id.as_str()) {
        return (StatusCode::BAD_REQUEST, "unknown client_id").into_response();
    }
    let Some(redirect_uri) = p("redirect_uri") else {
        return (StatusCode::BAD_REQUEST, "redirect_uri is required").into_response();
    };
    if !redirect_uris.iter().any(|u| u == redirect_uri) {
        return (StatusCode::BAD_REQUEST, "redirect_uri is not registered").into_response();
    }
    let Ok(mut target) = Url::parse(redirect_uri) else {
        return (StatusCode::BAD_REQUEST, "redirect_uri is not a URL").into_response();
    };

    let state = match (&fault, p("state")) {
        (Some(AuthorizeFault::OmitState), _) => None,
        (Some(AuthorizeFault::WrongState), Some(st)) => Some(format!("tampered-{st}")),
        (Some(AuthorizeFault::WrongState), None) => Some("tampered".to_owned()),
        (_, st) => st.map(str::to_owned),
    };
    let iss = match &fault {
        Some(AuthorizeFault::OmitIss) => None,
        Some(AuthorizeFault::WrongIss) => Some(WRONG_ISSUER.to_owned()),
        _ if cfg.iss_parameter_supported => Some(s.issuer.clone()),
        _ => None,
    };
    let back = |target: &mut Url, params: &[(&str, &str)]| {
        {
            let mut q = target.query_pairs_mut();
            for (k, v) in params {
                q.append_pair(k, v);
            }
            if let Some(st) = &state {
                q.append_pair("state", st);
            }
            if let Some(iss) = &iss {
                q.append_pair("iss", iss);
            }
        }
        redirect(target.as_str())
    };

    let scope = p("scope").unwrap_or_default();
    let problem = if p("response_type") != Some("code") {
        Some(("unsupported_response_type", "response_type must be code"))
    } else if !scope.split(' ').any(|sc| sc == "openid") {
        Some(("invalid_scope", "scope must include openid"))
    } else if cfg.require_pkce && p("code_challenge").is_none() {
        Some(("invalid_request", "code_challenge is required"))
    } else if p("code_challenge").is_some() && p("code_challenge_method") != Some("S256") {
        Some(("invalid_request", "code_challenge_method must be S256"))
    } else {
        None
    };
    if let Some((error, description)) = problem {
        return back(
            &mut target,
            &[("error", error), ("error_description", description)],
        );
    }
    if let Some(AuthorizeFault::Error { error, description }) = &fault {
        let mut params = vec![("error", error.as_str())];
        if let Some(d) = description {
            params.push(("error_description", d.as_str()));
        }
        return back(&mut target, &params);
    }

    let code = random_token();
    let grant = CodeGrant {
        client_id: cfg.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        code_challenge: p("code_challenge").map(str::to_owned),
        nonce: p("nonce").map(str::to_owned),
        scope: scope.to_owned(),
        user,
        expires: SystemTime::now() + CODE_LIFETIME,
    };
    s.lock().codes.insert(code.clone(), grant);
    back(&mut target, &[("code", &code)])
}

/// The authorization request parameters that OAuth 2.0, PKCE and OpenID Connect define.
const OAUTH_AUTHORIZE_PARAMS: [&str; 15] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "response_mode",
    "prompt",
    "max_age",
    "login_hint",
    "ui_locales",
    "acr_values",
    "request",
];

fn duplicate(pairs: &[(String, String)]) -> Option<&str> {
    pairs.iter().enumerate().find_map(|(i, (k, _))| {
        pairs[..i]
            .iter()
            .any(|(other, _)| other == k)
            .then_some(k.as_str())
    })
}

/// `application/x-www-form-urlencoded` decoding of one Basic credential part
/// (RFC 6749 §2.3.1): `+` is a space, `%XX` a byte; the result must be UTF-8.
fn form_decode(part: &str) -> Option<String> {
    let bytes = part.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The client's Basic credentials, form-decoded; `Err` when the header is there but
/// malformed; `Ok(None)` without an Authorization header.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, &'static str> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| "Authorization is not ASCII")?;
    let (scheme, rest) = value.split_once(' ').ok_or("malformed Authorization")?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err("Authorization is not Basic");
    }
    let decoded = STANDARD
        .decode(rest.trim())
        .map_err(|_| "Basic credentials are not base64")?;
    let decoded = String::from_utf8(decoded).map_err(|_| "Basic credentials are not UTF-8")?;
    let (id, secret) = decoded
        .split_once(':')
        .ok_or("Basic credentials without ':'")?;
    let id = form_decode(id).ok_or("client_id is not form-urlencoded UTF-8")?;
    let secret = form_decode(secret).ok_or("client_secret is not form-urlencoded UTF-8")?;
    Ok(Some((id, secret)))
}

fn invalid_client(description: &str, basic: bool) -> Response {
    let mut resp = oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", description);
    if basic {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"fake-upstream\""),
        );
    }
    resp
}

/// Authenticates the client as configured; returns its client_id, or the error
/// response (boxed: a `Response` is large).
fn authenticate(
    cfg: &FakeUpstreamConfig,
    headers: &HeaderMap,
    form: &[(String, String)],
) -> Result<String, Box<Response>> {
    let reject = |description: &str, basic: bool| Err(Box::new(invalid_client(description, basic)));
    let basic = match basic_credentials(headers) {
        Ok(b) => b,
        Err(e) => return reject(e, true),
    };
    let form_id = find(form, "client_id");
    let form_secret = find(form, "client_secret");
    match cfg.client_auth {
        ClientAuth::Basic => {
            let Some((id, secret)) = basic else {
                return reject("client_secret_basic authentication is required", true);
            };
            if form_secret.is_some() {
                return Err(Box::new(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "more than one client authentication method",
                )));
            }
            if form_id.is_some_and(|f| f != id) {
                return reject("client_id does not match", true);
            }
            if id != cfg.client_id || secret != cfg.client_secret {
                return reject("wrong client credentials", true);
            }
            Ok(id)
        }
        ClientAuth::Post => {
            if basic.is_some() {
                return reject("client_secret_post authentication is required", false);
            }
            match (form_id, form_secret) {
                (Some(id), Some(secret)) if id == cfg.client_id && secret == cfg.client_secret => {
                    Ok(id.to_owned())
                }
                (Some(_), Some(_)) => reject("wrong client credentials", false),
                _ => reject(
                    "client_id and client_secret are required in the body",
                    false,
                ),
            }
        }
        ClientAuth::None => {
            if basic.is_some() || form_secret.is_some() {
                return reject("a public client must not send a secret", false);
            }
            match form_id {
                Some(id) if id == cfg.client_id => Ok(id.to_owned()),
                Some(_) => reject("unknown client_id", false),
                None => reject("client_id is required", false),
            }
        }
    }
}

fn valid_verifier(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

async fn token(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let form = decode_pairs(&body);
    let fault = {
        let mut inner = s.lock();
        inner.token_log.push(RecordedRequest {
            method: "POST".into(),
            path: "/token".into(),
            query: Vec::new(),
            headers: header_pairs(&headers),
            form: form.clone(),
        });
        inner.fault.clone()
    };
    if let Fault::Slow(delay) = fault {
        tokio::time::sleep(delay).await;
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let problem = if !is_form {
        Some((
            "invalid_request",
            "the body must be application/x-www-form-urlencoded".to_owned(),
        ))
    } else if let Some(dup) = duplicate(&form) {
        Some(("invalid_request", format!("duplicate parameter {dup}")))
    } else if find(&form, "grant_type") != Some("authorization_code") {
        Some((
            "unsupported_grant_type",
            "only authorization_code is supported".to_owned(),
        ))
    } else {
        None
    };
    if let Some((error, description)) = problem {
        return oauth_error(StatusCode::BAD_REQUEST, error, &description);
    }
    let client_id = match authenticate(&s.cfg, &headers, &form) {
        Ok(id) => id,
        Err(resp) => return *resp,
    };
    let Some(code) = find(&form, "code") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "code is required",
        );
    };
    // Single use: gone at the first attempt, whatever comes next.
    let grant = s.lock().codes.remove(code);
    let Some(grant) = grant else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "unknown, expired or already used code",
        );
    };
    if grant.expires < SystemTime::now() || grant.client_id != client_id {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "code expired or issued to another client",
        );
    }
    if find(&form, "redirect_uri") != Some(grant.redirect_uri.as_str()) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "redirect_uri does not match the authorization request",
        );
    }
    let verifier = find(&form, "code_verifier");
    match (&grant.code_challenge, verifier) {
        (None, None) => {}
        (None, Some(_)) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "code_verifier without code_challenge",
            )
        }
        (Some(_), None) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "code_verifier is required",
            )
        }
        (Some(challenge), Some(v)) => {
            if !valid_verifier(v) || s256(v) != *challenge {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "code_verifier does not match code_challenge",
                );
            }
        }
    }

    match &fault {
        Fault::Status500 => {
            return oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "fake upstream fault: Status500",
            )
        }
        Fault::BadJson => {
            return no_store(
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    r#"{"access_token":"abc","token_type":"Bearer","id_token":"#,
                )
                    .into_response(),
            )
        }
        Fault::TokenError(error) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                error,
                "fake upstream fault: TokenError",
            )
        }
        _ => {}
    }

    let access_token = random_token();
    let lifetime = s.cfg.token_lifetime.as_secs() as i64;
    let key = {
        let mut inner = s.lock();
        inner
            .access_tokens
            .insert(access_token.clone(), grant.user.clone());
        let alg = inner.signing_alg;
        match (&fault, &inner.keys.pending) {
            (Fault::SignWithUnpublishedKey, Some(pending)) => pending.clone(),
            _ => inner.keys.current(alg).clone(),
        }
    };

    let mut body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": grant.scope,
    });
    if fault != Fault::MissingIdToken {
        let now = now_secs();
        let mut claims = grant.user.claims();
        let mut set = |k: &str, v: Value| {
            claims.insert(k.to_owned(), v);
        };
        set("iss", json!(s.issuer));
        set("aud", json!([client_id]));
        set("iat", json!(now));
        set("auth_time", json!(now));
        set("exp", json!(now + lifetime));
        set("at_hash", json!(at_hash(&access_token)));
        if let Some(nonce) = &grant.nonce {
            set("nonce", json!(nonce));
        }
        match &fault {
            Fault::WrongIssuer => set("iss", json!(WRONG_ISSUER)),
            Fault::WrongAudience => set("aud", json!([WRONG_AUDIENCE])),
            Fault::WrongNonce => set(
                "nonce",
                json!(format!(
                    "wrong-{}",
                    grant.nonce.as_deref().unwrap_or("nonce")
                )),
            ),
            Fault::Expired => {
                set("iat", json!(now - 7200));
                set("auth_time", json!(now - 7200));
                set("exp", json!(now - 3600));
            }
            _ => {}
        }
        let claims = Value::Object(claims);
        let id_token = if fault == Fault::AlgNone {
            unsigned_jwt(&claims)
        } else {
            match sign(&key, &claims) {
                Ok(t) => t,
                Err(e) => {
                    return oauth_error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "server_error",
                        &format!("fake upstream cannot sign: {e}"),
                    )
                }
            }
        };
        body["id_token"] = json!(id_token);
    }
    if fault == Fault::Oversized {
        body["padding"] = json!("x".repeat(OVERSIZED_BYTES));
    }
    no_store(Json(body).into_response())
}

async fn userinfo(
    State(s): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let form = if method == Method::POST {
        decode_pairs(&body)
    } else {
        Vec::new()
    };
    let query = decode_pairs(raw.unwrap_or_default().as_bytes());
    let (user, fault) = {
        let mut inner = s.lock();
        inner.userinfo_log.push(RecordedRequest {
            method: method.to_string(),
            path: "/userinfo".into(),
            query,
            headers: header_pairs(&headers),
            form: form.clone(),
        });
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split_once(' ')
                    .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                    .map(|(_, t)| t.trim().to_owned())
            })
            .or_else(|| find(&form, "access_token").map(str::to_owned));
        let user = bearer.and_then(|t| inner.access_tokens.get(&t).cloned());
        (user, inner.fault.clone())
    };
    let Some(user) = user else {
        let mut resp = (StatusCode::UNAUTHORIZED, "invalid access token").into_response();
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        return resp;
    };
    let mut claims = user.claims();
    if fault == Fault::UserinfoSubMismatch {
        claims.insert("sub".into(), json!(format!("{}-mismatch", user.sub)));
    }
    no_store(Json(Value::Object(claims)).into_response())
}

async fn logout(
    State(s): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let query = decode_pairs(raw.unwrap_or_default().as_bytes());
    let form = if method == Method::POST {
        decode_pairs(&body)
    } else {
        Vec::new()
    };
    let recorded = RecordedRequest {
        method: method.to_string(),
        path: "/logout".into(),
        query,
        headers: header_pairs(&headers),
        form,
    };
    s.lock().logout_log.push(recorded.clone());
    let Some(target) = recorded.param("post_logout_redirect_uri") else {
        return (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><title>Signed out</title><p>You are signed out.</p>",
        )
            .into_response();
    };
    let allowed = &s.cfg.post_logout_redirect_uris;
    if !allowed.is_empty() && !allowed.iter().any(|u| u == target) {
        return (
            StatusCode::BAD_REQUEST,
            "post_logout_redirect_uri is not registered",
        )
            .into_response();
    }
    let Ok(mut url) = Url::parse(target) else {
        return (
            StatusCode::BAD_REQUEST,
            "post_logout_redirect_uri is not a URL",
        )
            .into_response();
    };
    if let Some(state) = recorded.param("state") {
        url.query_pairs_mut().append_pair("state", state);
    }
    redirect(url.as_str())
}
