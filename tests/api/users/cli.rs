//! `portcullis users …` against the database of a running server.

use super::stored_hash;
use crate::helpers::{Backend, TestApp, TEST_SECRET};
use crate::{app_or_skip, on_both_backends};
use portcullis::crypto::argon2::Argon2Runner;
use portcullis::secret::Secret;
use portcullis::service::users::Passwords;
use serde_json::Value;
use std::process::{Output, Stdio};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

on_both_backends!(the_cli_creates_lists_sets_passwords_and_deletes_users);

#[tokio::test]
async fn the_cli_on_an_unmigrated_database_says_to_migrate() {
    let dir = tempfile::tempdir().unwrap();
    let dsn = format!("sqlite://{}", dir.path().join("empty.sqlite").display());
    let out = run_cli(&dsn, &["list"], "").await;
    let err = failure(&out);
    assert!(err.contains("migrate sql -e"), "{err}");
}

/// Runs `portcullis users ARGS` with the test database and secret, feeding `stdin`.
async fn cli(app: &TestApp, args: &[&str], stdin: &str) -> Output {
    run_cli(&app.dsn, args, stdin).await
}

async fn run_cli(dsn: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .arg("users")
        .args(args)
        .env_clear()
        .env("DSN", dsn)
        .env("SECRETS_SYSTEM", TEST_SECRET)
        .env("LOG_LEVEL", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    child.wait_with_output().await.unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn failure(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8(o.stderr.clone()).unwrap()
}

async fn verifies(app: &TestApp, backend: Backend, id: &str, password: &str) -> bool {
    let hash = stored_hash(backend, &app.dsn, id).await;
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    Passwords::new(Arc::new(Argon2Runner::new(
        &app.settings.oauth2.hashers.argon2,
    )))
    .verify(&Secret::new(password), Some(&hash))
    .await
    .unwrap()
}

async fn the_cli_creates_lists_sets_passwords_and_deletes_users(backend: Backend) {
    let app = app_or_skip!(backend);
    let create = [
        "create",
        "--email",
        "Frank@Example.com",
        "--name",
        "Frank",
        "--role",
        "admin",
        "--role",
        "ops",
        "--group",
        "eng",
    ];
    let out = cli(&app, &create, "a cli password\n").await;
    let id = stdout(&out).trim().to_string();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    assert!(verifies(&app, backend, &id, "a cli password").await);

    // The admin API sees what the CLI made.
    let u: Value = app
        .http
        .get(app.admin_url(&format!("/admin/users/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(u["email"], "Frank@Example.com");
    assert_eq!(u["name"], "Frank");
    assert_eq!(u["roles"], serde_json::json!(["admin", "ops"]));
    assert_eq!(u["groups"], serde_json::json!(["eng"]));

    // Refusals: a duplicate, a short or missing password, a password as an argument.
    let dup = cli(
        &app,
        &["create", "--email", "frank@example.com"],
        "another password\n",
    )
    .await;
    assert!(failure(&dup).contains("email"));
    let short = cli(&app, &["create", "--email", "g@example.com"], "short\n").await;
    assert!(failure(&short).contains("at least 8"));
    let none = cli(&app, &["create", "--email", "g@example.com"], "").await;
    assert!(failure(&none).contains("no password"));
    let argv = cli(
        &app,
        &[
            "create",
            "--email",
            "g@example.com",
            "--password",
            "an argv password",
        ],
        "",
    )
    .await;
    failure(&argv);

    let list = stdout(&cli(&app, &["list"], "").await);
    assert!(list.contains(&id), "{list}");
    assert!(list.contains("Frank@Example.com"), "{list}");
    assert!(list.contains("admin,ops"), "{list}");
    let json: Vec<Value> =
        serde_json::from_str(&stdout(&cli(&app, &["list", "--json"], "").await)).unwrap();
    assert_eq!(json.len(), 1);
    assert_eq!(json[0]["id"], id.as_str());
    assert!(!json[0].to_string().contains("password"));

    // set-password by email (any case), read from stdin.
    let out = cli(
        &app,
        &["set-password", "FRANK@example.com"],
        "a changed password\r\n",
    )
    .await;
    assert!(stdout(&out).contains(&id));
    assert!(verifies(&app, backend, &id, "a changed password").await);
    assert!(!verifies(&app, backend, &id, "a cli password").await);

    let out = cli(&app, &["delete", &id], "").await;
    assert!(stdout(&out).contains("deleted"));
    let r = app
        .http
        .get(app.admin_url(&format!("/admin/users/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let again = cli(&app, &["delete", &id], "").await;
    assert!(failure(&again).contains("does not exist"));
    assert_eq!(stdout(&cli(&app, &["list"], "").await).lines().count(), 1);
}
