//! Opaque handles: the values handed to clients and browsers (access and refresh tokens,
//! authorization codes, login/consent/logout challenges and verifiers).
//!
//! One format, in the style of Hydra's HMAC strategy: `<prefix><key>.<signature>` where
//! `key` is 32 random bytes and `signature` = HMAC-SHA256 over (prefix, key) under the
//! system secret's token key. Only the signature is stored, so a copy of the database
//! yields no usable token; presenting a token means proving knowledge of `key`.

use super::{b64url, b64url_decode, constant_time_eq, random_bytes, Purpose, SystemKeys};
use crate::secret::Secret;

/// What a value is for. The prefix makes a leaked token recognisable to secret scanners
/// and, being part of the MAC input, stops a value of one kind being accepted as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    AccessToken,
    RefreshToken,
    AuthorizeCode,
    LoginChallenge,
    LoginVerifier,
    ConsentChallenge,
    ConsentVerifier,
    LogoutChallenge,
    LogoutVerifier,
    /// RFC 8628: the device code a device polls with, and Hydra v26's device challenge
    /// and verifier (the verification step a login app or the built-in page handles).
    DeviceCode,
    DeviceChallenge,
    DeviceVerifier,
    /// RFC 7592's registration access token of a self-registered client.
    RegistrationToken,
}

impl Kind {
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::AccessToken => "ptc_at_",
            Kind::RefreshToken => "ptc_rt_",
            Kind::AuthorizeCode => "ptc_ac_",
            Kind::LoginChallenge => "ptc_lc_",
            Kind::LoginVerifier => "ptc_lv_",
            Kind::ConsentChallenge => "ptc_cc_",
            Kind::ConsentVerifier => "ptc_cv_",
            Kind::LogoutChallenge => "ptc_oc_",
            Kind::LogoutVerifier => "ptc_ov_",
            Kind::DeviceCode => "ptc_dc_",
            Kind::DeviceChallenge => "ptc_dh_",
            Kind::DeviceVerifier => "ptc_dv_",
            Kind::RegistrationToken => "ptc_rg_",
        }
    }
}

/// A freshly minted value: give `value` to the holder, store `signature`.
pub struct Minted {
    pub value: Secret,
    pub signature: String,
}

impl std::fmt::Debug for Minted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Minted")
            .field("signature", &self.signature)
            .finish_non_exhaustive()
    }
}

const KEY_BYTES: usize = 32;

fn sign(key: &[u8; 32], kind: Kind, raw: &[u8]) -> String {
    let mut input = Vec::with_capacity(16 + raw.len());
    input.extend_from_slice(kind.prefix().as_bytes());
    input.extend_from_slice(raw);
    b64url(&super::system::mac_with(key, &input))
}

impl Minted {
    pub fn new(kind: Kind, keys: &SystemKeys) -> Minted {
        let raw = random_bytes(KEY_BYTES);
        let signature = sign(keys.current(Purpose::TokenSignature), kind, &raw);
        Minted {
            value: Secret::new(format!("{}{}.{}", kind.prefix(), b64url(&raw), signature)),
            signature,
        }
    }
}

/// The storage key of a presented value, if it is well-formed, of `kind`, and was made
/// with one of the configured secrets. Anything else is `None`: a caller then answers
/// "invalid" without touching the database.
pub fn signature_of(kind: Kind, presented: &str, keys: &SystemKeys) -> Option<String> {
    let rest = presented.strip_prefix(kind.prefix())?;
    let (key_part, sig_part) = rest.split_once('.')?;
    if key_part.is_empty() || sig_part.is_empty() || key_part.len() > 64 || sig_part.len() > 64 {
        return None;
    }
    let raw = b64url_decode(key_part)?;
    if raw.len() != KEY_BYTES {
        return None;
    }
    let valid = keys
        .all(Purpose::TokenSignature)
        .any(|k| constant_time_eq(sign(k, kind, &raw).as_bytes(), sig_part.as_bytes()));
    valid.then(|| sig_part.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &[&str]) -> SystemKeys {
        SystemKeys::derive(&s.iter().map(|x| Secret::new(*x)).collect::<Vec<_>>())
    }

    #[test]
    fn minted_values_verify_and_yield_their_signature() {
        let k = keys(&["a-system-secret-of-length"]);
        let m = Minted::new(Kind::AccessToken, &k);
        assert!(m.value.expose().starts_with("ptc_at_"));
        assert_eq!(
            signature_of(Kind::AccessToken, m.value.expose(), &k),
            Some(m.signature.clone())
        );
        // 256 bits of randomness in the key part.
        let key_part = m.value.expose()["ptc_at_".len()..]
            .split('.')
            .next()
            .unwrap();
        assert_eq!(b64url_decode(key_part).unwrap().len(), 32);
    }

    #[test]
    fn a_value_of_another_kind_is_refused() {
        let k = keys(&["a-system-secret-of-length"]);
        let m = Minted::new(Kind::RefreshToken, &k);
        let swapped = m.value.expose().replacen("ptc_rt_", "ptc_at_", 1);
        assert_eq!(signature_of(Kind::AccessToken, &swapped, &k), None);
    }

    #[test]
    fn tampered_or_malformed_values_are_refused() {
        let k = keys(&["a-system-secret-of-length"]);
        let m = Minted::new(Kind::AuthorizeCode, &k);
        let v = m.value.expose();
        let mut tampered = v.to_string();
        tampered.replace_range(10..11, if &v[10..11] == "A" { "B" } else { "A" });
        for bad in [
            tampered.as_str(),
            "",
            "ptc_ac_",
            "ptc_ac_.",
            "ptc_ac_abc.def",
            "ptc_ac_!!!!.????",
            "garbage",
            &v[..v.len() - 1],
        ] {
            assert_eq!(signature_of(Kind::AuthorizeCode, bad, &k), None, "{bad:?}");
        }
    }

    #[test]
    fn rotated_secrets_still_verify_old_values() {
        let old = keys(&["the-old-system-secret"]);
        let m = Minted::new(Kind::AccessToken, &old);
        let rotated = keys(&["the-new-system-secret", "the-old-system-secret"]);
        assert_eq!(
            signature_of(Kind::AccessToken, m.value.expose(), &rotated),
            Some(m.signature)
        );
        let dropped = keys(&["the-new-system-secret"]);
        let m2 = Minted::new(Kind::AccessToken, &old);
        assert_eq!(
            signature_of(Kind::AccessToken, m2.value.expose(), &dropped),
            None
        );
    }
}
