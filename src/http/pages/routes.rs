//! `/ui/login`, `/ui/consent`, `/ui/logout`, `/ui/error`, `/ui/device`: parse the query or form, call
//! the page, render its reply (never cached, never framed). Not mounted when
//! `identity.ui.enabled` is off.

use super::{consent, device, error, html, login, logout, upstream, Ctx, Pages, UiBody, UiReply};
use crate::config::Settings;
use crate::http::extract::{cookies as jar, Now, PeerAddr};
use crate::http::metrics::Metrics;
use crate::http::HttpState;
use crate::paths::public::ui;
use crate::service::federation::CallbackParams;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::de::DeserializeOwned;
use std::sync::Arc;

pub fn routes(settings: &Settings) -> Router<HttpState> {
    // Upstream sign-in is served even without the pages: a headless login app sends
    // the browser to the start, and providers send it back.
    let upstream = Router::new()
        .route(ui::UPSTREAM_START, get(upstream_start))
        .route(ui::UPSTREAM_CALLBACK, get(upstream_callback))
        .route(ui::UPSTREAM_LOGOUT_CALLBACK, get(upstream_logout_callback));
    if !settings.identity.ui.enabled {
        return upstream;
    }
    upstream
        .route(ui::LOGIN, get(login_get).post(login_post))
        .route(ui::CONSENT, get(consent_get).post(consent_post))
        .route(ui::LOGOUT, get(logout_get).post(logout_post))
        .route(ui::ERROR, get(error_get))
        .route(ui::DEVICE, get(device_get).post(device_post))
        .route(ui::DEVICE_DONE, get(device_done))
}

fn query_param(uri: &Uri, name: &str) -> String {
    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// A form body, or the page a person gets for an unreadable one.
fn form<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, UiReply> {
    let bytes = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            UiReply::error(413, "The form is too large", "The form sent is too large.")
        } else {
            UiReply::bad_request("The form could not be read.")
        }
    })?;
    serde_urlencoded::from_bytes(&bytes).map_err(|_| UiReply::bad_request("The form is malformed."))
}

fn render(reply: UiReply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = match reply.body {
        UiBody::Html(body) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            body,
        )
            .into_response(),
        UiBody::Redirect(to) => match HeaderValue::from_str(&to) {
            Ok(v) => (status, [(header::LOCATION, v)]).into_response(),
            Err(_) => return render(UiReply::internal("a redirect is not a valid header value")),
        },
    };
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    // Challenges travel in the URL; they must not leak to logo hosts or the next site.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(html::content_security_policy()),
    );
    if let Some(secs) = reply.retry_after {
        h.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    for c in reply.cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    resp
}

async fn login_get(
    State(p): State<Pages>,
    Now(now): Now,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let jar = jar(&headers);
    let ctx = Ctx {
        pages: &p,
        jar: &jar,
        now,
    };
    render(
        login::show(
            &ctx,
            &query_param(&uri, "login_challenge"),
            &query_param(&uri, "upstream_notice"),
        )
        .await,
    )
}

async fn login_post(
    State(p): State<Pages>,
    Now(now): Now,
    PeerAddr(addr): PeerAddr,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let f = match form(body) {
        Ok(f) => f,
        Err(reply) => return render(reply),
    };
    let jar = jar(&headers);
    let ctx = Ctx {
        pages: &p,
        jar: &jar,
        now,
    };
    render(login::submit(&ctx, f, addr).await)
}

async fn device_get(
    State(p): State<Pages>,
    Now(now): Now,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let jar = jar(&headers);
    let ctx = Ctx {
        pages: &p,
        jar: &jar,
        now,
    };
    render(device::show(
        &ctx,
        &query_param(&uri, "device_challenge"),
        &query_param(&uri, "user_code"),
    ))
}

