//! Housekeeping: used assertion `jti`s and batched deletion of what has expired.

use super::super::{with_pool, Store, StoreResult};

/// How a bulk delete proceeds: rows per statement, and how long to rest after each full
/// statement, as a multiple of the time it took. `/oauth2/flush` does not rest (its
/// caller wants it done); the janitor rests three times as long as it works, so a large
/// backlog is worked off in the background while the database serves traffic (the
/// 10-million-row figures in bench/README.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    pub rows: i64,
    pub rest: u32,
}

impl Store {
    /// Records a client assertion's `jti`; false when it was seen before (replay).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db use_assertion_jti", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn use_assertion_jti(
        &self,
        client_id: &str,
        jti: &str,
        expires_at: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let inserted = with_pool!(self, |p| {
            // Expired entries are dropped first so that they never block a jti forever.
            sqlx::query("DELETE FROM oauth2_assertion_jti WHERE expires_at < $1")
                .bind(now)
                .execute(p)
                .await?;
            sqlx::query(
                "INSERT INTO oauth2_assertion_jti (client_id, jti, expires_at) \
                 VALUES ($1, $2, $3) ON CONFLICT (client_id, jti) DO NOTHING",
            )
            .bind(client_id)
            .bind(jti)
            .bind(expires_at)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(inserted == 1)
    }

    /// Deletes, in batches of `batch`, access tokens that expired before `access_before`,
    /// refresh tokens that expired before `refresh_before`, and
    /// expired assertion `jti`s. Returns the number of rows deleted. Small batches keep
    /// each statement short so that traffic is never blocked behind a long delete.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db flush_tokens", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn flush_tokens(
        &self,
        access_before: i64,
        refresh_before: Option<i64>,
        now: i64,
        batch: Batch,
    ) -> StoreResult<u64> {
        // Rows that expired are inactive in the cache as well (it checks `expires_at`);
        // only a cut-off in the future deletes tokens someone may still present.
        let _changed = (access_before > now || refresh_before.is_some_and(|r| r > now))
            .then(|| self.changing(crate::store::Changing::Tokens));
        let mut total = 0;
        let statements: [(&str, Option<i64>); 3] = [
            (
                "DELETE FROM oauth2_access_tokens WHERE signature IN \
                 (SELECT signature FROM oauth2_access_tokens WHERE expires_at < $1 LIMIT $2)",
                Some(access_before),
            ),
            (
                // Rotated and revoked refresh tokens are kept until they would have
                // expired: a replay must still be recognised (and revoke its family).
                "DELETE FROM oauth2_refresh_tokens WHERE signature IN \
                 (SELECT signature FROM oauth2_refresh_tokens \
                  WHERE expires_at > 0 AND expires_at < $1 LIMIT $2)",
                refresh_before,
            ),
            (
                "DELETE FROM oauth2_assertion_jti WHERE (client_id, jti) IN \
                 (SELECT client_id, jti FROM oauth2_assertion_jti WHERE expires_at < $1 LIMIT $2)",
                Some(now),
            ),
        ];
        for (sql, cutoff) in statements {
            if let Some(cutoff) = cutoff {
                total += self.delete_in_batches(sql, cutoff, batch).await?;
            }
        }
        Ok(total)
    }

    /// Deletes authorization codes that expired before `before`, in batches.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db flush_authorize_codes", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn flush_authorize_codes(&self, before: i64, batch: Batch) -> StoreResult<u64> {
        self.delete_in_batches(
            "DELETE FROM oauth2_authorize_codes WHERE signature IN \
             (SELECT signature FROM oauth2_authorize_codes WHERE expires_at < $1 LIMIT $2)",
            before,
            batch,
        )
        .await
    }

    /// Deletes, in batches, login and logout requests that were requested before
    /// `before` (their challenges and verifiers can no longer be used), and consent
    /// requests from before `before` that were never handled or were rejected. Accepted
    /// consent requests stay: they are the consent sessions, and revoking one revokes
    /// its tokens (as Hydra's janitor keeps them).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db flush_flow_requests", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn flush_flow_requests(&self, before: i64, batch: Batch) -> StoreResult<u64> {
        let statements = [
            "DELETE FROM flow_login_requests WHERE challenge IN \
             (SELECT challenge FROM flow_login_requests WHERE requested_at < $1 LIMIT $2)",
            "DELETE FROM flow_consent_requests WHERE challenge IN \
             (SELECT challenge FROM flow_consent_requests WHERE requested_at < $1 \
              AND (handled_at IS NULL OR error IS NOT NULL) LIMIT $2)",
            "DELETE FROM flow_logout_requests WHERE challenge IN \
             (SELECT challenge FROM flow_logout_requests WHERE requested_at < $1 LIMIT $2)",
        ];
        let mut total = 0;
        for sql in statements {
            total += self.delete_in_batches(sql, before, batch).await?;
        }
        Ok(total)
    }

    /// Runs `sql` (a `DELETE` of at most `$2` rows older than `$1`) until a round
    /// deletes fewer than `batch` rows; returns how many went. Each statement stays
    /// short, so traffic is never blocked behind a long delete, and other tasks run
    /// between rounds.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db delete_in_batches", otel.kind = "client"))]
    pub(crate) async fn delete_in_batches(
        &self,
        sql: &str,
        cutoff: i64,
        batch: Batch,
    ) -> StoreResult<u64> {
        let mut total = 0;
        loop {
            let started = std::time::Instant::now();
            let n = with_pool!(self, |p| sqlx::query(sql)
                .bind(cutoff)
                .bind(batch.rows)
                .execute(p)
                .await?
                .rows_affected());
            total += n;
            if n < batch.rows as u64 {
                return Ok(total);
            }
            if batch.rest == 0 {
                tokio::task::yield_now().await;
            } else {
                tokio::time::sleep(started.elapsed() * batch.rest).await;
            }
        }
    }
}
