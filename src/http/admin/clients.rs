//! Hydra 1.9.2's client registry: `/clients` and `/clients/{id}`, also served under
//! Hydra v2's `/admin/clients` paths with the same handlers. The v2 paths add the v2
//! fields Portcullis serves (`skip_consent`, `skip_logout_consent`,
//! `access_token_strategy`, the `*_lifespan` fields) on the way in and out; the 1.9.2
//! paths neither read nor show them, and an update there keeps them. v2 also has
//! `PUT /admin/clients/{id}/lifespans`, which sets the lifespans only, and
//! `POST`/`DELETE /admin/clients/{id}/secrets/rotate` (secret rotation).

use crate::http::error::ApiError;
use crate::http::extract::{Json, Now};
use crate::http::HttpState;
use crate::http::{admin_paths, is_v2_path};
use crate::model::client::Lifespans;
use crate::model::{Client, ClientFilter};
use crate::paths::admin::CLIENTS;
use crate::service::clients::{ClientError, Clients};
use crate::service::oauth2::OAuth2;
use axum::extract::rejection::PathRejection;
use axum::extract::{MatchedPath, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use serde::Serialize;

use super::keyset;

mod pagination;

pub use pagination::{
    escape_path_segment, limit_offset, pagination_headers, query_values, DEFAULT_LIMIT, MAX_LIMIT,
};

pub fn routes() -> Router<HttpState> {
    let mut r = Router::new();
    for base in admin_paths(CLIENTS) {
        let one = get(get_one).put(update).delete(delete);
        // PATCH is Hydra v2's; the 1.9.2 path answers 405 as 1.9.2 did.
        let one = if is_v2_path(&base) {
            one.patch(patch)
        } else {
            one
        };
        r = r
            .route(&base, get(list).post(create))
            .route(&format!("{base}/{{id}}"), one);
        if is_v2_path(&base) {
            r = r
                .route(&format!("{base}/{{id}}/lifespans"), put(set_lifespans))
                .route(
                    &format!("{base}/{{id}}/secrets/rotate"),
                    post(rotate_secret).delete(delete_rotated_secrets),
                );
        }
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
            ClientError::Patch(msg) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", msg)
            }
            ClientError::Store(e) => e.into(),
            ClientError::Hash(e) => ApiError::internal(e),
            ClientError::BadRequest(msg) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", msg)
            }
            ClientError::Conflict(msg) => ApiError::conflict(msg),
        }
    }
}

/// A client as the API shows it: with the v2 fields on the v2 paths only, so the 1.9.2
/// SDKs (which refuse unknown fields) keep working.
#[derive(Serialize)]
struct View {
    #[serde(flatten)]
    client: Client,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    v2: Option<serde_json::Map<String, serde_json::Value>>,
    /// Only in the answer to a v2 create, as Hydra v2 gives them.
    #[serde(skip_serializing_if = "Option::is_none")]
    registration_access_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registration_client_uri: Option<String>,
}

impl View {
    fn of(client: Client, v2: bool) -> View {
        View {
            v2: v2.then(|| client.v2_view()),
            client,
            registration_access_token: None,
            registration_client_uri: None,
        }
    }
}

fn id_of(p: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    p.map(|Path(id)| id)
        .map_err(|e| ApiError::bad_request(format!("The client id in the path is malformed: {e}")))
}

