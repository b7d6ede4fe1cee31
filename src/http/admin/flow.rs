//! Hydra's login, consent and logout request API (`/oauth2/auth/requests/...`) and the
//! session API (`/oauth2/auth/sessions/...`), also under the newer `/admin` prefix.

mod sessions;
mod views;

use crate::http::admin_paths;
use crate::http::error::ApiError;
use crate::http::extract::{Now, Query};
use crate::http::HttpState;
use crate::model::flow::RejectError;
use crate::paths::admin::{CONSENT_REQUEST, DEVICE_REQUEST, LOGIN_REQUEST, LOGOUT_REQUEST};
use crate::protocol::flow::consent::AcceptConsent;
use crate::protocol::flow::login::AcceptLogin;
use crate::service::flow::{Flow, FlowError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde_json::json;
use std::collections::HashMap;
use views::Api;

pub fn routes() -> Router<HttpState> {
    let mut r = Router::new();
    for login in admin_paths(LOGIN_REQUEST) {
        r = r
            .route(&login, get(get_login))
            .route(&format!("{login}/accept"), put(accept_login))
            .route(&format!("{login}/reject"), put(reject_login));
    }
    for consent in admin_paths(CONSENT_REQUEST) {
        r = r
            .route(&consent, get(get_consent))
            .route(&format!("{consent}/accept"), put(accept_consent))
            .route(&format!("{consent}/reject"), put(reject_consent));
    }
    for logout in admin_paths(LOGOUT_REQUEST) {
        r = r
            .route(&logout, get(get_logout))
            .route(&format!("{logout}/accept"), put(accept_logout))
            .route(&format!("{logout}/reject"), put(reject_logout));
    }
    r.route(&format!("{DEVICE_REQUEST}/accept"), put(accept_device))
        .merge(sessions::routes())
}

impl From<FlowError> for ApiError {
    fn from(e: FlowError) -> Self {
        match e {
            FlowError::NotFound => ApiError::not_found("Unable to locate the requested resource"),
            FlowError::Handled { .. } => ApiError::conflict(
                "Unable to process the requested resource because of conflict in the current state",
            ),
            FlowError::Invalid(msg) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", msg)
            }
            FlowError::Throttled(_) => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "Too Many Requests",
                "Too many user codes were tried; try again later",
            ),
            FlowError::Store(e) => e.into(),
            FlowError::Internal(e) => ApiError::internal(e),
        }
    }
}

type Q = Query<HashMap<String, String>>;

/// `<kind>_challenge`, or its alias `challenge`.
fn challenge(q: &HashMap<String, String>, kind: &str) -> Result<String, ApiError> {
    q.get(&format!("{kind}_challenge"))
        .or_else(|| q.get("challenge"))
        .filter(|c| !c.is_empty())
        .cloned()
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Query parameter 'challenge' is not defined but should have been.",
            )
        })
}

/// A JSON body; an empty body counts as `{}`.
fn body<T: DeserializeOwned + Default>(bytes: &Bytes) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("Unable to decode the body: {e}"),
        )
    })
}

fn redirect(to: String) -> Response {
    Json(json!({ "redirect_to": to })).into_response()
}

/// A GET of a request already handled: Hydra v2 answers 410 Gone with where to send
/// the browser (the URL that started the flow, so it begins again); Hydra 1.9.2's paths
/// keep their 409. Accept and reject answer 409 on both (v2 documents no 410 there).
fn gone_or(e: FlowError, api: Api) -> Result<Response, ApiError> {
    match e {
        FlowError::Handled { request_url } if api == Api::Admin => Ok((
            StatusCode::GONE,
            Json(json!({ "redirect_to": request_url })),
        )
            .into_response()),
        e => Err(e.into()),
    }
}

/// Hydra v2's `acceptUserCodeRequest`: `{"user_code"}` for a device challenge.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct AcceptDevice {
    user_code: String,
}

