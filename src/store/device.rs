//! The device authorization grant (RFC 8628, migration 0008): device codes, their
//! polling and redemption (Hydra v26's device challenges: `device_requests`).
//!
//! Every state change is one conditional statement, atomic on both backends: approval
//! and denial only move a `pending` code, redemption only takes an `approved` one (inside
//! the transaction that writes the tokens, via [`Store::redeem`]), a poll records its
//! time and grows the interval in the same UPDATE that reads the state.

use super::tokens::{Exchange, NewTokens, Redemption};
use super::{with_pool, Store, StoreError, StoreResult};
use crate::model::device::{ApprovedGrant, DeviceCode, DeviceStatus, Poll};

#[derive(sqlx::FromRow)]
struct CodeRow {
    signature: String,
    user_code: String,
    id: String,
    client_id: String,
    requested_scope: String,
    requested_audience: String,
    requested_at: i64,
    expires_at: i64,
    poll_interval: i64,
    status: String,
}

const CODE_COLUMNS: &str = "signature, user_code, id, client_id, requested_scope, \
     requested_audience, requested_at, expires_at, poll_interval, status";

impl CodeRow {
    fn into_model(self) -> StoreResult<DeviceCode> {
        let list = |what: &str, s: &str| -> StoreResult<Vec<String>> {
            serde_json::from_str(s)
                .map_err(|e| StoreError::Corrupt(format!("device code {what}: {e}")))
        };
        Ok(DeviceCode {
            requested_scope: list("requested_scope", &self.requested_scope)?,
            requested_audience: list("requested_audience", &self.requested_audience)?,
            signature: self.signature,
            user_code: self.user_code,
            id: self.id,
            client_id: self.client_id,
            requested_at: self.requested_at,
            expires_at: self.expires_at,
            interval: self.poll_interval,
            status: self.status,
        })
    }
}

/// The grant columns of an approved code, as a token row (the token tables' format).
#[derive(sqlx::FromRow)]
struct GrantRow {
    client_id: String,
    expires_at: i64,
    request_id: String,
    subject: String,
    obfuscated_subject: String,
    scope: String,
    audience: String,
    ext: String,
    session: String,
}

impl GrantRow {
    fn into_model(self) -> StoreResult<(ApprovedGrant, i64)> {
        Ok((
            ApprovedGrant {
                signature: String::new(),
                request_id: self.request_id,
                client_id: self.client_id,
                subject: self.subject,
                obfuscated_subject: self.obfuscated_subject,
                scope: self.scope,
                audience: self.audience,
                ext: self.ext,
                session: self.session,
                issued_at: 0,
                expires_at: 0,
                active: true,
            },
            self.expires_at,
        ))
    }
}

#[derive(sqlx::FromRow)]
struct PollRow {
    status: String,
    client_id: String,
    expires_at: i64,
    too_fast: bool,
}

