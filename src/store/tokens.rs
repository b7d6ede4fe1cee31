//! Access and refresh tokens, consumed authorization codes and client-assertion `jti`s.
//!
//! Single-use values are taken with one conditional `UPDATE … RETURNING` inside the same
//! transaction that writes the tokens they are exchanged for: of two concurrent
//! redemptions exactly one sees the row, and a check that fails after the row was taken
//! (wrong client, bad PKCE verifier, expired) rolls the whole thing back, so the code or
//! refresh token stays usable by its rightful holder.

use super::{with_pool, Store, StoreError, StoreResult};
use crate::oauth2::authorize::AuthorizeCode;

/// One access or refresh token row (both tables have the same columns).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TokenRow {
    pub signature: String,
    pub request_id: String,
    pub client_id: String,
    /// The local subject (the client id for client_credentials).
    pub subject: String,
    /// The pairwise subject given to the client, or `""`.
    pub obfuscated_subject: String,
    /// Granted scopes, space-separated.
    pub scope: String,
    /// Granted audience, a JSON array.
    pub audience: String,
    /// The consent's `session.access_token`, a JSON object.
    pub ext: String,
    /// OpenID Connect data of the grant, JSON (see `oauth2::grant::GrantSession`).
    pub session: String,
    pub issued_at: i64,
    /// Unix seconds; 0 = never (refresh tokens only).
    pub expires_at: i64,
    pub active: bool,
}

/// Tokens to write when a code or refresh token is exchanged, plus whatever the caller
/// wants back (the minted values).
pub struct NewTokens<T> {
    pub access: TokenRow,
    pub refresh: Option<TokenRow>,
    pub out: T,
}

/// The outcome of exchanging a single-use value.
pub enum Exchange<T, E> {
    /// Taken, and the new tokens written.
    Done(T),
    /// The value exists but was used (or revoked) before; carries its grant's request id.
    AlreadyUsed {
        request_id: String,
    },
    NotFound,
    /// The caller's check refused it; nothing was changed.
    Rejected(E),
}

const COLUMNS: &str = "signature, request_id, client_id, subject, obfuscated_subject, scope, \
                       audience, ext, session, issued_at, expires_at, active";

