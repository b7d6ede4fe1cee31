//! The records the store keeps and every layer above reads: plain data with serde and
//! accessors, no rules and no I/O. Living below the store lets the store return them
//! without importing any service or protocol module.

pub mod client;
pub mod code;
pub mod device;
pub mod flow;
pub mod identity;
pub mod token;
pub mod trust;
pub mod user;

pub use client::{Client, ClientFilter};
pub use code::AuthorizeCode;
pub use token::TokenRow;
pub use user::{User, UserProfile};
