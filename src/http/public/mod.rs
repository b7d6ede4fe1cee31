//! Public handlers (port 4444), one file per endpoint family.

pub mod authorize;
pub mod device;
pub mod discovery;
pub mod fallbacks;
pub mod firstparty;
pub mod jwks;
pub mod logout;
pub mod register;
pub mod revoke;
pub mod token;
pub mod userinfo;
