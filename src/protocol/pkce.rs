//! PKCE (RFC 7636): the challenge at the authorization endpoint (§4.3, RFC 9700
//! §2.1.1) and the verifier at the token endpoint (§4.6).

use crate::crypto::{b64url, constant_time_eq};
use crate::protocol::error::OAuthError;

#[derive(Debug, Clone, Copy, Default)]
pub struct PkcePolicy {
    /// Every code flow must use PKCE (`oauth2.pkce.enforced`).
    pub enforced: bool,
    /// Public clients must use PKCE (`oauth2.pkce.enforced_for_public_clients`).
    pub enforced_for_public_clients: bool,
    /// `plain` is accepted (`oauth2.pkce.allow_plain`); otherwise only `S256`.
    pub allow_plain: bool,
}

/// Checks the challenge and returns the effective method (`""` when PKCE is not used).
pub fn check(
    challenge: &str,
    method: &str,
    public_client: bool,
    policy: PkcePolicy,
) -> Result<&'static str, OAuthError> {
    if challenge.is_empty() {
        if !method.is_empty() {
            return Err(OAuthError::invalid_request(
                "The 'code_challenge_method' parameter was given without a 'code_challenge'.",
            ));
        }
        if policy.enforced || (public_client && policy.enforced_for_public_clients) {
            return Err(OAuthError::invalid_request(
                "Clients must include a code_challenge when performing the authorize code flow, but it is missing.",
            ));
        }
        return Ok("");
    }
    let method = match method {
        "S256" => "S256",
        "plain" | "" if policy.allow_plain => "plain",
        "plain" | "" => {
            return Err(OAuthError::invalid_request(
                "Clients must use code_challenge_method=S256, plain is not allowed.",
            ))
        }
        _ => {
            return Err(OAuthError::invalid_request(
                "The code_challenge_method is not supported, use S256 instead.",
            ))
        }
    };
    let well_formed = (43..=128).contains(&challenge.len())
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    if !well_formed {
        return Err(OAuthError::invalid_request(
            "The 'code_challenge' must be 43 to 128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.2).",
        ));
    }
    Ok(method)
}

/// RFC 7636 §4.6. A code issued without a challenge refuses any verifier, so that PKCE
/// cannot be stripped from a request (RFC 9700 §2.1.1).
pub fn verify(challenge: &str, method: &str, verifier: Option<&str>) -> Result<(), OAuthError> {
    let Some(verifier) = verifier else {
        if challenge.is_empty() {
            return Ok(());
        }
        return Err(OAuthError::invalid_grant(
            "The PKCE code verifier is missing: the authorization request had a code_challenge.",
        ));
    };
    if challenge.is_empty() {
        return Err(OAuthError::invalid_grant(
            "A PKCE code_verifier was sent but the authorization request had no code_challenge.",
        ));
    }
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !well_formed {
        return Err(OAuthError::invalid_grant(
            "The PKCE code verifier must be 43 to 128 characters of [A-Z] / [a-z] / [0-9] / '-' / '.' / '_' / '~'.",
        ));
    }
    let computed = match method {
        "plain" => verifier.to_string(),
        _ => b64url(
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes()).as_ref(),
        ),
    };
    if constant_time_eq(computed.as_bytes(), challenge.as_bytes()) {
        Ok(())
    } else {
        Err(OAuthError::invalid_grant(
            "The PKCE code challenge did not match the code verifier.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn s256_is_accepted_and_plain_only_when_allowed() {
        let p = PkcePolicy::default();
        assert_eq!(check(C, "S256", false, p).unwrap(), "S256");
        assert!(check(C, "plain", false, p).is_err());
        assert!(check(C, "", false, p).is_err());
        assert!(check(C, "S512", false, p).is_err());
        let allow = PkcePolicy {
            allow_plain: true,
            ..p
        };
        assert_eq!(check(C, "", false, allow).unwrap(), "plain");
        assert_eq!(check(C, "plain", false, allow).unwrap(), "plain");
    }

    #[test]
    fn enforcement_applies_to_all_or_only_public_clients() {
        let public_only = PkcePolicy {
            enforced_for_public_clients: true,
            ..Default::default()
        };
        assert!(check("", "", true, public_only).is_err());
        assert_eq!(check("", "", false, public_only).unwrap(), "");
        let all = PkcePolicy {
            enforced: true,
            ..Default::default()
        };
        assert!(check("", "", false, all).is_err());
        assert!(check("", "S256", false, PkcePolicy::default()).is_err());
    }

    #[test]
    fn malformed_challenges_are_refused() {
        let p = PkcePolicy::default();
        assert!(check("short", "S256", false, p).is_err());
        assert!(check(&"a".repeat(129), "S256", false, p).is_err());
        assert!(check(&format!("{}+", &C[..43]), "S256", false, p).is_err());
    }

    #[test]
    fn pkce_follows_rfc7636_and_refuses_downgrades() {
        // RFC 7636 Appendix B.
        let v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let c = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(verify(c, "S256", Some(v)).is_ok());
        assert!(verify(c, "S256", None).is_err());
        assert!(verify(c, "S256", Some(&v.replace('d', "e"))).is_err());
        assert!(verify("", "", None).is_ok());
        assert!(verify("", "", Some(v)).is_err());
        assert!(verify(v, "plain", Some(v)).is_ok());
        assert!(verify("short", "plain", Some("short")).is_err());
    }
}
