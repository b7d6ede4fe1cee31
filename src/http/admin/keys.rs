//! Hydra 1.9.2's JSON Web Key API: `/keys/{set}` and `/keys/{set}/{kid}`, also served
//! under Hydra v2's `/admin/keys` paths with the same handlers. The one difference is
//! generation: the 1.9.2 paths make a `private:`/`public:` pair, the v2 paths one key
//! under the kid asked for. Thin: parse, call [`KeyManager`](crate::jwk::KeyManager),
//! render.

use crate::http::admin_paths;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Now};
use crate::http::HttpState;
use crate::jwk::{GenerateRequest, Jwk, JwkError, JwkSet, KeyManager, Naming};
use crate::paths::admin::KEYS;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

pub fn routes() -> Router<HttpState> {
    let mut r = Router::new();
    for base in admin_paths(KEYS) {
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
    State(keys): State<Arc<KeyManager>>,
    Now(now): Now,
    uri: Uri,
    set: Result<Path<String>, PathRejection>,
    Json(body): Json<GenerateRequest>,
) -> Result<Response, ApiError> {
    let set = path(set)?;
    let naming = if crate::http::is_v2_path(uri.path()) {
        Naming::Single
    } else {
        Naming::Hydra1Pair
    };
    let generated = keys.generate(&set, &body, naming, now).await?;
    let mut resp = (StatusCode::CREATED, axum::Json(generated)).into_response();
    if let Ok(location) = uri.path().parse() {
        resp.headers_mut().insert(header::LOCATION, location);
    }
    Ok(resp)
}

#[tracing::instrument(skip_all)]
async fn get_set(
    State(keys): State<Arc<KeyManager>>,
    set: Result<Path<String>, PathRejection>,
) -> Result<axum::Json<JwkSet>, ApiError> {
    let set = path(set)?;
    Ok(axum::Json(keys.get_set(&set).await?))
}

#[tracing::instrument(skip_all)]
async fn put_set(
    State(keys): State<Arc<KeyManager>>,
    Now(now): Now,
    set: Result<Path<String>, PathRejection>,
    Json(body): Json<JwkSet>,
) -> Result<axum::Json<JwkSet>, ApiError> {
    let set = path(set)?;
    Ok(axum::Json(keys.import_set(&set, &body, now).await?))
}

async fn delete_set(
    State(keys): State<Arc<KeyManager>>,
    set: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let set = path(set)?;
    keys.delete_set(&set).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[tracing::instrument(skip_all)]
async fn get_key(
    State(keys): State<Arc<KeyManager>>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Result<axum::Json<JwkSet>, ApiError> {
    let (set, kid) = path(p)?;
    Ok(axum::Json(keys.get_key(&set, &kid).await?))
}

#[tracing::instrument(skip_all)]
async fn put_key(
    State(keys): State<Arc<KeyManager>>,
    Now(now): Now,
    p: Result<Path<(String, String)>, PathRejection>,
    Json(body): Json<Jwk>,
) -> Result<axum::Json<Jwk>, ApiError> {
    let (set, kid) = path(p)?;
    Ok(axum::Json(keys.import_key(&set, &kid, &body, now).await?))
}

async fn delete_key(
    State(keys): State<Arc<KeyManager>>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let (set, kid) = path(p)?;
    keys.delete_key(&set, &kid).await?;
    Ok(StatusCode::NO_CONTENT)
}
