pub mod jwks;
pub mod authorize;
pub mod fallbacks;
pub mod logout;
