//! The built-in janitor (issue 12, finding 9): each unauthenticated `/oauth2/auth` stores
//! a login request, and before the janitor only `/oauth2/flush` ever removed them; the
//! same holds for device codes and device verification visits (issue 13).

use crate::flow_support::{auth_url, browser, create_client, start};
use crate::helpers::Backend;
use crate::tokens_support::{client_credentials, count, full_client};
use crate::{app_or_skip, on_both_backends};
use serde_json::json;
use std::time::{Duration, Instant};

on_both_backends!(expired_requests_and_tokens_are_deleted_in_the_background);

async fn expired_requests_and_tokens_are_deleted_in_the_background(backend: Backend) {
    let app = app_or_skip!(backend, |s| {
        s.ttl.login_consent_request.0 = Duration::from_secs(1);
        s.ttl.access_token.0 = Duration::from_secs(1);
        s.ttl.device_user_code.0 = Duration::from_secs(1);
        s.janitor.interval.0 = Duration::from_millis(500);
        s.janitor.batch_size = 7;
    });
    create_client(&app, "app", json!({})).await;
    let (id, secret) = full_client(&app, "machine", json!({})).await;
    // Twenty abandoned sign-ins (more than two batches) and a short-lived token.
    for _ in 0..20 {
        start(&app, &browser(), &auth_url(&app, "app", "")).await;
    }
    // An abandoned device authorization and its verification visit.
    let r = app
        .http
        .post(app.admin_url("/clients"))
        .json(
            &json!({"client_id": "tv", "token_endpoint_auth_method": "none",
                      "grant_types": ["urn:ietf:params:oauth:grant-type:device_code"]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let d: serde_json::Value = app
        .http
        .post(app.public_url("/oauth2/device/auth"))
        .form(&[("client_id", "tv")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let visit = browser()
        .get(d["verification_uri_complete"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(visit.status(), 302);
    assert_eq!(count(&app, backend, "oauth2_device_codes").await, 1);
    assert_eq!(count(&app, backend, "flow_device_requests").await, 1);
    let t = client_credentials(&app, &id, &secret, "").await;
    assert_eq!(t.status, 200, "{}", t.text);
    assert_eq!(count(&app, backend, "flow_login_requests").await, 20);
    assert_eq!(count(&app, backend, "oauth2_access_tokens").await, 1);

    let started = Instant::now();
    loop {
        let left = count(&app, backend, "flow_login_requests").await
            + count(&app, backend, "oauth2_access_tokens").await
            + count(&app, backend, "oauth2_device_codes").await
            + count(&app, backend, "flow_device_requests").await;
        if left == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{left} expired rows are still there"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A live sign-in is not touched: a fresh request survives the next round.
    start(&app, &browser(), &auth_url(&app, "app", "")).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(count(&app, backend, "flow_login_requests").await, 1);
}
