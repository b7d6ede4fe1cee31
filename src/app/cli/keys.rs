//! `portcullis keys …`: Hydra's `keys create|get|delete|import` over the admin API, and
//! `rotate-secret`, which works on the database directly.

use super::remote::{out, print_json, AdminArgs, Remote};
use crate::app::system_secret::rotate;
use crate::config::Settings;
use crate::jwk::{jwk_from_pkcs8, Alg};
use anyhow::{anyhow, Context};
use base64::Engine;
use clap::Subcommand;
use reqwest::Method;
use serde_json::{json, Value};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Re-encrypt every stored private key under the first secret of SECRETS_SYSTEM and
    /// record it as the database's current secret. Rotate by setting
    /// SECRETS_SYSTEM=new,old on every instance, running this, then dropping the old
    /// secret once tokens issued under it have expired.
    RotateSecret,
    /// Generate a new key in a JSON Web Key Set (creating the set) and print the set.
    ///
    /// Example:
    ///   portcullis keys create my-set --alg ES256
    #[command(verbatim_doc_comment)]
    Create {
        set: String,
        /// RS256, ES256, ES512 or EdDSA.
        #[arg(short = 'a', long, default_value = "RS256")]
        alg: String,
        /// sig or enc.
        #[arg(short = 'u', long = "use", default_value = "sig")]
        use_: String,
        /// The key id (generated when not given).
        #[arg(long)]
        kid: Option<String>,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Print JSON Web Key Sets.
    ///
    /// Example:
    ///   portcullis keys get hydra.openid.id-token
    #[command(verbatim_doc_comment)]
    Get {
        #[arg(required = true)]
        sets: Vec<String>,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Delete JSON Web Key Sets.
    ///
    /// Example:
    ///   portcullis keys delete my-set
    #[command(verbatim_doc_comment)]
    Delete {
        #[arg(required = true)]
        sets: Vec<String>,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Add keys to a set from files: JWK or JWKS JSON, or PKCS#8 PEM private keys
    /// (`-----BEGIN PRIVATE KEY-----`).
    ///
    /// Example:
    ///   portcullis keys import my-set ./signing.pem ./other.jwk.json
    #[command(verbatim_doc_comment)]
    Import {
        set: String,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The algorithm of PEM keys (default: guessed from the key).
        #[arg(short = 'a', long)]
        alg: Option<String>,
        /// sig or enc.
        #[arg(short = 'u', long = "use", default_value = "sig")]
        use_: String,
        #[command(flatten)]
        admin: AdminArgs,
    },
}

/// Whether the command works on the database (and so needs the configuration).
pub fn needs_settings(what: &KeysCommand) -> bool {
    matches!(what, KeysCommand::RotateSecret)
}

fn set_path(set: &str) -> String {
    format!(
        "/keys/{}",
        url::form_urlencoded::byte_serialize(set.as_bytes()).collect::<String>()
    )
}

pub async fn run(what: KeysCommand, settings: Option<Settings>) -> anyhow::Result<()> {
    match what {
        KeysCommand::RotateSecret => {
            let settings = settings.ok_or_else(|| anyhow!("no configuration"))?;
            let count = rotate(&settings).await?;
            out(format_args!(
                "re-encrypted {count} private keys and client secrets under the current system secret; older \
                 secrets can be removed from SECRETS_SYSTEM once tokens issued under them \
                 have expired"
            ));
        }
        KeysCommand::Create {
            set,
            alg,
            use_,
            kid,
            admin,
        } => {
            let remote = Remote::admin(&admin)?;
            let mut body = json!({"alg": alg, "use": use_});
            if let Some(kid) = kid {
                body["kid"] = json!(kid);
            }
            print_json(
                &remote
                    .json(Method::POST, &set_path(&set), Some(&body))
                    .await?,
            );
        }
        KeysCommand::Get { sets, admin } => {
            let remote = Remote::admin(&admin)?;
            for set in sets {
                print_json(&remote.json(Method::GET, &set_path(&set), None).await?);
            }
        }
        KeysCommand::Delete { sets, admin } => {
            let remote = Remote::admin(&admin)?;
            for set in sets {
                remote.json(Method::DELETE, &set_path(&set), None).await?;
                out(format_args!("JSON Web Key Set deleted: {set}"));
            }
        }
        KeysCommand::Import {
            set,
            files,
            alg,
            use_,
            admin,
        } => {
            let remote = Remote::admin(&admin)?;
            let mut added = Vec::new();
            for file in &files {
                added.extend(read_keys(file, alg.as_deref(), &use_)?);
            }
            // The set keeps its keys: what is there is read and sent back with the new
            // ones (an unknown set starts empty).
            let mut keys = match remote.json(Method::GET, &set_path(&set), None).await {
                Ok(v) => v["keys"].as_array().cloned().unwrap_or_default(),
                Err(e) if e.to_string().contains("404") => Vec::new(),
                Err(e) => return Err(e),
            };
            keys.extend(added);
            let set_json = remote
                .json(Method::PUT, &set_path(&set), Some(&json!({ "keys": keys })))
                .await?;
            print_json(&set_json);
        }
    }
    Ok(())
}

/// The keys in one file, each with a `use` and a `kid`.
fn read_keys(file: &PathBuf, alg: Option<&str>, use_: &str) -> anyhow::Result<Vec<Value>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut keys = if text.trim_start().starts_with('{') {
        let v: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid JSON", file.display()))?;
        match v.get("keys").and_then(Value::as_array) {
            Some(ks) => ks.clone(),
            None => vec![v],
        }
    } else {
        vec![from_pem(&text, alg).with_context(|| format!("cannot import {}", file.display()))?]
    };
    for k in &mut keys {
        if k.get("use").is_none() {
            k["use"] = json!(use_);
        }
        if k.get("kid")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            k["kid"] = json!(uuid::Uuid::new_v4().to_string());
        }
    }
    Ok(keys)
}

/// A PKCS#8 PEM private key as a JWK.
fn from_pem(text: &str, alg: Option<&str>) -> anyhow::Result<Value> {
    const BEGIN: &str = "-----BEGIN PRIVATE KEY-----";
    const END: &str = "-----END PRIVATE KEY-----";
    let start = text
        .find(BEGIN)
        .ok_or_else(|| anyhow!("expected a PKCS#8 PEM private key ({BEGIN}) or JSON"))?;
    let rest = &text[start + BEGIN.len()..];
    let body: String = rest
        .split(END)
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .context("the PEM body is not base64")?;
    let candidates: Vec<Alg> = match alg {
        Some(a) => vec![Alg::parse(a).ok_or_else(|| anyhow!("unsupported algorithm {a:?}"))?],
        None => Alg::ALL.to_vec(),
    };
    for a in candidates {
        if let Ok(jwk) = jwk_from_pkcs8(a, &der) {
            let mut v = serde_json::to_value(jwk)?;
            v["alg"] = json!(a.as_str());
            return Ok(v);
        }
    }
    Err(anyhow!(
        "the key is not an RSA, P-256, P-521 or Ed25519 private key"
    ))
}
