//! Ory's own Hydra 1.9.2 Python SDK (`ory-hydra-client==1.9.2`) against the real server:
//! `tests/sdk/hydra_sdk_test.py` round-trips clients, keys, tokens, the login/consent/
//! logout flow and discovery through the SDK, whose generated models refuse any answer
//! that is not shaped exactly like Hydra's.
//!
//! The SDK lives in a virtualenv at `target/sdk-venv`, created on first use. Without
//! python3, or when the venv or pip install fails, the test is skipped loudly outside CI
//! and fails under CI (`CI` set).

#[path = "api/helpers.rs"]
mod helpers;

use helpers::Backend;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

on_both_backends!(the_hydra_1_9_2_python_sdk_works_unchanged);

const SDK: &str = "ory-hydra-client==1.9.2";
/// The login, consent and logout apps: never fetched, the script only reads the
/// challenge from the redirect to them.
const APPS: &str = "http://127.0.0.1:9";

async fn the_hydra_1_9_2_python_sdk_works_unchanged(backend: Backend) {
    let Some(python) = tokio::task::spawn_blocking(sdk_python).await.unwrap() else {
        return;
    };
    let app = app_or_skip!(backend, |s| {
        s.urls.login = Some(format!("{APPS}/login"));
        s.urls.consent = Some(format!("{APPS}/consent"));
        s.urls.logout = Some(format!("{APPS}/logout"));
    });
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdk/hydra_sdk_test.py");
    let out = tokio::process::Command::new(&python)
        .arg(&script)
        .env("PORTCULLIS_ADMIN_URL", &app.admin)
        .env("PORTCULLIS_PUBLIC_URL", &app.public)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .await
        .expect("run the SDK script");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("--- {backend:?}: {}\n{stdout}{stderr}", script.display());
    assert!(
        out.status.success(),
        "the Hydra 1.9.2 SDK script failed on {backend:?} ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(stdout.contains("all SDK checks passed"), "{stdout}");
}

/// The virtualenv's python with the SDK installed, or `None` (skipped) when it cannot
/// be had outside CI. Made once per process; concurrent processes are safe because the
/// venv is built in a private directory and renamed into place (a rename onto an
/// existing venv fails, and the loser removes its copy).
fn sdk_python() -> Option<PathBuf> {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PYTHON.get_or_init(prepare_venv) {
        Ok(p) => Some(p.clone()),
        Err(why) => {
            if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
                panic!("{why}: the SDK test cannot be skipped under CI");
            }
            eprintln!("\n!!! {why}: the Hydra SDK test is SKIPPED !!!\n");
            None
        }
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// True when `python` imports the SDK of the pinned version and `requests`.
fn has_sdk(python: &Path) -> bool {
    Command::new(python)
        .args([
            "-c",
            "import ory_hydra_client, requests, sys; \
             sys.exit(ory_hydra_client.__version__ != 'v1.9.2')",
        ])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn prepare_venv() -> Result<PathBuf, String> {
    let venv = target_dir().join("sdk-venv");
    let python = venv.join("bin/python");
    if has_sdk(&python) {
        return Ok(python);
    }
    run(Command::new("python3").arg("--version"), "python3")?;
    let tmp = target_dir().join(format!("sdk-venv.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(target_dir()).map_err(|e| e.to_string())?;
    let built = (|| {
        run(
            Command::new("python3").arg("-m").arg("venv").arg(&tmp),
            "python3 -m venv (Debian: apt-get install python3-venv)",
        )?;
        run(
            Command::new(tmp.join("bin/python")).args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                SDK,
                "requests",
            ]),
            &format!("pip install {SDK} requests"),
        )
    })();
    if let Err(e) = built {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // A broken venv left by an interrupted run is moved aside first.
    if venv.exists() && !has_sdk(&python) {
        let old = target_dir().join(format!("sdk-venv.old-{}", std::process::id()));
        if std::fs::rename(&venv, &old).is_ok() {
            let _ = std::fs::remove_dir_all(&old);
        }
    }
    if std::fs::rename(&tmp, &venv).is_err() {
        // Another process put its venv there first.
        let _ = std::fs::remove_dir_all(&tmp);
    }
    if has_sdk(&python) {
        Ok(python)
    } else {
        Err(format!("no working SDK venv at {}", venv.display()))
    }
}
