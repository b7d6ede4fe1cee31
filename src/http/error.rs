//! The two error surfaces at the edge.
//!
//! * [`ApiError`] is Hydra's `genericError` for the admin API and non-OAuth endpoints:
//!   `{"error", "error_description", "status_code", "request_id"}`.
//! * [`OAuthReply`] renders the one protocol error ([`OAuthError`]) as the RFC 6749
//!   §5.2 body for OAuth 2.0 endpoints, 401 + `WWW-Authenticate` for client failures.
//!
//! Internal errors are logged with their cause and answered opaquely.

use super::request_id::current_request_id;
use crate::protocol::error::{Challenge, ErrorStyle, OAuthError};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// What a value the database cannot hold (a NUL character) is answered with.
pub(crate) const NUL_TEXT: &str =
    "The request contains a NUL character (\\u0000), which no value may contain";

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// Short name, e.g. `Not Found` or `invalid_client_metadata`.
    pub error: String,
    pub description: String,
}

#[derive(Serialize)]
struct GenericError<'a> {
    error: &'a str,
    error_description: &'a str,
    status_code: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        error: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            error: error.into(),
            description: description.into(),
        }
    }

    fn status_text(status: StatusCode) -> &'static str {
        status.canonical_reason().unwrap_or("Error")
    }

    pub fn bad_request(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            Self::status_text(StatusCode::BAD_REQUEST),
            description,
        )
    }

    pub fn not_found(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            Self::status_text(StatusCode::NOT_FOUND),
            description,
        )
    }

    pub fn conflict(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            Self::status_text(StatusCode::CONFLICT),
            description,
        )
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            Self::status_text(StatusCode::METHOD_NOT_ALLOWED),
            "The requested method is not allowed on this resource",
        )
    }

    pub fn payload_too_large(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Self::status_text(StatusCode::PAYLOAD_TOO_LARGE),
            description,
        )
    }

    /// Logs `cause` and answers a 500 that reveals nothing about it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Self::status_text(StatusCode::INTERNAL_SERVER_ERROR),
            "An internal error occurred; the request id identifies it in the server logs",
        )
    }

    pub fn unavailable(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Self::status_text(StatusCode::SERVICE_UNAVAILABLE),
            description,
        )
    }
}

/// How long a client should wait before retrying when storage is unavailable.
pub const RETRY_AFTER_SECS: u64 = 5;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = GenericError {
            error: &self.error,
            error_description: &self.description,
            status_code: self.status.as_u16(),
            request_id: current_request_id(),
        };
        let mut resp = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
        resp
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::Conflict(what) => ApiError::conflict(format!(
                "Unable to insert or update resource because a resource with that {what} exists already"
            )),
            e if e.is_unstorable_text() => ApiError::bad_request(NUL_TEXT),
            e if e.is_unavailable() => {
                tracing::error!(error = %e, "the database is unavailable");
                ApiError::unavailable("The database is unavailable; try again in a moment")
            }
            other => ApiError::internal(other),
        }
    }
}

/// An RFC 6749 error answered directly (token, revocation, introspection, userinfo),
/// rendered in the configured style: the status, the JSON body of
/// [`OAuthError::body`], `Cache-Control: no-store`, and for a 401 the
/// `WWW-Authenticate` challenge it asks for.
#[derive(Debug, Clone)]
pub struct OAuthReply {
    pub error: OAuthError,
    pub style: ErrorStyle,
}

impl OAuthReply {
    pub fn new(error: OAuthError, style: ErrorStyle) -> OAuthReply {
        OAuthReply { error, style }
    }
}

impl IntoResponse for OAuthReply {
    fn into_response(self) -> Response {
        let e = self.error;
        let mut resp = no_store_json(&e.body(self.style));
        *resp.status_mut() =
            StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let challenge = match e.challenge {
            Challenge::None => None,
            Challenge::Basic => Some("Basic realm=\"portcullis\""),
            Challenge::Bearer => Some("Bearer error=\"invalid_token\""),
        };
        if let Some(c) = challenge {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(c));
        }
        if e.status == 503 {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
        resp
    }
}

/// JSON with `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 §5.1).
pub fn no_store_json(value: &impl Serialize) -> Response {
    no_store(axum::Json(value).into_response())
}

/// `resp` with `Cache-Control: no-store` and `Pragma: no-cache`.
pub fn no_store(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}
