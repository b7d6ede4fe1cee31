//! The one OAuth 2.0 error: an RFC 6749 code, fosite's fixed description, a hint that
//! says what exactly went wrong, and debug detail that is shown only with
//! `oauth2.expose_internal_errors`. Every OAuth surface uses it: the authorization
//! endpoint writes it into the redirect ([`OAuthError::to_params`]), the token,
//! revocation, introspection and userinfo endpoints into a JSON body
//! ([`OAuthError::body`]); `http` only adds the status and headers.

use crate::model::flow::RejectError;
use serde_json::{json, Value};

/// A `WWW-Authenticate` challenge to send with a 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Challenge {
    #[default]
    None,
    /// The client tried HTTP Basic (RFC 6749 §5.2).
    Basic,
    /// A missing or bad bearer token (RFC 6750 §3.1).
    Bearer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// The error code: a registered one, or what a login or consent app chose.
    pub error: String,
    /// fosite's description of the code (or the app's).
    pub description: String,
    pub hint: String,
    /// Internal detail; shown only with `oauth2.expose_internal_errors`.
    pub debug: String,
    pub status: u16,
    pub challenge: Challenge,
}

/// How errors are written (`oauth2.include_legacy_error_fields`,
/// `oauth2.expose_internal_errors`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErrorStyle {
    pub legacy: bool,
    pub expose_debug: bool,
}

macro_rules! fosite_errors {
    ($($name:ident => $status:literal, $desc:literal;)*) => {
        /// fosite's description of a registered error code.
        pub fn description_of(code: &str) -> &'static str {
            match code {
                $(stringify!($name) => $desc,)*
                "invalid_token" => "The access token provided is expired, revoked, malformed, or invalid for other reasons.",
                _ => "The authorization server encountered an unexpected condition that prevented it from fulfilling the request.",
            }
        }

        impl OAuthError {
            $(
                pub fn $name(hint: impl Into<String>) -> OAuthError {
                    OAuthError::new(stringify!($name), $status, hint)
                }
            )*
        }
    };
}

fosite_errors! {
    invalid_request => 400, "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.";
    invalid_client => 401, "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).";
    invalid_grant => 400, "The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";
    unauthorized_client => 400, "The client is not authorized to request a token using this method.";
    unsupported_grant_type => 400, "The authorization grant type is not supported by the authorization server.";
    invalid_scope => 400, "The requested scope is invalid, unknown, or malformed.";
    access_denied => 403, "The resource owner or authorization server denied the request.";
    unsupported_response_type => 400, "The authorization server does not support obtaining a token using this method.";
    unsupported_response_mode => 400, "The authorization server does not support obtaining a response using this response mode.";
    request_unauthorized => 401, "The request could not be authorized.";
    request_forbidden => 403, "The request is not allowed.";
    invalid_state => 400, "The state is missing or does not have enough characters and is therefore considered too weak.";
    insufficient_entropy => 400, "The request used a security parameter (e.g., anti-replay, anti-csrf) with insufficient entropy.";
    login_required => 400, "The Authorization Server requires End-User authentication.";
    consent_required => 400, "The Authorization Server requires End-User consent.";
    interaction_required => 400, "The Authorization Server requires End-User interaction of some form to proceed.";
    registration_not_supported => 400, "The OP does not support use of the registration parameter.";
    request_not_supported => 400, "The OP does not support use of the request parameter.";
    request_uri_not_supported => 400, "The OP does not support use of the request_uri parameter.";
    not_found => 404, "Could not find the requested resource(s).";
    authorization_pending => 400, "The authorization request is still pending as the end user hasn't yet completed the user-interaction steps.";
    slow_down => 400, "The authorization request was rate-limited to prevent system overload.";
    expired_token => 400, "The device_code has expired, and the device authorization session has concluded.";
    temporarily_unavailable => 503, "The authorization server is currently unable to handle the request due to a temporary overloading or maintenance of the server.";
}

impl OAuthError {
    /// A registered `code` with fosite's description and `hint`.
    pub fn new(code: &str, status: u16, hint: impl Into<String>) -> OAuthError {
        OAuthError {
            error: code.to_string(),
            description: description_of(code).to_string(),
            hint: hint.into(),
            debug: String::new(),
            status,
            challenge: Challenge::None,
        }
    }

    /// A missing, unknown, expired or revoked bearer token (RFC 6750 §3.1).
    pub fn invalid_token(hint: impl Into<String>) -> OAuthError {
        let mut e = OAuthError::new("invalid_token", 401, hint);
        e.challenge = Challenge::Bearer;
        e
    }

    /// An unexpected failure: the cause is logged and only shown as debug detail.
    pub fn server_error(cause: impl std::fmt::Display) -> OAuthError {
        tracing::error!(error = %cause, "internal error");
        OAuthError::new("server_error", 500, "").with_debug(cause.to_string())
    }

    /// Storage is failing; the client may retry (RFC 6749 §4.1.2.1).
    pub fn unavailable(cause: impl std::fmt::Display) -> OAuthError {
        tracing::error!(error = %cause, "storage error");
        OAuthError::temporarily_unavailable("").with_debug(cause.to_string())
    }

