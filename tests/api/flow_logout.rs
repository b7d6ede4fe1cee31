//! Logout: OP- and RP-initiated, with front-channel iframes and back-channel tokens
//! delivered to a tiny receiver in the test.

use crate::flow_support::*;
use crate::helpers::{Backend, TestApp};
use crate::{app_or_skip, on_both_backends};
use p256::ecdsa::signature::Verifier;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_backends!(
    op_initiated_logout_ends_the_session_once_the_logout_app_accepts,
    rp_initiated_logout_notifies_clients_on_the_front_and_back_channel,
    rp_initiated_logout_refuses_bad_hints_and_unregistered_redirects,
    a_rejected_logout_keeps_the_session,
    an_id_token_hint_ends_only_the_session_of_the_browser_that_holds_it,
);

const BYE: &str = "https://app.example/bye";

/// A full remembered flow; returns the login session id.
async fn logged_in(app: &TestApp, b: &reqwest::Client) -> String {
    let login = start(app, b, &auth_url(app, "app", "")).await;
    let sid = login_request(app, &login).await.body["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let to = decide(
        app,
        "login",
        "accept",
        &login,
        json!({"subject": "alice", "remember": true}),
    )
    .await;
    let consent = to_consent(app, b, &to).await;
    let to = decide(app, "consent", "accept", &consent, accept_all()).await;
    assert_code(app, &follow(b, &to).await);
    sid
}

async fn skips_login(app: &TestApp, b: &reqwest::Client) -> bool {
    let login = start(app, b, &auth_url(app, "app", "")).await;
    login_request(app, &login).await.body["skip"]
        .as_bool()
        .unwrap()
}

fn logout_challenge(app: &TestApp, to: &str) -> String {
    assert_ui(app, to, "logout");
    param(to, "logout_challenge").unwrap()
}

