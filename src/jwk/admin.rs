//! The admin API's operations: generate, import, read and delete keys.

use super::alg::Alg;
use super::error::JwkError;
use super::manager::{public_json, GenerateRequest, KeyManager, Naming};
use super::material::{self, unsupported_alg};
use super::model::{Jwk, JwkSet};
use super::seal;
use crate::store::{KeyRow, NewKey};

/// Longest set name or kid accepted (Hydra's columns are `VARCHAR(255)`).
const MAX_NAME: usize = 255;

fn check_name(what: &str, value: &str) -> Result<(), JwkError> {
    if value.is_empty() || value.len() > MAX_NAME || value.chars().any(char::is_control) {
        return Err(JwkError::invalid(format!(
            "The {what} must be 1 to {MAX_NAME} bytes without control characters"
        )));
    }
    Ok(())
}

impl KeyManager {
    /// `POST /keys/{set}`: a new key, added to the set. With [`Naming::Hydra1Pair`] it
    /// is answered as Hydra 1.9 does — the `private:<kid>` JWK (with private members)
    /// and its `public:<kid>` twin; with [`Naming::Single`] as Hydra v2 does — the one
    /// key, private members included, under `<kid>`.
    pub async fn generate(
        &self,
        set: &str,
        req: &GenerateRequest,
        naming: Naming,
        now: i64,
    ) -> Result<JwkSet, JwkError> {
        check_name("set name", set)?;
        let alg = Alg::parse(&req.alg).ok_or_else(|| unsupported_alg(&req.alg))?;
        let use_ = match req.use_.as_str() {
            "" => "sig",
            u @ ("sig" | "enc") => u,
            other => {
                return Err(JwkError::invalid(format!(
                    "The key \"use\" must be \"sig\" or \"enc\", not {other:?}"
                )))
            }
        };
        let id = if req.kid.is_empty() {
            uuid::Uuid::new_v4().to_string()
        } else {
            req.kid.clone()
        };
        let generated = match naming {
            Naming::Hydra1Pair => {
                check_name("kid", &format!("{}{id}", super::PRIVATE_PREFIX))?;
                self.generate_pair(set, alg, use_, &id, now).await?
            }
            Naming::Single => {
                check_name("kid", &id)?;
                self.generate_single(set, alg, use_, &id, now).await?
            }
        };
        let result = self.store.jwk_insert(&generated.rows).await;
        self.invalidate(set);
        result.map_err(|e| match e {
            crate::store::StoreError::Conflict(_) => JwkError::Conflict(id.clone()),
            other => other.into(),
        })?;
        Ok(JwkSet {
            keys: generated.jwks,
        })
    }

    /// A validated key ready to store in `set`.
    fn prepare(&self, set: &str, jwk: &Jwk, now: i64) -> Result<NewKey, JwkError> {
        check_name("kid", jwk.kid_str())?;
        let imported = material::import(jwk)?;
        let kid = jwk.kid_str();
        let private_key = match &imported.pkcs8 {
            Some(der) => Some(seal::seal(&self.keys, set, kid, der)?),
            None => None,
        };
        Ok(NewKey {
            set_id: set.to_string(),
            kid: kid.to_string(),
            alg: imported.alg.as_str().to_string(),
            key_use: imported.public.use_.clone().unwrap_or_else(|| "sig".into()),
            public_jwk: public_json(&imported.public)?,
            private_key,
            created_at: now,
        })
    }

    /// `PUT /keys/{set}`: replaces the whole set with `keys`, as Hydra does.
    pub async fn import_set(&self, set: &str, keys: &JwkSet, now: i64) -> Result<JwkSet, JwkError> {
        check_name("set name", set)?;
        if keys.keys.is_empty() {
            return Err(JwkError::invalid(
                "The JSON Web Key Set has no keys; to remove a set, DELETE it",
            ));
        }
        let mut rows = Vec::with_capacity(keys.keys.len());
        for (i, jwk) in keys.keys.iter().enumerate() {
            let row = self.prepare(set, jwk, now).map_err(|e| match e {
                JwkError::Invalid(m) => JwkError::Invalid(format!("keys[{i}]: {m}")),
                other => other,
            })?;
            if rows.iter().any(|r: &NewKey| r.kid == row.kid) {
                return Err(JwkError::invalid(format!(
                    "keys[{i}]: the kid {:?} appears twice",
                    row.kid
                )));
            }
            rows.push(row);
        }
        let result = self.store.jwk_replace_set(set, &rows).await;
        self.invalidate(set);
        result?;
        self.get_set(set).await
    }

