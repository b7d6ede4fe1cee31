//! Authorization errors in fosite's shape: an RFC 6749 code, fosite's fixed description,
//! a hint that says what exactly went wrong, and debug detail that is only shown when
//! `oauth2.expose_internal_errors` is set.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthError {
    pub error: String,
    pub description: String,
    pub hint: String,
    pub debug: String,
    pub status: u16,
}

/// How errors are written (`oauth2.include_legacy_error_fields`, `expose_internal_errors`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ErrorStyle {
    pub legacy: bool,
    pub expose_debug: bool,
}

macro_rules! fosite_errors {
    ($($name:ident => $code:literal, $status:literal, $desc:literal;)*) => {
        impl AuthError {
            $(
                pub fn $name(hint: impl Into<String>) -> AuthError {
                    AuthError {
                        error: $code.into(),
                        description: $desc.into(),
                        hint: hint.into(),
                        debug: String::new(),
                        status: $status,
                    }
                }
            )*
        }
    };
}

fosite_errors! {
    invalid_request => "invalid_request", 400, "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.";
    unauthorized_client => "unauthorized_client", 400, "The client is not authorized to request a token using this method.";
    access_denied => "access_denied", 403, "The resource owner or authorization server denied the request.";
    unsupported_response_type => "unsupported_response_type", 400, "The authorization server does not support obtaining a token using this method.";
    unsupported_response_mode => "unsupported_response_mode", 400, "The authorization server does not support obtaining a response using this response mode.";
    invalid_scope => "invalid_scope", 400, "The requested scope is invalid, unknown, or malformed.";
    invalid_client => "invalid_client", 401, "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).";
    request_unauthorized => "request_unauthorized", 401, "The request could not be authorized.";
    request_forbidden => "request_forbidden", 403, "The request is not allowed.";
    invalid_state => "invalid_state", 400, "The state is missing or does not have enough characters and is therefore considered too weak.";
    insufficient_entropy => "insufficient_entropy", 400, "The request used a security parameter (e.g., anti-replay, anti-csrf) with insufficient entropy.";
    login_required => "login_required", 400, "The Authorization Server requires End-User authentication.";
    consent_required => "consent_required", 400, "The Authorization Server requires End-User consent.";
    interaction_required => "interaction_required", 400, "The Authorization Server requires End-User interaction of some form to proceed.";
    registration_not_supported => "registration_not_supported", 400, "The OP does not support use of the registration parameter.";
    request_not_supported => "request_not_supported", 400, "The OP does not support use of the request parameter.";
    request_uri_not_supported => "request_uri_not_supported", 400, "The OP does not support use of the request_uri parameter.";
    not_found => "not_found", 404, "Could not find the requested resource(s).";
}

impl AuthError {
    /// An unexpected failure: the cause is logged and only shown as debug detail.
    pub fn server_error(cause: impl std::fmt::Display) -> AuthError {
        tracing::error!(error = %cause, "authorization flow failed");
        AuthError {
            error: "server_error".into(),
            description: "The authorization server encountered an unexpected condition that prevented it from fulfilling the request.".into(),
            hint: String::new(),
            debug: cause.to_string(),
            status: 500,
        }
    }

    /// An error chosen by the login or consent app (`rejectRequest`).
    pub fn custom(
        error: &str,
        description: &str,
        hint: &str,
        debug: &str,
        status: u16,
    ) -> AuthError {
        AuthError {
            error: error.into(),
            description: description.into(),
            hint: hint.into(),
            debug: debug.into(),
            status,
        }
    }

    pub fn with_debug(mut self, debug: impl Into<String>) -> AuthError {
        self.debug = debug.into();
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

    /// The parameters of an error response (redirect query, fragment or form).
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
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.merged_description(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_merges_hint_and_only_exposed_debug() {
        let e = AuthError::invalid_request("Say \"please\".").with_debug("db down");
        let hidden = e.merged_description(false);
        assert!(hidden.ends_with("malformed. Say 'please'."));
        assert!(!hidden.contains("db down"));
        assert!(e
            .merged_description(true)
            .ends_with("Say 'please'. db down"));
    }

    #[test]
    fn legacy_style_keeps_hint_separate() {
        let e = AuthError::login_required("No session.");
        let p = e.to_params(ErrorStyle {
            legacy: true,
            expose_debug: false,
        });
        assert_eq!(p[0], ("error".into(), "login_required".into()));
        assert!(p.contains(&("error_hint".into(), "No session.".into())));
        let p = e.to_params(ErrorStyle::default());
        assert_eq!(p.len(), 2);
    }
}
