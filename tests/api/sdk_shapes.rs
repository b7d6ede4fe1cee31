//! The exact JSON shapes Hydra 1.9.2's generated SDKs need. Their models refuse a field
//! they do not know and a `null` where they expect a value, so the 1.9.2 paths answer
//! with exactly the fields of the 1.9.2 swagger (`tests/sdk.rs` runs the real Python
//! SDK; these tests pin each shape it found wrong).

use crate::flow_support::*;
use crate::helpers::{Backend, TestApp};
use crate::{app_or_skip, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_backends!(
    a_client_without_jwks_or_metadata_omits_them_instead_of_null,
    login_consent_and_logout_requests_have_exactly_the_1_9_2_fields,
    the_admin_prefix_answers_exactly_the_v26_fields,
    the_openid_configuration_has_only_1_9_2_well_known_fields,
);

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    k.sort();
    k
}

const LOGIN_REQUEST: &[&str] = &[
    "challenge",
    "client",
    "oidc_context",
    "request_url",
    "requested_access_token_audience",
    "requested_scope",
    "session_id",
    "skip",
    "subject",
];
const CONSENT_REQUEST: &[&str] = &[
    "acr",
    "challenge",
    "client",
    "context",
    "login_challenge",
    "login_session_id",
    "oidc_context",
    "request_url",
    "requested_access_token_audience",
    "requested_scope",
    "skip",
    "subject",
];
const LOGOUT_REQUEST: &[&str] = &["request_url", "rp_initiated", "sid", "subject"];
const PREVIOUS_CONSENT_SESSION: &[&str] = &[
    "consent_request",
    "grant_access_token_audience",
    "grant_scope",
    "handled_at",
    "remember",
    "remember_for",
    "session",
];

async fn a_client_without_jwks_or_metadata_omits_them_instead_of_null(backend: Backend) {
    let app = app_or_skip!(backend);
    let created = create_client(&app, "plain", json!({})).await;
    for c in [
        created,
        admin(&app, Method::GET, "/clients/plain", None).await.body,
        admin(&app, Method::GET, "/clients", None).await.body[0].clone(),
    ] {
        assert!(c.get("jwks").is_none(), "{c}");
        assert!(c.get("metadata").is_none(), "{c}");
        assert!(c.as_object().unwrap().values().all(|v| !v.is_null()), "{c}");
    }
    // Set, they are there; cleared again (null), they are gone again.
    let mut body = json!({
        "client_id": "plain",
        "redirect_uris": [CB],
        "jwks": {"keys": []},
        "metadata": {"a": 1},
    });
    let a = admin(&app, Method::PUT, "/clients/plain", Some(body.clone())).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(a.body["jwks"], json!({"keys": []}));
    assert_eq!(a.body["metadata"], json!({"a": 1}));
    body["jwks"] = Value::Null;
    body["metadata"] = Value::Null;
    let a = admin(&app, Method::PUT, "/clients/plain", Some(body)).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert!(a.body.get("jwks").is_none() && a.body.get("metadata").is_none());
}

/// A remembered login and consent for `alice`; returns (login, consent) challenges,
/// both still readable.
async fn flow_until_consent(app: &TestApp, b: &reqwest::Client) -> (String, String) {
    let login = start(app, b, &auth_url(app, "app", "")).await;
    let to = decide(
        app,
        "login",
        "accept",
        &login,
        json!({"subject": "alice", "remember": true, "amr": ["pwd"]}),
    )
    .await;
    (login.clone(), to_consent(app, b, &to).await)
}

async fn get(app: &TestApp, path: &str) -> Value {
    let a = admin(app, Method::GET, path, None).await;
    assert_eq!(a.status, StatusCode::OK, "{path}: {:?}", a.body);
    a.body
}

async fn logout_challenge(app: &TestApp, b: &reqwest::Client) -> String {
    let to = follow(b, &app.public_url("/oauth2/sessions/logout")).await;
    param(&to, "logout_challenge").expect("a logout challenge")
}

async fn login_consent_and_logout_requests_have_exactly_the_1_9_2_fields(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let login = start(&app, &b, &auth_url(&app, "app", "")).await;
    let l = get(
        &app,
        &format!("/oauth2/auth/requests/login?challenge={login}"),
    )
    .await;
    assert_eq!(keys(&l), sorted(LOGIN_REQUEST));
    assert!(l["client"].get("jwks").is_none());

    let (_, consent) = flow_until_consent(&app, &b).await;
    let c = get(
        &app,
        &format!("/oauth2/auth/requests/consent?challenge={consent}"),
    )
    .await;
    assert_eq!(
        keys(&c),
        sorted(CONSENT_REQUEST),
        "no amr before Hydra 1.10"
    );
    let body = json!({"grant_scope": ["openid"], "remember": true, "remember_for": 3600});
    let to = decide(&app, "consent", "accept", &consent, body).await;
    assert_code(&app, &follow(&b, &to).await);

    let sessions = get(&app, "/oauth2/auth/sessions/consent?subject=alice").await;
    assert_eq!(keys(&sessions[0]), sorted(PREVIOUS_CONSENT_SESSION));
    assert_eq!(
        keys(&sessions[0]["consent_request"]),
        sorted(CONSENT_REQUEST)
    );

    let logout = logout_challenge(&app, &b).await;
    let r = get(
        &app,
        &format!("/oauth2/auth/requests/logout?logout_challenge={logout}"),
    )
    .await;
    assert_eq!(
        keys(&r),
        sorted(LOGOUT_REQUEST),
        "no challenge before Hydra 1.10"
    );
    assert_eq!(r["subject"], "alice");
}

