//! `POST /oauth2/introspect` and `/admin/oauth2/introspect` (RFC 7662), admin port only.

use crate::http::admin_paths;
use crate::http::error::{no_store_json, OAuthReply};
use crate::http::extract::{oauth_body, Now};
use crate::http::HttpState;
use crate::paths::admin::INTROSPECT;
use crate::protocol::error::OAuthError;
use crate::protocol::form::Params;
use crate::service::oauth2::OAuth2;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;

pub fn routes() -> Router<HttpState> {
    let mut r = Router::new();
    for p in admin_paths(INTROSPECT) {
        r = r.route(&p, post(handle));
    }
    r
}

async fn handle(
    State(oauth2): State<OAuth2>,
    Now(now): Now,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OAuthReply> {
    let fail = |e: OAuthError| OAuthReply::new(e, oauth2.cfg.errors);
    let body = oauth_body(body).map_err(fail)?;
    let params = Params::parse_body(&body).map_err(fail)?;
    let Some(token) = params.get("token") else {
        return Err(fail(OAuthError::invalid_request(
            "The 'token' parameter is missing.",
        )));
    };
    match oauth2.introspect(token, params.get("scope"), now).await {
        Ok(answer) => Ok(no_store_json(&answer)),
        Err(e) => Err(fail(OAuthError::from(e))),
    }
}
