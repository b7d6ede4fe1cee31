pub mod jwks;
pub mod discovery;
pub mod revoke;
pub mod token;
pub mod userinfo;
pub mod authorize;
pub mod fallbacks;
pub mod logout;
