//! `spawn_app(backend)`: a running server on ephemeral ports with a fresh database.
//!
//! PostgreSQL comes from `TEST_DATABASE_URL` (set by `.ci/run`); each test gets its own
//! schema inside that database. Without the variable the PostgreSQL half of each test is
//! skipped with a loud message, except under CI where that is an error.

#![allow(dead_code)]

use portcullis::config::Settings;
use portcullis::secret::Secret;
use portcullis::{App, BuildOptions};
use std::sync::Once;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub public: String,
    pub admin: String,
    pub http: reqwest::Client,
    pub dsn: String,
    pub settings: Settings,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    pub dir: tempfile::TempDir,
}

pub const TEST_SECRET: &str = "test-system-secret-0123456789";

static WARN_ONCE: Once = Once::new();

/// The PostgreSQL URL to test against, if any.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
                panic!(
                    "TEST_DATABASE_URL is not set under CI: the PostgreSQL tests cannot be skipped"
                );
            }
            WARN_ONCE.call_once(|| {
                eprintln!(
                    "\n!!! TEST_DATABASE_URL is not set: every PostgreSQL test is SKIPPED. \
                     Run `bash .ci/run` or set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres !!!\n"
                );
            });
            None
        }
    }
}

/// A fresh, empty DSN for `backend`, or `None` when PostgreSQL is not available.
pub async fn fresh_dsn(backend: Backend, dir: &std::path::Path) -> Option<String> {
    match backend {
        Backend::Sqlite => Some(format!("sqlite://{}", dir.join("test.sqlite").display())),
        Backend::Postgres => {
            let base = postgres_url()?;
            let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
            let (mut conn, _) = connect_pg(&base).await;
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&mut conn)
                .await
                .expect("create test schema");
            Some(dsn_with(&base, &format!("options[search_path]={schema}")))
        }
    }
}

async fn connect_pg(url: &str) -> (sqlx::PgConnection, ()) {
    use sqlx::Connection;
    (
        sqlx::PgConnection::connect(url)
            .await
            .expect("connect to TEST_DATABASE_URL"),
        (),
    )
}

pub fn base_settings(dsn: &str) -> Settings {
    let mut s = Settings {
        dsn: Some(dsn.to_string()),
        ..Settings::default()
    };
    s.secrets.system = vec![Secret::new(TEST_SECRET)];
    s.log.level = "warn".into();
    // A fresh registry, as Hydra's: the tests of the ready-made client turn it on.
    s.identity.first_party.create_default_client = false;
    s
}

/// `dsn` with more query parameters (`a=1&b=2`).
pub fn dsn_with(dsn: &str, params: &str) -> String {
    let sep = if dsn.contains('?') { '&' } else { '?' };
    format!("{dsn}{sep}{params}")
}

/// For a test that changes rows behind the server's back (plain SQL, no notification):
/// turns off the read cache, which would otherwise serve the old row for up to its TTL.
pub fn without_cache(s: &mut Settings) {
    if let Some(dsn) = &mut s.dsn {
        *dsn = dsn_with(dsn, "cache_tokens=0&cache_clients=0");
    }
}

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(
    backend: Backend,
    tweak: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("temp dir");
    let dsn = fresh_dsn(backend, dir.path()).await?;
    let mut settings = base_settings(&dsn);
    tweak(&mut settings);
    Some(start(settings, dir).await)
}

/// Starts a server with exactly these settings; the issuer is pointed at the bound port
/// unless the settings name one.
pub async fn start(settings: Settings, dir: tempfile::TempDir) -> TestApp {
    start_on(settings, dir, "127.0.0.1").await
}

/// [`start`], with URLs naming `host` (it must resolve to 127.0.0.1). Two servers a test
/// browser visits both need different hosts: cookies are per host, not per port.
pub async fn start_on(settings: Settings, dir: tempfile::TempDir, host: &str) -> TestApp {
    start_bound(settings, dir, bind_on(host).await).await
}

/// A server's ports, bound before it starts: its URLs are known early, for a test that
/// must register them somewhere (at an upstream provider) before the server is built.
pub struct Bound {
    public: TcpListener,
    admin: TcpListener,
    pub public_url: String,
    pub admin_url: String,
}

impl Bound {
    pub fn public_url(&self, path: &str) -> String {
        format!("{}{}", self.public_url, path)
    }
}

/// Binds the public and admin ports on 127.0.0.1, with URLs naming `host`.
pub async fn bind_on(host: &str) -> Bound {
    let public = TcpListener::bind("127.0.0.1:0").await.expect("bind public");
    let admin = TcpListener::bind("127.0.0.1:0").await.expect("bind admin");
    Bound {
        public_url: format!("http://{host}:{}", public.local_addr().unwrap().port()),
        admin_url: format!("http://{host}:{}", admin.local_addr().unwrap().port()),
        public,
        admin,
    }
}

/// [`start`] on ports bound already by [`bind_on`].
pub async fn start_bound(mut settings: Settings, dir: tempfile::TempDir, bound: Bound) -> TestApp {
    let Bound {
        public,
        admin,
        public_url,
        admin_url,
    } = bound;
    if settings.urls.self_.issuer.is_none() {
        settings.urls.self_.issuer = Some(format!("{public_url}/"));
    }
    portcullis::telemetry::init(&settings);
    let dsn = settings.dsn.clone().unwrap_or_default();
    let app = App::build(settings.clone(), BuildOptions::default())
        .await
        .expect("the test server builds");
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(app.serve(Some(public), Some(admin), async move {
        let _ = rx.await;
    }));
    TestApp {
        public: public_url,
        admin: admin_url,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        dsn,
        settings,
        shutdown: Some(tx),
        task: Some(task),
        dir,
    }
}

impl TestApp {
    pub fn public_url(&self, path: &str) -> String {
        format!("{}{}", self.public, path)
    }

    pub fn admin_url(&self, path: &str) -> String {
        format!("{}{}", self.admin, path)
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) -> (Settings, tempfile::TempDir) {
        self.shutdown_now().await;
        let settings = self.settings.clone();
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap());
        (settings, dir)
    }

    async fn shutdown_now(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("server task")
                .expect("server ran cleanly");
        }
    }

    /// Stops and starts the server again on the same database (new ports).
    pub async fn restart(self) -> TestApp {
        let (mut settings, dir) = self.stop().await;
        settings.urls.self_.issuer = None;
        start(settings, dir).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Generates one `#[tokio::test]` per backend for each `async fn name(backend: Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            )*
        }
    };
}

/// `spawn_app` that returns from the test when the backend is unavailable (skipped).
#[macro_export]
macro_rules! app_or_skip {
    ($backend:expr) => {
        match $crate::helpers::spawn_app($backend).await {
            Some(app) => app,
            None => return,
        }
    };
    ($backend:expr, $tweak:expr) => {
        match $crate::helpers::spawn_app_with($backend, $tweak).await {
            Some(app) => app,
            None => return,
        }
    };
}

/// A port nothing listens on right now (for starting the binary).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
