//! Endpoint paths, shared by the routers and the discovery documents.

pub const HEALTH_ALIVE: &str = "/health/alive";
pub const HEALTH_READY: &str = "/health/ready";
pub const VERSION: &str = "/version";
pub const METRICS: &str = "/metrics/prometheus";
