//! Login step decisions (Hydra's `requestAuthentication`, `verifyAuthentication` and
//! the admin accept), as pure functions of the records and the clock.

use super::{check_remember_for, Refused};
use crate::crypto::constant_time_eq;
use crate::model::flow::{AcceptedLogin, LoginRequest, LoginSession};
use crate::protocol::error::OAuthError;
use serde::Deserialize;
use serde_json::Value;

/// What the authorization request says about authentication.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoginPrompt {
    pub none: bool,
    pub login: bool,
    /// 0: not given.
    pub max_age: i64,
}

/// How the login request starts: `skip` with the remembered session, or a fresh login.
#[derive(Debug, Clone, PartialEq)]
pub struct LoginStart {
    pub skip: bool,
    pub subject: String,
    pub authenticated_at: Option<i64>,
    /// The remembered session's id; `None` means a new session id.
    pub session_id: Option<String>,
}

impl LoginStart {
    fn fresh() -> LoginStart {
        LoginStart {
            skip: false,
            subject: String::new(),
            authenticated_at: None,
            session_id: None,
        }
    }
}

/// Decides between skip and a fresh login. `session` is the remembered session from the
/// cookie; `hint_matches` says whether a verified `id_token_hint` names its subject
/// (`None` without a hint).
pub fn start_login(
    prompt: LoginPrompt,
    session: Option<&LoginSession>,
    hint_matches: Option<bool>,
    now: i64,
) -> Result<LoginStart, OAuthError> {
    let decision = match session {
        None => LoginStart::fresh(),
        Some(_) if prompt.login => LoginStart::fresh(),
        Some(s)
            if prompt.max_age > 0 && s.authenticated_at.saturating_add(prompt.max_age) < now =>
        {
            if prompt.none {
                return Err(OAuthError::login_required(
                    "Request failed because prompt is set to 'none' and authentication time reached 'max_age'.",
                ));
            }
            LoginStart::fresh()
        }
        Some(_) if hint_matches == Some(false) => {
            if prompt.none {
                return Err(OAuthError::login_required(
                    "Request failed because subject claim from id_token_hint does not match subject from authentication session.",
                ));
            }
            LoginStart::fresh()
        }
        Some(s) => LoginStart {
            skip: true,
            subject: s.subject.clone(),
            authenticated_at: Some(s.authenticated_at),
            session_id: Some(s.id.clone()),
        },
    };
    if prompt.none && !decision.skip {
        return Err(OAuthError::login_required(
            "Prompt 'none' was requested, but no existing login session was found.",
        ));
    }
    Ok(decision)
}

/// `acceptLoginRequest`. Hydra 1.9.2 refuses unknown fields; the v2 additions are
/// accepted and kept (`amr`, `extend_session_lifespan`, `identity_provider_session_id`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AcceptLogin {
    pub subject: String,
    pub remember: bool,
    pub remember_for: i64,
    pub acr: String,
    pub amr: Option<Vec<String>>,
    pub context: Option<Value>,
    pub force_subject_identifier: String,
    pub extend_session_lifespan: bool,
    pub identity_provider_session_id: String,
}

/// Validates an accept against its request.
pub fn accept_login(
    req: &LoginRequest,
    body: AcceptLogin,
    now: i64,
) -> Result<AcceptedLogin, Refused> {
    if body.subject.is_empty() {
        return Err(Refused::from("Field 'subject' must not be empty."));
    }
    if !req.subject.is_empty() && req.subject != body.subject {
        return Err(Refused::from(
            "Field 'subject' does not match subject from previous authentication.",
        ));
    }
    check_remember_for(body.remember_for)?;
    // A skipped login keeps its session: it stays remembered with its original time.
    let (remember, authenticated_at) = if req.skip {
        (true, req.authenticated_at.unwrap_or(now))
    } else {
        (body.remember, now)
    };
    Ok(AcceptedLogin {
        subject: body.subject,
        remember,
        remember_for: body.remember_for,
        acr: body.acr,
        amr: body.amr.unwrap_or_default(),
        context: body
            .context
            .filter(|c| !c.is_null())
            .unwrap_or_else(|| Value::Object(Default::default())),
        force_subject_identifier: body.force_subject_identifier,
        authenticated_at,
        // Only a skipped login has a session to extend (v2 documents the field so).
        extend_session_lifespan: body.extend_session_lifespan && req.skip,
        identity_provider_session_id: body.identity_provider_session_id,
    })
}

/// Checks a consumed login request when the browser returns with its verifier, in
/// Hydra's order. `client_id` is the current authorization request's client.
pub fn check_login_return(
    req: &LoginRequest,
    csrf_cookie: Option<&str>,
    client_id: &str,
    prompt: LoginPrompt,
    ttl: i64,
    now: i64,
) -> Result<(), OAuthError> {
    if let Some(e) = &req.error {
        return Err(OAuthError::from(e));
    }
    if req.requested_at + ttl < now {
        return Err(OAuthError::request_unauthorized(
            "The login request has expired. Please try again.",
        ));
    }
    check_csrf(csrf_cookie, &req.csrf)?;
    if req.client_id != client_id {
        return Err(OAuthError::access_denied(
            "The login verifier was issued for another OAuth 2.0 Client.",
        ));
    }
    if req.skip && req.accepted.subject != req.subject {
        return Err(OAuthError::server_error(
            "a skipped login was accepted for another subject",
        ));
    }
    let auth_time = req.accepted.authenticated_at;
    if prompt.max_age > 0 && auth_time.saturating_add(prompt.max_age) < req.requested_at {
        return Err(OAuthError::login_required(
            "Failed because authentication time claim is past the max_age.",
        ));
    }
    if prompt.none && auth_time > req.requested_at {
        return Err(OAuthError::login_required(
            "Failed because prompt was set to 'none' but auth_time happened after the authorization request was registered, indicating that the user was logged in during this request which is not allowed.",
        ));
    }
    if prompt.login && auth_time < req.requested_at {
        return Err(OAuthError::login_required(
            "Failed because prompt was set to 'login' but auth_time happened before the authorization request was registered, indicating that the user was not re-authenticated which is forbidden.",
        ));
    }
    Ok(())
}

/// The CSRF cookie must be present and equal the value stored with the request.
pub fn check_csrf(cookie: Option<&str>, stored: &str) -> Result<(), OAuthError> {
    match cookie {
        None => Err(OAuthError::request_forbidden(
            "No CSRF value available in the session cookie.",
        )),
        Some(c) if !constant_time_eq(c.as_bytes(), stored.as_bytes()) => {
            Err(OAuthError::request_forbidden(
                "The CSRF value from the token does not match the CSRF value from the data store.",
            ))
        }
        Some(_) => Ok(()),
    }
}
