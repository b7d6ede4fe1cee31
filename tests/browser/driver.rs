//! Headless Chromium through chromedriver, started by the test on a free port.
//!
//! Missing binaries skip the test loudly outside CI and fail it under CI (`.ci/run`
//! installs Debian's `chromium` and `chromium-driver`).

use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Map, Value};
use std::path::Path;
use std::time::Duration;
use tokio::process::{Child, Command};

pub const CHROMIUM: &str = "/usr/bin/chromium";

/// A running chromedriver with one browser session; both end when this is dropped
/// (call [`Browser::close`] to end the session cleanly first).
pub struct Browser {
    pub client: Client,
    _driver: Child,
    _profile: tempfile::TempDir,
}

fn find_driver() -> Option<String> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .map(str::to_string)
}

/// The browser, or `None` (after saying so) when Chromium is not installed here.
pub async fn launch() -> Option<Browser> {
    let driver = find_driver();
    if !Path::new(CHROMIUM).exists() || driver.is_none() {
        let msg = "chromium and chromedriver are not installed \
                   (apt-get install -y chromium chromium-driver)";
        if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
            panic!("{msg}: the browser test cannot be skipped under CI");
        }
        eprintln!("\n!!! {msg}: the browser test is SKIPPED !!!\n");
        return None;
    }
    let port = free_port();
    let child = Command::new(driver.unwrap_or_default())
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver starts");
    let url = format!("http://127.0.0.1:{port}");
    wait_ready(&url).await;

    let profile = tempfile::tempdir().expect("a temporary Chromium profile");
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1024,860",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.path().display())])
    .collect::<Vec<_>>();
    let mut caps = Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "binary": CHROMIUM, "args": args }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&url)
        .await
        .expect("a Chromium session through chromedriver");
    Some(Browser {
        client,
        _driver: child,
        _profile: profile,
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn wait_ready(url: &str) {
    let http = reqwest::Client::new();
    for _ in 0..100 {
        if let Ok(r) = http.get(format!("{url}/status")).send().await {
            if let Ok(v) = r.json::<Value>().await {
                if v["value"]["ready"] == true {
                    return;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not become ready at {url}");
}

impl Browser {
    /// Saves a PNG of the viewport as `target/browser-screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
        std::fs::create_dir_all(&dir).expect("the screenshot directory");
        let png = self.client.screenshot().await.expect("a screenshot");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("the screenshot is saved");
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