async fn accept_device(
    State(flow): State<Flow>,
    Now(now): Now,
    Query(q): Q,
    b: Bytes,
) -> Result<Response, ApiError> {
    let c = challenge(&q, "device")?;
    let body: AcceptDevice = body(&b)?;
    // The login app is the one calling: the person's address is unknown here, so only
    // the per-challenge limit applies (the app limits its own users' attempts).
    Ok(redirect(
        flow.accept_device(&c, &body.user_code, None, now).await?,
    ))
}

async fn get_login(State(flow): State<Flow>, uri: Uri, Query(q): Q) -> Result<Response, ApiError> {
    let c = challenge(&q, "login")?;
    let api = Api::of(&uri);
    let (r, client) = match flow.get_login(&c).await {
        Ok(found) => found,
        Err(e) => return gone_or(e, api),
    };
    Ok(Json(views::login_request(&c, &r, &client, api)).into_response())
}

async fn accept_login(
    State(flow): State<Flow>,
    Now(now): Now,
    Query(q): Q,
    b: Bytes,
) -> Result<Response, ApiError> {
    let c = challenge(&q, "login")?;
    let body: AcceptLogin = body(&b)?;
    Ok(redirect(flow.handle_login(&c, Ok(body), now).await?))
}

async fn reject_login(
    State(flow): State<Flow>,
    Now(now): Now,
    Query(q): Q,
    b: Bytes,
) -> Result<Response, ApiError> {
    let c = challenge(&q, "login")?;
    let body: RejectError = body(&b)?;
    Ok(redirect(flow.handle_login(&c, Err(body), now).await?))
}

async fn get_consent(
    State(flow): State<Flow>,
    uri: Uri,
    Query(q): Q,
) -> Result<Response, ApiError> {
    let c = challenge(&q, "consent")?;
    let api = Api::of(&uri);
    let (r, client) = match flow.get_consent(&c).await {
        Ok(found) => found,
        Err(e) => return gone_or(e, api),
    };
    Ok(Json(views::consent_request(&c, &r, &client, api)).into_response())
}

async fn accept_consent(
    State(flow): State<Flow>,
    Now(now): Now,
    Query(q): Q,
    b: Bytes,
) -> Result<Response, ApiError> {
    let c = challenge(&q, "consent")?;
    let body: AcceptConsent = body(&b)?;
    Ok(redirect(flow.handle_consent(&c, Ok(body), now).await?))
}

async fn reject_consent(
    State(flow): State<Flow>,
    Now(now): Now,
    Query(q): Q,
    b: Bytes,
) -> Result<Response, ApiError> {
    let c = challenge(&q, "consent")?;
    let body: RejectError = body(&b)?;
    Ok(redirect(flow.handle_consent(&c, Err(body), now).await?))
}

async fn get_logout(State(flow): State<Flow>, uri: Uri, Query(q): Q) -> Result<Response, ApiError> {
    let c = challenge(&q, "logout")?;
    let api = Api::of(&uri);
    let r = match flow.get_logout(&c).await {
        Ok(found) => found,
        Err(e) => return gone_or(e, api),
    };
    let v = match api {
        Api::Hydra1 => views::logout_request(&r),
        Api::Admin => {
            let client = flow.logout_client(&r).await?;
            views::logout_request_v2(&c, &r, client.as_ref(), flow.cfg.request_ttl)
        }
    };
    Ok(Json(v).into_response())
}

async fn accept_logout(State(flow): State<Flow>, Query(q): Q) -> Result<Response, ApiError> {
    let c = challenge(&q, "logout")?;
    Ok(redirect(flow.accept_logout(&c).await?))
}

/// The body (Hydra 1.9.2's `rejectRequest`) is ignored, as Hydra does.
async fn reject_logout(State(flow): State<Flow>, Query(q): Q) -> Result<Response, ApiError> {
    let c = challenge(&q, "logout")?;
    flow.reject_logout(&c).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
