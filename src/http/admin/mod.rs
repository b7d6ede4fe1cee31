pub mod clients;
pub mod keys;
pub mod users;
pub mod flow;
