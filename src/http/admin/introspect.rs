//! `POST /oauth2/introspect` and `/admin/oauth2/introspect` (RFC 7662), admin port only.

use crate::app::AppState;
use crate::http::public::token::{body_or_error, no_store_json, now, to_http};
use crate::http::OAuthError;
use crate::oauth2::error::OAuth2Error;
use crate::oauth2::introspect::introspect;
use crate::oauth2::params::Params;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth2/introspect", post(handle))
        .route("/admin/oauth2/introspect", post(handle))
}

async fn handle(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OAuthError> {
    let body = body_or_error(body)?;
    let params = Params::parse_body(&body).map_err(to_http)?;
    let Some(token) = params.get("token") else {
        return Err(to_http(OAuth2Error::invalid_request(
            "The 'token' parameter is missing.",
        )));
    };
    let answer = introspect(&state, token, params.get("scope"), now())
        .await
        .map_err(|e| to_http(OAuth2Error::server_error(e)))?;
    Ok(no_store_json(&answer))
}