/// Hydra v26's `oAuth2ConsentRequest` and `oAuth2LogoutRequest`, field for field.
async fn the_admin_prefix_answers_exactly_the_v26_fields(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let b = browser();
    let (_, consent) = flow_until_consent(&app, &b).await;
    let c = get(
        &app,
        &format!("/admin/oauth2/auth/requests/consent?consent_challenge={consent}"),
    )
    .await;
    let mut v2_consent = CONSENT_REQUEST.to_vec();
    v2_consent.extend(["amr", "consent_request_id"]);
    assert_eq!(keys(&c), sorted(&v2_consent));
    assert_eq!(c["amr"], json!(["pwd"]));
    let mut accept = accept_all();
    accept["context"] = json!({"shown": "the consent app's"});
    let to = decide(&app, "consent", "accept", &consent, accept).await;
    assert_code(&app, &follow(&b, &to).await);
    let sessions = get(&app, "/admin/oauth2/auth/sessions/consent?subject=alice").await;
    let mut v2_session = PREVIOUS_CONSENT_SESSION.to_vec();
    v2_session.extend(["consent_request_id", "context"]);
    assert_eq!(keys(&sessions[0]), sorted(&v2_session));
    assert_eq!(
        sessions[0]["context"],
        json!({"shown": "the consent app's"})
    );
    assert_eq!(sessions[0]["consent_request"]["amr"], json!(["pwd"]));
    assert_eq!(keys(&sessions[0]["consent_request"]), sorted(&v2_consent));
    let old = get(&app, "/oauth2/auth/sessions/consent?subject=alice").await;
    assert_eq!(keys(&old[0]), sorted(PREVIOUS_CONSENT_SESSION));

    let logout = logout_challenge(&app, &b).await;
    let r = get(
        &app,
        &format!("/admin/oauth2/auth/requests/logout?logout_challenge={logout}"),
    )
    .await;
    let mut v2_logout = LOGOUT_REQUEST.to_vec();
    v2_logout.extend(["challenge", "client", "requested_at", "expires_at"]);
    assert_eq!(keys(&r), sorted(&v2_logout));
    assert_eq!(r["challenge"], logout.as_str());
    assert_eq!(r["client"], Value::Null, "the OP started this logout");
    let at = |f: &str| {
        time::OffsetDateTime::parse(
            r[f].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    };
    assert!(at("expires_at") > at("requested_at"));
}

async fn the_openid_configuration_has_only_1_9_2_well_known_fields(backend: Backend) {
    let app = app_or_skip!(backend);
    // Everyone else gets the full document (tokens_admin::discovery_documents_…).
    let r = app
        .http
        .get(app.public_url("/.well-known/openid-configuration"))
        .header("user-agent", "OpenAPI-Generator/v1.9.2/python")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let d: Value = r.json().await.unwrap();
    let allowed = [
        "authorization_endpoint",
        "backchannel_logout_session_supported",
        "backchannel_logout_supported",
        "claims_parameter_supported",
        "claims_supported",
        "end_session_endpoint",
        "frontchannel_logout_session_supported",
        "frontchannel_logout_supported",
        "grant_types_supported",
        "id_token_signing_alg_values_supported",
        "issuer",
        "jwks_uri",
        "registration_endpoint",
        "request_object_signing_alg_values_supported",
        "request_parameter_supported",
        "request_uri_parameter_supported",
        "require_request_uri_registration",
        "response_modes_supported",
        "response_types_supported",
        "revocation_endpoint",
        "scopes_supported",
        "subject_types_supported",
        "token_endpoint",
        "token_endpoint_auth_methods_supported",
        "userinfo_endpoint",
        "userinfo_signing_alg_values_supported",
    ];
    for k in keys(&d) {
        assert!(
            allowed.contains(&k.as_str()),
            "{k} is not in Hydra 1.9.2's wellKnown"
        );
    }
    // What the 1.9.2 document cannot carry is in the RFC 8414 one.
    let r = app
        .http
        .get(app.public_url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap();
    let m: Value = r.json().await.unwrap();
    assert_eq!(m["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(m["authorization_response_iss_parameter_supported"], true);
}
