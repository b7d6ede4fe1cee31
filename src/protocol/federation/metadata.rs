//! An upstream provider's discovery document (OpenID Connect Discovery 1.0 §3, §4.3).
//!
//! Only the fields federation needs are read; everything else is ignored so that new or
//! vendor-specific fields never break sign-in. The document is trusted only after its
//! `issuer` matches the configured one exactly (Discovery §4.3: this is what stops a
//! compromised or confused document from impersonating another issuer) and every URL in
//! it passes [`check_url`].

use super::url_policy::check_url;
use serde::{Deserialize, Deserializer, Serialize};

/// Largest discovery document accepted (real ones are 1–10 KiB).
pub const MAX_METADATA_LEN: usize = 64 * 1024;

/// The parts of the discovery document federation uses. URLs keep their original text
/// (already checked), so requests go exactly where the provider said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    /// RFC 9207: when true the authorization response must carry `iss`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub authorization_response_iss_parameter_supported: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub code_challenge_methods_supported: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub id_token_signing_alg_values_supported: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub token_endpoint_auth_methods_supported: Vec<String>,
}

/// Why a discovery document was refused. Upstream text in messages is shortened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("the discovery document is larger than {MAX_METADATA_LEN} bytes")]
    TooLarge,
    #[error("the discovery document is not valid: {0}")]
    Malformed(String),
    #[error("the discovery document's issuer {found:?} is not the configured {expected:?}")]
    IssuerMismatch { expected: String, found: String },
    #[error("the discovery document's {field} {reason}")]
    InvalidUrl { field: &'static str, reason: String },
}

/// Parses and checks a discovery document.
///
/// The issuer comparison is exact, byte for byte: `https://idp/` and `https://idp` are
/// different issuers (Discovery §4.3 says "MUST be identical"), so no trailing-slash or
/// case normalization is done; configure the issuer exactly as the provider spells it.
pub fn parse(
    bytes: &[u8],
    expected_issuer: &str,
    allow_insecure_http: bool,
) -> Result<ProviderMetadata, MetadataError> {
    if bytes.len() > MAX_METADATA_LEN {
        return Err(MetadataError::TooLarge);
    }
    let meta: ProviderMetadata = serde_json::from_slice(bytes)
        .map_err(|e| MetadataError::Malformed(shorten(&e.to_string())))?;
    if meta.issuer != expected_issuer {
        return Err(MetadataError::IssuerMismatch {
            expected: shorten(expected_issuer),
            found: shorten(&meta.issuer),
        });
    }
    let issuer = check_url(&meta.issuer, allow_insecure_http).map_err(|reason| {
        MetadataError::InvalidUrl {
            field: "issuer",
            reason,
        }
    })?;
    if issuer.query().is_some() {
        // Discovery §3: the issuer has no query or fragment component.
        return Err(MetadataError::InvalidUrl {
            field: "issuer",
            reason: "must not have a query".to_string(),
        });
    }
    let urls = [
        ("authorization_endpoint", Some(&meta.authorization_endpoint)),
        ("token_endpoint", Some(&meta.token_endpoint)),
        ("jwks_uri", Some(&meta.jwks_uri)),
        ("userinfo_endpoint", meta.userinfo_endpoint.as_ref()),
        ("end_session_endpoint", meta.end_session_endpoint.as_ref()),
    ];
    for (field, value) in urls {
        if let Some(value) = value {
            check_url(value, allow_insecure_http)
                .map_err(|reason| MetadataError::InvalidUrl { field, reason })?;
        }
    }
    Ok(meta)
}

/// `null` reads as the default (empty list, false): some providers emit explicit nulls.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Keeps upstream-controlled text in errors short (at most 200 characters).
fn shorten(s: &str) -> String {
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or(s)),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests;
