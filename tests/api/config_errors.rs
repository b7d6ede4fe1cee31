//! Start-up refusals with clear messages, through the library and the real binary.

use crate::helpers::{
    base_settings, free_port, fresh_dsn, postgres_url, start, Backend, TEST_SECRET,
};
use portcullis::secret::Secret;
use portcullis::{App, BuildOptions};
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test]
async fn a_different_system_secret_is_refused_but_rotation_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let dsn = fresh_dsn(Backend::Sqlite, dir.path()).await.unwrap();
    let app = start(base_settings(&dsn), dir).await;
    let (mut settings, dir) = app.stop().await;

    settings.secrets.system = vec![Secret::new("an-entirely-different-secret")];
    let err = App::build(settings.clone(), BuildOptions::default())
        .await
        .err()
        .expect("must refuse");
    assert!(format!("{err:#}").contains("SECRETS_SYSTEM"), "{err:#}");

    settings.secrets.system = vec![
        Secret::new("the-next-system-secret-value"),
        Secret::new(TEST_SECRET),
    ];
    App::build(settings, BuildOptions::default())
        .await
        .expect("rotation order is accepted");
    drop(dir);
}

#[tokio::test]
async fn postgres_without_a_system_secret_is_refused() {
    let Some(_) = postgres_url() else { return };
    let dir = tempfile::tempdir().unwrap();
    let dsn = fresh_dsn(Backend::Postgres, dir.path()).await.unwrap();
    let mut settings = base_settings(&dsn);
    settings.secrets.system.clear();
    let err = App::build(settings, BuildOptions::default())
        .await
        .err()
        .expect("must refuse");
    assert!(format!("{err:#}").contains("SECRETS_SYSTEM"), "{err:#}");
}

#[tokio::test]
async fn an_unreachable_database_is_reported() {
    let mut settings = base_settings("postgres://nobody@127.0.0.1:1/none?connect_timeout=1s");
    settings.log.level = "error".into();
    let err = App::build(settings, BuildOptions::default())
        .await
        .err()
        .expect("must fail");
    assert!(
        format!("{err:#}").contains("cannot connect to the database"),
        "{err:#}"
    );
}

fn binary() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_portcullis"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    c
}

#[test]
fn the_binary_names_the_bad_key() {
    let out = binary()
        .args(["serve", "all"])
        .env("DSN", "memory")
        .env("SERVE_PUBLIC_PORT", "not-a-port")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("serve.public.port"), "{err}");

    let out = binary()
        .args(["serve", "all"])
        .env("SECRETS_SYSTEM", "short")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("secrets.system[0]") && err.contains("16"),
        "{err}"
    );

    let out = binary()
        .args(["serve", "all"])
        .env("DSN", "mysql://x/y")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported scheme"));

    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.yaml");
    std::fs::write(&cfg, "ttl:\n  access_token: soon\n").unwrap();
    let out = binary()
        .args(["serve", "all", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ttl.access_token"));
}

#[test]
fn the_binary_prints_its_version() {
    let out = binary().arg("version").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}

/// With no configuration at all the binary starts on an embedded SQLite database, serves
/// both routers, and exits cleanly on SIGTERM.
#[tokio::test]
async fn the_binary_works_with_no_configuration_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (public, admin) = (free_port(), free_port());
    let mut child = tokio::process::Command::from({
        let mut c = binary();
        c.args(["serve", "all"])
            .current_dir(dir.path())
            .env("SERVE_PUBLIC_PORT", public.to_string())
            .env("SERVE_ADMIN_PORT", admin.to_string())
            .env("SERVE_PUBLIC_HOST", "127.0.0.1")
            .env("SERVE_ADMIN_HOST", "127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    })
    .spawn()
    .unwrap();
    let http = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..100 {
        if let Ok(r) = http
            .get(format!("http://127.0.0.1:{admin}/health/ready"))
            .send()
            .await
        {
            ready = r.status() == 200;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "admin router never became ready");
    let r = http
        .get(format!("http://127.0.0.1:{public}/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(dir.path().join("data/portcullis.sqlite").exists());
    assert!(dir.path().join("data/portcullis-system.secret").exists());

    let pid = child.id().unwrap() as i32;
    let status = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
}
