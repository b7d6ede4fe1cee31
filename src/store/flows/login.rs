//! Login requests.

use super::super::{with_pool, Store, StoreResult};
use super::{from_json, opt_from_json, to_json, RequestTable};
use crate::model::flow::{AcceptedLogin, LoginRequest, RejectError};

const TABLE: RequestTable = RequestTable {
    table: "flow_login_requests",
    columns: COLS,
    handled: "handled_at IS NOT NULL",
};

const COLS: &str = "challenge, challenge_value, csrf, client_id, subject, skip, requested_scope, \
    requested_audience, request_url, session_id, authenticated_at, requested_at, oidc_context, handled_at, \
    error, remember, remember_for, accepted_subject, acr, amr, context, force_subject_identifier, \
    accepted_authenticated_at, was_used, extend_session_lifespan, identity_provider_session_id";

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
    session_id: String,
    authenticated_at: Option<i64>,
    requested_at: i64,
    oidc_context: String,
    handled_at: Option<i64>,
    error: Option<String>,
    remember: bool,
    remember_for: i64,
    accepted_subject: String,
    acr: String,
    amr: String,
    context: String,
    force_subject_identifier: String,
    accepted_authenticated_at: i64,
    was_used: bool,
    extend_session_lifespan: bool,
    identity_provider_session_id: String,
}

impl Row {
    fn into_model(self) -> StoreResult<LoginRequest> {
        Ok(LoginRequest {
            requested_scope: from_json(&self.requested_scope, "login requested_scope")?,
            requested_audience: from_json(&self.requested_audience, "login requested_audience")?,
            oidc_context: from_json(&self.oidc_context, "login oidc_context")?,
            error: opt_from_json(&self.error, "login error")?,
            accepted: AcceptedLogin {
                subject: self.accepted_subject,
                remember: self.remember,
                remember_for: self.remember_for,
                acr: self.acr,
                amr: from_json(&self.amr, "login amr")?,
                context: from_json(&self.context, "login context")?,
                force_subject_identifier: self.force_subject_identifier,
                authenticated_at: self.accepted_authenticated_at,
                extend_session_lifespan: self.extend_session_lifespan,
                identity_provider_session_id: self.identity_provider_session_id,
            },
            challenge: self.challenge,
            challenge_value: self.challenge_value,
            csrf: self.csrf,
            client_id: self.client_id,
            subject: self.subject,
            skip: self.skip,
            request_url: self.request_url,
            session_id: self.session_id,
            authenticated_at: self.authenticated_at,
            requested_at: self.requested_at,
            handled_at: self.handled_at,
            was_used: self.was_used,
        })
    }
}

impl Store {
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db insert_login_request", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn insert_login_request(&self, r: &LoginRequest) -> StoreResult<()> {
        with_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO flow_login_requests (challenge, csrf, client_id, subject, skip, requested_scope, \
                 requested_audience, request_url, session_id, authenticated_at, requested_at, oidc_context) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(&r.challenge)
            .bind(&r.csrf)
            .bind(&r.client_id)
            .bind(&r.subject)
            .bind(r.skip)
            .bind(to_json(&r.requested_scope))
            .bind(to_json(&r.requested_audience))
            .bind(&r.request_url)
            .bind(&r.session_id)
            .bind(r.authenticated_at)
            .bind(r.requested_at)
            .bind(to_json(&r.oidc_context))
            .execute(p)
            .await
            .map(|_| ())?
        });
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db get_login_request", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn get_login_request(&self, challenge: &str) -> StoreResult<Option<LoginRequest>> {
        let row: Option<Row> = self.flow_request(&TABLE, challenge).await?;
        row.map(Row::into_model).transpose()
    }

    /// Records the login app's decision; `false` when the request was handled already.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db handle_login_request", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn handle_login_request(
        &self,
        challenge: &str,
        challenge_value: &str,
        verifier: &str,
        outcome: Result<&AcceptedLogin, &RejectError>,
        now: i64,
    ) -> StoreResult<bool> {
        let default = AcceptedLogin::default();
        let (a, error) = match outcome {
            Ok(a) => (a, None),
            Err(e) => (&default, Some(to_json(e))),
        };
        let done = with_pool!(self, |p| {
            sqlx::query(
                "UPDATE flow_login_requests SET challenge_value = $2, verifier = $3, handled_at = $4, error = $5, \
                 remember = $6, remember_for = $7, accepted_subject = $8, acr = $9, amr = $10, context = $11, \
                 force_subject_identifier = $12, accepted_authenticated_at = $13, \
                 extend_session_lifespan = $14, identity_provider_session_id = $15 \
                 WHERE challenge = $1 AND handled_at IS NULL",
            )
            .bind(challenge)
            .bind(challenge_value)
            .bind(verifier)
            .bind(now)
            .bind(error)
            .bind(a.remember)
            .bind(a.remember_for)
            .bind(&a.subject)
            .bind(&a.acr)
            .bind(to_json(&a.amr))
            .bind(to_json(&a.context))
            .bind(&a.force_subject_identifier)
            .bind(a.authenticated_at)
            .bind(a.extend_session_lifespan)
            .bind(&a.identity_provider_session_id)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Marks the verifier used and returns its request, once; `None` for an unknown,
    /// unhandled or already used verifier.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db consume_login_verifier", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn consume_login_verifier(
        &self,
        verifier: &str,
    ) -> StoreResult<Option<LoginRequest>> {
        let row: Option<Row> = self.consume_flow_verifier(&TABLE, verifier).await?;
        row.map(Row::into_model).transpose()
    }
}
