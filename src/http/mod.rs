//! HTTP: the public and admin routers, the shared middleware, the extractors, the two
//! error renderings (RFC 6749 bodies and Hydra's `genericError`) and the built-in
//! pages. Handlers parse, call one service, render.

pub mod admin;
mod client_addr;
mod cors;
pub mod error;
pub mod extract;
mod fallback;
mod guard;
mod health;
pub mod metrics;
mod middleware;
pub mod pages;
pub mod public;
pub mod request_id;
pub mod state;
mod timeout;
mod trace;

pub use error::{ApiError, OAuthReply};
pub use state::HttpState;

use crate::config::Settings;
use crate::paths;
use axum::routing::get;
use axum::Router;

/// The public router (port 4444): OAuth 2.0 and OpenID Connect endpoints, the built-in
/// pages and the first-party API.
pub fn public_router(state: HttpState, settings: &Settings) -> Router {
    let routes = Router::new()
        .route(paths::HEALTH_ALIVE, get(health::alive))
        .route(paths::HEALTH_READY, get(health::ready))
        .merge(public::jwks::routes())
        .merge(public::authorize::routes())
        .merge(public::logout::routes())
        .merge(public::fallbacks::routes())
        .merge(public::token::routes())
        .merge(public::device::routes())
        .merge(public::register::routes(
            settings.oidc.dynamic_client_registration.enabled,
        ))
        .merge(public::revoke::routes())
        .merge(public::userinfo::routes())
        .merge(public::discovery::routes())
        .merge(pages::routes(settings))
        .merge(public::firstparty::routes(settings));
    middleware::wrap(routes, state, settings, "public")
}

/// The admin router (port 4445): management API, never exposed to end users.
pub fn admin_router(state: HttpState, settings: &Settings) -> Router {
    let routes = Router::new()
        .route(paths::HEALTH_ALIVE, get(health::alive))
        .route(paths::HEALTH_READY, get(health::ready))
        .route(paths::admin::VERSION, get(health::version))
        .route(paths::admin::METRICS, get(metrics::prometheus))
        .merge(admin::clients::routes())
        .merge(admin::flow::routes())
        .merge(admin::keys::routes())
        .merge(admin::users::routes())
        .merge(admin::identity::routes())
        .merge(admin::introspect::routes())
        .merge(admin::tokens::routes())
        .merge(admin::trust::routes());
    middleware::wrap(routes, state, settings, "admin")
}

/// Both paths of an admin route: Hydra 1.9.2's and Hydra v2's under `/admin`.
/// Whether a request path is one of Hydra v2's `/admin/...` twins, where the v2 shapes
/// and behaviours apply.
pub(crate) fn is_v2_path(path: &str) -> bool {
    path.strip_prefix(paths::admin::PREFIX)
        .is_some_and(|rest| rest.starts_with('/'))
}

pub(crate) fn admin_paths(path: &str) -> [String; 2] {
    [path.to_string(), format!("{}{path}", paths::admin::PREFIX)]
}
