//! The client registry over HTTP: Hydra 1.9.2's `/clients` and the newer `/admin/clients`.

use crate::helpers::{Backend, TestApp};
use crate::{app_or_skip, on_both_backends};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    create_fills_defaults_and_returns_a_generated_secret_only_once,
    every_field_round_trips_through_create_get_update_and_list,
    the_admin_paths_serve_the_same_registry,
    the_stored_secret_is_an_argon2id_hash_and_never_the_secret,
    update_keeps_the_secret_unless_a_new_one_is_given,
    public_clients_have_no_secret,
    a_duplicate_client_id_is_a_conflict,
    delete_is_no_content_then_not_found,
    unknown_ids_are_not_found_with_a_generic_error_body,
    every_validation_rule_is_a_400_naming_the_field,
    listing_paginates_with_link_and_total_count_headers,
    listing_filters_by_client_name_and_owner,
    malformed_bodies_get_a_4xx_with_the_error_body,
    a_malformed_path_id_is_a_400_and_a_corrupt_row_an_opaque_500,
    a_nul_character_in_an_id_body_or_filter_is_a_4xx_never_a_500,
    the_largest_offset_is_a_page_not_a_500,
);

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

async fn call(app: &TestApp, method: reqwest::Method, path: &str, body: Option<Value>) -> Answer {
    let mut req = app.http.request(method, app.admin_url(path));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    Answer {
        status,
        headers,
        body,
    }
}

async fn create(app: &TestApp, body: Value) -> Value {
    let a = call(app, reqwest::Method::POST, "/clients", Some(body)).await;
    assert_eq!(a.status, 201, "{}", a.body);
    a.body
}

async fn get(app: &TestApp, path: &str) -> Answer {
    call(app, reqwest::Method::GET, path, None).await
}

async fn put(app: &TestApp, path: &str, body: Value) -> Answer {
    call(app, reqwest::Method::PUT, path, Some(body)).await
}

/// Runs one statement against the app's database.
async fn execute(app: &TestApp, backend: Backend, sql: &str) {
    use sqlx::Connection;
    match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&app.dsn).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.unwrap();
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&app.dsn).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.unwrap();
        }
    }
}

/// The `secret_hash` column of a client, read straight from the database.
async fn stored_hash(app: &TestApp, backend: Backend, id: &str) -> Option<String> {
    use sqlx::Connection;
    let sql = "SELECT secret_hash FROM clients WHERE id = $1";
    match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&app.dsn).await.unwrap();
            sqlx::query_scalar(sql)
                .bind(id)
                .fetch_one(&mut c)
                .await
                .unwrap()
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&app.dsn).await.unwrap();
            sqlx::query_scalar(sql)
                .bind(id)
                .fetch_one(&mut c)
                .await
                .unwrap()
        }
    }
}

fn assert_rfc3339(v: &Value) {
    let s = v.as_str().unwrap_or_default();
    assert!(
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).is_ok(),
        "{v} is not RFC 3339"
    );
}

