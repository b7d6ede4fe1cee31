//! `/.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`:
//! documents built once at start (`protocol::discovery`), served as they are.

use crate::http::state::Discovery;
use crate::http::HttpState;
use crate::paths::public::{OAUTH_AUTHORIZATION_SERVER, OPENID_CONFIGURATION};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue};
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

async fn openid(State(d): State<Discovery>) -> Response {
    json(d.openid_configuration)
}

async fn oauth(State(d): State<Discovery>) -> Response {
    json(d.authorization_server)
}