macro_rules! insert_token {
    ($exec:expr, $table:literal, $row:expr) => {{
        let r: &TokenRow = $row;
        sqlx::query(concat!(
            "INSERT INTO ",
            $table,
            " (signature, request_id, client_id, subject, obfuscated_subject, scope, \
             audience, ext, session, issued_at, expires_at, active) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(&r.signature)
        .bind(&r.request_id)
        .bind(&r.client_id)
        .bind(&r.subject)
        .bind(&r.obfuscated_subject)
        .bind(&r.scope)
        .bind(&r.audience)
        .bind(&r.ext)
        .bind(&r.session)
        .bind(r.issued_at)
        .bind(r.expires_at)
        .bind(r.active)
        .execute($exec)
        .await
    }};
}

impl Store {
    /// Writes an access token and, if given, its refresh token (one transaction).
    pub async fn insert_tokens(
        &self,
        access: &TokenRow,
        refresh: Option<&TokenRow>,
    ) -> StoreResult<()> {
        with_pool!(self, |p| {
            match refresh {
                None => {
                    insert_token!(p, "oauth2_access_tokens", access)?;
                }
                Some(refresh) => {
                    let mut tx = p.begin().await?;
                    insert_token!(&mut *tx, "oauth2_access_tokens", access)?;
                    insert_token!(&mut *tx, "oauth2_refresh_tokens", refresh)?;
                    tx.commit().await?;
                }
            }
        });
        Ok(())
    }

    pub async fn get_access_token(&self, signature: &str) -> StoreResult<Option<TokenRow>> {
        let sql = format!("SELECT {COLUMNS} FROM oauth2_access_tokens WHERE signature = $1");
        Ok(with_pool!(self, |p| sqlx::query_as::<_, TokenRow>(&sql)
            .bind(signature)
            .fetch_optional(p)
            .await?))
    }

    pub async fn get_refresh_token(&self, signature: &str) -> StoreResult<Option<TokenRow>> {
        let sql = format!("SELECT {COLUMNS} FROM oauth2_refresh_tokens WHERE signature = $1");
        Ok(with_pool!(self, |p| sqlx::query_as::<_, TokenRow>(&sql)
            .bind(signature)
            .fetch_optional(p)
            .await?))
    }

    /// Revokes every token of one grant: its access tokens are deleted, its refresh tokens
    /// deactivated (kept so that a later presentation is recognised as reuse).
    pub async fn revoke_grant(&self, request_id: &str) -> StoreResult<()> {
        with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM oauth2_access_tokens WHERE request_id = $1")
                .bind(request_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE oauth2_refresh_tokens SET active = FALSE \
                 WHERE request_id = $1 AND active = TRUE",
            )
            .bind(request_id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Deletes every access token issued to `client_id` (Hydra's `DELETE /oauth2/tokens`)
    /// and deactivates its refresh tokens, so that no token of the client stays usable.
    pub async fn revoke_client_tokens(&self, client_id: &str) -> StoreResult<()> {
        with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM oauth2_access_tokens WHERE client_id = $1")
                .bind(client_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE oauth2_refresh_tokens SET active = FALSE \
                 WHERE client_id = $1 AND active = TRUE",
            )
            .bind(client_id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Rotates a refresh token: takes it (`active` TRUE → FALSE), lets `check` refuse it
    /// or produce the new tokens, deletes the grant's older access tokens and writes the
    /// new pair, all in one transaction.
    pub async fn rotate_refresh_token<T, E>(
        &self,
        signature: &str,
        check: impl FnOnce(&TokenRow) -> Result<NewTokens<T>, E>,
    ) -> StoreResult<Exchange<T, E>> {
        let take = format!(
            "UPDATE oauth2_refresh_tokens SET active = FALSE \
             WHERE signature = $1 AND active = TRUE RETURNING {COLUMNS}"
        );
        let outcome = with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let taken = sqlx::query_as::<_, TokenRow>(&take)
                .bind(signature)
                .fetch_optional(&mut *tx)
                .await?;
            match taken {
                None => None,
                Some(old) => match check(&old) {
                    Err(e) => {
                        tx.rollback().await?;
                        Some(Exchange::Rejected(e))
                    }
                    Ok(new) => {
                        sqlx::query("DELETE FROM oauth2_access_tokens WHERE request_id = $1")
                            .bind(&old.request_id)
                            .execute(&mut *tx)
                            .await?;
                        insert_token!(&mut *tx, "oauth2_access_tokens", &new.access)?;
                        if let Some(r) = &new.refresh {
                            insert_token!(&mut *tx, "oauth2_refresh_tokens", r)?;
                        }
                        tx.commit().await?;
                        Some(Exchange::Done(new.out))
                    }
                },
            }
        });
        if let Some(o) = outcome {
            return Ok(o);
        }
        Ok(match self.get_refresh_token(signature).await? {
            Some(row) => Exchange::AlreadyUsed {
                request_id: row.request_id,
            },
            None => Exchange::NotFound,
        })
    }

    /// Records a client assertion's `jti`; false when it was seen before (replay).
    pub async fn use_assertion_jti(
        &self,
        client_id: &str,
        jti: &str,
        expires_at: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let inserted = with_pool!(self, |p| {
            // Expired entries are dropped first so that they never block a jti forever.
            sqlx::query("DELETE FROM oauth2_assertion_jti WHERE expires_at < $1")
                .bind(now)
                .execute(p)
                .await?;
            sqlx::query(
                "INSERT INTO oauth2_assertion_jti (client_id, jti, expires_at) \
                 VALUES ($1, $2, $3) ON CONFLICT (client_id, jti) DO NOTHING",
            )
            .bind(client_id)
            .bind(jti)
            .bind(expires_at)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(inserted == 1)
    }

    /// Deletes, in batches of `batch`, access tokens that expired before `access_before`,
    /// refresh tokens that expired before `refresh_before`, and
    /// expired assertion `jti`s. Returns the number of rows deleted. Small batches keep
    /// each statement short so that traffic is never blocked behind a long delete.
    pub async fn flush_tokens(
        &self,
        access_before: i64,
        refresh_before: Option<i64>,
        now: i64,
        batch: i64,
    ) -> StoreResult<u64> {
        let mut total = 0;
        let statements: [(&str, Option<i64>); 3] = [
            (
                "DELETE FROM oauth2_access_tokens WHERE signature IN \
                 (SELECT signature FROM oauth2_access_tokens WHERE expires_at < $1 LIMIT $2)",
                Some(access_before),
            ),
            (
                // Rotated and revoked refresh tokens are kept until they would have
                // expired: a replay must still be recognised (and revoke its family).
                "DELETE FROM oauth2_refresh_tokens WHERE signature IN \
                 (SELECT signature FROM oauth2_refresh_tokens \
                  WHERE expires_at > 0 AND expires_at < $1 LIMIT $2)",
                refresh_before,
            ),
            (
                "DELETE FROM oauth2_assertion_jti WHERE (client_id, jti) IN \
                 (SELECT client_id, jti FROM oauth2_assertion_jti WHERE expires_at < $1 LIMIT $2)",
                Some(now),
            ),
        ];
        for (sql, cutoff) in statements {
            let Some(cutoff) = cutoff else { continue };
            loop {
                let n = with_pool!(self, |p| sqlx::query(sql)
                    .bind(cutoff)
                    .bind(batch)
                    .execute(p)
                    .await?
                    .rows_affected());
                total += n;
                if n < batch as u64 {
                    break;
                }
                tokio::task::yield_now().await;
            }
        }
        Ok(total)
    }
}

/// A row of `oauth2_authorize_codes` (migration 0004, owned by the flow).
#[derive(sqlx::FromRow)]
struct CodeRow {
    signature: String,
    request_id: String,
    client_id: String,
    redirect_uri: String,
    requested_scope: String,
    granted_scope: String,
    granted_audience: String,
    subject: String,
    obfuscated_subject: String,
    session_id: String,
    auth_time: i64,
    acr: String,
    amr: String,
    nonce: String,
    code_challenge: String,
    code_challenge_method: String,
    session_access_token: String,
    session_id_token: String,
    requested_at: i64,
    expires_at: i64,
    used: bool,
}

const CODE_COLUMNS: &str = "signature, request_id, client_id, redirect_uri, requested_scope, \
     granted_scope, granted_audience, subject, obfuscated_subject, session_id, auth_time, acr, \
     amr, nonce, code_challenge, code_challenge_method, session_access_token, session_id_token, \
     requested_at, expires_at, used";

impl CodeRow {
    fn into_code(self) -> StoreResult<AuthorizeCode> {
        fn json<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> StoreResult<T> {
            serde_json::from_str(s)
                .map_err(|e| StoreError::Corrupt(format!("authorization code {what}: {e}")))
        }
        Ok(AuthorizeCode {
            requested_scope: json("requested_scope", &self.requested_scope)?,
            granted_scope: json("granted_scope", &self.granted_scope)?,
            granted_audience: json("granted_audience", &self.granted_audience)?,
            amr: json("amr", &self.amr)?,
            session_access_token: json("session_access_token", &self.session_access_token)?,
            session_id_token: json("session_id_token", &self.session_id_token)?,
            signature: self.signature,
            request_id: self.request_id,
            client_id: self.client_id,
            redirect_uri: self.redirect_uri,
            subject: self.subject,
            obfuscated_subject: self.obfuscated_subject,
            session_id: self.session_id,
            auth_time: self.auth_time,
            acr: self.acr,
            nonce: self.nonce,
            code_challenge: self.code_challenge,
            code_challenge_method: self.code_challenge_method,
            requested_at: self.requested_at,
            expires_at: self.expires_at,
            used: self.used,
        })
    }
}

impl Store {
    /// Exchanges an authorization code: marks it used (`used` FALSE → TRUE; of
    /// concurrent redemptions exactly one gets the row), lets `check` refuse it or mint
    /// the tokens, and writes them, in one transaction. A refused code stays unused.
    pub async fn redeem_authorize_code<T, E>(
        &self,
        signature: &str,
        check: impl FnOnce(&AuthorizeCode) -> Result<NewTokens<T>, E>,
    ) -> StoreResult<Exchange<T, E>> {
        let take = format!(
            "UPDATE oauth2_authorize_codes SET used = TRUE \
             WHERE signature = $1 AND used = FALSE RETURNING {CODE_COLUMNS}"
        );
        let outcome = with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let taken = sqlx::query_as::<_, CodeRow>(&take)
                .bind(signature)
                .fetch_optional(&mut *tx)
                .await?;
            match taken {
                None => None,
                Some(row) => {
                    let code = row.into_code()?;
                    match check(&code) {
                        Err(e) => {
                            tx.rollback().await?;
                            Some(Exchange::Rejected(e))
                        }
                        Ok(new) => {
                            insert_token!(&mut *tx, "oauth2_access_tokens", &new.access)?;
                            if let Some(r) = &new.refresh {
                                insert_token!(&mut *tx, "oauth2_refresh_tokens", r)?;
                            }
                            tx.commit().await?;
                            Some(Exchange::Done(new.out))
                        }
                    }
                }
            }
        });
        if let Some(o) = outcome {
            return Ok(o);
        }
        let used: Option<(String,)> = with_pool!(self, |p| sqlx::query_as(
            "SELECT request_id FROM oauth2_authorize_codes WHERE signature = $1"
        )
        .bind(signature)
        .fetch_optional(p)
        .await?);
        Ok(match used {
            Some((request_id,)) => Exchange::AlreadyUsed { request_id },
            None => Exchange::NotFound,
        })
    }

    /// Deletes authorization codes that expired before `before`, in batches.
    pub async fn flush_authorize_codes(&self, before: i64, batch: i64) -> StoreResult<u64> {
        let mut total = 0;
        loop {
            let n = with_pool!(self, |p| sqlx::query(
                "DELETE FROM oauth2_authorize_codes WHERE signature IN \
                 (SELECT signature FROM oauth2_authorize_codes WHERE expires_at < $1 LIMIT $2)"
            )
            .bind(before)
            .bind(batch)
            .execute(p)
            .await?
            .rows_affected());
            total += n;
            if n < batch as u64 {
                return Ok(total);
            }
            tokio::task::yield_now().await;
        }
    }
}

impl Store {
    /// Revokes the tokens of several grants (consent revocation).
    pub async fn revoke_grants(&self, request_ids: &[String]) -> StoreResult<()> {
        for id in request_ids {
            self.revoke_grant(id).await?;
        }
        Ok(())
    }

    /// Deletes, in batches, login and logout requests that were requested before
    /// `before` (their challenges and verifiers can no longer be used), and consent
    /// requests from before `before` that were never handled or were rejected. Accepted
    /// consent requests stay: they are the consent sessions, and revoking one revokes
    /// its tokens (as Hydra's janitor keeps them).
    pub async fn flush_flow_requests(&self, before: i64, batch: i64) -> StoreResult<u64> {
        let statements = [
            "DELETE FROM flow_login_requests WHERE challenge IN \
             (SELECT challenge FROM flow_login_requests WHERE requested_at < $1 LIMIT $2)",
            "DELETE FROM flow_consent_requests WHERE challenge IN \
             (SELECT challenge FROM flow_consent_requests WHERE requested_at < $1 \
              AND (handled_at IS NULL OR error IS NOT NULL) LIMIT $2)",
            "DELETE FROM flow_logout_requests WHERE challenge IN \
             (SELECT challenge FROM flow_logout_requests WHERE requested_at < $1 LIMIT $2)",
        ];
        let mut total = 0;
        for sql in statements {
            loop {
                let n = with_pool!(self, |p| sqlx::query(sql)
                    .bind(before)
                    .bind(batch)
                    .execute(p)
                    .await?
                    .rows_affected());
                total += n;
                if n < batch as u64 {
                    break;
                }
                tokio::task::yield_now().await;
            }
        }
        Ok(total)
    }
}
