//! What the request brings along: `id_token_hint`, the OpenID Connect context, an
//! omitted redirect URI, a loopback redirect URI with a port of the app's choosing.

use crate::flow_support::*;
use crate::helpers::Backend;
use crate::{app_or_skip, on_both_backends};
use serde_json::json;

on_both_backends!(
    an_id_token_hint_for_another_subject_forces_a_fresh_login,
    the_openid_connect_context_reaches_the_login_app,
    an_omitted_redirect_uri_uses_the_only_registered_one,
    loopback_redirect_uris_may_use_any_port,
);

async fn an_id_token_hint_for_another_subject_forces_a_fresh_login(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    full_flow(&app, &b, &auth_url(&app, "app", ""), "alice", true).await;
    let (kid, key) = id_token_key(&app).await;
    let hint = |sub: &str| {
        let claims = json!({"iss": app.public_url("/"), "sub": sub, "aud": ["app"], "iat": now() - 7200, "exp": now() - 3600});
        sign(&kid, &key, &claims)
    };

    // A hint for the session's subject (expired, which is fine): skip.
    let login = start(
        &app,
        &b,
        &auth_url(&app, "app", &format!("&id_token_hint={}", hint("alice"))),
    )
    .await;
    let l = login_request(&app, &login).await.body;
    assert_eq!(l["skip"], true);
    assert_eq!(l["oidc_context"]["id_token_hint_claims"]["sub"], "alice");

    // A hint for someone else: log in afresh; with prompt=none that is impossible.
    let bob = format!("&id_token_hint={}", hint("bob"));
    let login = start(&app, &b, &auth_url(&app, "app", &bob)).await;
    assert_eq!(login_request(&app, &login).await.body["skip"], false);
    // Logging in as yet another user than the hint names is refused on return.
    let to = decide(&app, "login", "accept", &login, json!({"subject": "carol"})).await;
    assert_client_error(&app, &follow(&b, &to).await, "login_required");
    let to = follow(&b, &auth_url(&app, "app", &format!("{bob}&prompt=none"))).await;
    assert_client_error(&app, &to, "login_required");

    // A forged or foreign hint is an invalid request.
    let good = hint("alice");
    // Change the first character of the signature: changing the last one can leave the
    // decoded bytes as they were (its low bits are padding), which made this test flaky.
    let sig_start = good.rfind('.').expect("a JWS") + 1;
    let first = &good[sig_start..sig_start + 1];
    let forged = format!(
        "{}{}{}",
        &good[..sig_start],
        if first == "A" { "B" } else { "A" },
        &good[sig_start + 1..]
    );
    let to = follow(
        &b,
        &auth_url(&app, "app", &format!("&id_token_hint={forged}")),
    )
    .await;
    assert_client_error(&app, &to, "invalid_request");
    let foreign = sign(
        &kid,
        &key,
        &json!({"iss": "https://evil.example/", "sub": "alice", "iat": now()}),
    );
    let to = follow(
        &b,
        &auth_url(&app, "app", &format!("&id_token_hint={foreign}")),
    )
    .await;
    assert_client_error(&app, &to, "invalid_request");
}

async fn the_openid_connect_context_reaches_the_login_app(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let extra = "&login_hint=alice%40example.com&ui_locales=de+en&acr_values=urn%3Amfa&display=popup&unknown=ignored";
    let login = start(&app, &b, &auth_url(&app, "app", extra)).await;
    let l = login_request(&app, &login).await.body;
    assert_eq!(
        l["oidc_context"],
        json!({"login_hint": "alice@example.com", "ui_locales": ["de", "en"], "acr_values": ["urn:mfa"], "display": "popup"})
    );
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(&app, &b, &to).await;
    assert_eq!(
        consent_request(&app, &consent).await.body["oidc_context"]["login_hint"],
        "alice@example.com"
    );
}

async fn an_omitted_redirect_uri_uses_the_only_registered_one(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let url = app.public_url(&format!(
        "/oauth2/auth?client_id=app&response_type=code&scope=photos.read&state={STATE}"
    ));
    let to = full_flow(&app, &b, &url, "alice", false).await;
    assert_code(&app, &to);
    // The token endpoint must then see no redirect_uri either.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM oauth2_authorize_codes WHERE redirect_uri = ''"
        )
        .await,
        1
    );
}

async fn loopback_redirect_uris_may_use_any_port(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "native", json!({"redirect_uris": ["http://127.0.0.1/cb"], "token_endpoint_auth_method": "none", "client_secret": null})).await;
    let b = browser();
    let url = app.public_url(&format!(
        "/oauth2/auth?client_id=native&response_type=code&scope=openid&state={STATE}&redirect_uri=http%3A%2F%2F127.0.0.1%3A49152%2Fcb\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    ));
    let to = full_flow(&app, &b, &url, "alice", false).await;
    assert!(
        to.starts_with("http://127.0.0.1:49152/cb?code=ptc_ac_"),
        "{to}"
    );
    let other_path = url.replace("%2Fcb", "%2Fcallback");
    assert_error_page(&app, &follow(&b, &other_path).await, "invalid_request");
    let localhost = url.replace("127.0.0.1", "localhost");
    assert_error_page(&app, &follow(&b, &localhost).await, "invalid_request");
}
