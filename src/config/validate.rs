//! Checks that cannot be expressed in types. Each error names its key.

use super::error::ConfigError;
use super::model::Settings;
use url::Url;

/// Hydra refuses system secrets shorter than this.
pub const MIN_SECRET_LEN: usize = 16;

pub fn validate(s: &Settings) -> Result<(), ConfigError> {
    one_of(
        "log.level",
        &s.log.level,
        &["panic", "fatal", "error", "warn", "info", "debug", "trace"],
    )?;
    one_of(
        "log.format",
        &s.log.format,
        &["json", "json_pretty", "text"],
    )?;
    one_of(
        "strategies.access_token",
        &s.strategies.access_token,
        &["opaque", "jwt"],
    )?;
    one_of(
        "strategies.scope",
        &s.strategies.scope,
        &["exact", "wildcard"],
    )?;
    if let Some(mode) = &s.serve.cookies.same_site_mode {
        one_of(
            "serve.cookies.same_site_mode",
            mode,
            &["Strict", "Lax", "None"],
        )?;
    }
    for (name, list) in [
        ("secrets.system", &s.secrets.system),
        ("secrets.cookie", &s.secrets.cookie),
    ] {
        for (i, secret) in list.iter().enumerate() {
            if secret.len() < MIN_SECRET_LEN {
                return Err(ConfigError::invalid(
                    format!("{name}[{i}]"),
                    format!("must be at least {MIN_SECRET_LEN} characters long"),
                ));
            }
        }
    }
    if !s.serve.public.api_keys.is_empty() {
        return Err(ConfigError::invalid(
            "serve.public.api_keys",
            "only the admin port takes API keys (serve.admin.api_keys)",
        ));
    }
    for (i, key) in s.serve.admin.api_keys.iter().enumerate() {
        if key.len() < MIN_SECRET_LEN {
            return Err(ConfigError::invalid(
                format!("serve.admin.api_keys[{i}]"),
                format!("must be at least {MIN_SECRET_LEN} characters long"),
            ));
        }
    }
    for (i, p) in s.serve.trusted_proxies.iter().enumerate() {
        if crate::config::parse_proxy(p).is_none() {
            return Err(ConfigError::invalid(
                format!("serve.trusted_proxies[{i}]"),
                format!("{p:?} is not an IP address or CIDR range"),
            ));
        }
    }
    for (key, ttl) in [
        ("serve.header_read_timeout", &s.serve.header_read_timeout),
        ("serve.idle_timeout", &s.serve.idle_timeout),
    ] {
        if ttl.0.is_zero() {
            return Err(ConfigError::invalid(key, "must be longer than zero"));
        }
    }
    if s.janitor.interval.0.is_zero() || s.janitor.batch_size == 0 {
        return Err(ConfigError::invalid(
            "janitor",
            "interval and batch_size must be above zero (turn it off with janitor.enabled: false)",
        ));
    }
    let ratio = s.tracing.providers.otlp.sampling.sampling_ratio;
    if !(0.0..=1.0).contains(&ratio) {
        return Err(ConfigError::invalid(
            "tracing.providers.otlp.sampling.sampling_ratio",
            "must be between 0 and 1",
        ));
    }
    if s.serve.max_connections == 0 {
        return Err(ConfigError::invalid(
            "serve.max_connections",
            "must be at least 1",
        ));
    }
    let t = &s.identity.throttle;
    for (key, value) in [
        (
            "identity.throttle.account.max_failures",
            t.account.max_failures,
        ),
        (
            "identity.throttle.address.max_failures",
            t.address.max_failures,
        ),
        ("identity.throttle.max_concurrent", t.max_concurrent),
    ] {
        if value == 0 {
            return Err(ConfigError::invalid(key, "must be at least 1"));
        }
    }
    if let Some(issuer) = &s.urls.self_.issuer {
        let url = absolute_url("urls.self.issuer", issuer)?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err(ConfigError::invalid(
                "urls.self.issuer",
                "must not have a query or fragment (RFC 8414 §2)",
            ));
        }
    }
    for (key, value) in [
        ("urls.self.public", &s.urls.self_.public),
        ("urls.self.admin", &s.urls.self_.admin),
        ("urls.login", &s.urls.login),
        ("urls.consent", &s.urls.consent),
        ("urls.logout", &s.urls.logout),
        ("urls.error", &s.urls.error),
        ("urls.post_logout_redirect", &s.urls.post_logout_redirect),
    ] {
        if let Some(v) = value {
            absolute_url(key, v)?;
        }
    }
    for (key, ttl) in [
        ("ttl.login_consent_request", s.ttl.login_consent_request),
        ("ttl.access_token", s.ttl.access_token),
        ("ttl.refresh_token", s.ttl.refresh_token),
        ("ttl.id_token", s.ttl.id_token),
        ("ttl.auth_code", s.ttl.auth_code),
        ("serve.request_timeout", s.serve.request_timeout),
    ] {
        if ttl.0.as_secs() == 0 {
            return Err(ConfigError::invalid(key, "must be at least one second"));
        }
    }
    if s.serve.request_body_limit < 1024 {
        return Err(ConfigError::invalid(
            "serve.request_body_limit",
            "must be at least 1024 bytes",
        ));
    }
    let a = &s.oauth2.hashers.argon2;
    if a.memory < 8 * 1024 || a.iterations == 0 || a.parallelism == 0 {
        return Err(ConfigError::invalid(
            "oauth2.hashers.argon2",
            "needs memory >= 8192 KiB, iterations >= 1 and parallelism >= 1",
        ));
    }
    Ok(())
}

fn one_of(key: &str, value: &str, allowed: &[&str]) -> Result<(), ConfigError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::invalid(
            key,
            format!("{value:?} is not one of {}", allowed.join(", ")),
        ))
    }
}

fn absolute_url(key: &str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value)
        .map_err(|e| ConfigError::invalid(key, format!("{value:?} is not an absolute URL: {e}")))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(ConfigError::invalid(
            key,
            format!("{value:?} must be an http or https URL"),
        ));
    }
    Ok(url)
}
