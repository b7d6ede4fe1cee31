//! Logout requests.

use super::super::{with_pool, Store, StoreResult};
use super::RequestTable;
use crate::model::flow::LogoutRequest;

const TABLE: RequestTable = RequestTable {
    table: "flow_logout_requests",
    columns: COLS,
    handled: "accepted = TRUE AND rejected = FALSE",
};

const COLS: &str =
    "challenge, challenge_value, subject, sid, client_id, request_url, redirect_to, rp_initiated, \
    requested_at, accepted, rejected, was_used";

#[derive(sqlx::FromRow)]
struct Row {
    challenge: String,
    challenge_value: String,
    subject: String,
    sid: String,
    client_id: String,
    request_url: String,
    redirect_to: String,
    rp_initiated: bool,
    requested_at: i64,
    accepted: bool,
    rejected: bool,
    was_used: bool,
}

impl From<Row> for LogoutRequest {
    fn from(r: Row) -> Self {
        LogoutRequest {
            challenge: r.challenge,
            challenge_value: r.challenge_value,
            subject: r.subject,
            sid: r.sid,
            client_id: r.client_id,
            request_url: r.request_url,
            redirect_to: r.redirect_to,
            rp_initiated: r.rp_initiated,
            requested_at: r.requested_at,
            accepted: r.accepted,
            rejected: r.rejected,
            was_used: r.was_used,
        }
    }
}

impl Store {
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db insert_logout_request", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn insert_logout_request(&self, r: &LogoutRequest) -> StoreResult<()> {
        with_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO flow_logout_requests (challenge, subject, sid, client_id, request_url, redirect_to, \
                 rp_initiated, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&r.challenge)
            .bind(&r.subject)
            .bind(&r.sid)
            .bind(&r.client_id)
            .bind(&r.request_url)
            .bind(&r.redirect_to)
            .bind(r.rp_initiated)
            .bind(r.requested_at)
            .execute(p)
            .await
            .map(|_| ())?
        });
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db get_logout_request", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn get_logout_request(&self, challenge: &str) -> StoreResult<Option<LogoutRequest>> {
        let row: Option<Row> = self.flow_request(&TABLE, challenge).await?;
        Ok(row.map(Into::into))
    }

    /// Accepts (`verifier` set) or rejects (`None`) an unhandled logout request; `false`
    /// when it was handled already.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db handle_logout_request", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn handle_logout_request(
        &self,
        challenge: &str,
        challenge_value: &str,
        verifier: Option<&str>,
    ) -> StoreResult<bool> {
        let done = with_pool!(self, |p| {
            sqlx::query(
                "UPDATE flow_logout_requests SET challenge_value = $2, verifier = $3, accepted = $4, rejected = $5 \
                 WHERE challenge = $1 AND accepted = FALSE AND rejected = FALSE",
            )
            .bind(challenge)
            .bind(challenge_value)
            .bind(verifier)
            .bind(verifier.is_some())
            .bind(verifier.is_none())
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Marks an accepted request's verifier used and returns the request, once.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db consume_logout_verifier", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn consume_logout_verifier(
        &self,
        verifier: &str,
    ) -> StoreResult<Option<LogoutRequest>> {
        let row: Option<Row> = self.consume_flow_verifier(&TABLE, verifier).await?;
        Ok(row.map(Into::into))
    }
}
