//! Hydra 1.9.2's JSON Web Key API: `/keys/{set}` and `/keys/{set}/{kid}`, also served
//! under the newer `/admin/keys` paths with the same handlers. Thin: parse, call
//! [`KeyManager`](crate::jwk::KeyManager), render.

use crate::app::AppState;
use crate::clock::now;
use crate::http::error::ApiError;
use crate::http::extract::Json;
use crate::jwk::{GenerateRequest, Jwk, JwkError, JwkSet};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub const KEYS: &str = "/keys";
pub const ADMIN_KEYS: &str = "/admin/keys";

pub fn routes() -> Router<AppState> {
    let mut r = Router::new();
    for base in [KEYS, ADMIN_KEYS] {
        r = r
            .route(
                &format!("{base}/{{set}}"),
                get(get_set).post(create).put(put_set).delete(delete_set),
            )
            .route(
                &format!("{base}/{{set}}/{{kid}}"),
                get(get_key).put(put_key).delete(delete_key),
            );
    }
    r
}

impl From<JwkError> for ApiError {
    fn from(e: JwkError) -> ApiError {
        match e {
            JwkError::Invalid(msg) => ApiError::bad_request(msg),
            JwkError::NotFound(_) => ApiError::not_found(e.to_string()),
            JwkError::Conflict(_) => ApiError::conflict(e.to_string()),
            JwkError::Store(s) => s.into(),
            other => ApiError::internal(other),
        }
    }
}

fn path<T>(p: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    p.map(|Path(v)| v)
        .map_err(|e| ApiError::bad_request(format!("The request path is malformed: {e}")))
}

#[tracing::instrument(skip_all)]
async fn create(
    State(state): State<AppState>,
    uri: Uri,
    set: Result<Path<String>, PathRejection>,
    Json(body): Json<GenerateRequest>,
) -> Result<Response, ApiError> {
    let set = path(set)?;
    let keys = state.jwks.generate(&set, &body, now()).await?;
    let mut resp = (StatusCode::CREATED, axum::Json(keys)).into_response();
    if let Ok(location) = uri.path().parse() {
        resp.headers_mut().insert(header::LOCATION, location);
    }
    Ok(resp)
}

#[tracing::instrument(skip_all)]
async fn get_set(
    State(state): State<AppState>,
    set: Result<Path<String>, PathRejection>,
) -> Result<axum::Json<JwkSet>, ApiError> {
    let set = path(set)?;
    Ok(axum::Json(state.jwks.get_set(&set).await?))
}

#[tracing::instrument(skip_all)]
async fn put_set(
    State(state): State<AppState>,
    set: Result<Path<String>, PathRejection>,
    Json(body): Json<JwkSet>,
) -> Result<axum::Json<JwkSet>, ApiError> {
    let set = path(set)?;
    Ok(axum::Json(state.jwks.import_set(&set, &body, now()).await?))
}

async fn delete_set(
    State(state): State<AppState>,
    set: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let set = path(set)?;
    state.jwks.delete_set(&set).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[tracing::instrument(skip_all)]
async fn get_key(
    State(state): State<AppState>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Result<axum::Json<JwkSet>, ApiError> {
    let (set, kid) = path(p)?;
    Ok(axum::Json(state.jwks.get_key(&set, &kid).await?))
}

#[tracing::instrument(skip_all)]
async fn put_key(
    State(state): State<AppState>,
    p: Result<Path<(String, String)>, PathRejection>,
    Json(body): Json<Jwk>,
) -> Result<axum::Json<Jwk>, ApiError> {
    let (set, kid) = path(p)?;
    Ok(axum::Json(
        state.jwks.import_key(&set, &kid, &body, now()).await?,
    ))
}

async fn delete_key(
    State(state): State<AppState>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let (set, kid) = path(p)?;
    state.jwks.delete_key(&set, &kid).await?;
    Ok(StatusCode::NO_CONTENT)
}
