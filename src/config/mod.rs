//! Typed settings with Hydra's key names.
//!
//! Precedence: built-in defaults, then a YAML file, then environment variables named
//! after the key path (`serve.public.port` is `SERVE_PUBLIC_PORT`), exactly as Hydra
//! reads them. Everything is validated once at start; an error names the key.

mod duration;
mod error;
mod lenient;
mod load;
mod model;
mod tracing;
mod upstream;
mod urls;
mod validate;

pub use duration::{parse_duration, Ttl};
pub use error::ConfigError;
pub use load::{load, load_from, Loaded};
pub use model::*;
pub use tracing::{Otlp, Sampling, Tracing, TracingProviders};
pub use upstream::{ClaimPaths, UpstreamProvider, DEFAULT_ID_TOKEN_ALGS};
pub use urls::{with_builtin_urls, Urls};
pub use validate::MIN_SECRET_LEN;

/// A `serve.trusted_proxies` entry: one address, or a CIDR range.
pub fn parse_proxy(s: &str) -> Option<ipnet::IpNet> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .ok()
        .or_else(|| s.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
}
