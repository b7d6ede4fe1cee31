//! Implicit and hybrid requests that must fail, and where their errors go; the
//! `form_post` rendering of tokens; and what discovery advertises for them.

use crate::flow_implicit_support::{authorize, grant, implicit_client, url, ALL_TYPES, NONCE};
use crate::flow_support::{browser, count, follow, fragment_param, param, CB, STATE};
use crate::helpers::{Backend, TestApp};
use crate::tokens_support::{answer, half_hash, introspect, verify_jwt};
use crate::{app_or_skip, on_both_backends};
use serde_json::{json, Value};

on_both_backends!(
    a_missing_or_weak_nonce_is_reported_to_the_client_in_the_fragment,
    clients_without_implicit_or_the_response_type_are_refused,
    an_id_token_needs_the_openid_scope_requested_and_granted,
    form_post_renders_the_tokens_as_escaped_hidden_inputs,
    discovery_advertises_the_implicit_and_hybrid_response_types_and_no_introspection_on_a_wildcard_admin_host,
    discovery_advertises_introspection_when_the_admin_url_is_set,
);

/// Asserts `to` is an error for the client in the fragment (nothing reached login).
fn fragment_error(to: &str, error: &str) {
    assert!(to.starts_with(&format!("{CB}#")), "{to}");
    assert_eq!(fragment_param(to, "error").as_deref(), Some(error), "{to}");
    assert_eq!(fragment_param(to, "state").as_deref(), Some(STATE));
    for t in ["access_token", "id_token", "code"] {
        assert!(fragment_param(to, t).is_none(), "{to}");
    }
}

/// Asserts the browser went to the login app (the request was accepted).
fn at_login(app: &TestApp, to: &str) {
    assert!(to.starts_with(&app.public_url("/")), "{to}");
    assert!(param(to, "login_challenge").is_some(), "{to}");
}

async fn a_missing_or_weak_nonce_is_reported_to_the_client_in_the_fragment(backend: Backend) {
    let app = app_or_skip!(backend);
    implicit_client(&app, "app", json!({})).await;
    let b = browser();
    let nonce = format!("&nonce={NONCE}");
    for rt in [
        "id_token",
        "id_token token",
        "code id_token",
        "code id_token token",
    ] {
        let u = url(&app, "app", rt, "");
        let to = follow(&b, &u.replace(&nonce, "")).await;
        fragment_error(&to, "invalid_request");
        assert!(fragment_param(&to, "error_description")
            .unwrap()
            .contains("nonce"));
        let to = follow(&b, &u.replace(&nonce, "&nonce=short")).await;
        fragment_error(&to, "insufficient_entropy");
    }
    // Without an ID token the nonce is optional.
    for rt in ["token", "code token"] {
        let u = url(&app, "app", rt, "").replace(&nonce, "");
        at_login(&app, &follow(&b, &u).await);
    }
}

async fn clients_without_implicit_or_the_response_type_are_refused(backend: Backend) {
    let app = app_or_skip!(backend);
    let b = browser();
    implicit_client(
        &app,
        "noimplicit",
        json!({"grant_types": ["authorization_code"]}),
    )
    .await;
    for rt in ["token", "id_token", "code id_token", "code token"] {
        let to = follow(&b, &url(&app, "noimplicit", rt, "")).await;
        fragment_error(&to, "unauthorized_client");
    }
    // Registered as "token id_token": the order of the words does not matter, but the
    // combination does. Unregistered types are refused in the query.
    implicit_client(
        &app,
        "pair",
        json!({"response_types": ["code", "token id_token"]}),
    )
    .await;
    at_login(
        &app,
        &follow(&b, &url(&app, "pair", "id_token token", "")).await,
    );
    for rt in ["token", "id_token", "code id_token"] {
        let to = follow(&b, &url(&app, "pair", rt, "")).await;
        assert!(to.starts_with(&format!("{CB}?")), "{to}");
        assert_eq!(
            param(&to, "error").as_deref(),
            Some("unsupported_response_type")
        );
    }
    // Tokens never travel in the query.
    implicit_client(&app, "app", json!({})).await;
    for rt in ["token", "id_token", "code id_token"] {
        let to = follow(&b, &url(&app, "app", rt, "&response_mode=query")).await;
        fragment_error(&to, "unsupported_response_mode");
    }
}

