//! Logging from `log.level` / `log.format` (`RUST_LOG` overrides the level) and, when
//! configured, OpenTelemetry traces (see [`otel`]).
//!
//! Each output has its own filter: the log keeps its level while the trace exporter
//! takes the request, database and argon2 spans, which sit at debug level so that they
//! cost nothing when tracing is off.

mod export;
mod otel;

pub use otel::{continue_trace, enabled, inject_headers, shutdown};

use crate::config::Settings;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

type BoxedLayer = Box<dyn Layer<Registry> + Send + Sync>;

pub fn init(s: &Settings) {
    let level = match s.log.level.as_str() {
        "panic" | "fatal" => "error",
        other => other,
    };
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("{level},sqlx=warn,tower_http=info")));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        // Colour only on a terminal: container logs and files get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let fmt: BoxedLayer = match s.log.format.as_str() {
        "json" => fmt.json().flatten_event(true).with_filter(filter).boxed(),
        "json_pretty" => fmt.json().pretty().with_filter(filter).boxed(),
        _ => fmt.with_filter(filter).boxed(),
    };
    let mut layers = vec![fmt];
    let (otel, notes) = otel::layer(&s.tracing);
    layers.extend(otel);
    // A second init (tests start many servers in one process) is harmless: ignore it.
    let _ = tracing_subscriber::registry().with(layers).try_init();
    for note in notes {
        tracing::warn!("{note}");
    }
}
