//! `/admin/users` over HTTP.

use super::stored_hash;
use crate::helpers::{Backend, TestApp};
use crate::{app_or_skip, on_both_backends};
use serde_json::{json, Value};

on_both_backends!(
    users_can_be_created_read_listed_updated_and_deleted,
    invalid_user_input_is_refused_with_400,
    a_duplicate_email_is_409_whatever_its_case,
    passwords_are_never_returned_and_are_stored_as_argon2id,
    unknown_user_ids_are_404,
    listing_paginates_like_clients_and_filters_by_email,
    odd_filters_and_offsets_list_nothing_rather_than_failing,
);

async fn create(app: &TestApp, body: Value) -> reqwest::Response {
    app.http
        .post(app.admin_url("/admin/users"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn create_ok(app: &TestApp, email: &str) -> Value {
    let r = create(app, json!({"email": email, "password": "a good password"})).await;
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

fn assert_no_password(v: &Value) {
    let text = v.to_string();
    assert!(!text.contains("password"), "{text}");
    assert!(!text.contains("argon2"), "{text}");
}

async fn users_can_be_created_read_listed_updated_and_deleted(backend: Backend) {
    let app = app_or_skip!(backend);
    let r = create(
        &app,
        json!({
            "email": "  Alice@Example.com ",
            "password": "correct horse battery",
            "name": "Alice Liddell",
            "roles": ["admin", "ops"],
            "groups": ["eng"],
            "email_verified": true,
        }),
    )
    .await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    assert_eq!(created["email"], "Alice@Example.com");
    assert_eq!(created["name"], "Alice Liddell");
    assert_eq!(created["roles"], json!(["admin", "ops"]));
    assert_eq!(created["groups"], json!(["eng"]));
    assert_eq!(created["email_verified"], true);
    assert_eq!(created["disabled"], false);
    let created_at = created["created_at"].as_str().unwrap();
    assert!(
        time::OffsetDateTime::parse(created_at, &time::format_description::well_known::Rfc3339)
            .is_ok(),
        "{created_at}"
    );
    let keys: Vec<&String> = created.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 9, "{keys:?}");

    let url = app.admin_url(&format!("/admin/users/{id}"));
    let got: Value = app
        .http
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got, created);

    let list: Vec<Value> = app
        .http
        .get(app.admin_url("/admin/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list, vec![created.clone()]);

    // PUT replaces the profile: fields left out go back to their defaults.
    let r = app
        .http
        .put(&url)
        .json(&json!({"email": "alice@example.org", "name": "Alice", "disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let updated: Value = r.json().await.unwrap();
    assert_eq!(updated["id"], id.as_str());
    assert_eq!(updated["email"], "alice@example.org");
    assert_eq!(updated["roles"], json!([]));
    assert_eq!(updated["email_verified"], false);
    assert_eq!(updated["disabled"], true);
    assert_eq!(updated["created_at"], created["created_at"]);
    let got: Value = app
        .http
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got, updated);

    let r = app.http.delete(&url).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = app.http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status_code"], 404);
    assert_eq!(body["error"], "Not Found");
}

async fn invalid_user_input_is_refused_with_400(backend: Backend) {
    let app = app_or_skip!(backend);
    let good = || json!({"email": "bob@example.com", "password": "a good password"});
    let mut cases: Vec<(Value, &str)> = vec![];
    let mut with = |k: &str, v: Value, why: &'static str| {
        let mut b = good();
        b[k] = v;
        cases.push((b, why));
    };
    with("email", json!("bob"), "`@`");
    with("email", json!("bob smith@example.com"), "spaces");
    with("email", json!("a@b@c"), "`@`");
    with("email", json!(""), "missing");
    with("email", json!(format!("{}@x.io", "a".repeat(250))), "254");
    with("password", json!("short"), "at least 8");
    with("password", json!("p".repeat(1025)), "1024");
    with("password", json!(12345678), "password");
    with("roles", json!(["admin", ""]), "roles");
    with("groups", json!("eng"), "groups");
    with("disabled", json!("yes"), "disabled");
    cases.push((json!({"email": "bob@example.com"}), "password"));
    cases.push((json!({"password": "a good password"}), "email"));
    for (body, why) in cases {
        let r = create(&app, body.clone()).await;
        assert_eq!(r.status(), 400, "{body}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["status_code"], 400);
        let desc = e["error_description"].as_str().unwrap();
        assert!(desc.contains(why), "{body}: {desc}");
        assert!(!desc.contains("pppppppp"), "the password is echoed: {desc}");
    }
    let r = app
        .http
        .post(app.admin_url("/admin/users"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "Bad Request");

    let id = create_ok(&app, "bob@example.com").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let url = app.admin_url(&format!("/admin/users/{id}"));
    for body in [
        json!({"email": "bob@example.com", "password": "a new password"}),
        json!({"email": "not an email"}),
        json!({"email": "bob@example.com", "name": 5}),
    ] {
        let r = app.http.put(&url).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 400, "{body}");
    }
    for body in [
        json!({}),
        json!({"password": "short"}),
        json!({"password": true}),
    ] {
        let r = app
            .http
            .put(format!("{url}/password"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{body}");
    }
}

async fn a_duplicate_email_is_409_whatever_its_case(backend: Backend) {
    let app = app_or_skip!(backend);
    create_ok(&app, "carol@example.com").await;
    for email in [
        "carol@example.com",
        "CAROL@Example.COM",
        " carol@example.com ",
    ] {
        let r = create(
            &app,
            json!({"email": email, "password": "another password"}),
        )
        .await;
        assert_eq!(r.status(), 409, "{email}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["status_code"], 409);
        assert!(e["error_description"].as_str().unwrap().contains("email"));
    }
    let dave = create_ok(&app, "dave@example.com").await;
    let r = app
        .http
        .put(app.admin_url(&format!("/admin/users/{}", dave["id"].as_str().unwrap())))
        .json(&json!({"email": "Carol@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    // Changing only the case of one's own email is no conflict.
    let r = app
        .http
        .put(app.admin_url(&format!("/admin/users/{}", dave["id"].as_str().unwrap())))
        .json(&json!({"email": "Dave@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

async fn passwords_are_never_returned_and_are_stored_as_argon2id(backend: Backend) {
    let app = app_or_skip!(backend);
    let created = create_ok(&app, "erin@example.com").await;
    assert_no_password(&created);
    let id = created["id"].as_str().unwrap();
    let first = stored_hash(backend, &app.dsn, id).await;
    assert!(
        first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{first}"
    );
    assert!(!first.contains("a good password"));

    for url in [
        app.admin_url("/admin/users"),
        app.admin_url(&format!("/admin/users/{id}")),
    ] {
        let v: Value = app
            .http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_no_password(&v);
    }
    let r = app
        .http
        .put(app.admin_url(&format!("/admin/users/{id}/password")))
        .json(&json!({"password": "a brand new password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(r.text().await.unwrap().is_empty());
    let second = stored_hash(backend, &app.dsn, id).await;
    assert!(second.starts_with("$argon2id$"), "{second}");
    assert_ne!(first, second);
}

async fn unknown_user_ids_are_404(backend: Backend) {
    let app = app_or_skip!(backend);
    let unknown = uuid::Uuid::new_v4().to_string();
    for id in [unknown.as_str(), "not-a-uuid", "%FF"] {
        let url = app.admin_url(&format!("/admin/users/{id}"));
        let profile = json!({"email": "x@example.com"});
        let password = json!({"password": "a good password"});
        let rs = [
            app.http.get(&url).send().await.unwrap(),
            app.http.put(&url).json(&profile).send().await.unwrap(),
            app.http.delete(&url).send().await.unwrap(),
            app.http
                .put(format!("{url}/password"))
                .json(&password)
                .send()
                .await
                .unwrap(),
        ];
        for r in rs {
            assert_eq!(r.status(), 404, "{id}");
            let e: Value = r.json().await.unwrap();
            assert_eq!(e["status_code"], 404);
        }
    }
}

async fn listing_paginates_like_clients_and_filters_by_email(backend: Backend) {
    let app = app_or_skip!(backend);
    for e in ["a@example.com", "b@example.com", "c@example.com"] {
        create_ok(&app, e).await;
    }
    let r = app
        .http
        .get(app.admin_url("/admin/users?limit=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-total-count"], "3");
    let link = r.headers()["link"].to_str().unwrap().to_string();
    assert!(
        link.contains("</admin/users?limit=2&offset=2>; rel=\"next\""),
        "{link}"
    );
    let page: Vec<Value> = r.json().await.unwrap();
    let emails: Vec<&str> = page.iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["a@example.com", "b@example.com"]);

    let page: Vec<Value> = app
        .http
        .get(app.admin_url("/admin/users?limit=2&offset=2"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0]["email"], "c@example.com");

    // Unparsable values mean the defaults, as for clients.
    let r = app
        .http
        .get(app.admin_url("/admin/users?limit=lots&offset=-4"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 3);

    let r = app
        .http
        .get(app.admin_url("/admin/users?email=B%40EXAMPLE.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-total-count"], "1");
    let page: Vec<Value> = r.json().await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0]["email"], "b@example.com");
    let r = app
        .http
        .get(app.admin_url("/admin/users?email=nobody%40example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-total-count"], "0");
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 0);
}

/// An email filter no account can have (here a NUL, which PostgreSQL cannot even compare)
/// and an offset at the top of the range are empty pages, never a 500.
async fn odd_filters_and_offsets_list_nothing_rather_than_failing(backend: Backend) {
    let app = app_or_skip!(backend);
    create_ok(&app, "a@example.com").await;
    for path in [
        "/admin/users?email=a%00b%40example.com",
        "/admin/users?email=a%40example.com&offset=9223372036854775807",
        "/admin/users?email=nobody%40example.com&limit=1&offset=9223372036854775807",
    ] {
        let r = app.http.get(app.admin_url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(r.headers().contains_key("link"), "{path}");
        assert_eq!(r.json::<Vec<Value>>().await.unwrap(), Vec::<Value>::new());
    }
}
