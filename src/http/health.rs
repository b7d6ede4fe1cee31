//! `/health/alive`, `/health/ready` (both routers) and `/version` (admin).

use super::state::Health;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;
use std::time::Duration;

pub async fn alive() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// 200 while the database answers, 503 with Hydra's `healthNotReadyStatus` otherwise.
/// The pool reconnects by itself, so readiness returns when the database does.
pub async fn ready(State(health): State<Health>) -> impl IntoResponse {
    match health.store.ping(Duration::from_secs(2)).await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ok" }))),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "errors": { "database": "the database is not reachable" } })),
            )
        }
    }
}

pub async fn version() -> impl IntoResponse {
    Json(json!({ "version": concat!("v", env!("CARGO_PKG_VERSION")) }))
}
