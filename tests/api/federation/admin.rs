//! Providers through the admin API (`/identity/providers`, also under `/admin`): seed
//! 004's summary, the secret shown once and kept on update, sealed at rest; providers
//! from the configuration are read-only; a provider created here can be signed in with.

use super::fake_support::*;
use super::fake_upstream::FakeUpstream;
use super::support::*;
use crate::flow_support::{admin, Answer};
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use base64::Engine;
use portcullis::store::{Dsn, Store};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_backends!(
    a_provider_created_through_the_api_is_summarised_and_can_be_signed_in_with,
    updating_without_a_secret_keeps_the_stored_one_and_deleting_removes_it,
    the_provider_routes_are_also_served_under_admin,
    configured_providers_are_read_only_and_ids_are_unique,
    invalid_provider_bodies_are_refused_naming_the_field,
    the_stored_client_secret_is_not_in_the_database_in_plain_text,
    an_issuer_already_used_is_a_conflict_and_switching_to_public_drops_the_secret,
);

/// A provider's settings for the API: the fake as [`PROVIDER`].
pub fn api_body(fake: &FakeUpstream) -> Value {
    json!({
        "id": PROVIDER,
        "display_name": "Corp through the API",
        "issuer": fake.issuer(),
        "client_id": FAKE_CLIENT,
        "client_secret": FAKE_SECRET,
        "scopes": ["openid", "email", "profile"],
        "auth_query_params": {"prompt": ["consent"]},
        "create_users": true,
        "timeout": "2s",
    })
}

/// The fake, and a server under test without configured providers.
pub async fn fake_and_empty_server(backend: Backend) -> Option<(FakeUpstream, TestApp)> {
    let fake = FakeUpstream::start(fake_config()).await;
    let down = downstream(backend, vec![], |_| {}).await?;
    fake.add_redirect_uri(&callback_url(&down));
    Some((fake, down))
}

pub async fn create(down: &TestApp, base: &str, body: Value) -> Answer {
    admin(down, Method::POST, base, Some(body)).await
}

async fn a_provider_created_through_the_api_is_summarised_and_can_be_signed_in_with(
    backend: Backend,
) {
    let Some((fake, down)) = fake_and_empty_server(backend).await else {
        return;
    };
    let a = create(&down, "/identity/providers", api_body(&fake)).await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    assert_eq!(a.body["id"], PROVIDER);
    assert_eq!(a.body["source"], "api");
    assert_eq!(a.body["status"], "ok");
    let oidc = a.body["oidc"].as_object().unwrap();
    let mut fields: Vec<&str> = oidc.keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "auth_endpoint",
            "auth_query_params",
            "authentication_header",
            "client_id",
            "discovery_endpoint",
            "logout_endpoint",
            "token_endpoint"
        ]
    );
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{FAKE_CLIENT}:{FAKE_SECRET}"));
    assert_eq!(oidc["authentication_header"], format!("Basic {basic}"));
    assert_eq!(oidc["discovery_endpoint"], fake.discovery_url());
    assert_eq!(oidc["auth_endpoint"], fake.authorization_endpoint());
    assert_eq!(oidc["token_endpoint"], fake.token_endpoint());
    assert_eq!(oidc["logout_endpoint"], fake.end_session_endpoint());
    assert_eq!(oidc["client_id"], FAKE_CLIENT);
    assert_eq!(
        oidc["auth_query_params"],
        json!({"auth_query_params": {"prompt": ["consent"]}})
    );

    // Read back: the header redacted, the rest the same.
    let one = admin(
        &down,
        Method::GET,
        &format!("/identity/providers/{PROVIDER}"),
        None,
    )
    .await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(
        one.body["oidc"]["authentication_header"],
        "Basic [redacted]"
    );
    assert_eq!(one.body["status"], "ok");
    assert_eq!(one.body["oidc"]["auth_endpoint"], oidc["auth_endpoint"]);
    let list = admin(&down, Method::GET, "/identity/providers", None).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    assert_eq!(list.body[0], one.body);

    // Its button is on the login page, and it signs people in.
    let b = crate::flow_support::browser();
    let page = open_login_page(&b, &down, &[]).await;
    assert!(page.html.contains("Corp through the API"), "{}", page.html);
    let at = press_provider_button(&b, &down, &page, false).await;
    assert!(at.contains("prompt=consent"), "{at}");
    let back = at_fake(&b, &fake, &at).await;
    let done = finish_at_downstream(&b, &down, &back).await;
    let claims = id_token_claims(&down, &done).await;
    assert_eq!(claims["email"], "alice@example.org");
    assert_eq!(users(&down).await.len(), 1);
}

