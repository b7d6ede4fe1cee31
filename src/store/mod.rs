//! Storage: one interface over PostgreSQL and SQLite.
//!
//! `Store` is the only thing domain code sees. Its methods live in one file per area
//! (`meta.rs`, `clients.rs`, …) and are written once: the schema uses portable types
//! (TEXT, BIGINT unix seconds, BLOB/BYTEA, BOOLEAN) and `$n` placeholders, which both
//! drivers accept, so each query body is compiled against both native drivers by
//! [`with_pool!`]. Nothing outside this module knows which backend is in use.
//! Single-use values (codes, refresh tokens, challenges) are consumed with one
//! conditional `UPDATE … RETURNING`, which is atomic on both backends without row locks.

mod cache;
mod clients;
mod device;
mod device_requests;
mod dsn;
mod flows;
mod identity;
mod keys;
mod listen;
mod meta;
mod registrations;
mod tokens;
mod trust;
mod users;

pub use cache::CacheOptions;
pub use clients::{HashUpdate, SecretHashes};
pub use device_requests::DeviceVerified;
pub use dsn::{Backend, Dsn, DsnError, PoolOptions};
pub use keys::{KeyRow, NewKey};
pub use tokens::{Batch, Exchange, NewTokens, TokenRow};

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub(crate) enum Pool {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// The storage handle; cheap to clone (it wraps a connection pool).
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    shared: Arc<Shared>,
}

/// What a [`ChangeGuard`] invalidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Changing {
    Tokens,
    Clients,
    /// A client and, through `ON DELETE CASCADE`, its tokens.
    Both,
}

pub(crate) struct ChangeGuard {
    store: Store,
    what: Changing,
}

impl Drop for ChangeGuard {
    fn drop(&mut self) {
        let caches = self.store.caches();
        let (tokens, clients) = match self.what {
            Changing::Tokens => (true, false),
            Changing::Clients => (false, true),
            Changing::Both => (true, true),
        };
        if tokens {
            caches.tokens.invalidate();
        }
        if clients {
            caches.clients.invalidate();
        }
        let Pool::Postgres(pool) = &self.store.pool else {
            return;
        };
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let pool = pool.clone();
        let payload = match self.what {
            Changing::Tokens => listen::TOKENS,
            Changing::Clients => listen::CLIENTS,
            Changing::Both => listen::ALL,
        };
        rt.spawn(async move {
            let send = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(listen::CHANNEL)
                .bind(payload)
                .execute(&pool);
            match tokio::time::timeout(Duration::from_secs(2), send).await {
                Ok(Ok(_)) => {}
                // The other replicas' cache TTL bounds how long they may lag.
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "could not notify other replicas of a change")
                }
                Err(_) => tracing::warn!("could not notify other replicas of a change in time"),
            }
        });
    }
}

/// What every clone of a store shares besides the pool.
struct Shared {
    caches: Arc<cache::Caches>,
    writer: tokens::BatchWriter,
    /// PostgreSQL: the invalidation listener's own pool (closed with the store).
    listener: Option<PgPool>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Some(p) = &self.listener {
            // Marks the pool closed at once, which ends the listener task.
            drop(p.close());
        }
    }
}

impl Store {
    /// OpenTelemetry's `db.system.name` for the storage spans.
    pub(crate) fn system_name(&self) -> &'static str {
        match self.pool {
            Pool::Postgres(_) => "postgresql",
            Pool::Sqlite(_) => "sqlite",
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.pool {
            Pool::Postgres(_) => "Store(postgres)",
            Pool::Sqlite(_) => "Store(sqlite)",
        })
    }
}

/// Runs `$body` with `$p` bound to the backend's pool; the body is compiled once per
/// backend, so the same SQL and row types serve both.
macro_rules! with_pool {
    ($store:expr, |$p:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Postgres($p) => $body,
            $crate::store::Pool::Sqlite($p) => $body,
        }
    };
}
pub(crate) use with_pool;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("a record with this {0} exists already")]
    Conflict(&'static str),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Maps a unique-constraint violation to `Conflict`, by the error kind rather than by
    /// message text.
    pub fn conflict_on(field: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(field),
            _ => StoreError::Database(e),
        }
    }

    /// Whether the database cannot be reached or refuses connections right now (down,
    /// restarting, out of connections, or the pool timed out waiting): the request may
    /// succeed later, so callers answer 503 with `Retry-After`, not 500.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(e) => match e {
                sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::WorkerCrashed => true,
                sqlx::Error::Database(db) if sqlite_busy(db.as_ref()) => true,
                sqlx::Error::Database(db) => db.code().is_some_and(|c| {
                    // 08: connection exception; 57P01-57P03: shutting down or starting
                    // up; 53300: too many connections.
                    c.starts_with("08")
                        || matches!(c.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
                }),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether the database refused a text value it cannot hold: PostgreSQL rejects NUL
    /// characters in TEXT (SQLSTATE 22021), which any caller can put in a path, query or
    /// JSON string. That is the request's fault, so callers answer 400, not 500.
    pub fn is_unstorable_text(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(db))
            if db.code().as_deref() == Some("22021"))
    }
}

