//! RFC 6749 §5.2 errors of the token, revocation, introspection and userinfo endpoints,
//! with fosite's descriptions (Hydra 1.9.2 prints `<description> <hint>`).

/// A protocol error. `status` is the HTTP status the edge answers with.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuth2Error {
    pub code: &'static str,
    pub status: u16,
    /// fosite's description followed by the hint (what clients see by default).
    pub description: String,
    /// The hint alone (`error_hint` with `oauth2.include_legacy_error_fields`).
    pub hint: String,
    /// Internal detail, shown only with `oauth2.expose_internal_errors`.
    pub debug: Option<String>,
    /// The client tried HTTP Basic: a 401 carries `WWW-Authenticate: Basic`.
    pub basic_challenge: bool,
    /// A bad bearer token: a 401 carries `WWW-Authenticate: Bearer error="invalid_token"`.
    pub bearer_challenge: bool,
}

fn base(code: &str) -> &'static str {
    match code {
        "invalid_request" => "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.",
        "invalid_client" => "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).",
        "invalid_grant" => "The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
        "unauthorized_client" => "The client is not authorized to request a token using this method.",
        "unsupported_grant_type" => "The authorization grant type is not supported by the authorization server.",
        "invalid_scope" => "The requested scope is invalid, unknown, or malformed.",
        "invalid_token" => "The access token provided is expired, revoked, malformed, or invalid for other reasons.",
        "temporarily_unavailable" => "The authorization server is currently unable to handle the request due to a temporary overloading or maintenance of the server.",
        _ => "The authorization server encountered an unexpected condition that prevented it from fulfilling the request.",
    }
}

impl OAuth2Error {
    /// `code` with fosite's description followed by `hint` (quotes become `'`, as in
    /// fosite).
    pub fn new(code: &'static str, status: u16, hint: &str) -> Self {
        let mut description = base(code).to_string();
        if !hint.is_empty() {
            description.push(' ');
            description.push_str(hint);
        }
        OAuth2Error {
            code,
            status,
            description: description.replace('"', "'"),
            hint: hint.replace('"', "'"),
            debug: None,
            basic_challenge: false,
            bearer_challenge: false,
        }
    }

    pub fn invalid_request(hint: &str) -> Self {
        Self::new("invalid_request", 400, hint)
    }
    pub fn invalid_client(hint: &str) -> Self {
        Self::new("invalid_client", 401, hint)
    }
    pub fn invalid_grant(hint: &str) -> Self {
        Self::new("invalid_grant", 400, hint)
    }
    pub fn unauthorized_client(hint: &str) -> Self {
        Self::new("unauthorized_client", 400, hint)
    }
    pub fn unsupported_grant_type(hint: &str) -> Self {
        Self::new("unsupported_grant_type", 400, hint)
    }
    pub fn invalid_scope(hint: &str) -> Self {
        Self::new("invalid_scope", 400, hint)
    }
    /// A missing, unknown, expired or revoked bearer token (RFC 6750 §3.1).
    pub fn invalid_token(hint: &str) -> Self {
        let mut e = Self::new("invalid_token", 401, hint);
        e.bearer_challenge = true;
        e
    }
    /// Logs `cause`; the client learns nothing about it.
    pub fn server_error(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        let mut e = Self::new("server_error", 500, "");
        e.debug = Some(cause.to_string());
        e
    }
    /// Storage is failing; the client may retry (RFC 6749 §4.1.2.1).
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "storage error");
        let mut e = Self::new("temporarily_unavailable", 503, "");
        e.debug = Some(cause.to_string());
        e
    }

    /// fosite's description without the hint (`error_description` in legacy mode).
    pub fn base_description(&self) -> &'static str {
        base(self.code)
    }

    pub fn with_basic_challenge(mut self, yes: bool) -> Self {
        self.basic_challenge = yes && self.status == 401;
        self
    }
}

impl From<crate::store::StoreError> for OAuth2Error {
    fn from(e: crate::store::StoreError) -> Self {
        if e.is_unstorable_text() {
            return OAuth2Error::invalid_request(
                "The request contains a NUL character (\\u0000), which no value may contain",
            );
        }
        OAuth2Error::server_error(e)
    }
}
