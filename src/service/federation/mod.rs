//! Signing in through upstream OpenID Connect providers.
//!
//! * `start`: a fresh state, nonce and PKCE verifier bound to the login challenge and
//!   to the browser, then the redirect to the provider.
//! * `callback`: the provider's answer: state, `iss`, the code exchange, the ID token
//!   (OpenID Connect Core §3.1.3.7), userinfo; then `account` finds, links or creates
//!   the local user, and the login request is accepted for it.
//! * `admin`: providers through the admin API, and the links of a user.
//!
//! The rules are `protocol::federation`; the providers themselves `service::upstreams`.

pub mod account;
pub mod admin;
pub mod callback;
pub mod start;

pub use callback::{CallbackParams, Outcome};
pub use start::Started;

use crate::config::Urls;
use crate::crypto::SystemKeys;
use crate::paths::public::ui;
use crate::protocol::flow::cookies::{CookieConfig, RequestCookies};
use crate::service::flow::Flow;
use crate::service::upstreams::{LogoutHandoff, Registry};
use crate::service::users::Users;
use crate::store::Store;
use std::sync::Arc;

/// The cookie that binds a redirect to the browser that started it.
pub const BROWSER_COOKIE: &str = "portcullis_upstream";

/// What signing in through providers needs, built once.
#[derive(Clone)]
pub struct Federation {
    pub store: Store,
    pub keys: Arc<SystemKeys>,
    pub registry: Arc<Registry>,
    pub flow: Flow,
    pub users: Users,
    pub logout: LogoutHandoff,
    pub urls: Arc<Urls>,
    /// `identity.ui.remember_for` in seconds: how long "keep me signed in" lasts.
    pub remember_for: i64,
}

impl Federation {
    fn cookies(&self) -> &CookieConfig {
        &self.flow.cfg.cookies
    }

    /// The redirect URI registered at provider `id`.
    pub fn callback_url(&self, id: &str) -> String {
        self.urls
            .public_url(&ui::for_provider(ui::UPSTREAM_CALLBACK, id))
    }

    /// The browser's upstream cookie id, if it has a valid one.
    fn browser_id(&self, jar: &RequestCookies) -> Option<String> {
        self.cookies()
            .read(jar, BROWSER_COOKIE)
            .filter(|v| !v.is_empty())
    }
}
