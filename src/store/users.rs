//! The user directory and login failure counters. Roles and groups are JSON text; the
//! password hash is its own column and only `user_credentials_by_email` returns it.

use super::{with_pool, Store, StoreError, StoreResult};
use crate::model::user::normalize_email;
use crate::model::{User, UserProfile};
use uuid::Uuid;

const COLUMNS: &str = "id, email, name, roles_json, groups_json, email_verified, disabled, \
                       created_at, updated_at";

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    name: String,
    roles_json: String,
    groups_json: String,
    email_verified: bool,
    disabled: bool,
    created_at: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct CredentialsRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> StoreResult<User> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("user {}: {what}", r.id));
        Ok(User {
            id: Uuid::parse_str(&r.id).map_err(|_| corrupt("id is not a UUID"))?,
            roles: serde_json::from_str(&r.roles_json).map_err(|_| corrupt("roles"))?,
            groups: serde_json::from_str(&r.groups_json).map_err(|_| corrupt("groups"))?,
            email: r.email,
            name: r.name,
            email_verified: r.email_verified,
            disabled: r.disabled,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

pub(super) fn json(list: &[String]) -> String {
    // Serialising strings to JSON cannot fail.
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

pub(super) fn normalized(email: &str) -> String {
    normalize_email(email)
}

/// Inserts user `$u` with `$hash` on `$exec` (a pool or a transaction); a taken email is
/// `Conflict("email")`.
macro_rules! insert_user {
    ($exec:expr, $u:expr, $hash:expr) => {{
        let u: &User = $u;
        sqlx::query(
            "INSERT INTO users (id, email, email_normalized, password_hash, name, roles_json, \
             groups_json, email_verified, disabled, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(u.id.to_string())
        .bind(&u.email)
        .bind(normalized(&u.email))
        .bind($hash)
        .bind(&u.name)
        .bind(json(&u.roles))
        .bind(json(&u.groups))
        .bind(u.email_verified)
        .bind(u.disabled)
        .bind(u.created_at)
        .bind(u.updated_at)
        .execute($exec)
        .await
        .map(|_| ())
        .map_err(StoreError::conflict_on("email"))
    }};
}
pub(super) use insert_user;

impl Store {
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db user_insert", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn user_insert(&self, u: &User, password_hash: &str) -> StoreResult<()> {
        with_pool!(self, |p| insert_user!(p, u, password_hash)?);
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db user_get", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn user_get(&self, id: Uuid) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
        let row: Option<UserRow> = with_pool!(self, |p| {
            sqlx::query_as(&sql)
                .bind(id.to_string())
                .fetch_optional(p)
                .await?
        });
        row.map(User::try_from).transpose()
    }

    /// `email_normalized` must already be normalised.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db user_by_email", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn user_by_email(&self, email_normalized: &str) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE email_normalized = $1");
        let row: Option<UserRow> = with_pool!(self, |p| {
            sqlx::query_as(&sql)
                .bind(email_normalized)
                .fetch_optional(p)
                .await?
        });
        row.map(User::try_from).transpose()
    }

    /// The user and its password hash, for the login check only.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db user_credentials_by_email", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn user_credentials_by_email(
        &self,
        email_normalized: &str,
    ) -> StoreResult<Option<(User, String)>> {
        let sql = format!("SELECT {COLUMNS}, password_hash FROM users WHERE email_normalized = $1");
        let row: Option<CredentialsRow> = with_pool!(self, |p| {
            sqlx::query_as(&sql)
                .bind(email_normalized)
                .fetch_optional(p)
                .await?
        });
        match row {
            Some(r) => Ok(Some((User::try_from(r.user)?, r.password_hash))),
            None => Ok(None),
        }
    }

    /// A page of users ordered by email, and the number matching in all.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db users_list", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn users_list(
        &self,
        email_normalized: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<User>, i64)> {
        let filter = "WHERE ($1 IS NULL OR email_normalized = $1)";
        let sql = format!(
            "SELECT {COLUMNS} FROM users {filter} ORDER BY email_normalized, id LIMIT $2 OFFSET $3"
        );
        let count_sql = format!("SELECT COUNT(*) FROM users {filter}");
        let (rows, total): (Vec<UserRow>, (i64,)) = with_pool!(self, |p| {
            let rows = sqlx::query_as(&sql)
                .bind(email_normalized)
                .bind(limit)
                .bind(offset)
                .fetch_all(p)
                .await?;
            let total = sqlx::query_as(&count_sql)
                .bind(email_normalized)
                .fetch_one(p)
                .await?;
            (rows, total)
        });
        let users = rows
            .into_iter()
            .map(User::try_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((users, total.0))
    }

    /// Replaces the profile; `None` when there is no such user.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db user_update", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn user_update(
        &self,
        id: Uuid,
        p: &UserProfile,
        now: i64,
    ) -> StoreResult<Option<User>> {
        let sql = format!(
            "UPDATE users SET email = $2, email_normalized = $3, name = $4, roles_json = $5, \
             groups_json = $6, email_verified = $7, disabled = $8, updated_at = $9 \
             WHERE id = $1 RETURNING {COLUMNS}"
        );
        let row: Option<UserRow> = with_pool!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(id.to_string())
                .bind(&p.email)
                .bind(normalized(&p.email))
                .bind(&p.name)
                .bind(json(&p.roles))
                .bind(json(&p.groups))
                .bind(p.email_verified)
                .bind(p.disabled)
                .bind(now)
                .fetch_optional(pool)
                .await
                .map_err(StoreError::conflict_on("email"))?
        });
        row.map(User::try_from).transpose()
    }

    /// Whether the user exists (and so got the new hash).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db user_set_password_hash", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn user_set_password_hash(
        &self,
        id: Uuid,
        hash: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let n = with_pool!(self, |p| {
            sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
                .bind(id.to_string())
                .bind(hash)
                .bind(now)
                .execute(p)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    /// Replaces the hash only if it is still `old` (a rehash must not undo a concurrent
    /// password change).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db user_replace_password_hash", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn user_replace_password_hash(
        &self,
        id: Uuid,
        old: &str,
        new: &str,
    ) -> StoreResult<bool> {
        let n = with_pool!(self, |p| {
            sqlx::query("UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2")
                .bind(id.to_string())
                .bind(old)
                .bind(new)
                .execute(p)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db user_delete", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn user_delete(&self, id: Uuid) -> StoreResult<bool> {
        let n = with_pool!(self, |p| {
            sqlx::query("DELETE FROM users WHERE id = $1")
                .bind(id.to_string())
                .execute(p)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }
}

/// Login failure counters (see `user::throttle`).
impl Store {
    /// The later `locked_until` of the two (kind, key) pairs, if either has a row.
    /// Reserves one login attempt against a key, in one atomic upsert, before the
    /// password is checked; returns the attempts counted in the window and until when
    /// the key is locked (0: not). A window older than `window` seconds starts over at 1,
    /// unless the key is locked, when attempts keep counting; reaching `max_failures`
    /// locks the key until `now + lockout`. The caller allows the attempt only when the
    /// count is at most `max_failures`, so of any number of attempts at once exactly
    /// `max_failures` get a password check. (In `DO UPDATE` every column reference reads
    /// the row as it was.)
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db login_attempt_reserve", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn login_attempt_reserve(
        &self,
        kind: &str,
        key_mac: &str,
        now: i64,
        window: i64,
        max_failures: i64,
        lockout: i64,
    ) -> StoreResult<(i64, i64)> {
        let row: (i64, i64) = with_pool!(self, |p| {
            sqlx::query_as(
                "INSERT INTO login_failures (kind, key_mac, window_start, failures, locked_until) \
                 VALUES ($1, $2, $3, 1, CASE WHEN $5 <= 1 THEN $3 + $6 ELSE 0 END) \
                 ON CONFLICT (kind, key_mac) DO UPDATE SET \
                   window_start = CASE WHEN login_failures.locked_until <= $3 \
                     AND login_failures.window_start <= $3 - $4 \
                     THEN $3 ELSE login_failures.window_start END, \
                   failures = CASE WHEN login_failures.locked_until <= $3 \
                     AND login_failures.window_start <= $3 - $4 \
                     THEN 1 ELSE login_failures.failures + 1 END, \
                   locked_until = CASE WHEN login_failures.locked_until > $3 \
                     THEN login_failures.locked_until \
                     WHEN (CASE WHEN login_failures.window_start <= $3 - $4 \
                       THEN 1 ELSE login_failures.failures + 1 END) >= $5 \
                     THEN $3 + $6 ELSE login_failures.locked_until END \
                 RETURNING failures, locked_until",
            )
            .bind(kind)
            .bind(key_mac)
            .bind(now)
            .bind(window)
            .bind(max_failures)
            .bind(lockout)
            .fetch_one(p)
            .await?
        });
        Ok(row)
    }

    /// Gives back one reserved attempt (it succeeded): a busy shared address must not
    /// lock itself out with successful logins.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db login_attempt_release", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn login_attempt_release(&self, kind: &str, key_mac: &str) -> StoreResult<()> {
        with_pool!(self, |p| {
            sqlx::query(
                "UPDATE login_failures SET failures = failures - 1 \
                 WHERE kind = $1 AND key_mac = $2 AND failures > 0",
            )
            .bind(kind)
            .bind(key_mac)
            .execute(p)
            .await
            .map(|_| ())?
        });
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db login_failures_clear", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn login_failures_clear(&self, kind: &str, key_mac: &str) -> StoreResult<()> {
        with_pool!(self, |p| {
            sqlx::query("DELETE FROM login_failures WHERE kind = $1 AND key_mac = $2")
                .bind(kind)
                .bind(key_mac)
                .execute(p)
                .await
                .map(|_| ())?
        });
        Ok(())
    }

    /// Drops counters whose window began at or before `window_before` and whose lock (if
    /// any) has ended by `now`.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db login_failures_prune", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn login_failures_prune(&self, window_before: i64, now: i64) -> StoreResult<u64> {
        let n = with_pool!(self, |p| {
            sqlx::query(
                "DELETE FROM login_failures WHERE window_start <= $1 AND locked_until <= $2",
            )
            .bind(window_before)
            .bind(now)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(n)
    }
}
