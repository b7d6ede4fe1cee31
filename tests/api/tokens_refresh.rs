//! The refresh_token grant: rotation, scope narrowing, client binding, reuse detection
//! with family revocation, concurrency, and revocation cascades across a grant.

use crate::helpers::Backend;
use crate::tokens_support::*;
use crate::{app_or_skip, on_both_backends};
use serde_json::json;

on_both_backends!(
    refresh_rotates_the_pair_and_invalidates_the_old_one,
    refresh_may_narrow_but_never_widen_the_scope,
    refresh_tokens_are_bound_to_their_client,
    reusing_a_rotated_refresh_token_revokes_the_whole_family,
    two_concurrent_refreshes_yield_exactly_one_success,
    no_refresh_token_without_offline_access,
    revoking_either_token_of_a_grant_revokes_the_grant,
    refresh_tokens_introspect_with_their_use_and_ext,
    a_flush_keeps_rotated_refresh_tokens_so_replays_are_still_caught,
);

async fn refresh_rotates_the_pair_and_invalidates_the_old_one(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let (at, rt) = first_pair(&app, backend, &id, &secret).await;
    let a = refresh(&app, &id, &secret, &rt, &[]).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.header("cache-control"), "no-store");
    let (at2, rt2) = (
        a.body["access_token"].as_str().unwrap(),
        a.body["refresh_token"].as_str().unwrap(),
    );
    assert_ne!(rt2, rt);
    assert_eq!(a.body["scope"], "openid offline_access profile");
    assert!(!is_active(&app, &at).await, "the old access token is gone");
    assert!(
        !is_active(&app, &rt).await,
        "the old refresh token is used up"
    );
    assert!(is_active(&app, at2).await && is_active(&app, rt2).await);
    let c = verify_jwt(&app, a.body["id_token"].as_str().unwrap(), Some("app")).await;
    assert_eq!(c["sub"], "alice");
    assert_eq!(c["at_hash"], half_hash(at2));
    assert_eq!(c["nonce"], "nonce-1234567");
    // And again, with the new one.
    assert_eq!(refresh(&app, &id, &secret, rt2, &[]).await.status, 200);
}

async fn refresh_may_narrow_but_never_widen_the_scope(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let (_, rt) = first_pair(&app, backend, &id, &secret).await;
    let wide = refresh(&app, &id, &secret, &rt, &[("scope", "openid email")]).await;
    assert_eq!((wide.status.as_u16(), wide.error()), (400, "invalid_scope"));
    let narrow = refresh(&app, &id, &secret, &rt, &[("scope", "profile")]).await;
    assert_eq!(narrow.status, 200, "{}", narrow.text);
    assert_eq!(narrow.body["scope"], "profile");
    assert!(
        narrow.body.get("id_token").is_none(),
        "no openid, no ID token"
    );
    let at = narrow.body["access_token"].as_str().unwrap();
    assert_eq!(introspect(&app, at, None).await.body["scope"], "profile");
    // The new refresh token keeps the original grant.
    let rt2 = narrow.body["refresh_token"].as_str().unwrap();
    let again = refresh(&app, &id, &secret, rt2, &[]).await;
    assert_eq!(again.body["scope"], "openid offline_access profile");
}

async fn refresh_tokens_are_bound_to_their_client(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let (other, other_secret) = full_client(&app, "other", json!({})).await;
    let (_, rt) = first_pair(&app, backend, &id, &secret).await;
    let a = refresh(&app, &other, &other_secret, &rt, &[]).await;
    assert_eq!((a.status.as_u16(), a.error()), (400, "invalid_grant"));
    assert_eq!(
        refresh(&app, &id, &secret, &rt, &[]).await.status,
        200,
        "still usable by its client"
    );
    for bad in ["ptc_rt_garbage.x", "garbage"] {
        assert_eq!(refresh(&app, &id, &secret, bad, &[]).await.status, 400);
    }
    let missing = token_request(
        &app,
        Some(basic(&id, &secret)),
        &[("grant_type", "refresh_token")],
    )
    .await;
    assert_eq!(
        (missing.status.as_u16(), missing.error()),
        (400, "invalid_request")
    );
}