/// SQLite's write lock stayed taken past the busy timeout (SQLITE_BUSY, SQLITE_LOCKED and
/// their extended codes: another process holds a transaction, a backup runs): the write
/// may succeed a moment later, like a PostgreSQL connection failure.
fn sqlite_busy(db: &dyn sqlx::error::DatabaseError) -> bool {
    db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some()
        && db
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| matches!(c & 0xff, 5 | 6))
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A pooled connection idle for at least this long is pinged before it is handed out.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// sqlx pings every connection before handing it out by default: a full round trip on
/// top of each query, which halved the token and introspection rates in the benchmark.
/// Under load connections are idle for microseconds and were just used successfully, so
/// only a connection that has rested (when the database may have restarted or a proxy
/// may have dropped it) is checked; a failed ping discards it and the pool takes or
/// opens another, so callers still never get a dead connection after a quiet spell.
async fn ping_if_idle<C: sqlx::Connection>(
    conn: &mut C,
    meta: sqlx::pool::PoolConnectionMetadata,
) -> Result<bool, sqlx::Error> {
    Ok(meta.idle_for < PING_IF_IDLE_FOR || conn.ping().await.is_ok())
}

impl Store {
    /// Connects to the database named by `dsn`.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db connect", otel.kind = "client"))]
    pub async fn connect(dsn: &Dsn) -> StoreResult<Store> {
        let p = &dsn.pool;
        let pool = match &dsn.backend {
            Backend::Postgres { url } => {
                let pool = PgPoolOptions::new()
                    .test_before_acquire(false)
                    .before_acquire(|conn, meta| Box::pin(ping_if_idle(conn, meta)))
                    .max_connections(p.max_connections)
                    .min_connections(p.min_connections)
                    .max_lifetime(p.max_lifetime)
                    .acquire_timeout(p.acquire_timeout)
                    .connect(url)
                    .await?;
                Pool::Postgres(pool)
            }
            Backend::Sqlite { path } => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
                }
                let opts = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true);
                let pool = SqlitePoolOptions::new()
                    .test_before_acquire(false)
                    .before_acquire(|conn, meta| Box::pin(ping_if_idle(conn, meta)))
                    .max_connections(p.max_connections.min(8))
                    .acquire_timeout(p.acquire_timeout)
                    .connect_with(opts)
                    .await?;
                Pool::Sqlite(pool)
            }
            Backend::Memory => {
                // One connection that never closes: an in-memory SQLite database lives
                // exactly as long as its connection.
                let opts = SqliteConnectOptions::new()
                    .in_memory(true)
                    .foreign_keys(true);
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .acquire_timeout(p.acquire_timeout)
                    .connect_with(opts)
                    .await?;
                Pool::Sqlite(pool)
            }
        };
        Store::assemble(pool, dsn)
    }

    /// Starts what a store runs beside its pool: the token batch writer and, on
    /// PostgreSQL, the cache invalidation listener (the cache stays off until it is
    /// subscribed).
    fn assemble(pool: Pool, dsn: &Dsn) -> StoreResult<Store> {
        let opts = dsn.pool.cache;
        let (caches, listener) = match &dsn.backend {
            Backend::Postgres { url } => {
                let caches = Arc::new(cache::Caches::new(opts, false));
                let lp = listen::pool(url)?;
                listen::spawn(lp.clone(), Arc::downgrade(&caches));
                (caches, Some(lp))
            }
            _ => (Arc::new(cache::Caches::new(opts, true)), None),
        };
        let writer = tokens::BatchWriter::start(pool.clone());
        Ok(Store {
            pool,
            shared: Arc::new(Shared {
                caches,
                writer,
                listener,
            }),
        })
    }

    pub(crate) fn caches(&self) -> &cache::Caches {
        &self.shared.caches
    }

    /// Call before a change to token rows or clients: when the guard drops (after the
    /// commit, or when the change failed or its request was cancelled) the cached area
    /// is forgotten here, synchronously, and the other replicas are told in the
    /// background. A cancelled request cannot skip it.
    pub(crate) fn changing(&self, what: Changing) -> ChangeGuard {
        ChangeGuard {
            store: self.clone(),
            what,
        }
    }

    /// Applies pending migrations. On PostgreSQL the migrator holds an advisory lock, so
    /// replicas starting together apply each migration once.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db migrate", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
            Pool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
        }
        Ok(())
    }

    /// Whether the database answers within `timeout` (for `/health/ready`).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db ping", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn ping(&self, timeout: Duration) -> StoreResult<()> {
        let fut = async {
            with_pool!(self, |p| sqlx::query("SELECT 1")
                .execute(p)
                .await
                .map(|_| ()))
        };
        match tokio::time::timeout(timeout, fut).await {
            Ok(r) => r.map_err(StoreError::from),
            Err(_) => Err(StoreError::Database(sqlx::Error::PoolTimedOut)),
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self.pool {
            Pool::Postgres(_) => "postgres",
            Pool::Sqlite(_) => "sqlite",
        }
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db close", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn close(&self) {
        if let Some(l) = &self.shared.listener {
            l.close().await;
        }
        with_pool!(self, |p| p.close().await)
    }
}
