//! The flow's cookies: the authentication session and the two CSRF cookies.
//!
//! Names are Hydra's (with `_insecure` appended when the issuer is not https, as Hydra
//! does without TLS), so a reverse proxy or login app that knows them keeps working.
//! Values are `<payload>.<HMAC-SHA256>` under `secrets.cookie` (or the system secret),
//! derived per purpose, with the cookie's name in the MAC input so one cookie cannot
//! stand in for another. All are HttpOnly, Path=/.

use crate::config::Settings;
use crate::crypto::{
    b64url, b64url_decode, constant_time_eq, system::mac_with, Purpose, SystemKeys,
};

pub const AUTH_SESSION: &str = "oauth2_authentication_session";
pub const LOGIN_CSRF: &str = "oauth2_authentication_csrf";
pub const CONSENT_CSRF: &str = "oauth2_consent_csrf";
/// Binds a device verification to the browser that started it (Hydra v2's name).
pub const DEVICE_CSRF: &str = "ory_hydra_device_csrf";

/// Cookies sent by the browser, as `(name, value)` pairs.
#[derive(Debug, Clone, Default)]
pub struct RequestCookies(Vec<(String, String)>);

impl RequestCookies {
    /// Parses the values of every `Cookie` header.
    pub fn parse<'a>(headers: impl IntoIterator<Item = &'a str>) -> RequestCookies {
        let mut out = Vec::new();
        for h in headers {
            for part in h.split(';') {
                if let Some((k, v)) = part.trim().split_once('=') {
                    out.push((k.trim().to_string(), v.trim().trim_matches('"').to_string()));
                }
            }
        }
        RequestCookies(out)
    }

    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct CookieConfig {
    secure: bool,
    same_site: &'static str,
    legacy_workaround: bool,
    keys: Vec<[u8; 32]>,
}

impl CookieConfig {
    pub fn new(settings: &Settings, system: &SystemKeys) -> CookieConfig {
        let secure = settings
            .urls
            .self_
            .issuer
            .as_deref()
            .is_some_and(|i| i.starts_with("https://"));
        // Browsers drop `SameSite=None` cookies that are not `Secure`, so without https
        // the default (and an explicit None) becomes Lax.
        let same_site = match settings.serve.cookies.same_site_mode.as_deref() {
            Some("Strict") => "Strict",
            Some("Lax") => "Lax",
            _ if secure => "None",
            _ => "Lax",
        };
        let keys = if settings.secrets.cookie.is_empty() {
            system.all(Purpose::Cookie).copied().collect()
        } else {
            let derived = SystemKeys::derive(&settings.secrets.cookie);
            derived.all(Purpose::Cookie).copied().collect()
        };
        CookieConfig {
            secure,
            same_site,
            legacy_workaround: settings.serve.cookies.same_site_legacy_workaround
                && same_site == "None",
            keys,
        }
    }

    /// The cookie's name on the wire.
    pub fn name(&self, base: &str) -> String {
        if self.secure {
            base.to_string()
        } else {
            format!("{base}_insecure")
        }
    }

    fn mac(key: &[u8; 32], base: &str, payload: &str) -> String {
        b64url(&mac_with(key, format!("{base}\0{payload}").as_bytes()))
    }

    /// `Set-Cookie` values that store `payload`; `max_age` `None` makes a browser-session
    /// cookie.
    pub fn set(&self, base: &str, payload: &str, max_age: Option<i64>) -> Vec<String> {
        let Some(key) = self.keys.first() else {
            return Vec::new();
        };
        let value = format!("{payload}.{}", Self::mac(key, base, payload));
        let age = max_age
            .map(|s| format!("; Max-Age={s}"))
            .unwrap_or_default();
        self.render(base, &value, &age)
    }

