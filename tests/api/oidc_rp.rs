//! End to end with a real OpenID Connect relying party (the `openidconnect` crate and
//! its reqwest client): discovery, authorization code + PKCE through the browser flow,
//! code exchange with client_secret_basic, ID token signature / nonce / at_hash checks,
//! userinfo, refresh, and revocation.

use crate::flow_support::{self, browser, decide, follow, param, start, to_consent, CB};
use crate::helpers::Backend;
use crate::tokens_support::{basic, introspect, is_active, revoke, token_request, verify_jwt};
use crate::{app_or_skip, on_both_backends};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use serde_json::json;

on_both_backends!(
    a_relying_party_library_completes_the_code_flow_from_discovery_to_userinfo,
    pairwise_clients_get_hydras_pairwise_subject_in_every_token,
);

async fn a_relying_party_library_completes_the_code_flow_from_discovery_to_userinfo(
    backend: Backend,
) {
    // The admin API plays the login and consent app here, not the built-in pages.
    let app = app_or_skip!(backend, |s| s.identity.ui.enabled = false);
    // A secret with characters that client_secret_basic must form-encode.
    let secret = "rp secret+with:odd%chars";
    flow_support::create_client(
        &app,
        "rp",
        json!({"client_secret": secret, "token_endpoint_auth_method": "client_secret_basic"}),
    )
    .await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let issuer = IssuerUrl::new(format!("{}/", app.public)).unwrap();
    let metadata = CoreProviderMetadata::discover_async(issuer, &http)
        .await
        .expect("discovery");
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new("rp".into()),
        Some(ClientSecret::new(secret.into())),
    )
    .set_redirect_uri(RedirectUrl::new(CB.into()).unwrap());

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("offline".into()))
        .add_scope(Scope::new("photos.read".into()))
        .set_pkce_challenge(challenge)
        .url();

    // The user logs in and consents (the login/consent app is the admin API).
    let b = browser();
    let login = start(&app, &b, auth_url.as_str()).await;
    let to = decide(
        &app,
        "login",
        "accept",
        &login,
        json!({"subject": "alice", "acr": "urn:acr:pwd"}),
    )
    .await;
    let consent = to_consent(&app, &b, &to).await;
    let to = decide(
        &app,
        "consent",
        "accept",
        &consent,
        json!({"grant_scope": ["openid", "offline", "photos.read"],
               "session": {"id_token": {"email": "alice@example.com", "email_verified": true},
                           "access_token": {"tenant": "blue"}}}),
    )
    .await;
    let callback = follow(&b, &to).await;
    assert!(callback.starts_with(CB), "{callback}");
    assert_eq!(
        param(&callback, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    assert_eq!(param(&callback, "iss"), Some(format!("{}/", app.public)));
    let code = param(&callback, "code").expect("a code");

    let tokens = client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("the code exchange");
    let id_token = tokens.id_token().expect("an ID token");
    let id_verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&id_verifier, &nonce)
        .expect("a valid ID token");
    assert_eq!(claims.subject().as_str(), "alice");
    assert_eq!(
        claims.email().map(|e| e.as_str()),
        Some("alice@example.com")
    );
    let expected = claims.access_token_hash().expect("an at_hash");
    let actual = AccessTokenHash::from_token(
        tokens.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&id_verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(&actual, expected);
    let refresh_token = tokens.refresh_token().expect("a refresh token").clone();

    let info: CoreUserInfoClaims = client
        .user_info(
            tokens.access_token().clone(),
            Some(claims.subject().clone()),
        )
        .unwrap()
        .request_async(&http)
        .await
        .expect("userinfo");
    assert_eq!(info.email().map(|e| e.as_str()), Some("alice@example.com"));

    // The code cannot be used twice.
    let again = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .request_async(&http)
        .await;
    assert!(again.is_err());
    assert!(!is_active(&app, tokens.access_token().secret()).await);

    // Refresh, then revoke.
    let refreshed = client
        .exchange_refresh_token(&refresh_token)
        .unwrap()
        .request_async(&http)
        .await;
    assert!(
        refreshed.is_err(),
        "the refresh token died with the reused code"
    );

    let fresh = second_grant(&app, &client, &http).await;
    let rt = fresh.refresh_token().unwrap().clone();
    let refreshed = client
        .exchange_refresh_token(&rt)
        .unwrap()
        .request_async(&http)
        .await
        .expect("refresh");
    let new_id = refreshed.id_token().expect("an ID token on refresh");
    new_id
        .claims(&client.id_token_verifier(), |_: Option<&Nonce>| Ok(()))
        .expect("a valid refreshed ID token");
    let new_rt = refreshed.refresh_token().unwrap().clone();
    // The library refuses plain-http revocation endpoints, so this one is sent by hand.
    let r = revoke(&app, "rp", secret, new_rt.secret()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(!is_active(&app, new_rt.secret()).await);
    assert!(!is_active(&app, refreshed.access_token().secret()).await);
}

type Tokens = openidconnect::core::CoreTokenResponse;

/// Runs the flow once more (the login is remembered by nothing: log in again).
async fn second_grant(
    app: &crate::helpers::TestApp,
    client: &openidconnect::core::CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
    http: &reqwest::Client,
) -> Tokens {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, _, _) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("offline".into()))
        .set_pkce_challenge(challenge)
        .url();
    let b = browser();
    let login = start(app, &b, auth_url.as_str()).await;
    let to = decide(app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(app, &b, &to).await;
    let to = decide(
        app,
        "consent",
        "accept",
        &consent,
        json!({"grant_scope": ["openid", "offline"]}),
    )
    .await;
    let code = param(&follow(&b, &to).await, "code").unwrap();
    client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(http)
        .await
        .expect("the second code exchange")
}

async fn pairwise_clients_get_hydras_pairwise_subject_in_every_token(backend: Backend) {
    let app = app_or_skip!(backend, |s| {
        s.identity.ui.enabled = false;
        s.oidc.subject_identifiers.supported_types = vec!["public".into(), "pairwise".into()];
        s.oidc.subject_identifiers.pairwise.salt =
            Some(portcullis::secret::Secret::new("a-pairwise-salt"));
    });
    flow_support::create_client(&app, "pw", json!({"subject_type": "pairwise"})).await;
    let b = browser();
    let url = flow_support::auth_url(&app, "pw", "&nonce=nonce-123456");
    let callback = flow_support::full_flow(&app, &b, &url, "alice", false).await;
    let code = flow_support::assert_code(&app, &callback);
    let a = token_request(
        &app,
        Some(basic("pw", "a-client-secret-for-tests")),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CB),
        ],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    // Hydra: hex(SHA-256(redirect host ‖ subject ‖ salt)).
    let expected: String = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        b"app.examplealicea-pairwise-salt",
    )
    .as_ref()
    .iter()
    .map(|b| format!("{b:02x}"))
    .collect();
    let claims = verify_jwt(&app, a.body["id_token"].as_str().unwrap(), Some("pw")).await;
    assert_eq!(claims["sub"], expected);
    let at = a.body["access_token"].as_str().unwrap();
    let i = introspect(&app, at, None).await.body;
    assert_eq!(i["sub"], "alice");
    assert_eq!(i["obfuscated_subject"], expected);
    let d = app
        .http
        .get(app.public_url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(d["subject_types_supported"], json!(["public", "pairwise"]));
}
