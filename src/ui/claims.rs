//! The user's claims that granted scopes release into the ID token and userinfo (the
//! consent's `session.id_token`): `profile` → `name`; `email` → `email`,
//! `email_verified`; `roles` → `roles`; `groups` → `groups`. `sub` and `iss` are set by
//! the token machinery, never here.

use crate::user::User;
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
