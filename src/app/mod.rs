//! The composition root: builds every part once from the settings, and serves.
//!
//! `App::build` connects the store, applies migrations, resolves the system secret,
//! works out each area's configuration and wires the services together; `App::serve`
//! runs the routers on listeners it is given (tests pass ephemeral ones) until the
//! shutdown future completes, letting in-flight requests finish. Nothing imports this
//! module but the command line.

pub mod cli;
mod listen;
mod services;
pub mod system_secret;
mod upstreams;

pub use services::Services;

use crate::clock::Clock;
use crate::config::Settings;
use crate::http::HttpState;
use crate::store::{Backend, Dsn, Store};
use anyhow::Context;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Apply pending migrations before serving (`serve` does unless told not to).
    pub migrate: bool,
    /// Where handlers read the time; tests that drive the routers directly fix it.
    pub clock: Clock,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            migrate: true,
            clock: Clock::System,
        }
    }
}

pub struct App {
    services: Services,
    state: HttpState,
    settings: Arc<Settings>,
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

/// Connects to the configured database (for the commands that work on it directly).
pub async fn connect(settings: &Settings) -> anyhow::Result<Store> {
    let dsn = effective_dsn(settings)?;
    Store::connect(&dsn).await.with_context(|| {
        format!(
            "cannot connect to the database ({})",
            describe(&dsn.backend)
        )
    })
}

impl App {
    pub async fn build(settings: Settings, opts: BuildOptions) -> anyhow::Result<App> {
        let started = Instant::now();
        let settings = crate::config::with_builtin_urls(settings);
        let dsn = effective_dsn(&settings)?;
        let secrets = system_secret::resolve(&settings, &dsn.backend)?;
        let store = connect(&settings).await?;
        if opts.migrate {
            store
                .migrate()
                .await
                .context("cannot apply database migrations")?;
        }
        let services = Services::build(&settings, store, &secrets).await?;
        let state = services.http_state(&settings, opts.clock)?;
        Ok(App {
            services,
            state,
            settings: Arc::new(settings),
            started,
        })
    }

    /// The services, for tests and commands that call them without HTTP.
    pub fn services(&self) -> &Services {
        &self.services
    }

    /// The public router, for router-level tests (`tower::ServiceExt::oneshot`).
    pub fn public_router(&self) -> axum::Router {
        crate::http::public_router(self.state.clone(), &self.settings)
    }

    /// The admin router, for router-level tests.
    pub fn admin_router(&self) -> axum::Router {
        crate::http::admin_router(self.state.clone(), &self.settings)
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
            (public, self.public_router(), "public"),
            (admin, self.admin_router(), "admin"),
        ];
        let limits = listen::Limits::from_settings(&self.settings.serve);
        for (listener, router, name) in routers {
            let Some(listener) = listener else { continue };
            let addr = listener.local_addr()?;
            tracing::info!(%addr, router = name, "listening");
            if name == "admin" {
                warn_if_exposed(&addr, &self.settings);
            }
            let t = token.clone();
            tasks.spawn(async move {
                listen::serve(listener, router, limits, t)
                    .await
                    .with_context(|| format!("{name} server failed"))
            });
        }
        if self.settings.janitor.enabled {
            let j = &self.settings.janitor;
            let janitor = crate::service::janitor::Janitor {
                oauth2: self.services.oauth2.clone(),
                store: self.services.store.clone(),
                interval: j.interval.0,
                // Rests three times as long as each delete takes (store::Batch).
                batch: crate::store::Batch {
                    rows: i64::from(j.batch_size),
                    rest: 3,
                },
            };
            let clock = <Clock as axum::extract::FromRef<HttpState>>::from_ref(&self.state);
            janitor.spawn(clock, token.clone());
        }
        let store = self.services.store.clone();
        tracing::info!(
            startup_ms = self.started.elapsed().as_millis() as u64,
            backend = store.backend_name(),
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
        store.close().await;
        result
    }
}

/// The admin API can read private keys and accept any login: say so when it is
/// reachable beyond this machine with nothing in front of it.
fn warn_if_exposed(addr: &std::net::SocketAddr, s: &Settings) {
    let admin = &s.serve.admin;
    if !listen::is_loopback(addr) && admin.api_keys.is_empty() && admin.allowed_hosts.is_empty() {
        tracing::warn!(
            %addr,
            "the admin port listens beyond loopback with no serve.admin.api_keys and no \
             serve.admin.allowed_hosts: anyone who can reach it (or a web page, through DNS \
             rebinding) can manage clients, keys and logins"
        );
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
