//! Portcullis: an OAuth 2.0 and OpenID Connect authorization server with Ory Hydra's API.
//!
//! The modules form layers whose imports point down only (`tests/layers.rs` checks it):
//!
//! * **infra**: `secret`, `clock`, `paths`, `telemetry`, `config`, `crypto`, `model`
//!   (the plain records the store keeps), `store`, `jwk`.
//! * **protocol**: pure OAuth 2.0 / OpenID Connect rules, no I/O, `now` as an argument.
//! * **service**: the use cases (token, introspection, the login/consent/logout flow,
//!   users, first-party API), each a struct of the narrow dependencies it needs.
//! * **http**: the two routers, extractors, error rendering, the built-in pages.
//! * **app**: builds everything once from the settings and serves; the command line.

pub mod app;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod http;
pub mod jwk;
pub mod model;
pub mod outbound;
pub mod paths;
pub mod protocol;
pub mod secret;
pub mod service;
pub mod store;
pub mod telemetry;

pub use app::{App, BuildOptions};
