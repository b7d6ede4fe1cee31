//! `/.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`.

use crate::app::AppState;
use crate::oidc::discovery::{authorization_server_metadata, openid_configuration};
use crate::oidc::Urls;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;

pub const OPENID_CONFIGURATION: &str = "/.well-known/openid-configuration";
pub const OAUTH_AUTHORIZATION_SERVER: &str = "/.well-known/oauth-authorization-server";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(OPENID_CONFIGURATION, get(openid))
        .route(OAUTH_AUTHORIZATION_SERVER, get(oauth))
}

async fn openid(State(state): State<AppState>) -> Json<Value> {
    let s = &state.settings;
    Json(openid_configuration(s, &Urls::from_settings(s)))
}

async fn oauth(State(state): State<AppState>) -> Json<Value> {
    let s = &state.settings;
    Json(authorization_server_metadata(s, &Urls::from_settings(s)))
}
