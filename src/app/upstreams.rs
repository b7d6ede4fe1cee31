//! The providers of `identity.upstreams`, with their secrets read (from the file, the
//! environment variable or the value given) and every rule checked, or the start fails
//! with a message that names the key.

use crate::config::Settings;
use crate::protocol::federation::provider::{check_all, ProviderDef, ResolvedSecret};
use crate::secret::Secret;
use anyhow::bail;

pub fn configured(settings: &Settings) -> anyhow::Result<Vec<ProviderDef>> {
    let mut list = Vec::new();
    for (i, p) in settings.identity.upstreams.iter().enumerate() {
        let key = |field: &str| format!("identity.upstreams[{i}].{field}");
        let secret = if let Some(path) = &p.client_secret_file {
            match std::fs::read_to_string(path) {
                Ok(text) => Some(Secret::new(text.trim_end_matches(['\n', '\r']))),
                Err(e) => bail!(
                    "configuration key `{}`: cannot read {path}: {e}",
                    key("client_secret_file")
                ),
            }
        } else if let Some(name) = &p.client_secret_env {
            match std::env::var(name) {
                Ok(v) => Some(Secret::new(v)),
                Err(_) => bail!(
                    "configuration key `{}`: the environment variable {name} is not set",
                    key("client_secret_env")
                ),
            }
        } else {
            p.client_secret.clone()
        };
        list.push((p.clone(), ResolvedSecret(secret)));
    }
    Ok(check_all(&list, "identity.upstreams")?)
}
