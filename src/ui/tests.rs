use super::*;
use crate::crypto::SystemKeys;
use crate::secret::Secret;
use crate::user::User;

fn keys() -> SystemKeys {
    SystemKeys::derive(&[Secret::new("system-secret-for-ui-tests")])
}

fn cookie_config() -> CookieConfig {
    let mut s = Settings::default();
    s.urls.self_.issuer = Some("https://op.example/".into());
    CookieConfig::new(&s, &keys())
}

fn jar(set_cookies: &[String]) -> RequestCookies {
    RequestCookies::parse(set_cookies.iter().filter_map(|c| c.split(';').next()))
}

#[test]
fn builtin_urls_fill_only_what_is_not_configured() {
    let mut s = Settings::default();
    s.urls.self_.issuer = Some("https://op.example/".into());
    s.urls.consent = Some("https://consent.example/app".into());
    let s = with_builtin_urls(s);
    assert_eq!(s.urls.login.as_deref(), Some("https://op.example/ui/login"));
    assert_eq!(
        s.urls.consent.as_deref(),
        Some("https://consent.example/app")
    );
    assert_eq!(
        s.urls.logout.as_deref(),
        Some("https://op.example/ui/logout")
    );
    assert_eq!(s.urls.error, None);

    let mut off = Settings::default();
    off.identity.ui.enabled = false;
    let off = with_builtin_urls(off);
    assert_eq!(off.urls.login, None);
}

#[test]
fn csrf_tokens_bind_the_cookie_and_the_challenge() {
    let c = cookie_config();
    let k = keys();
    let empty = RequestCookies::default();
    let fresh = csrf::CsrfSession::from_jar(&c, &empty);
    assert_eq!(fresh.set_cookies.len(), 1);
    assert!(fresh.set_cookies[0].contains("HttpOnly"));
    let token = fresh.token(&k, "challenge-1");
    let browser = jar(&fresh.set_cookies);

    assert!(csrf::verify(&c, &k, &browser, "challenge-1", &token));
    // Another challenge, no cookie, an empty or altered token: refused.
    assert!(!csrf::verify(&c, &k, &browser, "challenge-2", &token));
    assert!(!csrf::verify(&c, &k, &empty, "challenge-1", &token));
    assert!(!csrf::verify(&c, &k, &browser, "challenge-1", ""));
    assert!(!csrf::verify(&c, &k, &browser, "challenge-1", &token[1..]));
    // Another browser's cookie does not go with this token.
    let other = csrf::CsrfSession::from_jar(&c, &empty);
    assert!(!csrf::verify(
        &c,
        &k,
        &jar(&other.set_cookies),
        "challenge-1",
        &token
    ));
    // A browser with a cookie keeps it (several tabs share one nonce).
    let again = csrf::CsrfSession::from_jar(&c, &browser);
    assert!(again.set_cookies.is_empty());
    assert_eq!(again.token(&k, "challenge-1"), token);
}

#[test]
fn pages_escape_what_they_show_and_refuse_unsafe_links() {
    let p = html::page("<x>", &html::alert("\"'&<script>"));
    assert!(p.contains("<title>&lt;x&gt;</title>"));
    assert!(p.contains("&quot;&#39;&amp;&lt;script&gt;"));
    assert!(!p.contains("<script>"));
    let h = html::client_header("lead", "<b>n</b>", "javascript:alert(1)");
    assert!(!h.contains("<img") && h.contains("&lt;b&gt;n&lt;/b&gt;"));
    let h = html::client_header("lead", "n", "https://cdn.example/logo.png?a=1&b=\"2\"");
    assert!(h.contains("src=\"https://cdn.example/logo.png?a=1&amp;b=&quot;2&quot;\""));
    assert!(html::content_security_policy().contains("style-src 'sha256-"));
    assert!(!html::content_security_policy().contains("unsafe-inline"));
}

#[test]
fn the_error_page_shows_only_the_error_fields_escaped() {
    let r = error::show([
        ("error", "<script>x</script>"),
        ("error_description", "bad \"thing\""),
        ("other", "<img>"),
    ]);
    let UiBody::Html(body) = r.body else {
        panic!("not html")
    };
    assert!(body.contains("&lt;script&gt;x&lt;/script&gt;"));
    assert!(body.contains("bad &quot;thing&quot;"));
    assert!(!body.contains("<img>") && !body.contains("<script>"));
}

#[test]
fn scopes_release_their_claims_only() {
    let user = User {
        id: uuid::Uuid::nil(),
        email: "a@example.com".into(),
        name: "Alice".into(),
        roles: vec!["admin".into()],
        groups: vec!["staff".into()],
        email_verified: true,
        disabled: false,
        created_at: 0,
        updated_at: 0,
    };
    let s = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let none = claims::for_scopes(&user, &s(&["openid"]));
    assert!(none.is_empty());
    let all = claims::for_scopes(
        &user,
        &s(&["openid", "profile", "email", "roles", "groups"]),
    );
    assert_eq!(all["name"], "Alice");
    assert_eq!(all["email"], "a@example.com");
    assert_eq!(all["email_verified"], true);
    assert_eq!(all["roles"], serde_json::json!(["admin"]));
    assert_eq!(all["groups"], serde_json::json!(["staff"]));
    let email = claims::for_scopes(&user, &s(&["email"]));
    assert!(email.contains_key("email") && !email.contains_key("name"));
}

#[test]
fn identity_settings_come_from_the_environment_under_their_documented_names() {
    let env: std::collections::HashMap<String, String> = [
        ("IDENTITY_UI_ENABLED", "false"),
        ("IDENTITY_UI_REMEMBER_FOR", "2h"),
        ("IDENTITY_FIRST_PARTY_ENABLED", "false"),
        ("IDENTITY_FIRST_PARTY_CLIENT_ID", "cli"),
        (
            "IDENTITY_FIRST_PARTY_REDIRECT_URI",
            "http://127.0.0.1:53593/callback",
        ),
        ("IDENTITY_FIRST_PARTY_SCOPES", "openid,roles"),
        (
            "IDENTITY_FIRST_PARTY_AUTHORIZATION_METADATA_KEY",
            "flyte-authorization",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let s = crate::config::load_from(None, &env).unwrap().settings;
    assert!(!s.identity.ui.enabled);
    assert_eq!(s.identity.ui.remember_for.as_secs(), 7200);
    let fp = &s.identity.first_party;
    assert!(!fp.enabled);
    assert_eq!(fp.client_id.as_deref(), Some("cli"));
    assert_eq!(
        fp.redirect_uri.as_deref(),
        Some("http://127.0.0.1:53593/callback")
    );
    assert_eq!(fp.scopes, ["openid", "roles"]);
    assert_eq!(fp.authorization_metadata_key, "flyte-authorization");

    let defaults = Settings::default();
    assert!(defaults.identity.ui.enabled && defaults.identity.first_party.enabled);
    assert_eq!(defaults.identity.ui.remember_for.as_secs(), 720 * 3600);
}
