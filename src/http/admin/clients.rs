//! Hydra 1.9.2's client registry: `/clients` and `/clients/{id}`, also served under the
//! newer `/admin/clients` paths with the same handlers.

use crate::app::AppState;
use crate::client::{self, Client, ClientFilter, Policy, Prepared, SecretChange};
use crate::clock::now;
use crate::http::error::ApiError;
use crate::http::extract::Json;
use crate::store::HashUpdate;
use axum::extract::rejection::PathRejection;
use axum::extract::{MatchedPath, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use pagination::escape_path_segment;

mod pagination;

pub use pagination::{limit_offset, pagination_headers, query_values, DEFAULT_LIMIT, MAX_LIMIT};

pub const CLIENTS: &str = "/clients";
pub const ADMIN_CLIENTS: &str = "/admin/clients";

pub fn routes() -> Router<AppState> {
    let mut r = Router::new();
    for base in [CLIENTS, ADMIN_CLIENTS] {
        r = r.route(base, get(list).post(create)).route(
            &format!("{base}/{{id}}"),
            get(get_one).put(update).delete(delete),
        );
    }
    r
}

fn not_found() -> ApiError {
    ApiError::not_found("Unable to locate the resource")
}

fn id_of(p: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    p.map(|Path(id)| id)
        .map_err(|e| ApiError::bad_request(format!("The client id in the path is malformed: {e}")))
}

fn invalid(e: client::InvalidMetadata) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_client_metadata",
        e.message,
    )
}

/// Hashes a new secret (off the runtime) and returns what to store and what to show.
async fn secret_change(
    state: &AppState,
    change: &SecretChange,
) -> Result<(Option<String>, Option<String>), ApiError> {
    match change {
        SecretChange::Set(s) => {
            let hash = state.secrets.hash(s).await.map_err(ApiError::internal)?;
            Ok((Some(hash), Some(s.expose().to_string())))
        }
        SecretChange::Keep | SecretChange::Clear => Ok((None, None)),
    }
}

#[tracing::instrument(skip_all)]
async fn create(
    State(state): State<AppState>,
    path: MatchedPath,
    Json(body): Json<Client>,
) -> Result<Response, ApiError> {
    let policy = Policy::from_settings(&state.settings);
    let Prepared { client, secret } =
        client::prepare_create(body, &policy, now()).map_err(invalid)?;
    let (hash, shown) = secret_change(&state, &secret).await?;
    state.store.insert_client(&client, hash.as_deref()).await?;
    let location = format!(
        "{}/{}",
        path.as_str(),
        escape_path_segment(&client.client_id)
    );
    let mut resp = (
        StatusCode::CREATED,
        axum::Json(Client {
            client_secret: shown,
            ..client
        }),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

async fn get_one(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<axum::Json<Client>, ApiError> {
    let id = id_of(id)?;
    let c = state.store.get_client(&id).await?.ok_or_else(not_found)?;
    Ok(axum::Json(c))
}

#[tracing::instrument(skip_all)]
async fn update(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    Json(body): Json<Client>,
) -> Result<axum::Json<Client>, ApiError> {
    let id = id_of(id)?;
    let (existing, stored_hash) = state
        .store
        .get_client_with_secret_hash(&id)
        .await?
        .ok_or_else(not_found)?;
    let policy = Policy::from_settings(&state.settings);
    let Prepared { client, secret } =
        client::prepare_update(&id, body, &existing, stored_hash.is_some(), &policy, now())
            .map_err(invalid)?;
    let (hash, shown) = secret_change(&state, &secret).await?;
    let change = match (&secret, hash.as_deref()) {
        (SecretChange::Set(_), Some(h)) => HashUpdate::Set(h),
        (SecretChange::Clear, _) => HashUpdate::Clear,
        _ => HashUpdate::Keep,
    };
    if !state.store.update_client(&client, change).await? {
        return Err(not_found());
    }
    Ok(axum::Json(Client {
        client_secret: shown,
        ..client
    }))
}

async fn delete(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let id = id_of(id)?;
    if state.store.delete_client(&id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}

async fn list(State(state): State<AppState>, uri: Uri) -> Result<Response, ApiError> {
    let q = query_values(&uri);
    let (limit, offset) = limit_offset(&q);
    let filter_value = |k: &str| {
        q.get(k)
            .and_then(|v| v.first())
            .filter(|v| !v.is_empty())
            .cloned()
    };
    let filter = ClientFilter {
        client_name: filter_value("client_name"),
        owner: filter_value("owner"),
    };
    let (clients, total) = state.store.list_clients(limit, offset, &filter).await?;
    let mut headers = HeaderMap::new();
    pagination_headers(&mut headers, uri.path(), q, total, limit, offset);
    Ok((headers, axum::Json(clients)).into_response())
}
