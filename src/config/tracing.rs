//! `tracing`: OpenTelemetry traces, with Hydra v2's key names (`tracing.provider: otel`,
//! `tracing.providers.otlp.*`). Off unless a provider is set or the standard
//! `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is in the
//! environment (see `telemetry::otel`).

use super::lenient;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Tracing {
    /// `otel` (Hydra v2's name) or `otlp`; empty follows the `OTEL_*` environment.
    /// Hydra 1.9.2's `jaeger`, `zipkin`, `datadog` and `elastic-apm` start the server
    /// with tracing off and a warning that points to OTLP, which Jaeger, the
    /// OpenTelemetry collector and Datadog's agent all accept.
    pub provider: String,
    /// The `service.name` resource attribute; empty means `OTEL_SERVICE_NAME`, else
    /// `portcullis`.
    pub service_name: String,
    pub providers: TracingProviders,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TracingProviders {
    pub otlp: Otlp,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Otlp {
    /// `host:port` (Hydra v2's form; `/v1/traces` is appended) or a full URL; empty
    /// means the `OTEL_EXPORTER_OTLP_*ENDPOINT` variables, else `http://localhost:4318`.
    pub server_url: String,
    /// Plain HTTP to a `host:port` server URL (a full URL names its own scheme).
    #[serde(deserialize_with = "lenient::bool")]
    pub insecure: bool,
    pub sampling: Sampling,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Sampling {
    /// The share of new traces recorded (0 to 1); a caller's sampled `traceparent` is
    /// always followed.
    #[serde(deserialize_with = "lenient::f64")]
    pub sampling_ratio: f64,
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling {
            sampling_ratio: 1.0,
        }
    }
}
