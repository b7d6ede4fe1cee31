//! OAuth 2.0 endpoints' protocol logic (no HTTP types): request parsing, validation and
//! response encoding.

pub mod authorize;
pub mod client_assertion;
pub mod client_auth;
pub mod error;
pub mod flush;
pub mod grant;
pub mod introspect;
pub mod issue;
pub mod lookup;
pub mod params;
pub mod revoke;
pub mod token;
