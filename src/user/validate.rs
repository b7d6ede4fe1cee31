//! Field rules. Each returns a message meant for the administrator who sent the value;
//! none of them ever echoes a password.

use super::model::UserProfile;
use crate::secret::Secret;

pub const MIN_PASSWORD_CHARS: usize = 8;
/// argon2 accepts any length, but hashing megabytes per request is a denial of service.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// RFC 5321 limits a path to 256 octets, so an address is at most 254.
pub const MAX_EMAIL_BYTES: usize = 254;
const MAX_NAME_BYTES: usize = 1024;
const MAX_LABEL_BYTES: usize = 256;
const MAX_LABELS: usize = 256;

/// The form uniqueness and login use: trimmed and lowercased. (Local parts are
/// case-sensitive in theory; no real mail system treats them so, and two accounts that
/// differ only in case would be a trap.)
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks a (trimmed) email address: one `@`, both sides non-empty, no whitespace or
/// control characters, at most 254 bytes.
pub fn validate_email(email: &str) -> Result<(), String> {
    if email.is_empty() {
        return Err("The email address is missing".into());
    }
    if email.len() > MAX_EMAIL_BYTES {
        return Err(format!(
            "The email address is longer than {MAX_EMAIL_BYTES} bytes"
        ));
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("The email address must not contain spaces or control characters".into());
    }
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@') =>
        {
            Ok(())
        }
        _ => Err("The email address must have exactly one `@` with text on both sides".into()),
    }
}

/// Whether some account could have this (normalised) email. Stored emails passed
/// [`validate_email`], so an empty, over-long or control-character value matches none and
/// need not be looked up; PostgreSQL would refuse a NUL in it anyway.
pub(crate) fn could_be_stored(normalized_email: &str) -> bool {
    !normalized_email.is_empty()
        && normalized_email.len() <= MAX_EMAIL_BYTES
        && !normalized_email.chars().any(char::is_control)
}

/// At least 8 characters and at most 1024 bytes.
pub fn validate_password(password: &Secret) -> Result<(), String> {
    if password.expose().chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "The password must have at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!(
            "The password must not be longer than {MAX_PASSWORD_BYTES} bytes"
        ));
    }
    Ok(())
}

/// Trims the email and labels and checks every field; returns the profile to store.
pub fn profile(mut p: UserProfile) -> Result<UserProfile, String> {
    p.email = p.email.trim().to_string();
    validate_email(&p.email)?;
    if p.name.len() > MAX_NAME_BYTES {
        return Err(format!("The name is longer than {MAX_NAME_BYTES} bytes"));
    }
    if p.name.chars().any(char::is_control) {
        return Err("The name must not contain control characters".into());
    }
    p.roles = labels("roles", p.roles)?;
    p.groups = labels("groups", p.groups)?;
    Ok(p)
}

/// Roles and groups: non-empty strings after trimming, without duplicates (the first
/// occurrence is kept, so order is the administrator's).
fn labels(field: &str, values: Vec<String>) -> Result<Vec<String>, String> {
    if values.len() > MAX_LABELS {
        return Err(format!("`{field}` has more than {MAX_LABELS} entries"));
    }
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for v in values {
        let v = v.trim();
        if v.is_empty() {
            return Err(format!("`{field}` must not contain empty strings"));
        }
        if v.len() > MAX_LABEL_BYTES {
            return Err(format!(
                "an entry of `{field}` is longer than {MAX_LABEL_BYTES} bytes"
            ));
        }
        if v.chars().any(char::is_control) {
            return Err(format!("an entry of `{field}` contains control characters"));
        }
        if !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    }
    Ok(out)
}
