//! Ory's own Python SDKs against the real server, both generations:
//! - Hydra 1.9.2's (`ory-hydra-client==1.9.2`) on the classic paths:
//!   `tests/sdk/hydra_sdk_test.py` round-trips clients, keys, tokens, the login/consent/
//!   logout flow and discovery through the SDK, whose generated models refuse any answer
//!   that is not shaped exactly like Hydra's;
//! - Hydra v2's (`ory-hydra-client==25.4.0`, API of v26.2) on the `/admin` paths:
//!   `tests/sdk/hydra_v2_sdk_test.py`, validated by its pydantic models.
//!
//! Each SDK lives in its own virtualenv under the target dir, created on first use.
//! Without python3, or when the venv or pip install fails, the test is skipped loudly
//! outside CI and fails under CI (`CI` set).

#[path = "api/helpers.rs"]
mod helpers;

use helpers::Backend;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

on_both_backends!(
    the_hydra_1_9_2_python_sdk_works_unchanged,
    the_hydra_v2_python_sdk_works_unchanged,
);

/// One SDK: the pip requirement, the version it reports, its venv and its script.
struct Sdk {
    requirement: &'static str,
    version: &'static str,
    venv: &'static str,
    script: &'static str,
}

const V1: Sdk = Sdk {
    requirement: "ory-hydra-client==1.9.2",
    version: "v1.9.2",
    venv: "sdk-venv",
    script: "tests/sdk/hydra_sdk_test.py",
};

const V2: Sdk = Sdk {
    requirement: "ory-hydra-client==25.4.0",
    version: "v25.4.0",
    venv: "sdk-v2-venv",
    script: "tests/sdk/hydra_v2_sdk_test.py",
};
/// The login, consent and logout apps: never fetched, the script only reads the
/// challenge from the redirect to them.
const APPS: &str = "http://127.0.0.1:9";

async fn the_hydra_1_9_2_python_sdk_works_unchanged(backend: Backend) {
    run_sdk(&V1, backend).await
}

async fn the_hydra_v2_python_sdk_works_unchanged(backend: Backend) {
    run_sdk(&V2, backend).await
}

async fn run_sdk(sdk: &'static Sdk, backend: Backend) {
    let Some(python) = tokio::task::spawn_blocking(move || sdk_python(sdk))
        .await
        .unwrap()
    else {
        return;
    };
    let app = app_or_skip!(backend, |s| {
        s.urls.login = Some(format!("{APPS}/login"));
        s.urls.consent = Some(format!("{APPS}/consent"));
        s.urls.logout = Some(format!("{APPS}/logout"));
    });
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(sdk.script);
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
        "the {} SDK script failed on {backend:?} ({}):\n{stdout}\n{stderr}",
        sdk.requirement,
        out.status
    );
    assert!(stdout.contains("all SDK checks passed"), "{stdout}");
}

/// The virtualenv's python with the SDK installed, or `None` (skipped) when it cannot
/// be had outside CI. Made once per process; concurrent processes are safe because the
/// venv is built in a private directory and renamed into place (a rename onto an
/// existing venv fails, and the loser removes its copy).
fn sdk_python(sdk: &'static Sdk) -> Option<PathBuf> {
    static V1_PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    static V2_PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let cell = if sdk.venv == V1.venv {
        &V1_PYTHON
    } else {
        &V2_PYTHON
    };
    match cell.get_or_init(|| prepare_venv(sdk)) {
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
fn has_sdk(python: &Path, sdk: &Sdk) -> bool {
    let probe = format!(
        "import ory_hydra_client, requests, sys; \
         sys.exit(ory_hydra_client.__version__ != '{}')",
        sdk.version
    );
    Command::new(python)
        .args(["-c", &probe])
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

fn prepare_venv(sdk: &Sdk) -> Result<PathBuf, String> {
    let venv = target_dir().join(sdk.venv);
    let python = venv.join("bin/python");
    if has_sdk(&python, sdk) {
        return Ok(python);
    }
    run(Command::new("python3").arg("--version"), "python3")?;
    let tmp = target_dir().join(format!("{}.tmp-{}", sdk.venv, std::process::id()));
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
                sdk.requirement,
                "requests",
            ]),
            &format!("pip install {} requests", sdk.requirement),
        )
    })();
    if let Err(e) = built {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // A broken venv left by an interrupted run is moved aside first.
    if venv.exists() && !has_sdk(&python, sdk) {
        let old = target_dir().join(format!("{}.old-{}", sdk.venv, std::process::id()));
        if std::fs::rename(&venv, &old).is_ok() {
            let _ = std::fs::remove_dir_all(&old);
        }
    }
    if std::fs::rename(&tmp, &venv).is_err() {
        // Another process put its venv there first.
        let _ = std::fs::remove_dir_all(&tmp);
    }
    if has_sdk(&python, sdk) {
        Ok(python)
    } else {
        Err(format!("no working SDK venv at {}", venv.display()))
    }
}
