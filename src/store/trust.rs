//! Trusted JWT issuers (migration 0008).

use super::{with_pool, Store, StoreError, StoreResult};
use crate::model::trust::TrustedIssuer;

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    issuer: String,
    subject: String,
    allow_any_subject: bool,
    scope: String,
    key_id: String,
    jwk: String,
    created_at: i64,
    expires_at: i64,
}

const COLUMNS: &str =
    "id, issuer, subject, allow_any_subject, scope, key_id, jwk, created_at, expires_at";

impl Row {
    fn into_model(self) -> StoreResult<TrustedIssuer> {
        let corrupt = |what: &str, e: serde_json::Error| {
            StoreError::Corrupt(format!("trusted issuer {} {what}: {e}", self.id))
        };
        Ok(TrustedIssuer {
            scope: serde_json::from_str(&self.scope).map_err(|e| corrupt("scope", e))?,
            jwk: serde_json::from_str(&self.jwk).map_err(|e| corrupt("jwk", e))?,
            id: self.id,
            issuer: self.issuer,
            subject: self.subject,
            allow_any_subject: self.allow_any_subject,
            key_id: self.key_id,
            created_at: self.created_at,
            expires_at: self.expires_at,
        })
    }
}

impl Store {
    /// Stores a trust relationship; `Conflict` when the issuer already has a key with
    /// this id for this subject.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db insert_trusted_issuer", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn insert_trusted_issuer(&self, t: &TrustedIssuer) -> StoreResult<()> {
        let scope = serde_json::to_string(&t.scope).unwrap_or_else(|_| "[]".into());
        let jwk = t.jwk.to_string();
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO trust_jwt_issuers (id, issuer, subject, allow_any_subject, scope, \
             key_id, jwk, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )
        .bind(&t.id)
        .bind(&t.issuer)
        .bind(&t.subject)
        .bind(t.allow_any_subject)
        .bind(&scope)
        .bind(&t.key_id)
        .bind(&jwk)
        .bind(t.created_at)
        .bind(t.expires_at)
        .execute(p)
        .await
        .map(|_| ())
        .map_err(StoreError::conflict_on("issuer, subject and key id")))
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db get_trusted_issuer", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn get_trusted_issuer(&self, id: &str) -> StoreResult<Option<TrustedIssuer>> {
        let sql = format!("SELECT {COLUMNS} FROM trust_jwt_issuers WHERE id = $1");
        let row: Option<Row> = with_pool!(self, |p| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(p)
            .await?);
        row.map(Row::into_model).transpose()
    }

    /// Trust relationships, oldest first, optionally of one issuer only.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db list_trusted_issuers", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn list_trusted_issuers(
        &self,
        issuer: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<TrustedIssuer>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM trust_jwt_issuers WHERE ($1 = '' OR issuer = $1) \
             ORDER BY created_at, id LIMIT $2 OFFSET $3"
        );
        let rows: Vec<Row> = with_pool!(self, |p| sqlx::query_as(&sql)
            .bind(issuer.unwrap_or(""))
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(Row::into_model).collect()
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db delete_trusted_issuer", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn delete_trusted_issuer(&self, id: &str) -> StoreResult<bool> {
        let n = with_pool!(self, |p| sqlx::query(
            "DELETE FROM trust_jwt_issuers WHERE id = $1"
        )
        .bind(id)
        .execute(p)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// The unexpired trust relationships under which `issuer` may assert `subject`.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db trusts_for", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn trusts_for(
        &self,
        issuer: &str,
        subject: &str,
        now: i64,
    ) -> StoreResult<Vec<TrustedIssuer>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM trust_jwt_issuers WHERE issuer = $1 \
             AND (subject = $2 OR allow_any_subject = TRUE) AND expires_at > $3 \
             ORDER BY created_at, id"
        );
        let rows: Vec<Row> = with_pool!(self, |p| sqlx::query_as(&sql)
            .bind(issuer)
            .bind(subject)
            .bind(now)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(Row::into_model).collect()
    }
}
