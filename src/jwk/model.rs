//! The wire form of a JSON Web Key (RFC 7517), as Hydra's `JSONWebKey` renders it.
//!
//! Every parameter is optional on input so that a key with a missing or mistyped member
//! is reported by the validation in `material` (400 with a reason) rather than rejected
//! wholesale; members of the wrong JSON type are rejected by the body extractor (400).
//! Private parameters are [`Secret`]s, so a stray `{:?}` cannot print them.

use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// Member order follows go-jose, which Hydra uses, so responses read the same.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Jwk {
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kty: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dp: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dq: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qi: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x5c: Option<Vec<String>>,
}

impl Jwk {
    /// Whether any private (or symmetric) parameter is present.
    pub fn has_private_parts(&self) -> bool {
        [
            &self.k, &self.d, &self.p, &self.q, &self.dp, &self.dq, &self.qi,
        ]
        .iter()
        .any(|v| v.is_some())
    }

    /// This key without its private parameters: what may be published.
    pub fn public_part(&self) -> Jwk {
        Jwk {
            k: None,
            d: None,
            p: None,
            q: None,
            dp: None,
            dq: None,
            qi: None,
            ..self.clone()
        }
    }

    pub fn kid_str(&self) -> &str {
        self.kid.as_deref().unwrap_or("")
    }
}

/// A JWK Set: `{"keys": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JwkSet {
    #[serde(default)]
    pub keys: Vec<Jwk>,
}
