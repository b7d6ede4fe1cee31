//! Logging setup from `log.level` / `log.format` (`RUST_LOG` overrides the level).

use crate::config::Log;
use tracing_subscriber::EnvFilter;

pub fn init(log: &Log) {
    let level = match log.level.as_str() {
        "panic" | "fatal" => "error",
        other => other,
    };
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("{level},sqlx=warn,tower_http=info")));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour only on a terminal: container logs and files get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    // A second init (tests start many servers in one process) is harmless: ignore it.
    let _ = match log.format.as_str() {
        "json" => builder.json().flatten_event(true).try_init(),
        "json_pretty" => builder.json().pretty().try_init(),
        _ => builder.try_init(),
    };
}
