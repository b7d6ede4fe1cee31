//! The implicit and hybrid response types of `/oauth2/auth`, end to end through login
//! and consent (the test is the login/consent app): what the fragment carries, ID tokens
//! checked with `jsonwebtoken` against the published JWKS (`nonce`, `at_hash` and
//! `c_hash` recomputed here), access tokens that introspect, work at /userinfo and are
//! revoked like any other, and hybrid codes that redeem once at the token endpoint.

use crate::flow_implicit_support::*;
use crate::helpers::Backend;
use crate::tokens_support::{half_hash, introspect, revoke, verify_jwt};
use crate::{app_or_skip, on_both_backends};
use reqwest::Method;
use serde_json::json;

on_both_backends!(
    response_type_token_returns_an_introspectable_access_token_in_the_fragment,
    response_type_id_token_returns_only_an_id_token_with_the_nonce,
    response_type_id_token_token_binds_the_id_token_to_the_access_token_with_at_hash,
    response_type_code_id_token_binds_the_code_with_c_hash_and_the_code_redeems_once,
    response_type_code_token_returns_a_redeemable_code_and_an_access_token,
    response_type_code_id_token_token_carries_both_hashes,
    revoking_consent_revokes_the_tokens_of_the_authorization_endpoint,
    jwt_access_tokens_from_the_authorization_endpoint_match_at_hash_and_introspect,
    the_authorization_endpoint_uses_the_implicit_lifespans_and_the_code_its_own,
);

async fn response_type_token_returns_an_introspectable_access_token_in_the_fragment(
    backend: Backend,
) {
    let app = app_or_skip!(backend);
    implicit_client(&app, "app", json!({})).await;
    let f = flow(
        &app,
        "token",
        &["access_token", "token_type", "expires_in", "scope"],
    )
    .await;
    let at = &f["access_token"];
    assert!(at.starts_with("ptc_at_"));
    assert_usable(&app, at).await;
    no_refresh_tokens(&app).await;
    // Revocation works on it like on any access token.
    let r = revoke(&app, "app", SECRET, at).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(introspect(&app, at, None).await.body["active"], false);
}

async fn response_type_id_token_returns_only_an_id_token_with_the_nonce(backend: Backend) {
    let app = app_or_skip!(backend);
    implicit_client(&app, "app", json!({})).await;
    let f = flow(&app, "id_token", &["id_token"]).await;
    let c = id_token(&app, &f["id_token"]).await;
    assert!(
        c.get("at_hash").is_none() && c.get("c_hash").is_none(),
        "{c}"
    );
    let n = crate::flow_support::count(&app, "SELECT COUNT(*) FROM oauth2_access_tokens").await;
    assert_eq!(n, 0, "no access token was asked for");
    no_refresh_tokens(&app).await;
}

async fn response_type_id_token_token_binds_the_id_token_to_the_access_token_with_at_hash(
    backend: Backend,
) {
    let app = app_or_skip!(backend);
    implicit_client(&app, "app", json!({})).await;
    let keys = [
        "access_token",
        "token_type",
        "expires_in",
        "scope",
        "id_token",
    ];
    let f = flow(&app, "id_token token", &keys).await;
    let c = id_token(&app, &f["id_token"]).await;
    assert_eq!(c["at_hash"], half_hash(&f["access_token"]));
    assert!(c.get("c_hash").is_none());
    assert_usable(&app, &f["access_token"]).await;
    no_refresh_tokens(&app).await;
}

async fn response_type_code_id_token_binds_the_code_with_c_hash_and_the_code_redeems_once(
    backend: Backend,
) {
    let app = app_or_skip!(backend);
    implicit_client(&app, "app", json!({})).await;
    let f = flow(&app, "code id_token", &["code", "scope", "id_token"]).await;
    let c = id_token(&app, &f["id_token"]).await;
    assert_eq!(c["c_hash"], half_hash(&f["code"]));
    assert!(c.get("at_hash").is_none());
    let n = crate::flow_support::count(&app, "SELECT COUNT(*) FROM oauth2_access_tokens").await;
    assert_eq!(n, 0);
    redeems_once(&app, &f["code"]).await;
}