async fn create_fills_defaults_and_returns_a_generated_secret_only_once(backend: Backend) {
    let app = app_or_skip!(backend);
    let a = call(&app, reqwest::Method::POST, "/clients", Some(json!({}))).await;
    assert_eq!(a.status, 201);
    let c = a.body;
    let id = c["client_id"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 4);
    assert_eq!(a.headers["location"], format!("/clients/{id}"));
    let secret = c["client_secret"].as_str().unwrap();
    assert!(secret.len() >= 32, "a strong generated secret: {secret}");
    assert_eq!(c["grant_types"], json!(["authorization_code"]));
    assert_eq!(c["response_types"], json!(["code"]));
    assert_eq!(c["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(c["subject_type"], "public");
    assert_eq!(c["redirect_uris"], json!([]));
    assert_eq!(c["client_secret_expires_at"], 0);
    assert_rfc3339(&c["created_at"]);
    assert_eq!(c["created_at"], c["updated_at"]);

    let got = get(&app, &format!("/clients/{id}")).await;
    assert_eq!(got.status, 200);
    assert!(got.body.get("client_secret").is_none(), "{}", got.body);
    let list = get(&app, "/clients").await;
    assert!(list
        .body
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c.get("client_secret").is_none()));
    assert!(!list.body.to_string().contains(secret));
}

fn full_client() -> Value {
    json!({
        "client_id": "full-client",
        "client_name": "Full Client",
        "client_secret": "a-given-secret",
        "redirect_uris": ["https://app.example/cb", "http://127.0.0.1:8080/cb"],
        "grant_types": ["authorization_code", "refresh_token", "client_credentials", "implicit",
                        "urn:ietf:params:oauth:grant-type:jwt-bearer"],
        "response_types": ["code", "code id_token", "token id_token"],
        "scope": "openid offline photos.read",
        "audience": ["https://api.example"],
        "owner": "team-a",
        "policy_uri": "https://app.example/policy",
        "allowed_cors_origins": ["https://app.example"],
        "tos_uri": "https://app.example/tos",
        "client_uri": "https://app.example",
        "logo_uri": "https://app.example/logo.png",
        "contacts": ["ops@app.example"],
        "client_secret_expires_at": 0,
        "subject_type": "pairwise",
        "jwks": {"keys": [{"kty": "oct", "kid": "k1", "k": "c2VjcmV0"}]},
        "jwks_uri": "",
        "token_endpoint_auth_method": "client_secret_post",
        "token_endpoint_auth_signing_alg": "RS256",
        "request_uris": ["https://app.example/request.jwt"],
        "request_object_signing_alg": "RS256",
        "userinfo_signed_response_alg": "RS256",
        "sector_identifier_uri": "https://app.example/sector.json",
        "post_logout_redirect_uris": ["https://app.example/bye"],
        "frontchannel_logout_uri": "https://app.example/fc",
        "frontchannel_logout_session_required": true,
        "backchannel_logout_uri": "https://app.example/bc",
        "backchannel_logout_session_required": true,
        "metadata": {"tier": "gold", "n": [1, 2]},
    })
}

/// Every field of `want` except the server-owned ones equals `got`'s.
fn assert_same_fields(want: &Value, got: &Value) {
    for (k, v) in want.as_object().unwrap() {
        if !["client_secret", "created_at", "updated_at"].contains(&k.as_str()) {
            assert_eq!(&got[k], v, "field {k}");
        }
    }
}

async fn every_field_round_trips_through_create_get_update_and_list(backend: Backend) {
    let app = app_or_skip!(backend);
    let body = full_client();
    let created = create(&app, body.clone()).await;
    assert_same_fields(&body, &created);
    assert_eq!(created["client_secret"], "a-given-secret");
    let got = get(&app, "/clients/full-client").await.body;
    assert_same_fields(&body, &got);
    assert_eq!(got["created_at"], created["created_at"]);

    let mut changed = body.clone();
    for (k, v) in [
        ("client_name", json!("Renamed")),
        ("redirect_uris", json!(["https://other.example/cb"])),
        (
            "post_logout_redirect_uris",
            json!(["https://other.example/bye"]),
        ),
        ("metadata", json!({"tier": "silver"})),
        ("jwks", Value::Null),
        ("jwks_uri", json!("https://other.example/jwks.json")),
        ("frontchannel_logout_session_required", json!(false)),
    ] {
        changed[k] = v;
    }
    changed.as_object_mut().unwrap().remove("client_secret");
    let updated = put(&app, "/clients/full-client", changed.clone()).await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_same_fields(&changed, &updated.body);
    assert!(updated.body.get("client_secret").is_none());
    let got = get(&app, "/clients/full-client").await.body;
    assert_same_fields(&changed, &got);
    assert_eq!(
        got["created_at"], created["created_at"],
        "created_at survives updates"
    );
    assert_rfc3339(&got["updated_at"]);

    let list = get(&app, "/clients").await.body;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_same_fields(&changed, &list[0]);
}

async fn the_admin_paths_serve_the_same_registry(backend: Backend) {
    let app = app_or_skip!(backend);
    let a = call(
        &app,
        reqwest::Method::POST,
        "/admin/clients",
        Some(json!({"client_id": "via-admin"})),
    )
    .await;
    assert_eq!(a.status, 201);
    assert_eq!(a.headers["location"], "/admin/clients/via-admin");
    assert!(a.body["client_secret"].is_string());
    assert_eq!(get(&app, "/clients/via-admin").await.status, 200);
    create(&app, json!({"client_id": "via-legacy"})).await;
    assert_eq!(get(&app, "/admin/clients/via-legacy").await.status, 200);

    let u = put(
        &app,
        "/admin/clients/via-legacy",
        json!({"client_name": "n"}),
    )
    .await;
    assert_eq!(u.status, 200);
    assert_eq!(u.body["client_name"], "n");
    let list = get(&app, "/admin/clients?limit=1").await;
    assert_eq!(list.status, 200);
    assert_eq!(list.headers["x-total-count"], "2");
    assert_eq!(
        list.headers["link"],
        r#"</admin/clients?limit=1&offset=1>; rel="next",</admin/clients?limit=1&offset=1>; rel="last""#
    );
    let d = call(
        &app,
        reqwest::Method::DELETE,
        "/admin/clients/via-admin",
        None,
    )
    .await;
    assert_eq!(d.status, 204);
    assert_eq!(get(&app, "/clients/via-admin").await.status, 404);
    assert_eq!(get(&app, "/admin/clients/via-admin").await.status, 404);
}

async fn the_stored_secret_is_an_argon2id_hash_and_never_the_secret(backend: Backend) {
    let app = app_or_skip!(backend);
    create(
        &app,
        json!({"client_id": "c1", "client_secret": "my-own-secret"}),
    )
    .await;
    let hash = stored_hash(&app, backend, "c1")
        .await
        .expect("a confidential client has a hash");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(!hash.contains("my-own-secret"));
    let got = get(&app, "/clients/c1").await.body;
    assert!(!got.to_string().contains("my-own-secret"));
    assert!(!got.to_string().contains("argon2"));
}

async fn update_keeps_the_secret_unless_a_new_one_is_given(backend: Backend) {
    let app = app_or_skip!(backend);
    let created = create(
        &app,
        json!({"client_id": "c1", "client_secret": "first-secret"}),
    )
    .await;
    let first = stored_hash(&app, backend, "c1").await.unwrap();

    // The path id wins over the body's.
    let u = put(
        &app,
        "/clients/c1",
        json!({"client_id": "other", "client_name": "x"}),
    )
    .await;
    assert_eq!(u.status, 200);
    assert_eq!(u.body["client_id"], "c1");
    assert!(
        u.body.get("client_secret").is_none(),
        "no new secret, none returned"
    );
    assert_eq!(u.body["created_at"], created["created_at"]);
    assert_eq!(stored_hash(&app, backend, "c1").await.unwrap(), first);
    assert_eq!(get(&app, "/clients/other").await.status, 404);

    let u = put(
        &app,
        "/clients/c1",
        json!({"client_secret": "second-secret"}),
    )
    .await;
    assert_eq!(u.status, 200);
    assert_eq!(
        u.body["client_secret"], "second-secret",
        "a new secret is shown once"
    );
    let second = stored_hash(&app, backend, "c1").await.unwrap();
    assert_ne!(second, first);
    assert!(second.starts_with("$argon2id$"));
    assert!(get(&app, "/clients/c1")
        .await
        .body
        .get("client_secret")
        .is_none());
}

async fn public_clients_have_no_secret(backend: Backend) {
    let app = app_or_skip!(backend);
    // As in Hydra, a secret given to a public client is ignored.
    let c = create(
        &app,
        json!({"client_id": "spa", "token_endpoint_auth_method": "none", "client_secret": "ignored-secret"}),
    )
    .await;
    assert!(c.get("client_secret").is_none(), "{c}");
    assert_eq!(stored_hash(&app, backend, "spa").await, None);

    // Becoming confidential without a secret generates one, shown once.
    let u = put(
        &app,
        "/clients/spa",
        json!({"token_endpoint_auth_method": "client_secret_post"}),
    )
    .await;
    assert_eq!(u.status, 200);
    assert!(u.body["client_secret"].as_str().unwrap().len() >= 32);
    assert!(stored_hash(&app, backend, "spa").await.is_some());
    // And becoming public again drops it.
    let u = put(
        &app,
        "/clients/spa",
        json!({"token_endpoint_auth_method": "none"}),
    )
    .await;
    assert!(u.body.get("client_secret").is_none());
    assert_eq!(stored_hash(&app, backend, "spa").await, None);
}

async fn a_duplicate_client_id_is_a_conflict(backend: Backend) {
    let app = app_or_skip!(backend);
    create(&app, json!({"client_id": "dup"})).await;
    let a = call(
        &app,
        reqwest::Method::POST,
        "/clients",
        Some(json!({"client_id": "dup"})),
    )
    .await;
    assert_eq!(a.status, 409);
    assert_eq!(a.body["status_code"], 409);
    assert!(a.body["error_description"]
        .as_str()
        .unwrap()
        .contains("client_id"));
}

async fn delete_is_no_content_then_not_found(backend: Backend) {
    let app = app_or_skip!(backend);
    create(&app, json!({"client_id": "gone"})).await;
    let d = call(&app, reqwest::Method::DELETE, "/clients/gone", None).await;
    assert_eq!(d.status, 204);
    assert_eq!(d.body, Value::Null);
    let again = call(&app, reqwest::Method::DELETE, "/clients/gone", None).await;
    assert_eq!(again.status, 404);
    assert_eq!(again.body["status_code"], 404);
    assert_eq!(get(&app, "/clients/gone").await.status, 404);
}

async fn unknown_ids_are_not_found_with_a_generic_error_body(backend: Backend) {
    let app = app_or_skip!(backend);
    for a in [
        get(&app, "/clients/nope").await,
        put(&app, "/clients/nope", json!({})).await,
        put(&app, "/admin/clients/nope", json!({})).await,
    ] {
        assert_eq!(a.status, 404);
        assert_eq!(a.body["error"], "Not Found");
        assert_eq!(a.body["status_code"], 404);
        assert!(a.body["error_description"].is_string());
    }
}

async fn every_validation_rule_is_a_400_naming_the_field(backend: Backend) {
    let app = app_or_skip!(backend);
    let cases = [
        (json!({"redirect_uris": ["/relative"]}), "redirect_uris"),
        (
            json!({"redirect_uris": ["https://a.example/cb#x"]}),
            "redirect_uris",
        ),
        (
            json!({"token_endpoint_auth_method": "client_secret_jwt"}),
            "token_endpoint_auth_method",
        ),
        (
            json!({"token_endpoint_auth_method": "private_key_jwt"}),
            "token_endpoint_auth_method",
        ),
        (
            json!({"jwks": {"keys": []}, "jwks_uri": "https://a.example/j"}),
            "jwks",
        ),
        (json!({"jwks": {"no": "keys"}}), "jwks"),
        (json!({"subject_type": "secret"}), "subject_type"),
        (json!({"client_secret": "short"}), "client_secret"),
        (json!({"grant_types": ["password"]}), "grant_types"),
        (json!({"response_types": ["code device"]}), "response_types"),
        (json!({"metadata": ["not", "an", "object"]}), "metadata"),
        (json!({"policy_uri": "policy"}), "policy_uri"),
        (json!({"tos_uri": "tos"}), "tos_uri"),
        (json!({"client_uri": "c"}), "client_uri"),
        (json!({"logo_uri": "l"}), "logo_uri"),
        (json!({"jwks_uri": "j"}), "jwks_uri"),
        (
            json!({"sector_identifier_uri": "s"}),
            "sector_identifier_uri",
        ),
        (
            json!({"frontchannel_logout_uri": "f"}),
            "frontchannel_logout_uri",
        ),
        (
            json!({"backchannel_logout_uri": "b"}),
            "backchannel_logout_uri",
        ),
        (
            json!({"redirect_uris": ["https://a.example/cb"], "post_logout_redirect_uris": ["bye"]}),
            "post_logout_redirect_uris",
        ),
        (
            json!({"userinfo_signed_response_alg": "HS256"}),
            "userinfo_signed_response_alg",
        ),
        (
            json!({"allowed_cors_origins": ["https://a.example/path"]}),
            "allowed_cors_origins",
        ),
    ];
    create(&app, json!({"client_id": "existing"})).await;
    for (body, field) in cases {
        for (method, path) in [
            (reqwest::Method::POST, "/clients"),
            (reqwest::Method::PUT, "/clients/existing"),
        ] {
            let a = call(&app, method.clone(), path, Some(body.clone())).await;
            assert_eq!(a.status, 400, "{method} {body}: {}", a.body);
            assert_eq!(a.body["error"], "invalid_client_metadata", "{body}");
            assert_eq!(a.body["status_code"], 400);
            let d = a.body["error_description"].as_str().unwrap();
            assert!(d.contains(field), "{body}: {d:?} must name {field}");
        }
    }
    let list = get(&app, "/clients").await.body;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "nothing invalid was stored"
    );
}

