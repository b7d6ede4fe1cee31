use super::validate::profile;
use super::*;
use crate::config::Argon2Params;
use crate::secret::Secret;

fn cheap() -> Argon2Params {
    Argon2Params {
        memory: 8 * 1024,
        iterations: 1,
        parallelism: 1,
    }
}

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

#[tokio::test]
async fn hashes_are_argon2id_phc_and_verify() {
    let pw = Passwords::new(&cheap());
    let h = pw.hash(&Secret::new("correct horse")).await.unwrap();
    assert!(h.starts_with("$argon2id$v=19$m=8192,t=1,p=1$"), "{h}");
    assert!(pw
        .verify(&Secret::new("correct horse"), Some(&h))
        .await
        .unwrap());
    assert!(!pw
        .verify(&Secret::new("wrong horse"), Some(&h))
        .await
        .unwrap());
    assert!(!pw
        .verify(&Secret::new("correct horse"), None)
        .await
        .unwrap());
    assert!(!pw
        .verify(&Secret::new("x"), Some("not a hash"))
        .await
        .unwrap());
    assert!(!pw.needs_rehash(&h));
    let stronger = Passwords::new(&Argon2Params {
        memory: 16 * 1024,
        ..cheap()
    });
    assert!(stronger.needs_rehash(&h));
    assert_eq!(format!("{pw:?}"), "Passwords([redacted])");
}
