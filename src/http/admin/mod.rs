pub mod clients;
pub mod users;
