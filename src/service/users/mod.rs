//! The built-in user directory: the people who sign in through Portcullis's own pages
//! and the first-party API.
//!
//! * `password`: argon2id hashing and verification on the shared runner, with a dummy
//!   hash so an unknown email costs what a wrong password costs.
//! * `throttle`: failure counters in the database, shared by every replica.
//! * `login`: [`Users::authenticate`], the one login check every login surface uses.
//! * `directory`: create, read, update, delete and set-password, for the admin API and
//!   the CLI. Field rules are `protocol::user`.
//! * `view`: what the admin API and the CLI show and take.

mod directory;
mod login;
mod password;
mod throttle;
pub use throttle::address_key;
mod view;

pub use directory::{
    create, delete, find, get, list, set_password, update, ListQuery, Page, UserError,
};
pub use login::LoginError;
pub use password::Passwords;
pub use throttle::{InFlight, Limit, ThrottleKind, ThrottlePolicy};
pub use view::{NewUser, UserView};

use crate::crypto::SystemKeys;
use crate::model::{User, UserProfile};
use crate::secret::Secret;
use crate::store::Store;
use std::sync::Arc;

/// What the user use cases need, built once.
#[derive(Clone)]
pub struct Users {
    pub store: Store,
    /// For the throttle's keyed hashes of emails and addresses.
    pub keys: Arc<SystemKeys>,
    pub passwords: Arc<Passwords>,
    pub throttle: ThrottlePolicy,
    /// Password checks running now, per account and address (this replica).
    pub in_flight: Arc<InFlight>,
}

impl Users {
    pub async fn create(&self, new: NewUser, now: i64) -> Result<User, UserError> {
        create(&self.store, &self.passwords, new, now).await
    }

    pub async fn get(&self, id: &str) -> Result<User, UserError> {
        get(&self.store, id).await
    }

    pub async fn list(&self, q: &ListQuery) -> Result<Page, UserError> {
        list(&self.store, q).await
    }

    pub async fn update(&self, id: &str, p: UserProfile, now: i64) -> Result<User, UserError> {
        update(&self.store, id, p, now).await
    }

    pub async fn set_password(&self, id: &str, pw: &Secret, now: i64) -> Result<(), UserError> {
        set_password(&self.store, &self.passwords, id, pw, now).await
    }

    pub async fn delete(&self, id: &str) -> Result<(), UserError> {
        delete(&self.store, id).await
    }

    /// The admin API's views of `users`, each with its upstream identity links.
    pub async fn views(&self, users: &[User]) -> Result<Vec<UserView>, UserError> {
        let ids: Vec<String> = users.iter().map(|u| u.id.to_string()).collect();
        let links = self.store.links_of(&ids).await?;
        Ok(users
            .iter()
            .map(|u| {
                let id = u.id.to_string();
                UserView {
                    identities: Some(links.iter().filter(|l| l.user_id == id).cloned().collect()),
                    ..UserView::from(u)
                }
            })
            .collect())
    }

    /// The user named by `subject` if it exists and is enabled; `None` for a subject
    /// that is not in the directory (an external login app's) or a disabled account.
    pub async fn active(&self, subject: &str) -> Result<Option<User>, UserError> {
        match get(&self.store, subject).await {
            Ok(u) if !u.disabled => Ok(Some(u)),
            Ok(_) | Err(UserError::NotFound) | Err(UserError::Invalid(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests;
