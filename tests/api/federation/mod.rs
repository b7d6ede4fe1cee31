//! Sign-in through upstream OpenID Connect providers.

mod oidc_provider;
// The harness for node oidc-provider (tests/oidc-provider), shared with other test
// crates; named apart from the test module above, which has the natural name.
#[path = "../../upstreams/oidc_provider.rs"]
mod oidc_provider_harness;
mod portcullis_upstream;
pub mod support;
