//! The use cases: each area is a struct of exactly the dependencies it needs (the
//! store, keys, other services, and its configuration worked out once at start),
//! cheap to clone. Handlers hold one of them and call its methods with `now`.

pub mod clients;
pub mod federation;
pub mod firstparty;
pub mod flow;
pub mod janitor;
pub mod oauth2;
pub mod upstreams;
pub mod users;
