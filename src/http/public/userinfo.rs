//! `GET|POST /userinfo` (OpenID Connect Core §5.3). The access token comes from
//! `Authorization: Bearer` or, on POST, the form body (RFC 6750 §2.1, §2.2); never
//! from the query string (RFC 9700 §4.3.2).

use super::token::{authorization, body_or_error, no_store_json, to_http};
use crate::app::AppState;
use crate::clock::now;
use crate::http::OAuthError;
use crate::oauth2::params::Params;
use crate::oidc::discovery::USERINFO_PATH;
use crate::oidc::userinfo::{userinfo, Userinfo};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new().route(USERINFO_PATH, get(handle).post(handle))
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let (scheme, token) = authorization(headers)?.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty())
}

async fn handle(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OAuthError> {
    let body = body_or_error(body)?;
    let token = match bearer(&headers) {
        Some(t) => Some(t),
        None if !body.is_empty() => Params::parse(&body)
            .map_err(to_http)?
            .get("access_token")
            .map(str::to_string),
        None => None,
    };
    match userinfo(&state, token.as_deref(), now())
        .await
        .map_err(to_http)?
    {
        Userinfo::Json(claims) => Ok(no_store_json(&claims)),
        Userinfo::Jwt(jwt) => {
            let mut resp = jwt.into_response();
            let h = resp.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/jwt"),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(resp)
        }
    }
}
