//! Admin API handlers (port 4445), one file per area.

pub mod clients;
pub mod flow;
pub mod identity;
pub mod introspect;
pub mod keys;
pub mod keyset;
pub mod tokens;
pub mod trust;
pub mod users;
