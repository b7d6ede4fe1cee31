//! `GET|POST /userinfo` (OpenID Connect Core §5.3). The access token comes from
//! `Authorization: Bearer` or, on POST, the form body (RFC 6750 §2.1, §2.2); never
//! from the query string (RFC 9700 §4.3.2).

use crate::http::error::{no_store_json, OAuthReply};
use crate::http::extract::{bearer, oauth_body, Now};
use crate::http::HttpState;
use crate::paths::public::USERINFO;
use crate::protocol::form::Params;
use crate::service::oauth2::userinfo::Userinfo;
use crate::service::oauth2::OAuth2;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<HttpState> {
    Router::new().route(USERINFO, get(handle).post(handle))
}

async fn handle(
    State(oauth2): State<OAuth2>,
    Now(now): Now,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OAuthReply> {
    let style = oauth2.cfg.errors;
    let fail = |e| OAuthReply::new(e, style);
    let body = oauth_body(body).map_err(fail)?;
    let token = match bearer(&headers) {
        Some(t) => Some(t.to_string()),
        None if !body.is_empty() => Params::parse(&body)
            .map_err(fail)?
            .get("access_token")
            .map(str::to_string),
        None => None,
    };
    match oauth2.userinfo(token.as_deref(), now).await.map_err(fail)? {
        Userinfo::Json(claims) => Ok(no_store_json(&claims)),
        Userinfo::Jwt(jwt) => {
            let mut resp = jwt.into_response();
            let h = resp.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/jwt"),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(resp)
        }
    }
}
