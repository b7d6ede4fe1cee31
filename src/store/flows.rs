//! Storage for the browser authorization flow (migration 0004): login sessions,
//! login/consent/logout requests, forced subject identifiers and authorization codes.
//! Handling and consuming are single conditional `UPDATE`s, so two concurrent accepts,
//! or two uses of one verifier, cannot both succeed.

mod codes;
mod consent;
mod login;
mod logout;
mod sessions;

use super::{with_pool, Store, StoreError, StoreResult};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

/// One kind of flow request (login, consent, logout): its table and columns, and what
/// makes it handled. Reading a request and consuming its verifier are the same two
/// statements for every kind; only handling one differs in the columns it sets.
pub(super) struct RequestTable {
    pub table: &'static str,
    pub columns: &'static str,
    /// The condition under which a verifier may be consumed.
    pub handled: &'static str,
}

impl RequestTable {
    fn select(&self) -> String {
        format!(
            "SELECT {} FROM {} WHERE challenge = $1",
            self.columns, self.table
        )
    }

    /// Marks the verifier used and returns the row, once: of concurrent uses exactly
    /// one gets it.
    fn consume(&self) -> String {
        format!(
            "UPDATE {} SET was_used = TRUE WHERE verifier = $1 AND {} AND was_used = FALSE \
             RETURNING {}",
            self.table, self.handled, self.columns
        )
    }
}

impl Store {
    /// The request with this challenge signature, as its row type `R`.
    async fn flow_request<R>(&self, t: &RequestTable, challenge: &str) -> StoreResult<Option<R>>
    where
        R: for<'r> sqlx::FromRow<'r, PgRow> + for<'r> sqlx::FromRow<'r, SqliteRow>,
        R: Send + Unpin,
    {
        let sql = t.select();
        Ok(with_pool!(self, |p| sqlx::query_as::<_, R>(&sql)
            .bind(challenge)
            .fetch_optional(p)
            .await?))
    }

    /// Consumes a handled request's verifier, once; `None` for an unknown, unhandled or
    /// already used verifier.
    async fn consume_flow_verifier<R>(
        &self,
        t: &RequestTable,
        verifier: &str,
    ) -> StoreResult<Option<R>>
    where
        R: for<'r> sqlx::FromRow<'r, PgRow> + for<'r> sqlx::FromRow<'r, SqliteRow>,
        R: Send + Unpin,
    {
        let sql = t.consume();
        Ok(with_pool!(self, |p| sqlx::query_as::<_, R>(&sql)
            .bind(verifier)
            .fetch_optional(p)
            .await?))
    }
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

fn from_json<T: DeserializeOwned>(s: &str, what: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn opt_from_json<T: DeserializeOwned>(s: &Option<String>, what: &str) -> StoreResult<Option<T>> {
    s.as_deref().map(|s| from_json(s, what)).transpose()
}
