//! The built-in logout page: it asks first; "stay" keeps the session, "sign out" ends
//! it through the flow.

use crate::flow_support::{browser, location, param};
use crate::helpers::{Backend, TestApp};
use crate::ui_support::*;
use crate::{app_or_skip, on_both_backends};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(the_logout_page_signs_out_only_after_confirmation);

async fn the_logout_page_signs_out_only_after_confirmation(backend: Backend) {
    let app = app_or_skip!(backend);
    create_user(&app, "alice@example.com", json!({})).await;
    create_web_client(&app, "gallery", json!({})).await;
    let b = browser();
    let url = auth_url(&app, "gallery", "openid");
    let login = open_login(&app, &b, &url).await;
    let r = submit_login(&app, &b, &login, "alice@example.com", PASSWORD, true).await;
    let consent = to_consent_page(&app, &b, r).await;
    code_of(&submit_consent(&app, &b, &consent, "allow", false).await);

    // "Stay signed in": the session is kept.
    let r = submit_logout(&app, &b, open_logout(&app, &b).await, "stay").await;
    assert_eq!(r.status(), 200);
    assert!(page(r).await.html.contains("still signed in"));
    let to = follow_all(&app, &b, &url).await;
    assert!(
        to.starts_with(&app.public_url("/ui/consent?")),
        "login skipped: {to}"
    );

    // The same logout link opened in another browser names no one.
    let mine = open_logout(&app, &b).await;
    let link = app.public_url(&format!(
        "/ui/logout?logout_challenge={}",
        mine.field("logout_challenge").unwrap()
    ));
    let elsewhere = get_page(&browser(), &link).await;
    assert_eq!(elsewhere.status, 200);
    assert!(
        !elsewhere.html.contains("alice@example.com"),
        "{}",
        elsewhere.html
    );

    // "Sign out": the flow ends the session; the next flow asks for a password again.
    let r = submit_logout(&app, &b, mine, "logout").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = r.headers()["location"].to_str().unwrap().to_string();
    assert!(param(&back, "logout_verifier").is_some(), "{back}");
    let done = follow_all(&app, &b, &back).await;
    assert!(done.contains("/oauth2/fallbacks/logout/callback"), "{done}");
    open_login(&app, &b, &url).await;
}

async fn open_logout(app: &TestApp, b: &reqwest::Client) -> Page {
    let r = b
        .get(app.public_url("/oauth2/sessions/logout"))
        .send()
        .await
        .unwrap();
    let to = location(&r);
    assert!(to.starts_with(&app.public_url("/ui/logout?")), "{to}");
    let p = get_page(b, &to).await;
    assert_eq!(p.status, 200);
    assert!(p.html.contains("alice@example.com"));
    p
}

async fn submit_logout(
    app: &TestApp,
    b: &reqwest::Client,
    p: Page,
    action: &str,
) -> reqwest::Response {
    let form = [
        ("logout_challenge", p.field("logout_challenge").unwrap()),
        ("csrf_token", p.field("csrf_token").unwrap()),
        ("action", action.to_string()),
    ];
    b.post(app.public_url("/ui/logout"))
        .form(&form)
        .send()
        .await
        .unwrap()
}
