//! Signing in through a second Portcullis as the upstream provider: a real provider with
//! discovery, PKCE, `iss` in its answers and end-session.

use super::support::*;
use crate::flow_support::{browser, CB};
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use crate::ui_support::create_user;
use portcullis::config::UpstreamProvider;
use serde_json::{json, Value};

on_both_backends!(
    the_first_sign_in_creates_a_user_and_the_next_one_finds_it,
    users_are_linked_by_email_only_when_both_sides_are_verified,
    logout_continues_at_the_upstream_and_returns_to_the_client,
);

macro_rules! servers_or_skip {
    ($backend:expr, $tweak:expr) => {{
        let Some(up) = upstream_portcullis($backend).await else {
            return;
        };
        let mut def = upstream_definition(&up.settings.urls.self_.issuer.clone().unwrap());
        let tweak: fn(&mut UpstreamProvider) = $tweak;
        tweak(&mut def);
        let Some(down) = downstream($backend, vec![def], |_| {}).await else {
            return;
        };
        register_downstream_at(&up, &down).await;
        (up, down)
    }};
}

async fn the_first_sign_in_creates_a_user_and_the_next_one_finds_it(backend: Backend) {
    let (up, down) = servers_or_skip!(backend, |_| {});
    let (_, done) = sign_in(&down, &up, "alice@example.com").await;
    let claims = id_token_claims(&down, &done).await;
    assert_eq!(claims["email"], "alice@example.com");
    assert_eq!(claims["email_verified"], true);
    // Roles are the server under test's, mapped from the upstream group; the
    // upstream's own roles are not carried over.
    assert_eq!(claims["roles"], json!(["reader"]));
    assert_eq!(claims["groups"], json!(["staff"]));
    assert_eq!(claims["nonce"], NONCE);

    let listed = users(&down).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let user = &listed[0];
    assert_eq!(claims["sub"], user["id"]);
    let links = user["identities"].as_array().expect("the user's links");
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["provider_id"], PROVIDER);
    assert_eq!(
        links[0]["issuer"],
        up.settings.urls.self_.issuer.clone().unwrap()
    );

    // A second sign-in, in another browser, is the same local user.
    let (_, again) = sign_in(&down, &up, "alice@example.com").await;
    let claims2 = id_token_claims(&down, &again).await;
    assert_eq!(claims2["sub"], claims["sub"]);
    assert_eq!(users(&down).await.len(), 1);

    // Both sign-ins were counted.
    let metrics = down
        .http
        .get(down.admin_url("/metrics/prometheus"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(&format!(
            "upstream_sign_ins_total{{provider=\"{PROVIDER}\",result=\"ok\"}} 2"
        )),
        "{metrics}"
    );
}

async fn local_user(down: &TestApp, verified: bool) -> Value {
    create_user(
        down,
        "alice@example.com",
        json!({"email_verified": verified, "roles": ["local-role"], "groups": []}),
    )
    .await
}

async fn users_are_linked_by_email_only_when_both_sides_are_verified(backend: Backend) {
    // The local account's email is not verified: no link, and no second account.
    let (up, down) = servers_or_skip!(backend, |d| {
        d.link_by_email = true;
        d.create_users = false;
    });
    local_user(&down, false).await;
    let b = browser();
    let page = open_login_page(&b, &down, &[]).await;
    let at = press_provider_button(&b, &down, &page, false).await;
    let back = sign_in_at_upstream(&b, &up, &at, "alice@example.com").await;
    let r = b.get(&back).send().await.unwrap();
    let to = location_any(&r);
    assert!(to.contains("upstream_notice=email_taken"), "{to}");
    let page = crate::ui_support::get_page(&b, &to).await;
    assert!(
        page.html.contains("administrator must link"),
        "{}",
        page.html
    );
    let listed = users(&down).await;
    assert_eq!(listed.len(), 1);
    assert!(listed[0].get("identities").is_none());

    // Verified on both sides: linked on sign-in, and the local account is used.
    let (up, down) = servers_or_skip!(backend, |d| {
        d.link_by_email = true;
        d.create_users = false;
    });
    let local = local_user(&down, true).await;
    let (_, done) = sign_in(&down, &up, "alice@example.com").await;
    let claims = id_token_claims(&down, &done).await;
    assert_eq!(claims["sub"], local["id"]);
    let listed = users(&down).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["identities"][0]["provider_id"], PROVIDER);
    // `sync: always` (the default): the roles now follow the upstream groups.
    assert_eq!(claims["roles"], json!(["reader"]));
}

