//! Revoking consent (`DELETE .../oauth2/auth/sessions/consent`): v2's `consent_request_id`
//! revokes one consent request and only the tokens issued under it; neither API revokes
//! every consent of a subject unless `all` asks for it.

use crate::flow_support::*;
use crate::helpers::{Backend, TestApp};
use crate::{app_or_skip, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_backends!(
    a_v2_client_revoking_one_consent_request_keeps_the_subjects_other_consents,
    v2_revocation_takes_a_subject_with_a_client_or_all_and_nothing_else,
    the_1_9_2_path_needs_a_client_or_all_and_ignores_consent_request_id,
);

const SECRET: &str = "a-client-secret-for-tests";

/// One whole flow of alice to `client` in a fresh browser; returns the consent request's
/// `consent_request_id` (as the v2 consent app sees it) and the access token.
async fn granted(app: &TestApp, client: &str) -> (String, String) {
    let b = browser();
    let login = start(app, &b, &auth_url(app, client, "")).await;
    let to = decide(app, "login", "accept", &login, json!({"subject": "alice"})).await;
    let consent = to_consent(app, &b, &to).await;
    let a = admin(
        app,
        Method::GET,
        &format!("/admin/oauth2/auth/requests/consent?consent_challenge={consent}"),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    let id = a.body["consent_request_id"].as_str().unwrap().to_string();
    assert!(
        !id.is_empty() && id != consent,
        "an id that is not the challenge"
    );
    let to = decide(app, "consent", "accept", &consent, accept_all()).await;
    let code = assert_code(app, &follow(&b, &to).await);
    (id, exchange(app, client, &code).await)
}

async fn exchange(app: &TestApp, client: &str, code: &str) -> String {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", CB),
    ];
    let r = app
        .http
        .post(app.public_url("/oauth2/token"))
        .basic_auth(client, Some(SECRET))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

async fn active(app: &TestApp, token: &str) -> bool {
    let r = app
        .http
        .post(app.admin_url("/oauth2/introspect"))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    body["active"].as_bool().unwrap()
}

async fn revoke(app: &TestApp, query: &str) -> Answer {
    admin(app, Method::DELETE, query, None).await
}

async fn sessions(app: &TestApp, path: &str) -> Vec<Value> {
    let a = admin(app, Method::GET, &format!("{path}?subject=alice"), None).await;
    assert_eq!(a.status, StatusCode::OK);
    a.body.as_array().unwrap().clone()
}

const V2: &str = "/admin/oauth2/auth/sessions/consent";
const V1: &str = "/oauth2/auth/sessions/consent";

/// Asserts a 400 `invalid_request` with `hint` in its description.
fn refused(a: &Answer, hint: &str) {
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{:?}", a.body);
    assert_eq!(a.body["error"], "invalid_request");
    let d = a.body["error_description"].as_str().unwrap_or("");
    assert!(d.contains(hint), "{d}");
}

async fn a_v2_client_revoking_one_consent_request_keeps_the_subjects_other_consents(
    backend: Backend,
) {
    let app = app_or_skip!(backend);
    create_client(&app, "one", json!({})).await;
    create_client(&app, "two", json!({})).await;
    let (first, t_first) = granted(&app, "one").await;
    let (second, t_second) = granted(&app, "one").await;
    let (_, t_two) = granted(&app, "two").await;
    let all = [&t_first, &t_second, &t_two];

    // The listing names each consent request by the same id, at the top and inside.
    let listed = sessions(&app, V2).await;
    assert_eq!(listed.len(), 3);
    let ids: Vec<&str> = listed
        .iter()
        .map(|s| s["consent_request_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&first.as_str()) && ids.contains(&second.as_str()));
    for s in &listed {
        assert_eq!(
            s["consent_request_id"],
            s["consent_request"]["consent_request_id"]
        );
    }

    // The request that used to revoke every consent of alice is refused, and nothing
    // is revoked.
    let a = revoke(
        &app,
        &format!("{V2}?subject=alice&consent_request_id={first}"),
    )
    .await;
    refused(&a, "Invalid combination of query parameters.");
    for t in all {
        assert!(active(&app, t).await);
    }

    let a = revoke(&app, &format!("{V2}?consent_request_id={first}")).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{:?}", a.body);
    assert!(!active(&app, &t_first).await, "its token is revoked");
    assert!(
        active(&app, &t_second).await,
        "the same client's other consent stays"
    );
    assert!(
        active(&app, &t_two).await,
        "the other client's consent stays"
    );
    let left = sessions(&app, V2).await;
    assert_eq!(left.len(), 2);
    assert!(left
        .iter()
        .all(|s| s["consent_request_id"] != first.as_str()));

    // Revoking it again, or an id that names no consent request, is no error.
    let a = revoke(&app, &format!("{V2}?consent_request_id={first}")).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    let a = revoke(&app, &format!("{V2}?consent_request_id=no-such-request")).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);

    // Only consent requests are looked up: the grant id of a client-credentials token
    // is not one, and that token survives.
    create_client(
        &app,
        "machine",
        json!({"grant_types": ["client_credentials"], "response_types": [], "redirect_uris": []}),
    )
    .await;
    let r = app
        .http
        .post(app.public_url("/oauth2/token"))
        .basic_auth("machine", Some(SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let machine = r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let grant = grant_id_of(&app, "machine").await;
    let a = revoke(&app, &format!("{V2}?consent_request_id={grant}")).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert!(active(&app, &machine).await);
    assert!(active(&app, &t_second).await && active(&app, &t_two).await);
}

/// The `request_id` of the client's access token, read from the database.
async fn grant_id_of(app: &TestApp, client: &str) -> String {
    use sqlx::Connection;
    let q = format!("SELECT request_id FROM oauth2_access_tokens WHERE client_id = '{client}'");
    if app.dsn.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(&app.dsn).await.unwrap();
        sqlx::query_scalar(&q).fetch_one(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::SqliteConnection::connect(&app.dsn).await.unwrap();
        sqlx::query_scalar(&q).fetch_one(&mut c).await.unwrap()
    }
}

async fn v2_revocation_takes_a_subject_with_a_client_or_all_and_nothing_else(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "one", json!({})).await;
    create_client(&app, "two", json!({})).await;
    create_client(&app, "three", json!({})).await;
    let (_, t_one) = granted(&app, "one").await;
    let (_, t_two) = granted(&app, "two").await;
    let (_, t_three) = granted(&app, "three").await;

    for bad in [
        "?subject=alice",
        "?subject=alice&all=false",
        "?subject=alice&client=one&all=true",
        "?client=one",
        "?all=true",
        "",
    ] {
        let a = revoke(&app, &format!("{V2}{bad}")).await;
        refused(&a, "Invalid combination of query parameters.");
    }
    assert_eq!(sessions(&app, V2).await.len(), 3, "nothing was revoked");

    let a = revoke(&app, &format!("{V2}?subject=alice&client=one")).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert!(!active(&app, &t_one).await);
    assert!(active(&app, &t_two).await && active(&app, &t_three).await);

    let a = revoke(&app, &format!("{V2}?subject=alice&all=true")).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert!(!active(&app, &t_two).await && !active(&app, &t_three).await);
    assert!(sessions(&app, V2).await.is_empty());
}

async fn the_1_9_2_path_needs_a_client_or_all_and_ignores_consent_request_id(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "one", json!({})).await;
    create_client(&app, "two", json!({})).await;
    let (id, t_one) = granted(&app, "one").await;
    let (_, t_two) = granted(&app, "two").await;

    // 1.9.2's listing has no consent_request_id (its SDK refuses unknown fields).
    let listed = sessions(&app, V1).await;
    assert_eq!(listed.len(), 2);
    assert!(listed[0].get("consent_request_id").is_none());
    assert!(listed[0]["consent_request"]
        .get("consent_request_id")
        .is_none());

    let neither = "Query parameter both 'client' and 'all' is not defined";
    for bad in [
        "?subject=alice".to_string(),
        "?subject=alice&all=false".to_string(),
        format!("?subject=alice&consent_request_id={id}"),
    ] {
        refused(&revoke(&app, &format!("{V1}{bad}")).await, neither);
    }
    refused(
        &revoke(&app, &format!("{V1}?consent_request_id={id}")).await,
        "Query parameter 'subject' is not defined",
    );
    assert!(active(&app, &t_one).await && active(&app, &t_two).await);

    // `client` wins over `all`, as in 1.9.2.
    let a = revoke(&app, &format!("{V1}?subject=alice&client=one&all=true")).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert!(!active(&app, &t_one).await && active(&app, &t_two).await);

    // Hydra 1.9.2's Python SDK sends `all=True`.
    let a = revoke(&app, &format!("{V1}?subject=alice&all=True")).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert!(!active(&app, &t_two).await);
    assert!(sessions(&app, V1).await.is_empty());
}
