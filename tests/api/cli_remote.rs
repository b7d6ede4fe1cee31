//! The command line's client side (issue 14): `clients`, `keys`, `token` and `identity`
//! against a running server's API, with Hydra's command names, flags and output.

use crate::helpers::{Backend, TestApp};
use crate::{app_or_skip, on_both_backends};
use portcullis::secret::Secret;
use serde_json::Value;
use std::process::Output;

on_both_backends!(
    clients_are_created_read_listed_updated_imported_and_deleted,
    tokens_are_issued_introspected_revoked_and_flushed,
    keys_are_created_imported_read_and_deleted,
    a_compose_style_script_creates_a_client_and_gets_a_token,
);

/// Runs `portcullis ARGS` with `env`, nothing else from this process's environment.
async fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .output()
        .await
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn failed(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Runs against `app`'s admin API (`HYDRA_ADMIN_URL`) and public API (`HYDRA_URL`).
async fn on(app: &TestApp, args: &[&str]) -> Output {
    run(
        args,
        &[("HYDRA_ADMIN_URL", &app.admin), ("HYDRA_URL", &app.public)],
    )
    .await
}

async fn clients_are_created_read_listed_updated_imported_and_deleted(backend: Backend) {
    let app = app_or_skip!(backend);
    let out = ok(&on(
        &app,
        &[
            "clients",
            "create",
            "--id",
            "cli-app",
            "--name",
            "CLI App",
            "-g",
            "authorization_code,refresh_token",
            "-r",
            "code",
            "-a",
            "openid,offline_access",
            "-c",
            "https://app.example/cb",
            "--post-logout-callbacks",
            "https://app.example/bye",
        ],
    )
    .await);
    assert!(out.contains("OAuth 2.0 Client ID: cli-app"), "{out}");
    let secret = out
        .lines()
        .find_map(|l| l.strip_prefix("OAuth 2.0 Client Secret: "))
        .expect("a generated secret is printed");
    assert!(secret.len() >= 26, "{secret}");

    // `--endpoint` instead of the environment, and `get` prints the JSON.
    let out = ok(&run(
        &["clients", "get", "cli-app", "--endpoint", &app.admin],
        &[],
    )
    .await);
    let c: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(c["client_name"], "CLI App");
    assert_eq!(c["scope"], "openid offline_access");
    assert_eq!(c["redirect_uris"][0], "https://app.example/cb");
    assert_eq!(c["post_logout_redirect_uris"][0], "https://app.example/bye");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("worker.json");
    std::fs::write(
        &file,
        r#"{"client_id": "imported", "grant_types": ["client_credentials"], "scope": "jobs"}"#,
    )
    .unwrap();
    let out = ok(&on(&app, &["clients", "import", file.to_str().unwrap()]).await);
    assert!(
        out.starts_with("Imported OAuth 2.0 Client imported:"),
        "{out}"
    );

    let out = ok(&on(&app, &["clients", "list"]).await);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("CLIENT ID"), "{out}");
    assert!(out.contains("cli-app") && out.contains("imported"), "{out}");
    assert_eq!(lines.len(), 3, "{out}");

    let out = ok(&on(
        &app,
        &[
            "clients",
            "update",
            "cli-app",
            "-g",
            "client_credentials",
            "-r",
            "token",
            "-a",
            "jobs",
            "--secret",
            "a-new-secret-long-enough",
        ],
    )
    .await);
    assert!(out.contains("OAuth 2.0 Client ID: cli-app"), "{out}");
    assert!(
        !out.contains("a-new-secret"),
        "a given secret is not echoed: {out}"
    );
    let c: Value =
        serde_json::from_str(&ok(&on(&app, &["clients", "get", "cli-app"]).await)).unwrap();
    assert_eq!(c["grant_types"], serde_json::json!(["client_credentials"]));

    let out = ok(&on(&app, &["clients", "delete", "cli-app", "imported"]).await);
    assert!(out.contains("deleted"), "{out}");
    let err = failed(&on(&app, &["clients", "get", "cli-app"]).await);
    assert!(err.contains("404"), "{err}");
}

async fn tokens_are_issued_introspected_revoked_and_flushed(backend: Backend) {
    let app = app_or_skip!(backend);
    ok(&on(
        &app,
        &[
            "clients",
            "create",
            "--id",
            "machine",
            "--secret",
            "machine-secret-long-enough",
            "-g",
            "client_credentials",
            "-r",
            "token",
            "-a",
            "read,write",
        ],
    )
    .await);
    let creds = [
        "--client-id",
        "machine",
        "--client-secret",
        "machine-secret-long-enough",
    ];
    let token = ok(&on(
        &app,
        &[&["token", "client", "--scope", "read"][..], &creds].concat(),
    )
    .await);
    let token = token.trim();
    assert!(token.starts_with("ptc_at_"), "{token}");
    let i: Value =
        serde_json::from_str(&ok(&on(&app, &["token", "introspect", token]).await)).unwrap();
    assert_eq!(i["active"], true);
    assert_eq!(i["scope"], "read");
    assert_eq!(i["client_id"], "machine");

    // The whole answer with --verbose; client id and secret from Hydra's variables.
    let out = ok(&run(
        &["token", "client", "--verbose", "--endpoint", &app.public],
        &[
            ("OAUTH2_CLIENT_ID", "machine"),
            ("OAUTH2_CLIENT_SECRET", "machine-secret-long-enough"),
        ],
    )
    .await);
    let t: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(t["token_type"], "bearer");

    ok(&on(&app, &[&["token", "revoke", token][..], &creds].concat()).await);
    let i: Value =
        serde_json::from_str(&ok(&on(&app, &["token", "introspect", token]).await)).unwrap();
    assert_eq!(i["active"], false);
    let out = ok(&on(&app, &["token", "flush", "--min-age", "1h"]).await);
    assert!(out.contains("flushed"), "{out}");

    // A wrong secret is the server's error, on stderr, with a failing exit code.
    let err = failed(
        &on(
            &app,
            &[
                "token",
                "client",
                "--client-id",
                "machine",
                "--client-secret",
                "nope",
            ],
        )
        .await,
    );
    assert!(
        err.contains("401") && err.contains("invalid_client"),
        "{err}"
    );
}

