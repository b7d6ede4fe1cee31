//! `POST /oauth2/flush`: deletes expired tokens, authorization codes, assertion `jti`s
//! and expired login/consent/logout requests in small batches, so that traffic is never
//! blocked behind one long delete. `not_after` keeps everything newer than it (e.g. for
//! auditing).

use super::OAuth2;
use crate::store::StoreResult;

const BATCH: i64 = 500;

impl OAuth2 {
    #[tracing::instrument(skip_all)]
    pub async fn flush(&self, not_after: Option<i64>, now: i64) -> StoreResult<u64> {
        let cutoff = not_after.map_or(now, |n| n.min(now));
        let mut total = self
            .store
            .flush_tokens(cutoff, Some(cutoff), now, BATCH)
            .await?;
        total += self.store.flush_authorize_codes(cutoff, BATCH).await?;
        // A login, consent or logout request is dead once its lifetime has passed.
        let requests_before = cutoff - self.cfg.request_ttl;
        total += self
            .store
            .flush_flow_requests(requests_before, BATCH)
            .await?;
        Ok(total)
    }
}