    /// An error chosen by the login or consent app (`rejectRequest`).
    pub fn custom(error: &str, description: &str, hint: &str, debug: &str, status: u16) -> Self {
        OAuthError {
            error: error.into(),
            description: description.into(),
            hint: hint.into(),
            debug: debug.into(),
            status,
            challenge: Challenge::None,
        }
    }

    pub fn with_debug(mut self, debug: impl Into<String>) -> OAuthError {
        self.debug = debug.into();
        self
    }

    /// Asks for HTTP Basic when the client tried it and the answer is a 401.
    pub fn with_basic_challenge(mut self, yes: bool) -> OAuthError {
        if yes && self.status == 401 {
            self.challenge = Challenge::Basic;
        }
        self
    }

    /// fosite's merged description: description, then hint, then (when exposed) debug;
    /// double quotes become single quotes so the value survives naive quoting.
    pub fn merged_description(&self, expose_debug: bool) -> String {
        let mut d = self.description.clone();
        for extra in [Some(&self.hint), expose_debug.then_some(&self.debug)]
            .into_iter()
            .flatten()
        {
            if !extra.is_empty() {
                if !d.is_empty() {
                    d.push(' ');
                }
                d.push_str(extra);
            }
        }
        d.replace('"', "'")
    }

    /// The parameters of an error response at a redirect URI (query, fragment or form).
    pub fn to_params(&self, style: ErrorStyle) -> Vec<(String, String)> {
        let mut out = vec![("error".to_string(), self.error.clone())];
        if style.legacy {
            out.push((
                "error_description".into(),
                self.description.replace('"', "'"),
            ));
            if !self.hint.is_empty() {
                out.push(("error_hint".into(), self.hint.replace('"', "'")));
            }
            if style.expose_debug && !self.debug.is_empty() {
                out.push(("error_debug".into(), self.debug.replace('"', "'")));
            }
        } else {
            out.push((
                "error_description".into(),
                self.merged_description(style.expose_debug),
            ));
        }
        out
    }

    /// The JSON body of an error answered directly (RFC 6749 §5.2), as Hydra 1.9.2
    /// writes it: `{"error", "error_description"}` (description, hint and exposed
    /// debug), or with `legacy` also `error_hint`, `status_code` and `error_debug`, the
    /// description then without the hint.
    pub fn body(&self, style: ErrorStyle) -> Value {
        if !style.legacy {
            return json!({
                "error": self.error,
                "error_description": self.merged_description(style.expose_debug),
            });
        }
        let mut body = json!({
            "error": self.error,
            "error_description": self.description.replace('"', "'"),
            "status_code": self.status,
        });
        if !self.hint.is_empty() {
            body["error_hint"] = self.hint.replace('"', "'").into();
        }
        if style.expose_debug && !self.debug.is_empty() {
            body["error_debug"] = self.debug.replace('"', "'").into();
        }
        body
    }
}

impl From<&RejectError> for OAuthError {
    /// What a login or consent app's rejection tells the client; a status outside
    /// 400–599 becomes 400.
    fn from(r: &RejectError) -> OAuthError {
        let status = u16::try_from(r.status_code)
            .ok()
            .filter(|s| (400..600).contains(s))
            .unwrap_or(400);
        OAuthError::custom(
            &r.error,
            &r.error_description,
            &r.error_hint,
            &r.error_debug,
            status,
        )
    }
}

impl std::fmt::Display for OAuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.merged_description(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_merges_hint_and_only_exposed_debug() {
        let e = OAuthError::invalid_request("Say \"please\".").with_debug("db down");
        let hidden = e.merged_description(false);
        assert!(hidden.ends_with("malformed. Say 'please'."));
        assert!(!hidden.contains("db down"));
        assert!(e
            .merged_description(true)
            .ends_with("Say 'please'. db down"));
    }

    #[test]
    fn legacy_style_keeps_hint_separate() {
        let e = OAuthError::login_required("No session.");
        let p = e.to_params(ErrorStyle {
            legacy: true,
            expose_debug: false,
        });
        assert_eq!(p[0], ("error".into(), "login_required".into()));
        assert!(p.contains(&("error_hint".into(), "No session.".into())));
        let p = e.to_params(ErrorStyle::default());
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn json_bodies_follow_the_style() {
        let e = OAuthError::invalid_grant("Code \"x\" used.").with_debug("row 5");
        let plain = e.body(ErrorStyle::default());
        assert_eq!(plain.as_object().map(|o| o.len()), Some(2));
        assert!(plain["error_description"]
            .as_str()
            .is_some_and(|d| d.ends_with("Code 'x' used.")));
        let legacy = e.body(ErrorStyle {
            legacy: true,
            expose_debug: true,
        });
        assert_eq!(legacy["status_code"], 400);
        assert_eq!(legacy["error_hint"], "Code 'x' used.");
        assert_eq!(legacy["error_debug"], "row 5");
        assert_eq!(legacy["error_description"], description_of("invalid_grant"));
    }

    #[test]
    fn basic_challenges_only_go_with_401() {
        assert_eq!(
            OAuthError::invalid_client("x")
                .with_basic_challenge(true)
                .challenge,
            Challenge::Basic
        );
        assert_eq!(
            OAuthError::invalid_request("x")
                .with_basic_challenge(true)
                .challenge,
            Challenge::None
        );
        assert_eq!(OAuthError::invalid_token("x").challenge, Challenge::Bearer);
    }
}
