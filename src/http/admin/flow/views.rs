//! The admin API's JSON shapes (Hydra 1.9.2's `loginRequest`, `consentRequest`,
//! `logoutRequest`, `PreviousConsentSession`). Arrays are never `null`.
//!
//! Under the 1.9.2 paths the objects carry exactly the fields of the 1.9.2 swagger: the
//! generated SDKs of that version refuse any field their model does not know (the Python
//! SDK raises on `amr` in a consent request). The newer `/admin/...` paths add the fields
//! Hydra v2 has (`amr` and `consent_request_id` on consent; the logout `challenge`,
//! `client`, `requested_at` and `expires_at`; the client's v2 fields).

use crate::clock::rfc3339;
use crate::model::flow::{ConsentRequest, LoginRequest, LogoutRequest};
use crate::model::Client;
use serde_json::{json, Value};

/// `challenge` is the value the caller presented (only its signature is stored).
pub fn login_request(challenge: &str, r: &LoginRequest, client: &Client, api: Api) -> Value {
    let mut v = json!({
        "challenge": challenge,
        "requested_scope": r.requested_scope,
        "requested_access_token_audience": r.requested_audience,
        "skip": r.skip,
        "subject": r.subject,
        "oidc_context": r.oidc_context,
        "client": client,
        "request_url": r.request_url,
        "session_id": r.session_id,
    });
    if api == Api::Admin {
        if let Some(c) = v["client"].as_object_mut() {
            c.extend(client.v2_view());
        }
    }
    v
}

/// Which API a view is rendered for: Hydra 1.9.2's paths or the newer `/admin/...` ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Hydra1,
    Admin,
}

impl Api {
    pub fn of(uri: &axum::http::Uri) -> Self {
        if crate::http::is_v2_path(uri.path()) {
            Api::Admin
        } else {
            Api::Hydra1
        }
    }
}

pub fn consent_request(challenge: &str, r: &ConsentRequest, client: &Client, api: Api) -> Value {
    let mut v = json!({
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
        "context": r.context,
    });
    if api == Api::Admin {
        if let Some(c) = v["client"].as_object_mut() {
            c.extend(client.v2_view());
        }
        v["amr"] = json!(r.amr);
        v["consent_request_id"] = json!(consent_request_id(r));
    }
    v
}

/// v2's `consent_request_id`: the stable name of one consent request, which
/// `DELETE .../sessions/consent?consent_request_id=` revokes. It is the request's storage
/// key (the signature half of the challenge), which exists from the start, keys the
/// tokens issued under the consent, and cannot be turned back into the challenge.
pub fn consent_request_id(r: &ConsentRequest) -> &str {
    &r.challenge
}

/// Hydra 1.9.2's `logoutRequest`.
pub fn logout_request(r: &LogoutRequest) -> Value {
    json!({
        "subject": r.subject,
        "sid": r.sid,
        "request_url": r.request_url,
        "rp_initiated": r.rp_initiated,
    })
}

/// Hydra v2's `oAuth2LogoutRequest`: 1.9.2's fields plus the `challenge`, the relying
/// party of an RP-initiated logout (`null` otherwise), and when the request was made and
/// stops being usable (`ttl`: `ttl.login_consent_request`).
pub fn logout_request_v2(
    challenge: &str,
    r: &LogoutRequest,
    client: Option<&Client>,
    ttl: i64,
) -> Value {
    let mut v = logout_request(r);
    v["challenge"] = json!(challenge);
    v["client"] = json!(client);
    v["requested_at"] = json!(rfc3339(r.requested_at));
    v["expires_at"] = json!(rfc3339(r.requested_at.saturating_add(ttl)));
    v
}

pub fn previous_consent_session(r: &ConsentRequest, client: &Client, api: Api) -> Value {
    let a = &r.accepted;
    let mut v = json!({
        "consent_request": consent_request(&r.challenge_value, r, client, api),
        "grant_scope": a.grant_scope,
        "grant_access_token_audience": a.grant_audience,
        "session": { "access_token": a.session_access_token, "id_token": a.session_id_token },
        "remember": a.remember,
        "remember_for": a.remember_for,
        "handled_at": r.handled_at.map(rfc3339),
    });
    if api == Api::Admin {
        v["consent_request_id"] = json!(consent_request_id(r));
        // v2 shows the flow's context: the consent app's if it gave one, else the login's.
        v["context"] = a.context.clone().unwrap_or_else(|| r.context.clone());
    }
    v
}
