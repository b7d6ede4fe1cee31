//! HTTP: the public and admin routers, shared middleware and error rendering.
//! Each area has its own `routes()` function; this module assembles them.

pub mod admin;
pub mod error;
pub mod extract;
mod fallback;
mod health;
pub mod metrics;
mod middleware;
pub mod paths;
pub mod public;
pub mod request_id;

pub use error::{ApiError, OAuthError};

use crate::app::AppState;
use axum::routing::get;
use axum::Router;

/// The public router (port 4444): OAuth 2.0 and OpenID Connect endpoints.
pub fn public_router(state: AppState) -> Router {
    let routes = Router::new()
        .route(paths::HEALTH_ALIVE, get(health::alive))
        .route(paths::HEALTH_READY, get(health::ready))
        .merge(public::jwks::routes())
        .merge(public::authorize::routes())
        .merge(public::logout::routes())
        .merge(public::fallbacks::routes())
        .merge(public::token::routes())
        .merge(public::revoke::routes())
        .merge(public::userinfo::routes())
        .merge(public::discovery::routes())
        .merge(public::ui::routes(&state.settings))
        .merge(public::firstparty::routes(&state.settings));
    middleware::wrap(routes, state, "public")
}

/// The admin router (port 4445): management API, never exposed to end users.
pub fn admin_router(state: AppState) -> Router {
    let routes = Router::new()
        .route(paths::HEALTH_ALIVE, get(health::alive))
        .route(paths::HEALTH_READY, get(health::ready))
        .route(paths::VERSION, get(health::version))
        .route(paths::METRICS, get(metrics::prometheus))
        .merge(admin::clients::routes())
        .merge(admin::flow::routes())
        .merge(admin::keys::routes())
        .merge(admin::users::routes())
        .merge(admin::introspect::routes())
        .merge(admin::tokens::routes());
    middleware::wrap(routes, state, "admin")
}
