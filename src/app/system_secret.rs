//! Resolving the system secret.
//!
//! * Configured (`SECRETS_SYSTEM`): used as given.
//! * PostgreSQL without one: refused. Replicas must share one secret, and a generated
//!   one would differ per replica and vanish with the container.
//! * Embedded SQLite without one: generated once and kept next to the database file
//!   with mode 0600, so restarts keep tokens and keys readable.
//! * In-memory: generated per process (nothing outlives it anyway).

use super::{connect, effective_dsn};
use crate::config::{Settings, MIN_SECRET_LEN};
use crate::crypto::seal;
use crate::crypto::{random_token, SystemKeys};
use crate::jwk::KeyManager;
use crate::secret::Secret;
use crate::store::{Backend, Store};
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const SECRET_FILE: &str = "portcullis-system.secret";
const CHECK_KEY: &str = "system_secret_check";

pub fn resolve(settings: &Settings, backend: &Backend) -> anyhow::Result<Vec<Secret>> {
    if !settings.secrets.system.is_empty() {
        return Ok(settings.secrets.system.clone());
    }
    match backend {
        Backend::Postgres { .. } => bail!(
            "configuration key `secrets.system` (SECRETS_SYSTEM) is not set: with PostgreSQL every \
             replica must use the same system secret. Set SECRETS_SYSTEM to a random value of at \
             least 16 characters, e.g. the output of `openssl rand -hex 32`"
        ),
        Backend::Sqlite { path } => {
            let file = secret_file_for(path);
            let secret = read_or_create(&file)?;
            Ok(vec![secret])
        }
        Backend::Memory => {
            tracing::warn!(
                "SECRETS_SYSTEM is not set; using a random secret for this in-memory database"
            );
            Ok(vec![Secret::new(random_token(32))])
        }
    }
}

fn secret_file_for(db: &Path) -> PathBuf {
    db.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join(SECRET_FILE))
        .unwrap_or_else(|| PathBuf::from(SECRET_FILE))
}

fn read_or_create(file: &Path) -> anyhow::Result<Secret> {
    match std::fs::read_to_string(file) {
        Ok(text) => {
            let s = text.trim().to_string();
            if s.len() < MIN_SECRET_LEN {
                bail!(
                    "the system secret in {} is too short; delete the file or set SECRETS_SYSTEM",
                    file.display()
                );
            }
            Ok(Secret::new(s))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            let secret = random_token(32);
            write_private(file, &secret)
                .with_context(|| format!("cannot write {}", file.display()))?;
            tracing::warn!(
                file = %file.display(),
                "SECRETS_SYSTEM is not set; generated a system secret and stored it with mode 0600. \
                 Set SECRETS_SYSTEM for production"
            );
            Ok(Secret::new(secret))
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", file.display())),
    }
}

fn write_private(file: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(file)?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()
}

/// Refuses to start with a secret unrelated to the one the database was set up with:
/// otherwise every stored key and token would silently become unreadable.
pub async fn check_against_store(store: &Store, keys: &SystemKeys) -> anyhow::Result<()> {
    match store.meta_get(CHECK_KEY).await? {
        None => store.meta_set(CHECK_KEY, &keys.secret_check()).await?,
        Some(stored) => {
            if keys.matches_secret_check(&stored).is_none() {
                bail!(
                    "none of the configured system secrets (SECRETS_SYSTEM) is the one this database \
                     was set up with; to rotate, put the new secret first and keep the old one after it"
                );
            }
        }
    }
    Ok(())
}

/// Re-seals the client secrets of providers stored through the admin API; returns how
/// many. Every one is decrypted before any is rewritten.
async fn reseal_provider_secrets(store: &Store, keys: &SystemKeys) -> anyhow::Result<usize> {
    let mut resealed = Vec::new();
    for p in store.provider_list().await? {
        let Some(old) = p.client_secret else { continue };
        let binding = crate::service::upstreams::registry::secret_binding(&p.id);
        let (plain, _) = seal::open(keys, binding, &old)?;
        resealed.push((p.id.clone(), old, seal::seal(keys, binding, &plain)?));
    }
    let mut count = 0;
    for (id, old, new) in resealed {
        if store.provider_reseal(&id, &old, &new).await? {
            count += 1;
        }
    }
    Ok(count)
}

/// Records that the current secret is now the one the database's data is protected by.
pub async fn mark_current(store: &Store, keys: &SystemKeys) -> anyhow::Result<()> {
    store.meta_set(CHECK_KEY, &keys.secret_check()).await?;
    Ok(())
}

/// `portcullis keys rotate-secret`: re-seals every key under the first configured secret,
/// then records that secret as the database's current one, so that a start with only
/// the new secret is accepted. Returns the number of keys re-sealed.
///
/// Procedure: deploy `SECRETS_SYSTEM=new,old` everywhere, run this, then (once tokens
/// issued under the old secret have expired) deploy `SECRETS_SYSTEM=new`.
pub async fn rotate(settings: &Settings) -> anyhow::Result<usize> {
    let dsn = effective_dsn(settings)?;
    let secrets = resolve(settings, &dsn.backend)?;
    let keys = SystemKeys::derive(&secrets);
    let store = connect(settings).await?;
    let result = async {
        check_against_store(&store, &keys).await?;
        let manager = KeyManager::new(store.clone(), Arc::new(keys.clone()));
        let count = manager
            .reseal_all()
            .await
            .context("cannot re-encrypt the JSON Web Keys")?
            + reseal_provider_secrets(&store, &keys)
                .await
                .context("cannot re-encrypt the identity providers' client secrets")?;
        mark_current(&store, &keys).await?;
        anyhow::Ok(count)
    }
    .await;
    store.close().await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secret_file_is_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sub").join("portcullis.sqlite");
        let settings = Settings::default();
        let first = resolve(&settings, &Backend::Sqlite { path: db.clone() }).unwrap();
        let second = resolve(&settings, &Backend::Sqlite { path: db.clone() }).unwrap();
        assert_eq!(first, second);
        assert!(first[0].len() >= 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("sub").join(SECRET_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn postgres_without_secret_is_refused() {
        let e = resolve(
            &Settings::default(),
            &Backend::Postgres {
                url: "postgres://x/y".into(),
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("SECRETS_SYSTEM"), "{e}");
    }
}
