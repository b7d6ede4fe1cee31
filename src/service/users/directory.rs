//! Managing users: what the admin API and the CLI call. Validation happens here, once,
//! so both surfaces apply the same rules.

use super::password::Passwords;
use super::view::NewUser;
use crate::crypto::argon2::HashError;
use crate::model::user::normalize_email;
use crate::model::{User, UserProfile};
use crate::protocol::user::{self as validate, validate_password};
use crate::secret::Secret;
use crate::store::{Store, StoreError};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// A field is invalid; the message says which and why (never echoing a password).
    #[error("{0}")]
    Invalid(String),
    #[error("the user does not exist")]
    NotFound,
    /// Includes `StoreError::Conflict("email")` for a duplicate email.
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// One page of a listing, and how many users match in all.
#[derive(Debug, Clone)]
pub struct Page {
    pub users: Vec<User>,
    pub total: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Only the user with this email (compared in normalised form).
    pub email: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

#[tracing::instrument(skip_all)]
pub async fn create(
    store: &Store,
    passwords: &Passwords,
    new: NewUser,
    now: i64,
) -> Result<User, UserError> {
    let profile = validate::profile(new.profile).map_err(UserError::Invalid)?;
    validate_password(&new.password).map_err(UserError::Invalid)?;
    let hash = passwords.hash(&new.password).await?;
    let user = User {
        id: Uuid::new_v4(),
        email: profile.email,
        name: profile.name,
        roles: profile.roles,
        groups: profile.groups,
        email_verified: profile.email_verified,
        disabled: profile.disabled,
        created_at: now,
        updated_at: now,
    };
    store.user_insert(&user, &hash).await?;
    tracing::info!(user_id = %user.id, "user created");
    Ok(user)
}

/// The user with this id. A value that is not a UUID names no user.
pub async fn get(store: &Store, id: &str) -> Result<User, UserError> {
    let id = parse_id(id)?;
    store.user_get(id).await?.ok_or(UserError::NotFound)
}

/// The user named by an id or an email address (for the CLI).
pub async fn find(store: &Store, id_or_email: &str) -> Result<User, UserError> {
    match Uuid::parse_str(id_or_email.trim()) {
        Ok(id) => store.user_get(id).await?.ok_or(UserError::NotFound),
        Err(_) => store
            .user_by_email(&normalize_email(id_or_email))
            .await?
            .ok_or(UserError::NotFound),
    }
}

pub async fn list(store: &Store, q: &ListQuery) -> Result<Page, UserError> {
    let email = q
        .email
        .as_deref()
        .map(normalize_email)
        .filter(|e| !e.is_empty());
    if email
        .as_deref()
        .is_some_and(|e| !validate::could_be_stored(e))
    {
        return Ok(Page {
            users: Vec::new(),
            total: 0,
        });
    }
    let (users, total) = store
        .users_list(email.as_deref(), q.limit.max(0), q.offset.max(0))
        .await?;
    Ok(Page { users, total })
}

/// Replaces the profile of user `id` (not its password).
pub async fn update(
    store: &Store,
    id: &str,
    profile: UserProfile,
    now: i64,
) -> Result<User, UserError> {
    let id = parse_id(id)?;
    let profile = validate::profile(profile).map_err(UserError::Invalid)?;
    let user = store
        .user_update(id, &profile, now)
        .await?
        .ok_or(UserError::NotFound)?;
    tracing::info!(user_id = %user.id, "user updated");
    if user.disabled {
        // A disabled account keeps nothing that works: tokens, codes, sessions.
        revoke_everything(store, &user.id).await?;
    }
    Ok(user)
}

#[tracing::instrument(skip_all)]
pub async fn set_password(
    store: &Store,
    passwords: &Passwords,
    id: &str,
    password: &Secret,
    now: i64,
) -> Result<(), UserError> {
    let id = parse_id(id)?;
    validate_password(password).map_err(UserError::Invalid)?;
    // Checked first so an unknown id is a cheap 404 rather than an argon2 run.
    if store.user_get(id).await?.is_none() {
        return Err(UserError::NotFound);
    }
    let hash = passwords.hash(password).await?;
    if !store.user_set_password_hash(id, &hash, now).await? {
        return Err(UserError::NotFound);
    }
    tracing::info!(user_id = %id, "user password set");
    // A new password ends what the old one started (it may have been stolen).
    revoke_everything(store, &id).await?;
    Ok(())
}

pub async fn delete(store: &Store, id: &str) -> Result<(), UserError> {
    let id = parse_id(id)?;
    if !store.user_delete(id).await? {
        return Err(UserError::NotFound);
    }
    tracing::info!(user_id = %id, "user deleted");
    revoke_everything(store, &id).await?;
    Ok(())
}

/// Revokes the user's access and refresh tokens and codes, and ends their login
/// sessions (stricter than Hydra, which has no users: see docs/security.md).
async fn revoke_everything(store: &Store, id: &Uuid) -> Result<(), UserError> {
    let n = store.revoke_subject(&id.to_string()).await?;
    tracing::info!(user_id = %id, revoked = n, "revoked the user's tokens and sessions");
    Ok(())
}

fn parse_id(id: &str) -> Result<Uuid, UserError> {
    Uuid::parse_str(id).map_err(|_| UserError::NotFound)
}
