//! `serve.request_timeout` as an answer in the endpoint's own format. tower-http's
//! `TimeoutLayer` answered a bare 503 with no body and no `Retry-After`; a database that
//! stops answering without closing its connections (a network partition) hits exactly
//! this, on whichever requests were mid-query on a pooled connection. Now the OAuth
//! endpoints answer RFC 6749's `temporarily_unavailable` and everything else Hydra's
//! `genericError`, both 503 with `Retry-After`, like any other outage answer.

use super::error::{ApiError, OAuthReply};
use crate::paths;
use crate::protocol::{ErrorStyle, OAuthError};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

#[derive(Clone, Copy)]
pub struct RequestTimeout {
    pub after: Duration,
    /// How the OAuth endpoints write errors (`oauth2.include_legacy_error_fields`, ...).
    pub style: ErrorStyle,
}

/// The endpoints whose errors are RFC 6749 bodies.
const OAUTH_ENDPOINTS: &[&str] = &[
    paths::public::TOKEN,
    paths::public::REVOKE,
    paths::public::USERINFO,
    paths::admin::INTROSPECT,
];

pub async fn middleware(State(t): State<RequestTimeout>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let path = path.strip_prefix(paths::admin::PREFIX).unwrap_or(path);
    let oauth = OAUTH_ENDPOINTS.contains(&path);
    match tokio::time::timeout(t.after, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            tracing::error!(after = ?t.after, "the request timed out");
            let why =
                "The request took too long (is the database reachable?); try again in a moment";
            if oauth {
                OAuthReply::new(OAuthError::temporarily_unavailable(why), t.style).into_response()
            } else {
                ApiError::unavailable(why).into_response()
            }
        }
    }
}
