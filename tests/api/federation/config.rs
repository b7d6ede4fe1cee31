//! `identity.upstreams` is checked at start: an invalid provider stops the start with
//! a message naming the key.

use super::support::upstream_definition;
use crate::helpers::{base_settings, fresh_dsn, Backend};
use crate::on_both_backends;
use portcullis::config::UpstreamProvider;
use portcullis::{App, BuildOptions};

on_both_backends!(
    a_provider_with_a_bad_id_stops_the_start,
    an_http_issuer_on_another_host_than_loopback_stops_the_start,
    a_protocol_parameter_among_the_static_query_parameters_stops_the_start,
    two_providers_with_the_same_issuer_stop_the_start,
    a_missing_client_secret_variable_stops_the_start,
);

/// Builds the server with `providers`; the error message, which there must be.
async fn refused(backend: Backend, providers: Vec<UpstreamProvider>) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let dsn = fresh_dsn(backend, dir.path()).await?;
    let mut settings = base_settings(&dsn);
    settings.identity.upstreams = providers;
    let err = App::build(settings, BuildOptions::default())
        .await
        .err()
        .expect("the start must be refused");
    Some(format!("{err:#}"))
}

fn provider() -> UpstreamProvider {
    upstream_definition("https://idp.example.com")
}

async fn a_provider_with_a_bad_id_stops_the_start(backend: Backend) {
    let mut p = provider();
    p.id = "Corp SSO".into();
    let Some(err) = refused(backend, vec![p]).await else {
        return;
    };
    assert!(err.contains("identity.upstreams[0].id"), "{err}");
}

async fn an_http_issuer_on_another_host_than_loopback_stops_the_start(backend: Backend) {
    let mut p = provider();
    p.issuer = "http://idp.example.com".into();
    let Some(err) = refused(backend, vec![p]).await else {
        return;
    };
    assert!(err.contains("identity.upstreams[0].issuer"), "{err}");
    assert!(err.contains("https"), "{err}");
}

async fn a_protocol_parameter_among_the_static_query_parameters_stops_the_start(backend: Backend) {
    let mut p = provider();
    p.auth_query_params = [("state".to_string(), vec!["fixed".to_string()])]
        .into_iter()
        .collect();
    let Some(err) = refused(backend, vec![p]).await else {
        return;
    };
    assert!(
        err.contains("identity.upstreams[0].auth_query_params"),
        "{err}"
    );
    assert!(err.contains("state"), "{err}");
}

async fn two_providers_with_the_same_issuer_stop_the_start(backend: Backend) {
    let mut second = provider();
    second.id = "corp-two".into();
    let Some(err) = refused(backend, vec![provider(), second]).await else {
        return;
    };
    assert!(err.contains("identity.upstreams[1].issuer"), "{err}");
}

async fn a_missing_client_secret_variable_stops_the_start(backend: Backend) {
    let mut p = provider();
    p.client_secret = None;
    p.client_secret_env = Some("PORTCULLIS_TEST_UNSET_UPSTREAM_SECRET".into());
    let Some(err) = refused(backend, vec![p]).await else {
        return;
    };
    assert!(
        err.contains("identity.upstreams[0].client_secret_env"),
        "{err}"
    );
    assert!(
        err.contains("PORTCULLIS_TEST_UNSET_UPSTREAM_SECRET"),
        "{err}"
    );
}
