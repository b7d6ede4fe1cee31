//! Who may sign in through a provider and as which local user: domain and group
//! restrictions, no account without user creation, disabled users, group claims at
//! nested paths mapped to roles, and `trust_email` for linking by email.

use super::fake_support::*;
use super::fake_upstream::{FakeUpstreamConfig, User};
use super::support::*;
use crate::helpers::Backend;
use crate::on_both_backends;
use crate::ui_support::create_user;
use serde_json::{json, Value};

on_both_backends!(
    an_email_domain_that_is_not_allowed_is_refused_with_a_notice,
    a_person_outside_the_allowed_groups_is_refused_with_a_notice,
    without_user_creation_an_unlinked_person_has_no_account,
    a_linked_user_who_is_disabled_cannot_sign_in,
    keycloak_nested_roles_become_local_roles_through_the_mappings,
    cognito_groups_become_local_roles_through_the_mappings,
    a_trusted_email_without_email_verified_links_by_email,
    a_person_without_an_email_gets_no_account,
);

/// A fake whose user is `user`.
fn with_user(user: User) -> FakeUpstreamConfig {
    FakeUpstreamConfig {
        user,
        ..fake_config()
    }
}

async fn an_email_domain_that_is_not_allowed_is_refused_with_a_notice(backend: Backend) {
    let cfg = with_user(User::new("alice").with_email(Some("alice@example.org"), Some(true)));
    let Some((fake, down)) = with_fake(
        backend,
        cfg,
        |d| d.allowed_email_domains = vec!["corp.example".into()],
        |_| {},
    )
    .await
    else {
        return;
    };
    let p = sign_in_notice(&down, &fake, "domain_not_allowed").await;
    assert!(p
        .html
        .contains("Accounts of your email domain may not sign in here."));
    assert!(users(&down).await.is_empty());

    // The allowed domain, but not verified: a domain restriction needs a verified email.
    fake.set_next_user(User::new("dave").with_email(Some("dave@corp.example"), Some(false)));
    sign_in_notice(&down, &fake, "domain_not_allowed").await;
    assert!(users(&down).await.is_empty());

    // The allowed domain (compared without case) signs in.
    fake.set_next_user(User::new("carol").with_email(Some("carol@CORP.example"), Some(true)));
    sign_in_fake(&down, &fake).await;
    assert_eq!(users(&down).await.len(), 1);
    assert!(metrics(&down).await.contains(&sign_ins("refused", 2)));
}

async fn a_person_outside_the_allowed_groups_is_refused_with_a_notice(backend: Backend) {
    let cfg = with_user(User::new("alice").with_groups(&["staff"]));
    let Some((fake, down)) = with_fake(
        backend,
        cfg,
        |d| d.allowed_groups = vec!["admins".into()],
        |_| {},
    )
    .await
    else {
        return;
    };
    let p = sign_in_notice(&down, &fake, "group_not_allowed").await;
    assert!(p.html.contains("not in a group that may sign in here"));
    assert!(users(&down).await.is_empty());

    fake.set_next_user(User::new("alice").with_groups(&["staff", "admins"]));
    sign_in_fake(&down, &fake).await;
    assert_eq!(users(&down).await.len(), 1);
}

async fn without_user_creation_an_unlinked_person_has_no_account(backend: Backend) {
    let Some((fake, down)) =
        with_fake(backend, fake_config(), |d| d.create_users = false, |_| {}).await
    else {
        return;
    };
    let p = sign_in_notice(&down, &fake, "no_account").await;
    assert!(p.html.contains("There is no account for you here yet."));
    assert!(users(&down).await.is_empty());
}

