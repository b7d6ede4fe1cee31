//! Prometheus metrics: request counts and latency per router, route, method and status.
//! The registry belongs to the app (no global), so several servers can share a process.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};
use std::sync::Arc;
use std::time::Instant;

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    upstream_sign_ins: IntCounterVec,
}

impl Metrics {
    pub fn new() -> Arc<Metrics> {
        let registry = Registry::new();
        let labels = &["router", "route", "method", "status"];
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests handled"),
            labels,
        )
        .expect("metric definition is valid");
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency").buckets(
                vec![
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            ),
            labels,
        )
        .expect("metric definition is valid");
        registry
            .register(Box::new(requests.clone()))
            .expect("metric registers once");
        registry
            .register(Box::new(latency.clone()))
            .expect("metric registers once");
        let upstream_sign_ins = IntCounterVec::new(
            Opts::new(
                "upstream_sign_ins_total",
                "Sign-ins through upstream identity providers, by provider and result",
            ),
            &["provider", "result"],
        )
        .expect("metric definition is valid");
        registry
            .register(Box::new(upstream_sign_ins.clone()))
            .expect("metric registers once");
        Arc::new(Metrics {
            registry,
            requests,
            latency,
            upstream_sign_ins,
        })
    }

    fn observe(&self, router: &str, route: &str, method: &str, status: u16, secs: f64) {
        let status = status.to_string();
        let labels = [router, route, method, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.latency.with_label_values(&labels).observe(secs);
    }

    /// Counts one return from provider `provider` with `result` (`ok`, `cancelled`,
    /// `refused`, `rejected`, `failed`, `bad_state`).
    pub fn upstream_sign_in(&self, provider: &str, result: &str) {
        self.upstream_sign_ins
            .with_label_values(&[provider, result])
            .inc();
    }

    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}

#[derive(Clone)]
pub struct MetricsLayerState {
    pub metrics: Arc<Metrics>,
    pub router: &'static str,
}

/// Records every request. Routes are labelled by their pattern (never the raw path, which
/// would let callers create unbounded label values).
pub async fn record(State(s): State<MetricsLayerState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = method_label(req.method());
    let resp = next.run(req).await;
    s.metrics.observe(
        s.router,
        &route,
        method,
        resp.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    resp
}

/// The method as a label. HTTP allows any token as a method, so unknown ones share one
/// label; otherwise every invented method would add series that are never freed.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

pub async fn prometheus(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        metrics.render(),
    )
}
