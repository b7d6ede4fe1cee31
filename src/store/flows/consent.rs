//! Consent requests, remembered consent and consent sessions.

use super::super::{with_pool, Store, StoreResult};
use super::{from_json, opt_from_json, to_json, RequestTable};
use crate::model::flow::{AcceptedConsent, ConsentRequest, RejectError};

const TABLE: RequestTable = RequestTable {
    table: "flow_consent_requests",
    columns: COLS,
    handled: "handled_at IS NOT NULL",
};

const COLS: &str = "challenge, challenge_value, csrf, client_id, subject, skip, requested_scope, \
    requested_audience, request_url, login_challenge, login_session_id, acr, amr, context, oidc_context, \
    force_subject_identifier, authenticated_at, requested_at, handled_at, error, grant_scope, grant_audience, \
    session_access_token, session_id_token, remember, remember_for, was_used, granted_context";

/// The consent sessions of subject `$1` at time `$2`, of login session `$3` unless empty.
const SESSIONS_WHERE: &str = "subject = $1 AND skip = FALSE \
    AND handled_at IS NOT NULL AND error IS NULL AND was_used = TRUE \
    AND (remember_for = 0 OR requested_at + remember_for >= $2) \
    AND ($3 = '' OR login_session_id = $3)";

#[derive(sqlx::FromRow)]
struct Row {
    challenge: String,
    challenge_value: String,
    csrf: String,
    client_id: String,
    subject: String,
    skip: bool,
    requested_scope: String,
    requested_audience: String,
    request_url: String,
    login_challenge: String,
    login_session_id: String,
    acr: String,
    amr: String,
    context: String,
    oidc_context: String,
    force_subject_identifier: String,
    authenticated_at: i64,
    requested_at: i64,
    handled_at: Option<i64>,
    error: Option<String>,
    grant_scope: String,
    grant_audience: String,
    session_access_token: String,
    session_id_token: String,
    remember: bool,
    remember_for: i64,
    was_used: bool,
    granted_context: Option<String>,
}

impl Row {
    fn into_model(self) -> StoreResult<ConsentRequest> {
        Ok(ConsentRequest {
            requested_scope: from_json(&self.requested_scope, "consent requested_scope")?,
            requested_audience: from_json(&self.requested_audience, "consent requested_audience")?,
            amr: from_json(&self.amr, "consent amr")?,
            context: from_json(&self.context, "consent context")?,
            oidc_context: from_json(&self.oidc_context, "consent oidc_context")?,
            error: opt_from_json(&self.error, "consent error")?,
            accepted: AcceptedConsent {
                grant_scope: from_json(&self.grant_scope, "consent grant_scope")?,
                grant_audience: from_json(&self.grant_audience, "consent grant_audience")?,
                session_access_token: from_json(&self.session_access_token, "consent session")?,
                session_id_token: from_json(&self.session_id_token, "consent session")?,
                remember: self.remember,
                remember_for: self.remember_for,
                context: opt_from_json(&self.granted_context, "consent granted_context")?,
            },
            challenge: self.challenge,
            challenge_value: self.challenge_value,
            csrf: self.csrf,
            client_id: self.client_id,
            subject: self.subject,
            skip: self.skip,
            request_url: self.request_url,
            login_challenge: self.login_challenge,
            login_session_id: self.login_session_id,
            acr: self.acr,
            force_subject_identifier: self.force_subject_identifier,
            authenticated_at: self.authenticated_at,
            requested_at: self.requested_at,
            handled_at: self.handled_at,
            was_used: self.was_used,
        })
    }
}

fn rows(rows: Vec<Row>) -> StoreResult<Vec<ConsentRequest>> {
    rows.into_iter().map(Row::into_model).collect()
}

