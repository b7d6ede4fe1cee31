//! One span per request, for the log and for OpenTelemetry.
//!
//! It names the route pattern (`POST /oauth2/token`, `GET /clients/{id}`), never the
//! query, which can carry codes, challenges or tokens; the status is added when the
//! answer is ready. A caller's `traceparent` makes it part of the caller's trace.

use axum::extract::MatchedPath;
use axum::http::{Request, Response};
use std::time::Duration;
use tracing::field::Empty;
use tracing::Span;

pub fn request_span<B>(req: &Request<B>) -> Span {
    let method = req.method().as_str();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    let span = tracing::info_span!(
        "http",
        otel.name = Empty,
        otel.kind = "server",
        otel.status_code = Empty,
        http.request.method = %method,
        http.route = route.unwrap_or_default(),
        url.path = %req.uri().path(),
        http.response.status_code = Empty,
    );
    // The exported span's name, built only when spans are exported (a hot path).
    if crate::telemetry::enabled() {
        match route {
            Some(route) => span.record("otel.name", format!("{method} {route}")),
            None => span.record("otel.name", method),
        };
        crate::telemetry::continue_trace(&span, req.headers());
    }
    span
}

pub fn record_status<B>(res: &Response<B>, _latency: Duration, span: &Span) {
    let status = res.status();
    span.record("http.response.status_code", status.as_u16());
    if status.is_server_error() {
        span.record("otel.status_code", "error");
    }
}
