//! Token minting and hashing.
//!
//! Opaque values handed to clients and browsers (access and refresh tokens, authorization
//! codes, login/consent/logout challenges and verifiers) share one format, in the style of
//! Hydra's HMAC strategy: `<prefix><key>.<signature>` where `key` is 32 random bytes and
//! `signature` = HMAC-SHA256 over (prefix, key) under the system secret's token key. Only
//! the signature is stored, so a copy of the database yields no usable token; presenting a
//! token means proving knowledge of `key`.

mod opaque;

pub use opaque::{signature_of, Kind, Minted};
