//! The server's own URLs, worked out once from `urls.self.*`.

use super::model::Settings;
use crate::paths::public;

/// The issuer and the public base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urls {
    /// `urls.self.issuer` with exactly one trailing slash, as Hydra writes `iss`.
    pub issuer: String,
    /// `urls.self.public` (default: the issuer) without a trailing slash.
    pub public: String,
}

impl Urls {
    pub fn from_settings(s: &Settings) -> Urls {
        let fallback = || format!("http://localhost:{}", s.serve.public.port);
        let issuer = s.urls.self_.issuer.clone().unwrap_or_else(fallback);
        let public = s
            .urls
            .self_
            .public
            .clone()
            .unwrap_or_else(|| issuer.clone());
        Urls {
            issuer: format!("{}/", issuer.trim_end_matches('/')),
            public: public.trim_end_matches('/').to_string(),
        }
    }

    /// The absolute URL of a public endpoint (the public URL may have a path prefix).
    pub fn public_url(&self, path: &str) -> String {
        format!("{}{}", self.public, path)
    }

    /// The token endpoint: the audience private_key_jwt assertions must name.
    pub fn token_endpoint(&self) -> String {
        self.public_url(public::TOKEN)
    }
}

/// `settings` with the built-in pages as the login, consent and logout URLs that are
/// not configured, when the pages are enabled (`identity.ui.enabled`). URLs configured
/// explicitly always win, so external login and consent apps keep working.
pub fn with_builtin_urls(mut settings: Settings) -> Settings {
    if !settings.identity.ui.enabled {
        return settings;
    }
    let base = Urls::from_settings(&settings).public;
    let urls = &mut settings.urls;
    for (slot, path) in [
        (&mut urls.login, public::ui::LOGIN),
        (&mut urls.consent, public::ui::CONSENT),
        (&mut urls.logout, public::ui::LOGOUT),
    ] {
        if slot.is_none() {
            *slot = Some(format!("{base}{path}"));
        }
    }
    let device = &mut urls.device;
    for (slot, path) in [
        (&mut device.verification, public::ui::DEVICE),
        (&mut device.success, public::ui::DEVICE_DONE),
    ] {
        if slot.is_none() {
            *slot = Some(format!("{base}{path}"));
        }
    }
    settings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_get_one_trailing_slash_on_the_issuer_only() {
        let mut s = Settings::default();
        s.urls.self_.issuer = Some("https://op.example/base//".into());
        let u = Urls::from_settings(&s);
        assert_eq!(u.issuer, "https://op.example/base/");
        assert_eq!(u.token_endpoint(), "https://op.example/base/oauth2/token");
    }

    #[test]
    fn builtin_urls_fill_only_what_is_not_configured() {
        let mut s = Settings::default();
        s.urls.self_.issuer = Some("https://op.example/".into());
        s.urls.consent = Some("https://consent.example/app".into());
        let s = with_builtin_urls(s);
        assert_eq!(s.urls.login.as_deref(), Some("https://op.example/ui/login"));
        assert_eq!(
            s.urls.consent.as_deref(),
            Some("https://consent.example/app")
        );
        assert_eq!(
            s.urls.logout.as_deref(),
            Some("https://op.example/ui/logout")
        );
        assert_eq!(s.urls.error, None);

        let mut off = Settings::default();
        off.identity.ui.enabled = false;
        let off = with_builtin_urls(off);
        assert_eq!(off.urls.login, None);
    }
}