async fn device_post(
    State(p): State<Pages>,
    Now(now): Now,
    PeerAddr(addr): PeerAddr,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let f = match form(body) {
        Ok(f) => f,
        Err(reply) => return render(reply),
    };
    let jar = jar(&headers);
    let ctx = Ctx {
        pages: &p,
        jar: &jar,
        now,
    };
    render(device::submit(&ctx, f, addr).await)
}

async fn device_done() -> Response {
    render(device::done())
}

async fn consent_get(
    State(p): State<Pages>,
    Now(now): Now,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let jar = jar(&headers);
    let ctx = Ctx {
        pages: &p,
        jar: &jar,
        now,
    };
    render(consent::show(&ctx, &query_param(&uri, "consent_challenge")).await)
}

async fn consent_post(
    State(p): State<Pages>,
    Now(now): Now,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let f = match form(body) {
        Ok(f) => f,
        Err(reply) => return render(reply),
    };
    let jar = jar(&headers);
    let ctx = Ctx {
        pages: &p,
        jar: &jar,
        now,
    };
    render(consent::submit(&ctx, f).await)
}

async fn logout_get(
    State(p): State<Pages>,
    Now(now): Now,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let jar = jar(&headers);
    let ctx = Ctx {
        pages: &p,
        jar: &jar,
        now,
    };
    render(logout::show(&ctx, &query_param(&uri, "logout_challenge")).await)
}

async fn logout_post(
    State(p): State<Pages>,
    Now(now): Now,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let f = match form(body) {
        Ok(f) => f,
        Err(reply) => return render(reply),
    };
    let jar = jar(&headers);
    let ctx = Ctx {
        pages: &p,
        jar: &jar,
        now,
    };
    render(logout::submit(&ctx, f).await)
}

async fn error_get(uri: Uri) -> Response {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    render(error::show(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ))
}

fn provider_id(p: Result<Path<String>, PathRejection>) -> Result<String, Box<Response>> {
    p.map(|Path(id)| id).map_err(|_| {
        Box::new(render(UiReply::bad_request(
            "The identity provider in the path is malformed.",
        )))
    })
}

/// `GET /ui/login/upstream/{id}?login_challenge=…[&remember=1]`: how a headless login
/// app (or a link) starts the sign-in at a provider.
async fn upstream_start(
    State(p): State<Pages>,
    Now(now): Now,
    id: Result<Path<String>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let id = match provider_id(id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let challenge = query_param(&uri, "login_challenge");
    if challenge.is_empty() {
        return render(UiReply::bad_request(
            "The login_challenge parameter is missing.",
        ));
    }
    let remember = !query_param(&uri, "remember").is_empty();
    let jar = jar(&headers);
    let ctx = Ctx {
        pages: &p,
        jar: &jar,
        now,
    };
    render(upstream::start(&ctx, &challenge, &id, remember, false).await)
}

async fn upstream_callback(
    State(p): State<Pages>,
    State(metrics): State<Arc<Metrics>>,
    Now(now): Now,
    id: Result<Path<String>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let id = match provider_id(id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let q: CallbackParams = match serde_urlencoded::from_str(uri.query().unwrap_or("")) {
        Ok(q) => q,
        Err(_) => {
            return render(UiReply::bad_request(
                "The answer from the identity provider is malformed.",
            ))
        }
    };
    let jar = jar(&headers);
    let ctx = Ctx {
        pages: &p,
        jar: &jar,
        now,
    };
    let (reply, result) = upstream::callback(&ctx, &id, &q).await;
    // Only configured ids become label values (an unknown one shares `unknown`).
    let known = matches!(p.federation.registry.get(&id).await, Ok(Some(_)));
    metrics.upstream_sign_in(if known { &id } else { "unknown" }, result);
    render(reply)
}

async fn upstream_logout_callback(
    State(p): State<Pages>,
    Now(now): Now,
    id: Result<Path<String>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let id = match provider_id(id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let jar = jar(&headers);
    let ctx = Ctx {
        pages: &p,
        jar: &jar,
        now,
    };
    render(upstream::logout_callback(&ctx, &id, &query_param(&uri, "state")).await)
}
