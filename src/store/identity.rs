//! Upstream sign-in (migration 0007): providers defined through the admin API, links
//! from upstream identities to local users, the single-use states of redirects to a
//! provider, and the provider each login session came from.

use super::users::{insert_user, json, normalized};
use super::{with_pool, Store, StoreError, StoreResult};
use crate::model::identity::{
    IdentityLink, StatePurpose, StoredProvider, UpstreamSession, UpstreamState,
};
use crate::model::User;

#[derive(sqlx::FromRow)]
struct ProviderRow {
    id: String,
    definition: String,
    client_secret: Option<Vec<u8>>,
    created_at: i64,
    updated_at: i64,
}

impl From<ProviderRow> for StoredProvider {
    fn from(r: ProviderRow) -> Self {
        StoredProvider {
            id: r.id,
            definition: r.definition,
            client_secret: r.client_secret,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    issuer: String,
    subject: String,
    user_id: String,
    provider_id: String,
    created_at: i64,
}

impl From<LinkRow> for IdentityLink {
    fn from(r: LinkRow) -> Self {
        IdentityLink {
            issuer: r.issuer,
            subject: r.subject,
            user_id: r.user_id,
            provider_id: r.provider_id,
            created_at: r.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct StateRow {
    signature: String,
    purpose: String,
    provider_id: String,
    browser: String,
    login_challenge: String,
    remember: bool,
    redirect_to: String,
    expires_at: i64,
}

/// Inserts link `$l` on `$exec` (the pool or a transaction); a taken (issuer, subject)
/// is `Conflict("identity")`.
macro_rules! insert_link {
    ($exec:expr, $l:expr) => {{
        let l: &IdentityLink = $l;
        sqlx::query(
            "INSERT INTO user_identities (issuer, subject, user_id, provider_id, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&l.issuer)
        .bind(&l.subject)
        .bind(&l.user_id)
        .bind(&l.provider_id)
        .bind(l.created_at)
        .execute($exec)
        .await
        .map(|_| ())
        .map_err(StoreError::conflict_on("identity"))
    }};
}

const PROVIDER_COLUMNS: &str = "id, definition, client_secret, created_at, updated_at";
const LINK_COLUMNS: &str = "issuer, subject, user_id, provider_id, created_at";

impl Store {
    /// A taken id is `Conflict("id")`.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db provider_insert", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn provider_insert(&self, p: &StoredProvider) -> StoreResult<()> {
        with_pool!(self, |pool| {
            sqlx::query(
            "INSERT INTO identity_providers (id, definition, client_secret, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(&p.id)
        .bind(&p.definition)
        .bind(&p.client_secret)
        .bind(p.created_at)
        .bind(p.updated_at)
        .execute(pool)
        .await
        .map(|_| ())
        .map_err(StoreError::conflict_on("id"))?
        });
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db provider_get", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn provider_get(&self, id: &str) -> StoreResult<Option<StoredProvider>> {
        let sql = format!("SELECT {PROVIDER_COLUMNS} FROM identity_providers WHERE id = $1");
        let row: Option<ProviderRow> = with_pool!(self, |p| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(p)
            .await?);
        Ok(row.map(Into::into))
    }

    /// Every stored provider, by id.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db provider_list", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn provider_list(&self) -> StoreResult<Vec<StoredProvider>> {
        let sql = format!("SELECT {PROVIDER_COLUMNS} FROM identity_providers ORDER BY id");
        let rows: Vec<ProviderRow> =
            with_pool!(self, |p| sqlx::query_as(&sql).fetch_all(p).await?);
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Replaces a provider's definition and secret; `false` if there is none.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db provider_replace", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn provider_replace(&self, p: &StoredProvider) -> StoreResult<bool> {
        let n = with_pool!(self, |pool| {
            sqlx::query(
            "UPDATE identity_providers SET definition = $2, client_secret = $3, updated_at = $4 \
             WHERE id = $1"
        )
        .bind(&p.id)
        .bind(&p.definition)
        .bind(&p.client_secret)
        .bind(p.updated_at)
        .execute(pool)
        .await?
        .rows_affected()
        });
        Ok(n == 1)
    }

    /// Replaces a sealed secret only if it is still `old` (secret rotation).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db provider_reseal", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn provider_reseal(&self, id: &str, old: &[u8], new: &[u8]) -> StoreResult<bool> {
        let n = with_pool!(self, |pool| {
            sqlx::query(
            "UPDATE identity_providers SET client_secret = $3 WHERE id = $1 AND client_secret = $2"
        )
        .bind(id)
        .bind(old)
        .bind(new)
        .execute(pool)
        .await?
        .rows_affected()
        });
        Ok(n == 1)
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db provider_delete", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn provider_delete(&self, id: &str) -> StoreResult<bool> {
        let n = with_pool!(self, |p| sqlx::query(
            "DELETE FROM identity_providers WHERE id = $1"
        )
        .bind(id)
        .execute(p)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// The link of an upstream identity, if any.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db link_get", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn link_get(&self, issuer: &str, subject: &str) -> StoreResult<Option<IdentityLink>> {
        let sql = format!(
            "SELECT {LINK_COLUMNS} FROM user_identities WHERE issuer = $1 AND subject = $2"
        );
        let row: Option<LinkRow> = with_pool!(self, |p| sqlx::query_as(&sql)
            .bind(issuer)
            .bind(subject)
            .fetch_optional(p)
            .await?);
        Ok(row.map(Into::into))
    }

    /// A taken (issuer, subject) is `Conflict("identity")`; an unknown user is a foreign
    /// key error.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db link_insert", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn link_insert(&self, l: &IdentityLink) -> StoreResult<()> {
        with_pool!(self, |p| insert_link!(p, l)?);
        Ok(())
    }

    /// The links of each of `user_ids`, oldest first.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db links_of", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn links_of(&self, user_ids: &[String]) -> StoreResult<Vec<IdentityLink>> {
        let mut out = Vec::new();
        let sql = format!(
            "SELECT {LINK_COLUMNS} FROM user_identities WHERE user_id = $1 \
             ORDER BY created_at, issuer, subject"
        );
        // One query per user: listings are paged (at most 500 users), and this keeps
        // the SQL the same on both backends.
        for id in user_ids {
            let rows: Vec<LinkRow> =
                with_pool!(self, |p| sqlx::query_as(&sql).bind(id).fetch_all(p).await?);
            out.extend(rows.into_iter().map(IdentityLink::from));
        }
        Ok(out)
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db link_delete", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn link_delete(
        &self,
        user_id: &str,
        issuer: &str,
        subject: &str,
    ) -> StoreResult<bool> {
        let n = with_pool!(self, |p| sqlx::query(
            "DELETE FROM user_identities WHERE user_id = $1 AND issuer = $2 AND subject = $3"
        )
        .bind(user_id)
        .bind(issuer)
        .bind(subject)
        .execute(p)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// Creates a user and links it, in one transaction: of two first sign-ins at once,
    /// one creates the user and the other gets `Conflict` (`email` or `identity`).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db user_insert_linked", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn user_insert_linked(
        &self,
        u: &User,
        password_hash: &str,
        link: &IdentityLink,
    ) -> StoreResult<()> {
        with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            insert_user!(&mut *tx, u, password_hash)?;
            insert_link!(&mut *tx, link)?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Name, groups and roles as the provider says at this sign-in.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db user_sync_profile", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn user_sync_profile(
        &self,
        id: &str,
        name: &str,
        roles: &[String],
        groups: &[String],
        now: i64,
    ) -> StoreResult<()> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE users SET name = $2, roles_json = $3, groups_json = $4, updated_at = $5 \
             WHERE id = $1"
        )
        .bind(id)
        .bind(name)
        .bind(json(roles))
        .bind(json(groups))
        .bind(now)
        .execute(p)
        .await
        .map(|_| ())?);
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db upstream_state_insert", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn upstream_state_insert(&self, s: &UpstreamState) -> StoreResult<()> {
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO upstream_states (signature, purpose, provider_id, browser, \
             login_challenge, remember, redirect_to, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )
        .bind(&s.signature)
        .bind(s.purpose.as_str())
        .bind(&s.provider_id)
        .bind(&s.browser)
        .bind(&s.login_challenge)
        .bind(s.remember)
        .bind(&s.redirect_to)
        .bind(s.expires_at)
        .execute(p)
        .await
        .map(|_| ())?);
        Ok(())
    }