impl Store {
    #[tracing::instrument(skip_all)]
    pub async fn insert_device_code(&self, c: &DeviceCode) -> StoreResult<()> {
        let scope = serde_json::to_string(&c.requested_scope).unwrap_or_else(|_| "[]".into());
        let audience = serde_json::to_string(&c.requested_audience).unwrap_or_else(|_| "[]".into());
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO oauth2_device_codes (signature, user_code, id, client_id, \
             requested_scope, requested_audience, requested_at, expires_at, poll_interval, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        )
        .bind(&c.signature)
        .bind(&c.user_code)
        .bind(&c.id)
        .bind(&c.client_id)
        .bind(&scope)
        .bind(&audience)
        .bind(c.requested_at)
        .bind(c.expires_at)
        .bind(c.interval)
        .bind(&c.status)
        .execute(p)
        .await
        .map(|_| ())
        .map_err(StoreError::conflict_on("user_code")))
    }

    /// The device code a user code (its keyed hash) names.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db device_code_by_user_code", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn device_code_by_user_code(&self, hash: &str) -> StoreResult<Option<DeviceCode>> {
        self.device_code_where("user_code", hash).await
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db device_code_by_id", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn device_code_by_id(&self, id: &str) -> StoreResult<Option<DeviceCode>> {
        self.device_code_where("id", id).await
    }

    async fn device_code_where(
        &self,
        column: &str,
        value: &str,
    ) -> StoreResult<Option<DeviceCode>> {
        let sql = format!("SELECT {CODE_COLUMNS} FROM oauth2_device_codes WHERE {column} = $1");
        let row: Option<CodeRow> = with_pool!(self, |p| sqlx::query_as(&sql)
            .bind(value)
            .fetch_optional(p)
            .await?);
        row.map(CodeRow::into_model).transpose()
    }

    /// Approves a pending, unexpired code with `grant`; false when it is not pending any
    /// more (or expired).
    #[tracing::instrument(skip_all)]
    pub async fn approve_device_code(
        &self,
        id: &str,
        grant: &ApprovedGrant,
        now: i64,
    ) -> StoreResult<bool> {
        let done = with_pool!(self, |p| {
            sqlx::query(
            "UPDATE oauth2_device_codes SET status = 'approved', request_id = $2, subject = $3, \
             obfuscated_subject = $4, scope = $5, audience = $6, ext = $7, session = $8 \
             WHERE id = $1 AND status = 'pending' AND expires_at > $9"
        )
        .bind(id)
        .bind(&grant.request_id)
        .bind(&grant.subject)
        .bind(&grant.obfuscated_subject)
        .bind(&grant.scope)
        .bind(&grant.audience)
        .bind(&grant.ext)
        .bind(&grant.session)
        .bind(now)
        .execute(p)
        .await?
        .rows_affected()
        });
        Ok(done == 1)
    }

    /// Denies a pending code (the user refused the login or the consent).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db deny_device_code", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn deny_device_code(&self, id: &str) -> StoreResult<bool> {
        let done = with_pool!(self, |p| {
            sqlx::query(
            "UPDATE oauth2_device_codes SET status = 'denied' WHERE id = $1 AND status = 'pending'"
        )
        .bind(id)
        .execute(p)
        .await?
        .rows_affected()
        });
        Ok(done == 1)
    }

    /// Takes an approved code (`approved` → `used`; of concurrent polls exactly one gets
    /// it), lets `check` refuse it or mint the tokens, and writes them, in one
    /// transaction. `NotFound` means not approved (or unknown): the caller then polls.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db redeem_device_code", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn redeem_device_code<T, E>(
        &self,
        signature: &str,
        check: impl FnOnce(&(ApprovedGrant, i64)) -> Result<NewTokens<T>, E>,
    ) -> StoreResult<Exchange<T, E>> {
        let redemption = Redemption {
            take: "UPDATE oauth2_device_codes SET status = 'used' \
                   WHERE signature = $1 AND status = 'approved' RETURNING client_id, expires_at, \
                   request_id, subject, obfuscated_subject, scope, audience, ext, session",
            used: "SELECT request_id FROM oauth2_device_codes WHERE signature = $1 AND status = 'used'",
            replaces_access_tokens: false,
        };
        self.redeem(&redemption, signature, GrantRow::into_model, check)
            .await
    }

    /// Records a poll that got no tokens and says where the code stands: the interval
    /// grows by `step` when this poll came sooner than it allowed (SET
    /// expressions read the row as it was, on both backends). Only the client the code
    /// was issued to is recorded, so another client cannot slow the device down.
    /// `None`: unknown code, or another client's.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db poll_device_code", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn poll_device_code(
        &self,
        signature: &str,
        client_id: &str,
        now: i64,
        step: i64,
    ) -> StoreResult<Option<Poll>> {
        const SQL: &str = concat!(
            "UPDATE oauth2_device_codes SET ",
            "too_fast = ($2 - last_polled_at < poll_interval), ",
            "poll_interval = CASE WHEN $2 - last_polled_at < poll_interval ",
            "    THEN poll_interval + $3 ELSE poll_interval END, ",
            "last_polled_at = $2 ",
            "WHERE signature = $1 AND client_id = $4 \
             RETURNING status, client_id, expires_at, too_fast"
        );
        let row: Option<PollRow> = with_pool!(self, |p| sqlx::query_as(SQL)
            .bind(signature)
            .bind(now)
            .bind(step)
            .bind(client_id)
            .fetch_optional(p)
            .await?);
        row.map(|r| {
            let status = DeviceStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("device code status {}", r.status)))?;
            Ok(Poll {
                status,
                client_id: r.client_id,
                expires_at: r.expires_at,
                too_fast: r.too_fast,
            })
        })
        .transpose()
    }

    /// Deletes device codes expired before `codes_before` and device requests made
    /// before `requests_before` (the janitor).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db flush_device", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn flush_device(&self, codes_before: i64, requests_before: i64) -> StoreResult<u64> {
        let codes = with_pool!(self, |p| sqlx::query(
            "DELETE FROM oauth2_device_codes WHERE expires_at < $1"
        )
        .bind(codes_before)
        .execute(p)
        .await?
        .rows_affected());
        let requests = with_pool!(self, |p| sqlx::query(
            "DELETE FROM flow_device_requests WHERE requested_at < $1"
        )
        .bind(requests_before)
        .execute(p)
        .await?
        .rows_affected());
        Ok(codes + requests)
    }
}