async fn keys_are_created_imported_read_and_deleted(backend: Backend) {
    let app = app_or_skip!(backend);
    let set: Value = serde_json::from_str(&ok(&on(
        &app,
        &["keys", "create", "cli-set", "--alg", "ES256"],
    )
    .await))
    .unwrap();
    assert_eq!(set["keys"][0]["alg"], "ES256");
    let before = set["keys"].as_array().unwrap().len();

    // A P-256 private key as a PKCS#8 PEM file, made by an independent library.
    let key = p256::SecretKey::random(&mut rand::thread_rng());
    let der = p256::pkcs8::EncodePrivateKey::to_pkcs8_der(&key).unwrap();
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, der.as_bytes());
    let lines: Vec<String> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into())
        .collect();
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        lines.join("\n")
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("signing.pem");
    std::fs::write(&file, pem.as_bytes()).unwrap();
    let out = ok(&on(&app, &["keys", "import", "cli-set", file.to_str().unwrap()]).await);
    let set: Value = serde_json::from_str(&out).unwrap();
    // The imported key is in the set (its public point, whatever the kid).
    let point =
        p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(&key.public_key(), false);
    let x = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        point.x().unwrap(),
    );
    let keys = set["keys"].as_array().unwrap();
    assert!(keys.iter().any(|k| k["x"] == x.as_str()), "{out}");
    assert!(keys.len() > before, "{out}");

    let set: Value =
        serde_json::from_str(&ok(&on(&app, &["keys", "get", "cli-set"]).await)).unwrap();
    let algs: Vec<&str> = set["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["alg"].as_str())
        .collect();
    assert!(algs.iter().all(|a| *a == "ES256"), "{algs:?}");
    let out = ok(&on(&app, &["keys", "delete", "cli-set"]).await);
    assert!(out.contains("JSON Web Key Set deleted: cli-set"), "{out}");
    assert!(failed(&on(&app, &["keys", "get", "cli-set"]).await).contains("404"));
    let err = failed(&on(&app, &["keys", "import", "x", "/nonexistent.pem"]).await);
    assert!(err.contains("cannot read"), "{err}");
}

async fn a_compose_style_script_creates_a_client_and_gets_a_token(backend: Backend) {
    let app = app_or_skip!(backend);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/quickstart.sh");
    let out = tokio::process::Command::new("bash")
        .arg(script)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORTCULLIS", env!("CARGO_BIN_EXE_portcullis"))
        .env("HYDRA_ADMIN_URL", &app.admin)
        .env("HYDRA_URL", &app.public)
        .output()
        .await
        .unwrap();
    assert!(ok(&out).contains("quickstart ok"));
}

#[tokio::test]
async fn the_admin_api_key_is_sent_when_given() {
    let app = app_or_skip!(Backend::Sqlite, |s| {
        s.serve.admin.api_keys = vec![Secret::new("cli-admin-key-long-enough")];
    });
    let err = failed(&on(&app, &["clients", "list"]).await);
    assert!(err.contains("401"), "{err}");
    let out = ok(&run(
        &["clients", "list"],
        &[
            ("HYDRA_ADMIN_URL", &app.admin),
            ("PORTCULLIS_ADMIN_API_KEY", "cli-admin-key-long-enough"),
        ],
    )
    .await);
    assert!(out.starts_with("CLIENT ID"), "{out}");
}

#[tokio::test]
async fn every_command_has_help_with_an_example() {
    for cmd in [
        &["clients", "create"][..],
        &["clients", "update"],
        &["clients", "get"],
        &["clients", "list"],
        &["clients", "delete"],
        &["clients", "import"],
        &["keys", "create"],
        &["keys", "get"],
        &["keys", "delete"],
        &["keys", "import"],
        &["token", "client"],
        &["token", "introspect"],
        &["token", "revoke"],
        &["token", "flush"],
        &["identity", "providers", "list"],
        &["identity", "providers", "get"],
    ] {
        let out = ok(&run(&[cmd, &["--help"]].concat(), &[]).await);
        assert!(out.contains("Example:"), "{cmd:?}: {out}");
        assert!(
            out.contains(&format!("portcullis {}", cmd.join(" "))),
            "{cmd:?}: {out}"
        );
    }
}
