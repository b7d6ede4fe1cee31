//! What must never work: untrusted redirect URIs, reused or expired challenges and
//! verifiers, a missing CSRF cookie, a public client without PKCE.

use crate::flow_support::*;
use crate::helpers::Backend;
use crate::{app_or_skip, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    untrusted_clients_and_redirect_uris_are_never_redirected_to,
    errors_after_the_redirect_uri_is_verified_go_to_the_client,
    the_error_page_escapes_everything_it_shows,
    challenges_and_verifiers_work_once,
    expired_login_and_consent_requests_are_refused,
    a_verifier_without_the_browsers_csrf_cookie_is_refused,
    a_tampered_session_cookie_is_ignored,
    public_clients_must_use_pkce_when_enforced,
    unknown_and_missing_challenges_get_hydras_errors,
);

async fn untrusted_clients_and_redirect_uris_are_never_redirected_to(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(
        &app,
        "app",
        json!({"redirect_uris": [CB, "https://app.example/other"]}),
    )
    .await;
    let b = browser();
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let base = |redirect: &str| {
        app.public_url(&format!(
            "/oauth2/auth?client_id=app&response_type=code&scope=openid&state={STATE}&redirect_uri={}",
            enc(redirect)
        ))
    };
    for evil in [
        "https://evil.example/cb",
        "https://app.example/cb?x=1",
        "https://APP.example/cb",
        "https://app.example/CB",
        "https://app.example/cb/",
        "https://app.example/cb#frag",
        "https://app.example/cb/../other",
        "https://app.example.evil.example/cb",
        "http://app.example/cb",
    ] {
        let to = follow(&b, &base(evil)).await;
        assert_error_page(&app, &to, "invalid_request");
        assert!(!to.starts_with(evil), "{evil}");
    }
    // OpenID Connect requests must name the redirect URI.
    let to = follow(
        &b,
        &app.public_url(&format!(
            "/oauth2/auth?client_id=app&response_type=code&scope=openid&state={STATE}"
        )),
    )
    .await;
    assert_error_page(&app, &to, "invalid_request");
    // Unknown or missing client, duplicated parameters, bad response_mode.
    let to = follow(&b, &base(CB).replace("client_id=app", "client_id=nobody")).await;
    assert_error_page(&app, &to, "invalid_client");
    let to = follow(&b, &base(CB).replace("client_id=app&", "")).await;
    assert_error_page(&app, &to, "invalid_request");
    let to = follow(&b, &format!("{}&state=again", base(CB))).await;
    assert_error_page(&app, &to, "invalid_request");
    let to = follow(&b, &format!("{}&response_mode=evil", base(CB))).await;
    assert_error_page(&app, &to, "unsupported_response_mode");
    // The error page itself is served and says what went wrong.
    let page = visit(&b, &to).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("unsupported_response_mode"));
}

async fn errors_after_the_redirect_uri_is_verified_go_to_the_client(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let cases = [
        (
            auth_url(&app, "app", "").replace("photos.read", "admin"),
            "invalid_scope",
        ),
        (
            auth_url(&app, "app", "").replace(STATE, "short"),
            "invalid_state",
        ),
        (
            auth_url(&app, "app", "&audience=https://other.example"),
            "invalid_request",
        ),
        (
            auth_url(&app, "app", "&prompt=none+login"),
            "invalid_request",
        ),
        (auth_url(&app, "app", "&max_age=soon"), "invalid_request"),
        (
            auth_url(
                &app,
                "app",
                "&code_challenge=abc&code_challenge_method=S256",
            ),
            "invalid_request",
        ),
    ];
    for (url, error) in cases {
        let to = follow(&b, &url).await;
        assert!(to.starts_with(CB), "{url}: {to}");
        assert_eq!(param(&to, "error").as_deref(), Some(error), "{url}");
        assert_eq!(
            param(&to, "iss").as_deref(),
            Some(app.public_url("/").as_str())
        );
    }
    let to = follow(
        &b,
        &auth_url(&app, "app", "").replace("response_type=code", "response_type=bogus"),
    )
    .await;
    assert_eq!(
        param(&to, "error").as_deref(),
        Some("unsupported_response_type")
    );
}

