//! Rotating the system secret: re-sealing every private key under the current secret.
//!
//! Procedure: deploy `SECRETS_SYSTEM=new,old` everywhere, run `portcullis keys
//! rotate-secret`, then (once tokens issued under the old secret have expired) deploy
//! `SECRETS_SYSTEM=new`.

use super::error::JwkError;
use super::manager::KeyManager;
use super::seal;
use crate::app;
use crate::config::Settings;
use crate::crypto::SystemKeys;
use crate::store::Store;
use anyhow::Context;
use std::sync::Arc;

impl KeyManager {
    /// Re-seals every stored private key under the current system secret; returns how
    /// many. Every key is decrypted before any is rewritten, so a key that no configured
    /// secret opens aborts the rotation with nothing changed.
    pub async fn reseal_all(&self) -> Result<usize, JwkError> {
        let rows = self.store.jwk_all_private().await?;
        let mut resealed = Vec::with_capacity(rows.len());
        for row in &rows {
            let sealed = row.private_key.as_deref().unwrap_or_default();
            let (der, _) = seal::open(&self.keys, &row.set_id, &row.kid, sealed)?;
            resealed.push(seal::seal(&self.keys, &row.set_id, &row.kid, &der)?);
        }
        let mut count = 0;
        for (row, new) in rows.iter().zip(&resealed) {
            let old = row.private_key.as_deref().unwrap_or_default();
            // A key replaced meanwhile was sealed under the current secret by its writer.
            if self.store.jwk_reseal(row.pk, old, new).await? {
                count += 1;
            }
        }
        Ok(count)
    }
}

/// `portcullis keys rotate-secret`: re-seals every key under the first configured secret,
/// then records that secret as the database's current one, so that a start with only
/// the new secret is accepted. Returns the number of keys re-sealed.
pub async fn rotate_system_secret(settings: &Settings) -> anyhow::Result<usize> {
    let dsn = app::effective_dsn(settings)?;
    let secrets = app::secret::resolve(settings, &dsn.backend)?;
    let keys = SystemKeys::derive(&secrets);
    let store = Store::connect(&dsn)
        .await
        .context("cannot connect to the database")?;
    let result = async {
        app::secret::check_against_store(&store, &keys).await?;
        let manager = KeyManager::new(store.clone(), Arc::new(keys.clone()));
        let count = manager
            .reseal_all()
            .await
            .context("cannot re-encrypt the JSON Web Keys")?;
        app::secret::mark_current(&store, &keys).await?;
        anyhow::Ok(count)
    }
    .await;
    store.close().await;
    result
}
