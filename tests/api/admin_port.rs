//! The admin port (issue 12, finding 6): loopback by default, `Host` checked against
//! DNS rebinding, optional API keys, a warning when it is exposed with neither.

use crate::app_or_skip;
use crate::helpers::{free_port, Backend, TEST_SECRET};
use portcullis::secret::Secret;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

const KEY: &str = "an-admin-api-key-long-enough";

#[tokio::test]
async fn an_unconfigured_admin_port_answers_only_loopback_host_names() {
    let app = app_or_skip!(Backend::Sqlite);
    let port = app.admin.rsplit(':').next().unwrap().to_string();
    for host in ["127.0.0.1", "localhost", "admin.localhost", "[::1]"] {
        let r = app
            .http
            .get(app.admin_url("/clients"))
            .header("Host", format!("{host}:{port}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{host}");
    }
    // A page whose own name was re-pointed at 127.0.0.1 sends its own name.
    let r = app
        .http
        .get(app.admin_url("/keys/hydra.openid.id-token"))
        .header("Host", format!("rebind.evil.example:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body["error_description"].as_str().unwrap().contains("Host"),
        "{body}"
    );
    // The public port is for everyone.
    let r = app
        .http
        .get(app.public_url("/.well-known/openid-configuration"))
        .header("Host", "auth.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn configured_host_names_replace_the_loopback_rule_on_either_port() {
    let app = app_or_skip!(Backend::Sqlite, |s| {
        s.serve.admin.allowed_hosts = vec!["hydra-admin".into()];
        s.serve.public.allowed_hosts = vec!["auth.example.com".into()];
    });
    let get = |url: String, host: &'static str| {
        let http = app.http.clone();
        async move {
            http.get(url)
                .header("Host", host)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        get(app.admin_url("/clients"), "hydra-admin:4445").await,
        200
    );
    assert_eq!(get(app.admin_url("/clients"), "localhost").await, 400);
    let discovery = app.public_url("/.well-known/openid-configuration");
    assert_eq!(get(discovery.clone(), "AUTH.example.com").await, 200);
    assert_eq!(get(discovery, "other.example.com").await, 400);
}

#[tokio::test]
async fn api_keys_guard_the_admin_api_but_not_health() {
    let app = app_or_skip!(Backend::Sqlite, |s| {
        s.serve.admin.api_keys = vec![
            Secret::new("another-key-also-long-enough"),
            Secret::new(KEY),
        ];
    });
    let status = |path: &'static str, auth: Option<&'static str>| {
        let (http, url) = (app.http.clone(), app.admin_url(path));
        async move {
            let mut r = http.get(url);
            if let Some(a) = auth {
                r = r.header("Authorization", a);
            }
            r.send().await.unwrap()
        }
    };
    let r = status("/clients", None).await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()["www-authenticate"],
        "Bearer realm=\"portcullis-admin\""
    );
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"], "Unauthorized");
    assert_eq!(
        status("/admin/clients", Some("Bearer wrong-key"))
            .await
            .status(),
        401
    );
    assert_eq!(
        status("/clients", Some("Basic YWRtaW46YWRtaW4="))
            .await
            .status(),
        401
    );
    let bearer = "Bearer an-admin-api-key-long-enough";
    assert_eq!(status("/clients", Some(bearer)).await.status(), 200);
    assert_eq!(status("/admin/clients", Some(bearer)).await.status(), 200);
    assert_eq!(status("/health/ready", None).await.status(), 200);
    assert_eq!(status("/health/alive", None).await.status(), 200);
    // The public port is unaffected.
    let r = app
        .http
        .get(app.public_url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[test]
fn short_or_public_api_keys_are_refused_at_start() {
    let s = |k: &str, v: &str| {
        portcullis::config::load_from(None, &[(k.to_string(), v.to_string())].into())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(s("SERVE_ADMIN_API_KEYS", "short").contains("serve.admin.api_keys[0]"));
    assert!(s("SERVE_PUBLIC_API_KEYS", KEY).contains("serve.public.api_keys"));
    assert!(s("SERVE_TRUSTED_PROXIES", "10.0.0.0/33").contains("serve.trusted_proxies[0]"));
}

/// Runs `portcullis serve all` with `env` until both "listening" lines are logged;
/// returns everything logged until then.
async fn start_binary(env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let (public, admin) = (free_port(), free_port());
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args(["serve", "all"])
        .env_clear()
        .env(
            "DSN",
            format!("sqlite://{}", dir.path().join("db.sqlite").display()),
        )
        .env("SECRETS_SYSTEM", TEST_SECRET)
        .env("LOG_LEVEL", "info")
        .env("SERVE_PUBLIC_PORT", public.to_string())
        .env("SERVE_ADMIN_PORT", admin.to_string())
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = String::new();
    let read = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            log.push_str(&line);
            log.push('\n');
            if line.contains("portcullis is ready") {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("the server starts");
    child.kill().await.unwrap();
    log
}

#[tokio::test]
async fn the_binary_binds_the_admin_port_to_loopback_unless_told_otherwise() {
    let log = start_binary(&[]).await;
    let listening: Vec<&str> = log.lines().filter(|l| l.contains("listening")).collect();
    assert_eq!(listening.len(), 2, "{log}");
    let admin = listening.iter().find(|l| l.contains("router=\"admin\""));
    assert!(
        admin.is_some_and(|l| l.contains("addr=127.0.0.1:")),
        "{log}"
    );
    assert!(
        listening.iter().any(|l| l.contains("addr=0.0.0.0:")),
        "{log}"
    );
    assert!(!log.contains("listens beyond loopback"), "{log}");

    // The container image's setting: every interface, and a warning.
    let log = start_binary(&[("SERVE_ADMIN_HOST", "0.0.0.0")]).await;
    assert!(log.contains("listens beyond loopback"), "{log}");
    // Either safeguard silences it.
    let log = start_binary(&[
        ("SERVE_ADMIN_HOST", "0.0.0.0"),
        ("SERVE_ADMIN_API_KEYS", KEY),
    ])
    .await;
    assert!(!log.contains("listens beyond loopback"), "{log}");
}
