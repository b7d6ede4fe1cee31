//! The redirect back from the provider: a state used once, by the browser that started
//! the sign-in, for this provider; RFC 9207 `iss`; and the provider's own errors
//! (`access_denied` back to the login page, `login_required` to the client).

use super::fake_support::*;
use super::fake_upstream::{AuthorizeFault, FakeUpstreamConfig};
use super::support::*;
use crate::flow_support::{browser, param, CB};
use crate::helpers::Backend;
use crate::on_both_backends;
use crate::ui_support::{create_user, get_page, submit_consent, submit_login, to_consent_page};
use crate::ui_support::{Page, PASSWORD};
use serde_json::json;

on_both_backends!(
    the_same_callback_twice_signs_in_once_and_the_second_is_refused,
    a_callback_opened_in_another_browser_is_refused,
    a_wrong_iss_in_the_authorization_response_is_refused,
    a_missing_iss_is_refused_only_when_the_provider_advertises_it,
    a_cancelled_sign_in_returns_to_the_login_page_which_still_works,
    login_required_from_the_provider_rejects_the_login_request,
);

async fn the_same_callback_twice_signs_in_once_and_the_second_is_refused(backend: Backend) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    let b = browser();
    let back = callback_from_fake(&b, &down, &fake).await;
    let done = finish_at_downstream(&b, &down, &back).await;
    assert!(done.starts_with(CB), "{done}");

    // The same answer again, in the same browser: the state is gone.
    assert_error_page(get(&b, &back).await, CANNOT).await;
    let listed = users(&down).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["identities"].as_array().map(Vec::len), Some(1));
    // The code was exchanged once only.
    assert_eq!(fake.token_requests().len(), 1);
    assert!(metrics(&down).await.contains(&sign_ins("bad_state", 1)));
}

async fn a_callback_opened_in_another_browser_is_refused(backend: Backend) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    let victim = browser();
    let back = callback_from_fake(&victim, &down, &fake).await;

    // A browser that never started a sign-in.
    let fresh = browser();
    assert_error_page(get(&fresh, &back).await, CANNOT).await;

    // A browser with a sign-in (and its cookie) of its own.
    let victim2 = browser();
    let back2 = callback_from_fake(&victim2, &down, &fake).await;
    let other = browser();
    callback_from_fake(&other, &down, &fake).await;
    assert_error_page(get(&other, &back2).await, CANNOT).await;

    assert!(users(&down).await.is_empty());
    // Refused before the code was used.
    assert!(fake.token_requests().is_empty());
}

async fn a_wrong_iss_in_the_authorization_response_is_refused(backend: Backend) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    let b = browser();
    let at = to_provider(&b, &down, &[]).await;
    fake.set_authorize_fault(AuthorizeFault::WrongIss);
    let back = at_fake(&b, &fake, &at).await;
    assert!(back.contains("iss=https%3A%2F%2Fwrong-issuer"), "{back}");
    assert_error_page(get(&b, &back).await, CANNOT).await;
    assert!(users(&down).await.is_empty());
    assert!(fake.token_requests().is_empty());
}

async fn a_missing_iss_is_refused_only_when_the_provider_advertises_it(backend: Backend) {
    // The provider advertises `authorization_response_iss_parameter_supported`.
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    let b = browser();
    let at = to_provider(&b, &down, &[]).await;
    fake.set_authorize_fault(AuthorizeFault::OmitIss);
    let back = at_fake(&b, &fake, &at).await;
    assert!(param(&back, "iss").is_none(), "{back}");
    assert_error_page(get(&b, &back).await, CANNOT).await;
    assert!(users(&down).await.is_empty());
    assert!(fake.token_requests().is_empty());

    // A provider that does not advertise it is not asked for it.
    let cfg = FakeUpstreamConfig {
        iss_parameter_supported: false,
        ..fake_config()
    };
    let Some((fake, down)) = with_fake(backend, cfg, |_| {}, |_| {}).await else {
        return;
    };
    let b = browser();
    let back = callback_from_fake(&b, &down, &fake).await;
    assert!(param(&back, "iss").is_none(), "{back}");
    let done = finish_at_downstream(&b, &down, &back).await;
    assert!(done.starts_with(CB), "{done}");
}

async fn a_cancelled_sign_in_returns_to_the_login_page_which_still_works(backend: Backend) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    create_user(&down, "bob@example.com", json!({})).await;
    let b = browser();
    let page = open_login_page(&b, &down, &[]).await;
    let challenge = page.field("login_challenge").unwrap();
    let at = press_provider_button(&b, &down, &page, false).await;
    fake.set_authorize_fault(AuthorizeFault::access_denied());
    let back = at_fake(&b, &fake, &at).await;
    assert_eq!(param(&back, "error").as_deref(), Some("access_denied"));

    let to = location_any(&get(&b, &back).await);
    assert!(to.starts_with(&down.public_url("/ui/login?")), "{to}");
    assert_eq!(param(&to, "upstream_notice").as_deref(), Some("cancelled"));
    assert_eq!(param(&to, "login_challenge"), Some(challenge));
    let again: Page = get_page(&b, &to).await;
    assert_eq!(again.status, 200, "{}", again.html);
    assert!(
        again
            .html
            .contains("Signing in at the identity provider was cancelled."),
        "{}",
        again.html
    );

    // The login request is still open: the password form signs in.
    let r = submit_login(&down, &b, &again, "bob@example.com", PASSWORD, false).await;
    let consent = to_consent_page(&down, &b, r).await;
    let done = submit_consent(&down, &b, &consent, "allow", false).await;
    assert!(
        done.starts_with(CB) && param(&done, "code").is_some(),
        "{done}"
    );

    // Nobody was created through the provider, and nothing was exchanged.
    let listed = users(&down).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["email"], "bob@example.com");
    assert!(fake.token_requests().is_empty());
    assert!(metrics(&down).await.contains(&sign_ins("cancelled", 1)));
}

async fn login_required_from_the_provider_rejects_the_login_request(backend: Backend) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    let b = browser();
    let at = to_provider(&b, &down, &[]).await;
    fake.set_authorize_fault(AuthorizeFault::login_required());
    let back = at_fake(&b, &fake, &at).await;
    let r = get(&b, &back).await;
    let done = follow_on(&b, &down, &location_any(&r)).await;
    assert!(done.starts_with(CB), "{done}");
    assert_eq!(param(&done, "error").as_deref(), Some("login_required"));
    assert_eq!(param(&done, "state").as_deref(), Some("client-state-0123"));
    assert!(param(&done, "code").is_none());
    assert!(users(&down).await.is_empty());
    assert!(metrics(&down).await.contains(&sign_ins("rejected", 1)));
}
