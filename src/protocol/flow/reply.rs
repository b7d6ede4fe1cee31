//! What the browser gets back from the flow's public endpoints. The HTTP layer renders
//! it; nothing here knows about HTTP types.

use super::config::FlowConfig;
use crate::protocol::authorize::response::{encode, merge_query};
use crate::protocol::authorize::{ClientResponse, RedirectTarget};
use crate::protocol::error::{ErrorStyle, OAuthError};

#[derive(Debug, Clone, PartialEq)]
pub enum ReplyKind {
    /// 302 Found.
    Redirect(String),
    /// 200 with an auto-submitting form (`response_mode=form_post`).
    FormPost {
        action: String,
        fields: Vec<(String, String)>,
    },
    /// 200 with a page that loads each front-channel logout URL in an iframe, then goes
    /// to `redirect_to`.
    FrontChannelLogout {
        urls: Vec<String>,
        redirect_to: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct BrowserReply {
    pub kind: ReplyKind,
    /// `Set-Cookie` values.
    pub cookies: Vec<String>,
}

impl BrowserReply {
    pub fn redirect(location: impl Into<String>, cookies: Vec<String>) -> BrowserReply {
        BrowserReply {
            kind: ReplyKind::Redirect(location.into()),
            cookies,
        }
    }

    /// To the error page (`urls.error`), never to a client: the error, description and
    /// hint go in its query.
    pub fn error_page(cfg: &FlowConfig, e: &OAuthError, cookies: Vec<String>) -> BrowserReply {
        tracing::debug!(error = %e.error, hint = %e.hint, "authorization error shown on the error page");
        let params = e.to_params(ErrorStyle {
            legacy: true,
            expose_debug: cfg.style.expose_debug,
        });
        let location = match url::Url::parse(&cfg.error_url) {
            Ok(u) => merge_query(&u, &params).to_string(),
            Err(_) => cfg.error_url.clone(),
        };
        BrowserReply::redirect(location, cookies)
    }

    /// Answers the client at its verified redirect URI with `params` plus `state` and
    /// (RFC 9207) `iss`.
    pub fn to_client(
        cfg: &FlowConfig,
        target: &RedirectTarget,
        mut params: Vec<(String, String)>,
        cookies: Vec<String>,
    ) -> BrowserReply {
        params.push(("state".into(), target.state.clone()));
        params.push(("iss".into(), cfg.issuer.clone()));
        let kind = match encode(&target.uri, target.mode, &params) {
            ClientResponse::Redirect(l) => ReplyKind::Redirect(l),
            ClientResponse::FormPost { action, fields } => ReplyKind::FormPost { action, fields },
        };
        BrowserReply { kind, cookies }
    }

    /// An error for the client, at its redirect URI.
    pub fn error_to_client(
        cfg: &FlowConfig,
        target: &RedirectTarget,
        e: &OAuthError,
        cookies: Vec<String>,
    ) -> BrowserReply {
        tracing::debug!(error = %e.error, hint = %e.hint, "authorization error returned to the client");
        BrowserReply::to_client(cfg, target, e.to_params(cfg.style), cookies)
    }
}
