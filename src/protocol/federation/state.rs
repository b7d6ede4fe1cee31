//! The values of one redirect to a provider. `state` is 256 random bits; what is stored
//! is its HMAC, and the `nonce` and PKCE verifier are HMACs of it under labels of their
//! own (256 bits each, under a key of the system secret). So the row that the callback
//! takes holds nothing that would let anyone else complete the sign-in, and the nonce a
//! provider echoes reveals neither the state nor the verifier.

use crate::crypto::{b64url, random_token, Purpose, SystemKeys};

#[derive(Clone)]
pub struct RedirectValues {
    pub state: String,
    pub nonce: String,
    /// RFC 7636 verifier: 43 characters of base64url.
    pub verifier: String,
    /// `BASE64URL(SHA256(verifier))`.
    pub challenge: String,
}

impl std::fmt::Debug for RedirectValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RedirectValues([redacted])")
    }
}

fn mac(keys: &SystemKeys, label: &str, value: &str) -> String {
    b64url(&keys.mac(Purpose::Upstream, format!("{label}\0{value}").as_bytes()))
}

impl RedirectValues {
    /// Values for a new redirect.
    pub fn fresh(keys: &SystemKeys) -> RedirectValues {
        RedirectValues::of(keys, &random_token(32))
    }

    /// The values belonging to `state` (at the callback).
    pub fn of(keys: &SystemKeys, state: &str) -> RedirectValues {
        let verifier = mac(keys, "pkce-verifier", state);
        let challenge = b64url(
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes()).as_ref(),
        );
        RedirectValues {
            state: state.to_string(),
            nonce: mac(keys, "nonce", state),
            verifier,
            challenge,
        }
    }
}

/// What the state is stored under.
pub fn state_signature(keys: &SystemKeys, state: &str) -> String {
    mac(keys, "state", state)
}

/// What a browser's upstream cookie id is stored as.
pub fn browser_tag(keys: &SystemKeys, browser_id: &str) -> String {
    mac(keys, "browser", browser_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    #[test]
    fn values_are_distinct_derived_and_well_formed() {
        let keys = SystemKeys::derive(&[Secret::new("a-long-enough-system-secret")]);
        let v = RedirectValues::fresh(&keys);
        assert_eq!(v.state.len(), 43);
        assert_eq!(v.verifier.len(), 43);
        assert!(v
            .verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let again = RedirectValues::of(&keys, &v.state);
        assert_eq!(
            (again.nonce, again.verifier),
            (v.nonce.clone(), v.verifier.clone())
        );
        let all = [
            &v.state,
            &v.nonce,
            &v.verifier,
            &state_signature(&keys, &v.state),
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_ne!(RedirectValues::fresh(&keys).state, v.state);
        let other = SystemKeys::derive(&[Secret::new("another-long-system-secret")]);
        assert_ne!(RedirectValues::of(&other, &v.state).nonce, v.nonce);
    }
}
