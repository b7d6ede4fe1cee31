//! What a page answers, without HTTP types: a status, an HTML body or a redirect, the
//! cookies to set, and for throttled logins the `Retry-After` seconds.

use super::html;
use crate::service::flow::FlowError;

#[derive(Debug, Clone, PartialEq)]
pub enum UiBody {
    Html(String),
    /// 302 after a GET, 303 after a POST (the status says which).
    Redirect(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct UiReply {
    pub status: u16,
    pub body: UiBody,
    /// `Set-Cookie` values.
    pub cookies: Vec<String>,
    pub retry_after: Option<u64>,
}

impl UiReply {
    pub fn html(status: u16, body: String) -> UiReply {
        UiReply {
            status,
            body: UiBody::Html(body),
            cookies: Vec::new(),
            retry_after: None,
        }
    }

    /// A redirect: 302 for a GET, 303 (See Other) after a form POST.
    pub fn redirect(location: String, after_post: bool) -> UiReply {
        UiReply {
            status: if after_post { 303 } else { 302 },
            body: UiBody::Redirect(location),
            cookies: Vec::new(),
            retry_after: None,
        }
    }

    pub fn with_cookies(mut self, cookies: Vec<String>) -> UiReply {
        self.cookies.extend(cookies);
        self
    }

    /// The error page with a title and one explanatory sentence.
    pub fn error(status: u16, title: &str, message: &str) -> UiReply {
        let body = format!(
            "<h1>{}</h1><p>{}</p><p class=\"muted\">Go back to the application you came from and start again.</p>",
            html::esc(title),
            html::esc(message)
        );
        UiReply::html(status, html::page(title, &body))
    }

    pub fn bad_request(message: &str) -> UiReply {
        UiReply::error(400, "This request cannot be handled", message)
    }

    /// A form without a valid CSRF token (missing, forged, or from another browser).
    pub fn csrf_failed() -> UiReply {
        UiReply::error(
            403,
            "This form has expired",
            "The form was not sent from this browser's session, or it is too old.",
        )
    }

    /// Logs `cause`; the person sees nothing of it.
    pub fn internal(cause: impl std::fmt::Display) -> UiReply {
        tracing::error!(error = %cause, "built-in page failed");
        UiReply::error(
            500,
            "Something went wrong",
            "The server could not complete this step. Please try again in a moment.",
        )
    }

    /// A storage failure: 503 with `Retry-After` while the database is unreachable
    /// (the person can retry), otherwise an internal error.
    pub fn store(e: crate::store::StoreError) -> UiReply {
        if e.is_unavailable() {
            tracing::error!(error = %e, "the database is unavailable");
            return UiReply::unavailable();
        }
        UiReply::internal(e)
    }

    /// 503 with `Retry-After`: the person can try again in a moment.
    pub fn unavailable() -> UiReply {
        let mut r = UiReply::error(
            503,
            "Temporarily unavailable",
            "The server cannot complete this step right now. Please try again in a moment.",
        );
        r.retry_after = Some(crate::http::error::RETRY_AFTER_SECS);
        r
    }

    /// How the flow's admin-side errors look to a person.
    pub fn from_flow(e: FlowError) -> UiReply {
        match e {
            FlowError::NotFound => UiReply::error(
                404,
                "This request is unknown",
                "The sign-in request does not exist or has expired.",
            ),
            FlowError::Handled { .. } => UiReply::error(
                409,
                "This request was already completed",
                "This step has already been answered and cannot be changed.",
            ),
            FlowError::Invalid(msg) => UiReply::bad_request(&msg),
            FlowError::Throttled(secs) => {
                let mut r = UiReply::error(
                    429,
                    "Too many attempts",
                    "Too many codes were tried. Please wait a while and try again.",
                );
                r.retry_after = Some(secs);
                r
            }
            FlowError::Store(e) => UiReply::store(e),
            FlowError::Internal(e) => UiReply::internal(e),
        }
    }
}
