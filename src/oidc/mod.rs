//! OpenID Connect: ID token and userinfo claims, pairwise subject identifiers, and the
//! discovery documents. Plain functions over data; the handlers live in `http::public`.

pub mod discovery;
pub mod id_token;
pub mod pairwise;
pub mod userinfo;

pub use discovery::Urls;