async fn the_error_page_escapes_everything_it_shows(backend: Backend) {
    let app = app_or_skip!(backend);
    let b = browser();
    let r = visit(
        &b,
        &app.public_url("/oauth2/fallbacks/error?error=%3Cscript%3Ealert(1)%3C/script%3E&error_description=%22%27%3E%3Cimg%20src=x%3E"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    let html = r.text().await.unwrap();
    assert!(
        !html.contains("<script>") && !html.contains("<img"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&quot;&#39;&gt;&lt;img src=x&gt;"));
    for page in ["login", "consent", "logout"] {
        let r = visit(
            &b,
            &app.public_url(&format!(
                "/oauth2/fallbacks/{page}?{page}_challenge=%3Cb%3E"
            )),
        )
        .await;
        let html = r.text().await.unwrap();
        assert!(html.contains("not configured"), "{page}");
        assert!(!html.contains("<b>"));
    }
}

async fn challenges_and_verifiers_work_once(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    // A handled login request can be neither read nor decided again.
    assert_eq!(
        login_request(&app, &login).await.status,
        StatusCode::CONFLICT
    );
    let again = admin(
        &app,
        Method::PUT,
        &format!("/oauth2/auth/requests/login/reject?login_challenge={login}"),
        Some(json!({})),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    let consent = to_consent(&app, &b, &to).await;
    // The login verifier is spent.
    assert_client_error(&app, &follow(&b, &to).await, "access_denied");
    let to = decide(&app, "consent", "accept", &consent, accept_all()).await;
    assert_eq!(
        consent_request(&app, &consent).await.status,
        StatusCode::CONFLICT
    );
    let again = admin(
        &app,
        Method::PUT,
        &format!("/oauth2/auth/requests/consent/accept?consent_challenge={consent}"),
        Some(accept_all()),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_code(&app, &follow(&b, &to).await);
    assert_client_error(&app, &follow(&b, &to).await, "access_denied");
    // A verifier of one kind is not accepted as another.
    let swapped = to.replace("consent_verifier=ptc_cv_", "login_verifier=ptc_lv_");
    assert_client_error(&app, &follow(&b, &swapped).await, "access_denied");
}

async fn expired_login_and_consent_requests_are_refused(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    sql(
        &app,
        "UPDATE flow_login_requests SET requested_at = requested_at - 3601",
    )
    .await;
    assert_client_error(&app, &follow(&b, &to).await, "request_unauthorized");

    // A challenge that expired before the login app accepted it leads nowhere either.
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    sql(
        &app,
        "UPDATE flow_login_requests SET requested_at = requested_at - 3601",
    )
    .await;
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    assert_client_error(&app, &follow(&b, &to).await, "request_unauthorized");

    // The consent request inherits the login's start: the TTL covers the whole flow.
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(&app, &b, &to).await;
    let to = decide(&app, "consent", "accept", &consent, accept_all()).await;
    sql(
        &app,
        "UPDATE flow_consent_requests SET requested_at = requested_at - 3601",
    )
    .await;
    assert_client_error(&app, &follow(&b, &to).await, "request_unauthorized");
}

async fn a_verifier_without_the_browsers_csrf_cookie_is_refused(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let victim = browser();
    let attacker = browser();
    let login = start(&app, &attacker, &auth_url(&app, "app", "")).await;
    let to = decide(
        &app,
        "login",
        "accept",
        &login,
        json!({"subject": "attacker"}),
    )
    .await;
    // The attacker's link, opened in the victim's browser.
    assert_client_error(&app, &follow(&victim, &to).await, "request_forbidden");

    let login = start(&app, &victim, &auth_url(&app, "app", "")).await;
    let to = decide(&app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(&app, &victim, &to).await;
    let to = decide(&app, "consent", "accept", &consent, accept_all()).await;
    assert_client_error(&app, &follow(&attacker, &to).await, "request_forbidden");
}

async fn a_tampered_session_cookie_is_ignored(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let sid = login_request(&app, &login).await.body["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let to = decide(
        &app,
        "login",
        "accept",
        &login,
        json!({"subject": "alice", "remember": true, "remember_for": 3600}),
    )
    .await;
    let r = visit(&b, &to).await;
    let set = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>();
    let session = set
        .iter()
        .find(|c| c.starts_with("oauth2_authentication_session_insecure="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly")
            && session.contains("Max-Age=3600")
            && session.contains("SameSite=Lax")
    );
    // A forged cookie naming the session is worth nothing without the MAC.
    let forged = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = forged
        .get(auth_url(&app, "app", ""))
        .header(
            "cookie",
            format!("oauth2_authentication_session_insecure={sid}~0.AAAA"),
        )
        .send()
        .await
        .unwrap();
    let challenge = param(&location(&r), "login_challenge").unwrap();
    assert_eq!(login_request(&app, &challenge).await.body["skip"], false);
}

async fn public_clients_must_use_pkce_when_enforced(backend: Backend) {
    let app = app_or_skip!(backend, |s| s.oauth2.pkce.enforced_for_public_clients =
        Some(true));
    create_client(
        &app,
        "spa",
        json!({"token_endpoint_auth_method": "none", "client_secret": null}),
    )
    .await;
    create_client(&app, "web", json!({})).await;
    let b = browser();
    let to = follow(&b, &auth_url(&app, "spa", "")).await;
    assert_client_error(&app, &to, "invalid_request");
    assert!(param(&to, "error_description")
        .unwrap()
        .contains("code_challenge"));
    // plain is refused unless configured.
    let plain = format!(
        "&code_challenge={}&code_challenge_method=plain",
        "a".repeat(43)
    );
    assert_client_error(
        &app,
        &follow(&b, &auth_url(&app, "spa", &plain)).await,
        "invalid_request",
    );
    // With S256 the flow completes and the code remembers the challenge.
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let url = auth_url(
        &app,
        "spa",
        &format!("&code_challenge={challenge}&code_challenge_method=S256"),
    );
    assert_code(&app, &full_flow(&app, &b, &url, "alice", false).await);
    // Confidential clients are not forced.
    assert_code(
        &app,
        &full_flow(&app, &b, &auth_url(&app, "web", ""), "alice", false).await,
    );
}

async fn unknown_and_missing_challenges_get_hydras_errors(backend: Backend) {
    let app = app_or_skip!(backend);
    for kind in ["login", "consent", "logout"] {
        let a = admin(
            &app,
            Method::GET,
            &format!("/oauth2/auth/requests/{kind}?{kind}_challenge=nope"),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{kind}");
        assert_eq!(a.body["error"], "Not Found");
        let a = admin(
            &app,
            Method::GET,
            &format!("/oauth2/auth/requests/{kind}"),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{kind}");
        assert_eq!(a.body["error"], "invalid_request");
        let body = if kind == "login" {
            json!({"subject": "a"})
        } else {
            json!({})
        };
        let path = format!("/admin/oauth2/auth/requests/{kind}/accept?challenge=ptc_lc_x.y");
        let a = admin(&app, Method::PUT, &path, Some(body)).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{kind}");
    }
}
