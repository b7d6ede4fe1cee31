//! OpenTelemetry traces over OTLP/HTTP.
//!
//! On when `tracing.provider` is `otel` (Hydra v2's name) or `otlp`, or when it is empty
//! and the standard `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
//! is set; `OTEL_SDK_DISABLED=true` turns it off. The collector is
//! `tracing.providers.otlp.server_url`, else those variables, else
//! `http://localhost:4318`; the exporter itself reads `OTEL_EXPORTER_OTLP_PROTOCOL`
//! (`http/protobuf` by default, or `http/json`), `_HEADERS`, `_TIMEOUT` and the batch
//! processor's `OTEL_BSP_*`. W3C `traceparent` is read from requests and written on the
//! server's own outbound requests.
//!
//! What goes into spans is chosen where they are made: the route pattern (never the
//! path with its ids or the query with its codes), the method, the status, the
//! storage operation's name. No request field, header or body is recorded.

use super::export::ExportClient;
use super::BoxedLayer;
use crate::config::{Otlp, Tracing};
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_http::{HeaderExtractor, HeaderInjector};
use opentelemetry_otlp::{WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use opentelemetry_sdk::Resource;
use std::sync::OnceLock;
use tracing::Level;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::Layer;

static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// Whether spans are exported (request spans then take a caller's `traceparent`).
pub fn enabled() -> bool {
    PROVIDER.get().is_some()
}

/// Makes `span` a child of the caller's trace (W3C `traceparent` / `tracestate`).
pub fn continue_trace(span: &tracing::Span, headers: &http::HeaderMap) {
    if enabled() {
        let parent = TraceContextPropagator::new().extract(&HeaderExtractor(headers));
        // Only a malformed header fails, and then the span starts its own trace.
        let _ = span.set_parent(parent);
    }
}

/// Adds the current span's `traceparent` to an outbound request's headers.
pub fn inject_headers(headers: &mut http::HeaderMap) {
    if enabled() {
        let cx = tracing::Span::current().context();
        TraceContextPropagator::new().inject_context(&cx, &mut HeaderInjector(headers));
    }
}

/// Sends what is still buffered and stops the exporter (at the end of `main`).
pub async fn shutdown() {
    if let Some(provider) = PROVIDER.get() {
        let provider = provider.clone();
        // The SDK blocks until its thread has exported, and that export runs on this
        // runtime: wait on the blocking pool, never on a runtime thread.
        let _ = tokio::task::spawn_blocking(move || provider.shutdown()).await;
    }
}

#[derive(Debug, PartialEq)]
enum Plan {
    Off,
    Unsupported(String),
    /// `None`: the exporter reads the `OTEL_EXPORTER_OTLP_*ENDPOINT` variables.
    Export(Option<String>),
}

fn plan(t: &Tracing, env: &dyn Fn(&str) -> Option<String>) -> Plan {
    let set = |name: &str| env(name).is_some_and(|v| !v.trim().is_empty());
    if env("OTEL_SDK_DISABLED").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
        return Plan::Off;
    }
    match t.provider.trim().to_ascii_lowercase().as_str() {
        "" if set("OTEL_EXPORTER_OTLP_ENDPOINT") || set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") => {
            Plan::Export(endpoint(&t.providers.otlp))
        }
        "" => Plan::Off,
        "otel" | "otlp" | "opentelemetry" => Plan::Export(endpoint(&t.providers.otlp)),
        other => Plan::Unsupported(other.to_string()),
    }
}

/// Hydra v2 takes `host:port` and appends `/v1/traces`; a URL with a path is used as
/// it is (the OTLP rule for a signal-specific endpoint).
fn endpoint(o: &Otlp) -> Option<String> {
    let raw = o.server_url.trim().trim_end_matches('/');
    if raw.is_empty() {
        return None;
    }
    if let Some((_, rest)) = raw.split_once("://") {
        return Some(if rest.contains('/') {
            raw.to_string()
        } else {
            format!("{raw}/v1/traces")
        });
    }
    let scheme = if o.insecure { "http" } else { "https" };
    Some(format!("{scheme}://{raw}/v1/traces"))
}

