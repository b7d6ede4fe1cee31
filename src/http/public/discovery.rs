//! `/.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`:
//! documents built once at start (`protocol::discovery`), served as they are; Ory's
//! 1.9.2 SDKs get the OpenID document cut to the fields their models accept.

use crate::http::state::Discovery;
use crate::http::HttpState;
use crate::paths::public::{OAUTH_AUTHORIZATION_SERVER, OPENID_CONFIGURATION};
use crate::protocol::discovery::is_hydra_1_9_2_sdk;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route(OPENID_CONFIGURATION, get(openid))
        .route(OAUTH_AUTHORIZATION_SERVER, get(oauth))
}

fn json(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

async fn openid(State(d): State<Discovery>, headers: HeaderMap) -> Response {
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if is_hydra_1_9_2_sdk(agent) {
        json(d.openid_configuration_1_9_2)
    } else {
        json(d.openid_configuration)
    }
}

async fn oauth(State(d): State<Discovery>) -> Response {
    json(d.authorization_server)
}
