//! JSON Web Keys: generation, import and export (Hydra's `/keys` API), encryption of
//! private keys at rest, signing and verification of compact JWS, and the public JWKS.
//!
//! Key naming follows Hydra 1.x: a generated key with id `X` is stored as a pair,
//! `private:X` (holding the private key) and `public:X` (its public half). The admin API
//! shows both, `/.well-known/jwks.json` shows the public ones, and tokens name
//! `public:X` in their `kid` header, so a key set exported from Hydra 1.9.2 and imported
//! here keeps verifying tokens Hydra issued. Keys imported under other names work too:
//! their public half is published under their own kid. Hydra v2 dropped the pair: its
//! `POST /admin/keys/{set}` stores one key under the kid asked for ([`Naming::Single`]).
//!
//! Private keys are kept as PKCS#8 DER sealed with AES-256-GCM under the system secret
//! (see [`seal`]); public halves as JWK JSON. The newest key of a set (by creation time,
//! then insertion order) that has a private half and `use` = `sig` signs.

mod admin;
mod alg;
mod error;
mod manager;
mod material;
mod model;
#[cfg(test)]
mod props;
mod rotate;
mod seal;
mod signer;
mod snapshot;
mod verifier;

#[cfg(test)]
mod tests;

pub use alg::Alg;
pub use error::JwkError;
pub use manager::{GenerateRequest, KeyManager, Naming};
pub use material::jwk_from_pkcs8;
pub use model::{Jwk, JwkSet};
pub use signer::SigningKey;

/// The key set whose newest key signs OpenID Connect ID tokens.
pub const ID_TOKEN_SET: &str = "hydra.openid.id-token";
/// The key set whose newest key signs JWT access tokens.
pub const ACCESS_TOKEN_SET: &str = "hydra.jwt.access-token";

/// Sets that exist from the first start on, and are recreated if deleted, as in Hydra.
pub const DEFAULT_SETS: [&str; 2] = [ID_TOKEN_SET, ACCESS_TOKEN_SET];

/// Kid prefixes of Hydra 1.x key pairs.
pub(crate) const PRIVATE_PREFIX: &str = "private:";
pub(crate) const PUBLIC_PREFIX: &str = "public:";
