//! The built-in janitor: every `janitor.interval` (plus up to 10% at random, so replicas
//! spread out) it deletes, in batches, what can no longer be used: expired access
//! tokens, refresh tokens past their expiry, authorization codes, assertion `jti`s,
//! login, consent and logout requests past their lifetime, expired upstream sign-in
//! states and orphaned upstream sessions, and stale login-throttle counters. Without it
//! each unauthenticated `/oauth2/auth` left a row only `/oauth2/flush` removed.
//!
//! Every replica may run it at once: each statement deletes at most `batch_size` rows
//! chosen by expiry, so two replicas at worst delete nothing the second time. A failed
//! round (the database is away) is logged and the next one tries again.

use super::oauth2::OAuth2;
use crate::clock::Clock;
use crate::store::{Batch, Store, StoreResult};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Counters older than this are of no use to any throttle window.
const THROTTLE_HORIZON: i64 = 24 * 3600;

#[derive(Clone)]
pub struct Janitor {
    pub oauth2: OAuth2,
    pub store: Store,
    pub interval: Duration,
    pub batch: Batch,
}

impl Janitor {
    /// One round at `now`; the number of rows deleted.
    #[tracing::instrument(skip_all)]
    pub async fn run_once(&self, now: i64) -> StoreResult<u64> {
        let mut total = self.oauth2.flush_batched(now, self.batch).await?;
        total += self.store.flush_upstream(now, self.batch).await?;
        total += self
            .store
            .flush_device(now, now - self.oauth2.cfg.request_ttl)
            .await?;
        total += self
            .store
            .login_failures_prune(now - THROTTLE_HORIZON, now)
            .await?;
        Ok(total)
    }

    /// Runs rounds until `stop` is cancelled.
    pub fn spawn(self, clock: Clock, stop: CancellationToken) {
        tokio::spawn(async move {
            loop {
                let jitter = self.interval.mul_f64(rand::random::<f64>() * 0.1);
                tokio::select! {
                    _ = tokio::time::sleep(self.interval + jitter) => {}
                    _ = stop.cancelled() => return,
                }
                match self.run_once(clock.now()).await {
                    Ok(0) => tracing::debug!("janitor: nothing to delete"),
                    Ok(n) => tracing::info!(deleted = n, "janitor: deleted expired rows"),
                    Err(e) => {
                        tracing::warn!(error = %e, "janitor: round failed; trying again next round")
                    }
                }
            }
        });
    }
}