async fn op_initiated_logout_ends_the_session_once_the_logout_app_accepts(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let callback = app.public_url("/oauth2/fallbacks/logout/callback");
    // Nobody logged in: nothing to do.
    assert_eq!(
        follow(&b, &app.public_url("/oauth2/sessions/logout")).await,
        callback
    );
    // state or a redirect need an id_token_hint.
    let to = follow(
        &b,
        &app.public_url("/oauth2/sessions/logout?state=abcdefgh"),
    )
    .await;
    assert_error_page(&app, &to, "invalid_request");

    let sid = logged_in(&app, &b).await;
    let challenge = logout_challenge(
        &app,
        &follow(&b, &app.public_url("/oauth2/sessions/logout")).await,
    );
    let a = admin(
        &app,
        Method::GET,
        &format!("/oauth2/auth/requests/logout?logout_challenge={challenge}"),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["subject"], "alice");
    assert_eq!(a.body["sid"], sid.as_str());
    assert_eq!(a.body["rp_initiated"], false);
    assert_eq!(a.body["request_url"], "/oauth2/sessions/logout");

    let a = admin(
        &app,
        Method::PUT,
        &format!("/oauth2/auth/requests/logout/accept?logout_challenge={challenge}"),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let to = a.body["redirect_to"].as_str().unwrap().to_string();
    assert!(
        to.starts_with(&app.public_url("/oauth2/sessions/logout?logout_verifier=ptc_ov_")),
        "{to}"
    );
    let again = admin(
        &app,
        Method::PUT,
        &format!("/oauth2/auth/requests/logout/accept?logout_challenge={challenge}"),
        None,
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    let r = visit(&b, &to).await;
    let cleared = r.headers().get_all("set-cookie").iter().any(|c| {
        let c = c.to_str().unwrap();
        c.starts_with("oauth2_authentication_session_insecure=;") && c.contains("Max-Age=0")
    });
    assert!(cleared, "the session cookie is deleted");
    assert_eq!(location(&r), callback);
    assert!(!skips_login(&app, &b).await, "logged out");
    // The verifier is spent.
    assert_error_page(&app, &follow(&b, &to).await, "invalid_request");
}

/// Receives back-channel logout POSTs and hands their bodies to the test.
pub async fn backchannel_receiver() -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let router = axum::Router::new().route(
        "/bc",
        axum::routing::post(move |body: String| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(body);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/bc", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, rx)
}

async fn rp_initiated_logout_notifies_clients_on_the_front_and_back_channel(backend: Backend) {
    let app = app_or_skip!(backend);
    let (bc_url, mut received) = backchannel_receiver().await;
    create_client(
        &app,
        "app",
        json!({
            "post_logout_redirect_uris": [BYE],
            "frontchannel_logout_uri": "https://app.example/fc?x=1",
            "backchannel_logout_uri": bc_url,
        }),
    )
    .await;
    let b = browser();
    let sid = logged_in(&app, &b).await;
    let (kid, key) = id_token_key(&app).await;
    let iss = app.public_url("/");
    // An expired ID token is a fine hint.
    let hint = sign(
        &kid,
        &key,
        &json!({"iss": iss, "sub": "alice", "aud": ["app"], "iat": now() - 7200, "exp": now() - 3600, "sid": sid}),
    );
    let url = app.public_url(&format!("/oauth2/sessions/logout?id_token_hint={hint}&post_logout_redirect_uri={BYE}&state=bye-state"));
    let challenge = logout_challenge(&app, &follow(&b, &url).await);
    let a = admin(
        &app,
        Method::GET,
        &format!("/oauth2/auth/requests/logout?logout_challenge={challenge}"),
        None,
    )
    .await;
    assert_eq!(a.body["rp_initiated"], true);
    assert_eq!(a.body["sid"], sid.as_str());
    assert_eq!(a.body["subject"], "alice");
    assert!(a.body.get("client").is_none(), "not in Hydra 1.9.2");
    // Hydra v2 names the relying party, without its secret.
    let v2 = admin(
        &app,
        Method::GET,
        &format!("/admin/oauth2/auth/requests/logout?logout_challenge={challenge}"),
        None,
    )
    .await;
    assert_eq!(v2.body["client"]["client_id"], "app");
    assert!(v2.body["client"].get("client_secret").is_none());
    let to = admin(
        &app,
        Method::PUT,
        &format!("/oauth2/auth/requests/logout/accept?logout_challenge={challenge}"),
        None,
    )
    .await;
    let r = visit(&b, to.body["redirect_to"].as_str().unwrap()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let fc = format!(
        "src=\"https://app.example/fc?x=1&amp;iss={}&amp;sid={sid}\"",
        url::form_urlencoded::byte_serialize(iss.as_bytes()).collect::<String>()
    );
    assert!(html.contains(&fc), "{html}");
    assert!(html.contains(&format!("{BYE}?state=bye-state")), "{html}");

    let body = tokio::time::timeout(std::time::Duration::from_secs(10), received.recv())
        .await
        .expect("a back-channel logout")
        .unwrap();
    let token = url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "logout_token")
        .unwrap()
        .1
        .into_owned();
    let parts: Vec<&str> = token.split('.').collect();
    let header: Value = serde_json::from_slice(&unb64(parts[0])).unwrap();
    assert_eq!(header["kid"], kid.as_str());
    let sig = p256::ecdsa::Signature::from_slice(&unb64(parts[2])).unwrap();
    key.verifying_key()
        .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig)
        .expect("signed by the ID token key");
    let claims: Value = serde_json::from_slice(&unb64(parts[1])).unwrap();
    assert_eq!(claims["iss"], iss.as_str());
    assert_eq!(claims["aud"], json!(["app"]));
    assert_eq!(claims["sid"], sid.as_str());
    assert!(claims["events"]["http://schemas.openid.net/event/backchannel-logout"].is_object());
    assert!(claims.get("nonce").is_none());
    assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));
    assert!(!skips_login(&app, &b).await, "logged out");
}

