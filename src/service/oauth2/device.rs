//! `POST /oauth2/device/auth` (RFC 8628 §3.1–3.2): the client authenticates as at the
//! token endpoint (public clients with `none`), asks for scopes and audience within its
//! own, and gets a device code to poll with and a user code to show.
//!
//! Both codes are stored as keyed hashes only: the device code as any other handle
//! (`crate::crypto::handle`), the user code as an HMAC of its normalised form, so a copy
//! of the database yields neither.

use super::token::check_grant_allowed;
use super::OAuth2;
use crate::crypto::handle::{Kind, Minted};
use crate::crypto::{b64url, random_bytes, Purpose, SystemKeys};
use crate::model::device::DeviceCode;
use crate::protocol::device::{user_code_from, DeviceStatus};
use crate::protocol::error::OAuthError;
use crate::protocol::form::Params;
use crate::protocol::scope::{first_disallowed_audience, scope_allowed};
use crate::store::StoreError;
use serde::Serialize;

/// The grant type a client must register to use the device flow.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The device authorization response (RFC 8628 §3.2; Hydra's `deviceAuthorization`).
#[derive(Serialize)]
pub struct DeviceAuthorization {
    pub device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: String,
    pub expires_in: i64,
    pub interval: i64,
}

impl std::fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceAuthorization")
            .field("device_code", &"[redacted]")
            .field("user_code", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// The stored form of a normalised user code (see the module documentation).
pub fn user_code_hash(keys: &SystemKeys, normalized: &str) -> String {
    let input = format!("device-user-code:{normalized}");
    b64url(&keys.mac(Purpose::TokenSignature, input.as_bytes()))
}

fn new_user_code() -> String {
    loop {
        // 8 letters need 8 bytes below 240; 32 bytes run short with odds of ~1e-20.
        if let Some(code) = user_code_from(&random_bytes(32)) {
            return code;
        }
    }
}

impl OAuth2 {
    #[tracing::instrument(skip_all)]
    pub async fn device_authorization(
        &self,
        authorization: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> Result<DeviceAuthorization, OAuthError> {
        let params = Params::parse_body(body)?;
        let client = self.authenticate(authorization, &params, now).await?;
        check_grant_allowed(&client, DEVICE_CODE_GRANT)?;
        let scopes = params.scopes();
        for s in &scopes {
            if !scope_allowed(&self.cfg.scope_strategy, client.scopes(), s) {
                return Err(OAuthError::invalid_scope(format!(
                    "The OAuth 2.0 Client is not allowed to request scope '{s}'."
                )));
            }
        }
        let audience = params.audiences().to_vec();
        if let Some(a) = first_disallowed_audience(&client.audience, &audience) {
            return Err(OAuthError::invalid_request(format!(
                "Requested audience '{a}' has not been whitelisted by the OAuth 2.0 Client."
            )));
        }
        let device = Minted::new(Kind::DeviceCode, &self.keys);
        // A user code already live is drawn again (the column is unique); with 2^34
        // codes a second clash in a row means something else is wrong.
        for _ in 0..3 {
            let user_code = new_user_code();
            let normalized = user_code.replace('-', "");
            let record = DeviceCode {
                signature: device.signature.clone(),
                user_code: user_code_hash(&self.keys, &normalized),
                id: uuid::Uuid::new_v4().to_string(),
                client_id: client.client_id.clone(),
                requested_scope: scopes.clone(),
                requested_audience: audience.clone(),
                requested_at: now,
                expires_at: now + self.cfg.device_ttl,
                interval: self.cfg.device_interval,
                status: DeviceStatus::Pending.as_str().to_string(),
            };
            match self.store.insert_device_code(&record).await {
                Ok(()) => {
                    let uri = &self.cfg.device_verification_uri;
                    let complete = format!(
                        "{uri}?{}",
                        serde_urlencoded::to_string([("user_code", &user_code)])
                            .unwrap_or_default()
                    );
                    return Ok(DeviceAuthorization {
                        device_code: device.value.expose().to_string(),
                        user_code,
                        verification_uri: uri.clone(),
                        verification_uri_complete: complete,
                        expires_in: self.cfg.device_ttl,
                        interval: self.cfg.device_interval,
                    });
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(OAuthError::server_error(
            "three user codes in a row were already in use",
        ))
    }
}