async fn logout_continues_at_the_upstream_and_returns_to_the_client(backend: Backend) {
    let (up, down) = servers_or_skip!(backend, |_| {});
    let bye = "https://app.example/bye";
    let r = down
        .http
        .put(down.admin_url("/clients/app"))
        .json(&json!({
            "client_name": "Photo Gallery",
            "client_secret": "a-client-secret-for-tests",
            "redirect_uris": [CB],
            "post_logout_redirect_uris": [bye],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": "openid offline_access profile email roles groups",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (b, done) = sign_in(&down, &up, "alice@example.com").await;
    let code = crate::flow_support::param(&done, "code").unwrap();
    let tokens = crate::ui_support::exchange(&down, "app", &code).await;
    let hint = tokens["id_token"].as_str().unwrap();

    // RP-initiated logout at the server under test.
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("id_token_hint", hint)
        .append_pair("post_logout_redirect_uri", bye)
        .append_pair("state", "bye-state")
        .finish();
    let to = follow_on(
        &b,
        &down,
        &down.public_url(&format!("/oauth2/sessions/logout?{q}")),
    )
    .await;
    assert!(to.starts_with(&down.public_url("/ui/logout?")), "{to}");
    let page = crate::ui_support::get_page(&b, &to).await;
    let challenge = page.field("logout_challenge").unwrap();
    let csrf = page.field("csrf_token").unwrap();
    let r = crate::ui_support::post(
        &b,
        &down.public_url("/ui/logout"),
        &[
            ("logout_challenge", challenge.as_str()),
            ("csrf_token", csrf.as_str()),
            ("action", "logout"),
        ],
    )
    .await;
    // Our logout completes, then continues at the upstream's end-session endpoint.
    let at_upstream = follow_on(&b, &down, &location_any(&r)).await;
    assert!(
        at_upstream.starts_with(&up.public_url("/oauth2/sessions/logout?")),
        "{at_upstream}"
    );
    assert!(at_upstream.contains("id_token_hint="), "{at_upstream}");
    // The upstream's own logout page, then back to us, then to the client.
    let upstream_logout = follow_on(&b, &up, &at_upstream).await;
    assert!(
        upstream_logout.starts_with(&up.public_url("/ui/logout?")),
        "{upstream_logout}"
    );
    let page = crate::ui_support::get_page(&b, &upstream_logout).await;
    let challenge = page.field("logout_challenge").unwrap();
    let csrf = page.field("csrf_token").unwrap();
    let r = crate::ui_support::post(
        &b,
        &up.public_url("/ui/logout"),
        &[
            ("logout_challenge", challenge.as_str()),
            ("csrf_token", csrf.as_str()),
            ("action", "logout"),
        ],
    )
    .await;
    let back = follow_on(&b, &up, &location_any(&r)).await;
    let ours = format!("/ui/logout/upstream/{PROVIDER}/callback?");
    assert!(back.starts_with(&down.public_url(&ours)), "{back}");
    let r = b.get(&back).send().await.unwrap();
    assert_eq!(location_any(&r), format!("{bye}?state=bye-state"));
    // The state is single use: the same answer again leads nowhere.
    let r = b.get(&back).send().await.unwrap();
    assert_eq!(r.status(), 400);
}
