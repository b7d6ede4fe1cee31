//! The middleware stack shared by both routers.

use super::{fallback, metrics, request_id, HttpState};
use crate::config::{Cors, Settings};
use axum::extract::DefaultBodyLimit;
use axum::extract::FromRef;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;
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
    let cors = listener.cors.enabled.then(|| cors_layer(&listener.cors));
    let metrics_state = metrics::MetricsLayerState {
        metrics: Arc::<metrics::Metrics>::from_ref(&state),
        router: name,
    };
    let timeout = s.serve.request_timeout.0;
    let limit = s.serve.request_body_limit as usize;

    let mut router = routes
        .fallback(fallback::not_found)
        .method_not_allowed_fallback(fallback::method_not_allowed)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state);
    if let Some(cors) = cors {
        router = router.layer(cors);
    }
    router
        .layer(axum::middleware::from_fn_with_state(metrics_state, metrics::record))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, timeout))
        // Spans carry method and path but never the query string, which can hold codes,
        // challenges or tokens.
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
            }),
        )
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn(request_id::middleware))
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    super::ApiError::internal("a request handler panicked").into_response()
}

fn cors_layer(c: &Cors) -> CorsLayer {
    let methods: Vec<Method> = c
        .allowed_methods
        .iter()
        .filter_map(|m| m.parse().ok())
        .collect();
    let headers: Vec<HeaderName> = c
        .allowed_headers
        .iter()
        .filter_map(|h| h.parse().ok())
        .collect();
    let exposed: Vec<HeaderName> = c
        .exposed_headers
        .iter()
        .filter_map(|h| h.parse().ok())
        .collect();
    let origin = if c.allowed_origins.iter().any(|o| o == "*") {
        // A wildcard with credentials is refused by browsers; mirror the origin instead,
        // which is what Hydra (rs/cors) does.
        AllowOrigin::mirror_request()
    } else {
        AllowOrigin::list(
            c.allowed_origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o).ok()),
        )
    };
    let mut layer = CorsLayer::new()
        .allow_origin(origin)
        .allow_methods(methods)
        .allow_headers(headers)
        .expose_headers(exposed)
        .allow_credentials(c.allow_credentials);
    if c.max_age > 0 {
        layer = layer.max_age(Duration::from_secs(c.max_age));
    }
    layer
}
