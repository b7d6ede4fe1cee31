//! The settings tree. Field names follow Hydra's configuration schema, so the YAML files
//! and environment variables of a Hydra deployment carry over.

use super::duration::Ttl;
use super::lenient;
use super::upstream::UpstreamProvider;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `postgres://…`, `sqlite://path`, `memory`; unset means a SQLite file in `data_dir`.
    pub dsn: Option<String>,
    /// Where the embedded database and its generated secret live when `dsn` is unset.
    pub data_dir: String,
    pub log: Log,
    pub serve: Serve,
    pub urls: Urls,
    pub secrets: Secrets,
    pub ttl: Ttls,
    pub strategies: Strategies,
    pub oauth2: OAuth2,
    pub oidc: Oidc,
    pub webfinger: Webfinger,
    pub identity: Identity,
    pub janitor: Janitor,
    pub tracing: super::Tracing,
}

/// The built-in janitor (not in Hydra, which has a separate `hydra janitor` command):
/// deletes expired tokens, codes, flow requests and sign-in states in the background.
/// Safe on every replica at once (batched, idempotent deletes).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Janitor {
    #[serde(deserialize_with = "lenient::bool")]
    pub enabled: bool,
    /// Time between rounds (each replica adds up to 10% at random, so they spread out).
    pub interval: Ttl,
    /// Rows per delete statement.
    #[serde(deserialize_with = "lenient::u32")]
    pub batch_size: u32,
}