async fn listing_paginates_with_link_and_total_count_headers(backend: Backend) {
    let app = app_or_skip!(backend);
    for i in 0..5 {
        create(&app, json!({"client_id": format!("c{i}")})).await;
    }
    let page = get(&app, "/clients?limit=2&offset=2").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["x-total-count"], "5");
    assert_eq!(
        page.headers["link"],
        r#"</clients?limit=2&offset=0>; rel="first",</clients?limit=2&offset=4>; rel="next",</clients?limit=2&offset=0>; rel="prev",</clients?limit=2&offset=4>; rel="last""#
    );
    let ids: Vec<&str> = page
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["client_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["c2", "c3"], "creation order");

    let first = get(&app, "/clients?limit=2").await;
    assert_eq!(
        first.headers["link"],
        r#"</clients?limit=2&offset=2>; rel="next",</clients?limit=2&offset=4>; rel="last""#
    );
    let last = get(&app, "/clients?limit=2&offset=4").await;
    assert_eq!(last.body.as_array().unwrap().len(), 1);
    assert_eq!(
        last.headers["link"],
        r#"</clients?limit=2&offset=0>; rel="first",</clients?limit=2&offset=2>; rel="prev""#
    );
    // Defaults: 100 per page, so everything fits on one page.
    let all = get(&app, "/clients").await;
    assert_eq!(all.body.as_array().unwrap().len(), 5);
    assert_eq!(
        all.headers["link"],
        r#"</clients?limit=5&offset=0>; rel="first""#
    );
    // Unparsable values fall back to the defaults, as in Hydra.
    assert_eq!(
        get(&app, "/clients?limit=abc&offset=-3")
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

async fn listing_filters_by_client_name_and_owner(backend: Backend) {
    let app = app_or_skip!(backend);
    create(
        &app,
        json!({"client_id": "a", "client_name": "alpha", "owner": "team 1"}),
    )
    .await;
    create(
        &app,
        json!({"client_id": "b", "client_name": "beta", "owner": "team 1"}),
    )
    .await;
    create(
        &app,
        json!({"client_id": "c", "client_name": "alpha", "owner": "team 2"}),
    )
    .await;
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| c["client_id"].as_str().unwrap().to_string())
            .collect()
    };
    let by_owner = get(&app, "/clients?owner=team+1").await;
    assert_eq!(ids(&by_owner.body), ["a", "b"]);
    assert_eq!(by_owner.headers["x-total-count"], "2");
    assert_eq!(
        by_owner.headers["link"],
        r#"</clients?limit=2&offset=0&owner=team+1>; rel="first""#
    );
    assert_eq!(
        ids(&get(&app, "/clients?client_name=alpha").await.body),
        ["a", "c"]
    );
    assert_eq!(
        ids(
            &get(&app, "/admin/clients?client_name=alpha&owner=team%202")
                .await
                .body
        ),
        ["c"]
    );
    let none = get(&app, "/clients?owner=nobody").await;
    assert_eq!(none.body, json!([]));
    assert_eq!(none.headers["x-total-count"], "0");
}

