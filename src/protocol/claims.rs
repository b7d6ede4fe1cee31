//! The user's claims that granted scopes release into the ID token and userinfo (the
//! consent's `session.id_token`): `profile` → `name`; `email` → `email`,
//! `email_verified`; `roles` → `roles`; `groups` → `groups`. `sub` and `iss` are set by
//! the token machinery, never here.

use crate::model::User;
use serde_json::{Map, Value};

/// Scopes with a meaning on the built-in pages, and how the consent page describes
/// them. Other scopes are shown by name.
pub const DESCRIBED: [(&str, &str); 7] = [
    ("openid", "Confirm your identity"),
    ("offline_access", "Stay signed in when you are not using it"),
    ("offline", "Stay signed in when you are not using it"),
    ("profile", "See your name"),
    ("email", "See your email address"),
    ("roles", "See your roles"),
    ("groups", "See the groups you belong to"),
];

pub fn describe(scope: &str) -> Option<&'static str> {
    DESCRIBED.iter().find(|(s, _)| *s == scope).map(|(_, d)| *d)
}

pub fn for_scopes(user: &User, scopes: &[String]) -> Map<String, Value> {
    let has = |s: &str| scopes.iter().any(|x| x == s);
    let mut m = Map::new();
    if has("profile") {
        m.insert("name".into(), user.name.clone().into());
    }
    if has("email") {
        m.insert("email".into(), user.email.clone().into());
        m.insert("email_verified".into(), user.email_verified.into());
    }
    if has("roles") {
        m.insert("roles".into(), Value::from(user.roles.clone()));
    }
    if has("groups") {
        m.insert("groups".into(), Value::from(user.groups.clone()));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_release_their_claims_only() {
        let user = User {
            id: uuid::Uuid::nil(),
            email: "a@example.com".into(),
            name: "Alice".into(),
            roles: vec!["admin".into()],
            groups: vec!["staff".into()],
            email_verified: true,
            disabled: false,
            created_at: 0,
            updated_at: 0,
        };
        let s = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let none = for_scopes(&user, &s(&["openid"]));
        assert!(none.is_empty());
        let all = for_scopes(
            &user,
            &s(&["openid", "profile", "email", "roles", "groups"]),
        );
        assert_eq!(all["name"], "Alice");
        assert_eq!(all["email"], "a@example.com");
        assert_eq!(all["email_verified"], true);
        assert_eq!(all["roles"], serde_json::json!(["admin"]));
        assert_eq!(all["groups"], serde_json::json!(["staff"]));
        let email = for_scopes(&user, &s(&["email"]));
        assert!(email.contains_key("email") && !email.contains_key("name"));
    }
}
