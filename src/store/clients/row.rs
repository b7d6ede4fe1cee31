//! The `clients` table's columns, row types and bindings.

use crate::clock::{parse_rfc3339, rfc3339};
use crate::model::client::Lifespans;
use crate::model::Client;
use crate::store::{StoreError, StoreResult};
use std::sync::LazyLock;

/// Every column but `pk`, `id`, `secret_hash` and `created_at`, in bind order.
const DATA_COLUMNS: [&str; 34] = [
    "client_name",
    "redirect_uris",
    "grant_types",
    "response_types",
    "scope",
    "audience",
    "owner",
    "policy_uri",
    "allowed_cors_origins",
    "tos_uri",
    "client_uri",
    "logo_uri",
    "contacts",
    "client_secret_expires_at",
    "subject_type",
    "jwks",
    "jwks_uri",
    "token_endpoint_auth_method",
    "token_endpoint_auth_signing_alg",
    "request_uris",
    "request_object_signing_alg",
    "userinfo_signed_response_alg",
    "sector_identifier_uri",
    "post_logout_redirect_uris",
    "frontchannel_logout_uri",
    "frontchannel_logout_session_required",
    "backchannel_logout_uri",
    "backchannel_logout_session_required",
    "metadata",
    "updated_at",
    "skip_consent",
    "skip_logout_consent",
    "access_token_strategy",
    "token_lifespans",
];

/// `$4..$37` are the data columns in both statements.
pub(super) static INSERT: LazyLock<String> = LazyLock::new(|| {
    let params: Vec<String> = (4..4 + DATA_COLUMNS.len())
        .map(|i| format!("${i}"))
        .collect();
    format!(
        "INSERT INTO clients (id, secret_hash, created_at, {}) VALUES ($1, $2, $3, {})",
        DATA_COLUMNS.join(", "),
        params.join(", ")
    )
});

pub(super) static UPDATE: LazyLock<String> = LazyLock::new(|| {
    let sets: Vec<String> = DATA_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 4))
        .collect();
    format!(
        // Removing the secret (`$3` NULL) removes the rotated ones too, so they cannot
        // come back if the client is given a secret again.
        "UPDATE clients SET secret_hash = CASE WHEN $2 THEN secret_hash ELSE $3 END, \
         rotated_secret_hashes = CASE WHEN NOT $2 AND $3 IS NULL THEN '[]' ELSE rotated_secret_hashes END, \
         {} WHERE id = $1",
        sets.join(", ")
    )
});

pub(super) static SELECT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT id, created_at, {} FROM clients",
        DATA_COLUMNS.join(", ")
    )
});

pub(super) static SELECT_WITH_PK: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT pk, id, created_at, {} FROM clients",
        DATA_COLUMNS.join(", ")
    )
});

pub(super) static SELECT_WITH_HASH: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT id, created_at, secret_hash, rotated_secret_hashes, {} FROM clients WHERE id = $1",
        DATA_COLUMNS.join(", ")
    )
});

#[derive(sqlx::FromRow)]
pub(super) struct ClientRow {
    id: String,
    created_at: i64,
    client_name: String,
    redirect_uris: String,
    grant_types: String,
    response_types: String,
    scope: String,
    audience: String,
    owner: String,
    policy_uri: String,
    allowed_cors_origins: String,
    tos_uri: String,
    client_uri: String,
    logo_uri: String,
    contacts: String,
    client_secret_expires_at: i64,
    subject_type: String,
    jwks: Option<String>,
    jwks_uri: String,
    token_endpoint_auth_method: String,
    token_endpoint_auth_signing_alg: String,
    request_uris: String,
    request_object_signing_alg: String,
    userinfo_signed_response_alg: String,
    sector_identifier_uri: String,
    post_logout_redirect_uris: String,
    frontchannel_logout_uri: String,
    frontchannel_logout_session_required: bool,
    backchannel_logout_uri: String,
    backchannel_logout_session_required: bool,
    metadata: Option<String>,
    updated_at: i64,
    skip_consent: bool,
    skip_logout_consent: bool,
    access_token_strategy: Option<String>,
    token_lifespans: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(super) struct ClientRowWithPk {
    #[sqlx(flatten)]
    pub(super) row: ClientRow,
    pub(super) pk: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct ClientRowWithHash {
    #[sqlx(flatten)]
    pub(super) row: ClientRow,
    pub(super) secret_hash: Option<String>,
    /// A JSON array of PHC strings, newest first.
    pub(super) rotated_secret_hashes: String,
}

impl ClientRowWithHash {
    pub(super) fn into_parts(self) -> StoreResult<(Client, super::SecretHashes)> {
        let rotated = from_json("rotated_secret_hashes", &self.rotated_secret_hashes)?;
        Ok((
            self.row.into_client()?,
            super::SecretHashes {
                current: self.secret_hash,
                rotated,
            },
        ))
    }
}

fn from_json<T: serde::de::DeserializeOwned>(field: &str, s: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("clients.{field}: {e}")))
}

fn to_json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("client field: {e}")))
}

