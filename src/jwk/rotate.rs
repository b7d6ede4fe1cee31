//! Rotating the system secret: re-sealing every private key under the current secret
//! (`portcullis keys rotate-secret` drives it).

use super::error::JwkError;
use super::manager::KeyManager;
use super::seal;

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
