pub mod clients;
pub mod users;
pub mod flow;
