//! Hydra 1.9.2's `oAuth2Client`, field for field.
//!
//! The same struct is the create/update request body and the response body. Hydra writes
//! every field on output (empty strings, empty arrays, `false`), which is what the Ory
//! SDKs expect, so nothing here is skipped except the secret, which is only present in
//! the answer to the request that set it, and `jwks` and `metadata` when unset: Hydra
//! omits them (`omitempty`), and the SDKs' models do not allow `null` there (the Python
//! SDK 1.9.2 raises on `"jwks": null`).
//!
//! On input, `null` is accepted for every field and means "not set", as Go's
//! `encoding/json` (and therefore Hydra) treats it; unknown fields are ignored.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

pub mod lifespans;

pub use lifespans::{Lifespans, LIFESPAN_FIELDS};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Client {
    #[serde(deserialize_with = "null_as_default")]
    pub client_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub client_name: String,
    /// Plain text only on the way in, and in the answer that created or changed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub redirect_uris: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub grant_types: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub response_types: Vec<String>,
    /// Space-separated.
    #[serde(deserialize_with = "null_as_default")]
    pub scope: String,
    #[serde(deserialize_with = "null_as_default")]
    pub audience: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub owner: String,
    #[serde(deserialize_with = "null_as_default")]
    pub policy_uri: String,
    #[serde(deserialize_with = "null_as_default")]
    pub allowed_cors_origins: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub tos_uri: String,
    #[serde(deserialize_with = "null_as_default")]
    pub client_uri: String,
    #[serde(deserialize_with = "null_as_default")]
    pub logo_uri: String,
    #[serde(deserialize_with = "null_as_default")]
    pub contacts: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub client_secret_expires_at: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub subject_type: String,
    /// A JSON Web Key Set object (`{"keys": [...]}`), or null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwks: Option<Value>,
    #[serde(deserialize_with = "null_as_default")]
    pub jwks_uri: String,
    #[serde(deserialize_with = "null_as_default")]
    pub token_endpoint_auth_method: String,
    #[serde(deserialize_with = "null_as_default")]
    pub token_endpoint_auth_signing_alg: String,
    #[serde(deserialize_with = "null_as_default")]
    pub request_uris: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub request_object_signing_alg: String,
    #[serde(deserialize_with = "null_as_default")]
    pub userinfo_signed_response_alg: String,
    #[serde(deserialize_with = "null_as_default")]
    pub sector_identifier_uri: String,
    #[serde(deserialize_with = "null_as_default")]
    pub post_logout_redirect_uris: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub frontchannel_logout_uri: String,
    #[serde(deserialize_with = "null_as_default")]
    pub frontchannel_logout_session_required: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub backchannel_logout_uri: String,
    #[serde(deserialize_with = "null_as_default")]
    pub backchannel_logout_session_required: bool,
    /// Any JSON object, or null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// RFC 3339; set by the server.
    #[serde(deserialize_with = "null_as_default")]
    pub created_at: String,
    #[serde(deserialize_with = "null_as_default")]
    pub updated_at: String,
    /// Hydra v2's `skip_consent`: the consent request is accepted without the consent
    /// app. Read from a request body but never written: it is not part of the 1.9.2
    /// shape, so only the `/admin` clients API honours and shows it, and the 1.9.2 paths
    /// override whatever a body said (see `http::admin::clients`).
    #[serde(skip_serializing, deserialize_with = "null_as_default")]
    pub skip_consent: bool,
    /// Hydra v2's `skip_logout_consent`: an RP-initiated logout is accepted without the
    /// logout app. Read and shown like `skip_consent`.
    #[serde(skip_serializing, deserialize_with = "null_as_default")]
    pub skip_logout_consent: bool,
    /// Hydra v2's `access_token_strategy` (`jwt` or `opaque`); `None` (or `""` on the way
    /// in) = the global `strategies.access_token`. Read and shown like `skip_consent`.
    #[serde(skip_serializing)]
    pub access_token_strategy: Option<String>,
    /// Hydra v2's `*_lifespan` fields: read from a request body, shown on the v2 paths
    /// only (see [`Client::v2_view`]).
    #[serde(flatten)]
    pub lifespans: Lifespans,
}

