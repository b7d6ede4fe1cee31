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
mod oidc_provider;
// The harness for node oidc-provider (tests/oidc-provider), shared with other test
// crates; named apart from the test module above, which has the natural name.
#[path = "../../upstreams/oidc_provider.rs"]
mod oidc_provider_harness;
mod pages;
mod policy;
mod portcullis_upstream;
mod requests;
pub mod support;
