//! The built-in pages' edges: CSRF, HTML escaping, unknown and answered challenges,
//! the error page, and the switch that turns the pages off or lets configured apps win.

use crate::flow_support::{browser, location};
use crate::helpers::Backend;
use crate::ui_support::*;
use crate::{app_or_skip, on_both_backends};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    forms_without_the_right_csrf_token_are_refused,
    client_metadata_and_hints_are_html_escaped,
    missing_or_unknown_challenges_show_an_error_page,
    answered_requests_and_oversized_forms_get_their_own_pages,
    the_error_page_shows_the_flow_error_escaped,
    turned_off_the_pages_are_gone_and_the_fallbacks_are_back,
    configured_login_and_consent_apps_win_over_the_pages,
);

async fn forms_without_the_right_csrf_token_are_refused(backend: Backend) {
    let app = app_or_skip!(backend);
    create_user(&app, "alice@example.com", json!({})).await;
    create_web_client(&app, "gallery", json!({})).await;
    let b = browser();
    let url = auth_url(&app, "gallery", "openid");
    let login = open_login(&app, &b, &url).await;
    let challenge = login.field("login_challenge").unwrap();
    let token = login.field("csrf_token").unwrap();
    let other = open_login(&app, &b, &url).await;
    let other_token = other.field("csrf_token").unwrap();
    assert_ne!(token, other_token, "tokens are per challenge");

    let attempt = |browser: reqwest::Client, csrf: Option<String>| {
        let app_url = app.public_url("/ui/login");
        let challenge = challenge.clone();
        async move {
            let mut form = vec![
                ("login_challenge", challenge),
                ("email", "alice@example.com".to_string()),
                ("password", PASSWORD.to_string()),
            ];
            if let Some(c) = csrf {
                form.push(("csrf_token", c));
            }
            browser.post(app_url).form(&form).send().await.unwrap()
        }
    };
    for (why, r) in [
        ("missing", attempt(b.clone(), None).await),
        ("wrong", attempt(b.clone(), Some("forged".into())).await),
        (
            "another challenge's",
            attempt(b.clone(), Some(other_token)).await,
        ),
        ("no cookie", attempt(browser(), Some(token.clone())).await),
    ] {
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{why}");
        let p = page(r).await;
        assert!(p.html.contains("This form has expired"), "{why}");
    }
    // The refused attempts changed nothing: the right token still logs in.
    let r = attempt(b.clone(), Some(token)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Consent and logout forms are protected the same way.
    let r = post(
        &b,
        &app.public_url("/ui/consent"),
        &[("consent_challenge", "x"), ("action", "allow")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post(
        &b,
        &app.public_url("/ui/logout"),
        &[
            ("logout_challenge", "x"),
            ("csrf_token", "y"),
            ("action", "logout"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

async fn client_metadata_and_hints_are_html_escaped(backend: Backend) {
    let app = app_or_skip!(backend);
    create_user(&app, "alice@example.com", json!({"name": "<i>Alice</i>"})).await;
    create_web_client(
        &app,
        "evil",
        json!({
            "client_name": "<script>alert(1)</script>",
            "logo_uri": "https://cdn.example/logo.png?a=\"><script>alert(2)</script>",
            "policy_uri": "javascript:alert(3)",
            "scope": "openid <b>bold</b>",
        }),
    )
    .await;
    let b = browser();
    let url = format!(
        "{}&login_hint=%22%3E%3Cscript%3Ealert(4)%3C%2Fscript%3E",
        auth_url(&app, "evil", "openid <b>bold</b>")
    );
    let login = open_login(&app, &b, &url).await;
    assert!(login.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(login.html.contains("&quot;&gt;&lt;script&gt;alert(2)"));
    assert!(login
        .html
        .contains("value=\"&quot;&gt;&lt;script&gt;alert(4)"));
    assert!(!login.html.contains("<script"), "{}", login.html);

    let r = submit_login(&app, &b, &login, "alice@example.com", PASSWORD, false).await;
    let consent = to_consent_page(&app, &b, r).await;
    assert!(consent.html.contains("&lt;b&gt;bold&lt;/b&gt;"));
    assert!(!consent.html.contains("<script") && !consent.html.contains("<b>"));
    assert!(
        !consent.html.contains("javascript:"),
        "unsafe links are left out"
    );
}

async fn missing_or_unknown_challenges_show_an_error_page(backend: Backend) {
    let app = app_or_skip!(backend);
    let b = browser();
    for (path, status) in [
        ("/ui/login", 400),
        ("/ui/login?login_challenge=ptc_lc_unknown", 404),
        ("/ui/login?login_challenge=%3Cscript%3E", 404),
        ("/ui/consent", 400),
        ("/ui/consent?consent_challenge=unknown", 404),
        ("/ui/logout?logout_challenge=unknown", 404),
    ] {
        let p = get_page(&b, &app.public_url(path)).await;
        assert_eq!(p.status.as_u16(), status, "{path}");
        assert!(p.header("content-type").starts_with("text/html"), "{path}");
        assert!(!p.html.contains("<script"), "{path}");
    }
    // A form body that is not a form is a page too, not a JSON error.
    let r = b
        .post(app.public_url("/ui/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("login_challenge=a&login_challenge=b")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(page(r).await.html.contains("<h1>"));
}

async fn the_error_page_shows_the_flow_error_escaped(backend: Backend) {
    let app = app_or_skip!(backend);
    let p = get_page(
        &browser(),
        &app.public_url(
            "/ui/error?error=%3Cscript%3Ex%3C%2Fscript%3E&error_description=The+client+%22x%22+is+unknown",
        ),
    )
    .await;
    assert_eq!(p.status, 200);
    assert!(p.html.contains("The client &quot;x&quot; is unknown"));
    assert!(p.html.contains("&lt;script&gt;x&lt;/script&gt;"));
    assert!(!p.html.contains("<script"));
}

async fn turned_off_the_pages_are_gone_and_the_fallbacks_are_back(backend: Backend) {
    let app = app_or_skip!(backend, |s| s.identity.ui.enabled = false);
    create_web_client(&app, "gallery", json!({})).await;
    let b = browser();
    let to = location(
        &b.get(auth_url(&app, "gallery", "openid"))
            .send()
            .await
            .unwrap(),
    );
    assert!(
        to.starts_with(&app.public_url("/oauth2/fallbacks/login?")),
        "{to}"
    );
    let r = b
        .get(app.public_url("/ui/login?login_challenge=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn configured_login_and_consent_apps_win_over_the_pages(backend: Backend) {
    let app = app_or_skip!(backend, |s| {
        s.urls.login = Some("https://login.example/sign-in?tenant=a".into())
    });
    create_web_client(&app, "gallery", json!({})).await;
    let b = browser();
    let to = location(
        &b.get(auth_url(&app, "gallery", "openid"))
            .send()
            .await
            .unwrap(),
    );
    assert!(
        to.starts_with("https://login.example/sign-in?tenant=a&login_challenge="),
        "{to}"
    );
    // The pages stay available (e.g. for the consent step) while login is external.
    let p = get_page(&b, &app.public_url("/ui/consent?consent_challenge=nope")).await;
    assert_eq!(p.status, 404);
}

async fn answered_requests_and_oversized_forms_get_their_own_pages(backend: Backend) {
    let app = app_or_skip!(backend, |s| s.serve.request_body_limit = 4096);
    create_user(&app, "alice@example.com", json!({})).await;
    create_web_client(&app, "gallery", json!({})).await;
    let b = browser();
    let login = open_login(&app, &b, &auth_url(&app, "gallery", "openid")).await;
    let r = submit_login(&app, &b, &login, "alice@example.com", PASSWORD, false).await;
    let consent = to_consent_page(&app, &b, r).await;

    // The same login form sent twice (a double click, the back button): 409.
    let again =
        page(submit_login(&app, &b, &login, "alice@example.com", PASSWORD, false).await).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.html.contains("already completed"));
    let challenge = login.field("login_challenge").unwrap();
    let p = get_page(
        &b,
        &app.public_url(&format!("/ui/login?login_challenge={challenge}")),
    )
    .await;
    assert_eq!(p.status, StatusCode::CONFLICT);

    // A consent answered once cannot be answered again.
    submit_consent(&app, &b, &consent, "allow", false).await;
    let challenge = consent.field("consent_challenge").unwrap();
    let p = get_page(
        &b,
        &app.public_url(&format!("/ui/consent?consent_challenge={challenge}")),
    )
    .await;
    assert_eq!(p.status, StatusCode::CONFLICT);

    // A form over the body limit is a page too.
    let big = "x".repeat(8192);
    let r = post(&b, &app.public_url("/ui/login"), &[("email", big.as_str())]).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page(r).await.html.contains("too large"));
}
