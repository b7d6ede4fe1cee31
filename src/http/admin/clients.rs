//! Hydra 1.9.2's client registry: `/clients` and `/clients/{id}`, also served under the
//! newer `/admin/clients` paths with the same handlers.

use crate::http::admin_paths;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Now};
use crate::http::HttpState;
use crate::model::{Client, ClientFilter};
use crate::paths::admin::CLIENTS;
use crate::service::clients::{ClientError, Clients};
use axum::extract::rejection::PathRejection;
use axum::extract::{MatchedPath, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use pagination::escape_path_segment;

mod keyset;
mod pagination;

pub use pagination::{limit_offset, pagination_headers, query_values, DEFAULT_LIMIT, MAX_LIMIT};

pub fn routes() -> Router<HttpState> {
    let mut r = Router::new();
    for base in admin_paths(CLIENTS) {
        r = r.route(&base, get(list).post(create)).route(
            &format!("{base}/{{id}}"),
            get(get_one).put(update).delete(delete),
        );
    }
    r
}

impl From<ClientError> for ApiError {
    fn from(e: ClientError) -> ApiError {
        match e {
            ClientError::Invalid(e) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_client_metadata",
                e.message,
            ),
            ClientError::NotFound => ApiError::not_found("Unable to locate the resource"),
            ClientError::Store(e) => e.into(),
            ClientError::Hash(e) => ApiError::internal(e),
        }
    }
}

fn id_of(p: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    p.map(|Path(id)| id)
        .map_err(|e| ApiError::bad_request(format!("The client id in the path is malformed: {e}")))
}

async fn create(
    State(clients): State<Clients>,
    Now(now): Now,
    path: MatchedPath,
    Json(body): Json<Client>,
) -> Result<Response, ApiError> {
    let client = clients.create(body, now).await?;
    let location = format!(
        "{}/{}",
        path.as_str(),
        escape_path_segment(&client.client_id)
    );
    let mut resp = (StatusCode::CREATED, axum::Json(client)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

async fn get_one(
    State(clients): State<Clients>,
    id: Result<Path<String>, PathRejection>,
) -> Result<axum::Json<Client>, ApiError> {
    Ok(axum::Json(clients.get(&id_of(id)?).await?))
}

async fn update(
    State(clients): State<Clients>,
    Now(now): Now,
    id: Result<Path<String>, PathRejection>,
    Json(body): Json<Client>,
) -> Result<axum::Json<Client>, ApiError> {
    Ok(axum::Json(clients.update(&id_of(id)?, body, now).await?))
}

async fn delete(
    State(clients): State<Clients>,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    clients.delete(&id_of(id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list(State(clients): State<Clients>, uri: Uri) -> Result<Response, ApiError> {
    let q = query_values(&uri);
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
    // Hydra v2 pages by token on its paths; 1.9.2's paths keep limit and offset, and
    // so does a caller of the v2 paths that asks for them (Hydra 1.10/1.11 tools).
    let offsets = q.contains_key("limit") || q.contains_key("offset");
    if uri.path().starts_with("/admin/") && !offsets {
        let (size, after) = keyset::parse(&q)?;
        let (page, next) = clients.list_after(after, size, &filter).await?;
        let mut headers = HeaderMap::new();
        keyset::headers(&mut headers, uri.path(), &q, size, next);
        return Ok((headers, axum::Json(page)).into_response());
    }
    let (limit, offset) = limit_offset(&q);
    let (clients, total) = clients.list(limit, offset, &filter).await?;
    let mut headers = HeaderMap::new();
    pagination_headers(&mut headers, uri.path(), q, total, limit, offset);
    Ok((headers, axum::Json(clients)).into_response())
}