async fn rp_initiated_logout_refuses_bad_hints_and_unregistered_redirects(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({"post_logout_redirect_uris": [BYE]})).await;
    let b = browser();
    let sid = logged_in(&app, &b).await;
    let (kid, key) = id_token_key(&app).await;
    let iss = app.public_url("/");
    let claims = json!({"iss": iss, "sub": "alice", "aud": "app", "iat": now() - 10, "sid": sid});
    let logout = |hint: String, extra: &str| {
        app.public_url(&format!(
            "/oauth2/sessions/logout?id_token_hint={hint}{extra}"
        ))
    };

    let good = sign(&kid, &key, &claims);
    let tampered = format!("{}x", &good[..good.len() - 1]);
    assert_error_page(
        &app,
        &follow(&b, &logout(tampered, "")).await,
        "invalid_request",
    );
    let mut other_issuer = claims.clone();
    other_issuer["iss"] = json!("https://evil.example/");
    assert_error_page(
        &app,
        &follow(&b, &logout(sign(&kid, &key, &other_issuer), "")).await,
        "invalid_request",
    );
    let mut unknown_client = claims.clone();
    unknown_client["aud"] = json!(["nobody"]);
    assert_error_page(
        &app,
        &follow(&b, &logout(sign(&kid, &key, &unknown_client), "")).await,
        "invalid_request",
    );
    let to = follow(
        &b,
        &logout(
            good.clone(),
            "&post_logout_redirect_uri=https://app.example/bye/",
        ),
    )
    .await;
    assert_error_page(&app, &to, "invalid_request");
    // None of this logged anyone out.
    assert!(skips_login(&app, &b).await);
    // A hint for a session that no longer exists goes straight to the redirect.
    let mut gone = claims.clone();
    gone["sid"] = json!("no-such-session");
    let to = follow(
        &b,
        &logout(
            sign(&kid, &key, &gone),
            &format!("&post_logout_redirect_uri={BYE}&state=s1234567"),
        ),
    )
    .await;
    assert_eq!(to, format!("{BYE}?state=s1234567"));
}

async fn a_rejected_logout_keeps_the_session(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    logged_in(&app, &b).await;
    let challenge = logout_challenge(
        &app,
        &follow(&b, &app.public_url("/oauth2/sessions/logout")).await,
    );
    let a = admin(
        &app,
        Method::PUT,
        &format!("/oauth2/auth/requests/logout/reject?logout_challenge={challenge}"),
        Some(json!({})),
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    let a = admin(
        &app,
        Method::PUT,
        &format!("/oauth2/auth/requests/logout/accept?logout_challenge={challenge}"),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(skips_login(&app, &b).await, "still logged in");
}

/// Hydra 1.9 ends the session an ID token hint names for whoever opens the logout link,
/// and creates a logout request (whose page shows the account) for them. Here another
/// browser holding someone's ID token only gets sent on to the post-logout URI: no
/// logout request, and the session lives on.
async fn an_id_token_hint_ends_only_the_session_of_the_browser_that_holds_it(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({"post_logout_redirect_uris": [BYE]})).await;
    let victim = browser();
    let sid = logged_in(&app, &victim).await;
    let (kid, key) = id_token_key(&app).await;
    let claims = json!({"iss": app.public_url("/"), "sub": "alice", "aud": "app", "iat": now() - 10, "sid": sid});
    let url = app.public_url(&format!(
        "/oauth2/sessions/logout?id_token_hint={}&post_logout_redirect_uri={BYE}&state=st-12345678",
        sign(&kid, &key, &claims)
    ));

    // Another browser (no cookie), and one with its own session: straight to the URI.
    let stranger = browser();
    assert_eq!(
        follow(&stranger, &url).await,
        format!("{BYE}?state=st-12345678")
    );
    let other = browser();
    logged_in(&app, &other).await;
    assert_eq!(
        follow(&other, &url).await,
        format!("{BYE}?state=st-12345678")
    );
    assert!(skips_login(&app, &victim).await, "the session lives on");
    assert!(
        skips_login(&app, &other).await,
        "the other browser's session too"
    );

    // The browser that holds the session gets the logout request as before.
    let challenge = logout_challenge(&app, &follow(&victim, &url).await);
    let a = admin(
        &app,
        Method::GET,
        &format!("/oauth2/auth/requests/logout?logout_challenge={challenge}"),
        None,
    )
    .await;
    assert_eq!(
        (a.body["subject"].as_str(), a.body["sid"].as_str()),
        (Some("alice"), Some(sid.as_str()))
    );
    // Accepted, but finished by a browser without the session: nothing ends.
    let to = admin(
        &app,
        Method::PUT,
        &format!("/oauth2/auth/requests/logout/accept?logout_challenge={challenge}"),
        None,
    )
    .await;
    let verifier_url = to.body["redirect_to"].as_str().unwrap();
    assert_eq!(
        follow(&stranger, verifier_url).await,
        format!("{BYE}?state=st-12345678")
    );
    assert!(skips_login(&app, &victim).await, "still signed in");
}
