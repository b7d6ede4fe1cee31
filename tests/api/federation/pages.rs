//! The login page and routes around upstream sign-in: buttons only, a client's
//! `idp_hint`, a headless login app, an unknown provider, and the sign-in counter.

use super::fake_support::*;
use super::fake_upstream::Fault;
use super::support::*;
use crate::flow_support::{admin, browser, decide, follow, location, param, CB};
use crate::helpers::Backend;
use crate::on_both_backends;
use crate::ui_support::{get_page, page, post};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    without_password_login_the_page_has_only_the_provider_buttons,
    a_client_idp_hint_skips_the_login_page,
    a_headless_login_app_starts_the_sign_in_and_it_completes,
    an_unknown_provider_is_a_not_found_page,
    sign_ins_are_counted_by_provider_and_result,
    keep_me_signed_in_applies_to_a_provider_sign_in,
);

async fn without_password_login_the_page_has_only_the_provider_buttons(backend: Backend) {
    let Some((fake, down)) = with_fake(
        backend,
        fake_config(),
        |_| {},
        |s| s.identity.ui.password_login = false,
    )
    .await
    else {
        return;
    };
    crate::ui_support::create_user(&down, "bob@example.com", json!({})).await;
    let b = browser();
    let login = open_login_page(&b, &down, &[]).await;
    assert!(!login.html.contains("name=\"email\""), "{}", login.html);
    assert!(!login.html.contains("name=\"password\""), "{}", login.html);
    assert!(login
        .html
        .contains(&format!("name=\"upstream\" value=\"{PROVIDER}\"")));

    // A password sent anyway is refused.
    let challenge = login.field("login_challenge").unwrap();
    let csrf = login.field("csrf_token").unwrap();
    let r = post(
        &b,
        &down.public_url("/ui/login"),
        &[
            ("login_challenge", challenge.as_str()),
            ("csrf_token", csrf.as_str()),
            ("email", "bob@example.com"),
            ("password", crate::ui_support::PASSWORD),
            ("action", "login"),
        ],
    )
    .await;
    let p = page(r).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(p.html.contains("password is turned off"), "{}", p.html);

    // The button works.
    let at = press_provider_button(&b, &down, &login, false).await;
    let back = at_fake(&b, &fake, &at).await;
    let done = finish_at_downstream(&b, &down, &back).await;
    assert!(done.starts_with(CB), "{done}");
}

async fn a_client_idp_hint_skips_the_login_page(backend: Backend) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    for hint in ["idp_hint", "kc_idp_hint"] {
        let b = browser();
        let to = location(
            &b.get(authorize_url(&down, &[(hint, PROVIDER)]))
                .send()
                .await
                .unwrap(),
        );
        assert!(to.starts_with(&down.public_url("/ui/login?")), "{to}");
        // The login page itself sends the browser on to the provider.
        let at = location_any(&get(&b, &to).await);
        assert!(
            at.starts_with(&fake.authorization_endpoint()),
            "{hint}: {at}"
        );
        let back = at_fake(&b, &fake, &at).await;
        let done = finish_at_downstream(&b, &down, &back).await;
        assert!(done.starts_with(CB), "{done}");
    }
    assert_eq!(fake.authorize_requests().len(), 2);
    assert_eq!(users(&down).await.len(), 1);

    // Cancelled at the provider: the page with the notice, not the provider again.
    let b = browser();
    let to = location(
        &b.get(authorize_url(&down, &[("idp_hint", PROVIDER)]))
            .send()
            .await
            .unwrap(),
    );
    let at = location_any(&get(&b, &to).await);
    fake.set_authorize_fault(super::fake_upstream::AuthorizeFault::access_denied());
    let back = at_fake(&b, &fake, &at).await;
    let notice = location_any(&get(&b, &back).await);
    assert!(notice.contains("upstream_notice=cancelled"), "{notice}");
    let p = get_page(&b, &notice).await;
    assert_eq!(p.status, StatusCode::OK, "the hint must not loop");
    assert!(p.html.contains("was cancelled"));
    assert_eq!(fake.authorize_requests().len(), 3);

    // A hint naming no provider shows the page.
    let b = browser();
    let to = location(
        &b.get(authorize_url(&down, &[("idp_hint", "nope")]))
            .send()
            .await
            .unwrap(),
    );
    let p = get_page(&b, &to).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.html.contains("name=\"password\""));
}

