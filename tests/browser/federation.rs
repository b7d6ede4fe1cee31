//! Signing in through an upstream provider in a real browser: Chromium goes from the
//! client to Portcullis (on `127.0.0.1`), presses the provider's button, signs in on the
//! upstream's own login page (a second Portcullis, on `localhost`: another site, as a
//! real provider is), allows at both, and the client gets an ID token with the roles
//! mapped from the upstream's groups. Screenshots of the login page with the buttons
//! (one provider working, one unavailable) at desktop and phone width.

use crate::client_app::{self, CLIENT_ID, CLIENT_SECRET};
use crate::helpers::{base_settings, fresh_dsn, start, start_on, Backend, TestApp};
use crate::{auth_url, click, driver, type_into, verify_id_token, wait_for, ONE_BROWSER, PASSWORD};
use portcullis::config::UpstreamProvider;
use portcullis::secret::Secret;
use serde_json::{json, Value};
use std::time::Duration;

crate::on_both_backends!(a_person_signs_in_through_their_identity_provider_in_a_browser);

const PROVIDER: &str = "corp";
const UPSTREAM_CLIENT: &str = "portcullis-downstream";
const UPSTREAM_SECRET: &str = "upstream-client-secret-0123";
/// Everything after the browser starts (about 4 s here).
const FLOW_TIMEOUT: Duration = Duration::from_secs(120);

async fn a_person_signs_in_through_their_identity_provider_in_a_browser(backend: Backend) {
    let _one = ONE_BROWSER.lock().await;
    let Some((_up, down)) = servers(backend).await else {
        return;
    };
    let Some(browser) = driver::launch().await else {
        return;
    };
    let run = async {
        let shot = |name: &str| format!("{}-fed-{name}", format!("{backend:?}").to_lowercase());
        let rp = client_app::start(&down.public).await;
        register_client(&down, &rp.redirect_uri, &rp.logo_uri).await;
        let c = &browser.client;
        let auth = auth_url(&down, &rp.redirect_uri);

        // Portcullis's login page: the password form, then the providers' buttons.
        c.goto(&auth).await.unwrap();
        let button = format!("button[name=upstream][value={PROVIDER}]");
        assert_eq!(wait_for(c, &button).await.text().await.unwrap(), "Corp SSO");
        let partner = wait_for(c, "button[disabled]").await;
        assert_eq!(partner.text().await.unwrap(), "Partner Login");
        // Tall enough for the whole card; at phone size, its top and its end.
        c.set_window_size(1024, 1000).await.unwrap();
        browser.screenshot(&shot("1-login")).await;
        c.set_window_size(390, 844).await.unwrap();
        c.refresh().await.unwrap();
        wait_for(c, &button).await;
        browser.screenshot(&shot("2-login-phone")).await;
        c.execute("window.scrollTo(0, document.body.scrollHeight)", vec![])
            .await
            .unwrap();
        browser.screenshot(&shot("3-login-phone-end")).await;
        c.set_window_size(1024, 860).await.unwrap();

        // The provider's own login page, on the other site.
        click(c, &button).await;
        on_host(c, "localhost").await;
        wait_for(c, "#email").await;
        browser.screenshot(&shot("4-upstream-login")).await;
        type_into(c, "#email", "alice@example.com").await;
        type_into(c, "#password", PASSWORD).await;
        click(c, "button[value=login]").await;

        // Allowed at the provider (Portcullis is its client), then at Portcullis.
        wait_for(c, "button[value=allow]").await;
        assert_eq!(c.current_url().await.unwrap().host_str(), Some("localhost"));
        browser.screenshot(&shot("5-upstream-consent")).await;
        click(c, "button[value=allow]").await;
        on_host(c, "127.0.0.1").await;
        wait_for(c, "button[value=allow]").await;
        assert!(c.source().await.unwrap().contains("Photo Gallery"));
        browser.screenshot(&shot("6-consent")).await;
        click(c, "button[value=allow]").await;

        // The client exchanged its code: the local user, with the mapped roles.
        let welcome = wait_for(c, "#welcome").await.text().await.unwrap();
        assert_eq!(welcome, "Welcome, Alice Liddell!");
        browser.screenshot(&shot("7-client")).await;
        let tokens = rp
            .tokens
            .lock()
            .unwrap()
            .clone()
            .expect("the client got tokens");
        let id = verify_id_token(&down, tokens["id_token"].as_str().expect("an ID token")).await;
        let users = local_users(&down).await;
        assert_eq!(users.len(), 1, "{users:?}");
        assert_eq!(id["sub"], users[0]["id"]);
        assert_eq!(id["email"], "alice@example.com");
        assert_eq!(id["roles"], json!(["photographer", "reader"]));
        assert_eq!(id["groups"], json!(["staff"]));
        assert_eq!(users[0]["identities"][0]["provider_id"], PROVIDER);
    };
    tokio::time::timeout(FLOW_TIMEOUT, run)
        .await
        .unwrap_or_else(|_| panic!("the browser sign-in took longer than {FLOW_TIMEOUT:?}"));
    browser.close().await;
}

