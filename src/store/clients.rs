//! OAuth 2.0 clients. List fields are JSON text, times unix seconds; the secret hash is
//! its own column and never part of a returned `Client`.

use super::{with_pool, Changing, Store, StoreError, StoreResult};
use crate::model::{Client, ClientFilter};
use row::{
    bind_data, ClientRow, ClientRowWithHash, ClientRowWithPk, Values, INSERT, SELECT,
    SELECT_WITH_HASH, SELECT_WITH_PK, UPDATE,
};

mod row;

/// A client's stored secret hashes: the current one (none for a public client) and the
/// rotated ones that still authenticate it, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretHashes {
    pub current: Option<String>,
    pub rotated: Vec<String>,
}

/// What an update does with the stored secret hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashUpdate<'a> {
    /// Leave it as it is (no new secret was given).
    Keep,
    Set(&'a str),
    /// Remove it (the client became public).
    Clear,
}

impl Store {
    /// Stores a new client; a taken `client_id` is `Conflict("client_id")`.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db insert_client", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn insert_client(&self, c: &Client, secret_hash: Option<&str>) -> StoreResult<()> {
        let v = Values::of(c)?;
        with_pool!(self, |p| {
            let q = sqlx::query(&INSERT)
                .bind(&c.client_id)
                .bind(secret_hash)
                .bind(v.created_at);
            bind_data!(q, c, v)
                .execute(p)
                .await
                .map_err(StoreError::conflict_on("client_id"))?;
        });
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db get_client", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn get_client(&self, id: &str) -> StoreResult<Option<Client>> {
        let sql = format!("{} WHERE id = $1", *SELECT);
        let row: Option<ClientRow> = with_pool!(self, |p| {
            sqlx::query_as(&sql).bind(id).fetch_optional(p).await?
        });
        row.map(ClientRow::into_client).transpose()
    }

    /// The client and its secret hashes in one query: the token endpoint's hot path, so
    /// it is served from the cache when it can be.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db get_client_with_secret_hash", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn get_client_with_secret_hash(
        &self,
        id: &str,
    ) -> StoreResult<Option<(Client, SecretHashes)>> {
        let caches = self.caches();
        if let Some(hit) = caches.get_client(id) {
            return Ok(Some(hit));
        }
        let generation = caches.clients.generation();
        let found = self.fetch_client_with_secret_hashes(id).await?;
        if let (Some(f), true) = (&found, caches.enabled()) {
            caches.clients.fill(id.to_string(), f.clone(), generation);
        }
        Ok(found)
    }

    /// [`Self::get_client_with_secret_hash`] straight from the database, never from the
    /// cache: for read-modify-write (secret rotation), whose compare-and-set must start
    /// from what is stored.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db fetch_client_with_secret_hashes", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn fetch_client_with_secret_hashes(
        &self,
        id: &str,
    ) -> StoreResult<Option<(Client, SecretHashes)>> {
        let row: Option<ClientRowWithHash> = with_pool!(self, |p| {
            sqlx::query_as(&SELECT_WITH_HASH)
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        row.map(ClientRowWithHash::into_parts).transpose()
    }

    /// Replaces client `id`'s secret hashes with `new` and sets its `updated_at`, only if
    /// they are still `expected` (compare-and-set, so two rotations, or a rotation and a
    /// deletion of rotated secrets, cannot lose each other's change). `false` if the
    /// client is gone or its hashes changed meanwhile.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db replace_client_secret_hashes", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn replace_client_secret_hashes(
        &self,
        id: &str,
        expected: &SecretHashes,
        new: &SecretHashes,
        updated_at: i64,
    ) -> StoreResult<bool> {
        let _changed = self.changing(Changing::Clients);
        let json = |v: &Vec<String>| {
            serde_json::to_string(v)
                .map_err(|e| StoreError::Corrupt(format!("rotated_secret_hashes: {e}")))
        };
        let (expected_rotated, new_rotated) = (json(&expected.rotated)?, json(&new.rotated)?);
        let sql =
            "UPDATE clients SET secret_hash = $2, rotated_secret_hashes = $3, updated_at = $4 \
                   WHERE id = $1 AND COALESCE(secret_hash, '') = $5 AND rotated_secret_hashes = $6";
        let done = with_pool!(self, |p| {
            sqlx::query(sql)
                .bind(id)
                .bind(new.current.as_deref())
                .bind(&new_rotated)
                .bind(updated_at)
                .bind(expected.current.as_deref().unwrap_or(""))
                .bind(&expected_rotated)
                .execute(p)
                .await?
                .rows_affected()
        });
        Ok(done > 0)
    }

    /// Forgets client `id`'s rotated secrets and sets its `updated_at`; `false` if there
    /// is no such client.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db delete_rotated_client_secrets", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn delete_rotated_client_secrets(
        &self,
        id: &str,
        updated_at: i64,
    ) -> StoreResult<bool> {
        let _changed = self.changing(Changing::Clients);
        let done = with_pool!(self, |p| {
            sqlx::query(
                "UPDATE clients SET rotated_secret_hashes = '[]', updated_at = $2 WHERE id = $1",
            )
            .bind(id)
            .bind(updated_at)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(done > 0)
    }

    /// Replaces every field but `client_id` and `created_at`; `false` if there is no such
    /// client.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db update_client", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn update_client(&self, c: &Client, hash: HashUpdate<'_>) -> StoreResult<bool> {
        let v = Values::of(c)?;
        let _changed = self.changing(Changing::Clients);
        let (keep, new_hash) = match hash {
            HashUpdate::Keep => (true, None),
            HashUpdate::Set(h) => (false, Some(h)),
            HashUpdate::Clear => (false, None),
        };
        let done = with_pool!(self, |p| {
            let q = sqlx::query(&UPDATE)
                .bind(&c.client_id)
                .bind(keep)
                .bind(new_hash);
            bind_data!(q, c, v).execute(p).await?.rows_affected()
        });
        Ok(done > 0)
    }

    /// `false` if there was no such client.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db delete_client", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn delete_client(&self, id: &str) -> StoreResult<bool> {
        // Its tokens go with it (ON DELETE CASCADE).
        let _changed = self.changing(Changing::Both);
        let done = with_pool!(self, |p| {
            sqlx::query("DELETE FROM clients WHERE id = $1")
                .bind(id)
                .execute(p)
                .await?
                .rows_affected()
        });
        Ok(done > 0)
    }

    /// One page of clients in creation order, and how many match `filter` in total.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db list_clients", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn list_clients(
        &self,
        limit: i64,
        offset: i64,
        filter: &ClientFilter,
    ) -> StoreResult<(Vec<Client>, i64)> {
        let mut conds = Vec::new();
        let mut binds: Vec<&str> = Vec::new();
        for (col, val) in [
            ("client_name", &filter.client_name),
            ("owner", &filter.owner),
        ] {
            if let Some(v) = val {
                binds.push(v);
                conds.push(format!("{col} = ${}", binds.len()));
            }
        }
        let filter_sql = if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        };
        let n = binds.len();
        let page_sql = format!(
            "{}{filter_sql} ORDER BY pk LIMIT ${} OFFSET ${}",
            *SELECT,
            n + 1,
            n + 2
        );
        let count_sql = format!("SELECT COUNT(*) FROM clients{filter_sql}");
        let (rows, total): (Vec<ClientRow>, i64) = with_pool!(self, |p| {
            let mut page = sqlx::query_as(&page_sql);
            let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
            for b in &binds {
                page = page.bind(*b);
                count = count.bind(*b);
            }
            let rows = page.bind(limit).bind(offset).fetch_all(p).await?;
            let total = count.fetch_one(p).await?.0;
            (rows, total)
        });
        let clients = rows
            .into_iter()
            .map(ClientRow::into_client)
            .collect::<StoreResult<_>>()?;
        Ok((clients, total))
    }

    /// Keyset pagination (Hydra v2): up to `limit` clients created after position
    /// `after` (0: from the start), in creation order, each with its position. Stable
    /// while clients are added: a new client is always after every existing one.
    #[tracing::instrument(level = "debug", name = "db", skip_all, fields(otel.name = "db list_clients_after", otel.kind = "client", db.system.name = self.system_name()))]
    pub async fn list_clients_after(
        &self,
        after: i64,
        limit: i64,
        filter: &ClientFilter,
    ) -> StoreResult<Vec<(i64, Client)>> {
        let mut conds = vec!["pk > $1".to_string()];
        let mut binds: Vec<&str> = Vec::new();
        for (col, val) in [
            ("client_name", &filter.client_name),
            ("owner", &filter.owner),
        ] {
            if let Some(v) = val {
                binds.push(v);
                conds.push(format!("{col} = ${}", binds.len() + 1));
            }
        }
        let sql = format!(
            "{} WHERE {} ORDER BY pk LIMIT ${}",
            *SELECT_WITH_PK,
            conds.join(" AND "),
            binds.len() + 2
        );
        let rows: Vec<ClientRowWithPk> = with_pool!(self, |p| {
            let mut q = sqlx::query_as(&sql).bind(after);
            for b in &binds {
                q = q.bind(*b);
            }
            q.bind(limit).fetch_all(p).await?
        });
        rows.into_iter()
            .map(|r| Ok((r.pk, r.row.into_client()?)))
            .collect()
    }
}