impl Store {
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db insert_consent_request", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn insert_consent_request(&self, r: &ConsentRequest) -> StoreResult<()> {
        with_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO flow_consent_requests (challenge, csrf, client_id, subject, skip, requested_scope, \
                 requested_audience, request_url, login_challenge, login_session_id, acr, amr, context, \
                 oidc_context, force_subject_identifier, authenticated_at, requested_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            )
            .bind(&r.challenge)
            .bind(&r.csrf)
            .bind(&r.client_id)
            .bind(&r.subject)
            .bind(r.skip)
            .bind(to_json(&r.requested_scope))
            .bind(to_json(&r.requested_audience))
            .bind(&r.request_url)
            .bind(&r.login_challenge)
            .bind(&r.login_session_id)
            .bind(&r.acr)
            .bind(to_json(&r.amr))
            .bind(to_json(&r.context))
            .bind(to_json(&r.oidc_context))
            .bind(&r.force_subject_identifier)
            .bind(r.authenticated_at)
            .bind(r.requested_at)
            .execute(p)
            .await
            .map(|_| ())?
        });
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db get_consent_request", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn get_consent_request(
        &self,
        challenge: &str,
    ) -> StoreResult<Option<ConsentRequest>> {
        let row: Option<Row> = self.flow_request(&TABLE, challenge).await?;
        row.map(Row::into_model).transpose()
    }

    /// Records the consent app's decision; `false` when the request was handled already.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db handle_consent_request", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn handle_consent_request(
        &self,
        challenge: &str,
        challenge_value: &str,
        verifier: &str,
        outcome: Result<&AcceptedConsent, &RejectError>,
        now: i64,
    ) -> StoreResult<bool> {
        let default = AcceptedConsent::default();
        let (a, error) = match outcome {
            Ok(a) => (a, None),
            Err(e) => (&default, Some(to_json(e))),
        };
        let done = with_pool!(self, |p| {
            sqlx::query(
                "UPDATE flow_consent_requests SET challenge_value = $2, verifier = $3, handled_at = $4, error = $5, \
                 grant_scope = $6, grant_audience = $7, session_access_token = $8, session_id_token = $9, \
                 remember = $10, remember_for = $11, granted_context = $12 \
                 WHERE challenge = $1 AND handled_at IS NULL",
            )
            .bind(challenge)
            .bind(challenge_value)
            .bind(verifier)
            .bind(now)
            .bind(error)
            .bind(to_json(&a.grant_scope))
            .bind(to_json(&a.grant_audience))
            .bind(to_json(&a.session_access_token))
            .bind(to_json(&a.session_id_token))
            .bind(a.remember)
            .bind(a.remember_for)
            .bind(a.context.as_ref().map(to_json))
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Marks the verifier used and returns its request, once.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db consume_consent_verifier", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn consume_consent_verifier(
        &self,
        verifier: &str,
    ) -> StoreResult<Option<ConsentRequest>> {
        let row: Option<Row> = self.consume_flow_verifier(&TABLE, verifier).await?;
        row.map(Row::into_model).transpose()
    }

    /// The most recent remembered, granted, interactive consent of `subject` to `client_id`
    /// that completed (its verifier was used); whether it is still valid is for the caller.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db latest_remembered_consent", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn latest_remembered_consent(
        &self,
        subject: &str,
        client_id: &str,
    ) -> StoreResult<Option<ConsentRequest>> {
        let sql = format!(
            "SELECT {COLS} FROM flow_consent_requests WHERE subject = $1 AND client_id = $2 AND skip = FALSE \
             AND handled_at IS NOT NULL AND error IS NULL AND remember = TRUE AND was_used = TRUE \
             ORDER BY requested_at DESC, handled_at DESC LIMIT 1"
        );
        let row: Option<Row> = with_pool!(self, |p| {
            sqlx::query_as::<_, Row>(&sql)
                .bind(subject)
                .bind(client_id)
                .fetch_optional(p)
                .await?
        });
        row.map(Row::into_model).transpose()
    }

    /// The subject's granted consents (`PreviousConsentSession`s) that have not expired,
    /// newest first; only those of login session `login_session_id` when it is not empty.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db list_consent_sessions", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn list_consent_sessions(
        &self,
        subject: &str,
        login_session_id: &str,
        now: i64,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<ConsentRequest>> {
        let sql = format!(
            "SELECT {COLS} FROM flow_consent_requests WHERE {SESSIONS_WHERE} \
             ORDER BY requested_at DESC, handled_at DESC, challenge DESC LIMIT $4 OFFSET $5"
        );
        let found: Vec<Row> = with_pool!(self, |p| {
            sqlx::query_as::<_, Row>(&sql)
                .bind(subject)
                .bind(now)
                .bind(login_session_id)
                .bind(limit)
                .bind(offset)
                .fetch_all(p)
                .await?
        });
        rows(found)
    }

    /// Keyset pagination of [`Store::list_consent_sessions`] (Hydra v2): up to `limit`
    /// consents after `after` (`(requested_at, handled_at, challenge)` of the last one
    /// listed; `None`: from the start), in the same order. Stable while consents are
    /// granted, as a new one sorts before every listed one.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db list_consent_sessions_after", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn list_consent_sessions_after(
        &self,
        subject: &str,
        login_session_id: &str,
        now: i64,
        after: Option<(i64, i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<ConsentRequest>> {
        let keyset = if after.is_some() {
            " AND (requested_at < $5 OR (requested_at = $5 AND (handled_at < $6 \
             OR (handled_at = $6 AND challenge < $7))))"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {COLS} FROM flow_consent_requests WHERE {SESSIONS_WHERE}{keyset} \
             ORDER BY requested_at DESC, handled_at DESC, challenge DESC LIMIT $4"
        );
        let found: Vec<Row> = with_pool!(self, |p| {
            let mut q = sqlx::query_as::<_, Row>(&sql)
                .bind(subject)
                .bind(now)
                .bind(login_session_id)
                .bind(limit);
            if let Some((requested_at, handled_at, challenge)) = after {
                q = q.bind(requested_at).bind(handled_at).bind(challenge);
            }
            q.fetch_all(p).await?
        });
        rows(found)
    }

    /// How many consents [`Store::list_consent_sessions`] would list without paging.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db count_consent_sessions", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn count_consent_sessions(
        &self,
        subject: &str,
        login_session_id: &str,
        now: i64,
    ) -> StoreResult<i64> {
        let sql = format!("SELECT COUNT(*) FROM flow_consent_requests WHERE {SESSIONS_WHERE}");
        let n: (i64,) = with_pool!(self, |p| {
            sqlx::query_as(&sql)
                .bind(subject)
                .bind(now)
                .bind(login_session_id)
                .fetch_one(p)
                .await?
        });
        Ok(n.0)
    }

    /// The ids (challenge signatures) of the subject's consent requests, for one client
    /// or all of them.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db consent_request_ids", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn consent_request_ids(
        &self,
        subject: &str,
        client_id: Option<&str>,
    ) -> StoreResult<Vec<String>> {
        let found: Vec<(String,)> = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT challenge FROM flow_consent_requests WHERE subject = $1 AND ($2 = '' OR client_id = $3)",
            )
            .bind(subject)
            .bind(client_id.unwrap_or(""))
            .bind(client_id.unwrap_or(""))
            .fetch_all(p)
            .await?
        });
        Ok(found.into_iter().map(|r| r.0).collect())
    }

    /// `id` itself when it names a consent request (v2's `consent_request_id`).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db consent_request_id", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn consent_request_id(&self, id: &str) -> StoreResult<Option<String>> {
        let found: Option<(String,)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT challenge FROM flow_consent_requests WHERE challenge = $1")
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        Ok(found.map(|r| r.0))
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db delete_consent_requests", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn delete_consent_requests(&self, ids: &[String]) -> StoreResult<()> {
        for id in ids {
            with_pool!(self, |p| {
                sqlx::query("DELETE FROM flow_consent_requests WHERE challenge = $1")
                    .bind(id)
                    .execute(p)
                    .await
                    .map(|_| ())?
            });
        }
        Ok(())
    }

    /// The clients the subject consented to within login session `sid` (for
    /// front- and back-channel logout).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db clients_of_login_session", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn clients_of_login_session(
        &self,
        sid: &str,
        subject: &str,
    ) -> StoreResult<Vec<String>> {
        let found: Vec<(String,)> = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT DISTINCT client_id FROM flow_consent_requests \
                 WHERE login_session_id = $1 AND subject = $2 ORDER BY client_id",
            )
            .bind(sid)
            .bind(subject)
            .fetch_all(p)
            .await?
        });
        Ok(found.into_iter().map(|r| r.0).collect())
    }
}