    /// `PUT /keys/{set}/{kid}`: creates or replaces one key. A `kid` in the body must
    /// match the path; a missing one is taken from the path.
    pub async fn import_key(
        &self,
        set: &str,
        kid: &str,
        jwk: &Jwk,
        now: i64,
    ) -> Result<Jwk, JwkError> {
        check_name("set name", set)?;
        check_name("kid", kid)?;
        let mut jwk = jwk.clone();
        match jwk.kid.as_deref() {
            None | Some("") => jwk.kid = Some(kid.to_string()),
            Some(k) if k == kid => {}
            Some(k) => {
                return Err(JwkError::invalid(format!(
                    "The kid in the body ({k:?}) does not match the kid in the path ({kid:?})"
                )))
            }
        }
        let row = self.prepare(set, &jwk, now)?;
        let result = self.store.jwk_replace_key(&row).await;
        self.invalidate(set);
        result?;
        let mut got = self.get_key(set, kid).await?;
        got.keys
            .pop()
            .ok_or_else(|| JwkError::NotFound(format!("{set}/{kid}")))
    }

    /// `GET /keys/{set}`: every key, private members included.
    pub async fn get_set(&self, set: &str) -> Result<JwkSet, JwkError> {
        let rows = self.store.jwk_list(set).await?;
        if rows.is_empty() {
            return Err(JwkError::NotFound(format!("set {set:?}")));
        }
        let keys = rows
            .iter()
            .map(|r| self.render(r))
            .collect::<Result<_, _>>()?;
        Ok(JwkSet { keys })
    }

    /// `GET /keys/{set}/{kid}`: a set holding that one key.
    pub async fn get_key(&self, set: &str, kid: &str) -> Result<JwkSet, JwkError> {
        let row = self
            .store
            .jwk_get(set, kid)
            .await?
            .ok_or_else(|| JwkError::NotFound(format!("{set}/{kid}")))?;
        Ok(JwkSet {
            keys: vec![self.render(&row)?],
        })
    }

    pub async fn delete_set(&self, set: &str) -> Result<(), JwkError> {
        let deleted = self.store.jwk_delete_set(set).await;
        self.invalidate(set);
        if deleted? == 0 {
            return Err(JwkError::NotFound(format!("set {set:?}")));
        }
        Ok(())
    }

    pub async fn delete_key(&self, set: &str, kid: &str) -> Result<(), JwkError> {
        let deleted = self.store.jwk_delete_key(set, kid).await;
        self.invalidate(set);
        if !deleted? {
            return Err(JwkError::NotFound(format!("{set}/{kid}")));
        }
        Ok(())
    }

    /// A stored key as the admin API shows it: public members plus, when it has one,
    /// the private ones (decrypted).
    fn render(&self, row: &KeyRow) -> Result<Jwk, JwkError> {
        let corrupt = |what: &str| {
            JwkError::Crypto(format!(
                "stored key {}/{} is corrupt: {what}",
                row.set_id, row.kid
            ))
        };
        let mut jwk: Jwk =
            serde_json::from_str(&row.public_jwk).map_err(|e| corrupt(&e.to_string()))?;
        jwk.kid = Some(row.kid.clone());
        if let Some(sealed) = &row.private_key {
            let alg = Alg::parse(&row.alg).ok_or_else(|| corrupt("unknown alg"))?;
            let (der, _) = seal::open(&self.keys, &row.set_id, &row.kid, sealed)?;
            let private = material::jwk_from_pkcs8(alg, &der)?;
            jwk.d = private.d;
            jwk.p = private.p;
            jwk.q = private.q;
            jwk.dp = private.dp;
            jwk.dq = private.dq;
            jwk.qi = private.qi;
        }
        Ok(jwk)
    }
}
