//! Schema fuzzing: schemathesis (PyPI) generates requests from Hydra 1.9.2's swagger
//! (and the v26 OpenAPI for `/admin/...`) and sends them to both ports of the real
//! server, on both backends. The test fails on any 5xx, a dropped connection, or a
//! panic anywhere in the server; it prints how many requests each port got and how many
//! were 5xx, counted by the server's own metrics (`http_requests_total`).
//!
//! Bounded for CI: 40 generated cases per public operation and 10 per admin one (times
//! `FUZZ_SCALE`, default 1), at most `FUZZ_RUN_SECS` (default 40) per run, five runs per
//! backend, the two backends at once: about two minutes (at worst three and a half). For a longer campaign:
//! `FUZZ_SCALE=4 FUZZ_RUN_SECS=600 cargo test --test fuzz -- --nocapture`.
//!
//! schemathesis lives in a virtualenv at `target/fuzz-venv`, made on first use; without
//! python3, PyPI or the specs the test is skipped loudly outside CI and fails under CI.

#[path = "api/helpers.rs"]
mod helpers;
#[path = "fuzz/venv.rs"]
mod venv;

use helpers::{Backend, TestApp};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

on_both_backends!(generated_requests_never_get_a_5xx_on_either_port);

/// Server panics seen by the hook [`count_panics`] installs.
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// One schemathesis run: which spec, which operations, against which port.
struct Run {
    port: &'static str,
    spec: &'static str,
    /// schemathesis filter arguments (tags or path regex).
    filter: &'static [&'static str],
    /// Generated cases per operation (times `FUZZ_SCALE`): the public operations are few
    /// and cheap, the admin ones many and slower (client secrets are argon2-hashed).
    examples: u64,
    /// Sends the seeded client's credentials (HTTP Basic), so token and revocation
    /// requests get past client authentication into the grants.
    as_client: bool,
}

/// The client [`seed`] registers.
const CLIENT: &str = "fuzz";
const SECRET: &str = "fuzz-secret-0123456789";

const V1: &str = "hydra-v1.9.2.swagger.json";
const V26: &str = "hydra-v26.openapi.json";

/// Hydra 1.9.2's operations on their ports, and v26's: `/admin/...` on the admin port,
/// its public operations (the same paths, some newer ones that are 404 here) on the
/// public port.
const RUNS: &[Run] = &[
    Run {
        port: "public",
        spec: V1,
        filter: &["--include-tag", "public"],
        examples: 40,
        as_client: false,
    },
    Run {
        port: "public",
        spec: V1,
        filter: &["--include-tag", "public"],
        examples: 40,
        as_client: true,
    },
    Run {
        port: "public",
        spec: V26,
        filter: &["--exclude-path-regex", "^/admin/"],
        examples: 40,
        as_client: false,
    },
    Run {
        port: "admin",
        spec: V1,
        filter: &["--include-tag", "admin"],
        examples: 10,
        as_client: false,
    },
    Run {
        port: "admin",
        spec: V26,
        filter: &["--include-path-regex", "^/admin/"],
        examples: 10,
        as_client: false,
    },
];

async fn generated_requests_never_get_a_5xx_on_either_port(backend: Backend) {
    if !specs_present() {
        return;
    }
    let Some(st) = tokio::task::spawn_blocking(venv::schemathesis)
        .await
        .unwrap()
    else {
        return;
    };
    count_panics();
    let app = app_or_skip!(backend);
    seed(&app).await;
    let mut failures = Vec::new();
    for run in RUNS {
        let base = match run.port {
            "public" => app.public.clone(),
            _ => app.admin.clone(),
        };
        let (ok, log) = schemathesis(&st, run, &base).await;
        if !ok {
            failures.push(format!(
                "{} {} {} ({base}):\n{log}",
                run.port,
                run.spec,
                who(run)
            ));
        }
    }
    let counts = counts(&app).await;
    if std::env::var_os("FUZZ_DEBUG").is_some() {
        eprintln!("{}", metrics_text(&app).await);
    }
    for (router, (total, errors)) in &counts {
        eprintln!("fuzz {backend:?} {router}: {total} requests, {errors} 5xx");
    }
    let panics = PANICS.load(Ordering::SeqCst);
    assert_eq!(panics, 0, "the server panicked {panics} times");
    assert!(
        counts.iter().all(|(_, (_, e))| *e == 0),
        "5xx answers on {backend:?}: {counts:?}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        counts.iter().all(|(_, (t, _))| *t > 100),
        "each port got requests: {counts:?}"
    );
}

