//! Hydra v26's trust API for the JWT bearer grant:
//! `POST|GET /admin/trust/grants/jwt-bearer/issuers`, `GET|DELETE …/{id}` (also without
//! `/admin`, as Hydra 1.11 served it).

use crate::clock::rfc3339;
use crate::http::admin_paths;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Now, Query};
use crate::http::HttpState;
use crate::model::trust::TrustedIssuer;
use crate::paths::admin::TRUST_JWT_ISSUERS;
use crate::protocol::trust::NewTrust;
use crate::service::oauth2::trust::TrustError;
use crate::service::oauth2::OAuth2;
use axum::extract::rejection::PathRejection;
use axum::extract::{MatchedPath, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes() -> Router<HttpState> {
    let mut r = Router::new();
    for base in admin_paths(TRUST_JWT_ISSUERS) {
        r = r
            .route(&base, get(list).post(create))
            .route(&format!("{base}/{{id}}"), get(read).delete(delete));
    }
    r
}

impl From<TrustError> for ApiError {
    fn from(e: TrustError) -> ApiError {
        match e {
            TrustError::NotFound => ApiError::not_found("Unable to locate the requested resource"),
            TrustError::Invalid(msg) => ApiError::bad_request(msg),
            TrustError::Conflict => ApiError::conflict(e.to_string()),
            TrustError::Store(s) => s.into(),
        }
    }
}

/// Hydra's `trustedOAuth2JwtGrantIssuer`.
fn view(t: &TrustedIssuer) -> Value {
    json!({
        "id": t.id,
        "issuer": t.issuer,
        "subject": t.subject,
        "allow_any_subject": t.allow_any_subject,
        "scope": t.scope,
        "public_key": { "set": t.issuer, "kid": t.key_id },
        "created_at": rfc3339(t.created_at),
        "expires_at": rfc3339(t.expires_at),
    })
}

fn id(p: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    p.map(|Path(v)| v)
        .map_err(|e| ApiError::bad_request(format!("The request path is malformed: {e}")))
}

#[tracing::instrument(skip_all)]
async fn create(
    State(oauth2): State<OAuth2>,
    Now(now): Now,
    Json(body): Json<NewTrust>,
) -> Result<Response, ApiError> {
    let t = oauth2.trust_issuer(body, now).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&t))).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    issuer: String,
    page_size: Option<i64>,
    /// The offset of the page, as the previous answer's `Link` would give it.
    page_token: Option<String>,
}

async fn list(
    State(oauth2): State<OAuth2>,
    path: MatchedPath,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let size = q.page_size.unwrap_or(250);
    if !(1..=1000).contains(&size) {
        return Err(ApiError::bad_request(
            "page_size must be between 1 and 1000",
        ));
    }
    let offset = match q.page_token.as_deref() {
        None | Some("") => 0,
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|o| *o >= 0)
            .ok_or_else(|| ApiError::bad_request("page_token is malformed"))?,
    };
    let issuer = Some(q.issuer.as_str()).filter(|i| !i.is_empty());
    let all = oauth2.trusted_issuers(issuer, size, offset).await?;
    let body: Vec<Value> = all.iter().map(view).collect();
    let full = body.len() as i64 == size;
    let mut resp = axum::Json(body).into_response();
    // Ory's token pagination: a full page links to the next one (`page_token`).
    if full {
        let mut next = url::form_urlencoded::Serializer::new(String::new());
        next.append_pair("page_size", &size.to_string());
        next.append_pair("page_token", &(offset + size).to_string());
        if let Some(i) = issuer {
            next.append_pair("issuer", i);
        }
        let link = format!("<{}?{}>; rel=\"next\"", path.as_str(), next.finish());
        if let Ok(v) = HeaderValue::from_str(&link) {
            resp.headers_mut().insert(header::LINK, v);
        }
    }
    Ok(resp)
}

async fn read(
    State(oauth2): State<OAuth2>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let t = oauth2.trusted_issuer(&id(p)?).await?;
    Ok(axum::Json(view(&t)).into_response())
}

async fn delete(
    State(oauth2): State<OAuth2>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    oauth2.distrust_issuer(&id(p)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
