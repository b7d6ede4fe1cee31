//! Token maintenance on the admin port: `POST /oauth2/flush` (Hydra 1.9.2) and
//! `DELETE /oauth2/tokens?client_id=` (also under `/admin/oauth2/tokens`).

use crate::clock::parse_rfc3339;
use crate::http::admin_paths;
use crate::http::extract::{Now, Query};
use crate::http::{ApiError, HttpState};
use crate::paths::admin::{FLUSH, TOKENS};
use crate::service::oauth2::OAuth2;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, post};
use axum::Router;
use serde::Deserialize;

pub fn routes() -> Router<HttpState> {
    let mut r = Router::new().route(FLUSH, post(flush));
    for p in admin_paths(TOKENS) {
        r = r.route(&p, delete(delete_client_tokens));
    }
    r
}

#[derive(Deserialize, Default)]
struct FlushRequest {
    #[serde(rename = "notAfter", default)]
    not_after: Option<String>,
}

async fn flush(
    State(oauth2): State<OAuth2>,
    Now(now): Now,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    // An empty body means "now", where Hydra would fail to decode it.
    let req: FlushRequest = if body.iter().all(u8::is_ascii_whitespace) {
        FlushRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::bad_request(format!("The request body is not valid JSON: {e}"))
        })?
    };
    let not_after = match req.not_after.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            parse_rfc3339(s)
                .ok_or_else(|| ApiError::bad_request("notAfter must be an RFC 3339 date-time"))?,
        ),
    };
    oauth2.flush(not_after, now).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct DeleteQuery {
    #[serde(default)]
    client_id: Option<String>,
}

async fn delete_client_tokens(
    State(oauth2): State<OAuth2>,
    Query(q): Query<DeleteQuery>,
) -> Result<StatusCode, ApiError> {
    let Some(client_id) = q.client_id.filter(|c| !c.is_empty()) else {
        return Err(ApiError::bad_request(
            "The client_id query parameter is required",
        ));
    };
    oauth2.store.revoke_client_tokens(&client_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
