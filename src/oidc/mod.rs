//! OpenID Connect: ID token and userinfo claims, and the discovery documents. Pairwise
//! subject identifiers are computed when the code is issued (`flow::subject`) and
//! carried by the grant as `obfuscated_subject`. Plain functions over data; the
//! handlers live in `http::public`.

pub mod discovery;
pub mod id_token;
pub mod userinfo;

pub use discovery::Urls;
