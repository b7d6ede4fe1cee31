//! `/oauth2/auth/sessions/consent` (list, revoke) and `/oauth2/auth/sessions/login`
//! (end every login session of a subject; under `/admin` also one session by `sid`),
//! also under `/admin`, where the consent listing pages by keys and filters by
//! `login_session_id` as Hydra v2 does.

use super::views;
use crate::http::admin::clients::{limit_offset, pagination_headers, query_values};
use crate::http::admin::keyset;
use crate::http::admin_paths;
use crate::http::error::ApiError;
use crate::http::extract::Now;
use crate::http::HttpState;
use crate::paths::admin::{CONSENT_SESSIONS, LOGIN_SESSIONS};
use crate::protocol::flow::revocation::RevokeConsentQuery;
use crate::service::flow::admin::ConsentPosition;
use crate::service::flow::Flow;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};

pub fn routes() -> Router<HttpState> {
    let mut r = Router::new();
    for p in admin_paths(CONSENT_SESSIONS) {
        r = r.route(&p, get(list_consent).delete(revoke_consent));
    }
    for p in admin_paths(LOGIN_SESSIONS) {
        r = r.route(&p, delete(revoke_login));
    }
    r
}

fn first(q: &std::collections::BTreeMap<String, Vec<String>>, k: &str) -> String {
    q.get(k)
        .and_then(|v| v.first())
        .cloned()
        .unwrap_or_default()
}

fn missing(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        format!("Query parameter '{name}' is not defined but should have been."),
    )
}

/// Hydra 1.9.2 pages by `limit`/`offset`; under `/admin` v2's keyset pages (`page_size`,
/// `page_token`) unless only `limit`/`offset` are given, and `login_session_id` narrows
/// the list to one login session.
async fn list_consent(
    State(flow): State<Flow>,
    Now(now): Now,
    uri: Uri,
) -> Result<Response, ApiError> {
    let q = query_values(&uri);
    let subject = first(&q, "subject");
    if subject.is_empty() {
        return Err(missing("subject"));
    }
    let api = views::Api::of(&uri);
    let login_session_id = match api {
        views::Api::Admin => first(&q, "login_session_id"),
        views::Api::Hydra1 => String::new(),
    };
    if api == views::Api::Admin && keyset::wanted(&q) {
        let (size, after) = keyset::CONSENT_SESSIONS
            .parse(&q)
            .and_then(|(size, after)| match after {
                None => Some((size, None)),
                Some(c) => ConsentPosition::from_cursor(&c).map(|p| (size, Some(p))),
            })
            .ok_or_else(keyset::foreign_token)?;
        let (found, next) = flow
            .consent_sessions_after(&subject, &login_session_id, after, size, now)
            .await?;
        let body: Vec<_> = found
            .iter()
            .map(|(c, client)| views::previous_consent_session(c, client, api))
            .collect();
        let next = next.map(|p| keyset::CONSENT_SESSIONS.token(&p.to_cursor()));
        let mut resp = Json(body).into_response();
        keyset::headers(resp.headers_mut(), uri.path(), &q, size, next.as_deref());
        return Ok(resp);
    }
    let (limit, offset) = limit_offset(&q);
    let (found, total) = flow
        .consent_sessions(&subject, &login_session_id, limit, offset, now)
        .await?;
    let body: Vec<_> = found
        .iter()
        .map(|(c, client)| views::previous_consent_session(c, client, api))
        .collect();
    let mut resp = Json(body).into_response();
    pagination_headers(resp.headers_mut(), uri.path(), q, total, limit, offset);
    Ok(resp)
}

/// Revokes consent by Hydra 1.9.2's rules on its path and by v2's under `/admin` (where
/// `consent_request_id` picks one consent request); see [`RevokeConsentQuery`].
async fn revoke_consent(State(flow): State<Flow>, uri: Uri) -> Result<Response, ApiError> {
    let q = query_values(&uri);
    let (subject, client) = (first(&q, "subject"), first(&q, "client"));
    let (consent_request_id, all) = (first(&q, "consent_request_id"), first(&q, "all"));
    let query = RevokeConsentQuery {
        subject: &subject,
        client: &client,
        consent_request_id: &consent_request_id,
        all: &all,
    };
    let what = match views::Api::of(&uri) {
        views::Api::Hydra1 => query.hydra1(),
        views::Api::Admin => query.v2(),
    }
    .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", e.0))?;
    flow.revoke_consent(&what).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Hydra 1.9.2 takes `subject`; v2 takes `subject` or `sid` (one session, with
/// back-channel logout; it wins when both are given, as in Hydra).
async fn revoke_login(
    State(flow): State<Flow>,
    Now(now): Now,
    uri: Uri,
) -> Result<Response, ApiError> {
    let q = query_values(&uri);
    let subject = first(&q, "subject");
    let sid = first(&q, "sid");
    if views::Api::of(&uri) == views::Api::Admin {
        if !sid.is_empty() {
            flow.end_login_session(&sid, now).await?;
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
        if subject.is_empty() {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Either 'subject' or 'sid' query parameters need to be defined.",
            ));
        }
    }
    if subject.is_empty() {
        return Err(missing("subject"));
    }
    flow.revoke_login_sessions(&subject).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
