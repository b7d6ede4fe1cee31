//! Portcullis: an OAuth 2.0 and OpenID Connect authorization server with Ory Hydra
//! 1.9.2's API.
//!
//! Layout: `config` (settings), `app` (build and serve), `http` (routers, middleware,
//! error rendering), `store` (PostgreSQL and SQLite behind one interface), `crypto`
//! (keys derived from the system secret), `clock` (the time at the edge), and the domain
//! modules.

pub mod app;
pub mod cli;
pub mod client;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod firstparty;
pub mod flow;
pub mod http;
pub mod jwk;
pub mod oauth2;
pub mod oidc;
pub mod secret;
pub mod store;
pub mod telemetry;
pub mod token;
pub mod ui;
pub mod user;

pub use app::{App, AppState, BuildOptions};
