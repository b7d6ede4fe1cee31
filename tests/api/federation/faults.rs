//! A provider that answers the code exchange wrongly: every check of the token answer
//! and the ID token (OpenID Connect Core §3.1.3.7) ends the sign-in with "Sign-in
//! failed" (400), never a 5xx, never a redirect to the client, and no account.

use super::fake_support::*;
use super::fake_upstream::{Fault, SigningAlg};
use super::support::*;
use crate::helpers::Backend;
use crate::on_both_backends;
use portcullis::config::{Ttl, UpstreamProvider};
use std::time::{Duration, Instant};

on_both_backends!(
    an_id_token_from_another_issuer_is_refused,
    an_id_token_for_another_audience_is_refused,
    an_id_token_with_another_nonce_is_refused,
    an_expired_id_token_is_refused,
    an_unsigned_id_token_is_refused,
    an_id_token_signed_with_an_unpublished_key_is_refused,
    a_key_rotated_in_after_the_jwks_was_cached_is_fetched_once_and_accepted,
    a_userinfo_answer_about_someone_else_is_refused,
    a_token_endpoint_that_fails_with_500_fails_the_sign_in,
    a_token_endpoint_slower_than_the_timeout_fails_the_sign_in_in_time,
    an_oversized_token_answer_fails_the_sign_in,
    a_token_answer_that_is_not_json_fails_the_sign_in,
    a_token_answer_without_an_id_token_fails_the_sign_in,
    a_token_error_answer_fails_the_sign_in,
    an_es256_id_token_signed_with_a_published_key_is_accepted,
);

/// With `fault` set at the fake, a sign-in fails after the code exchange.
async fn fails_with(backend: Backend, fault: Fault, def: impl FnOnce(&mut UpstreamProvider)) {
    let Some((fake, down)) = with_fake(backend, fake_config(), def, |_| {}).await else {
        return;
    };
    fake.set_fault(fault);
    assert_sign_in_fails(&down, &fake).await;
    assert!(users(&down).await.is_empty());
    // The code was exchanged: the failure is in the answer, not before it.
    assert_eq!(fake.token_requests().len(), 1);
    assert!(metrics(&down).await.contains(&sign_ins("failed", 1)));
}

async fn an_id_token_from_another_issuer_is_refused(backend: Backend) {
    fails_with(backend, Fault::WrongIssuer, |_| {}).await;
}

async fn an_id_token_for_another_audience_is_refused(backend: Backend) {
    fails_with(backend, Fault::WrongAudience, |_| {}).await;
}

async fn an_id_token_with_another_nonce_is_refused(backend: Backend) {
    fails_with(backend, Fault::WrongNonce, |_| {}).await;
}

async fn an_expired_id_token_is_refused(backend: Backend) {
    fails_with(backend, Fault::Expired, |_| {}).await;
}

async fn an_unsigned_id_token_is_refused(backend: Backend) {
    fails_with(backend, Fault::AlgNone, |_| {}).await;
}

async fn an_id_token_signed_with_an_unpublished_key_is_refused(backend: Backend) {
    fails_with(backend, Fault::SignWithUnpublishedKey, |_| {}).await;
}

async fn a_key_rotated_in_after_the_jwks_was_cached_is_fetched_once_and_accepted(backend: Backend) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    // A first sign-in fills the JWKS cache.
    sign_in_fake(&down, &fake).await;
    assert_eq!(fake.jwks_fetches(), 1);

    // The provider publishes a new key and signs with it: the unknown kid makes the
    // server fetch the JWKS again, and the sign-in works.
    fake.rotate_keys(false);
    let (_, done) = sign_in_fake(&down, &fake).await;
    assert_eq!(fake.jwks_fetches(), 2);
    let claims = id_token_claims(&down, &done).await;
    assert_eq!(users(&down).await.len(), 1);
    assert_eq!(claims["sub"], users(&down).await[0]["id"]);

    // A token signed with a key that is not published fails; the forced refetch just
    // made is not repeated within the minute, so made-up kids cost the provider nothing.
    fake.set_fault(Fault::SignWithUnpublishedKey);
    assert_sign_in_fails(&down, &fake).await;
    assert_eq!(fake.jwks_fetches(), 2);
}

async fn a_userinfo_answer_about_someone_else_is_refused(backend: Backend) {
    fails_with(backend, Fault::UserinfoSubMismatch, |d| d.userinfo = true).await;
}

async fn a_token_endpoint_that_fails_with_500_fails_the_sign_in(backend: Backend) {
    fails_with(backend, Fault::Status500, |_| {}).await;
}

async fn a_token_endpoint_slower_than_the_timeout_fails_the_sign_in_in_time(backend: Backend) {
    let Some((fake, down)) = with_fake(
        backend,
        fake_config(),
        |d| d.timeout = Ttl(Duration::from_secs(1)),
        |_| {},
    )
    .await
    else {
        return;
    };
    fake.set_fault(Fault::Slow(Duration::from_secs(5)));
    let b = crate::flow_support::browser();
    let back = callback_from_fake(&b, &down, &fake).await;
    let started = Instant::now();
    let r = get(&b, &back).await;
    let took = started.elapsed();
    assert_error_page(r, FAILED).await;
    // The provider's one-second limit, not the fake's five seconds.
    assert!(took < Duration::from_millis(3500), "took {took:?}");
    assert!(users(&down).await.is_empty());
}

async fn an_oversized_token_answer_fails_the_sign_in(backend: Backend) {
    fails_with(backend, Fault::Oversized, |_| {}).await;
}

async fn a_token_answer_that_is_not_json_fails_the_sign_in(backend: Backend) {
    fails_with(backend, Fault::BadJson, |_| {}).await;
}

async fn a_token_answer_without_an_id_token_fails_the_sign_in(backend: Backend) {
    fails_with(backend, Fault::MissingIdToken, |_| {}).await;
}

async fn a_token_error_answer_fails_the_sign_in(backend: Backend) {
    fails_with(backend, Fault::TokenError("invalid_grant".into()), |_| {}).await;
}

/// The control for the ID token checks: an EC key from the JWKS verifies.
async fn an_es256_id_token_signed_with_a_published_key_is_accepted(backend: Backend) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    fake.set_signing_alg(SigningAlg::Es256);
    let (_, done) = sign_in_fake(&down, &fake).await;
    let claims = id_token_claims(&down, &done).await;
    assert_eq!(claims["email"], "alice@example.org");
    assert!(fake.current_kid().starts_with("ec-"));
}
