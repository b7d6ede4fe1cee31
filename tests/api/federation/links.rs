//! Links of local users to upstream identities through the admin API
//! (`/admin/users/{id}/identities`): a linked subject signs in as that user.

use super::fake_support::*;
use super::fake_upstream::User;
use super::support::*;
use crate::flow_support::admin;
use crate::helpers::Backend;
use crate::on_both_backends;
use crate::ui_support::create_user;
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    an_identity_linked_by_an_administrator_signs_in_as_that_user,
    links_of_an_unknown_user_or_provider_are_not_found,
);

async fn an_identity_linked_by_an_administrator_signs_in_as_that_user(backend: Backend) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    // The local account has another email than the upstream one: only the link joins them.
    let local = create_user(&down, "a.liddell@example.com", json!({})).await;
    let id = local["id"].as_str().unwrap();
    let links = format!("/admin/users/{id}/identities");
    let a = admin(
        &down,
        Method::POST,
        &links,
        Some(json!({"provider_id": PROVIDER, "subject": "alice-upstream"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    assert_eq!(a.body["issuer"], fake.issuer());
    assert_eq!(a.body["subject"], "alice-upstream");
    assert_eq!(a.body["user_id"], id);
    assert_eq!(a.body["provider_id"], PROVIDER);

    let listed = admin(&down, Method::GET, &links, None).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    assert_eq!(listed.body[0]["subject"], "alice-upstream");
    let everyone = users(&down).await;
    assert_eq!(everyone[0]["identities"][0]["subject"], "alice-upstream");

    // The same link again is a conflict.
    let again = admin(
        &down,
        Method::POST,
        &links,
        Some(json!({"provider_id": PROVIDER, "subject": "alice-upstream"})),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{:?}", again.body);

    // Signing in as that upstream subject is the local user; nobody is created.
    fake.set_next_user(User::new("alice-upstream"));
    let (_, done) = sign_in_fake(&down, &fake).await;
    let claims = id_token_claims(&down, &done).await;
    assert_eq!(claims["sub"], id);
    assert_eq!(users(&down).await.len(), 1);

    // Unlinked, the next sign-in as that subject creates its own account.
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("issuer", fake.issuer())
        .append_pair("subject", "alice-upstream")
        .finish();
    let unlink = format!("{links}?{q}");
    assert_eq!(
        admin(&down, Method::DELETE, &unlink, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin(&down, Method::DELETE, &unlink, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin(&down, Method::GET, &links, None).await.body,
        json!([])
    );
    assert!(users(&down).await[0].get("identities").is_none());
    let (_, done) = sign_in_fake(&down, &fake).await;
    assert_ne!(id_token_claims(&down, &done).await["sub"], id);
    assert_eq!(users(&down).await.len(), 2);
}

async fn links_of_an_unknown_user_or_provider_are_not_found(backend: Backend) {
    let Some((_fake, down)) = default_fake(backend).await else {
        return;
    };
    let nobody = "/admin/users/7d3c1b52-6a4e-4f0b-9a51-2f4d8c9e0a11/identities";
    let body = json!({"provider_id": PROVIDER, "subject": "s"});
    assert_eq!(
        admin(&down, Method::GET, nobody, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin(&down, Method::POST, nobody, Some(body.clone()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin(
            &down,
            Method::GET,
            "/admin/users/not-a-uuid/identities",
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // A known user, an unknown provider.
    let local = create_user(&down, "bob@example.com", json!({})).await;
    let links = format!("/admin/users/{}/identities", local["id"].as_str().unwrap());
    let a = admin(
        &down,
        Method::POST,
        &links,
        Some(json!({"provider_id": "nope", "subject": "s"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{:?}", a.body);
    // A known provider, an empty subject.
    let a = admin(
        &down,
        Method::POST,
        &links,
        Some(json!({"provider_id": PROVIDER, "subject": ""})),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{:?}", a.body);
    assert!(a.body["error_description"]
        .as_str()
        .unwrap()
        .contains("subject"));
    assert_eq!(
        admin(&down, Method::GET, &links, None).await.body,
        json!([])
    );
}
