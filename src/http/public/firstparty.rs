//! The first-party login API and the public client configuration (Portcullis
//! extensions). Not mounted when `identity.first_party.enabled` is off.
//!
//! * `POST /api/v1/login` `{email, password}` → `{id_token, refresh_token, claims,
//!   expires_by, access_token, token_type, expires_in}`
//! * `POST /api/v1/refresh` `{refresh_token}` → the same, with a new refresh token
//! * `POST /api/v1/logout` (`Authorization: Bearer <access token>` and/or
//!   `{refresh_token}`) → `{}`; also ends the browser session cookie it is sent with
//! * `GET /api/v1/oidc-info` → `{issuer, auth_url, client_id, redirect_url}`
//! * `GET /api/v1/client-config`, alias `GET /config/v1/flyte_client` (the path Flyte's
//!   command-line tools bootstrap from) → `{client_id, redirect_uri, scopes,
//!   authorization_metadata_key}`

use crate::config::Settings;
use crate::http::error::{no_store_json, ApiError};
use crate::http::extract::{
    bearer, cookies, cross_site_refusal, cross_site_simple_request, Json, Now, PeerAddr,
};
use crate::http::HttpState;
use crate::paths::public::api::{CLIENT_CONFIG, FLYTE_CLIENT, LOGIN, LOGOUT, OIDC_INFO, REFRESH};
use crate::secret::Secret;
use crate::service::firstparty::{FirstParty, FirstPartyError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;

pub fn routes(settings: &Settings) -> Router<HttpState> {
    if !settings.identity.first_party.enabled {
        return Router::new();
    }
    Router::new()
        .route(LOGIN, post(login))
        .route(REFRESH, post(refresh))
        .route(LOGOUT, post(logout))
        .route(OIDC_INFO, get(oidc_info))
        .route(CLIENT_CONFIG, get(client_config))
        .route(FLYTE_CLIENT, get(client_config))
}

struct Failure(FirstPartyError);

impl From<FirstPartyError> for Failure {
    fn from(e: FirstPartyError) -> Self {
        Failure(e)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let e = self.0;
        let message = e.to_string();
        let api = match e {
            FirstPartyError::NotConfigured => ApiError::not_found(message),
            FirstPartyError::BadRequest(m) => ApiError::bad_request(m),
            FirstPartyError::InvalidCredentials => {
                ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", message)
            }
            FirstPartyError::Throttled(secs) => {
                let mut r =
                    ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message)
                        .into_response();
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
                return r;
            }
            FirstPartyError::OAuth(o) if o.status < 500 => ApiError::new(
                StatusCode::from_u16(o.status).unwrap_or(StatusCode::BAD_REQUEST),
                o.error.clone(),
                o.merged_description(false),
            ),
            FirstPartyError::OAuth(o) => ApiError::internal(o.merged_description(true)),
            FirstPartyError::Unavailable => ApiError::unavailable(message),
            FirstPartyError::Misconfigured(m) => ApiError::internal(m),
            FirstPartyError::Internal(m) => ApiError::internal(m),
        };
        api.into_response()
    }
}

#[derive(Deserialize)]
struct LoginBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: Secret,
}

async fn login(
    State(fp): State<FirstParty>,
    Now(now): Now,
    PeerAddr(addr): PeerAddr,
    Json(body): Json<LoginBody>,
) -> Result<Response, Failure> {
    let answer = fp.login(&body.email, &body.password, addr, now).await?;
    Ok(no_store_json(&answer))
}

#[derive(Deserialize, Default)]
struct RefreshBody {
    #[serde(default)]
    refresh_token: String,
}

async fn refresh(
    State(fp): State<FirstParty>,
    Now(now): Now,
    Json(body): Json<RefreshBody>,
) -> Result<Response, Failure> {
    let answer = fp.refresh(&body.refresh_token, now).await?;
    Ok(no_store_json(&answer))
}

async fn logout(
    State(fp): State<FirstParty>,
    Now(now): Now,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    // The body may be empty, so the JSON extractor's check is made here: otherwise any
    // site could end the visitor's session with a self-submitting form.
    if cross_site_simple_request(&headers) {
        return Ok(cross_site_refusal().into_response());
    }
    let body: RefreshBody = if body.iter().all(u8::is_ascii_whitespace) {
        RefreshBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            FirstPartyError::BadRequest(format!("The request body is not valid JSON: {e}"))
        })?
    };
    let jar = cookies(&headers);
    let presented: Vec<&str> = bearer(&headers)
        .into_iter()
        .chain(Some(body.refresh_token.as_str()))
        .collect();
    let done = fp.logout(&presented, &jar, now).await?;
    let mut r = no_store_json(&json!({}));
    for c in done.cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(r)
}

async fn oidc_info(State(fp): State<FirstParty>) -> Result<Response, Failure> {
    let client = fp.resolve().await?;
    Ok(axum::Json(client.oidc_info(&fp.cfg.urls)).into_response())
}

async fn client_config(State(fp): State<FirstParty>) -> Result<Response, Failure> {
    let client = fp.resolve().await?;
    Ok(axum::Json(client.public_config()).into_response())
}
