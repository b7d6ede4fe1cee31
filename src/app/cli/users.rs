//! `portcullis users …`: managing the user directory from the command line, against the
//! database named by the configuration (as `migrate` does). Passwords are read from
//! standard input (first line) or, on a terminal, asked for without echo; never from
//! arguments, which other users of the machine can see in the process list.

use crate::config::Settings;
use crate::crypto::argon2::Argon2Runner;
use crate::model::{User, UserProfile};
use crate::secret::Secret;
use crate::service::users::{self, ListQuery, NewUser, Passwords, UserError, UserView};
use crate::store::{Store, StoreError};
use anyhow::{bail, Context};
use clap::Subcommand;
use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a user; prints its id (the OpenID Connect `sub`). The password is read from
    /// standard input, or asked for on a terminal.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "")]
        name: String,
        /// A role; repeat for several.
        #[arg(long = "role")]
        roles: Vec<String>,
        /// A group; repeat for several.
        #[arg(long = "group")]
        groups: Vec<String>,
        #[arg(long)]
        email_verified: bool,
        #[arg(long)]
        disabled: bool,
    },
    /// List users (all of them, ordered by email).
    List {
        /// Only the user with this email address.
        #[arg(long)]
        email: Option<String>,
        /// Print a JSON array (the admin API's format) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Delete a user, named by id or email address.
    Delete { user: String },
    /// Set a user's password (named by id or email address); the password is read from
    /// standard input, or asked for on a terminal.
    SetPassword { user: String },
}

pub async fn run(cmd: UsersCommand, settings: Settings) -> anyhow::Result<()> {
    let store = crate::app::connect(&settings).await?;
    let result = execute(cmd, &store, &settings).await;
    store.close().await;
    result.map_err(|e| {
        // A database error here is most often a database `migrate` has not been run on.
        match e.downcast_ref::<UserError>() {
            Some(UserError::Store(StoreError::Database(_))) => {
                e.context("database error (has `portcullis migrate sql -e` been run?)")
            }
            _ => e,
        }
    })
}

async fn execute(cmd: UsersCommand, store: &Store, settings: &Settings) -> anyhow::Result<()> {
    let now = crate::clock::now();
    match cmd {
        UsersCommand::Create {
            email,
            name,
            roles,
            groups,
            email_verified,
            disabled,
        } => {
            let password = read_password(true)?;
            let passwords = passwords(settings);
            let new = NewUser {
                profile: UserProfile {
                    email,
                    name,
                    roles,
                    groups,
                    email_verified,
                    disabled,
                },
                password,
            };
            let u = users::create(store, &passwords, new, now).await?;
            println!("{}", u.id);
        }
        UsersCommand::List { email, json } => {
            let users = all_users(store, email).await?;
            if json {
                let views: Vec<UserView> = users.iter().map(UserView::from).collect();
                println!("{}", serde_json::to_string_pretty(&views)?);
            } else {
                println!("ID\tEMAIL\tNAME\tROLES\tGROUPS\tFLAGS");
                for u in &users {
                    let mut flags = vec![];
                    if u.email_verified {
                        flags.push("verified");
                    }
                    if u.disabled {
                        flags.push("disabled");
                    }
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        u.id,
                        u.email,
                        u.name,
                        u.roles.join(","),
                        u.groups.join(","),
                        flags.join(",")
                    );
                }
            }
        }
        UsersCommand::Delete { user } => {
            let u = users::find(store, &user).await?;
            users::delete(store, &u.id.to_string()).await?;
            println!("deleted {} ({})", u.id, u.email);
        }
        UsersCommand::SetPassword { user } => {
            let u = users::find(store, &user).await?;
            let password = read_password(true)?;
            let passwords = passwords(settings);
            users::set_password(store, &passwords, &u.id.to_string(), &password, now).await?;
            println!("password set for {} ({})", u.id, u.email);
        }
    }
    Ok(())
}

async fn all_users(store: &Store, email: Option<String>) -> anyhow::Result<Vec<User>> {
    let mut out = Vec::new();
    loop {
        let q = ListQuery {
            email: email.clone(),
            limit: 500,
            offset: out.len() as i64,
        };
        let page = users::list(store, &q).await?;
        let done = page.users.len() < 500;
        out.extend(page.users);
        if done {
            return Ok(out);
        }
    }
}

fn passwords(settings: &Settings) -> Passwords {
    Passwords::new(Arc::new(Argon2Runner::new(&settings.oauth2.hashers.argon2)))
}

/// The first line of standard input, or a prompt without echo on a terminal (asked twice
/// when `confirm`).
fn read_password(confirm: bool) -> anyhow::Result<Secret> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let first = Secret::new(rpassword::prompt_password("Password: ")?);
        if confirm {
            let again = Secret::new(rpassword::prompt_password("Repeat the password: ")?);
            if again != first {
                bail!("the passwords differ");
            }
        }
        return Ok(first);
    }
    let mut line = String::new();
    let n = stdin
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    if n == 0 {
        bail!("no password on standard input");
    }
    let trimmed = line
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(&line);
    Ok(Secret::new(trimmed))
}
