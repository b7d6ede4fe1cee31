//! The local user of an upstream identity: the linked one, one linked now by email
//! (both sides verified, `link_by_email`), or one created (`create_users`). Identities
//! are keyed by (issuer, subject); one user may have several.

use super::Federation;
use crate::crypto::random_token;
use crate::model::identity::IdentityLink;
use crate::model::user::normalize_email;
use crate::model::User;
use crate::protocol::federation::account::{
    decide_unlinked, roles_for, LocalUser, Refusal, Unlinked, UpstreamProfile,
};
use crate::protocol::federation::provider::ProviderDef;
use crate::protocol::user::validate_email;
use crate::secret::Secret;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Shown to the person on the login page.
    #[error("sign-in refused: {0:?}")]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl Federation {
    /// The local user `p` signs in as, linking or creating it as the definition allows.
    pub(super) async fn local_user(
        &self,
        def: &ProviderDef,
        p: &UpstreamProfile,
        now: i64,
    ) -> Result<User, AccountError> {
        if let Some(link) = self.store.link_get(&def.issuer, &p.subject).await? {
            let user = self.linked_user(&link.user_id).await?;
            if def.sync_always {
                return self.sync(def, user, p, now).await;
            }
            return Ok(user);
        }
        let local = match &p.email {
            Some(e) => self.store.user_by_email(&normalize_email(e)).await?,
            None => None,
        };
        let decision = decide_unlinked(
            def,
            p,
            local.as_ref().map(|u| LocalUser {
                email_verified: u.email_verified,
            }),
        );
        match (decision, local) {
            (Unlinked::Link, Some(user)) => {
                if user.disabled {
                    return Err(AccountError::Refused(Refusal::Disabled));
                }
                self.store
                    .link_insert(&self.link(def, p, &user, now))
                    .await?;
                tracing::info!(user_id = %user.id, provider = %def.id, "linked an upstream identity by email");
                if def.sync_always {
                    return self.sync(def, user, p, now).await;
                }
                Ok(user)
            }
            (Unlinked::Create, _) => self.create(def, p, now).await,
            (Unlinked::Refuse(r), _) => Err(AccountError::Refused(r)),
            (Unlinked::Link, None) => Err(AccountError::Refused(Refusal::NoAccount)),
        }
    }

    async fn linked_user(&self, id: &str) -> Result<User, AccountError> {
        let id = uuid::Uuid::parse_str(id)
            .map_err(|_| AccountError::Internal(format!("a link names user {id:?}")))?;
        match self.store.user_get(id).await? {
            Some(u) if u.disabled => Err(AccountError::Refused(Refusal::Disabled)),
            Some(u) => Ok(u),
            // The link goes with the user (ON DELETE CASCADE); a race at worst.
            None => Err(AccountError::Refused(Refusal::NoAccount)),
        }
    }

    fn link(&self, def: &ProviderDef, p: &UpstreamProfile, user: &User, now: i64) -> IdentityLink {
        IdentityLink {
            issuer: def.issuer.clone(),
            subject: p.subject.clone(),
            user_id: user.id.to_string(),
            provider_id: def.id.clone(),
            created_at: now,
        }
    }

    /// Name, groups and roles as the provider says now.
    async fn sync(
        &self,
        def: &ProviderDef,
        mut user: User,
        p: &UpstreamProfile,
        now: i64,
    ) -> Result<User, AccountError> {
        let name = p.name.clone().unwrap_or_else(|| user.name.clone());
        let roles = roles_for(def, &p.groups);
        if name == user.name && roles == user.roles && p.groups == user.groups {
            return Ok(user);
        }
        let id = user.id.to_string();
        self.store
            .user_sync_profile(&id, &name, &roles, &p.groups, now)
            .await?;
        user.name = name;
        user.roles = roles;
        user.groups = p.groups.clone();
        user.updated_at = now;
        Ok(user)
    }

    /// A new local user for `p`, linked in the same transaction. Its password is a
    /// random value nobody knows: it signs in through the provider (or after an
    /// administrator sets a password).
    async fn create(
        &self,
        def: &ProviderDef,
        p: &UpstreamProfile,
        now: i64,
    ) -> Result<User, AccountError> {
        let email = p
            .email
            .clone()
            .ok_or(AccountError::Refused(Refusal::EmailMissing))?;
        if validate_email(&email).is_err() {
            return Err(AccountError::Refused(Refusal::EmailMissing));
        }
        let user = User {
            id: uuid::Uuid::new_v4(),
            email,
            name: p.name.clone().unwrap_or_default(),
            roles: roles_for(def, &p.groups),
            groups: p.groups.clone(),
            email_verified: p.email_verified,
            disabled: false,
            created_at: now,
            updated_at: now,
        };
        let hash = self
            .users
            .passwords
            .hash(&Secret::new(random_token(32)))
            .await
            .map_err(|e| AccountError::Internal(e.to_string()))?;
        match self
            .store
            .user_insert_linked(&user, &hash, &self.link(def, p, &user, now))
            .await
        {
            Ok(()) => {
                tracing::info!(user_id = %user.id, provider = %def.id, "created a user on first upstream sign-in");
                Ok(user)
            }
            // Another sign-in of the same person got there first.
            Err(StoreError::Conflict("identity")) => {
                match self.store.link_get(&def.issuer, &p.subject).await? {
                    Some(link) => self.linked_user(&link.user_id).await,
                    None => Err(AccountError::Refused(Refusal::EmailTaken)),
                }
            }
            Err(StoreError::Conflict(_)) => Err(AccountError::Refused(Refusal::EmailTaken)),
            Err(e) => Err(e.into()),
        }
    }
}
