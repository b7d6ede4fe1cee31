//! `portcullis identity providers list|get`: the upstream identity providers.

use super::remote::{out, print_json, AdminArgs, Remote};
use clap::Subcommand;
use reqwest::Method;
use serde_json::Value;

#[derive(Subcommand)]
pub enum IdentityCommand {
    /// The upstream identity providers people can sign in with.
    Providers {
        #[command(subcommand)]
        what: ProvidersCommand,
    },
}

#[derive(Subcommand)]
pub enum ProvidersCommand {
    /// List the providers with their status.
    ///
    /// Example:
    ///   portcullis identity providers list
    #[command(verbatim_doc_comment)]
    List {
        /// Print the admin API's JSON instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Print one provider as JSON.
    ///
    /// Example:
    ///   portcullis identity providers get corp
    #[command(verbatim_doc_comment)]
    Get {
        id: String,
        #[command(flatten)]
        admin: AdminArgs,
    },
}

pub async fn run(what: IdentityCommand) -> anyhow::Result<()> {
    let IdentityCommand::Providers { what } = what;
    let base = crate::paths::admin::IDENTITY_PROVIDERS;
    match what {
        ProvidersCommand::List { json, admin } => {
            let list = Remote::admin(&admin)?.json(Method::GET, base, None).await?;
            if json {
                print_json(&list);
                return Ok(());
            }
            let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            out(format_args!("ID\tSTATUS\tSOURCE\tISSUER\tNAME"));
            for p in list.as_array().map(Vec::as_slice).unwrap_or_default() {
                out(format_args!(
                    "{}\t{}\t{}\t{}\t{}",
                    s(p, "id"),
                    s(p, "status"),
                    s(p, "source"),
                    s(p, "issuer"),
                    s(p, "display_name")
                ));
            }
        }
        ProvidersCommand::Get { id, admin } => {
            let path = format!(
                "{base}/{}",
                url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
            );
            print_json(
                &Remote::admin(&admin)?
                    .json(Method::GET, &path, None)
                    .await?,
            );
        }
    }
    Ok(())
}