async fn a_linked_user_who_is_disabled_cannot_sign_in(backend: Backend) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    sign_in_fake(&down, &fake).await;
    let user = users(&down).await.remove(0);
    let id = user["id"].as_str().unwrap();
    let r = down
        .http
        .put(down.admin_url(&format!("/admin/users/{id}")))
        .json(&json!({
            "email": user["email"],
            "name": user["name"],
            "email_verified": true,
            "disabled": true,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    let p = sign_in_notice(&down, &fake, "disabled").await;
    assert!(p.html.contains("Your account is disabled."));
    let listed = users(&down).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["disabled"], true);
}

/// Signs in as a person whose groups are only at claim `path` (`value`, under the
/// claim `name`), with `role_mappings` from those groups; returns the server's ID
/// token claims.
async fn groups_at(backend: Backend, path: &str, name: &str, value: Value) -> Option<Value> {
    let cfg = with_user(User::new("alice").with_claim(name, value));
    let path = path.to_string();
    let (fake, down) = with_fake(
        backend,
        cfg,
        move |d| {
            d.claims.groups = path;
            d.role_mappings = [
                ("staff".to_string(), vec!["reader".to_string()]),
                (
                    "ops".to_string(),
                    vec!["operator".to_string(), "reader".to_string()],
                ),
            ]
            .into_iter()
            .collect();
        },
        |_| {},
    )
    .await?;
    let (_, done) = sign_in_fake(&down, &fake).await;
    Some(id_token_claims(&down, &done).await)
}

async fn keycloak_nested_roles_become_local_roles_through_the_mappings(backend: Backend) {
    let claim = json!({"roles": ["staff", "ops", "offline_access"]});
    let Some(claims) = groups_at(backend, "realm_access.roles", "realm_access", claim).await else {
        return;
    };
    // Each mapped role once, in the order of the groups; unmapped groups give none.
    assert_eq!(claims["roles"], json!(["reader", "operator"]));
    assert_eq!(claims["groups"], json!(["staff", "ops", "offline_access"]));
}

async fn cognito_groups_become_local_roles_through_the_mappings(backend: Backend) {
    // A claim name with a colon is looked up as it is.
    let Some(claims) = groups_at(backend, "cognito:groups", "cognito:groups", json!(["ops"])).await
    else {
        return;
    };
    assert_eq!(claims["roles"], json!(["operator", "reader"]));
    assert_eq!(claims["groups"], json!(["ops"]));
}

async fn a_trusted_email_without_email_verified_links_by_email(backend: Backend) {
    // The provider says nothing about whether the email is verified.
    let person = || User::new("u-123").with_email(Some("alice@example.org"), None);
    let linking = |trust: bool| {
        move |d: &mut portcullis::config::UpstreamProvider| {
            d.link_by_email = true;
            d.create_users = false;
            d.trust_email = trust;
        }
    };

    // Not trusted: the local account is not linked.
    let Some((fake, down)) = with_fake(backend, with_user(person()), linking(false), |_| {}).await
    else {
        return;
    };
    create_user(&down, "alice@example.org", json!({"email_verified": true})).await;
    sign_in_notice(&down, &fake, "email_taken").await;
    assert!(users(&down).await[0].get("identities").is_none());

    // Trusted: linked to the local account, which signs in.
    let Some((fake, down)) = with_fake(backend, with_user(person()), linking(true), |_| {}).await
    else {
        return;
    };
    let local = create_user(&down, "alice@example.org", json!({"email_verified": true})).await;
    let (_, done) = sign_in_fake(&down, &fake).await;
    let claims = id_token_claims(&down, &done).await;
    assert_eq!(claims["sub"], local["id"]);
    let listed = users(&down).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["identities"][0]["subject"], "u-123");
}

async fn a_person_without_an_email_gets_no_account(backend: Backend) {
    let cfg = with_user(User::new("alice").with_email(None, None));
    let Some((fake, down)) = with_fake(backend, cfg, |_| {}, |_| {}).await else {
        return;
    };
    let p = sign_in_notice(&down, &fake, "email_missing").await;
    assert!(p.html.contains("did not share a verified email address"));
    assert!(users(&down).await.is_empty());
}