async fn malformed_bodies_get_a_4xx_with_the_error_body(backend: Backend) {
    let app = app_or_skip!(backend, |s| s.serve.request_body_limit = 4096);
    create(&app, json!({"client_id": "existing"})).await;
    let raw = |method: reqwest::Method, path: &str, body: String| {
        app.http
            .request(method, app.admin_url(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let big = format!(r#"{{"client_name": "{}"}}"#, "x".repeat(10_000));
    let cases = [
        (r#"{"client_name": "#.to_string(), 400),
        ("not json at all".to_string(), 400),
        (r#"{"redirect_uris": "x"}"#.to_string(), 400),
        (r#"{"grant_types": [1, 2]}"#.to_string(), 400),
        (
            r#"{"frontchannel_logout_session_required": "yes"}"#.to_string(),
            400,
        ),
        (big, 413),
    ];
    for (body, status) in cases {
        for (method, path) in [
            (reqwest::Method::POST, "/clients"),
            (reqwest::Method::PUT, "/admin/clients/existing"),
        ] {
            let r = raw(method.clone(), path, body.clone()).await.unwrap();
            assert_eq!(r.status(), status, "{method} {path} {:.60}", body);
            let e: Value = r.json().await.unwrap();
            assert_eq!(e["status_code"], status);
            assert!(
                e["error"].is_string() && e["error_description"].is_string(),
                "{e}"
            );
        }
    }
    let e: Value = raw(
        reqwest::Method::POST,
        "/clients",
        r#"{"redirect_uris": "x"}"#.into(),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert!(
        e["error_description"]
            .as_str()
            .unwrap()
            .contains("redirect_uris"),
        "{e}"
    );
}

async fn a_malformed_path_id_is_a_400_and_a_corrupt_row_an_opaque_500(backend: Backend) {
    let app = app_or_skip!(backend);
    // Not UTF-8 once percent-decoded.
    let a = get(&app, "/clients/%FF").await;
    assert_eq!(a.status, 400);
    assert_eq!(a.body["status_code"], 400);

    create(&app, json!({"client_id": "c1"})).await;
    execute(
        &app,
        backend,
        "UPDATE clients SET redirect_uris = 'not json' WHERE id = 'c1'",
    )
    .await;
    for path in ["/clients/c1", "/clients"] {
        let a = get(&app, path).await;
        assert_eq!(a.status, 500, "{path}");
        assert_eq!(a.body["status_code"], 500);
        assert!(
            !a.body.to_string().contains("redirect_uris"),
            "no internals: {}",
            a.body
        );
    }
}

/// PostgreSQL refuses NUL in TEXT; whatever the backend, that is the caller's mistake.
async fn a_nul_character_in_an_id_body_or_filter_is_a_4xx_never_a_500(backend: Backend) {
    let app = app_or_skip!(backend);
    for (method, path, body) in [
        (reqwest::Method::GET, "/clients/a%00b", None),
        (reqwest::Method::PUT, "/clients/a%00b", Some(json!({}))),
        (reqwest::Method::DELETE, "/admin/clients/a%00b", None),
        (reqwest::Method::GET, "/clients?client_name=a%00b", None),
        (
            reqwest::Method::POST,
            "/clients",
            Some(json!({"client_name": "a\u{0}b"})),
        ),
        (
            reqwest::Method::POST,
            "/clients",
            Some(json!({"client_id": "a\u{0}b"})),
        ),
    ] {
        let a = call(&app, method.clone(), path, body).await;
        assert!(a.status.as_u16() < 500, "{method} {path}: {}", a.status);
        if !a.status.is_success() {
            assert_eq!(a.body["status_code"], a.status.as_u16(), "{method} {path}");
        }
    }
}

/// ory/x computes the links with Go's wrapping `int64`; an offset at the top of the range
/// must not overflow (a panic, answered 500) on an empty or a filtered-out listing.
async fn the_largest_offset_is_a_page_not_a_500(backend: Backend) {
    let app = app_or_skip!(backend);
    create(&app, json!({"client_id": "c1", "client_name": "x"})).await;
    for path in [
        "/clients?offset=9223372036854775807",
        "/clients?client_name=nobody&limit=1&offset=9223372036854775807",
    ] {
        let a = get(&app, path).await;
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        assert_eq!(a.body, json!([]), "{path}");
        assert!(a.headers["link"]
            .to_str()
            .unwrap()
            .contains("rel=\"first\""));
    }
}
