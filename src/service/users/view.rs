//! What the admin API and the CLI take and show for a user: a new user with its first
//! password, and the JSON view (which has no password field at all).

use crate::clock::rfc3339;
use crate::model::identity::IdentityLink;
use crate::model::{User, UserProfile};
use serde::Serialize;

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
    /// The upstream identities linked to the user (admin API only; left out when there
    /// are none, as Hydra's `omitempty` fields are).
    #[serde(skip_serializing_if = "no_links")]
    pub identities: Option<Vec<IdentityLink>>,
}

fn no_links(links: &Option<Vec<IdentityLink>>) -> bool {
    links.as_ref().is_none_or(Vec::is_empty)
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
            identities: None,
        }
    }
}
