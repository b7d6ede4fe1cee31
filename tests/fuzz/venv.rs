//! The schemathesis virtualenv at `target/fuzz-venv`, made once per process. Concurrent
//! processes are safe: the venv is built in a private directory and renamed into place
//! (a rename onto an existing venv fails, and the loser removes its copy).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Pinned: the 3.x command line (`st run --hypothesis-*`) that tests/fuzz.rs uses.
const SCHEMATHESIS: &str = "schemathesis==3.39.16";
/// Pinned too: hypothesis-jsonschema (under schemathesis 3) calls `many.more()`, which
/// later hypothesis releases removed.
const HYPOTHESIS: &str = "hypothesis==6.130.13";

/// The venv's python, which runs `-m schemathesis.cli` (the venv's `bin/schemathesis`
/// script would name the private build directory in its shebang), or `None` (skipped) when it cannot be had
/// outside CI.
pub fn schemathesis() -> Option<PathBuf> {
    static ST: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match ST.get_or_init(prepare) {
        Ok(p) => Some(p.clone()),
        Err(why) => {
            if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
                panic!("{why}: the fuzz test cannot be skipped under CI");
            }
            eprintln!("\n!!! {why}: the fuzz test is SKIPPED !!!\n");
            None
        }
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn works(python: &Path) -> bool {
    let check = format!(
        "import importlib.metadata as m, sys; \
         sys.exit(['schemathesis==' + m.version('schemathesis'), \
                   'hypothesis==' + m.version('hypothesis')] != ['{SCHEMATHESIS}', '{HYPOTHESIS}'])"
    );
    Command::new(python)
        .args(["-c", &check])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "{what} failed ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

fn prepare() -> Result<PathBuf, String> {
    let venv = target_dir().join("fuzz-venv");
    let st = venv.join("bin/python");
    if works(&st) {
        return Ok(st);
    }
    std::fs::create_dir_all(target_dir()).map_err(|e| e.to_string())?;
    let tmp = target_dir().join(format!("fuzz-venv.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
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
                SCHEMATHESIS,
                HYPOTHESIS,
            ]),
            &format!("pip install {SCHEMATHESIS} {HYPOTHESIS}"),
        )
    })();
    if let Err(e) = built {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // A broken venv left by an interrupted run is moved aside first.
    if venv.exists() && !works(&st) {
        let old = target_dir().join(format!("fuzz-venv.old-{}", std::process::id()));
        if std::fs::rename(&venv, &old).is_ok() {
            let _ = std::fs::remove_dir_all(&old);
        }
    }
    if std::fs::rename(&tmp, &venv).is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    if works(&st) {
        Ok(st)
    } else {
        Err(format!("no working schemathesis at {}", venv.display()))
    }
}
