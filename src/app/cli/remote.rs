//! The HTTP side of the command line: the client, table and token commands talk to a
//! running server's admin (or public) API, as Hydra's CLI does, so they work against
//! any replica without database access.

use anyhow::{anyhow, Context};
use clap::Args;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// Where the admin API is and how to authenticate to it.
#[derive(Args, Debug, Clone)]
pub struct AdminArgs {
    /// The admin API's URL [env: HYDRA_ADMIN_URL or PORTCULLIS_ADMIN_URL; default
    /// http://127.0.0.1:4445].
    #[arg(short = 'e', long)]
    pub endpoint: Option<String>,
    /// A key from serve.admin.api_keys, sent as a bearer token.
    #[arg(long, env = "PORTCULLIS_ADMIN_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// Accept any TLS certificate (for a test server behind a self-signed proxy).
    #[arg(long)]
    pub skip_tls_verify: bool,
    /// Accepted for compatibility with Hydra's CLI; does nothing.
    #[arg(long, hide = true)]
    pub fake_tls_termination: bool,
}

/// Where the public API is (token commands).
#[derive(Args, Debug, Clone)]
pub struct PublicArgs {
    /// The public API's URL [env: HYDRA_URL or PORTCULLIS_PUBLIC_URL; default
    /// http://127.0.0.1:4444].
    #[arg(short = 'e', long)]
    pub endpoint: Option<String>,
    /// Accept any TLS certificate.
    #[arg(long)]
    pub skip_tls_verify: bool,
    /// Accepted for compatibility with Hydra's CLI; does nothing.
    #[arg(long, hide = true)]
    pub fake_tls_termination: bool,
}

/// A server to talk to.
pub struct Remote {
    http: reqwest::Client,
    base: String,
    bearer: Option<String>,
}

fn from_env(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| std::env::var(n).ok().filter(|v| !v.is_empty()))
}

fn client(skip_tls_verify: bool) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .danger_accept_invalid_certs(skip_tls_verify)
        .timeout(std::time::Duration::from_secs(30))
        .user_agent(concat!("portcullis-cli/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("cannot set up the HTTP client")
}

impl Remote {
    pub fn admin(a: &AdminArgs) -> anyhow::Result<Remote> {
        let base = a
            .endpoint
            .clone()
            .or_else(|| from_env(&["HYDRA_ADMIN_URL", "PORTCULLIS_ADMIN_URL"]))
            .unwrap_or_else(|| "http://127.0.0.1:4445".into());
        Ok(Remote {
            http: client(a.skip_tls_verify)?,
            base: base.trim_end_matches('/').to_string(),
            bearer: a.api_key.clone().filter(|k| !k.is_empty()),
        })
    }

    pub fn public(a: &PublicArgs) -> anyhow::Result<Remote> {
        let base = a
            .endpoint
            .clone()
            .or_else(|| from_env(&["HYDRA_URL", "PORTCULLIS_PUBLIC_URL"]))
            .unwrap_or_else(|| "http://127.0.0.1:4444".into());
        Ok(Remote {
            http: client(a.skip_tls_verify)?,
            base: base.trim_end_matches('/').to_string(),
            bearer: None,
        })
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let r = self.http.request(method, format!("{}{path}", self.base));
        match &self.bearer {
            Some(k) => r.bearer_auth(k),
            None => r,
        }
    }

    /// Sends a JSON request; the answer's JSON (`Null` for an empty body).
    pub async fn json(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Value> {
        let mut r = self.request(method, path);
        if let Some(b) = body {
            r = r.json(b);
        }
        answer(r.send().await).await
    }

    /// Sends a form (`auth`: HTTP Basic client credentials).
    pub async fn form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        auth: Option<(&str, &str)>,
    ) -> anyhow::Result<Value> {
        let mut r = self.request(Method::POST, path).form(form);
        if let Some((id, secret)) = auth {
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            r = r.basic_auth(enc(id), Some(enc(secret)));
        }
        answer(r.send().await).await
    }
}

async fn answer(sent: Result<reqwest::Response, reqwest::Error>) -> anyhow::Result<Value> {
    let resp = sent.map_err(|e| anyhow!("cannot reach the server: {}", e.without_url()))?;
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    let body: Value = if text.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    if status.is_success() {
        return Ok(body);
    }
    Err(anyhow!("{}", describe(status, &body)))
}

/// A server error as one line: status, then the error and its description.
fn describe(status: StatusCode, body: &Value) -> String {
    let field = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or("");
    let what = [
        field("error"),
        field("error_description"),
        field("error_hint"),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(": ");
    let what = if what.is_empty() {
        body.as_str().unwrap_or("").to_string()
    } else {
        what
    };
    format!("the server answered {status}: {what}")
}

/// One line on stdout. A reader that went away (`| grep -q`, `| head`) is not an
/// error worth a panic, which is what `println!` would do.
pub fn out(line: impl std::fmt::Display) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// Pretty JSON on stdout, as Hydra's `get` commands print.
pub fn print_json(v: &Value) {
    out(serde_json::to_string_pretty(v).unwrap_or_default());
}

/// A comma-separated flag value as a list (Hydra's flags take `a,b,c`).
pub fn list(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
