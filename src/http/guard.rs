//! Who may talk to a router at all, before routing: the `Host` allow-list (both
//! routers; on an unconfigured admin port, loopback names only) and the admin API keys.
//!
//! The `Host` check is what stops DNS rebinding: a web page whose own name was made to
//! resolve to 127.0.0.1 sends its own name as `Host`, so a loopback-only admin port
//! answers it with 400 instead of private keys.

use super::error::ApiError;
use crate::config::{Listener, Settings};
use crate::crypto::constant_time_eq;
use crate::paths;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::IpAddr;
use std::sync::Arc;

#[derive(Clone)]
pub struct Guard(Arc<Parts>);

struct Parts {
    hosts: Hosts,
    /// SHA-256 of each admin API key: compared in constant time, and a digest has one
    /// length whatever the key's.
    keys: Vec<[u8; 32]>,
}

enum Hosts {
    Any,
    Loopback,
    Only(Vec<String>),
}

impl Guard {
    /// The guard for a router, or `None` when it lets everything through.
    pub fn new(s: &Settings, admin: bool) -> Option<Guard> {
        let l: &Listener = if admin {
            &s.serve.admin
        } else {
            &s.serve.public
        };
        let hosts = if !l.allowed_hosts.is_empty() {
            Hosts::Only(l.allowed_hosts.iter().map(|h| normalize(h)).collect())
        } else if admin && l.host.is_empty() {
            Hosts::Loopback
        } else {
            Hosts::Any
        };
        let keys: Vec<[u8; 32]> = if admin {
            l.api_keys
                .iter()
                .map(|k| sha256(k.expose().as_bytes()))
                .collect()
        } else {
            Vec::new()
        };
        if matches!(hosts, Hosts::Any) && keys.is_empty() {
            return None;
        }
        Some(Guard(Arc::new(Parts { hosts, keys })))
    }
}

pub async fn middleware(State(g): State<Guard>, req: Request, next: Next) -> Response {
    if !host_allowed(&g.0.hosts, &req) {
        return ApiError::bad_request("The Host header names a host this server does not serve.")
            .into_response();
    }
    if !g.0.keys.is_empty() && !exempt(&req) && !key_matches(&g.0.keys, &req) {
        let mut res = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "The admin API needs an API key: send Authorization: Bearer <key>.",
        )
        .into_response();
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"portcullis-admin\""),
        );
        return res;
    }
    next.run(req).await
}

/// Load balancers probe health without credentials, and a CORS preflight carries none
/// (it reveals nothing; the real request needs the key).
fn exempt(req: &Request) -> bool {
    let path = req.uri().path();
    let preflight = req.method() == axum::http::Method::OPTIONS
        && req.headers().contains_key("access-control-request-method");
    path == paths::HEALTH_ALIVE || path == paths::HEALTH_READY || preflight
}

fn key_matches(keys: &[[u8; 32]], req: &Request) -> bool {
    let Some(presented) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|a| {
            let (scheme, rest) = a.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        })
    else {
        return false;
    };
    let presented = sha256(presented.as_bytes());
    // Every key is compared, so the time does not depend on which one matched.
    keys.iter()
        .fold(false, |found, k| constant_time_eq(k, &presented) | found)
}

fn sha256(data: &[u8]) -> [u8; 32] {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

fn host_allowed(hosts: &Hosts, req: &Request) -> bool {
    if matches!(hosts, Hosts::Any) {
        return true;
    }
    let name = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    // No Host at all cannot come from a browser (HTTP/1.1 requires it).
    let Some(name) = name else { return true };
    let name = normalize(&name);
    match hosts {
        Hosts::Any => true,
        Hosts::Loopback => is_loopback_name(&name),
        Hosts::Only(list) => list.contains(&name),
    }
}

/// A host name without port, brackets or trailing dot, in lower case.
fn normalize(host: &str) -> String {
    let h = host.trim();
    let h = if let Some(rest) = h.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        match h.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => h,
        }
    };
    h.trim_end_matches('.').to_ascii_lowercase()
}

fn is_loopback_name(name: &str) -> bool {
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_compared_without_port_or_case() {
        assert_eq!(normalize("Admin.Example:4445"), "admin.example");
        assert_eq!(normalize("[::1]:4445"), "::1");
        assert_eq!(normalize("localhost."), "localhost");
        assert_eq!(normalize("127.0.0.1"), "127.0.0.1");
        for ok in [
            "localhost",
            "app.localhost",
            "127.0.0.1",
            "127.1.2.3",
            "::1",
        ] {
            assert!(is_loopback_name(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "localhost.evil.example",
            "10.0.0.1",
            "0.0.0.0",
        ] {
            assert!(!is_loopback_name(bad), "{bad}");
        }
    }
}
