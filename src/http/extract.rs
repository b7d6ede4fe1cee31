//! Body and query extractors whose rejections use our error formats.
//!
//! Bodies are decoded whatever the `Content-Type` says, as Hydra does, so that a curl
//! call without the header still works; an oversized body is 413, a malformed one 400.
//! The one exception is a JSON body sent by a browser from another site without a JSON
//! content type: see [`cross_site_simple_request`].

use super::error::ApiError;
use crate::clock::Clock;
use crate::protocol::error::OAuthError;
use crate::protocol::flow::cookies::RequestCookies;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

fn body_error(r: BytesRejection) -> (StatusCode, String) {
    let status = r.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        (
            status,
            "The request body is larger than the server accepts".into(),
        )
    } else {
        (
            StatusCode::BAD_REQUEST,
            format!("The request body could not be read: {r}"),
        )
    }
}

fn json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            format!(
                "The request body is not valid JSON for this endpoint: {}",
                e.into_inner()
            )
        } else {
            format!(
                "The request body field `{path}` is invalid: {}",
                e.into_inner()
            )
        }
    })
}

fn urlencoded<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    serde_urlencoded::from_bytes(bytes)
        .map_err(|e| format!("The request parameters are malformed: {e}"))
}

/// Whether a browser sent this request from another site as a "simple" request (a
/// form post, or `fetch` with `mode: 'no-cors'` and a `text/plain` body), which needs no
/// CORS preflight. The page cannot read the answer, but the side effect happens: without
/// this check any web page could create clients with its own redirect URIs on an admin
/// port a browser can reach, or end a first-party session. A JSON content type forces a
/// preflight, so it is allowed here and left to CORS. curl and the SDKs send no `Origin`
/// (or `Sec-Fetch-Site`), so they keep working without the header, as with Hydra.
pub fn cross_site_simple_request(headers: &HeaderMap) -> bool {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || m.ends_with("+json")
        })
        .unwrap_or(false);
    if json {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    // Browsers without Fetch Metadata: an `Origin` naming another host than the one the
    // request was sent to.
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, h)| h);
    origin_host.is_none() || origin_host != host
}

/// The refusal for [`cross_site_simple_request`].
pub fn cross_site_refusal() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "Unsupported Media Type",
        "A browser request from another site must send the body as Content-Type: application/json",
    )
}

/// A JSON body for the admin API (and the first-party JSON API).
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if cross_site_simple_request(req.headers()) {
            return Err(cross_site_refusal());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            let (status, msg) = body_error(r);
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::payload_too_large(msg)
            } else {
                ApiError::bad_request(msg)
            }
        })?;
        json(&bytes).map(Json).map_err(ApiError::bad_request)
    }
}

/// A query string for the admin API.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        urlencoded(q.as_bytes())
            .map(Query)
            .map_err(ApiError::bad_request)
    }
}

/// The body of an OAuth 2.0 request, or the error a client gets for an unreadable or
/// oversized one.
pub fn oauth_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, OAuthError> {
    body.map_err(|r| {
        let status = if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            413
        } else {
            400
        };
        OAuthError::new(
            "invalid_request",
            status,
            "The request body could not be read.",
        )
    })
}

/// The `Authorization` header, if it is readable text.
pub fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

/// The bearer token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let (scheme, token) = authorization(headers)?.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The cookies the browser sent.
pub fn cookies(headers: &HeaderMap) -> RequestCookies {
    RequestCookies::parse(
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
    )
}

/// The current time, read once at the edge from the state's [`Clock`] and passed down to
/// the services as `now`.
pub struct Now(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Now
where
    Clock: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(_: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Now(Clock::from_ref(state).now()))
    }
}

/// The client's address: the one resolved through `serve.trusted_proxies` when set, else
/// the one the connection came from (unspecified when the server runs without connection
/// info, as in router-level tests). The login throttle's per-address key.
pub struct PeerAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(c) = parts.extensions.get::<super::client_addr::ClientAddr>() {
            return Ok(PeerAddr(c.0));
        }
        Ok(PeerAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ))
    }
}