    /// `Set-Cookie` values that delete the cookie.
    pub fn clear(&self, base: &str) -> Vec<String> {
        self.render(
            base,
            "",
            "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        )
    }

    fn render(&self, base: &str, value: &str, age: &str) -> Vec<String> {
        let name = self.name(base);
        let secure = if self.secure { "; Secure" } else { "" };
        let mut out = vec![format!(
            "{name}={value}; Path=/{age}; HttpOnly; SameSite={}{secure}",
            self.same_site
        )];
        if self.legacy_workaround {
            // For browsers that mishandle SameSite=None: a twin without the attribute.
            out.push(format!(
                "{name}_legacy={value}; Path=/{age}; HttpOnly{secure}"
            ));
        }
        out
    }

    /// The verified payload of cookie `base`, falling back to its legacy twin.
    pub fn read(&self, jar: &RequestCookies, base: &str) -> Option<String> {
        let name = self.name(base);
        let legacy = format!("{name}_legacy");
        let found = jar
            .values(&name)
            .chain(jar.values(&legacy))
            .find_map(|v| self.verify(base, v));
        found
    }

    fn verify(&self, base: &str, value: &str) -> Option<String> {
        let (payload, mac) = value.rsplit_once('.')?;
        b64url_decode(mac)?;
        self.keys
            .iter()
            .any(|k| constant_time_eq(Self::mac(k, base, payload).as_bytes(), mac.as_bytes()))
            .then(|| payload.to_string())
    }
}

/// The authentication session cookie's payload: the session id and when the cookie
/// stops counting (0: with the browser session). The expiry is checked here too, so a
/// copied cookie does not outlive `remember_for`.
pub fn session_payload(sid: &str, expires_at: i64) -> String {
    format!("{sid}~{expires_at}")
}

pub fn session_id_from(payload: &str, now: i64) -> Option<&str> {
    let (sid, exp) = payload.rsplit_once('~')?;
    let exp: i64 = exp.parse().ok()?;
    (exp == 0 || exp > now)
        .then_some(sid)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn config(issuer: &str, cookie_secret: Option<&str>) -> CookieConfig {
        let mut s = Settings::default();
        s.urls.self_.issuer = Some(issuer.into());
        if let Some(c) = cookie_secret {
            s.secrets.cookie = vec![Secret::new(c)];
        }
        CookieConfig::new(
            &s,
            &SystemKeys::derive(&[Secret::new("system-secret-for-tests")]),
        )
    }

    fn jar_from(set_cookie: &str) -> RequestCookies {
        RequestCookies::parse([set_cookie.split(';').next().unwrap()])
    }

    #[test]
    fn cookies_round_trip_and_reject_tampering() {
        let c = config("https://issuer.example/", None);
        let set = c.set(LOGIN_CSRF, "abc", None);
        assert_eq!(set.len(), 1);
        assert!(set[0].starts_with("oauth2_authentication_csrf=abc."));
        assert!(
            set[0].contains("HttpOnly")
                && set[0].contains("Secure")
                && set[0].contains("SameSite=None")
        );
        assert_eq!(
            c.read(&jar_from(&set[0]), LOGIN_CSRF).as_deref(),
            Some("abc")
        );
        let tampered = set[0].replacen("=abc.", "=abd.", 1);
        assert_eq!(c.read(&jar_from(&tampered), LOGIN_CSRF), None);
        // The same value under another cookie's name does not verify.
        let moved = set[0].replacen(LOGIN_CSRF, CONSENT_CSRF, 1);
        assert_eq!(c.read(&jar_from(&moved), CONSENT_CSRF), None);
    }

    #[test]
    fn http_issuers_get_insecure_lax_cookies() {
        let c = config("http://127.0.0.1:4444/", None);
        let set = c.set(AUTH_SESSION, "x", Some(60));
        assert!(set[0].starts_with("oauth2_authentication_session_insecure=x."));
        assert!(
            set[0].contains("Max-Age=60")
                && set[0].contains("SameSite=Lax")
                && !set[0].contains("Secure")
        );
        assert!(c.clear(AUTH_SESSION)[0].contains("Max-Age=0"));
    }

    #[test]
    fn same_site_follows_the_configuration() {
        let mut s = Settings::default();
        s.urls.self_.issuer = Some("https://i.example/".into());
        s.serve.cookies.same_site_mode = Some("Strict".into());
        let keys = SystemKeys::derive(&[Secret::new("system-secret-for-tests")]);
        assert!(
            CookieConfig::new(&s, &keys).set(LOGIN_CSRF, "v", None)[0].contains("SameSite=Strict")
        );
        s.serve.cookies.same_site_mode = Some("None".into());
        s.serve.cookies.same_site_legacy_workaround = true;
        let set = CookieConfig::new(&s, &keys).set(LOGIN_CSRF, "v", None);
        assert_eq!(set.len(), 2, "a legacy twin without SameSite");
        assert!(
            set[1].starts_with("oauth2_authentication_csrf_legacy=")
                && !set[1].contains("SameSite")
        );
        let jar = RequestCookies::parse([set[1].split(';').next().unwrap()]);
        assert_eq!(
            CookieConfig::new(&s, &keys)
                .read(&jar, LOGIN_CSRF)
                .as_deref(),
            Some("v")
        );
    }

    #[test]
    fn the_cookie_secret_replaces_the_system_secret() {
        let a = config("https://i.example/", Some("a-cookie-secret-of-length"));
        let b = config("https://i.example/", None);
        let set = a.set(LOGIN_CSRF, "v", None);
        assert!(a.read(&jar_from(&set[0]), LOGIN_CSRF).is_some());
        assert!(b.read(&jar_from(&set[0]), LOGIN_CSRF).is_none());
    }

    #[test]
    fn session_payloads_expire() {
        let p = session_payload("sid-1", 100);
        assert_eq!(session_id_from(&p, 99), Some("sid-1"));
        assert_eq!(session_id_from(&p, 100), None);
        assert_eq!(
            session_id_from(&session_payload("sid-1", 0), 1 << 40),
            Some("sid-1")
        );
        assert_eq!(session_id_from("garbage", 1), None);
    }
}
