//! `GET /.well-known/jwks.json`: the public keys of the ID-token and access-token sets.

use crate::app::AppState;
use crate::http::error::ApiError;
use crate::jwk::{ACCESS_TOKEN_SET, ID_TOKEN_SET};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub const PATH: &str = "/.well-known/jwks.json";

/// Clients and shared caches may reuse the document briefly. Kept short because a key
/// generated now signs at once: a verifier holding an older copy fails until it refetches
/// (most JWKS clients also refetch on an unknown kid, which a shared cache could defeat).
const CACHE_CONTROL: &str = "public, max-age=30";

pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, get(jwks))
}

async fn jwks(State(state): State<AppState>) -> Response {
    match state
        .jwks
        .public_jwks(&[ID_TOKEN_SET, ACCESS_TOKEN_SET])
        .await
    {
        Ok(doc) => {
            let mut resp = axum::Json(doc).into_response();
            resp.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(CACHE_CONTROL),
            );
            resp
        }
        Err(e) => ApiError::internal(e).into_response(),
    }
}
