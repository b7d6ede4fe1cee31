//! `/admin/users`: the built-in user directory (a Portcullis extension; Hydra has none).
//! Errors are Hydra's genericError; listing paginates like `/clients` (`limit` default
//! 100, at most 500, `offset`, `Link` and `X-Total-Count` headers). No response ever
//! contains a password or a hash.

use crate::http::admin::clients::{limit_offset, pagination_headers, query_values};
use crate::http::error::ApiError;
use crate::http::extract::{Json, Now};
use crate::http::HttpState;
use crate::model::UserProfile;
use crate::paths::admin::USERS;
use crate::secret::Secret;
use crate::service::users::{ListQuery, NewUser, UserError, UserView, Users};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Router;
use serde::Deserialize;

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route(USERS, get(list).post(create))
        .route(
            &format!("{USERS}/{{id}}"),
            get(get_one).put(update).delete(delete),
        )
        .route(&format!("{USERS}/{{id}}/password"), put(set_password))
}

/// The profile fields of a request body. As in Go's `encoding/json` (and so Hydra),
/// `null` means "not set"; unknown fields are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ProfileBody {
    email: Option<String>,
    name: Option<String>,
    roles: Option<Vec<String>>,
    groups: Option<Vec<String>>,
    email_verified: Option<bool>,
    disabled: Option<bool>,
    /// Refused on `PUT /admin/users/{id}`, which must not change it silently.
    password: Option<Secret>,
}

impl ProfileBody {
    fn profile(self) -> UserProfile {
        UserProfile {
            email: self.email.unwrap_or_default(),
            name: self.name.unwrap_or_default(),
            roles: self.roles.unwrap_or_default(),
            groups: self.groups.unwrap_or_default(),
            email_verified: self.email_verified.unwrap_or_default(),
            disabled: self.disabled.unwrap_or_default(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PasswordBody {
    password: Option<Secret>,
}

fn api_error(e: UserError) -> ApiError {
    match e {
        UserError::Invalid(msg) => ApiError::bad_request(msg),
        UserError::NotFound => ApiError::not_found("Unable to locate the resource"),
        UserError::Store(e) => e.into(),
        UserError::Hash(e) => ApiError::internal(e),
    }
}

/// A path that cannot be read (e.g. invalid percent-encoding) names no user.
fn user_id(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    path.map(|Path(id)| id)
        .map_err(|_| ApiError::not_found("Unable to locate the resource"))
}

fn missing_password() -> ApiError {
    ApiError::bad_request("The request body field `password` is missing")
}

async fn create(
    State(users): State<Users>,
    Now(now): Now,
    Json(mut body): Json<ProfileBody>,
) -> Result<Response, ApiError> {
    let password = body.password.take().ok_or_else(missing_password)?;
    let new = NewUser {
        profile: body.profile(),
        password,
    };
    let u = users.create(new, now).await.map_err(api_error)?;
    Ok((StatusCode::CREATED, axum::Json(UserView::from(&u))).into_response())
}

async fn get_one(
    State(users): State<Users>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = user_id(path)?;
    let u = users.get(&id).await.map_err(api_error)?;
    let mut views = users.views(&[u]).await.map_err(api_error)?;
    Ok(axum::Json(views.pop()).into_response())
}

async fn update(
    State(users): State<Users>,
    Now(now): Now,
    path: Result<Path<String>, PathRejection>,
    Json(body): Json<ProfileBody>,
) -> Result<Response, ApiError> {
    let id = user_id(path)?;
    if body.password.is_some() {
        return Err(ApiError::bad_request(
            "The password cannot be changed here; use PUT /admin/users/{id}/password",
        ));
    }
    let u = users
        .update(&id, body.profile(), now)
        .await
        .map_err(api_error)?;
    Ok(axum::Json(UserView::from(&u)).into_response())
}

async fn set_password(
    State(users): State<Users>,
    Now(now): Now,
    path: Result<Path<String>, PathRejection>,
    Json(body): Json<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    let id = user_id(path)?;
    let password = body.password.ok_or_else(missing_password)?;
    users
        .set_password(&id, &password, now)
        .await
        .map_err(api_error)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete(
    State(users): State<Users>,
    path: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let id = user_id(path)?;
    users.delete(&id).await.map_err(api_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Paginated exactly like `/clients` (same parsing, same `Link` and `X-Total-Count`);
/// `?email=` narrows the list to the user with that address (any case).
async fn list(State(users): State<Users>, uri: Uri) -> Result<Response, ApiError> {
    let q = query_values(&uri);
    let (limit, offset) = limit_offset(&q);
    let email = q
        .get("email")
        .and_then(|v| v.first())
        .filter(|e| !e.trim().is_empty())
        .cloned();
    let query = ListQuery {
        email,
        limit,
        offset,
    };
    let page = users.list(&query).await.map_err(api_error)?;
    let views: Vec<UserView> = users.views(&page.users).await.map_err(api_error)?;
    let mut headers = HeaderMap::new();
    pagination_headers(&mut headers, uri.path(), q, page.total, limit, offset);
    Ok((headers, axum::Json(views)).into_response())
}
