//! Accepting a device challenge with a user code (Hydra v26's `acceptUserCodeRequest`,
//! also the built-in `/ui/device` page): throttled guessing, then a `device_verifier`
//! that sends the browser back to `/oauth2/device/verify` (see `device`).

use super::authorize::with_param;
use super::{Flow, FlowError};
use crate::crypto::handle::{signature_of, Kind, Minted};
use crate::crypto::{b64url, Purpose};
use crate::paths::public::DEVICE_VERIFY;
use crate::protocol::device::{normalize_user_code, DeviceStatus};
use crate::service::oauth2::device::user_code_hash;
use crate::service::users::address_key;
use std::net::IpAddr;

/// Wrong user codes: at most this many tries per challenge and per address in
/// `GUESS_WINDOW` seconds, then `GUESS_WINDOW` seconds locked (with 20^8 codes, an
/// address gets through about 2^-30 of them a day).
const GUESSES_PER_CHALLENGE: i64 = 5;
const GUESSES_PER_ADDRESS: i64 = 20;
const GUESS_WINDOW: i64 = 15 * 60;

impl Flow {
    /// Accepts device challenge `challenge` with the user code a person typed; returns
    /// where the browser goes next. `address`: the person's, when known (the built-in
    /// page), for the per-address guess limit.
    #[tracing::instrument(skip_all)]
    pub async fn accept_device(
        &self,
        challenge: &str,
        user_code: &str,
        address: Option<IpAddr>,
        now: i64,
    ) -> Result<String, FlowError> {
        let sig = signature_of(Kind::DeviceChallenge, challenge, &self.keys)
            .ok_or(FlowError::NotFound)?;
        match self
            .store
            .device_request_handled(&sig, now - self.cfg.request_ttl)
            .await?
        {
            None => return Err(FlowError::NotFound),
            Some(true) => return Err(self.device_handled()),
            Some(false) => {}
        }
        let address_key = address.map(|a| self.throttle_key("address", &address_key(a)));
        let mut keys = vec![(
            "device_challenge",
            self.throttle_key("challenge", &sig),
            GUESSES_PER_CHALLENGE,
        )];
        if let Some(k) = &address_key {
            keys.push(("device_address", k.clone(), GUESSES_PER_ADDRESS));
        }
        let mut wait = 0;
        for (kind, key, max) in &keys {
            let (attempts, locked_until) = self
                .store
                .login_attempt_reserve(kind, key, now, GUESS_WINDOW, *max, GUESS_WINDOW)
                .await?;
            if attempts > *max {
                wait = wait.max((locked_until - now).max(1));
            }
        }
        if wait > 0 {
            return Err(FlowError::Throttled(wait as u64));
        }
        let unknown =
            || FlowError::invalid("The user code is not valid, was used, or has expired.");
        let normalized = normalize_user_code(user_code).ok_or_else(unknown)?;
        let code = self
            .store
            .device_code_by_user_code(&user_code_hash(&self.keys, &normalized))
            .await?
            .filter(|c| c.status == DeviceStatus::Pending.as_str() && c.expires_at > now)
            .ok_or_else(unknown)?;
        let verifier = Minted::new(Kind::DeviceVerifier, &self.keys);
        if !self
            .store
            .accept_device_request(&sig, &code.id, &verifier.signature, now)
            .await?
        {
            return Err(self.device_handled());
        }
        // A right code gives its attempt back to the address (people share addresses).
        if let Some(k) = &address_key {
            self.store
                .login_attempt_release("device_address", k)
                .await?;
        }
        let endpoint = format!("{}{DEVICE_VERIFY}", self.cfg.public_base);
        Ok(with_param(
            &endpoint,
            "device_verifier",
            verifier.value.expose(),
        ))
    }

    /// The throttle table holds keyed hashes, never challenges or addresses.
    fn throttle_key(&self, label: &str, value: &str) -> String {
        let input = format!("device-throttle:{label}:{value}");
        b64url(&self.keys.mac(Purpose::SecretCache, input.as_bytes()))
    }

    /// A device challenge used already: the way back is the verification page.
    fn device_handled(&self) -> FlowError {
        FlowError::Handled {
            request_url: format!("{}{DEVICE_VERIFY}", self.cfg.public_base),
        }
    }
}
