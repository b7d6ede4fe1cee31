//! A provider whose discovery fails: the server starts anyway, the admin API says why,
//! the login page disables its button, pressing it anyway is a message, and once
//! discovery works again (an administrator's read retries at once) sign-in works.

use super::fake_support::*;
use super::fake_upstream::FakeUpstream;
use super::support::*;
use crate::flow_support::{admin, browser};
use crate::helpers::Backend;
use crate::on_both_backends;
use crate::ui_support::{page, post};
use reqwest::{Method, StatusCode};

on_both_backends!(
    a_provider_whose_discovery_fails_is_unavailable_until_it_works_again,
    a_provider_at_a_closed_port_does_not_stop_the_server,
);

async fn a_provider_whose_discovery_fails_is_unavailable_until_it_works_again(backend: Backend) {
    let fake = FakeUpstream::start(fake_config()).await;
    fake.set_discovery_broken(true);
    let def = fake_definition(&fake);
    let Some(down) = downstream(backend, vec![def], |_| {}).await else {
        return;
    };
    fake.add_redirect_uri(&callback_url(&down));
    let path = format!("/identity/providers/{PROVIDER}");

    let a = admin(&down, Method::GET, &path, None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["status"], "unavailable", "{:?}", a.body);
    let reason = a.body["status_reason"].as_str().unwrap();
    assert!(
        reason.contains("discovery") && reason.contains("503"),
        "{reason}"
    );
    // The summary still shows what is configured.
    assert_eq!(a.body["oidc"]["discovery_endpoint"], fake.discovery_url());
    assert_eq!(a.body["oidc"]["auth_endpoint"], "");

    // The login page: the button disabled, saying so.
    let b = browser();
    let login = open_login_page(&b, &down, &[]).await;
    assert!(
        login.html.contains("Corp SSO is unavailable right now"),
        "{}",
        login.html
    );
    assert!(
        login.html.contains("disabled>Corp SSO</button>"),
        "{}",
        login.html
    );
    assert!(!login.html.contains("name=\"upstream\""), "{}", login.html);

    // Pressed anyway (a stale page): the login page again with a message, not a 5xx.
    let challenge = login.field("login_challenge").unwrap();
    let csrf = login.field("csrf_token").unwrap();
    let r = post(
        &b,
        &down.public_url("/ui/login"),
        &[
            ("login_challenge", challenge.as_str()),
            ("csrf_token", csrf.as_str()),
            ("upstream", PROVIDER),
        ],
    )
    .await;
    let p = page(r).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.html);
    assert!(
        p.html
            .contains("This identity provider is unavailable right now."),
        "{}",
        p.html
    );
    assert_eq!(p.field("login_challenge"), Some(challenge.clone()));
    assert!(fake.authorize_requests().is_empty());

    // Discovery works again: an administrator's read retries at once.
    fake.set_discovery_broken(false);
    let a = admin(&down, Method::GET, &path, None).await;
    assert_eq!(a.body["status"], "ok", "{:?}", a.body);
    assert!(a.body.get("status_reason").is_none());
    assert_eq!(
        a.body["oidc"]["auth_endpoint"],
        fake.authorization_endpoint()
    );

    // The same login request can now go to the provider, and the sign-in completes.
    let again = page(
        get(
            &b,
            &down.public_url(&format!("/ui/login?login_challenge={challenge}")),
        )
        .await,
    )
    .await;
    assert!(again
        .html
        .contains(&format!("name=\"upstream\" value=\"{PROVIDER}\"")));
    let at = press_provider_button(&b, &down, &again, false).await;
    let back = at_fake(&b, &fake, &at).await;
    let done = finish_at_downstream(&b, &down, &back).await;
    assert!(done.starts_with(crate::flow_support::CB), "{done}");
    assert_eq!(users(&down).await.len(), 1);
}

async fn a_provider_at_a_closed_port_does_not_stop_the_server(backend: Backend) {
    // Nothing listens on port 1.
    let mut def = upstream_definition("http://127.0.0.1:1/realms/gone");
    def.timeout = portcullis::config::Ttl(std::time::Duration::from_secs(1));
    let Some(down) = downstream(backend, vec![def], |_| {}).await else {
        return;
    };
    let health = down
        .http
        .get(down.admin_url("/health/alive"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let a = admin(
        &down,
        Method::GET,
        &format!("/identity/providers/{PROVIDER}"),
        None,
    )
    .await;
    assert_eq!(a.body["status"], "unavailable", "{:?}", a.body);
    assert!(
        a.body["status_reason"]
            .as_str()
            .unwrap()
            .contains("reached"),
        "{:?}",
        a.body
    );
    // People can still sign in with a password.
    let b = browser();
    let login = open_login_page(&b, &down, &[]).await;
    assert!(login.html.contains("name=\"password\""));
    assert!(login.html.contains("Corp SSO is unavailable right now"));
}