impl Default for Janitor {
    fn default() -> Self {
        Janitor {
            enabled: true,
            interval: Ttl::minutes(10),
            batch_size: 500,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            dsn: None,
            data_dir: "data".into(),
            log: Log::default(),
            serve: Serve::default(),
            urls: Urls::default(),
            secrets: Secrets::default(),
            ttl: Ttls::default(),
            strategies: Strategies::default(),
            oauth2: OAuth2::default(),
            oidc: Oidc::default(),
            webfinger: Webfinger::default(),
            identity: Identity::default(),
            janitor: Janitor::default(),
            tracing: super::Tracing::default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Log {
    pub level: String,
    pub format: String,
    #[serde(deserialize_with = "lenient::bool")]
    pub leak_sensitive_values: bool,
}

impl Default for Log {
    fn default() -> Self {
        Log {
            level: "info".into(),
            format: "text".into(),
            leak_sensitive_values: false,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Serve {
    pub public: Listener,
    pub admin: Listener,
    pub cookies: Cookies,
    pub tls: Tls,
    /// Largest accepted request body (bytes).
    #[serde(deserialize_with = "lenient::u64")]
    pub request_body_limit: u64,
    /// Upper bound on handling one request.
    pub request_timeout: Ttl,
    /// How long a client has to send a request's headers, counted from when the
    /// connection opens or its previous answer was sent; so it is also how long an
    /// idle kept-alive connection stays open.
    pub header_read_timeout: Ttl,
    /// A connection on which no byte moves either way for this long is closed (a body
    /// that stops arriving, an answer nobody reads). Keep it above `request_timeout`.
    pub idle_timeout: Ttl,
    /// Connections open at once per listener; beyond it new ones wait to be accepted.
    #[serde(deserialize_with = "lenient::u32")]
    pub max_connections: u32,
    /// Proxies whose `X-Forwarded-For` is believed for the client's address (IP
    /// addresses or CIDR ranges); empty, the peer address is the client's.
    pub trusted_proxies: Vec<String>,
}

impl Default for Serve {
    fn default() -> Self {
        Serve {
            public: Listener::with_port(4444),
            admin: Listener::with_port(4445),
            cookies: Cookies::default(),
            tls: Tls::default(),
            request_body_limit: 1024 * 1024,
            request_timeout: Ttl(std::time::Duration::from_secs(30)),
            header_read_timeout: Ttl(std::time::Duration::from_secs(10)),
            idle_timeout: Ttl(std::time::Duration::from_secs(60)),
            max_connections: 4096,
            trusted_proxies: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Listener {
    #[serde(deserialize_with = "lenient::port")]
    pub port: u16,
    /// Empty: all interfaces for the public port, loopback for the admin port.
    pub host: String,
    pub cors: Cors,
    pub access_log: AccessLog,
    /// Accepted `Host` header names (without port); empty accepts any, except that the
    /// admin port with no `host` configured accepts only loopback names (`localhost`,
    /// `*.localhost`, loopback addresses), which stops DNS rebinding.
    pub allowed_hosts: Vec<String>,
    /// Admin port only: bearer tokens that admin requests must present
    /// (`Authorization: Bearer …`, the SDKs' access token); empty, no authentication
    /// (as in Hydra). `/health/alive` and `/health/ready` stay open.
    pub api_keys: Vec<Secret>,
}

impl Listener {
    fn with_port(port: u16) -> Self {
        Listener {
            port,
            ..Listener::default()
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AccessLog {
    #[serde(deserialize_with = "lenient::bool")]
    pub disable_for_health: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Cors {
    #[serde(deserialize_with = "lenient::bool")]
    pub enabled: bool,
    pub allowed_origins: Vec<String>,
    pub allowed_methods: Vec<String>,
    pub allowed_headers: Vec<String>,
    pub exposed_headers: Vec<String>,
    #[serde(deserialize_with = "lenient::bool")]
    pub allow_credentials: bool,
    #[serde(deserialize_with = "lenient::bool")]
    pub options_passthrough: bool,
    #[serde(deserialize_with = "lenient::u64")]
    pub max_age: u64,
    #[serde(deserialize_with = "lenient::bool")]
    pub debug: bool,
}

impl Default for Cors {
    fn default() -> Self {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        Cors {
            enabled: false,
            allowed_origins: v(&["*"]),
            allowed_methods: v(&["POST", "GET", "PUT", "PATCH", "DELETE"]),
            allowed_headers: v(&["Authorization", "Content-Type"]),
            exposed_headers: v(&["Content-Type"]),
            allow_credentials: true,
            options_passthrough: false,
            max_age: 0,
            debug: false,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Cookies {
    /// `Strict`, `Lax` or `None`; Hydra's default is `None` with the legacy workaround off.
    pub same_site_mode: Option<String>,
    #[serde(deserialize_with = "lenient::bool")]
    pub same_site_legacy_workaround: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Tls {
    /// Accepted for compatibility; TLS is terminated in front of Portcullis.
    pub allow_termination_from: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Urls {
    #[serde(rename = "self")]
    pub self_: SelfUrls,
    pub login: Option<String>,
    pub consent: Option<String>,
    pub logout: Option<String>,
    pub error: Option<String>,
    pub post_logout_redirect: Option<String>,
    pub device: DeviceUrls,
}

/// `urls.device` (Hydra v2): the page that asks for the user code (it gets
/// `device_challenge`), and where the browser lands once the device is authorized.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DeviceUrls {
    pub verification: Option<String>,
    pub success: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SelfUrls {
    pub issuer: Option<String>,
    pub public: Option<String>,
    /// Where the admin router is reachable from outside (Hydra 2's `urls.self.admin`);
    /// discovery advertises the introspection endpoint only when it is set.
    pub admin: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Secrets {
    /// The first entry signs and encrypts; every entry verifies and decrypts.
    pub system: Vec<Secret>,
    pub cookie: Vec<Secret>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Ttls {
    pub login_consent_request: Ttl,
    pub access_token: Ttl,
    pub refresh_token: Ttl,
    pub id_token: Ttl,
    pub auth_code: Ttl,
    /// How long a device code and its user code live (RFC 8628 `expires_in`).
    pub device_user_code: Ttl,
}

impl Default for Ttls {
    fn default() -> Self {
        Ttls {
            login_consent_request: Ttl::hours(1),
            access_token: Ttl::hours(1),
            refresh_token: Ttl::hours(720),
            id_token: Ttl::hours(1),
            auth_code: Ttl::minutes(10),
            device_user_code: Ttl::minutes(10),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Strategies {
    /// `exact` or `wildcard`.
    pub scope: String,
    /// `opaque` or `jwt`.
    pub access_token: String,
}

impl Default for Strategies {
    fn default() -> Self {
        Strategies {
            scope: "wildcard".into(),
            access_token: "opaque".into(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OAuth2 {
    #[serde(deserialize_with = "lenient::bool")]
    pub expose_internal_errors: bool,
    #[serde(deserialize_with = "lenient::bool")]
    pub include_legacy_error_fields: bool,
    pub pkce: Pkce,
    pub client_credentials: ClientCredentials,
    pub hashers: Hashers,
    pub device_authorization: DeviceAuthorization,
    pub grant: Grant,
}

/// `oauth2.grant` (Hydra v2).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Grant {
    pub jwt: JwtGrant,
}

/// `oauth2.grant.jwt`: the JWT bearer grant (RFC 7523) with Hydra v2's keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct JwtGrant {
    /// Accept assertions without `jti` (they then cannot be checked for replay).
    #[serde(deserialize_with = "lenient::bool")]
    pub jti_optional: bool,
    /// Accept assertions without `iat`.
    #[serde(deserialize_with = "lenient::bool")]
    pub iat_optional: bool,
    /// How far in the future an assertion's `exp` may be.
    pub max_ttl: Ttl,
}

impl Default for JwtGrant {
    fn default() -> Self {
        JwtGrant {
            jti_optional: false,
            iat_optional: false,
            max_ttl: Ttl::hours(720),
        }
    }
}

/// `oauth2.device_authorization` (Hydra v2).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct DeviceAuthorization {
    /// The polling `interval` a device is told to keep (RFC 8628 §3.2).
    pub token_polling_interval: Ttl,
}

impl Default for DeviceAuthorization {
    fn default() -> Self {
        DeviceAuthorization {
            token_polling_interval: Ttl(std::time::Duration::from_secs(5)),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Pkce {
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub enforced: Option<bool>,
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub enforced_for_public_clients: Option<bool>,
    /// The `plain` challenge method is refused unless this is set (RFC 9700 §2.1.1).
    #[serde(deserialize_with = "lenient::bool")]
    pub allow_plain: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientCredentials {
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub default_grant_allowed_scope: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Hashers {
    pub argon2: Argon2Params,
}

/// argon2id cost. The defaults follow OWASP's recommendation (19 MiB, 2 passes).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Argon2Params {
    #[serde(deserialize_with = "lenient::u32")]
    pub memory: u32,
    #[serde(deserialize_with = "lenient::u32")]
    pub iterations: u32,
    #[serde(deserialize_with = "lenient::u32")]
    pub parallelism: u32,
}

impl Default for Argon2Params {
    fn default() -> Self {
        Argon2Params {
            memory: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Oidc {
    pub subject_identifiers: SubjectIdentifiers,
    pub dynamic_client_registration: DynamicClientRegistration,
}

/// `oidc.dynamic_client_registration` (Hydra): off unless enabled.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct DynamicClientRegistration {
    #[serde(deserialize_with = "lenient::bool")]
    pub enabled: bool,
    /// The scope a registering client gets when it asks for none.
    pub default_scope: Vec<String>,
}

impl Default for DynamicClientRegistration {
    fn default() -> Self {
        DynamicClientRegistration {
            enabled: false,
            default_scope: vec!["openid".into(), "offline".into(), "offline_access".into()],
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SubjectIdentifiers {
    pub supported_types: Vec<String>,
    pub pairwise: Pairwise,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Pairwise {
    pub salt: Option<Secret>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Webfinger {
    pub oidc_discovery: OidcDiscovery,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OidcDiscovery {
    pub supported_claims: Vec<String>,
    pub supported_scope: Vec<String>,
}

/// Portcullis's built-in identity (not in Hydra): the login, consent and logout pages
/// and the first-party login API. Environment: `IDENTITY_UI_ENABLED`,
/// `IDENTITY_FIRST_PARTY_CLIENT_ID`, and so on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Identity {
    pub ui: IdentityUi,
    pub first_party: FirstParty,
    /// Upstream OpenID Connect providers people can sign in with (`IDENTITY_UPSTREAMS`
    /// takes a JSON array). More can be added through the admin API.
    pub upstreams: Vec<UpstreamProvider>,
    /// Password login throttling (`IDENTITY_THROTTLE_ACCOUNT_MAX_FAILURES`, ...).
    pub throttle: ThrottleSettings,
}

/// Limits on password guessing, counted in the database so replicas share them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ThrottleSettings {
    /// Per account (normalised email, known or not).
    pub account: ThrottleLimit,
    /// Per client address (IPv6 by /64); higher because people share addresses.
    pub address: ThrottleLimit,
    /// Password checks running at once per account and per address, per replica.
    #[serde(deserialize_with = "lenient::u32")]
    pub max_concurrent: u32,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        ThrottleSettings {
            account: ThrottleLimit {
                max_failures: 5,
                window: Ttl::minutes(15),
                lockout: Ttl::minutes(15),
            },
            address: ThrottleLimit {
                max_failures: 20,
                window: Ttl::minutes(15),
                lockout: Ttl::minutes(15),
            },
            max_concurrent: 2,
        }
    }
}

/// At most `max_failures` attempts per `window`, then `lockout` without any.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ThrottleLimit {
    #[serde(deserialize_with = "lenient::u32")]
    pub max_failures: u32,
    pub window: Ttl,
    pub lockout: Ttl,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentityUi {
    /// Serve `/ui/...` and make it the default `urls.login`, `urls.consent` and
    /// `urls.logout`; off gives Hydra's behaviour (placeholder pages until configured).
    #[serde(deserialize_with = "lenient::bool")]
    pub enabled: bool,
    /// How long "remember me" keeps a login and "remember this decision" a consent.
    pub remember_for: Ttl,
    /// Offer the email and password form; off, the login page shows only the upstream
    /// providers' buttons.
    #[serde(deserialize_with = "lenient::bool")]
    pub password_login: bool,
}

impl Default for IdentityUi {
    fn default() -> Self {
        IdentityUi {
            enabled: true,
            remember_for: Ttl::hours(720),
            password_login: true,
        }
    }
}

/// The first-party login API (`/api/v1/...`) and the public client configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct FirstParty {
    #[serde(deserialize_with = "lenient::bool")]
    pub enabled: bool,
    /// The registered client the API issues tokens to and advertises; unset: no API.
    pub client_id: Option<String>,
    /// Advertised redirect URI; default: the client's first registered one.
    pub redirect_uri: Option<String>,
    /// Scopes granted and advertised; default: the client's registered scopes.
    pub scopes: Vec<String>,
    /// The header clients put the access token in.
    pub authorization_metadata_key: String,
    /// With the built-in pages on and no `client_id`, create the public client
    /// `portcullis-cli` on first start and serve the API with it.
    #[serde(deserialize_with = "lenient::bool")]
    pub create_default_client: bool,
}

impl Default for FirstParty {
    fn default() -> Self {
        FirstParty {
            enabled: true,
            client_id: None,
            redirect_uri: None,
            scopes: Vec::new(),
            authorization_metadata_key: "authorization".into(),
            create_default_client: true,
        }
    }
}
