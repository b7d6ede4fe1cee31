//! Access and refresh tokens, consumed authorization codes and client-assertion `jti`s.
//!
//! Single-use values are taken with one conditional `UPDATE … RETURNING` inside the same
//! transaction that writes the tokens they are exchanged for: of two concurrent
//! redemptions exactly one sees the row, and a check that fails after the row was taken
//! (wrong client, bad PKCE verifier, expired) rolls the whole thing back, so the code or
//! refresh token stays usable by its rightful holder.

use super::{with_pool, Changing, Store, StoreResult};
pub use crate::model::TokenRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

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

// After the macro, so that these files can use it.
mod batch;
mod codes;
mod maintenance;

use super::cache::TokenTable;
pub(crate) use batch::BatchWriter;
pub use maintenance::Batch;

/// How a single-use value is redeemed: the statement that takes it (an `UPDATE …
/// RETURNING` that only matches an unused value), the query that finds its grant when it
/// was used already, and whether the new access token replaces the grant's older ones.
pub(super) struct Redemption<'a> {
    pub(super) take: &'a str,
    pub(super) used: &'static str,
    pub(super) replaces_access_tokens: bool,
}

impl Store {
    /// The skeleton codes and refresh tokens share: take the value (of concurrent
    /// redemptions exactly one gets the row), turn the row into its model, let `check`
    /// refuse it or mint the new tokens, and write them, all in one transaction. A
    /// refused value is rolled back and stays usable by its rightful holder.
    pub(super) async fn redeem<R, M, T, E>(
        &self,
        how: &Redemption<'_>,
        signature: &str,
        model: impl FnOnce(R) -> StoreResult<M>,
        check: impl FnOnce(&M) -> Result<NewTokens<T>, E>,
    ) -> StoreResult<Exchange<T, E>>
    where
        R: for<'r> sqlx::FromRow<'r, PgRow> + for<'r> sqlx::FromRow<'r, SqliteRow>,
        R: Send + Unpin,
    {
        let _changed = how
            .replaces_access_tokens
            .then(|| self.changing(Changing::Tokens));
        let outcome = with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let taken = sqlx::query_as::<_, R>(how.take)
                .bind(signature)
                .fetch_optional(&mut *tx)
                .await?;
            match taken {
                None => None,
                Some(row) => match check(&model(row)?) {
                    Err(e) => {
                        tx.rollback().await?;
                        Some(Exchange::Rejected(e))
                    }
                    Ok(new) => {
                        if how.replaces_access_tokens {
                            sqlx::query("DELETE FROM oauth2_access_tokens WHERE request_id = $1")
                                .bind(&new.access.request_id)
                                .execute(&mut *tx)
                                .await?;
                        }
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
        let used: Option<(String,)> = with_pool!(self, |p| sqlx::query_as(how.used)
            .bind(signature)
            .fetch_optional(p)
            .await?);
        Ok(match used {
            Some((request_id,)) => Exchange::AlreadyUsed { request_id },
            None => Exchange::NotFound,
        })
    }
}

impl Store {
    /// A token row from the cache, or read (and remembered) under the current generation.
    async fn cached_token(
        &self,
        table: TokenTable,
        signature: &str,
        sql: impl FnOnce() -> String,
    ) -> StoreResult<Option<TokenRow>> {
        let caches = self.caches();
        if let Some(row) = caches.get_token(table, signature) {
            return Ok(Some(row));
        }
        let generation = caches.tokens.generation();
        let sql = sql();
        let row = with_pool!(self, |p| sqlx::query_as::<_, TokenRow>(&sql)
            .bind(signature)
            .fetch_optional(p)
            .await?);
        if let (Some(r), true) = (&row, caches.enabled()) {
            caches
                .tokens
                .fill((table, signature.to_string()), r.clone(), generation);
        }
        Ok(row)
    }

    /// Writes an access token and, if given, its refresh token (one transaction).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db insert_tokens", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn insert_tokens(
        &self,
        access: &TokenRow,
        refresh: Option<&TokenRow>,
    ) -> StoreResult<()> {
        let caches = self.caches();
        let generation = caches.tokens.generation();
        self.shared
            .writer
            .write(access.clone(), refresh.cloned())
            .await?;
        // A client that introspects what it was just given finds it in memory.
        if caches.enabled() {
            caches.tokens.fill(
                (TokenTable::Access, access.signature.clone()),
                access.clone(),
                generation,
            );
        }
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db get_access_token", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn get_access_token(&self, signature: &str) -> StoreResult<Option<TokenRow>> {
        self.cached_token(TokenTable::Access, signature, || {
            format!("SELECT {COLUMNS} FROM oauth2_access_tokens WHERE signature = $1")
        })
        .await
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db get_refresh_token", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn get_refresh_token(&self, signature: &str) -> StoreResult<Option<TokenRow>> {
        self.cached_token(TokenTable::Refresh, signature, || {
            format!("SELECT {COLUMNS} FROM oauth2_refresh_tokens WHERE signature = $1")
        })
        .await
    }

    /// Revokes every token of one grant: its access tokens are deleted, its refresh tokens
    /// deactivated (kept so that a later presentation is recognised as reuse).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db revoke_grant", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn revoke_grant(&self, request_id: &str) -> StoreResult<()> {
        let _changed = self.changing(Changing::Tokens);
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
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db revoke_client_tokens", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn revoke_client_tokens(&self, client_id: &str) -> StoreResult<()> {
        let _changed = self.changing(Changing::Tokens);
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
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db rotate_refresh_token", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn rotate_refresh_token<T, E>(
        &self,
        signature: &str,
        check: impl FnOnce(&TokenRow) -> Result<NewTokens<T>, E>,
    ) -> StoreResult<Exchange<T, E>> {
        let take = format!(
            "UPDATE oauth2_refresh_tokens SET active = FALSE \
             WHERE signature = $1 AND active = TRUE RETURNING {COLUMNS}"
        );
        let redemption = Redemption {
            take: &take,
            used: "SELECT request_id FROM oauth2_refresh_tokens WHERE signature = $1",
            replaces_access_tokens: true,
        };
        self.redeem(&redemption, signature, Ok, check).await
    }

    /// Revokes everything of `subject`: its access tokens and unredeemed authorization
    /// codes are deleted, its refresh tokens deactivated (kept, so that a replay is
    /// recognised), and its login sessions ended, in one transaction. Returns how many
    /// rows changed.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db revoke_subject", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn revoke_subject(&self, subject: &str) -> StoreResult<u64> {
        let _changed = self.changing(Changing::Tokens);
        let statements = [
            "DELETE FROM oauth2_access_tokens WHERE subject = $1",
            "UPDATE oauth2_refresh_tokens SET active = FALSE WHERE subject = $1 AND active = TRUE",
            "DELETE FROM oauth2_authorize_codes WHERE subject = $1",
            "DELETE FROM flow_login_sessions WHERE subject = $1",
        ];
        let n = with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let mut n = 0;
            for sql in statements {
                n += sqlx::query(sql)
                    .bind(subject)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
            n
        });
        Ok(n)
    }

    /// Revokes the tokens of several grants (consent revocation).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db revoke_grants", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn revoke_grants(&self, request_ids: &[String]) -> StoreResult<()> {
        for id in request_ids {
            self.revoke_grant(id).await?;
        }
        Ok(())
    }
}
