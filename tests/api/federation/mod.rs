//! Sign-in through upstream OpenID Connect providers.

mod portcullis_upstream;
pub mod support;
