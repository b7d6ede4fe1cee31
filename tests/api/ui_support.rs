//! Driving the built-in pages like a browser: a user in the directory, a client, and
//! helpers that follow `/oauth2/auth` to the pages, read their forms and submit them.

#![allow(dead_code)]

use crate::flow_support::{location, param, CB, STATE};
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};

pub const PASSWORD: &str = "correct horse battery staple";

/// Creates a user over the admin API; `extra` adds or overrides profile fields.
pub async fn create_user(app: &TestApp, email: &str, extra: Value) -> Value {
    let mut body = json!({
        "email": email,
        "password": PASSWORD,
        "name": "Alice Liddell",
        "roles": ["admin", "ops"],
        "groups": ["eng"],
        "email_verified": true,
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = app
        .http
        .post(app.admin_url("/admin/users"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

/// A confidential web client allowed the claim scopes; `extra` overrides fields.
pub async fn create_web_client(app: &TestApp, id: &str, extra: Value) {
    let mut body = json!({
        "client_id": id,
        "client_name": "Photo Gallery",
        "client_secret": "a-client-secret-for-tests",
        "redirect_uris": [CB],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": "openid offline_access profile email roles groups photos.read",
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = app
        .http
        .post(app.admin_url("/clients"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

pub fn auth_url(app: &TestApp, client: &str, scope: &str) -> String {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", client)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", CB)
        .append_pair("scope", scope)
        .append_pair("state", STATE)
        .finish();
    app.public_url(&format!("/oauth2/auth?{q}"))
}

/// A page as the browser got it.
pub struct Page {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub html: String,
}

impl Page {
    /// The value of the form field `name` (hidden inputs and pre-filled ones).
    pub fn field(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\"");
        let at = self.html.find(&marker)?;
        let tag_end = self.html[at..].find('>')? + at;
        let tag = &self.html[at..tag_end];
        let v = tag.find("value=\"")? + "value=\"".len();
        let end = tag[v..].find('"')? + v;
        Some(unescape(&tag[v..end]))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

pub async fn get_page(b: &reqwest::Client, url: &str) -> Page {
    page(b.get(url).send().await.unwrap()).await
}

pub async fn page(r: reqwest::Response) -> Page {
    Page {
        status: r.status(),
        headers: r.headers().clone(),
        html: r.text().await.unwrap(),
    }
}

/// Follows `/oauth2/auth` to the built-in login page and loads it.
pub async fn open_login(app: &TestApp, b: &reqwest::Client, url: &str) -> Page {
    let to = location(&b.get(url).send().await.unwrap());
    assert!(to.starts_with(&app.public_url("/ui/login?")), "{to}");
    let p = get_page(b, &to).await;
    assert_eq!(p.status, 200, "{}", p.html);
    p
}

/// Posts a form to one of the pages.
pub async fn post(b: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
    b.post(url).form(form).send().await.unwrap()
}

/// Submits the login form of `p` with these credentials.
pub async fn submit_login(
    app: &TestApp,
    b: &reqwest::Client,
    p: &Page,
    email: &str,
    password: &str,
    remember: bool,
) -> reqwest::Response {
    let challenge = p.field("login_challenge").expect("a login_challenge field");
    let csrf = p.field("csrf_token").expect("a csrf_token field");
    let mut form = vec![
        ("login_challenge", challenge.as_str()),
        ("csrf_token", csrf.as_str()),
        ("email", email),
        ("password", password),
        ("action", "login"),
    ];
    if remember {
        form.push(("remember", "1"));
    }
    post(b, &app.public_url("/ui/login"), &form).await
}

/// After a successful login POST: back through `/oauth2/auth` to the consent page.
pub async fn to_consent_page(app: &TestApp, b: &reqwest::Client, r: reqwest::Response) -> Page {
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = r.headers()["location"].to_str().unwrap().to_string();
    let to = location(&b.get(&back).send().await.unwrap());
    assert!(to.starts_with(&app.public_url("/ui/consent?")), "{to}");
    let p = get_page(b, &to).await;
    assert_eq!(p.status, 200, "{}", p.html);
    p
}

/// Submits the consent form of `p` (`allow` or `deny`); returns where the browser ends up
/// after `/oauth2/auth` (the client's redirect URI).
pub async fn submit_consent(
    app: &TestApp,
    b: &reqwest::Client,
    p: &Page,
    action: &str,
    remember: bool,
) -> String {
    let challenge = p.field("consent_challenge").expect("a consent_challenge");
    let csrf = p.field("csrf_token").expect("a csrf_token");
    let mut form = vec![
        ("consent_challenge", challenge.as_str()),
        ("csrf_token", csrf.as_str()),
        ("action", action),
    ];
    if remember {
        form.push(("remember", "1"));
    }
    let r = post(b, &app.public_url("/ui/consent"), &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = r.headers()["location"].to_str().unwrap().to_string();
    location(&b.get(&back).send().await.unwrap())
}

/// Follows redirects by hand (the browser never does) until one leaves the server or a
/// page is shown; returns the last URL and whether it was a redirect out.
pub async fn follow_all(app: &TestApp, b: &reqwest::Client, start: &str) -> String {
    let mut url = start.to_string();
    for _ in 0..10 {
        if !url.starts_with(&app.public) {
            return url;
        }
        let r = b.get(&url).send().await.unwrap();
        if !r.status().is_redirection() {
            return url;
        }
        url = r.headers()["location"].to_str().unwrap().to_string();
    }
    panic!("too many redirects from {start}");
}

/// Exchanges the code at the token endpoint as the web client.
pub async fn exchange(app: &TestApp, client: &str, code: &str) -> Value {
    let r = app
        .http
        .post(app.public_url("/oauth2/token"))
        .basic_auth(client, Some("a-client-secret-for-tests"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CB),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

pub fn code_of(to: &str) -> String {
    assert!(to.starts_with(CB), "{to}");
    assert_eq!(param(to, "state").as_deref(), Some(STATE));
    param(to, "code").unwrap_or_else(|| panic!("no code in {to}"))
}
