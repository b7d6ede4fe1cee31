//! The device authorization grant's rules (RFC 8628): user codes, and what a poll of the
//! token endpoint is answered. Pure: randomness and the clock come in as arguments.

pub use crate::model::device::{DeviceStatus, Poll};
use crate::protocol::error::OAuthError;

/// Consonants only, no vowels (no words spelled by accident) and none of the letters
/// easily confused with another when read off a screen (RFC 8628 §6.1).
pub const USER_CODE_ALPHABET: &[u8; 20] = b"BCDFGHJKLMNPQRSTVWXZ";
/// 20^8 ≈ 2^34.6 codes; with guessing throttled that is ample for a few minutes' life.
pub const USER_CODE_LEN: usize = 8;
/// `slow_down` adds this to the interval (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP: i64 = 5;

/// A user code from `random` (at least [`USER_CODE_LEN`] bytes), shown as `XXXX-XXXX`.
/// Bytes are rejection-sampled so every letter is equally likely; `None` when `random`
/// ran out (the caller draws more).
pub fn user_code_from(random: &[u8]) -> Option<String> {
    // 240 is the largest multiple of 20 not above 256.
    let letters: Vec<u8> = random
        .iter()
        .filter(|b| **b < 240)
        .map(|b| USER_CODE_ALPHABET[usize::from(*b) % USER_CODE_ALPHABET.len()])
        .take(USER_CODE_LEN)
        .collect();
    if letters.len() < USER_CODE_LEN {
        return None;
    }
    let (a, b) = letters.split_at(USER_CODE_LEN / 2);
    Some(format!(
        "{}-{}",
        String::from_utf8_lossy(a),
        String::from_utf8_lossy(b)
    ))
}

/// The canonical form of what a person typed: case, spaces and dashes do not matter.
/// `None` when it cannot be a user code at all (wrong length or letters).
pub fn normalize_user_code(typed: &str) -> Option<String> {
    let letters: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let ok =
        letters.len() == USER_CODE_LEN && letters.bytes().all(|b| USER_CODE_ALPHABET.contains(&b));
    ok.then_some(letters)
}

/// The error a poll that got no tokens is answered with (RFC 8628 §3.5).
pub fn poll_error(p: &Poll, client_id: &str, now: i64) -> OAuthError {
    if p.client_id != client_id {
        return OAuthError::invalid_grant(
            "The device code was issued to another OAuth 2.0 Client.",
        );
    }
    if p.status == DeviceStatus::Used {
        return OAuthError::invalid_grant("The device code has already been used.");
    }
    if p.expires_at <= now {
        return OAuthError::expired_token("The device code has expired.");
    }
    match p.status {
        DeviceStatus::Denied => OAuthError::access_denied("The resource owner denied the request."),
        _ if p.too_fast => OAuthError::slow_down(
            "The client polls faster than the interval; the interval has grown by 5 seconds.",
        ),
        _ => OAuthError::authorization_pending(
            "The resource owner has not finished the authorization yet.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_use_the_alphabet_and_normalize_back() {
        let code = user_code_from(&(0u8..=255).collect::<Vec<_>>()).unwrap();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert_eq!(normalize_user_code(&code.to_lowercase()).unwrap().len(), 8);
        assert_eq!(
            normalize_user_code(" bcdf-ghjk ").as_deref(),
            Some("BCDFGHJK")
        );
        assert_eq!(
            normalize_user_code("ABCD-EFGH"),
            None,
            "vowels are not in it"
        );
        assert_eq!(normalize_user_code("BCDF"), None);
        assert_eq!(user_code_from(&[250; 40]), None);
    }

    fn poll(status: DeviceStatus, too_fast: bool) -> Poll {
        Poll {
            status,
            client_id: "tv".into(),
            expires_at: 100,
            too_fast,
        }
    }

    #[test]
    fn polls_get_the_rfc_8628_errors() {
        let e = |p: Poll, now| poll_error(&p, "tv", now).error;
        assert_eq!(
            e(poll(DeviceStatus::Pending, false), 10),
            "authorization_pending"
        );
        assert_eq!(e(poll(DeviceStatus::Pending, true), 10), "slow_down");
        assert_eq!(e(poll(DeviceStatus::Denied, true), 10), "access_denied");
        assert_eq!(e(poll(DeviceStatus::Pending, false), 100), "expired_token");
        assert_eq!(e(poll(DeviceStatus::Used, false), 10), "invalid_grant");
        assert_eq!(
            poll_error(&poll(DeviceStatus::Pending, false), "other", 10).error,
            "invalid_grant"
        );
    }
}
