//! Upstream identity providers (`/identity/providers`, also under `/admin`), each shown
//! as seed 004's `OidcSummary` with its status; and the links of a user to upstream
//! identities (`/admin/users/{id}/identities`).

use crate::config::UpstreamProvider;
use crate::http::admin_paths;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Now, Query};
use crate::http::HttpState;
use crate::paths::admin::{IDENTITY_PROVIDERS, USERS};
use crate::service::federation::admin::ProviderError;
use crate::service::federation::Federation;
use crate::service::users::{UserError, Users};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

pub fn routes() -> Router<HttpState> {
    let mut r = Router::new();
    for base in admin_paths(IDENTITY_PROVIDERS) {
        r = r.route(&base, get(list).post(create)).route(
            &format!("{base}/{{id}}"),
            get(get_one).put(replace).delete(delete),
        );
    }
    r.route(
        &format!("{USERS}/{{id}}/identities"),
        get(list_links).post(add_link).delete(remove_link),
    )
}

impl From<ProviderError> for ApiError {
    fn from(e: ProviderError) -> ApiError {
        match e {
            ProviderError::Invalid(i) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                format!("Field {}: {}", i.key, i.message),
            ),
            ProviderError::NotFound => ApiError::not_found("Unable to locate the resource"),
            e @ (ProviderError::ReadOnly(_)
            | ProviderError::Exists(_)
            | ProviderError::IssuerTaken(_)) => ApiError::conflict(e.to_string()),
            ProviderError::Store(e) => e.into(),
            ProviderError::Internal(e) => ApiError::internal(e),
        }
    }
}

fn id_of(p: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    p.map(|Path(id)| id)
        .map_err(|_| ApiError::not_found("Unable to locate the resource"))
}

async fn list(State(fed): State<Federation>) -> Result<Response, ApiError> {
    Ok(axum::Json(fed.list_providers().await?).into_response())
}

async fn get_one(
    State(fed): State<Federation>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(fed.get_provider(&id_of(id)?).await?).into_response())
}

async fn create(
    State(fed): State<Federation>,
    Now(now): Now,
    Json(body): Json<UpstreamProvider>,
) -> Result<Response, ApiError> {
    let view = fed.create_provider(body, now).await?;
    Ok((StatusCode::CREATED, axum::Json(view)).into_response())
}

async fn replace(
    State(fed): State<Federation>,
    Now(now): Now,
    id: Result<Path<String>, PathRejection>,
    Json(body): Json<UpstreamProvider>,
) -> Result<Response, ApiError> {
    let view = fed.replace_provider(&id_of(id)?, body, now).await?;
    Ok(axum::Json(view).into_response())
}

async fn delete(
    State(fed): State<Federation>,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    fed.delete_provider(&id_of(id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 404 unless user `id` exists.
async fn user_exists(users: &Users, id: &str) -> Result<(), ApiError> {
    match users.get(id).await {
        Ok(_) => Ok(()),
        Err(UserError::NotFound) | Err(UserError::Invalid(_)) => {
            Err(ApiError::not_found("Unable to locate the resource"))
        }
        Err(UserError::Store(e)) => Err(e.into()),
        Err(UserError::Hash(e)) => Err(ApiError::internal(e)),
    }
}

async fn list_links(
    State(fed): State<Federation>,
    State(users): State<Users>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = id_of(id)?;
    user_exists(&users, &id).await?;
    Ok(axum::Json(fed.links(&id).await?).into_response())
}

#[derive(Deserialize)]
struct LinkBody {
    provider_id: String,
    subject: String,
}

async fn add_link(
    State(fed): State<Federation>,
    State(users): State<Users>,
    Now(now): Now,
    id: Result<Path<String>, PathRejection>,
    Json(body): Json<LinkBody>,
) -> Result<Response, ApiError> {
    let id = id_of(id)?;
    user_exists(&users, &id).await?;
    let link = fed
        .add_link(&id, &body.provider_id, &body.subject, now)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(link)).into_response())
}

#[derive(Deserialize)]
struct UnlinkQuery {
    issuer: String,
    subject: String,
}

async fn remove_link(
    State(fed): State<Federation>,
    id: Result<Path<String>, PathRejection>,
    Query(q): Query<UnlinkQuery>,
) -> Result<StatusCode, ApiError> {
    let id = id_of(id)?;
    if fed.remove_link(&id, &q.issuer, &q.subject).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("Unable to locate the resource"))
    }
}
