//! `POST /oauth2/flush`: deletes expired tokens, authorization codes, assertion `jti`s
//! and expired login/consent/logout requests in small batches, so that traffic is never
//! blocked behind one long delete. `not_after` keeps everything newer than it (e.g. for
//! auditing).

use super::OAuth2;
use crate::store::{Batch, StoreResult};

/// Rows per statement, back to back: whoever calls `/oauth2/flush` wants it done.
const BATCH: Batch = Batch { rows: 500, rest: 0 };

impl OAuth2 {
    #[tracing::instrument(skip_all)]
    pub async fn flush(&self, not_after: Option<i64>, now: i64) -> StoreResult<u64> {
        let cutoff = not_after.map_or(now, |n| n.min(now));
        self.flush_until(cutoff, now, BATCH).await
    }

    /// What the janitor deletes each round: everything expired by `now`.
    pub async fn flush_batched(&self, now: i64, batch: Batch) -> StoreResult<u64> {
        self.flush_until(now, now, batch).await
    }

    async fn flush_until(&self, cutoff: i64, now: i64, batch: Batch) -> StoreResult<u64> {
        let mut total = self
            .store
            .flush_tokens(cutoff, Some(cutoff), now, batch)
            .await?;
        total += self.store.flush_authorize_codes(cutoff, batch).await?;
        // A login, consent or logout request is dead once its lifetime has passed.
        let requests_before = cutoff - self.cfg.request_ttl;
        total += self
            .store
            .flush_flow_requests(requests_before, batch)
            .await?;
        Ok(total)
    }
}
