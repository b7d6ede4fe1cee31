//! Every endpoint path, in one table. The routers register these, discovery and the
//! flow build their URLs from them, so a path is written exactly once.
//!
//! Admin routes are served twice: under Hydra 1.9.2's paths (below) and under the same
//! path with [`admin::PREFIX`] in front (Hydra v2's layout), except where noted.

/// The public router (port 4444).
pub mod public {
    pub const AUTH: &str = "/oauth2/auth";
    pub const TOKEN: &str = "/oauth2/token";
    pub const REVOKE: &str = "/oauth2/revoke";
    pub const USERINFO: &str = "/userinfo";
    pub const JWKS: &str = "/.well-known/jwks.json";
    pub const OPENID_CONFIGURATION: &str = "/.well-known/openid-configuration";
    pub const OAUTH_AUTHORIZATION_SERVER: &str = "/.well-known/oauth-authorization-server";
    /// RP-initiated logout (`end_session_endpoint`).
    pub const LOGOUT: &str = "/oauth2/sessions/logout";
    /// RFC 8628's device authorization endpoint, and the verification URI given to the
    /// user (Hydra v26's paths).
    pub const DEVICE_AUTH: &str = "/oauth2/device/auth";
    pub const DEVICE_VERIFY: &str = "/oauth2/device/verify";
    /// Dynamic client registration (RFC 7591/7592), when enabled.
    pub const REGISTER: &str = "/oauth2/register";

    /// Hydra's placeholder pages when no login, consent, logout or error app is set.
    pub mod fallbacks {
        pub const ERROR: &str = "/oauth2/fallbacks/error";
        pub const LOGIN: &str = "/oauth2/fallbacks/login";
        pub const CONSENT: &str = "/oauth2/fallbacks/consent";
        pub const LOGOUT: &str = "/oauth2/fallbacks/logout";
        pub const LOGOUT_CALLBACK: &str = "/oauth2/fallbacks/logout/callback";
    }

    /// The built-in pages (`identity.ui.enabled`).
    pub mod ui {
        pub const LOGIN: &str = "/ui/login";
        pub const CONSENT: &str = "/ui/consent";
        pub const LOGOUT: &str = "/ui/logout";
        pub const ERROR: &str = "/ui/error";
        /// The built-in `urls.device.verification` and `urls.device.success`.
        pub const DEVICE: &str = "/ui/device";
        pub const DEVICE_DONE: &str = "/ui/device/done";
        /// Sign-in through upstream provider `{id}`: the start (served also when the
        /// pages are off, for a headless login app), the provider's redirect back, and
        /// where the provider's logout returns.
        pub const UPSTREAM_START: &str = "/ui/login/upstream/{id}";
        pub const UPSTREAM_CALLBACK: &str = "/ui/login/upstream/{id}/callback";
        pub const UPSTREAM_LOGOUT_CALLBACK: &str = "/ui/logout/upstream/{id}/callback";

        /// `template` with `{id}` replaced.
        pub fn for_provider(template: &str, id: &str) -> String {
            template.replace("{id}", id)
        }
    }

    /// The first-party login API (`identity.first_party.enabled`).
    pub mod api {
        pub const LOGIN: &str = "/api/v1/login";
        pub const REFRESH: &str = "/api/v1/refresh";
        pub const LOGOUT: &str = "/api/v1/logout";
        pub const OIDC_INFO: &str = "/api/v1/oidc-info";
        pub const CLIENT_CONFIG: &str = "/api/v1/client-config";
        /// The path Flyte's command-line tools bootstrap from (alias of CLIENT_CONFIG).
        pub const FLYTE_CLIENT: &str = "/config/v1/flyte_client";
    }
}

/// The admin router (port 4445).
pub mod admin {
    /// Hydra v2's prefix; every admin route below is also served under it.
    pub const PREFIX: &str = "/admin";
    pub const VERSION: &str = "/version";
    pub const METRICS: &str = "/metrics/prometheus";
    pub const CLIENTS: &str = "/clients";
    pub const KEYS: &str = "/keys";
    pub const INTROSPECT: &str = "/oauth2/introspect";
    /// Hydra 1.9.2 only (no `/admin` twin).
    pub const FLUSH: &str = "/oauth2/flush";
    pub const TOKENS: &str = "/oauth2/tokens";
    pub const LOGIN_REQUEST: &str = "/oauth2/auth/requests/login";
    pub const CONSENT_REQUEST: &str = "/oauth2/auth/requests/consent";
    pub const LOGOUT_REQUEST: &str = "/oauth2/auth/requests/logout";
    pub const CONSENT_SESSIONS: &str = "/oauth2/auth/sessions/consent";
    pub const LOGIN_SESSIONS: &str = "/oauth2/auth/sessions/login";
    /// Hydra v2's device challenge (`…/accept`), only under `/admin`.
    pub const DEVICE_REQUEST: &str = "/admin/oauth2/auth/requests/device";
    /// Trusted issuers of the JWT bearer grant (Hydra v2; also without the prefix, as
    /// Hydra 1.11 served it).
    pub const TRUST_JWT_ISSUERS: &str = "/trust/grants/jwt-bearer/issuers";
    /// A Portcullis extension, only under `/admin`.
    pub const USERS: &str = "/admin/users";
    /// Upstream identity providers (a Portcullis extension).
    pub const IDENTITY_PROVIDERS: &str = "/identity/providers";
}

/// On both routers.
pub const HEALTH_ALIVE: &str = "/health/alive";
pub const HEALTH_READY: &str = "/health/ready";
