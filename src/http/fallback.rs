//! JSON answers for unknown routes (404) and wrong methods (405).

use super::error::ApiError;
use axum::response::IntoResponse;

pub async fn not_found() -> impl IntoResponse {
    ApiError::not_found("The requested resource could not be found")
}

pub async fn method_not_allowed() -> impl IntoResponse {
    ApiError::method_not_allowed()
}