/// A client exists, so some generated requests get past "not found".
async fn seed(app: &TestApp) {
    let r = app
        .http
        .post(app.admin_url("/clients"))
        .json(
            &serde_json::json!({"client_id": "fuzz", "client_secret": "fuzz-secret-0123456789",
            "redirect_uris": ["https://app.example/cb"], "scope": "openid offline"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs schemathesis once; `false` when it reported a failure (a 5xx or a connection
/// error). A run stopped by the time budget is not a failure: the counts still tell.
async fn schemathesis(st: &Path, run: &Run, base: &str) -> (bool, String) {
    let spec = spec_dir().join(run.spec);
    let work = tempfile::tempdir().unwrap();
    let examples = (run.examples * env_num("FUZZ_SCALE", 1)).to_string();
    let mut cmd = tokio::process::Command::new(st);
    cmd.args(["-m", "schemathesis.cli", "run"])
        .arg(&spec)
        .args(["--base-url", base])
        .args(["--checks", "not_a_server_error"])
        .args(["--hypothesis-max-examples", &examples])
        // Valid and invalid requests (wrong types, missing fields, bad formats).
        .args(["--data-generation-method", "all"])
        .args(["--hypothesis-seed", "12"])
        .args(["--hypothesis-database", ":memory:"])
        .args(["--hypothesis-suppress-health-check", "all"])
        .args(["--request-timeout", "10000"])
        .args(["--validate-schema", "false"])
        .arg("--no-color")
        .args(run.filter)
        .current_dir(work.path())
        .kill_on_drop(true)
        .env("SCHEMATHESIS_TELEMETRY", "false");
    if run.as_client {
        use base64::Engine;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT}:{SECRET}"));
        cmd.args(["--header", &format!("Authorization: Basic {basic}")]);
    }
    let budget = Duration::from_secs(env_num("FUZZ_RUN_SECS", 40));
    let out = tokio::time::timeout(budget, cmd.output()).await;
    match out {
        Err(_) => {
            eprintln!(
                "schemathesis {} {} {}: budget of {budget:?} reached",
                run.port,
                run.spec,
                who(run)
            );
            (true, String::new())
        }
        Ok(out) => {
            let out = out.expect("run schemathesis");
            let log = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            let tail: String = log.lines().rev().take(3).collect::<Vec<_>>().join(" | ");
            eprintln!(
                "schemathesis {} {} {}: {}",
                run.port,
                run.spec,
                who(run),
                tail
            );
            (out.status.success(), log)
        }
    }
}

fn who(run: &Run) -> &'static str {
    if run.as_client {
        "as the client"
    } else {
        "anonymous"
    }
}

/// Where the Hydra specs are: `SPEC_DIR`, else the copies in `tests/fuzz/spec` (Ory
/// Hydra's published API descriptions, Apache-2.0; kept in the repository so that a
/// clone fuzzes wherever it is checked out).
fn spec_dir() -> PathBuf {
    std::env::var_os("SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/spec"))
}

/// Whether both specs are there; skipped loudly outside CI when not, failed under CI.
fn specs_present() -> bool {
    let missing: Vec<_> = [V1, V26]
        .iter()
        .map(|f| spec_dir().join(f))
        .filter(|p| !p.is_file())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let why = format!("the Hydra specs are missing ({missing:?}; set SPEC_DIR)");
    if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
        panic!("{why}: the fuzz test cannot be skipped under CI");
    }
    eprintln!("\n!!! {why}: the fuzz test is SKIPPED !!!\n");
    false
}

/// Requests and 5xx answers per router, from the server's Prometheus metrics.
async fn counts(app: &TestApp) -> Vec<(String, (u64, u64))> {
    let text = metrics_text(app).await;
    let mut out: Vec<(String, (u64, u64))> = Vec::new();
    for line in text
        .lines()
        .filter(|l| l.starts_with("http_requests_total{"))
    {
        let label = |name: &str| {
            let key = format!("{name}=\"");
            let at = line.find(&key)? + key.len();
            Some(line[at..].split('"').next()?.to_string())
        };
        let (Some(router), Some(status)) = (label("router"), label("status")) else {
            continue;
        };
        let n: u64 = line
            .rsplit(' ')
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let i = match out.iter().position(|(r, _)| *r == router) {
            Some(i) => i,
            None => {
                out.push((router, (0, 0)));
                out.len() - 1
            }
        };
        out[i].1 .0 += n;
        if status.starts_with('5') {
            out[i].1 .1 += n;
        }
    }
    out
}

async fn metrics_text(app: &TestApp) -> String {
    let r = app.http.get(app.admin_url("/metrics/prometheus")).send();
    r.await.unwrap().text().await.unwrap()
}

/// Counts panics of the server (it runs in this process; a failed assertion of a test
/// is not one), keeping the default report.
fn count_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info
                .location()
                .is_some_and(|l| l.file().starts_with("tests/"))
            {
                PANICS.fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
    });
}
