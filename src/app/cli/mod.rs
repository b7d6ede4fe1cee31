//! The command line: `serve`, `migrate`, `version`, `users` and `keys rotate-secret`
//! work on the database; `clients`, `keys`, `token` and `identity` talk to a running
//! server's API as Hydra's CLI does.

mod clients;
mod identity;
mod keys;
mod remote;
mod token;
mod users;

use super::{App, BuildOptions};
use crate::config;
use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(
    name = "portcullis",
    version,
    about = "OAuth 2.0 and OpenID Connect server, compatible with Ory Hydra"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The configuration file, for the commands that read it (the API clients take
/// `-c` for `--callbacks`, as Hydra's do).
#[derive(clap::Args, Clone, Default)]
struct ConfigArg {
    /// YAML configuration file (environment variables override it).
    #[arg(short, long, global = true, env = "PORTCULLIS_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP servers.
    Serve {
        #[command(flatten)]
        config: ConfigArg,
        #[arg(value_enum, default_value = "all")]
        which: Which,
        /// Do not apply pending database migrations at start.
        #[arg(long)]
        no_migrate: bool,
        /// Accepted for compatibility with Hydra; Portcullis serves plain HTTP behind a
        /// TLS-terminating proxy either way.
        #[arg(long, hide = true)]
        dangerous_force_http: bool,
    },
    /// Database migrations.
    Migrate {
        #[command(flatten)]
        config: ConfigArg,
        #[command(subcommand)]
        what: Migrate,
    },
    /// Print the version.
    Version,
    /// Manage the built-in user directory (create, list, delete, set-password).
    Users {
        #[command(flatten)]
        config: ConfigArg,
        #[command(subcommand)]
        what: users::UsersCommand,
    },
    /// Manage OAuth 2.0 clients through the admin API (Hydra's `clients`).
    Clients {
        #[command(subcommand)]
        what: Box<clients::ClientsCommand>,
    },
    /// Manage JSON Web Keys through the admin API, or re-encrypt them (rotate-secret).
    Keys {
        #[command(flatten)]
        config: ConfigArg,
        #[command(subcommand)]
        what: keys::KeysCommand,
    },
    /// Issue, introspect, revoke and flush tokens (Hydra's `token`).
    Token {
        #[command(subcommand)]
        what: token::TokenCommand,
    },
    /// Inspect the upstream identity providers.
    Identity {
        #[command(subcommand)]
        what: identity::IdentityCommand,
    },
}

#[derive(Subcommand)]
enum Migrate {
    /// Apply pending SQL migrations to the database named by DSN (or the configuration).
    Sql {
        dsn: Option<String>,
        /// Read the DSN from the configuration / environment (Hydra's `-e`).
        #[arg(short = 'e', long)]
        read_from_env: bool,
        /// Do not ask for confirmation (accepted for Hydra compatibility; never asks).
        #[arg(short, long)]
        yes: bool,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Which {
    All,
    Public,
    Admin,
}

pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = run(cli).await;
    crate::telemetry::shutdown().await;
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn settings(cli_config: Option<&PathBuf>) -> anyhow::Result<config::Settings> {
    let loaded = config::load(cli_config.map(|p| p.as_path()))?;
    crate::telemetry::init(&loaded.settings);
    for w in &loaded.warnings {
        tracing::warn!("{w}");
    }
    Ok(loaded.settings)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Users { what, config } => {
            users::run(what, settings(config.config.as_ref())?).await
        }
        Command::Keys { what, config } => {
            let s = if keys::needs_settings(&what) {
                Some(settings(config.config.as_ref())?)
            } else {
                None
            };
            keys::run(what, s).await
        }
        Command::Clients { what } => clients::run(*what).await,
        Command::Token { what } => token::run(what).await,
        Command::Identity { what } => identity::run(what).await,
        Command::Version => {
            println!("portcullis v{}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Command::Migrate {
            config,
            what: Migrate::Sql {
                dsn, read_from_env, ..
            },
        } => {
            let mut s = settings(config.config.as_ref())?;
            if let Some(dsn) = dsn {
                s.dsn = Some(dsn);
            } else if !read_from_env && s.dsn.is_none() {
                anyhow::bail!("give a DSN as argument, or -e to read DSN from the environment");
            }
            let store = super::connect(&s).await?;
            store
                .migrate()
                .await
                .context("cannot apply database migrations")?;
            store.close().await;
            println!("migrations applied");
            Ok(())
        }
        Command::Serve {
            config,
            which,
            no_migrate,
            ..
        } => {
            let s = settings(config.config.as_ref())?;
            // An unconfigured admin port listens on loopback only (Hydra: everywhere);
            // the container image sets SERVE_ADMIN_HOST=0.0.0.0.
            let bind = |host: &str, default: &str, port: u16| {
                let host = if host.is_empty() { default } else { host };
                if host.contains(':') && !host.starts_with('[') {
                    format!("[{host}]:{port}")
                } else {
                    format!("{host}:{port}")
                }
            };
            let public_addr = bind(&s.serve.public.host, "0.0.0.0", s.serve.public.port);
            let admin_addr = bind(&s.serve.admin.host, "127.0.0.1", s.serve.admin.port);
            let app = App::build(
                s,
                BuildOptions {
                    migrate: !no_migrate,
                    ..BuildOptions::default()
                },
            )
            .await?;
            let public = if which != Which::Admin {
                Some(
                    TcpListener::bind(&public_addr)
                        .await
                        .with_context(|| format!("cannot listen on {public_addr}"))?,
                )
            } else {
                None
            };
            let admin = if which != Which::Public {
                Some(
                    TcpListener::bind(&admin_addr)
                        .await
                        .with_context(|| format!("cannot listen on {admin_addr}"))?,
                )
            } else {
                None
            };
            app.serve(public, admin, super::shutdown_signal()).await
        }
    }
}
