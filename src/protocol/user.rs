//! Field rules. Each returns a message meant for the administrator who sent the value;
//! none of them ever echoes a password.

pub use crate::model::user::normalize_email;
use crate::model::UserProfile;
use crate::secret::Secret;

pub const MIN_PASSWORD_CHARS: usize = 8;
/// argon2 accepts any length, but hashing megabytes per request is a denial of service.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// RFC 5321 limits a path to 256 octets, so an address is at most 254.
pub const MAX_EMAIL_BYTES: usize = 254;
const MAX_NAME_BYTES: usize = 1024;
const MAX_LABEL_BYTES: usize = 256;
const MAX_LABELS: usize = 256;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lowercased_and_checked() {
        assert_eq!(normalize_email("  Alice@Example.COM "), "alice@example.com");
        assert!(validate_email("alice@example.com").is_ok());
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@",
            "a@b@c",
            "ali ce@example.com",
            "alice@exa\tmple.com",
            "alice@exa\u{7}mple.com",
        ] {
            assert!(validate_email(bad).is_err(), "{bad:?}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(validate_email(&long).unwrap_err().contains("254"));
    }

    #[test]
    fn passwords_need_8_characters_and_at_most_1024_bytes() {
        assert!(validate_password(&Secret::new("1234567")).is_err());
        assert!(validate_password(&Secret::new("12345678")).is_ok());
        // Characters, not bytes, count towards the minimum.
        assert!(validate_password(&Secret::new("ééééééé")).is_err());
        assert!(validate_password(&Secret::new("x".repeat(1024))).is_ok());
        let e = validate_password(&Secret::new("x".repeat(1025))).unwrap_err();
        assert!(
            !e.contains("xxxx"),
            "the message must not echo the password"
        );
    }

    #[test]
    fn profiles_trim_labels_and_refuse_empty_ones() {
        let p = profile(UserProfile {
            email: " Bob@Example.com ".into(),
            roles: vec![" admin ".into(), "admin".into(), "ops".into()],
            groups: vec!["eng".into()],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(p.email, "Bob@Example.com");
        assert_eq!(p.roles, ["admin", "ops"]);
        let e = profile(UserProfile {
            email: "bob@example.com".into(),
            groups: vec!["  ".into()],
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.contains("groups"), "{e}");
    }
}
