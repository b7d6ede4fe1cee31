//! CSRF protection of the page forms.
//!
//! The browser holds a random nonce in a signed, HttpOnly cookie (SameSite as the flow's
//! cookies); each form carries `HMAC(key, nonce ‖ challenge)`. A POST is accepted only
//! when the token matches the nonce of the cookie it arrives with and the challenge it
//! names. Another site can neither read the cookie nor compute the token, and a token
//! copied from one form is useless for another challenge or another browser.

use crate::crypto::{b64url, constant_time_eq, random_token, Purpose, SystemKeys};
use crate::protocol::flow::cookies::{CookieConfig, RequestCookies};

pub const COOKIE: &str = "portcullis_ui_csrf";

/// The form field that carries the token.
pub const FIELD: &str = "csrf_token";

/// The browser's CSRF nonce, and the cookie to set if it had none.
pub struct CsrfSession {
    nonce: String,
    pub set_cookies: Vec<String>,
}

impl CsrfSession {
    /// Reuses the nonce of a valid cookie (so several tabs work), else mints one.
    pub fn from_jar(cookies: &CookieConfig, jar: &RequestCookies) -> CsrfSession {
        match cookies.read(jar, COOKIE).filter(|n| !n.is_empty()) {
            Some(nonce) => CsrfSession {
                nonce,
                set_cookies: Vec::new(),
            },
            None => {
                let nonce = random_token(16);
                CsrfSession {
                    set_cookies: cookies.set(COOKIE, &nonce, None),
                    nonce,
                }
            }
        }
    }

    /// The token for a form about `challenge`.
    pub fn token(&self, keys: &SystemKeys, challenge: &str) -> String {
        token(keys, &self.nonce, challenge)
    }
}

fn token(keys: &SystemKeys, nonce: &str, challenge: &str) -> String {
    let data = format!("portcullis/ui-csrf\0{nonce}\0{challenge}");
    b64url(&keys.mac(Purpose::Cookie, data.as_bytes()))
}

/// Whether `presented` is the token for `challenge` under the browser's cookie.
pub fn verify(
    cookies: &CookieConfig,
    keys: &SystemKeys,
    jar: &RequestCookies,
    challenge: &str,
    presented: &str,
) -> bool {
    let Some(nonce) = cookies.read(jar, COOKIE).filter(|n| !n.is_empty()) else {
        return false;
    };
    !presented.is_empty()
        && constant_time_eq(
            token(keys, &nonce, challenge).as_bytes(),
            presented.as_bytes(),
        )
}
