//! A user of the built-in directory. The password hash is never part of a `User`: only
//! the login check reads it.

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

/// The form uniqueness and login use: trimmed and lowercased. (Local parts are
/// case-sensitive in theory; no real mail system treats them so, and two accounts that
/// differ only in case would be a trap.)
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}
