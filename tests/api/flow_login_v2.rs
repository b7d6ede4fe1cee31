//! Hydra v2's additions to a login accept: `extend_session_lifespan` and
//! `identity_provider_session_id`.

use crate::flow_support::*;
use crate::helpers::{Backend, TestApp};
use crate::{app_or_skip, on_both_backends};
use serde_json::{json, Value};

on_both_backends!(
    extend_session_lifespan_reissues_the_session_cookie_of_a_skipped_login,
    identity_provider_session_id_is_accepted_and_kept,
);

/// The `Max-Age` of the authentication session cookie set by `r`, if it sets one.
fn session_cookie_max_age(r: &reqwest::Response) -> Option<String> {
    r.headers().get_all("set-cookie").iter().find_map(|c| {
        let c = c.to_str().unwrap();
        if !c.starts_with("oauth2_authentication_session") || c.contains("Max-Age=0") {
            return None;
        }
        Some(
            c.split(';')
                .map(str::trim)
                .find_map(|p| p.strip_prefix("Max-Age="))
                .unwrap_or("none")
                .to_string(),
        )
    })
}

/// A second flow in a remembered browser: the login is skipped; `accept` is the body
/// the login app answers with. Returns what the browser's return sets.
async fn skipped_login(app: &TestApp, b: &reqwest::Client, accept: Value) -> Option<String> {
    let login = start(app, b, &auth_url(app, "app", "")).await;
    assert_eq!(login_request(app, &login).await.body["skip"], true);
    let to = decide(app, "login", "accept", &login, accept).await;
    let r = visit(b, &to).await;
    assert_ui(app, &location(&r), "consent");
    session_cookie_max_age(&r)
}

async fn extend_session_lifespan_reissues_the_session_cookie_of_a_skipped_login(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    full_flow(&app, &b, &auth_url(&app, "app", ""), "alice", true).await;

    // Without the flag a skipped login leaves the cookie as it is (Hydra 1.9.2 too).
    let plain = json!({"subject": "alice", "remember_for": 7200});
    assert_eq!(skipped_login(&app, &b, plain).await, None);
    let extend = json!({"subject": "alice", "remember_for": 7200, "extend_session_lifespan": true});
    assert_eq!(
        skipped_login(&app, &b, extend).await.as_deref(),
        Some("7200")
    );
    // The extended session is the same session: the next login is still skipped.
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    assert_eq!(login_request(&app, &login).await.body["skip"], true);

    // On a fresh login there is no session to extend: remember decides, as before.
    let b = browser();
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let body = json!({"subject": "bob", "extend_session_lifespan": true});
    let to = decide(&app, "login", "accept", &login, body).await;
    let r = visit(&b, &to).await;
    assert_eq!(session_cookie_max_age(&r), None, "not remembered");
}

async fn identity_provider_session_id_is_accepted_and_kept(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    for prefix in ["", "/admin"] {
        let login = start(&app, &b, &auth_url(&app, "app", "")).await;
        let a = admin(
            &app,
            reqwest::Method::PUT,
            &format!("{prefix}/oauth2/auth/requests/login/accept?login_challenge={login}"),
            Some(json!({"subject": "alice", "identity_provider_session_id": "kratos-1"})),
        )
        .await;
        assert_eq!(a.status, reqwest::StatusCode::OK, "{:?}", a.body);
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM flow_login_requests WHERE identity_provider_session_id = 'kratos-1'"
        )
        .await,
        2
    );
}
