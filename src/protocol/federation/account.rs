//! Who signed in upstream, and whether they may sign in here: the profile the provider's
//! claims describe, the sign-in policy, and the local roles their groups map to.

use super::claims;
use super::provider::ProviderDef;
use serde_json::{Map, Value};

/// The person as the provider describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamProfile {
    pub subject: String,
    /// Trimmed; `None` when the provider sent none.
    pub email: Option<String>,
    /// The provider said so, or the definition trusts its emails (`trust_email`).
    pub email_verified: bool,
    pub name: Option<String>,
    pub groups: Vec<String>,
}

/// Why a sign-in is refused before any account is touched. Each is shown to the person
/// on the login page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The claim named by `claims.subject` is missing or empty.
    NoSubject,
    /// An email is needed (domain restriction, creating or linking a user) and the
    /// provider sent none.
    EmailMissing,
    DomainNotAllowed,
    GroupNotAllowed,
    /// No linked user, no user with this email to link, and users are not created.
    NoAccount,
    /// The email belongs to a local user this provider may not link to; an
    /// administrator must link it.
    EmailTaken,
    /// The linked local user is disabled.
    Disabled,
}

impl Refusal {
    /// The code that travels in the login page's URL (never free text).
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NoSubject => "no_subject",
            Refusal::EmailMissing => "email_missing",
            Refusal::DomainNotAllowed => "domain_not_allowed",
            Refusal::GroupNotAllowed => "group_not_allowed",
            Refusal::NoAccount => "no_account",
            Refusal::EmailTaken => "email_taken",
            Refusal::Disabled => "disabled",
        }
    }
}

/// The profile in `claims` (the ID token's, with userinfo's merged in).
pub fn profile(def: &ProviderDef, claims: &Map<String, Value>) -> Result<UpstreamProfile, Refusal> {
    let subject = claims::string(claims, &def.claims.subject).ok_or(Refusal::NoSubject)?;
    let email = claims::string(claims, &def.claims.email)
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty());
    Ok(UpstreamProfile {
        subject,
        email_verified: email.is_some() && (def.trust_email || claims::email_verified(claims)),
        email,
        name: claims::string(claims, &def.claims.name).filter(|n| storable(n, 1024)),
        // What a local user can hold (the directory's own limits): groups the provider
        // sends beyond them are left out rather than failing the sign-in.
        groups: claims::groups_at(claims, &def.claims.groups)
            .into_iter()
            .filter(|g| storable(g, 256))
            .take(256)
            .collect(),
    })
}

fn storable(s: &str, max_bytes: usize) -> bool {
    s.len() <= max_bytes && !s.chars().any(char::is_control)
}

/// The definition's restrictions on who may sign in, checked before any account is
/// looked at.
pub fn check_policy(def: &ProviderDef, p: &UpstreamProfile) -> Result<(), Refusal> {
    if !def.allowed_email_domains.is_empty() {
        let email = p.email.as_deref().ok_or(Refusal::EmailMissing)?;
        let domain = email
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_default();
        // A domain restriction is only as good as the provider's word for the email.
        if !p.email_verified || !def.allowed_email_domains.contains(&domain) {
            return Err(Refusal::DomainNotAllowed);
        }
    }
    if !def.allowed_groups.is_empty() && !p.groups.iter().any(|g| def.allowed_groups.contains(g)) {
        return Err(Refusal::GroupNotAllowed);
    }
    Ok(())
}

/// The local roles `groups` map to (`role_mappings`), in mapping order, without
/// duplicates.
pub fn roles_for(def: &ProviderDef, groups: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in groups {
        for r in def.role_mappings.get(g).into_iter().flatten() {
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
    }
    out
}

/// What to do with a sign-in whose (issuer, subject) is not linked yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlinked {
    /// Link to the local user with this email (both sides verified).
    Link,
    Create,
    Refuse(Refusal),
}

/// Decides for an unlinked sign-in, given whether a local user has the email and
/// whether that user's email is verified.
pub fn decide_unlinked(
    def: &ProviderDef,
    p: &UpstreamProfile,
    local: Option<LocalUser>,
) -> Unlinked {
    match local {
        Some(u) if def.link_by_email && p.email_verified && u.email_verified => Unlinked::Link,
        Some(_) => Unlinked::Refuse(Refusal::EmailTaken),
        None if def.create_users && p.email.is_some() => Unlinked::Create,
        None if def.create_users => Unlinked::Refuse(Refusal::EmailMissing),
        None if def.link_by_email && p.email.is_none() => Unlinked::Refuse(Refusal::EmailMissing),
        None => Unlinked::Refuse(Refusal::NoAccount),
    }
}

/// What the decision needs to know about the local user with the same email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalUser {
    pub email_verified: bool,
}

#[cfg(test)]
mod tests;