/// Hydra v2's client fields that Portcullis serves and the 1.9.2 shape lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct V2Fields {
    pub skip_consent: bool,
    pub skip_logout_consent: bool,
    pub access_token_strategy: Option<String>,
    pub lifespans: Lifespans,
}

impl Client {
    pub fn v2_fields(&self) -> V2Fields {
        V2Fields {
            skip_consent: self.skip_consent,
            skip_logout_consent: self.skip_logout_consent,
            access_token_strategy: self.access_token_strategy.clone(),
            lifespans: self.lifespans,
        }
    }

    pub fn with_v2_fields(self, v2: V2Fields) -> Client {
        Client {
            skip_consent: v2.skip_consent,
            skip_logout_consent: v2.skip_logout_consent,
            access_token_strategy: v2.access_token_strategy,
            lifespans: v2.lifespans,
            ..self
        }
    }

    /// The v2 fields as the `/admin` API shows them, to add to the 1.9.2 shape:
    /// `access_token_strategy` only when set (Hydra omits it when empty), each lifespan
    /// as a Go duration or `null`.
    pub fn v2_view(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("skip_consent".into(), self.skip_consent.into());
        m.insert(
            "skip_logout_consent".into(),
            self.skip_logout_consent.into(),
        );
        if let Some(s) = &self.access_token_strategy {
            m.insert("access_token_strategy".into(), s.clone().into());
        }
        m.extend(self.lifespans.to_api());
        m
    }

    /// The client's scopes as a list.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.split_whitespace()
    }

    /// A public client authenticates with nothing (`token_endpoint_auth_method=none`).
    pub fn is_public(&self) -> bool {
        self.token_endpoint_auth_method == "none"
    }
}

/// The `client_name` / `owner` filters of the list endpoint (exact matches; `None` = any).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientFilter {
    pub client_name: Option<String>,
    pub owner: Option<String>,
}

/// `null` reads as the type's default, as in Go's `encoding/json`.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_means_not_set_for_every_field() {
        let c: Client = serde_json::from_str(
            r#"{"client_id":"a","redirect_uris":null,"client_name":null,"frontchannel_logout_session_required":null,"client_secret_expires_at":null,"jwks":null,"metadata":null}"#,
        )
        .unwrap();
        assert_eq!(c.client_id, "a");
        assert!(c.redirect_uris.is_empty());
        assert_eq!(c.client_name, "");
        assert!(c.jwks.is_none() && c.metadata.is_none());
    }

    #[test]
    fn unset_jwks_and_metadata_are_omitted_not_null() {
        let out = serde_json::to_value(Client::default()).unwrap();
        assert!(out.get("jwks").is_none() && out.get("metadata").is_none());
        assert_eq!(out["redirect_uris"], serde_json::json!([]));
    }

    #[test]
    fn v2_fields_are_read_but_not_written() {
        let c: Client = serde_json::from_str(
            r#"{"client_id":"a","access_token_strategy":"jwt","client_credentials_grant_access_token_lifespan":"1m"}"#,
        )
        .unwrap();
        assert_eq!(c.access_token_strategy.as_deref(), Some("jwt"));
        assert_eq!(
            c.lifespans.seconds("client_credentials", "access"),
            Some(60)
        );
        let out = serde_json::to_value(&c).unwrap();
        assert!(out.get("access_token_strategy").is_none(), "{out}");
        assert!(
            out.get("client_credentials_grant_access_token_lifespan")
                .is_none(),
            "{out}"
        );
        let v2 = c.v2_view();
        assert_eq!(v2["client_credentials_grant_access_token_lifespan"], "1m0s");
        assert_eq!(v2["access_token_strategy"], "jwt");
        assert_eq!(v2["implicit_grant_access_token_lifespan"], Value::Null);
    }

    #[test]
    fn wrong_types_are_refused() {
        assert!(serde_json::from_str::<Client>(r#"{"redirect_uris":"x"}"#).is_err());
        assert!(serde_json::from_str::<Client>(r#"{"client_name":5}"#).is_err());
    }
}
