//! The built-in login, consent and logout pages (`/ui/...`): server-rendered HTML, no
//! JavaScript, driving the flow in-process through the same service methods the Hydra
//! admin API handlers call (`Flow::handle_login`, `Flow::accept_logout`, …).
//!
//! * `html`: the layout and the one escaping function every shown value goes through.
//! * `csrf`: the double-submit token (signed cookie + HMAC bound to the challenge).
//! * `reply`: what a page answers; `routes` renders it.
//! * `login`, `consent`, `logout`, `error`: the pages.
//!
//! With `identity.ui.enabled` (the default) these pages are the default `urls.login`,
//! `urls.consent` and `urls.logout` (`config::with_builtin_urls`); URLs configured
//! explicitly always win, so external login and consent apps keep working exactly as
//! before.

pub mod consent;
pub mod csrf;
pub mod device;
pub mod error;
pub mod html;
pub mod login;
pub mod logout;
pub mod reply;
mod routes;
pub mod upstream;

pub use reply::{UiBody, UiReply};
pub use routes::routes;

use crate::config::{Settings, Urls};
use crate::crypto::SystemKeys;
use crate::model::User;
use crate::protocol::flow::cookies::{CookieConfig, RequestCookies};
use crate::service::federation::Federation;
use crate::service::flow::Flow;
use crate::service::users::Users;
use std::sync::Arc;

/// What the pages need, built once.
#[derive(Clone)]
pub struct Pages {
    pub flow: Flow,
    pub users: Users,
    pub federation: Federation,
    /// For the forms' CSRF tokens.
    pub keys: Arc<SystemKeys>,
    pub cfg: Arc<PagesConfig>,
}

#[derive(Debug, Clone)]
pub struct PagesConfig {
    pub urls: Urls,
    /// `identity.ui.remember_for` in seconds.
    pub remember_for: i64,
    /// `identity.ui.password_login`.
    pub password_login: bool,
}

impl PagesConfig {
    pub fn from_settings(s: &Settings) -> PagesConfig {
        PagesConfig {
            urls: Urls::from_settings(s),
            remember_for: s.identity.ui.remember_for.as_secs(),
            password_login: s.identity.ui.password_login,
        }
    }
}

/// What every page needs: the pages' dependencies, the browser's cookies and the clock.
pub struct Ctx<'a> {
    pub pages: &'a Pages,
    pub jar: &'a RequestCookies,
    pub now: i64,
}

impl Ctx<'_> {
    pub fn cookies(&self) -> &CookieConfig {
        &self.pages.flow.cfg.cookies
    }

    pub fn keys(&self) -> &SystemKeys {
        &self.pages.keys
    }

    /// The absolute URL of one of our pages (the public URL may have a path prefix).
    pub fn url(&self, path: &str) -> String {
        self.pages.cfg.urls.public_url(path)
    }

    pub fn remember_for(&self) -> i64 {
        self.pages.cfg.remember_for
    }

    /// The user named by `subject` if it exists and is enabled.
    pub async fn active_user(&self, subject: &str) -> Result<Option<User>, UiReply> {
        self.pages.users.active(subject).await.map_err(|e| match e {
            crate::service::users::UserError::Store(e) => UiReply::store(e),
            e => UiReply::internal(e),
        })
    }
}

#[cfg(test)]
mod tests;
