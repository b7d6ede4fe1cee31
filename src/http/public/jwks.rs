//! `GET /.well-known/jwks.json`: the public keys of the ID-token and access-token sets.

use crate::http::error::ApiError;
use crate::http::HttpState;
use crate::jwk::{KeyManager, ACCESS_TOKEN_SET, ID_TOKEN_SET};
use crate::paths::public::JWKS;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

/// Clients and shared caches may reuse the document briefly. Kept short because a key
/// generated now signs at once: a verifier holding an older copy fails until it refetches
/// (most JWKS clients also refetch on an unknown kid, which a shared cache could defeat).
const CACHE_CONTROL: &str = "public, max-age=30";

pub fn routes() -> Router<HttpState> {
    Router::new().route(JWKS, get(jwks))
}

async fn jwks(State(keys): State<Arc<KeyManager>>) -> Response {
    match keys.public_jwks(&[ID_TOKEN_SET, ACCESS_TOKEN_SET]).await {
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