async fn a_headless_login_app_starts_the_sign_in_and_it_completes(backend: Backend) {
    let app = "https://login.example";
    let Some((fake, down)) = with_fake(
        backend,
        fake_config(),
        |_| {},
        |s| {
            s.identity.ui.enabled = false;
            s.urls.login = Some(format!("{app}/login"));
            s.urls.consent = Some(format!("{app}/consent"));
        },
    )
    .await
    else {
        return;
    };
    let b = browser();
    let to = location(&b.get(authorize_url(&down, &[])).send().await.unwrap());
    assert!(to.starts_with(&format!("{app}/login?")), "{to}");
    let challenge = param(&to, "login_challenge").unwrap();
    // The built-in login page is not served.
    let r = get(
        &b,
        &down.public_url(&format!("/ui/login?login_challenge={challenge}")),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The login app sends the browser to the provider's start.
    let start = down.public_url(&format!(
        "/ui/login/upstream/{PROVIDER}?login_challenge={challenge}&remember=1"
    ));
    let at = location_any(&get(&b, &start).await);
    let back = at_fake(&b, &fake, &at).await;
    let r = get(&b, &back).await;
    let to = follow_on(&b, &down, &location_any(&r)).await;
    assert!(to.starts_with(&format!("{app}/consent?")), "{to}");

    // Portcullis accepted the login request itself, for the new user.
    let consent = param(&to, "consent_challenge").unwrap();
    let req = admin(
        &down,
        Method::GET,
        &format!("/oauth2/auth/requests/consent?consent_challenge={consent}"),
        None,
    )
    .await;
    let listed = users(&down).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(req.body["subject"], listed[0]["id"]);
    assert_eq!(req.body["context"]["identity_provider"], PROVIDER);
    let to = decide(
        &down,
        "consent",
        "accept",
        &consent,
        json!({"grant_scope": ["openid", "email"]}),
    )
    .await;
    let done = follow(&b, &to).await;
    assert!(
        done.starts_with(CB) && param(&done, "code").is_some(),
        "{done}"
    );
}

async fn an_unknown_provider_is_a_not_found_page(backend: Backend) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    let b = browser();
    let login = open_login_page(&b, &down, &[]).await;
    let challenge = login.field("login_challenge").unwrap();
    let r = get(
        &b,
        &down.public_url(&format!(
            "/ui/login/upstream/nope?login_challenge={challenge}"
        )),
    )
    .await;
    let p = page(r).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(
        p.html.contains("This sign-in option does not exist"),
        "{}",
        p.html
    );
    // The same through the login form.
    let csrf = login.field("csrf_token").unwrap();
    let r = post(
        &b,
        &down.public_url("/ui/login"),
        &[
            ("login_challenge", challenge.as_str()),
            ("csrf_token", csrf.as_str()),
            ("upstream", "nope"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A start without a login challenge.
    let r = get(
        &b,
        &down.public_url(&format!("/ui/login/upstream/{PROVIDER}")),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(fake.authorize_requests().is_empty());
}

async fn sign_ins_are_counted_by_provider_and_result(backend: Backend) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    // One that works, one the provider spoils, and one answer replayed.
    let (b, _) = sign_in_fake(&down, &fake).await;
    fake.set_fault(Fault::Status500);
    assert_sign_in_fails(&down, &fake).await;
    fake.set_fault(Fault::None);
    let back = callback_from_fake(&b, &down, &fake).await;
    assert_eq!(get(&b, &back).await.status(), StatusCode::FOUND);
    assert_error_page(get(&b, &back).await, CANNOT).await;
    // A callback for a provider that does not exist is counted apart.
    assert_error_page(
        get(
            &b,
            &down.public_url("/ui/login/upstream/nope/callback?state=x&code=y"),
        )
        .await,
        CANNOT,
    )
    .await;

    let m = metrics(&down).await;
    for line in [
        sign_ins("ok", 2),
        sign_ins("failed", 1),
        sign_ins("bad_state", 1),
        "upstream_sign_ins_total{provider=\"unknown\",result=\"bad_state\"} 1".to_string(),
    ] {
        assert!(m.contains(&line), "{line} in\n{m}");
    }
}

async fn keep_me_signed_in_applies_to_a_provider_sign_in(backend: Backend) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    let b = browser();
    let login = open_login_page(&b, &down, &[]).await;
    let at = press_provider_button(&b, &down, &login, true).await;
    let back = at_fake(&b, &fake, &at).await;
    let done = finish_at_downstream(&b, &down, &back).await;
    let first = id_token_claims(&down, &done).await;

    // The next authorization request in this browser needs neither a page (the login
    // is remembered, and so was the consent) nor the provider.
    let mut done = follow_on(&b, &down, &authorize_url(&down, &[])).await;
    for _ in 0..2 {
        if !done.starts_with(&down.public_url("/ui/")) {
            break;
        }
        let r = get(&b, &done).await;
        done = follow_on(&b, &down, &location_any(&r)).await;
    }
    assert!(done.starts_with(CB), "{done}");
    assert_eq!(id_token_claims(&down, &done).await["sub"], first["sub"]);
    assert_eq!(fake.authorize_requests().len(), 1);
}
