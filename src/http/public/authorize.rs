//! `GET|POST /oauth2/auth`: parse the request and cookies, run the flow, render the
//! reply. The protocol lives in `protocol::authorize` and `service::flow`.

use crate::http::extract::{cookies, Now};
use crate::http::HttpState;
use crate::paths::public::AUTH;
use crate::protocol::authorize::response::{form_post_page, frontchannel_page};
use crate::protocol::authorize::Params;
use crate::protocol::flow::{BrowserReply, ReplyKind};
use crate::service::flow::Flow;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<HttpState> {
    Router::new().route(AUTH, get(authorize_get).post(authorize_post))
}

async fn authorize_get(
    State(flow): State<Flow>,
    Now(now): Now,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    run(flow, now, uri, headers, Bytes::new()).await
}

async fn authorize_post(
    State(flow): State<Flow>,
    Now(now): Now,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    run(flow, now, uri, headers, body).await
}

async fn run(flow: Flow, now: i64, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let reply = match Params::parse(uri.query().unwrap_or(""), &body) {
        Ok(params) => flow.authorize(&params, &cookies(&headers), now).await,
        Err(e) => BrowserReply::error_page(&flow.cfg, &e, Vec::new()),
    };
    render(reply)
}

/// Renders a flow reply: a 302 or an HTML page, never cached, with its cookies.
pub(super) fn render(reply: BrowserReply) -> Response {
    let mut resp = match reply.kind {
        ReplyKind::Redirect(location) => match HeaderValue::from_str(&location) {
            Ok(v) => (StatusCode::FOUND, [(header::LOCATION, v)]).into_response(),
            Err(_) => {
                crate::http::ApiError::internal("a redirect location is not a valid header value")
                    .into_response()
            }
        },
        ReplyKind::FormPost { action, fields } => html(form_post_page(&action, &fields)),
        ReplyKind::FrontChannelLogout { urls, redirect_to } => {
            html(frontchannel_page(&urls, &redirect_to))
        }
    };
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    // The code or challenge in the URL must not leak to the next site.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    for c in reply.cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    resp
}

pub(super) fn html(body: String) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}
