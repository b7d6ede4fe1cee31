//! Logout decisions (OpenID Connect RP-Initiated, Front-Channel and Back-Channel
//! Logout 1.0, as Hydra 1.9 implements them), as pure functions.

use crate::protocol::authorize::redirect_uri::is_script_scheme;
use crate::protocol::authorize::response::merge_query;
use crate::protocol::error::OAuthError;
use serde_json::{json, Value};

/// What a verified `id_token_hint` tells the logout endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct LogoutHint {
    pub subject: String,
    pub sid: String,
    /// `aud`, as a list.
    pub audiences: Vec<String>,
}

/// Checks the claims of an `id_token_hint` whose signature was verified. An expired hint
/// is fine (it usually is, by the time the user logs out); it must be ours, issued in
/// the past, and name a session and a subject.
pub fn check_logout_hint(claims: &Value, issuer: &str, now: i64) -> Result<LogoutHint, OAuthError> {
    let s = |k: &str| {
        claims
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    if s("iss") != issuer {
        return Err(OAuthError::invalid_request(
            "Logout failed because issuer claim value from id_token_hint does not match the issuer of this server.",
        ));
    }
    match claims.get("iat").and_then(Value::as_i64) {
        Some(iat) if iat <= now + 60 => {}
        Some(_) => {
            return Err(OAuthError::invalid_request(
                "Logout failed because iat claim value from id_token_hint is in the future.",
            ))
        }
        None => {
            return Err(OAuthError::invalid_request(
                "Logout failed because iat claim is required in id_token_hint.",
            ))
        }
    }
    let sid = s("sid");
    if sid.is_empty() {
        return Err(OAuthError::invalid_request(
            "Logout failed because sid claim is required in id_token_hint.",
        ));
    }
    let subject = s("sub");
    if subject.is_empty() {
        return Err(OAuthError::invalid_request(
            "Logout failed because sub claim is required in id_token_hint.",
        ));
    }
    let audiences = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.clone()],
        Some(Value::Array(xs)) => xs
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    Ok(LogoutHint {
        subject,
        sid,
        audiences,
    })
}

/// The post-logout redirect for an RP-initiated logout: `requested` must be one of the
/// client's registered URIs exactly; `state` is added to it. Without a requested URI
/// the default is used and `state` dropped.
pub fn post_logout_redirect(
    registered: &[String],
    requested: &str,
    state: &str,
    default: &str,
) -> Result<String, OAuthError> {
    if requested.is_empty() {
        return Ok(default.to_string());
    }
    if !registered.iter().any(|r| r == requested) {
        return Err(OAuthError::invalid_request(
            "Logout failed because query parameter post_logout_redirect_uri is not a whitelisted as a post_logout_redirect_uri for the client.",
        ));
    }
    let url = url::Url::parse(requested)
        .ok()
        .filter(|u| !is_script_scheme(u))
        .ok_or_else(|| {
            OAuthError::invalid_request(
                "Logout failed because query parameter post_logout_redirect_uri is not a valid URL.",
            )
        })?;
    if state.is_empty() {
        return Ok(url.to_string());
    }
    Ok(merge_query(&url, &[("state".into(), state.into())]).to_string())
}

/// A client's front-channel logout URL with `iss` and `sid` (Front-Channel Logout §2).
pub fn frontchannel_url(uri: &str, issuer: &str, sid: &str) -> Option<String> {
    let url = url::Url::parse(uri).ok()?;
    Some(
        merge_query(
            &url,
            &[("iss".into(), issuer.into()), ("sid".into(), sid.into())],
        )
        .to_string(),
    )
}

/// The claims of a back-channel logout token (Back-Channel Logout §2.4): no `nonce`,
/// the logout event, and `sid`.
pub fn logout_token_claims(issuer: &str, client_id: &str, sid: &str, now: i64, jti: &str) -> Value {
    json!({
        "iss": issuer,
        "aud": [client_id],
        "iat": now,
        "exp": now + 120,
        "jti": jti,
        "sid": sid,
        "events": { "http://schemas.openid.net/event/backchannel-logout": {} },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISS: &str = "https://op.example/";

    #[test]
    fn hints_need_our_issuer_a_past_iat_sid_and_sub() {
        let ok =
            json!({"iss": ISS, "iat": 100, "sid": "s1", "sub": "alice", "aud": "app", "exp": 50});
        let h = check_logout_hint(&ok, ISS, 1000).unwrap();
        assert_eq!(h.audiences, vec!["app"]);
        assert_eq!(h.sid, "s1");
        for (k, v) in [
            ("iss", json!("https://evil/")),
            ("iat", json!(5000)),
            ("sid", json!("")),
            ("sub", Value::Null),
        ] {
            let mut bad = ok.clone();
            bad[k] = v;
            assert!(check_logout_hint(&bad, ISS, 1000).is_err(), "{k}");
        }
    }

    #[test]
    fn post_logout_redirects_must_be_registered_exactly() {
        let reg = vec!["https://app.example/bye".to_string()];
        assert_eq!(
            post_logout_redirect(&reg, "https://app.example/bye", "st", "d").unwrap(),
            "https://app.example/bye?state=st"
        );
        assert_eq!(
            post_logout_redirect(&reg, "", "st", "https://d/").unwrap(),
            "https://d/"
        );
        assert!(post_logout_redirect(&reg, "https://app.example/bye/", "", "d").is_err());
        let js = vec!["javascript:alert(1)".to_string()];
        assert!(post_logout_redirect(&js, "javascript:alert(1)", "", "d").is_err());
    }

    #[test]
    fn logout_tokens_carry_the_event_and_no_nonce() {
        let c = logout_token_claims(ISS, "app", "sid-1", 10, "j");
        assert_eq!(c["aud"], json!(["app"]));
        assert!(c["events"]["http://schemas.openid.net/event/backchannel-logout"].is_object());
        assert!(c.get("nonce").is_none());
        assert_eq!(
            frontchannel_url("https://app.example/fc?x=1", ISS, "s").unwrap(),
            "https://app.example/fc?x=1&iss=https%3A%2F%2Fop.example%2F&sid=s"
        );
    }
}