/// Waits until the browser is on a page of `host`. A click returns before the page it
/// leads to has replaced the current one, whose elements (`#email` and the consent
/// buttons exist at both servers) would otherwise be found.
async fn on_host(c: &fantoccini::Client, host: &str) {
    for _ in 0..150 {
        if c.current_url().await.unwrap().host_str() == Some(host) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let at = c.current_url().await.unwrap();
    panic!("the browser did not get to {host}; it is at {at}");
}

/// The upstream Portcullis on `localhost` with Alice (group `staff`), the server under
/// test on `127.0.0.1` with two providers: the upstream, and one that is unreachable
/// (its button is shown disabled), registered at the upstream as its client.
async fn servers(backend: Backend) -> Option<(TestApp, TestApp)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let dsn = fresh_dsn(backend, dir.path()).await?;
    let mut s = base_settings(&dsn);
    s.secrets.system = vec![Secret::new("the-upstream-system-secret-0123")];
    let up = start_on(s, dir, "localhost").await;
    let r = up
        .http
        .post(up.admin_url("/admin/users"))
        .json(&json!({
            "email": "alice@example.com",
            "password": PASSWORD,
            "name": "Alice Liddell",
            "groups": ["staff"],
            "roles": ["upstream-admin"],
            "email_verified": true,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    let dir = tempfile::tempdir().expect("temp dir");
    let dsn = fresh_dsn(backend, dir.path()).await?;
    let mut s = base_settings(&dsn);
    let issuer = up.settings.urls.self_.issuer.clone().expect("an issuer");
    s.identity.upstreams = vec![
        UpstreamProvider {
            id: PROVIDER.into(),
            display_name: "Corp SSO".into(),
            issuer,
            client_id: UPSTREAM_CLIENT.into(),
            client_secret: Some(Secret::new(UPSTREAM_SECRET)),
            scopes: ["openid", "email", "profile", "groups"]
                .map(String::from)
                .to_vec(),
            create_users: true,
            role_mappings: [(
                "staff".to_string(),
                vec!["photographer".into(), "reader".into()],
            )]
            .into_iter()
            .collect(),
            ..UpstreamProvider::default()
        },
        UpstreamProvider {
            id: "partner".into(),
            display_name: "Partner Login".into(),
            // Nothing listens on the discard port: discovery fails at once.
            issuer: "http://127.0.0.1:9".into(),
            client_id: "portcullis".into(),
            client_secret: Some(Secret::new("unused-secret-0123")),
            timeout: portcullis::config::Ttl(Duration::from_secs(2)),
            ..UpstreamProvider::default()
        },
    ];
    let down = start(s, dir).await;
    let r = up
        .http
        .post(up.admin_url("/clients"))
        .json(&json!({
            "client_id": UPSTREAM_CLIENT,
            "client_secret": UPSTREAM_SECRET,
            "client_name": "Portcullis",
            "redirect_uris": [down.public_url(&format!("/ui/login/upstream/{PROVIDER}/callback"))],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "scope": "openid profile email groups",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    wait_until_unavailable(&down, "partner").await;
    Some((up, down))
}

/// The page shows an unavailable provider's button disabled once its discovery failed.
async fn wait_until_unavailable(down: &TestApp, id: &str) {
    for _ in 0..100 {
        let p: Value = down
            .http
            .get(down.admin_url(&format!("/identity/providers/{id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if p["status"] == "unavailable" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("provider {id} never became unavailable");
}

async fn register_client(down: &TestApp, redirect_uri: &str, logo_uri: &str) {
    let r = down
        .http
        .post(down.admin_url("/clients"))
        .json(&json!({
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "client_name": "Photo Gallery",
            "logo_uri": logo_uri,
            "redirect_uris": [redirect_uri],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": "openid offline_access profile email roles groups",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

async fn local_users(down: &TestApp) -> Vec<Value> {
    down.http
        .get(down.admin_url("/admin/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
