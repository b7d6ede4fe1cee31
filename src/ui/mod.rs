//! The built-in login, consent and logout pages (`/ui/...`): server-rendered HTML, no
//! JavaScript, driving the flow engine in-process through the same functions the Hydra
//! admin API handlers call (`flow::admin`, `flow::admin_logout`).
//!
//! * `html`: the layout and the one escaping function every shown value goes through.
//! * `csrf`: the double-submit token (signed cookie + HMAC bound to the challenge).
//! * `reply`: what a page answers, free of HTTP types; `http::public::ui` renders it.
//! * `login`, `consent`, `logout`, `error`: the pages.
//! * `claims`: the user's claims a set of granted scopes releases (also used by the
//!   first-party API).
//!
//! With `identity.ui.enabled` (the default) these pages are the default `urls.login`,
//! `urls.consent` and `urls.logout` ([`with_builtin_urls`]); URLs configured explicitly
//! always win, so external login and consent apps keep working exactly as before.

pub mod claims;
pub mod consent;
pub mod csrf;
pub mod error;
pub mod html;
pub mod login;
pub mod logout;
pub mod reply;

pub use reply::{UiBody, UiReply};

use crate::app::AppState;
use crate::config::Settings;
use crate::flow::cookies::{CookieConfig, RequestCookies};

pub const LOGIN: &str = "/ui/login";
pub const CONSENT: &str = "/ui/consent";
pub const LOGOUT: &str = "/ui/logout";
pub const ERROR: &str = "/ui/error";

/// `settings` with the built-in pages as the login, consent and logout URLs that are
/// not configured, when the pages are enabled.
pub fn with_builtin_urls(mut settings: Settings) -> Settings {
    if !settings.identity.ui.enabled {
        return settings;
    }
    let base = crate::oidc::Urls::from_settings(&settings).public;
    let urls = &mut settings.urls;
    for (slot, path) in [
        (&mut urls.login, LOGIN),
        (&mut urls.consent, CONSENT),
        (&mut urls.logout, LOGOUT),
    ] {
        if slot.is_none() {
            *slot = Some(format!("{base}{path}"));
        }
    }
    settings
}

/// What every page needs: the state, the browser's cookies and the clock.
pub struct Ctx<'a> {
    pub state: &'a AppState,
    pub jar: &'a RequestCookies,
    pub now: i64,
}

impl Ctx<'_> {
    pub fn cookies(&self) -> CookieConfig {
        CookieConfig::new(&self.state.settings, &self.state.keys)
    }

    /// The absolute URL of one of our pages (the public URL may have a path prefix).
    pub fn url(&self, path: &str) -> String {
        crate::oidc::Urls::from_settings(&self.state.settings).public_url(path)
    }

    /// `identity.ui.remember_for` in seconds.
    pub fn remember_for(&self) -> i64 {
        self.state.settings.identity.ui.remember_for.as_secs()
    }
}

#[cfg(test)]
mod tests;
