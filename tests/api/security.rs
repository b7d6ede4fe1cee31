//! Findings of the security review (issue 12), each checked where it was found: what a
//! disabled, deleted or re-passworded user keeps; PKCE for public clients; one list of
//! assertion algorithms; the cost of an unknown client id.

use crate::firstparty_support::{api_post, first_party, register_cli, CLI};
use crate::flow_support::{browser, location, CB, STATE};
use crate::helpers::{spawn_app_with, Backend, TestApp};
use crate::tokens_support::{full_client, introspect, token_request};
use crate::ui_support::{create_user, PASSWORD};
use crate::{app_or_skip, on_both_backends};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

on_both_backends!(
    disabling_a_user_revokes_their_tokens_everywhere,
    a_new_password_revokes_the_old_tokens,
    deleting_a_user_revokes_their_tokens,
    public_clients_must_use_pkce_unless_the_operator_allows_it,
    registration_accepts_exactly_the_algorithms_assertions_are_verified_with,
    an_unknown_client_id_costs_as_much_as_a_wrong_secret,
);

/// A user signed in through the first-party API: (user, access token, refresh token).
async fn signed_in(app: &TestApp) -> (Value, String, String) {
    register_cli(app).await;
    let user = create_user(app, "alice@example.com", json!({})).await;
    let a = api_post(
        app,
        "/api/v1/login",
        json!({"email": "alice@example.com", "password": PASSWORD}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let at = a.body["access_token"].as_str().unwrap().to_string();
    let rt = a.body["refresh_token"].as_str().unwrap().to_string();
    (user, at, rt)
}

/// The refresh token at the token endpoint itself (not the first-party API, which
/// always checked the account).
async fn refresh_at_token_endpoint(app: &TestApp, rt: &str) -> (u16, Value) {
    let a = token_request(
        app,
        None,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLI),
            ("refresh_token", rt),
        ],
    )
    .await;
    (a.status.as_u16(), a.body)
}

async fn assert_revoked(app: &TestApp, at: &str, rt: &str) {
    let i = introspect(app, at, None).await;
    assert_eq!(i.body["active"], false, "the access token: {}", i.text);
    let (status, body) = refresh_at_token_endpoint(app, rt).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
}

async fn disabling_a_user_revokes_their_tokens_everywhere(backend: Backend) {
    let Some(app) = spawn_app_with(backend, first_party).await else {
        return;
    };
    let (user, at, rt) = signed_in(&app).await;
    assert_eq!(introspect(&app, &at, None).await.body["active"], true);
    let id = user["id"].as_str().unwrap();
    let mut profile = user.clone();
    profile["disabled"] = json!(true);
    let r = app
        .http
        .put(app.admin_url(&format!("/admin/users/{id}")))
        .json(&profile)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_revoked(&app, &at, &rt).await;
}

