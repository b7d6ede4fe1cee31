//! JSON Web Keys (`jwk_keys`). Rows are written whole and never updated in place except
//! to re-seal the private key under a new system secret; replacing a key deletes and
//! inserts it, so a row's `pk` identifies immutable key material.

use super::{with_pool, Store, StoreError, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyRow {
    pub pk: i64,
    pub set_id: String,
    pub kid: String,
    pub alg: String,
    pub key_use: String,
    pub public_jwk: String,
    pub private_key: Option<Vec<u8>>,
    pub created_at: i64,
}

/// A key to insert.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub set_id: String,
    pub kid: String,
    pub alg: String,
    pub key_use: String,
    pub public_jwk: String,
    pub private_key: Option<Vec<u8>>,
    pub created_at: i64,
}

const COLUMNS: &str = "pk, set_id, kid, alg, key_use, public_jwk, private_key, created_at";

const INSERT: &str = "INSERT INTO jwk_keys \
     (set_id, kid, alg, key_use, public_jwk, private_key, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// Inserts `$1..$7` with `bootstrap = $1` only while the set is empty; a concurrent
/// bootstrap of the same set hits the unique `bootstrap` index and inserts nothing.
const INSERT_BOOTSTRAP: &str = "INSERT INTO jwk_keys \
     (set_id, kid, alg, key_use, public_jwk, private_key, created_at, bootstrap) \
     SELECT $1, $2, $3, $4, $5, $6, $7, $1 \
     WHERE NOT EXISTS (SELECT 1 FROM jwk_keys WHERE set_id = $1) \
     ON CONFLICT DO NOTHING";

macro_rules! bind_new {
    ($q:expr, $k:expr) => {
        $q.bind(&$k.set_id)
            .bind(&$k.kid)
            .bind(&$k.alg)
            .bind(&$k.key_use)
            .bind(&$k.public_jwk)
            .bind(&$k.private_key)
            .bind($k.created_at)
    };
}

impl Store {
    /// The keys of `set`, newest first (ties in insertion order).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db jwk_list", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn jwk_list(&self, set: &str) -> StoreResult<Vec<KeyRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM jwk_keys WHERE set_id = $1 ORDER BY created_at DESC, pk ASC"
        );
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, KeyRow>(&sql)
                .bind(set)
                .fetch_all(p)
                .await?
        }))
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db jwk_get", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn jwk_get(&self, set: &str, kid: &str) -> StoreResult<Option<KeyRow>> {
        let sql = format!("SELECT {COLUMNS} FROM jwk_keys WHERE set_id = $1 AND kid = $2");
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, KeyRow>(&sql)
                .bind(set)
                .bind(kid)
                .fetch_optional(p)
                .await?
        }))
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db jwk_set_exists", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn jwk_set_exists(&self, set: &str) -> StoreResult<bool> {
        let row: Option<(i64,)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT pk FROM jwk_keys WHERE set_id = $1 LIMIT 1")
                .bind(set)
                .fetch_optional(p)
                .await?
        });
        Ok(row.is_some())
    }

    /// Adds keys to their sets, all or none; a kid already in its set is a conflict.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db jwk_insert", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn jwk_insert(&self, keys: &[NewKey]) -> StoreResult<()> {
        with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            for k in keys {
                bind_new!(sqlx::query(INSERT), k)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::conflict_on("kid"))?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Inserts `keys` (all of one set) if that set is empty and no other writer is
    /// bootstrapping it; returns whether they were inserted.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db jwk_insert_bootstrap", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn jwk_insert_bootstrap(&self, keys: &[NewKey]) -> StoreResult<bool> {
        let Some((first, rest)) = keys.split_first() else {
            return Ok(false);
        };
        Ok(with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let won = bind_new!(sqlx::query(INSERT_BOOTSTRAP), first)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if won {
                for k in rest {
                    bind_new!(sqlx::query(INSERT), k)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::conflict_on("kid"))?;
                }
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            won
        }))
    }

    /// Replaces every key of `set` by `keys`, atomically.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db jwk_replace_set", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn jwk_replace_set(&self, set: &str, keys: &[NewKey]) -> StoreResult<()> {
        with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM jwk_keys WHERE set_id = $1")
                .bind(set)
                .execute(&mut *tx)
                .await?;
            for k in keys {
                bind_new!(sqlx::query(INSERT), k)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::conflict_on("kid"))?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Creates or replaces one key (a new row, so a new `pk`).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db jwk_replace_key", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn jwk_replace_key(&self, key: &NewKey) -> StoreResult<()> {
        with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM jwk_keys WHERE set_id = $1 AND kid = $2")
                .bind(&key.set_id)
                .bind(&key.kid)
                .execute(&mut *tx)
                .await?;
            bind_new!(sqlx::query(INSERT), key)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::conflict_on("kid"))?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Deletes a set; returns how many keys it had.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db jwk_delete_set", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn jwk_delete_set(&self, set: &str) -> StoreResult<u64> {
        Ok(with_pool!(self, |p| {
            sqlx::query("DELETE FROM jwk_keys WHERE set_id = $1")
                .bind(set)
                .execute(p)
                .await?
                .rows_affected()
        }))
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db jwk_delete_key", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn jwk_delete_key(&self, set: &str, kid: &str) -> StoreResult<bool> {
        Ok(with_pool!(self, |p| {
            sqlx::query("DELETE FROM jwk_keys WHERE set_id = $1 AND kid = $2")
                .bind(set)
                .bind(kid)
                .execute(p)
                .await?
                .rows_affected()
                == 1
        }))
    }

    /// Every key that has a private part (for re-sealing under a new system secret).
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db jwk_all_private", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn jwk_all_private(&self) -> StoreResult<Vec<KeyRow>> {
        let sql =
            format!("SELECT {COLUMNS} FROM jwk_keys WHERE private_key IS NOT NULL ORDER BY pk");
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, KeyRow>(&sql).fetch_all(p).await?
        }))
    }

    /// Replaces the sealed private key of row `pk` if it still holds `old` (a concurrent
    /// replacement wins); returns whether it did.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db jwk_reseal", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn jwk_reseal(&self, pk: i64, old: &[u8], new: &[u8]) -> StoreResult<bool> {
        Ok(with_pool!(self, |p| {
            sqlx::query("UPDATE jwk_keys SET private_key = $1 WHERE pk = $2 AND private_key = $3")
                .bind(new)
                .bind(pk)
                .bind(old)
                .execute(p)
                .await?
                .rows_affected()
                == 1
        }))
    }
}
