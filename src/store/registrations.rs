//! Registration access tokens of self-registered clients (RFC 7592, migration 0008):
//! only their keyed hash is stored.

use super::{with_pool, Store, StoreResult};

impl Store {
    /// Sets (or replaces) client `client_id`'s registration token hash.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db set_registration_token", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn set_registration_token(&self, client_id: &str, hash: &str) -> StoreResult<()> {
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO client_registrations (client_id, token) VALUES ($1, $2) \
             ON CONFLICT (client_id) DO UPDATE SET token = excluded.token"
        )
        .bind(client_id)
        .bind(hash)
        .execute(p)
        .await
        .map(|_| ())?);
        Ok(())
    }

    /// The stored hash, if the client registered itself.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db registration_token", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn registration_token(&self, client_id: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = with_pool!(self, |p| sqlx::query_as(
            "SELECT token FROM client_registrations WHERE client_id = $1"
        )
        .bind(client_id)
        .fetch_optional(p)
        .await?);
        Ok(row.map(|(t,)| t))
    }
}
