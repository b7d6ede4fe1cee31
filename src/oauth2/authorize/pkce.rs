//! PKCE at the authorization endpoint (RFC 7636 §4.3, RFC 9700 §2.1.1).

use super::errors::AuthError;

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
) -> Result<&'static str, AuthError> {
    if challenge.is_empty() {
        if !method.is_empty() {
            return Err(AuthError::invalid_request(
                "The 'code_challenge_method' parameter was given without a 'code_challenge'.",
            ));
        }
        if policy.enforced || (public_client && policy.enforced_for_public_clients) {
            return Err(AuthError::invalid_request(
                "Clients must include a code_challenge when performing the authorize code flow, but it is missing.",
            ));
        }
        return Ok("");
    }
    let method = match method {
        "S256" => "S256",
        "plain" | "" if policy.allow_plain => "plain",
        "plain" | "" => {
            return Err(AuthError::invalid_request(
                "Clients must use code_challenge_method=S256, plain is not allowed.",
            ))
        }
        _ => {
            return Err(AuthError::invalid_request(
                "The code_challenge_method is not supported, use S256 instead.",
            ))
        }
    };
    let well_formed = (43..=128).contains(&challenge.len())
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    if !well_formed {
        return Err(AuthError::invalid_request(
            "The 'code_challenge' must be 43 to 128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.2).",
        ));
    }
    Ok(method)
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
}
