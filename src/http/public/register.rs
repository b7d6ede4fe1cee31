//! `POST /oauth2/register`, `GET|PUT|DELETE /oauth2/register/{id}` (RFC 7591/7592),
//! mounted only with `oidc.dynamic_client_registration.enabled` (404 otherwise, as in
//! Hydra). The rules are `service::clients::dynamic`.

use crate::http::error::ApiError;
use crate::http::extract::{authorization, Json, Now};
use crate::http::HttpState;
use crate::paths::public::REGISTER;
use crate::service::clients::dynamic::{Registered, RegistrationError};
use crate::service::clients::Clients;
use crate::service::oauth2::OAuth2;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;

pub fn routes(enabled: bool) -> Router<HttpState> {
    if !enabled {
        return Router::new();
    }
    Router::new().route(REGISTER, post(register)).route(
        &format!("{REGISTER}/{{id}}"),
        get(read).put(update).delete(delete),
    )
}

impl From<RegistrationError> for ApiError {
    fn from(e: RegistrationError) -> ApiError {
        match e {
            RegistrationError::Unauthorized => {
                ApiError::new(StatusCode::UNAUTHORIZED, "invalid_token", e.to_string())
            }
            RegistrationError::Invalid(msg) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_client_metadata", msg)
            }
            RegistrationError::Client(e) => e.into(),
        }
    }
}

/// The bearer token of `Authorization: Bearer …`, if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let h = authorization(headers)?;
    let (scheme, token) = h.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

fn id(p: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    p.map(|Path(v)| v)
        .map_err(|e| ApiError::bad_request(format!("The client id in the path is malformed: {e}")))
}

fn render(status: StatusCode, r: Registered) -> Result<Response, ApiError> {
    let mut v = serde_json::to_value(&r.client).map_err(ApiError::internal)?;
    if let Some(obj) = v.as_object_mut() {
        if let Some(t) = r.registration_access_token {
            obj.insert("registration_access_token".into(), t.into());
        }
        obj.insert(
            "registration_client_uri".into(),
            r.registration_client_uri.into(),
        );
    }
    let mut resp = (status, axum::Json(v)).into_response();
    resp.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

#[tracing::instrument(skip_all)]
async fn register(
    State(clients): State<Clients>,
    State(oauth2): State<OAuth2>,
    Now(now): Now,
    Json(body): Json<Value>,
) -> Result<Response, ApiError> {
    let r = clients
        .register(&body, &oauth2.keys, &oauth2.cfg.registration, now)
        .await?;
    render(StatusCode::CREATED, r)
}

#[tracing::instrument(skip_all)]
async fn read(
    State(clients): State<Clients>,
    State(oauth2): State<OAuth2>,
    headers: HeaderMap,
    p: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let r = clients
        .read_registration(
            &id(p)?,
            bearer(&headers),
            &oauth2.keys,
            &oauth2.cfg.registration,
        )
        .await?;
    render(StatusCode::OK, r)
}

#[tracing::instrument(skip_all)]
async fn update(
    State(clients): State<Clients>,
    State(oauth2): State<OAuth2>,
    Now(now): Now,
    headers: HeaderMap,
    p: Result<Path<String>, PathRejection>,
    Json(body): Json<Value>,
) -> Result<Response, ApiError> {
    let r = clients
        .update_registration(
            &id(p)?,
            bearer(&headers),
            &body,
            &oauth2.keys,
            &oauth2.cfg.registration,
            now,
        )
        .await?;
    render(StatusCode::OK, r)
}

#[tracing::instrument(skip_all)]
async fn delete(
    State(clients): State<Clients>,
    State(oauth2): State<OAuth2>,
    headers: HeaderMap,
    p: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    clients
        .delete_registration(&id(p)?, bearer(&headers), &oauth2.keys)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
