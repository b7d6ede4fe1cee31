use super::*;
use crate::config::UpstreamProvider;
use crate::protocol::federation::provider::{check, ResolvedSecret};
use crate::secret::Secret;
use serde_json::json;

fn def(tweak: impl FnOnce(&mut UpstreamProvider)) -> ProviderDef {
    let mut p = UpstreamProvider {
        id: "corp".into(),
        issuer: "https://idp.example".into(),
        client_id: "c".into(),
        client_secret: Some(Secret::new("secret")),
        ..UpstreamProvider::default()
    };
    tweak(&mut p);
    let s = ResolvedSecret(p.client_secret.clone());
    check(&p, s, "").unwrap()
}

fn claims(v: serde_json::Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap()
}

#[test]
fn the_profile_follows_the_claim_paths() {
    let d = def(|p| {
        p.claims.groups = "realm_access.roles".into();
        p.claims.subject = "oid".into();
    });
    let c = claims(json!({"sub": "x", "oid": "u-1", "email": " A@Example.com ",
        "email_verified": "true", "name": "Ann", "realm_access": {"roles": ["dev", "ops"]}}));
    let p = profile(&d, &c).unwrap();
    assert_eq!(p.subject, "u-1");
    assert_eq!(p.email.as_deref(), Some("A@Example.com"));
    assert!(p.email_verified);
    assert_eq!(p.groups, ["dev", "ops"]);
    assert_eq!(
        profile(&d, &claims(json!({"sub": "x"}))),
        Err(Refusal::NoSubject)
    );
}

#[test]
fn a_missing_email_verified_counts_only_with_trust_email() {
    let c = claims(json!({"sub": "s", "email": "a@example.com"}));
    assert!(!profile(&def(|_| {}), &c).unwrap().email_verified);
    assert!(
        profile(&def(|p| p.trust_email = true), &c)
            .unwrap()
            .email_verified
    );
    // No email at all is never "verified".
    let none = claims(json!({"sub": "s"}));
    assert!(
        !profile(&def(|p| p.trust_email = true), &none)
            .unwrap()
            .email_verified
    );
}

#[test]
fn domains_and_groups_restrict_who_signs_in() {
    let d = def(|p| {
        p.allowed_email_domains = vec!["Example.com".into()];
        p.allowed_groups = vec!["staff".into()];
    });
    let ok = claims(
        json!({"sub": "s", "email": "a@EXAMPLE.com", "email_verified": true, "groups": ["staff"]}),
    );
    assert_eq!(check_policy(&d, &profile(&d, &ok).unwrap()), Ok(()));
    let unverified = claims(json!({"sub": "s", "email": "a@example.com", "groups": ["staff"]}));
    assert_eq!(
        check_policy(&d, &profile(&d, &unverified).unwrap()),
        Err(Refusal::DomainNotAllowed)
    );
    let other = claims(
        json!({"sub": "s", "email": "a@evil.com", "email_verified": true, "groups": ["staff"]}),
    );
    assert_eq!(
        check_policy(&d, &profile(&d, &other).unwrap()),
        Err(Refusal::DomainNotAllowed)
    );
    let no_email = claims(json!({"sub": "s", "groups": ["staff"]}));
    assert_eq!(
        check_policy(&d, &profile(&d, &no_email).unwrap()),
        Err(Refusal::EmailMissing)
    );
    let outsider = claims(
        json!({"sub": "s", "email": "a@example.com", "email_verified": true, "groups": ["guests"]}),
    );
    assert_eq!(
        check_policy(&d, &profile(&d, &outsider).unwrap()),
        Err(Refusal::GroupNotAllowed)
    );
}

#[test]
fn groups_map_to_roles_without_duplicates() {
    let d = def(|p| {
        p.role_mappings
            .insert("dev".into(), vec!["writer".into(), "reader".into()]);
        p.role_mappings
            .insert("ops".into(), vec!["reader".into(), "admin".into()]);
    });
    let groups = vec!["ops".to_string(), "dev".to_string(), "other".to_string()];
    assert_eq!(roles_for(&d, &groups), ["reader", "admin", "writer"]);
}

#[test]
fn unlinked_sign_ins_link_only_when_both_emails_are_verified() {
    let verified = UpstreamProfile {
        subject: "s".into(),
        email: Some("a@example.com".into()),
        email_verified: true,
        name: None,
        groups: vec![],
    };
    let unverified = UpstreamProfile {
        email_verified: false,
        ..verified.clone()
    };
    let linking = def(|p| p.link_by_email = true);
    let yes = Some(LocalUser {
        email_verified: true,
    });
    let no = Some(LocalUser {
        email_verified: false,
    });
    assert_eq!(decide_unlinked(&linking, &verified, yes), Unlinked::Link);
    assert_eq!(
        decide_unlinked(&linking, &unverified, yes),
        Unlinked::Refuse(Refusal::EmailTaken)
    );
    assert_eq!(
        decide_unlinked(&linking, &verified, no),
        Unlinked::Refuse(Refusal::EmailTaken)
    );
    assert_eq!(
        decide_unlinked(&linking, &verified, None),
        Unlinked::Refuse(Refusal::NoAccount)
    );
    let creating = def(|p| p.create_users = true);
    assert_eq!(
        decide_unlinked(&creating, &verified, None),
        Unlinked::Create
    );
    assert_eq!(
        decide_unlinked(&creating, &verified, yes),
        Unlinked::Refuse(Refusal::EmailTaken)
    );
    let nameless = UpstreamProfile {
        email: None,
        ..verified
    };
    assert_eq!(
        decide_unlinked(&creating, &nameless, None),
        Unlinked::Refuse(Refusal::EmailMissing)
    );
}
