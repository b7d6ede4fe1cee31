//! A user of the built-in directory, and the JSON the admin API and CLI show for it.
//! The password hash is never part of a `User`: only the login check reads it.

use crate::clock::rfc3339;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The OpenID Connect `sub`.
    pub id: Uuid,
    /// As given (trimmed); uniqueness is on its lowercase form.
    pub email: String,
    pub name: String,
    pub roles: Vec<String>,
    pub groups: Vec<String>,
    pub email_verified: bool,
    pub disabled: bool,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// The fields an administrator sets; `PUT /admin/users/{id}` replaces all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserProfile {
    pub email: String,
    pub name: String,
    pub roles: Vec<String>,
    pub groups: Vec<String>,
    pub email_verified: bool,
    pub disabled: bool,
}

/// A user to create: a profile and its first password.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub profile: UserProfile,
    pub password: crate::secret::Secret,
}

/// The admin API's and CLI's JSON for a user; it has no password field at all.
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub roles: Vec<String>,
    pub groups: Vec<String>,
    pub email_verified: bool,
    pub disabled: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id.to_string(),
            email: u.email.clone(),
            name: u.name.clone(),
            roles: u.roles.clone(),
            groups: u.groups.clone(),
            email_verified: u.email_verified,
            disabled: u.disabled,
            created_at: rfc3339(u.created_at),
            updated_at: rfc3339(u.updated_at),
        }
    }
}
