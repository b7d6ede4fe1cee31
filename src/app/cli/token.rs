//! `portcullis token …`: Hydra's `token client|introspect|revoke|flush`.

use super::remote::{list, out, print_json, AdminArgs, PublicArgs, Remote};
use crate::config::parse_duration;
use clap::{Args, Subcommand};
use reqwest::Method;
use serde_json::json;

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Get an access token with the client credentials grant and print it.
    ///
    /// Example:
    ///   portcullis token client --client-id machine --client-secret s3cret --scope read,write
    #[command(verbatim_doc_comment)]
    Client {
        #[command(flatten)]
        client: ClientCredentials,
        /// Scopes to request, comma-separated.
        #[arg(long)]
        scope: Vec<String>,
        /// Audiences to request, comma-separated.
        #[arg(long)]
        audience: Vec<String>,
        /// Print the whole token answer as JSON.
        #[arg(short, long)]
        verbose: bool,
        #[command(flatten)]
        public: PublicArgs,
    },
    /// Introspect a token through the admin API and print the answer.
    ///
    /// Example:
    ///   portcullis token introspect ptc_at_…
    #[command(verbatim_doc_comment)]
    Introspect {
        token: String,
        /// Scopes the token must have, comma-separated.
        #[arg(long)]
        scope: Vec<String>,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Revoke an access or refresh token on behalf of the client it was issued to.
    ///
    /// Example:
    ///   portcullis token revoke ptc_rt_… --client-id machine --client-secret s3cret
    #[command(verbatim_doc_comment)]
    Revoke {
        token: String,
        #[command(flatten)]
        client: ClientCredentials,
        #[command(flatten)]
        public: PublicArgs,
    },
    /// Delete expired tokens now (the janitor also does this in the background).
    ///
    /// Example:
    ///   portcullis token flush --min-age 24h
    #[command(verbatim_doc_comment)]
    Flush {
        /// Keep tokens that expired less than this long ago (e.g. 1h).
        #[arg(long)]
        min_age: Option<String>,
        #[command(flatten)]
        admin: AdminArgs,
    },
}

#[derive(Args)]
pub struct ClientCredentials {
    #[arg(long, env = "OAUTH2_CLIENT_ID")]
    client_id: String,
    #[arg(long, env = "OAUTH2_CLIENT_SECRET", hide_env_values = true)]
    client_secret: String,
}

pub async fn run(what: TokenCommand) -> anyhow::Result<()> {
    match what {
        TokenCommand::Client {
            client,
            scope,
            audience,
            verbose,
            public,
        } => {
            let remote = Remote::public(&public)?;
            let scope = list(&scope).join(" ");
            let audience = list(&audience).join(" ");
            let mut form = vec![("grant_type", "client_credentials")];
            if !scope.is_empty() {
                form.push(("scope", &scope));
            }
            if !audience.is_empty() {
                form.push(("audience", &audience));
            }
            let t = remote
                .form(
                    crate::paths::public::TOKEN,
                    &form,
                    Some((&client.client_id, &client.client_secret)),
                )
                .await?;
            if verbose {
                print_json(&t);
            } else {
                out(format_args!("{}", t["access_token"].as_str().unwrap_or("")));
            }
        }
        TokenCommand::Introspect {
            token,
            scope,
            admin,
        } => {
            let remote = Remote::admin(&admin)?;
            let scope = list(&scope).join(" ");
            let mut form = vec![("token", token.as_str())];
            if !scope.is_empty() {
                form.push(("scope", &scope));
            }
            print_json(
                &remote
                    .form(crate::paths::admin::INTROSPECT, &form, None)
                    .await?,
            );
        }
        TokenCommand::Revoke {
            token,
            client,
            public,
        } => {
            let remote = Remote::public(&public)?;
            remote
                .form(
                    crate::paths::public::REVOKE,
                    &[("token", &token)],
                    Some((&client.client_id, &client.client_secret)),
                )
                .await?;
            out(format_args!("Revoked OAuth 2.0 token"));
        }
        TokenCommand::Flush { min_age, admin } => {
            let remote = Remote::admin(&admin)?;
            let mut body = json!({});
            if let Some(age) = min_age {
                let age = parse_duration(&age).map_err(|e| anyhow::anyhow!("--min-age: {e}"))?;
                let not_after = time::OffsetDateTime::now_utc() - age;
                body["notAfter"] = json!(not_after
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default());
            }
            remote
                .json(Method::POST, crate::paths::admin::FLUSH, Some(&body))
                .await?;
            out(format_args!("Successfully flushed inactive access tokens"));
        }
    }
    Ok(())
}
