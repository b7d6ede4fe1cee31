use super::*;
use crate::secret::Secret;

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
