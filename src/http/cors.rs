//! CORS headers, by the rules in `protocol::cors`: the configured origins on every
//! endpoint (named origins only on the pages and the first-party API), and on the
//! token, revocation and userinfo endpoints also the origins the requesting client
//! registered in `allowed_cors_origins`.
//!
//! The requesting client is found as Hydra finds it (HTTP Basic user name, or the
//! client an access token was issued to), and also by the `client_id` form parameter,
//! so a public single-page client can read its own token answers. This lookup only
//! decides whether the browser may read the answer; the endpoint still authenticates
//! the client as always.

use crate::config::Cors;
use crate::protocol::client_auth::basic_credentials;
use crate::protocol::cors::{client_allows, public_scope, Allowed, CorsRules, Scope};
use crate::protocol::form::Params;
use crate::service::clients::Clients;
use crate::service::oauth2::OAuth2;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Form bodies larger than this are not read for a `client_id` (token requests are a
/// few hundred bytes).
const MAX_SNIFFED_BODY: usize = 16 * 1024;

#[derive(Clone)]
pub struct CorsState(Arc<Parts>);

struct Parts {
    rules: CorsRules,
    methods: HeaderValue,
    headers: HeaderValue,
    exposed: Option<HeaderValue>,
    max_age: Option<HeaderValue>,
    /// Set on the public router: where clients' own origins are looked up.
    clients: Option<(Clients, OAuth2)>,
}

impl CorsState {
    pub fn new(c: &Cors, clients: Option<(Clients, OAuth2)>) -> CorsState {
        let list = |xs: &[String]| HeaderValue::from_str(&xs.join(", ")).ok();
        CorsState(Arc::new(Parts {
            rules: CorsRules::new(c),
            methods: list(&c.allowed_methods).unwrap_or(HeaderValue::from_static("GET, POST")),
            headers: list(&c.allowed_headers)
                .unwrap_or(HeaderValue::from_static("Authorization, Content-Type")),
            exposed: list(&c.exposed_headers).filter(|v| !v.is_empty()),
            max_age: (c.max_age > 0).then(|| HeaderValue::from(c.max_age)),
            clients,
        }))
    }

    fn scope(&self, path: &str) -> Scope {
        if self.0.clients.is_some() {
            public_scope(path)
        } else {
            Scope::Open
        }
    }
}

pub async fn middleware(State(st): State<CorsState>, req: Request, next: Next) -> Response {
    let scope = st.scope(req.uri().path());
    // Whether the answer can depend on `Origin` at all (for caches).
    let varies = st.0.rules.enabled() || scope == Scope::Client;
    let Some(origin) = origin(req.headers()) else {
        return vary(next.run(req).await, varies);
    };
    let mut allowed = st.0.rules.configured(scope, &origin);

    let preflight = req.method() == Method::OPTIONS
        && req.headers().contains_key("access-control-request-method");
    if preflight {
        // A preflight carries no credentials, so the client is unknown: allow it on the
        // client endpoints (as Hydra does) and let the real request decide.
        if allowed.is_none() && scope == Scope::Client {
            allowed = Some(Allowed { credentials: false });
        }
        return match allowed {
            Some(a) => vary(preflight_answer(&st.0, &origin, a), true),
            None => vary(next.run(req).await, varies),
        };
    }

    let req = if allowed.is_none() && scope == Scope::Client {
        let (req, ok) = client_allowed(&st.0, req, &origin).await;
        if ok {
            allowed = Some(Allowed { credentials: false });
        }
        req
    } else {
        req
    };
    let mut res = next.run(req).await;
    if let Some(a) = allowed {
        allow(res.headers_mut(), &origin, a);
        if let Some(e) = &st.0.exposed {
            res.headers_mut()
                .insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, e.clone());
        }
    }
    vary(res, varies)
}

fn origin(h: &HeaderMap) -> Option<String> {
    let o = h.get(header::ORIGIN)?.to_str().ok()?;
    (!o.is_empty() && o.len() <= 512).then(|| o.to_string())
}

fn preflight_answer(p: &Parts, origin: &str, a: Allowed) -> Response {
    let mut res = StatusCode::NO_CONTENT.into_response();
    let h = res.headers_mut();
    allow(h, origin, a);
    h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, p.methods.clone());
    h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, p.headers.clone());
    if let Some(m) = &p.max_age {
        h.insert(header::ACCESS_CONTROL_MAX_AGE, m.clone());
    }
    res
}

fn allow(h: &mut HeaderMap, origin: &str, a: Allowed) {
    if let Ok(v) = HeaderValue::from_str(origin) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        if a.credentials {
            h.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
    }
}

fn vary(mut res: Response, varies: bool) -> Response {
    if varies {
        res.headers_mut()
            .append(header::VARY, HeaderValue::from_static("Origin"));
    }
    res
}

/// Whether the client this request comes from registered `origin`; the request is
/// handed back whole (its body re-assembled when it was read for `client_id`).
async fn client_allowed(p: &Parts, req: Request, origin: &str) -> (Request, bool) {
    let Some((clients, oauth2)) = &p.clients else {
        return (req, false);
    };
    let (req, id) = client_id(oauth2, req).await;
    let Some(id) = id else { return (req, false) };
    let ok = match clients.get(&id).await {
        Ok(c) => client_allows(&c.allowed_cors_origins, origin),
        // Unknown client or storage trouble: no CORS; the endpoint answers for itself.
        Err(_) => false,
    };
    (req, ok)
}

async fn client_id(oauth2: &OAuth2, req: Request) -> (Request, Option<String>) {
    let auth = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if let Ok(Some((id, _))) = basic_credentials(auth) {
        return (req, Some(id));
    }
    if let Some(token) = auth.and_then(|a| {
        let (scheme, rest) = a.trim().split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| rest.trim().to_string())
    }) {
        let id = match oauth2.find(&token).await {
            Ok(Some((_, row))) => Some(row.client_id),
            _ => None,
        };
        return (req, id);
    }
    if !is_small_form(&req) {
        return (req, None);
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, MAX_SNIFFED_BODY).await {
        Ok(bytes) => {
            let id = Params::parse(&bytes)
                .ok()
                .and_then(|f| f.get("client_id").map(str::to_string));
            (Request::from_parts(parts, Body::from(bytes)), id)
        }
        // The body broke off or grew past its Content-Length: the endpoint sees an
        // empty body and refuses it.
        Err(_) => (Request::from_parts(parts, Body::empty()), None),
    }
}

fn is_small_form(req: &Request) -> bool {
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    let small = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n <= MAX_SNIFFED_BODY);
    req.method() == Method::POST && form && small
}
