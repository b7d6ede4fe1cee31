//! Login sessions and forced subject identifiers.

use super::super::{with_pool, Store, StoreResult};
use crate::model::flow::LoginSession;

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    subject: String,
    authenticated_at: i64,
    remember: bool,
}

impl Store {
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db get_login_session", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn get_login_session(&self, id: &str) -> StoreResult<Option<LoginSession>> {
        let row: Option<Row> = with_pool!(self, |p| {
            sqlx::query_as::<_, Row>(
                "SELECT id, subject, authenticated_at, remember FROM flow_login_sessions WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(|r| LoginSession {
            id: r.id,
            subject: r.subject,
            authenticated_at: r.authenticated_at,
            remember: r.remember,
        }))
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db upsert_login_session", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn upsert_login_session(&self, s: &LoginSession) -> StoreResult<()> {
        with_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO flow_login_sessions (id, subject, authenticated_at, remember) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO UPDATE SET subject = excluded.subject, \
                 authenticated_at = excluded.authenticated_at, remember = excluded.remember",
            )
            .bind(&s.id)
            .bind(&s.subject)
            .bind(s.authenticated_at)
            .bind(s.remember)
            .execute(p)
            .await
            .map(|_| ())?
        });
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db delete_login_session", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn delete_login_session(&self, id: &str) -> StoreResult<()> {
        with_pool!(self, |p| {
            sqlx::query("DELETE FROM flow_login_sessions WHERE id = $1")
                .bind(id)
                .execute(p)
                .await
                .map(|_| ())?
        });
        Ok(())
    }

    /// Ends every login session of `subject`; returns how many there were.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db delete_login_sessions_of", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn delete_login_sessions_of(&self, subject: &str) -> StoreResult<u64> {
        let n = with_pool!(self, |p| {
            sqlx::query("DELETE FROM flow_login_sessions WHERE subject = $1")
                .bind(subject)
                .execute(p)
                .await?
                .rows_affected()
        });
        Ok(n)
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db set_forced_subject", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn set_forced_subject(
        &self,
        client_id: &str,
        subject: &str,
        obfuscated: &str,
    ) -> StoreResult<()> {
        with_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO flow_forced_subjects (client_id, subject, obfuscated) VALUES ($1, $2, $3) \
                 ON CONFLICT (client_id, subject) DO UPDATE SET obfuscated = excluded.obfuscated",
            )
            .bind(client_id)
            .bind(subject)
            .bind(obfuscated)
            .execute(p)
            .await
            .map(|_| ())?
        });
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db get_forced_subject", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn get_forced_subject(
        &self,
        client_id: &str,
        subject: &str,
    ) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT obfuscated FROM flow_forced_subjects WHERE client_id = $1 AND subject = $2",
            )
            .bind(client_id)
            .bind(subject)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(|r| r.0))
    }
}
