pub mod clients;
pub mod keys;
pub mod users;
pub mod introspect;
pub mod tokens;
pub mod flow;
