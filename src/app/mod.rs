//! Building the application from settings, and serving it.
//!
//! `App::build` connects the store, applies migrations, resolves the system secret and
//! prepares shared state; `App::serve` runs the routers on listeners it is given (tests
//! pass ephemeral ones) until the shutdown future completes, letting in-flight requests
//! finish.

pub mod secret;
mod state;

pub use state::AppState;

use crate::config::Settings;
use crate::crypto::SystemKeys;
use crate::http::metrics::Metrics;
use crate::store::{Backend, Dsn, Store};
use anyhow::Context;
use std::future::Future;
use std::path::PathBuf;
use std::time::Instant;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Apply pending migrations before serving (`serve` does unless told not to).
    pub migrate: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions { migrate: true }
    }
}

pub struct App {
    pub state: AppState,
    started: Instant,
}

/// The DSN in force: the configured one, or a SQLite file in the data directory.
pub fn effective_dsn(settings: &Settings) -> anyhow::Result<Dsn> {
    match &settings.dsn {
        Some(raw) => Dsn::parse(raw).context("configuration key `dsn`"),
        None => {
            let path = PathBuf::from(&settings.data_dir).join("portcullis.sqlite");
            Ok(Dsn {
                backend: Backend::Sqlite { path },
                pool: Default::default(),
            })
        }
    }
}

impl App {
    pub async fn build(settings: Settings, opts: BuildOptions) -> anyhow::Result<App> {
        let started = Instant::now();
        let dsn = effective_dsn(&settings)?;
        let secrets = secret::resolve(&settings, &dsn.backend)?;
        let keys = SystemKeys::derive(&secrets);
        let store = Store::connect(&dsn).await.with_context(|| {
            format!(
                "cannot connect to the database ({})",
                describe(&dsn.backend)
            )
        })?;
        if opts.migrate {
            store
                .migrate()
                .await
                .context("cannot apply database migrations")?;
        }
        secret::check_against_store(&store, &keys).await?;
        let state = AppState::new(settings, store, keys, Metrics::new());
        // Hydra creates the ID-token and access-token key sets at start; safe with
        // several replicas starting at once (see `KeyManager::ensure_default_sets`).
        state
            .jwks
            .ensure_default_sets()
            .await
            .context("cannot create the default JSON Web Key Sets")?;
        Ok(App { state, started })
    }

    /// Serves the routers on the listeners given until `shutdown` completes.
    pub async fn serve(
        self,
        public: Option<TcpListener>,
        admin: Option<TcpListener>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let token = CancellationToken::new();
        let mut tasks = tokio::task::JoinSet::new();
        let routers = [
            (
                public,
                crate::http::public_router(self.state.clone()),
                "public",
            ),
            (
                admin,
                crate::http::admin_router(self.state.clone()),
                "admin",
            ),
        ];
        for (listener, router, name) in routers {
            let Some(listener) = listener else { continue };
            let addr = listener.local_addr()?;
            tracing::info!(%addr, router = name, "listening");
            let t = token.clone();
            tasks.spawn(async move {
                axum::serve(
                    listener,
                    router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
                )
                .with_graceful_shutdown(async move { t.cancelled().await })
                .await
                .with_context(|| format!("{name} server failed"))
            });
        }
        tracing::info!(
            startup_ms = self.started.elapsed().as_millis() as u64,
            backend = self.state.store.backend_name(),
            "portcullis is ready"
        );
        let t = token.clone();
        tokio::spawn(async move {
            shutdown.await;
            tracing::info!("shutting down; letting in-flight requests finish");
            t.cancel();
        });
        let mut result = Ok(());
        while let Some(joined) = tasks.join_next().await {
            let r = joined.context("server task panicked").and_then(|r| r);
            if r.is_err() {
                token.cancel();
                result = result.and(r);
            }
        }
        self.state.store.close().await;
        result
    }
}

fn describe(b: &Backend) -> String {
    match b {
        Backend::Postgres { url } => match url::Url::parse(url) {
            Ok(u) => format!(
                "postgres at {}:{}",
                u.host_str().unwrap_or("?"),
                u.port().unwrap_or(5432)
            ),
            Err(_) => "postgres".into(),
        },
        Backend::Sqlite { path } => format!("sqlite file {}", path.display()),
        Backend::Memory => "in-memory sqlite".into(),
    }
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
