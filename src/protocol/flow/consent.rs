//! Consent step decisions (Hydra's `requestConsent`, `verifyConsent` and the admin
//! accept), as pure functions of the records and the clock.

use super::login::check_csrf;
use super::{check_remember_for, Refused};
use crate::model::flow::{AcceptedConsent, ConsentRequest};
use crate::protocol::authorize::redirect_uri::is_localhost;
use crate::protocol::error::OAuthError;
use crate::protocol::scope::{first_disallowed_audience, scope_allowed};
use serde::Deserialize;
use serde_json::{Map, Value};
use url::Url;

/// What the current authorization request brings to the skip decision.
#[derive(Debug, Clone, Copy)]
pub struct SkipInputs<'a> {
    pub prompt_consent: bool,
    pub public_client: bool,
    pub redirect_uri: &'a Url,
    pub requested_scope: &'a [String],
    pub requested_audience: &'a [String],
    pub scope_strategy: &'a str,
}

/// Whether a remembered consent lets the consent request be skipped: it exists, has not
/// expired, and covers every requested scope and audience. Never for `prompt=consent`,
/// nor for a public client whose redirect URI another app could claim (anything but
/// https or loopback http), since that app would get the grant silently.
pub fn consent_skippable(i: &SkipInputs<'_>, previous: Option<&ConsentRequest>, now: i64) -> bool {
    if i.prompt_consent {
        return false;
    }
    if i.public_client && !strictly_secure(i.redirect_uri) {
        return false;
    }
    let Some(prev) = previous else { return false };
    let a = &prev.accepted;
    if a.remember_for > 0 && prev.requested_at.saturating_add(a.remember_for) < now {
        return false;
    }
    let scopes_covered = i.requested_scope.iter().all(|s| {
        scope_allowed(
            i.scope_strategy,
            a.grant_scope.iter().map(String::as_str),
            s,
        )
    });
    scopes_covered && first_disallowed_audience(&a.grant_audience, i.requested_audience).is_none()
}

fn strictly_secure(u: &Url) -> bool {
    u.scheme() == "https" || (u.scheme() == "http" && is_localhost(u))
}

/// `acceptConsentRequest`; the v2 `context` is accepted, `handled_at` is ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AcceptConsent {
    pub grant_scope: Option<Vec<String>>,
    pub grant_access_token_audience: Option<Vec<String>>,
    pub session: Option<ConsentSession>,
    pub remember: bool,
    pub remember_for: i64,
    pub handled_at: Option<Value>,
    pub context: Option<Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsentSession {
    pub access_token: Option<Map<String, Value>>,
    pub id_token: Option<Map<String, Value>>,
}

pub fn accept_consent(body: AcceptConsent) -> Result<AcceptedConsent, Refused> {
    check_remember_for(body.remember_for)?;
    let session = body.session.unwrap_or_default();
    Ok(AcceptedConsent {
        grant_scope: body.grant_scope.unwrap_or_default(),
        grant_audience: body.grant_access_token_audience.unwrap_or_default(),
        session_access_token: session.access_token.unwrap_or_default(),
        session_id_token: session.id_token.unwrap_or_default(),
        remember: body.remember,
        remember_for: body.remember_for,
        context: body.context.filter(|c| !c.is_null()),
    })
}

/// Checks a consumed consent request when the browser returns with its verifier, in
/// Hydra's order (expiry before the rejection).
pub fn check_consent_return(
    req: &ConsentRequest,
    csrf_cookie: Option<&str>,
    client_id: &str,
    ttl: i64,
    now: i64,
) -> Result<(), OAuthError> {
    if req.requested_at + ttl < now {
        return Err(OAuthError::request_unauthorized(
            "The consent request has expired, please try again.",
        ));
    }
    if let Some(e) = &req.error {
        return Err(OAuthError::from(e));
    }
    if req.authenticated_at == 0 {
        return Err(OAuthError::server_error(
            "the consent request has no authentication time",
        ));
    }
    check_csrf(csrf_cookie, &req.csrf)?;
    if req.client_id != client_id {
        return Err(OAuthError::access_denied(
            "The consent verifier was issued for another OAuth 2.0 Client.",
        ));
    }
    Ok(())
}
