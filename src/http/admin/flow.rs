//! Hydra's login, consent and logout request API (`/oauth2/auth/requests/...`) and the
//! session API (`/oauth2/auth/sessions/...`), also under the newer `/admin` prefix.

mod sessions;
mod views;

use crate::app::AppState;
use crate::clock::now;
use crate::flow::consent::AcceptConsent;
use crate::flow::login::AcceptLogin;
use crate::flow::model::RejectError;
use crate::flow::{admin, admin_logout, FlowError};
use crate::http::error::ApiError;
use crate::http::extract::Query;
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

const REQUESTS: &str = "/oauth2/auth/requests";

pub fn routes() -> Router<AppState> {
    let mut r = Router::new();
    for prefix in ["", "/admin"] {
        let p = |s: &str| format!("{prefix}{REQUESTS}{s}");
        r = r
            .route(&p("/login"), get(get_login))
            .route(&p("/login/accept"), put(accept_login))
            .route(&p("/login/reject"), put(reject_login))
            .route(&p("/consent"), get(get_consent))
            .route(&p("/consent/accept"), put(accept_consent))
            .route(&p("/consent/reject"), put(reject_consent))
            .route(&p("/logout"), get(get_logout))
            .route(&p("/logout/accept"), put(accept_logout))
            .route(&p("/logout/reject"), put(reject_logout));
    }
    r.merge(sessions::routes())
}

impl From<FlowError> for ApiError {
    fn from(e: FlowError) -> Self {
        match e {
            FlowError::NotFound => ApiError::not_found("Unable to locate the requested resource"),
            FlowError::Conflict => ApiError::conflict(
                "Unable to process the requested resource because of conflict in the current state",
            ),
            FlowError::Invalid(msg) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", msg)
            }
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

async fn get_login(State(s): State<AppState>, Query(q): Q) -> Result<Response, ApiError> {
    let c = challenge(&q, "login")?;
    let (r, client) = admin::get_login(&s, &c).await?;
    Ok(Json(views::login_request(&c, &r, &client)).into_response())
}

async fn accept_login(
    State(s): State<AppState>,
    Query(q): Q,
    b: Bytes,
) -> Result<Response, ApiError> {
    let c = challenge(&q, "login")?;
    let body: AcceptLogin = body(&b)?;
    Ok(redirect(
        admin::handle_login(&s, &c, Ok(body), now()).await?,
    ))
}

async fn reject_login(
    State(s): State<AppState>,
    Query(q): Q,
    b: Bytes,
) -> Result<Response, ApiError> {
    let c = challenge(&q, "login")?;
    let body: RejectError = body(&b)?;
    Ok(redirect(
        admin::handle_login(&s, &c, Err(body), now()).await?,
    ))
}

async fn get_consent(
    State(s): State<AppState>,
    uri: Uri,
    Query(q): Q,
) -> Result<Response, ApiError> {
    let c = challenge(&q, "consent")?;
    let (r, client) = admin::get_consent(&s, &c).await?;
    Ok(Json(views::consent_request(&c, &r, &client, Api::of(&uri))).into_response())
}

async fn accept_consent(
    State(s): State<AppState>,
    Query(q): Q,
    b: Bytes,
) -> Result<Response, ApiError> {
    let c = challenge(&q, "consent")?;
    let body: AcceptConsent = body(&b)?;
    Ok(redirect(
        admin::handle_consent(&s, &c, Ok(body), now()).await?,
    ))
}

async fn reject_consent(
    State(s): State<AppState>,
    Query(q): Q,
    b: Bytes,
) -> Result<Response, ApiError> {
    let c = challenge(&q, "consent")?;
    let body: RejectError = body(&b)?;
    Ok(redirect(
        admin::handle_consent(&s, &c, Err(body), now()).await?,
    ))
}

async fn get_logout(
    State(s): State<AppState>,
    uri: Uri,
    Query(q): Q,
) -> Result<Response, ApiError> {
    let c = challenge(&q, "logout")?;
    let r = admin_logout::get_logout(&s, &c).await?;
    Ok(Json(views::logout_request(&c, &r, Api::of(&uri))).into_response())
}

async fn accept_logout(State(s): State<AppState>, Query(q): Q) -> Result<Response, ApiError> {
    let c = challenge(&q, "logout")?;
    Ok(redirect(admin_logout::accept_logout(&s, &c).await?))
}

/// The body (Hydra 1.9.2's `rejectRequest`) is ignored, as Hydra does.
async fn reject_logout(State(s): State<AppState>, Query(q): Q) -> Result<Response, ApiError> {
    let c = challenge(&q, "logout")?;
    admin_logout::reject_logout(&s, &c).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