async fn a_new_password_revokes_the_old_tokens(backend: Backend) {
    let Some(app) = spawn_app_with(backend, first_party).await else {
        return;
    };
    let (user, at, rt) = signed_in(&app).await;
    let id = user["id"].as_str().unwrap();
    let r = app
        .http
        .put(app.admin_url(&format!("/admin/users/{id}/password")))
        .json(&json!({"password": "a brand new password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_revoked(&app, &at, &rt).await;
}

async fn deleting_a_user_revokes_their_tokens(backend: Backend) {
    let Some(app) = spawn_app_with(backend, first_party).await else {
        return;
    };
    let (user, at, rt) = signed_in(&app).await;
    let id = user["id"].as_str().unwrap();
    let r = app
        .http
        .delete(app.admin_url(&format!("/admin/users/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_revoked(&app, &at, &rt).await;
}

fn public_auth_url(app: &TestApp, pkce: bool) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("client_id", "spa")
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", CB)
        .append_pair("scope", "openid")
        .append_pair("state", STATE);
    if pkce {
        q.append_pair(
            "code_challenge",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        )
        .append_pair("code_challenge_method", "S256");
    }
    app.public_url(&format!("/oauth2/auth?{}", q.finish()))
}

async fn register_spa(app: &TestApp) {
    crate::firstparty_support::register(
        app,
        json!({"client_id": "spa", "token_endpoint_auth_method": "none",
               "redirect_uris": [CB], "scope": "openid"}),
    )
    .await;
}

async fn public_clients_must_use_pkce_unless_the_operator_allows_it(backend: Backend) {
    let app = app_or_skip!(backend);
    register_spa(&app).await;
    let b = browser();
    let to = location(&b.get(public_auth_url(&app, false)).send().await.unwrap());
    assert!(to.starts_with(CB), "the error goes to the client: {to}");
    assert!(to.contains("error=invalid_request"), "{to}");
    assert!(to.contains("code_challenge"), "{to}");
    let to = location(&b.get(public_auth_url(&app, true)).send().await.unwrap());
    assert!(to.starts_with(&app.public_url("/ui/login?")), "{to}");

    let Some(lenient) = spawn_app_with(backend, |s| {
        s.oauth2.pkce.enforced_for_public_clients = Some(false)
    })
    .await
    else {
        return;
    };
    register_spa(&lenient).await;
    let to = location(
        &b.get(public_auth_url(&lenient, false))
            .send()
            .await
            .unwrap(),
    );
    assert!(to.starts_with(&lenient.public_url("/ui/login?")), "{to}");
}

async fn registration_accepts_exactly_the_algorithms_assertions_are_verified_with(
    backend: Backend,
) {
    let app = app_or_skip!(backend);
    let register = |alg: &str| {
        json!({"token_endpoint_auth_method": "private_key_jwt",
               "token_endpoint_auth_signing_alg": alg,
               "jwks_uri": "https://app.example/jwks.json"})
    };
    for (alg, status) in [
        ("ES512", 400),
        ("EdDSA", 201),
        ("PS256", 201),
        ("HS256", 400),
    ] {
        let r = app
            .http
            .post(app.admin_url("/clients"))
            .json(&register(alg))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{alg}");
    }
    let doc: Value = app
        .http
        .get(app.public_url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let advertised = doc["token_endpoint_auth_signing_alg_values_supported"]
        .as_array()
        .unwrap();
    assert!(advertised.contains(&json!("EdDSA")) && !advertised.contains(&json!("ES512")));
}

async fn an_unknown_client_id_costs_as_much_as_a_wrong_secret(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, _) = full_client(&app, "known", json!({})).await;
    let timed = |client: String| {
        let app = &app;
        async move {
            let start = Instant::now();
            let a =
                crate::tokens_support::client_credentials(app, &client, "not-the-secret", "").await;
            assert_eq!(a.status, 401);
            start.elapsed()
        }
    };
    // Warm up: the first unknown id also makes the dummy hash.
    timed("nobody".into()).await;
    let mut wrong = Duration::ZERO;
    let mut unknown = Duration::ZERO;
    for i in 0..3 {
        wrong += timed(id.clone()).await;
        unknown += timed(format!("nobody-{i}")).await;
    }
    // Both run one argon2 verification; before, an unknown id answered at once.
    assert!(unknown * 2 >= wrong, "unknown {unknown:?}, wrong {wrong:?}");
    assert!(unknown >= Duration::from_millis(15), "{unknown:?}");
}

/// Per-address throttling behind a load balancer (finding 9): with the proxy trusted,
/// the address is the one it forwarded; without, `X-Forwarded-For` is the client's own
/// claim and ignored (else anyone could rotate it to escape the address limit).
#[tokio::test]
async fn the_address_throttle_counts_the_forwarded_client_only_behind_trusted_proxies() {
    for trusted in [true, false] {
        let Some(app) = spawn_app_with(Backend::Sqlite, |s| {
            first_party(s);
            s.identity.throttle.address.max_failures = 3;
            if trusted {
                s.serve.trusted_proxies = vec!["127.0.0.0/8".into()];
            }
        })
        .await
        else {
            return;
        };
        register_cli(&app).await;
        let login = |email: String, forwarded: &'static str| {
            let (http, url) = (app.http.clone(), app.public_url("/api/v1/login"));
            async move {
                http.post(url)
                    .header("X-Forwarded-For", forwarded)
                    .json(&json!({"email": email, "password": "wrong password"}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        // Three failures (different accounts) from one forwarded client.
        for i in 0..3 {
            let status = login(format!("user{i}@example.com"), "198.51.100.1").await;
            assert_eq!(status, 401, "trusted={trusted}");
        }
        assert_eq!(
            login("next@example.com".into(), "1.1.1.1, 198.51.100.1").await,
            429,
            "trusted={trusted}: the same client (a spoofed entry on the left changes nothing)"
        );
        // Another forwarded client: a fresh count only when the proxy is trusted.
        let other = login("other@example.com".into(), "198.51.100.2").await;
        assert_eq!(other, if trusted { 401 } else { 429 }, "trusted={trusted}");
    }
}
