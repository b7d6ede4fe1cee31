//! The browser authorization flow: login, consent and logout, in Hydra 1.9.2's shape.
//!
//! `model` holds the records, `login` / `consent` / `logout` the protocol decisions as
//! pure functions of records and the clock, `authorize` / `authorize_consent` /
//! `end_session` / `admin` / `admin_logout` the orchestration over the store, and
//! `cookies` the signed cookies that bind a flow to its browser.

pub mod admin;
pub mod admin_logout;
pub mod authorize;
mod authorize_consent;
mod authorize_hint;
mod authorize_response;
mod backchannel;
pub mod config;
pub mod consent;
pub mod cookies;
pub mod end_session;
pub mod errors;
pub mod login;
pub mod logout;
pub mod model;
pub mod reply;
pub mod subject;

pub use errors::FlowError;
pub use reply::{BrowserReply, ReplyKind};

#[cfg(test)]
mod tests;
