//! Cache invalidation across replicas: every replica `LISTEN`s on one PostgreSQL
//! channel, and a replica that changed a token or a client `NOTIFY`s it after the commit
//! (payload `tokens` or `clients`). The cache is off until the listener is subscribed
//! and is emptied and turned off the moment its connection is lost, so what it serves
//! was read while this replica could hear every change.

use super::cache::Caches;
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use std::sync::Weak;
use std::time::Duration;

pub(crate) const CHANNEL: &str = "portcullis_cache";
pub(crate) const TOKENS: &str = "tokens";
pub(crate) const CLIENTS: &str = "clients";
pub(crate) const ALL: &str = "all";

/// A one-connection pool of its own, so the listener never takes a connection requests
/// need; closing it (when the store is dropped or closed) ends the task.
pub(crate) fn pool(url: &str) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy(url)
}

pub(crate) fn spawn(pool: PgPool, caches: Weak<Caches>) {
    tokio::spawn(run(pool, caches));
}

async fn run(pool: PgPool, caches: Weak<Caches>) {
    loop {
        if pool.is_closed() {
            return;
        }
        match subscribe(&pool).await {
            Ok(mut listener) => {
                let Some(c) = caches.upgrade() else { return };
                c.set_enabled(true);
                drop(c);
                loop {
                    let next = listener.try_recv().await;
                    let Some(c) = caches.upgrade() else { return };
                    match next {
                        Ok(Some(n)) => match n.payload() {
                            TOKENS => c.tokens.invalidate(),
                            CLIENTS => c.clients.invalidate(),
                            _ => {
                                c.tokens.invalidate();
                                c.clients.invalidate();
                            }
                        },
                        // Lost: whatever was sent meanwhile is lost too.
                        Ok(None) | Err(_) => {
                            c.set_enabled(false);
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                tracing::debug!(error = %e, "cache invalidation listener cannot subscribe");
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut l = PgListener::connect_with(pool).await?;
    l.eager_reconnect(false);
    l.listen(CHANNEL).await?;
    Ok(l)
}
