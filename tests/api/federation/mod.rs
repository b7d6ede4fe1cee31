//! Sign-in through upstream OpenID Connect providers.

#[path = "../../upstreams/fake_upstream.rs"]
mod fake_upstream;

mod admin;
mod availability;
mod callback;
mod config;
pub mod fake_support;
mod faults;
mod links;
mod pages;
mod policy;
mod portcullis_upstream;
mod requests;
pub mod support;