    /// Takes the state with this signature, once: of concurrent callbacks with the same
    /// state exactly one gets it. An expired or unknown state is `None`.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db upstream_state_take", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn upstream_state_take(
        &self,
        signature: &str,
        purpose: StatePurpose,
        now: i64,
    ) -> StoreResult<Option<UpstreamState>> {
        let row: Option<StateRow> = with_pool!(self, |p| sqlx::query_as(
            "DELETE FROM upstream_states WHERE signature = $1 AND purpose = $2 \
             RETURNING signature, purpose, provider_id, browser, login_challenge, remember, \
             redirect_to, expires_at"
        )
        .bind(signature)
        .bind(purpose.as_str())
        .fetch_optional(p)
        .await?);
        Ok(row.filter(|r| r.expires_at > now).map(|r| UpstreamState {
            signature: r.signature,
            purpose: if r.purpose == "logout" {
                StatePurpose::Logout
            } else {
                StatePurpose::Login
            },
            provider_id: r.provider_id,
            browser: r.browser,
            login_challenge: r.login_challenge,
            remember: r.remember,
            redirect_to: r.redirect_to,
            expires_at: r.expires_at,
        }))
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db upstream_session_put", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn upstream_session_put(&self, s: &UpstreamSession) -> StoreResult<()> {
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO upstream_sessions (login_session_id, provider_id, id_token, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (login_session_id) DO UPDATE SET \
             provider_id = excluded.provider_id, id_token = excluded.id_token, \
             created_at = excluded.created_at"
        )
        .bind(&s.login_session_id)
        .bind(&s.provider_id)
        .bind(&s.id_token)
        .bind(s.created_at)
        .execute(p)
        .await
        .map(|_| ())?);
        Ok(())
    }

    /// Takes the upstream session of a login session, once (at logout).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db upstream_session_take", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn upstream_session_take(&self, sid: &str) -> StoreResult<Option<UpstreamSession>> {
        let row: Option<(String, String, Vec<u8>, i64)> = with_pool!(self, |p| sqlx::query_as(
            "DELETE FROM upstream_sessions WHERE login_session_id = $1 \
             RETURNING login_session_id, provider_id, id_token, created_at"
        )
        .bind(sid)
        .fetch_optional(p)
        .await?);
        Ok(row.map(
            |(login_session_id, provider_id, id_token, created_at)| UpstreamSession {
                login_session_id,
                provider_id,
                id_token,
                created_at,
            },
        ))
    }

    /// Deletes expired states and the upstream sessions whose login session is gone,
    /// in batches; returns how many rows went.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db flush_upstream", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn flush_upstream(&self, now: i64, batch: super::Batch) -> StoreResult<u64> {
        let statements = [
            "DELETE FROM upstream_states WHERE signature IN \
             (SELECT signature FROM upstream_states WHERE expires_at <= $1 LIMIT $2)",
            "DELETE FROM upstream_sessions WHERE login_session_id IN \
             (SELECT s.login_session_id FROM upstream_sessions s LEFT JOIN flow_login_sessions l \
              ON l.id = s.login_session_id WHERE l.id IS NULL AND s.created_at <= $1 LIMIT $2)",
        ];
        let mut total = 0;
        for sql in statements {
            total += self.delete_in_batches(sql, now, batch).await?;
        }
        Ok(total)
    }
}