async fn reusing_a_rotated_refresh_token_revokes_the_whole_family(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let (_, rt) = first_pair(&app, backend, &id, &secret).await;
    let a = refresh(&app, &id, &secret, &rt, &[]).await;
    let (at2, rt2) = (
        a.body["access_token"].as_str().unwrap(),
        a.body["refresh_token"].as_str().unwrap(),
    );
    let replay = refresh(&app, &id, &secret, &rt, &[]).await;
    assert_eq!(
        (replay.status.as_u16(), replay.error()),
        (400, "invalid_grant")
    );
    assert!(!is_active(&app, at2).await);
    assert!(!is_active(&app, rt2).await);
    assert_eq!(refresh(&app, &id, &secret, rt2, &[]).await.status, 400);
}

async fn two_concurrent_refreshes_yield_exactly_one_success(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    for _ in 0..3 {
        let (_, rt) = first_pair(&app, backend, &id, &secret).await;
        let (a, b) = tokio::join!(
            refresh(&app, &id, &secret, &rt, &[]),
            refresh(&app, &id, &secret, &rt, &[])
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 400], "{} / {}", a.text, b.text);
    }
}

async fn no_refresh_token_without_offline_access(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let code = seed_code(
        &app,
        backend,
        CodeSeed {
            scope: &["openid", "profile"],
            ..CodeSeed::default()
        },
    )
    .await;
    let a = redeem(&app, &id, &secret, &code, &[]).await;
    assert_eq!(a.status, 200);
    assert!(a.body.get("refresh_token").is_none());
    // Nor when the client may not use the refresh_token grant.
    let (nid, nsecret) = full_client(
        &app,
        "norefresh",
        json!({"grant_types": ["authorization_code"]}),
    )
    .await;
    let code = seed_code(
        &app,
        backend,
        CodeSeed {
            client_id: "norefresh",
            ..CodeSeed::default()
        },
    )
    .await;
    let a = redeem(&app, &nid, &nsecret, &code, &[]).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(a.body.get("refresh_token").is_none());
    assert!(a.body.get("id_token").is_some());
}

async fn revoking_either_token_of_a_grant_revokes_the_grant(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let (at, rt) = first_pair(&app, backend, &id, &secret).await;
    assert_eq!(revoke(&app, &id, &secret, &rt).await.status, 200);
    assert!(
        !is_active(&app, &at).await,
        "revoking the refresh token revokes its access token"
    );
    assert!(!is_active(&app, &rt).await);
    let (at, rt) = first_pair(&app, backend, &id, &secret).await;
    assert_eq!(revoke(&app, &id, &secret, &at).await.status, 200);
    assert!(!is_active(&app, &rt).await, "and the other way round");
}

async fn refresh_tokens_introspect_with_their_use_and_ext(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let (_, rt) = first_pair(&app, backend, &id, &secret).await;
    let b = introspect(&app, &rt, None).await.body;
    assert_eq!(b["active"], true);
    assert_eq!(b["token_use"], "refresh_token");
    // RFC 7662's token_type is an access token's type: a refresh token has none (it
    // said "Bearer" before; see docs/security.md).
    assert!(b.get("token_type").is_none(), "{b}");
    assert_eq!(b["ext"], json!({"tenant": "blue"}));
    assert_eq!(
        b["exp"].as_i64().unwrap() - b["iat"].as_i64().unwrap(),
        720 * 3600
    );
}

async fn a_flush_keeps_rotated_refresh_tokens_so_replays_are_still_caught(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = full_client(&app, "app", json!({})).await;
    let (_, rt) = first_pair(&app, backend, &id, &secret).await;
    let a = refresh(&app, &id, &secret, &rt, &[]).await;
    let rt2 = a.body["refresh_token"].as_str().unwrap();
    let r = app
        .http
        .post(app.admin_url("/oauth2/flush"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let replay = refresh(&app, &id, &secret, &rt, &[]).await;
    assert_eq!(
        (replay.status.as_u16(), replay.error()),
        (400, "invalid_grant")
    );
    assert!(
        !is_active(&app, rt2).await,
        "the family is revoked after a flush too"
    );
}
