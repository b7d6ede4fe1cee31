//! Hydra v26's device challenges (`flow_device_requests`, migration 0008): stored as
//! signatures, handled once (bound to a device code with a verifier), the verifier
//! consumed once.

use super::{with_pool, Store, StoreResult};

/// A device request after its verifier was consumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceVerified {
    pub device_id: String,
    pub csrf: String,
    pub requested_at: i64,
}

impl Store {
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db insert_device_request", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn insert_device_request(
        &self,
        challenge: &str,
        csrf: &str,
        now: i64,
    ) -> StoreResult<()> {
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO flow_device_requests (challenge, csrf, requested_at) VALUES ($1, $2, $3)"
        )
        .bind(challenge)
        .bind(csrf)
        .bind(now)
        .execute(p)
        .await
        .map(|_| ())?);
        Ok(())
    }

    /// `Some(handled)` for a known challenge requested after `since`.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db device_request_handled", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn device_request_handled(
        &self,
        challenge: &str,
        since: i64,
    ) -> StoreResult<Option<bool>> {
        let row: Option<(Option<i64>,)> = with_pool!(self, |p| {
            sqlx::query_as(
            "SELECT handled_at FROM flow_device_requests WHERE challenge = $1 AND requested_at > $2"
        )
        .bind(challenge)
        .bind(since)
        .fetch_optional(p)
        .await?
        });
        Ok(row.map(|(h,)| h.is_some()))
    }

    /// Binds an unhandled challenge to a device code and stores its verifier; false when
    /// it was handled already.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db accept_device_request", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn accept_device_request(
        &self,
        challenge: &str,
        device_id: &str,
        verifier: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let done = with_pool!(self, |p| sqlx::query(
            "UPDATE flow_device_requests SET device_id = $2, verifier = $3, handled_at = $4 \
             WHERE challenge = $1 AND handled_at IS NULL"
        )
        .bind(challenge)
        .bind(device_id)
        .bind(verifier)
        .bind(now)
        .execute(p)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    /// Consumes a device verifier (once).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db consume_device_verifier", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn consume_device_verifier(
        &self,
        verifier: &str,
    ) -> StoreResult<Option<DeviceVerified>> {
        let row: Option<(String, String, i64)> = with_pool!(self, |p| sqlx::query_as(
            "UPDATE flow_device_requests SET was_used = TRUE \
             WHERE verifier = $1 AND was_used = FALSE RETURNING device_id, csrf, requested_at"
        )
        .bind(verifier)
        .fetch_optional(p)
        .await?);
        Ok(row.map(|(device_id, csrf, requested_at)| DeviceVerified {
            device_id,
            csrf,
            requested_at,
        }))
    }
}
