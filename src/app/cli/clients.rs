//! `portcullis clients …`: Hydra 1.9.2's `hydra clients` over the admin API, with its
//! command names, flags and output.

use super::remote::{list, out, print_json, AdminArgs, Remote};
use anyhow::Context;
use clap::{Args, Subcommand};
use reqwest::Method;
use serde_json::{json, Value};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ClientsCommand {
    /// Create an OAuth 2.0 client.
    ///
    /// Example:
    ///   portcullis clients create --id my-app --grant-types authorization_code,refresh_token \
    ///     --response-types code --scope openid,offline_access --callbacks https://app.example/cb
    #[command(verbatim_doc_comment)]
    Create(ClientFlags),
    /// Replace an OAuth 2.0 client with the given flags (fields not given are reset).
    ///
    /// Example:
    ///   portcullis clients update my-app --grant-types client_credentials --scope read
    #[command(verbatim_doc_comment)]
    Update {
        /// The client to replace.
        #[arg(value_name = "ID")]
        client: String,
        #[command(flatten)]
        flags: ClientFlags,
    },
    /// Print OAuth 2.0 clients as JSON.
    ///
    /// Example:
    ///   portcullis clients get my-app
    #[command(verbatim_doc_comment)]
    Get {
        #[arg(required = true)]
        ids: Vec<String>,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// List OAuth 2.0 clients as a table.
    ///
    /// Example:
    ///   portcullis clients list --limit 50 --page 2
    #[command(verbatim_doc_comment)]
    List {
        /// Page number, from 1.
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// Clients per page.
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Delete OAuth 2.0 clients.
    ///
    /// Example:
    ///   portcullis clients delete my-app other-app
    #[command(verbatim_doc_comment)]
    Delete {
        #[arg(required = true)]
        ids: Vec<String>,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Create OAuth 2.0 clients from JSON files (the admin API's client body).
    ///
    /// Example:
    ///   portcullis clients import ./clients/app.json ./clients/worker.json
    #[command(verbatim_doc_comment)]
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        admin: AdminArgs,
    },
}

/// The client fields, as Hydra's `clients create` names them.
#[derive(Args)]
pub struct ClientFlags {
    /// The client id (generated when not given).
    #[arg(long)]
    id: Option<String>,
    /// The client secret (generated and printed when not given, for clients that have
    /// one).
    #[arg(long)]
    secret: Option<String>,
    /// The client's human-readable name.
    #[arg(short = 'n', long)]
    name: Option<String>,
    /// Redirect URIs, comma-separated.
    #[arg(short = 'c', long)]
    callbacks: Vec<String>,
    /// Grant types, comma-separated.
    #[arg(short = 'g', long, default_value = "authorization_code")]
    grant_types: Vec<String>,
    /// Response types, comma-separated.
    #[arg(short = 'r', long, default_value = "code")]
    response_types: Vec<String>,
    /// Scopes the client may request, comma-separated.
    #[arg(short = 'a', long)]
    scope: Vec<String>,
    /// Audiences the client may request, comma-separated.
    #[arg(long)]
    audience: Vec<String>,
    /// client_secret_basic, client_secret_post, private_key_jwt or none.
    #[arg(long, default_value = "client_secret_basic")]
    token_endpoint_auth_method: String,
    #[arg(long)]
    jwks_uri: Option<String>,
    #[arg(long)]
    policy_uri: Option<String>,
    #[arg(long)]
    tos_uri: Option<String>,
    #[arg(long)]
    client_uri: Option<String>,
    #[arg(long)]
    logo_uri: Option<String>,
    /// Origins that may read the token endpoint's answers, comma-separated.
    #[arg(long)]
    allowed_cors_origins: Vec<String>,
    /// public or pairwise.
    #[arg(long)]
    subject_type: Option<String>,
    /// Post-logout redirect URIs, comma-separated.
    #[arg(long)]
    post_logout_callbacks: Vec<String>,
    #[arg(long)]
    frontchannel_logout_callback: Option<String>,
    #[arg(long)]
    frontchannel_logout_session_required: bool,
    #[arg(long)]
    backchannel_logout_callback: Option<String>,
    #[arg(long)]
    backchannel_logout_session_required: bool,
    #[command(flatten)]
    admin: AdminArgs,
}

impl ClientFlags {
    fn body(&self, id: Option<&str>) -> Value {
        let mut b = json!({
            "grant_types": list(&self.grant_types),
            "response_types": list(&self.response_types),
            "scope": list(&self.scope).join(" "),
            "audience": list(&self.audience),
            "redirect_uris": list(&self.callbacks),
            "allowed_cors_origins": list(&self.allowed_cors_origins),
            "post_logout_redirect_uris": list(&self.post_logout_callbacks),
            "token_endpoint_auth_method": self.token_endpoint_auth_method,
            "frontchannel_logout_session_required": self.frontchannel_logout_session_required,
            "backchannel_logout_session_required": self.backchannel_logout_session_required,
        });
        let strings = [
            (
                "client_id",
                id.map(str::to_string).or_else(|| self.id.clone()),
            ),
            ("client_secret", self.secret.clone()),
            ("client_name", self.name.clone()),
            ("jwks_uri", self.jwks_uri.clone()),
            ("policy_uri", self.policy_uri.clone()),
            ("tos_uri", self.tos_uri.clone()),
            ("client_uri", self.client_uri.clone()),
            ("logo_uri", self.logo_uri.clone()),
            ("subject_type", self.subject_type.clone()),
            (
                "frontchannel_logout_uri",
                self.frontchannel_logout_callback.clone(),
            ),
            (
                "backchannel_logout_uri",
                self.backchannel_logout_callback.clone(),
            ),
        ];
        for (k, v) in strings {
            if let Some(v) = v {
                b[k] = Value::String(v);
            }
        }
        b
    }
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

/// Hydra's answer to create and update: the id, and the secret when the server made it.
fn print_created(c: &Value, secret_given: bool) {
    out(format_args!("OAuth 2.0 Client ID: {}", s(c, "client_id")));
    let secret = s(c, "client_secret");
    if secret.is_empty() {
        out(format_args!("This OAuth 2.0 Client has no secret"));
    } else if !secret_given {
        out(format_args!("OAuth 2.0 Client Secret: {secret}"));
    }
}

fn path(id: &str) -> String {
    format!(
        "/clients/{}",
        url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
    )
}

pub async fn run(what: ClientsCommand) -> anyhow::Result<()> {
    match what {
        ClientsCommand::Create(f) => {
            let remote = Remote::admin(&f.admin)?;
            let c = remote
                .json(Method::POST, "/clients", Some(&f.body(None)))
                .await?;
            print_created(&c, f.secret.is_some());
        }
        ClientsCommand::Update { client: id, flags } => {
            let remote = Remote::admin(&flags.admin)?;
            let c = remote
                .json(Method::PUT, &path(&id), Some(&flags.body(Some(&id))))
                .await?;
            print_created(&c, flags.secret.is_some());
        }
        ClientsCommand::Get { ids, admin } => {
            let remote = Remote::admin(&admin)?;
            for id in ids {
                print_json(&remote.json(Method::GET, &path(&id), None).await?);
            }
        }
        ClientsCommand::List { page, limit, admin } => {
            let remote = Remote::admin(&admin)?;
            let offset = u64::from(page.max(1) - 1) * u64::from(limit);
            let clients = remote
                .json(
                    Method::GET,
                    &format!("/clients?limit={limit}&offset={offset}"),
                    None,
                )
                .await?;
            print_table(clients.as_array().map(Vec::as_slice).unwrap_or_default());
        }
        ClientsCommand::Delete { ids, admin } => {
            let remote = Remote::admin(&admin)?;
            for id in &ids {
                remote.json(Method::DELETE, &path(id), None).await?;
            }
            out(format_args!("OAuth 2.0 Client(s) deleted"));
        }
        ClientsCommand::Import { files, admin } => {
            let remote = Remote::admin(&admin)?;
            for file in files {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let body: Value = serde_json::from_str(&text)
                    .with_context(|| format!("{} is not a JSON client", file.display()))?;
                let given = body.get("client_secret").is_some_and(|v| !v.is_null());
                let c = remote.json(Method::POST, "/clients", Some(&body)).await?;
                let secret = s(&c, "client_secret");
                if given || secret.is_empty() {
                    out(format_args!(
                        "Imported OAuth 2.0 Client {}",
                        s(&c, "client_id")
                    ));
                } else {
                    out(format_args!(
                        "Imported OAuth 2.0 Client {}:{secret}",
                        s(&c, "client_id")
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Hydra's `clients list` table.
fn print_table(clients: &[Value]) {
    let join = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_array)
            .map(|xs| {
                xs.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default()
    };
    let mut rows = vec![[
        "CLIENT ID".to_string(),
        "NAME".into(),
        "RESPONSE TYPES".into(),
        "SCOPE".into(),
        "REDIRECT URIS".into(),
        "GRANT TYPES".into(),
        "TOKEN ENDPOINT AUTH METHOD".into(),
    ]];
    for c in clients {
        rows.push([
            s(c, "client_id").into(),
            s(c, "client_name").into(),
            join(c, "response_types"),
            s(c, "scope").replace(' ', ","),
            join(c, "redirect_uris"),
            join(c, "grant_types"),
            s(c, "token_endpoint_auth_method").into(),
        ]);
    }
    let mut widths = [0usize; 7];
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out(format_args!("{}", line.join("\t").trim_end()));
    }
}