/// The exporting layer, or nothing; plus what to say once logging is up.
pub(super) fn layer(t: &Tracing) -> (Option<BoxedLayer>, Vec<String>) {
    let env = |name: &str| std::env::var(name).ok();
    let endpoint = match plan(t, &env) {
        Plan::Off => return (None, vec![]),
        Plan::Unsupported(p) => {
            return (
                None,
                vec![format!(
                    "tracing.provider {p:?} is not supported and tracing is off; set it to \
                     \"otel\" and send OTLP (Jaeger, Zipkin through the OpenTelemetry \
                     collector, and Datadog's agent accept it)"
                )],
            )
        }
        Plan::Export(endpoint) => endpoint,
    };
    if PROVIDER.get().is_some() {
        return (None, vec![]);
    }
    let runtime = match tokio::runtime::Handle::try_current() {
        Ok(h) => h,
        Err(_) => return (None, vec!["tracing is off: no async runtime".into()]),
    };
    let client = match ExportClient::new(runtime) {
        Ok(c) => c,
        Err(e) => return (None, vec![format!("tracing is off: {e}")]),
    };
    let mut builder = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(client);
    if let Some(url) = &endpoint {
        builder = builder.with_endpoint(url.clone());
    }
    let exporter = match builder.build() {
        Ok(e) => e,
        Err(e) => return (None, vec![format!("tracing is off: {e}")]),
    };
    let mut resource = Resource::builder();
    if !t.service_name.trim().is_empty() {
        resource = resource.with_service_name(t.service_name.trim().to_string());
    } else if env("OTEL_SERVICE_NAME").is_none_or(|v| v.trim().is_empty()) {
        resource = resource.with_service_name("portcullis");
    }
    let ratio = t.providers.otlp.sampling.sampling_ratio;
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
            ratio,
        ))))
        .with_resource(resource.build())
        .build();
    let tracer = provider.tracer("portcullis");
    if PROVIDER.set(provider).is_err() {
        return (None, vec![]);
    }
    // Our spans (requests at info, storage and argon2 at debug) and our warnings; not
    // the dependencies' internals, and never debug events.
    let filter = filter_fn(|m| {
        m.target().starts_with("portcullis")
            && if m.is_span() {
                *m.level() <= Level::DEBUG
            } else {
                *m.level() <= Level::INFO
            }
    });
    let layer = tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_filter(filter)
        .boxed();
    let to = endpoint.unwrap_or_else(|| "the OTEL_EXPORTER_OTLP_* endpoint".into());
    (Some(layer), vec![format!("exporting traces to {to}")])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracing(provider: &str, url: &str, insecure: bool) -> Tracing {
        let mut t = Tracing {
            provider: provider.into(),
            ..Tracing::default()
        };
        t.providers.otlp.server_url = url.into();
        t.providers.otlp.insecure = insecure;
        t
    }

    #[test]
    fn off_unless_configured_or_named_in_the_environment() {
        let none = |_: &str| None;
        assert_eq!(plan(&tracing("", "", false), &none), Plan::Off);
        let env = |n: &str| (n == "OTEL_EXPORTER_OTLP_ENDPOINT").then(|| "http://c:4318".into());
        assert_eq!(plan(&tracing("", "", false), &env), Plan::Export(None));
        let disabled = |n: &str| match n {
            "OTEL_SDK_DISABLED" => Some("TRUE".into()),
            _ => Some("http://c:4318".into()),
        };
        assert_eq!(plan(&tracing("otel", "", false), &disabled), Plan::Off);
        assert_eq!(
            plan(&tracing("jaeger", "", false), &none),
            Plan::Unsupported("jaeger".into())
        );
    }

    #[test]
    fn hydra_style_host_and_port_get_the_traces_path() {
        let none = |_: &str| None;
        let cases = [
            (
                "otel-collector:4318",
                true,
                "http://otel-collector:4318/v1/traces",
            ),
            ("collector:4318", false, "https://collector:4318/v1/traces"),
            ("http://c:4318/", false, "http://c:4318/v1/traces"),
            (
                "http://c:4318/custom/path",
                false,
                "http://c:4318/custom/path",
            ),
        ];
        for (url, insecure, want) in cases {
            assert_eq!(
                plan(&tracing("otel", url, insecure), &none),
                Plan::Export(Some(want.into())),
                "{url}"
            );
        }
    }
}