async fn updating_without_a_secret_keeps_the_stored_one_and_deleting_removes_it(backend: Backend) {
    let Some((fake, down)) = fake_and_empty_server(backend).await else {
        return;
    };
    let path = format!("/identity/providers/{PROVIDER}");
    assert_eq!(
        create(&down, "/identity/providers", api_body(&fake))
            .await
            .status,
        StatusCode::CREATED
    );
    let mut body = api_body(&fake);
    body.as_object_mut().unwrap().remove("client_secret");
    body["display_name"] = json!("Renamed");
    let a = admin(&down, Method::PUT, &path, Some(body)).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(a.body["display_name"], "Renamed");
    assert_eq!(a.body["oidc"]["authentication_header"], "Basic [redacted]");

    // The fake checks the secret: the sign-in works with the kept one.
    sign_in_fake(&down, &fake).await;
    let basic = fake.token_requests()[0]
        .header("authorization")
        .unwrap()
        .to_string();
    let expected =
        base64::engine::general_purpose::STANDARD.encode(format!("{FAKE_CLIENT}:{FAKE_SECRET}"));
    assert_eq!(basic, format!("Basic {expected}"));

    let a = admin(&down, Method::DELETE, &path, None).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert_eq!(
        admin(&down, Method::GET, &path, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin(&down, Method::DELETE, &path, None).await.status,
        StatusCode::NOT_FOUND
    );
    let list = admin(&down, Method::GET, "/identity/providers", None).await;
    assert_eq!(list.body, json!([]));
    // Nothing to replace any more.
    let a = admin(&down, Method::PUT, &path, Some(api_body(&fake))).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{:?}", a.body);
}

async fn the_provider_routes_are_also_served_under_admin(backend: Backend) {
    let Some((fake, down)) = fake_and_empty_server(backend).await else {
        return;
    };
    let base = "/admin/identity/providers";
    let path = format!("{base}/{PROVIDER}");
    let a = create(&down, base, api_body(&fake)).await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    let one = admin(&down, Method::GET, &path, None).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(
        one.body["oidc"]["authentication_header"],
        "Basic [redacted]"
    );
    // The same provider under both prefixes.
    let plain = admin(&down, Method::GET, "/identity/providers", None).await;
    assert_eq!(admin(&down, Method::GET, base, None).await.body, plain.body);
    let mut body = api_body(&fake);
    body["display_name"] = json!("Renamed");
    let a = admin(&down, Method::PUT, &path, Some(body)).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(a.body["display_name"], "Renamed");
    assert_eq!(
        admin(&down, Method::DELETE, &path, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin(&down, Method::GET, &path, None).await.status,
        StatusCode::NOT_FOUND
    );
}

/// Hydra's genericError with `status`.
fn assert_generic_error(a: &Answer, status: StatusCode) {
    assert_eq!(a.status, status, "{:?}", a.body);
    assert_eq!(a.body["status_code"], status.as_u16(), "{:?}", a.body);
    assert!(a.body["error"].is_string(), "{:?}", a.body);
    assert!(a.body["error_description"].is_string(), "{:?}", a.body);
}

async fn configured_providers_are_read_only_and_ids_are_unique(backend: Backend) {
    let Some((fake, down)) = default_fake(backend).await else {
        return;
    };
    let path = format!("/identity/providers/{PROVIDER}");
    let one = admin(&down, Method::GET, &path, None).await;
    assert_eq!(one.body["source"], "configuration");
    for prefix in ["", "/admin"] {
        let p = format!("{prefix}{path}");
        let a = admin(&down, Method::PUT, &p, Some(api_body(&fake))).await;
        assert_generic_error(&a, StatusCode::CONFLICT);
        assert!(a.body["error_description"]
            .as_str()
            .unwrap()
            .contains("configuration"));
        assert_generic_error(
            &admin(&down, Method::DELETE, &p, None).await,
            StatusCode::CONFLICT,
        );
    }
    // The configured id is taken; so is an id stored through the API.
    let a = create(&down, "/identity/providers", api_body(&fake)).await;
    assert_generic_error(&a, StatusCode::CONFLICT);
    // Another issuer: the configured provider's is taken too (links are by issuer).
    let mut other = api_body(&fake);
    other["id"] = json!("other");
    other["issuer"] = json!("http://127.0.0.1:9/other");
    let first = create(&down, "/identity/providers", other.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    assert_generic_error(
        &create(&down, "/identity/providers", other).await,
        StatusCode::CONFLICT,
    );
    // Still there, unchanged.
    assert_eq!(admin(&down, Method::GET, &path, None).await.body, one.body);
}

async fn invalid_provider_bodies_are_refused_naming_the_field(backend: Backend) {
    let Some((fake, down)) = fake_and_empty_server(backend).await else {
        return;
    };
    let with = |k: &str, v: Value| {
        let mut b = api_body(&fake);
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("id", json!("Not An Id")), "id"),
        (with("issuer", json!("http://idp.example.com")), "issuer"),
        (
            with("auth_query_params", json!({"state": ["x"]})),
            "auth_query_params",
        ),
        (with("scopes", json!(["email"])), "scopes"),
        (
            with("authentication_method", json!("private_key_jwt")),
            "authentication_method",
        ),
        (
            with("client_secret_file", json!("/etc/passwd")),
            "client_secret_file",
        ),
        (
            with("client_secret_env", json!("HOME")),
            "client_secret_env",
        ),
    ] {
        let a = create(&down, "/identity/providers", body).await;
        assert_generic_error(&a, StatusCode::BAD_REQUEST);
        let said = a.body["error_description"].as_str().unwrap();
        assert!(said.contains(field), "{field}: {said}");
    }
    // A secret file or variable is refused on update as well.
    assert_eq!(
        create(&down, "/identity/providers", api_body(&fake))
            .await
            .status,
        StatusCode::CREATED
    );
    let mut body = api_body(&fake);
    body.as_object_mut().unwrap().remove("client_secret");
    body["client_secret_env"] = json!("HOME");
    let path = format!("/identity/providers/{PROVIDER}");
    let a = admin(&down, Method::PUT, &path, Some(body)).await;
    assert_generic_error(&a, StatusCode::BAD_REQUEST);
    assert!(a.body["error_description"]
        .as_str()
        .unwrap()
        .contains("client_secret_env"));
    // An unknown field, or no JSON at all, is a 400 too.
    let a = create(&down, "/identity/providers", with("colour", json!("blue"))).await;
    assert_generic_error(&a, StatusCode::BAD_REQUEST);
    let r = down
        .http
        .post(down.admin_url("/identity/providers"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

async fn the_stored_client_secret_is_not_in_the_database_in_plain_text(backend: Backend) {
    let Some((fake, down)) = fake_and_empty_server(backend).await else {
        return;
    };
    assert_eq!(
        create(&down, "/identity/providers", api_body(&fake))
            .await
            .status,
        StatusCode::CREATED
    );
    let store = Store::connect(&Dsn::parse(&down.dsn).unwrap())
        .await
        .unwrap();
    let row = store.provider_get(PROVIDER).await.unwrap().expect("stored");
    assert!(!row.definition.contains(FAKE_SECRET), "{}", row.definition);
    let sealed = row.client_secret.expect("a sealed secret");
    let secret = FAKE_SECRET.as_bytes();
    assert!(sealed.len() > secret.len());
    assert!(
        !sealed.windows(secret.len()).any(|w| w == secret),
        "the secret is stored in plain text"
    );
}

/// Links are by (issuer, subject), so two providers for one issuer would share them:
/// the configuration refuses that at start, and the API now does too. A PUT to
/// `authentication_method: none` without a secret used to fail because the stored
/// secret was kept; it is dropped instead.
async fn an_issuer_already_used_is_a_conflict_and_switching_to_public_drops_the_secret(
    backend: Backend,
) {
    let Some((fake, down)) = fake_and_empty_server(backend).await else {
        return;
    };
    let a = create(&down, "/identity/providers", api_body(&fake)).await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    let mut twin = api_body(&fake);
    twin["id"] = json!("twin");
    twin["issuer"] = json!(format!("{}/", fake.issuer().trim_end_matches('/')));
    let a = create(&down, "/identity/providers", twin).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{:?}", a.body);
    assert!(
        a.body["error_description"]
            .as_str()
            .unwrap()
            .contains(PROVIDER),
        "{:?}",
        a.body
    );

    let mut public = api_body(&fake);
    public.as_object_mut().unwrap().remove("client_secret");
    public["authentication_method"] = json!("none");
    let path = format!("/identity/providers/{PROVIDER}");
    let a = admin(&down, Method::PUT, &path, Some(public)).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    // A public client sends no secret: no header to show.
    assert_eq!(a.body["oidc"]["authentication_header"], "", "{:?}", a.body);
}
