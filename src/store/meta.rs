//! Small key/value facts about the installation itself.

use super::{with_pool, Store, StoreResult};

impl Store {
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db meta_get", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn meta_get(&self, key: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT value FROM meta WHERE key = $1")
                .bind(key)
                .fetch_optional(p)
                .await?
        });
        Ok(row.map(|r| r.0))
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db meta_set", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn meta_set(&self, key: &str, value: &str) -> StoreResult<()> {
        with_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO meta (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key)
            .bind(value)
            .execute(p)
            .await
            .map(|_| ())?
        });
        Ok(())
    }
}
