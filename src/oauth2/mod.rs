//! OAuth 2.0 endpoints' protocol logic (no HTTP types): request parsing, validation and
//! response encoding.

pub mod authorize;
