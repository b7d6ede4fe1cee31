//! The middleware stack shared by both routers.

use super::client_addr::{self, TrustedProxies};
use super::cors::{self, CorsState};
use super::guard::{self, Guard};
use super::timeout::{self, RequestTimeout};
use super::{fallback, metrics, request_id, trace, HttpState};
use crate::config::Settings;
use crate::service::clients::Clients;
use crate::service::oauth2::OAuth2;
use axum::extract::DefaultBodyLimit;
use axum::extract::FromRef;
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

pub fn wrap(
    routes: Router<HttpState>,
    state: HttpState,
    s: &Settings,
    name: &'static str,
) -> Router {
    let listener = if name == "public" {
        &s.serve.public
    } else {
        &s.serve.admin
    };
    // The public router always runs the CORS middleware: a client's own registered
    // origins are honoured on the token, revocation and userinfo endpoints even when
    // `serve.public.cors` is off. The admin router only when its CORS is on.
    let cors = if name == "public" {
        let clients = (Clients::from_ref(&state), OAuth2::from_ref(&state));
        Some(CorsState::new(&listener.cors, Some(clients)))
    } else {
        listener
            .cors
            .enabled
            .then(|| CorsState::new(&listener.cors, None))
    };
    let metrics_state = metrics::MetricsLayerState {
        metrics: Arc::<metrics::Metrics>::from_ref(&state),
        router: name,
    };
    let timeout = RequestTimeout {
        after: s.serve.request_timeout.0,
        style: OAuth2::from_ref(&state).cfg.errors,
    };
    let limit = s.serve.request_body_limit as usize;

    let mut router = routes
        .fallback(fallback::not_found)
        .method_not_allowed_fallback(fallback::method_not_allowed)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state);
    if let Some(cors) = cors {
        router = router.layer(axum::middleware::from_fn_with_state(cors, cors::middleware));
    }
    if let Some(proxies) = TrustedProxies::new(&s.serve.trusted_proxies) {
        router = router.layer(axum::middleware::from_fn_with_state(
            proxies,
            client_addr::middleware,
        ));
    }
    // Outside CORS: a refused Host or a missing API key gets no CORS headers either.
    if let Some(guard) = Guard::new(s, name == "admin") {
        router = router.layer(axum::middleware::from_fn_with_state(
            guard,
            guard::middleware,
        ));
    }
    router
        .layer(axum::middleware::from_fn_with_state(
            metrics_state,
            metrics::record,
        ))
        .layer(axum::middleware::from_fn_with_state(
            timeout,
            timeout::middleware,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(trace::request_span)
                .on_response(trace::record_status),
        )
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn(request_id::middleware))
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    super::ApiError::internal("a request handler panicked").into_response()
}