async fn response_type_code_token_returns_a_redeemable_code_and_an_access_token(backend: Backend) {
    let app = app_or_skip!(backend);
    implicit_client(&app, "app", json!({})).await;
    let keys = ["code", "access_token", "token_type", "expires_in", "scope"];
    let f = flow(&app, "code token", &keys).await;
    assert_usable(&app, &f["access_token"]).await;
    no_refresh_tokens(&app).await;
    redeems_once(&app, &f["code"]).await;
    // The second redemption revoked the whole grant, the implicit token included.
    assert_eq!(
        introspect(&app, &f["access_token"], None).await.body["active"],
        false
    );
}

async fn response_type_code_id_token_token_carries_both_hashes(backend: Backend) {
    let app = app_or_skip!(backend);
    implicit_client(&app, "app", json!({})).await;
    let keys = [
        "code",
        "access_token",
        "token_type",
        "expires_in",
        "scope",
        "id_token",
    ];
    let f = flow(&app, "code id_token token", &keys).await;
    let c = id_token(&app, &f["id_token"]).await;
    assert_eq!(c["at_hash"], half_hash(&f["access_token"]));
    assert_eq!(c["c_hash"], half_hash(&f["code"]));
    assert_usable(&app, &f["access_token"]).await;
    no_refresh_tokens(&app).await;
    // Redeeming the code yields a refresh token there, as for the code flow.
    let a = redeem(&app, &f["code"]).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(a.body["refresh_token"].as_str().is_some());
}

async fn revoking_consent_revokes_the_tokens_of_the_authorization_endpoint(backend: Backend) {
    let app = app_or_skip!(backend);
    implicit_client(&app, "app", json!({})).await;
    let keys = [
        "access_token",
        "token_type",
        "expires_in",
        "scope",
        "id_token",
    ];
    let f = flow(&app, "id_token token", &keys).await;
    assert_usable(&app, &f["access_token"]).await;
    let a = crate::flow_support::admin(
        &app,
        Method::DELETE,
        "/oauth2/auth/sessions/consent?subject=alice&client=app",
        None,
    )
    .await;
    assert_eq!(a.status, 204, "{:?}", a.body);
    assert_eq!(
        introspect(&app, &f["access_token"], None).await.body["active"],
        false
    );
}

async fn jwt_access_tokens_from_the_authorization_endpoint_match_at_hash_and_introspect(
    backend: Backend,
) {
    let app = app_or_skip!(backend, |s| s.strategies.access_token = "jwt".into());
    implicit_client(&app, "app", json!({})).await;
    let keys = [
        "access_token",
        "token_type",
        "expires_in",
        "scope",
        "id_token",
    ];
    let f = flow(&app, "id_token token", &keys).await;
    let at = &f["access_token"];
    let claims = verify_jwt(&app, at, None).await;
    assert_eq!(claims["client_id"], "app");
    assert_eq!(claims["ext"]["tier"], "gold");
    let c = id_token(&app, &f["id_token"]).await;
    assert_eq!(c["at_hash"], half_hash(at));
    assert_usable(&app, at).await;
}

/// Hydra v2's client lifespans: tokens in the fragment live for the `implicit_grant_*`
/// ones, those from the hybrid code for the `authorization_code_grant_*` ones.
async fn the_authorization_endpoint_uses_the_implicit_lifespans_and_the_code_its_own(
    backend: Backend,
) {
    let app = app_or_skip!(backend);
    implicit_client(&app, "app", json!({})).await;
    let set = crate::flow_support::admin(
        &app,
        Method::PUT,
        "/admin/clients/app/lifespans",
        Some(json!({
            "implicit_grant_access_token_lifespan": "4m",
            "implicit_grant_id_token_lifespan": "2m",
            "authorization_code_grant_access_token_lifespan": "7m",
        })),
    )
    .await;
    assert_eq!(set.status, 200, "{:?}", set.body);
    let r = authorize(&app, &url(&app, "app", "code id_token token", ""), grant()).await;
    let f = fragment(&r);
    assert_eq!(f["expires_in"], "240");
    let lifetime = |c: &serde_json::Value| c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap();
    assert_eq!(lifetime(&id_token(&app, &f["id_token"]).await), 120);
    assert_eq!(
        lifetime(&introspect(&app, &f["access_token"], None).await.body),
        240
    );
    let a = redeem(&app, &f["code"]).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["expires_in"], 420);
    // The code grant sets no ID token lifespan: the server's TTL (1h).
    let c = verify_jwt(&app, a.body["id_token"].as_str().unwrap(), Some("app")).await;
    assert_eq!(lifetime(&c), 3600);
}
