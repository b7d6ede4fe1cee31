//! `POST /oauth2/introspect` and `/admin/oauth2/introspect` (RFC 7662), admin port only.

use crate::app::AppState;
use crate::clock::now;
use crate::http::public::token::{body_or_error, error_response, no_store_json};
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
    let fail = |e: OAuth2Error| Ok(error_response(e, &state.settings));
    let params = match Params::parse_body(&body) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let Some(token) = params.get("token") else {
        return fail(OAuth2Error::invalid_request(
            "The 'token' parameter is missing.",
        ));
    };
    match introspect(&state, token, params.get("scope"), now()).await {
        Ok(answer) => Ok(no_store_json(&answer)),
        Err(e) => fail(OAuth2Error::server_error(e)),
    }
}