async fn an_id_token_needs_the_openid_scope_requested_and_granted(backend: Backend) {
    let app = app_or_skip!(backend);
    implicit_client(&app, "app", json!({})).await;
    let b = browser();
    let u = url(&app, "app", "id_token token", "").replace("scope=openid+", "scope=");
    let to = follow(&b, &u).await;
    fragment_error(&to, "invalid_request");
    assert!(fragment_param(&to, "error_description")
        .unwrap()
        .contains("openid"));
    // Requested but not granted by the consent app: nothing is issued.
    let consent = json!({"grant_scope": ["photos.read"]});
    let r = authorize(&app, &url(&app, "app", "code id_token token", ""), consent).await;
    fragment_error(&crate::flow_support::location(&r), "access_denied");
    for table in ["oauth2_access_tokens", "oauth2_authorize_codes"] {
        let n = count(&app, &format!("SELECT COUNT(*) FROM {table}")).await;
        assert_eq!(n, 0, "{table}");
    }
    // Without an ID token, openid is not needed.
    let u = url(&app, "app", "token", "").replace("scope=openid+", "scope=");
    let r = authorize(&app, &u, json!({"grant_scope": ["photos.read"]})).await;
    let to = crate::flow_support::location(&r);
    assert!(fragment_param(&to, "access_token").is_some(), "{to}");
}

/// The `value` of the hidden input `name` in a form_post page, unescaped.
fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = start + html[start..].find('"')?;
    Some(
        html[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    )
}

async fn form_post_renders_the_tokens_as_escaped_hidden_inputs(backend: Backend) {
    let app = app_or_skip!(backend);
    implicit_client(&app, "app", json!({})).await;
    let state = "st<\"&'>ate-0123";
    let enc = url::form_urlencoded::byte_serialize(state.as_bytes()).collect::<String>();
    let u = url(
        &app,
        "app",
        "code id_token token",
        "&response_mode=form_post",
    )
    .replace(&format!("state={STATE}"), &format!("state={enc}"));
    let r = authorize(&app, &u, grant()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("<form method=\"post\" action=\"{CB}\">")));
    assert!(html.contains("name=\"state\" value=\"st&lt;&quot;&amp;&#39;&gt;ate-0123\""));
    assert!(!html.contains(state));
    assert_eq!(hidden(&html, "state").as_deref(), Some(state));
    assert_eq!(hidden(&html, "token_type").as_deref(), Some("bearer"));
    assert!(hidden(&html, "refresh_token").is_none());
    let at = hidden(&html, "access_token").unwrap();
    let code = hidden(&html, "code").unwrap();
    let claims = verify_jwt(&app, &hidden(&html, "id_token").unwrap(), Some("app")).await;
    assert_eq!(claims["nonce"], NONCE);
    assert_eq!(claims["at_hash"], half_hash(&at));
    assert_eq!(claims["c_hash"], half_hash(&code));
    assert_eq!(introspect(&app, &at, None).await.body["active"], true);
}

async fn discovery(app: &TestApp) -> [Value; 2] {
    let mut out = [Value::Null, Value::Null];
    for (i, p) in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ]
    .into_iter()
    .enumerate()
    {
        let a = answer(app.http.get(app.public_url(p)).send().await.unwrap()).await;
        assert_eq!(a.status, 200, "{p}: {}", a.text);
        out[i] = a.body;
    }
    out
}

/// A response type list as sets of words, sorted.
fn normalised(v: &Value) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let mut w: Vec<String> = t.as_str().unwrap().split(' ').map(String::from).collect();
            w.sort();
            w
        })
        .collect();
    out.sort();
    out
}

async fn discovery_advertises_the_implicit_and_hybrid_response_types_and_no_introspection_on_a_wildcard_admin_host(
    backend: Backend,
) {
    // Listening everywhere names no address a client could use (docs: urls.self.admin).
    let app = app_or_skip!(backend, |s| s.serve.admin.host = "0.0.0.0".into());
    for d in discovery(&app).await {
        let want = normalised(&json!(ALL_TYPES));
        assert_eq!(normalised(&d["response_types_supported"]), want, "{d}");
        assert_eq!(
            d["grant_types_supported"],
            json!([
                "authorization_code",
                "implicit",
                "client_credentials",
                "refresh_token",
                "urn:ietf:params:oauth:grant-type:device_code",
                "urn:ietf:params:oauth:grant-type:jwt-bearer"
            ])
        );
        assert_eq!(
            d["response_modes_supported"],
            json!(["query", "fragment", "form_post"])
        );
        assert!(d.get("introspection_endpoint").is_none(), "{d}");
        assert_eq!(d["revocation_endpoint"], app.public_url("/oauth2/revoke"));
    }
}

async fn discovery_advertises_introspection_when_the_admin_url_is_set(backend: Backend) {
    let app = app_or_skip!(backend, |s| {
        s.urls.self_.admin = Some("https://admin.example.com:4445/".into())
    });
    // RFC 8414 only: the OpenID configuration keeps to Hydra 1.9.2's `wellKnown` fields,
    // which its SDKs enforce (see sdk_shapes).
    let [_, rfc8414] = discovery(&app).await;
    assert_eq!(
        rfc8414["introspection_endpoint"],
        "https://admin.example.com:4445/oauth2/introspect"
    );
    // The advertised path is the one the admin router serves.
    let a = answer(
        app.http
            .post(app.admin_url("/oauth2/introspect"))
            .form(&[("token", "nothing")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (a.status.as_u16(), &a.body),
        (200, &json!({"active": false}))
    );
}