/// On the v2 path the answer also carries a registration access token and URI, as
/// Hydra v2 gives every client it creates.
async fn create(
    State(clients): State<Clients>,
    State(oauth2): State<OAuth2>,
    Now(now): Now,
    path: MatchedPath,
    Json(mut body): Json<Client>,
) -> Result<Response, ApiError> {
    let v2 = is_v2_path(path.as_str());
    // Hydra 1.9.2 has no such fields: a body there cannot set them.
    if !v2 {
        body = body.with_v2_fields(Default::default());
    }
    let client = clients.create(body, now).await?;
    let location = format!(
        "{}/{}",
        path.as_str(),
        escape_path_segment(&client.client_id)
    );
    let view = if v2 {
        let r = clients
            .issue_registration(client, &oauth2.keys, &oauth2.cfg.registration)
            .await?;
        View {
            registration_access_token: r.registration_access_token,
            registration_client_uri: Some(r.registration_client_uri),
            ..View::of(r.client, true)
        }
    } else {
        View::of(client, false)
    };
    let mut resp = (StatusCode::CREATED, axum::Json(view)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

async fn get_one(
    State(clients): State<Clients>,
    uri: Uri,
    id: Result<Path<String>, PathRejection>,
) -> Result<axum::Json<View>, ApiError> {
    let client = clients.get(&id_of(id)?).await?;
    Ok(axum::Json(View::of(client, is_v2_path(uri.path()))))
}

/// A PUT replaces the client; on the v2 paths an absent v2 field is `false`.
async fn update(
    State(clients): State<Clients>,
    Now(now): Now,
    uri: Uri,
    id: Result<Path<String>, PathRejection>,
    Json(body): Json<Client>,
) -> Result<axum::Json<View>, ApiError> {
    let v2 = is_v2_path(uri.path());
    let fields = v2.then(|| body.v2_fields());
    let client = clients.update(&id_of(id)?, body, fields, now).await?;
    Ok(axum::Json(View::of(client, v2)))
}

/// An RFC 6902 JSON Patch, validated and stored as a PUT would be.
async fn patch(
    State(clients): State<Clients>,
    Now(now): Now,
    id: Result<Path<String>, PathRejection>,
    Json(body): Json<serde_json::Value>,
) -> Result<axum::Json<View>, ApiError> {
    let client = clients.patch(&id_of(id)?, &body, now).await?;
    Ok(axum::Json(View::of(client, true)))
}

/// Hydra v2's `setOAuth2ClientLifespans`: replaces the `*_lifespan` fields (an absent
/// one is unset) and nothing else; answers the client.
async fn set_lifespans(
    State(clients): State<Clients>,
    Now(now): Now,
    id: Result<Path<String>, PathRejection>,
    Json(body): Json<Lifespans>,
) -> Result<axum::Json<View>, ApiError> {
    let client = clients.set_lifespans(&id_of(id)?, body, now).await?;
    Ok(axum::Json(View::of(client, true)))
}

/// Hydra v2's `rotateOAuth2ClientSecret`: the client with its new secret (shown once).
async fn rotate_secret(
    State(clients): State<Clients>,
    Now(now): Now,
    id: Result<Path<String>, PathRejection>,
) -> Result<axum::Json<View>, ApiError> {
    let client = clients.rotate_secret(&id_of(id)?, now).await?;
    Ok(axum::Json(View::of(client, true)))
}

/// Hydra v2's `deleteRotatedOAuth2ClientSecrets`: the client, its rotated secrets gone.
async fn delete_rotated_secrets(
    State(clients): State<Clients>,
    Now(now): Now,
    id: Result<Path<String>, PathRejection>,
) -> Result<axum::Json<View>, ApiError> {
    let client = clients.delete_rotated_secrets(&id_of(id)?, now).await?;
    Ok(axum::Json(View::of(client, true)))
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
    if is_v2_path(uri.path()) && keyset::wanted(&q) {
        return list_by_keys(clients, &uri, q).await;
    }
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
    let (clients, total) = clients.list(limit, offset, &filter).await?;
    let v2 = is_v2_path(uri.path());
    let views: Vec<View> = clients.into_iter().map(|c| View::of(c, v2)).collect();
    let mut headers = HeaderMap::new();
    pagination_headers(&mut headers, uri.path(), q, total, limit, offset);
    Ok((headers, axum::Json(views)).into_response())
}

/// Hydra v2's listing: a page after `page_token`, and the token of the next page.
async fn list_by_keys(
    clients: Clients,
    uri: &Uri,
    q: std::collections::BTreeMap<String, Vec<String>>,
) -> Result<Response, ApiError> {
    let (size, after) = keyset::CLIENTS
        .parse(&q)
        .and_then(|(size, after)| match after {
            None => Some((size, 0)),
            Some(pk) => pk
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .map(|n| (size, n)),
        })
        .ok_or_else(keyset::foreign_token)?;
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
    // One more than the page: whether there is a next page.
    let mut found = clients.list_after(after, size + 1, &filter).await?;
    let more = found.len() as i64 > size;
    found.truncate(size as usize);
    let next = match found.last() {
        Some((pk, _)) if more => Some(keyset::CLIENTS.token(&pk.to_string())),
        _ => None,
    };
    let views: Vec<View> = found.into_iter().map(|(_, c)| View::of(c, true)).collect();
    let mut headers = HeaderMap::new();
    keyset::headers(&mut headers, uri.path(), &q, size, next.as_deref());
    Ok((headers, axum::Json(views)).into_response())
}
