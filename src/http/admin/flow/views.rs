//! The admin API's JSON shapes (Hydra 1.9.2's `loginRequest`, `consentRequest`,
//! `logoutRequest`, `PreviousConsentSession`). Arrays are never `null`.

use crate::client::Client;
use crate::flow::model::{ConsentRequest, LoginRequest, LogoutRequest};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

fn rfc3339(t: i64) -> String {
    OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// `challenge` is the value the caller presented (only its signature is stored).
pub fn login_request(challenge: &str, r: &LoginRequest, client: &Client) -> Value {
    json!({
        "challenge": challenge,
        "requested_scope": r.requested_scope,
        "requested_access_token_audience": r.requested_audience,
        "skip": r.skip,
        "subject": r.subject,
        "oidc_context": r.oidc_context,
        "client": client,
        "request_url": r.request_url,
        "session_id": r.session_id,
    })
}

pub fn consent_request(challenge: &str, r: &ConsentRequest, client: &Client) -> Value {
    json!({
        "challenge": challenge,
        "requested_scope": r.requested_scope,
        "requested_access_token_audience": r.requested_audience,
        "skip": r.skip,
        "subject": r.subject,
        "oidc_context": r.oidc_context,
        "client": client,
        "request_url": r.request_url,
        "login_challenge": r.login_challenge,
        "login_session_id": r.login_session_id,
        "acr": r.acr,
        "amr": r.amr,
        "context": r.context,
    })
}

pub fn logout_request(challenge: &str, r: &LogoutRequest) -> Value {
    json!({
        "challenge": challenge,
        "subject": r.subject,
        "sid": r.sid,
        "request_url": r.request_url,
        "rp_initiated": r.rp_initiated,
    })
}

pub fn previous_consent_session(r: &ConsentRequest, client: &Client) -> Value {
    let a = &r.accepted;
    json!({
        "consent_request": consent_request(&r.challenge_value, r, client),
        "grant_scope": a.grant_scope,
        "grant_access_token_audience": a.grant_audience,
        "session": { "access_token": a.session_access_token, "id_token": a.session_id_token },
        "remember": a.remember,
        "remember_for": a.remember_for,
        "handled_at": r.handled_at.map(rfc3339),
    })
}
