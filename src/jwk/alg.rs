//! The signature algorithms keys can be generated or imported for.

use aws_lc_rs::digest;

/// A JWS algorithm (RFC 7518 names). Only asymmetric algorithms exist here, so a token
/// whose header names `none` or `HS256` can never match a stored key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alg {
    Rs256,
    Es256,
    Es512,
    EdDsa,
}

impl Alg {
    pub const ALL: [Alg; 4] = [Alg::Rs256, Alg::Es256, Alg::Es512, Alg::EdDsa];

    pub fn as_str(self) -> &'static str {
        match self {
            Alg::Rs256 => "RS256",
            Alg::Es256 => "ES256",
            Alg::Es512 => "ES512",
            Alg::EdDsa => "EdDSA",
        }
    }

    /// The algorithm named exactly `name` (JOSE names are case-sensitive).
    pub fn parse(name: &str) -> Option<Alg> {
        Alg::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The JWK `kty` of keys for this algorithm.
    pub fn kty(self) -> &'static str {
        match self {
            Alg::Rs256 => "RSA",
            Alg::Es256 | Alg::Es512 => "EC",
            Alg::EdDsa => "OKP",
        }
    }

    /// The JWK `crv`, for curve-based algorithms.
    pub fn crv(self) -> Option<&'static str> {
        match self {
            Alg::Rs256 => None,
            Alg::Es256 => Some("P-256"),
            Alg::Es512 => Some("P-521"),
            Alg::EdDsa => Some("Ed25519"),
        }
    }

    /// The algorithm a key of this `kty`/`crv` is used with when the JWK names none.
    pub fn infer(kty: &str, crv: Option<&str>) -> Option<Alg> {
        match (kty, crv) {
            ("RSA", _) => Some(Alg::Rs256),
            ("EC", Some("P-256")) => Some(Alg::Es256),
            ("EC", Some("P-521")) => Some(Alg::Es512),
            ("OKP", Some("Ed25519")) => Some(Alg::EdDsa),
            _ => None,
        }
    }

    /// The hash OpenID Connect uses for `at_hash`/`c_hash` with this algorithm: the one
    /// the signature uses; SHA-512 for Ed25519 (OpenID Connect Core errata, EdDSA).
    pub(crate) fn oidc_hash(self) -> &'static digest::Algorithm {
        match self {
            Alg::Rs256 | Alg::Es256 => &digest::SHA256,
            Alg::Es512 | Alg::EdDsa => &digest::SHA512,
        }
    }
}

impl std::fmt::Display for Alg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