impl ClientRow {
    pub(super) fn into_client(self) -> StoreResult<Client> {
        let opt = |field: &str, v: Option<String>| v.map(|s| from_json(field, &s)).transpose();
        Ok(Client {
            client_id: self.id,
            client_name: self.client_name,
            client_secret: None,
            redirect_uris: from_json("redirect_uris", &self.redirect_uris)?,
            grant_types: from_json("grant_types", &self.grant_types)?,
            response_types: from_json("response_types", &self.response_types)?,
            scope: self.scope,
            audience: from_json("audience", &self.audience)?,
            owner: self.owner,
            policy_uri: self.policy_uri,
            allowed_cors_origins: from_json("allowed_cors_origins", &self.allowed_cors_origins)?,
            tos_uri: self.tos_uri,
            client_uri: self.client_uri,
            logo_uri: self.logo_uri,
            contacts: from_json("contacts", &self.contacts)?,
            client_secret_expires_at: self.client_secret_expires_at,
            subject_type: self.subject_type,
            jwks: opt("jwks", self.jwks)?,
            jwks_uri: self.jwks_uri,
            token_endpoint_auth_method: self.token_endpoint_auth_method,
            token_endpoint_auth_signing_alg: self.token_endpoint_auth_signing_alg,
            request_uris: from_json("request_uris", &self.request_uris)?,
            request_object_signing_alg: self.request_object_signing_alg,
            userinfo_signed_response_alg: self.userinfo_signed_response_alg,
            sector_identifier_uri: self.sector_identifier_uri,
            post_logout_redirect_uris: from_json(
                "post_logout_redirect_uris",
                &self.post_logout_redirect_uris,
            )?,
            frontchannel_logout_uri: self.frontchannel_logout_uri,
            frontchannel_logout_session_required: self.frontchannel_logout_session_required,
            backchannel_logout_uri: self.backchannel_logout_uri,
            backchannel_logout_session_required: self.backchannel_logout_session_required,
            metadata: opt("metadata", self.metadata)?,
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
            skip_consent: self.skip_consent,
            skip_logout_consent: self.skip_logout_consent,
            access_token_strategy: self.access_token_strategy,
            lifespans: self
                .token_lifespans
                .map(|s| Lifespans::from_stored(&s))
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("clients.token_lifespans: {e}")))?
                .unwrap_or_default(),
        })
    }
}

/// A client's column values, serialised for binding.
pub(super) struct Values {
    pub(super) json: [String; 8],
    pub(super) jwks: Option<String>,
    pub(super) metadata: Option<String>,
    pub(super) lifespans: Option<String>,
    pub(super) created_at: i64,
    pub(super) updated_at: i64,
}

fn time(field: &str, s: &str) -> StoreResult<i64> {
    parse_rfc3339(s)
        .ok_or_else(|| StoreError::Corrupt(format!("client {field} {s:?} is not RFC 3339")))
}

impl Values {
    pub(super) fn of(c: &Client) -> StoreResult<Values> {
        Ok(Values {
            json: [
                to_json(&c.redirect_uris)?,
                to_json(&c.grant_types)?,
                to_json(&c.response_types)?,
                to_json(&c.audience)?,
                to_json(&c.allowed_cors_origins)?,
                to_json(&c.contacts)?,
                to_json(&c.request_uris)?,
                to_json(&c.post_logout_redirect_uris)?,
            ],
            jwks: c.jwks.as_ref().map(to_json).transpose()?,
            metadata: c.metadata.as_ref().map(to_json).transpose()?,
            lifespans: c.lifespans.to_stored(),
            created_at: time("created_at", &c.created_at)?,
            updated_at: time("updated_at", &c.updated_at)?,
        })
    }
}

/// Binds the data columns (`$4..$37`) in `DATA_COLUMNS` order.
macro_rules! bind_data {
    ($q:expr, $c:expr, $v:expr) => {
        $q.bind(&$c.client_name)
            .bind(&$v.json[0])
            .bind(&$v.json[1])
            .bind(&$v.json[2])
            .bind(&$c.scope)
            .bind(&$v.json[3])
            .bind(&$c.owner)
            .bind(&$c.policy_uri)
            .bind(&$v.json[4])
            .bind(&$c.tos_uri)
            .bind(&$c.client_uri)
            .bind(&$c.logo_uri)
            .bind(&$v.json[5])
            .bind($c.client_secret_expires_at)
            .bind(&$c.subject_type)
            .bind(&$v.jwks)
            .bind(&$c.jwks_uri)
            .bind(&$c.token_endpoint_auth_method)
            .bind(&$c.token_endpoint_auth_signing_alg)
            .bind(&$v.json[6])
            .bind(&$c.request_object_signing_alg)
            .bind(&$c.userinfo_signed_response_alg)
            .bind(&$c.sector_identifier_uri)
            .bind(&$v.json[7])
            .bind(&$c.frontchannel_logout_uri)
            .bind($c.frontchannel_logout_session_required)
            .bind(&$c.backchannel_logout_uri)
            .bind($c.backchannel_logout_session_required)
            .bind(&$v.metadata)
            .bind($v.updated_at)
            .bind($c.skip_consent)
            .bind($c.skip_logout_consent)
            .bind(&$c.access_token_strategy)
            .bind(&$v.lifespans)
    };
}
pub(super) use bind_data;
