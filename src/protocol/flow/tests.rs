//! The protocol decisions, with a fixed clock.

use super::consent::{
    accept_consent, check_consent_return, consent_skippable, AcceptConsent, SkipInputs,
};
use super::login::{accept_login, check_login_return, start_login, AcceptLogin, LoginPrompt};
use super::Refused;
use crate::model::flow::*;
use serde_json::json;

const NOW: i64 = 1_700_000_000;
const TTL: i64 = 3600;

fn session(authenticated_at: i64) -> LoginSession {
    LoginSession {
        id: "sid-1".into(),
        subject: "alice".into(),
        authenticated_at,
        remember: true,
    }
}

fn prompt(none: bool, login: bool, max_age: i64) -> LoginPrompt {
    LoginPrompt {
        none,
        login,
        max_age,
    }
}

fn login_request() -> LoginRequest {
    LoginRequest {
        challenge: "c".into(),
        challenge_value: String::new(),
        csrf: "csrf-value".into(),
        client_id: "app".into(),
        subject: String::new(),
        skip: false,
        requested_scope: vec!["openid".into()],
        requested_audience: vec![],
        request_url: "https://op/oauth2/auth?x=1".into(),
        session_id: "sid-1".into(),
        authenticated_at: None,
        requested_at: NOW,
        oidc_context: OidcContext::default(),
        handled_at: Some(NOW),
        error: None,
        accepted: AcceptedLogin {
            subject: "alice".into(),
            authenticated_at: NOW + 5,
            ..Default::default()
        },
        was_used: true,
    }
}

#[test]
fn a_remembered_session_is_skipped_unless_login_is_forced() {
    let s = session(NOW - 100);
    let skip = start_login(prompt(false, false, 0), Some(&s), None, NOW).unwrap();
    assert!(skip.skip);
    assert_eq!(skip.subject, "alice");
    assert_eq!(skip.session_id.as_deref(), Some("sid-1"));
    assert_eq!(skip.authenticated_at, Some(NOW - 100));

    let forced = start_login(prompt(false, true, 0), Some(&s), None, NOW).unwrap();
    assert!(!forced.skip && forced.session_id.is_none() && forced.subject.is_empty());

    let no_session = start_login(prompt(false, false, 0), None, None, NOW).unwrap();
    assert!(!no_session.skip);
}

#[test]
fn max_age_forces_a_fresh_login_or_fails_prompt_none() {
    let s = session(NOW - 100);
    assert!(
        start_login(prompt(false, false, 200), Some(&s), None, NOW)
            .unwrap()
            .skip
    );
    assert!(
        !start_login(prompt(false, false, 50), Some(&s), None, NOW)
            .unwrap()
            .skip
    );
    let e = start_login(prompt(true, false, 50), Some(&s), None, NOW).unwrap_err();
    assert_eq!(e.error, "login_required");
}

#[test]
fn prompt_none_needs_a_session_and_a_matching_hint() {
    let e = start_login(prompt(true, false, 0), None, None, NOW).unwrap_err();
    assert_eq!(e.error, "login_required");
    let s = session(NOW - 1);
    assert!(
        start_login(prompt(true, false, 0), Some(&s), Some(true), NOW)
            .unwrap()
            .skip
    );
    assert_eq!(
        start_login(prompt(true, false, 0), Some(&s), Some(false), NOW)
            .unwrap_err()
            .error,
        "login_required"
    );
    // Without prompt=none, a hint for someone else means logging in afresh.
    assert!(
        !start_login(prompt(false, false, 0), Some(&s), Some(false), NOW)
            .unwrap()
            .skip
    );
}

#[test]
fn accepting_checks_the_subject_and_keeps_skipped_sessions() {
    let mut r = login_request();
    r.handled_at = None;
    let body = |subject: &str| AcceptLogin {
        subject: subject.into(),
        remember: false,
        ..Default::default()
    };
    assert!(matches!(accept_login(&r, body(""), NOW), Err(Refused(_))));
    let a = accept_login(&r, body("bob"), NOW).unwrap();
    assert_eq!(
        (a.subject.as_str(), a.authenticated_at, a.remember),
        ("bob", NOW, false)
    );
    assert!(a.context.is_object());

    r.skip = true;
    r.subject = "alice".into();
    r.authenticated_at = Some(NOW - 500);
    assert!(
        matches!(accept_login(&r, body("bob"), NOW), Err(Refused(m)) if m.contains("does not match"))
    );
    let a = accept_login(&r, body("alice"), NOW).unwrap();
    assert_eq!((a.authenticated_at, a.remember), (NOW - 500, true));
}

#[test]
fn v2_accept_fields_are_kept_and_only_a_skipped_login_extends_its_session() {
    let mut r = login_request();
    r.handled_at = None;
    let body = AcceptLogin {
        subject: "alice".into(),
        extend_session_lifespan: true,
        identity_provider_session_id: "kratos-session-1".into(),
        ..Default::default()
    };
    let a = accept_login(&r, body.clone(), NOW).unwrap();
    assert!(
        !a.extend_session_lifespan,
        "a fresh login has no session to extend"
    );
    assert_eq!(a.identity_provider_session_id, "kratos-session-1");
    r.skip = true;
    r.subject = "alice".into();
    let a = accept_login(&r, body, NOW).unwrap();
    assert!(a.extend_session_lifespan);
}

#[test]
fn a_login_return_is_checked_in_hydras_order() {
    let r = login_request();
    let p = prompt(false, false, 0);
    assert!(check_login_return(&r, Some("csrf-value"), "app", p, TTL, NOW + 10).is_ok());

    let mut rejected = r.clone();
    rejected.error = Some(
        RejectError {
            error: "access_denied".into(),
            ..Default::default()
        }
        .with_defaults("x"),
    );
    // The rejection wins over expiry for logins.
    assert_eq!(
        check_login_return(&rejected, None, "app", p, TTL, NOW + TTL + 1)
            .unwrap_err()
            .error,
        "access_denied"
    );

    let e = check_login_return(&r, Some("csrf-value"), "app", p, TTL, NOW + TTL + 1).unwrap_err();
    assert_eq!(e.error, "request_unauthorized");
    assert!(check_login_return(&r, Some("csrf-value"), "app", p, TTL, NOW + TTL).is_ok());

    assert_eq!(
        check_login_return(&r, None, "app", p, TTL, NOW)
            .unwrap_err()
            .error,
        "request_forbidden"
    );
    assert_eq!(
        check_login_return(&r, Some("other"), "app", p, TTL, NOW)
            .unwrap_err()
            .error,
        "request_forbidden"
    );
    assert_eq!(
        check_login_return(&r, Some("csrf-value"), "evil", p, TTL, NOW)
            .unwrap_err()
            .error,
        "access_denied"
    );
}

#[test]
fn prompt_rules_are_checked_against_the_authentication_time() {
    let mut r = login_request();
    // Authenticated during the request: fine for login, not for none.
    assert!(check_login_return(
        &r,
        Some("csrf-value"),
        "app",
        prompt(false, true, 0),
        TTL,
        NOW
    )
    .is_ok());
    assert_eq!(
        check_login_return(
            &r,
            Some("csrf-value"),
            "app",
            prompt(true, false, 0),
            TTL,
            NOW
        )
        .unwrap_err()
        .error,
        "login_required"
    );
    // Authenticated before the request: fine for none, not for login, nor past max_age.
    r.accepted.authenticated_at = NOW - 100;
    assert!(check_login_return(
        &r,
        Some("csrf-value"),
        "app",
        prompt(true, false, 0),
        TTL,
        NOW
    )
    .is_ok());
    let login = check_login_return(
        &r,
        Some("csrf-value"),
        "app",
        prompt(false, true, 0),
        TTL,
        NOW,
    );
    assert_eq!(login.unwrap_err().error, "login_required");
    let aged = check_login_return(
        &r,
        Some("csrf-value"),
        "app",
        prompt(false, false, 50),
        TTL,
        NOW,
    );
    assert_eq!(aged.unwrap_err().error, "login_required");
}

fn consent(remember_for: i64, scope: &[&str], audience: &[&str]) -> ConsentRequest {
    ConsentRequest {
        challenge: "cc".into(),
        challenge_value: "v".into(),
        csrf: "csrf-c".into(),
        client_id: "app".into(),
        subject: "alice".into(),
        skip: false,
        requested_scope: vec![],
        requested_audience: vec![],
        request_url: "https://op/oauth2/auth".into(),
        login_challenge: String::new(),
        login_session_id: "sid-1".into(),
        acr: String::new(),
        amr: vec![],
        context: json!({}),
        oidc_context: OidcContext::default(),
        force_subject_identifier: String::new(),
        authenticated_at: NOW - 10,
        requested_at: NOW - 10,
        handled_at: Some(NOW - 5),
        error: None,
        accepted: AcceptedConsent {
            grant_scope: scope.iter().map(|s| s.to_string()).collect(),
            grant_audience: audience.iter().map(|s| s.to_string()).collect(),
            remember: true,
            remember_for,
            ..Default::default()
        },
        was_used: true,
    }
}

#[test]
fn remembered_consent_is_skipped_only_when_it_covers_the_request() {
    let uri = url::Url::parse("https://app.example/cb").unwrap();
    let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let scope = v(&["openid", "photos.read"]);
    let aud = v(&["https://api.example/v1"]);
    let inputs = SkipInputs {
        prompt_consent: false,
        public_client: false,
        redirect_uri: &uri,
        requested_scope: &scope,
        requested_audience: &aud,
        scope_strategy: "wildcard",
    };
    let prev = consent(0, &["openid", "photos.*"], &["https://api.example"]);
    assert!(consent_skippable(&inputs, Some(&prev), NOW));
    assert!(!consent_skippable(&inputs, None, NOW));
    assert!(!consent_skippable(
        &SkipInputs {
            prompt_consent: true,
            ..inputs
        },
        Some(&prev),
        NOW
    ));
    assert!(!consent_skippable(
        &inputs,
        Some(&consent(0, &["openid"], &["https://api.example"])),
        NOW
    ));
    assert!(!consent_skippable(
        &inputs,
        Some(&consent(0, &["openid", "photos.*"], &[])),
        NOW
    ));
    // remember_for counts from the request.
    assert!(consent_skippable(
        &inputs,
        Some(&consent(
            10,
            &["openid", "photos.*"],
            &["https://api.example"]
        )),
        NOW
    ));
    assert!(!consent_skippable(
        &inputs,
        Some(&consent(
            9,
            &["openid", "photos.*"],
            &["https://api.example"]
        )),
        NOW
    ));
    // A public client on a claimable custom scheme never skips.
    let custom = url::Url::parse("com.example.app:/cb").unwrap();
    let public = SkipInputs {
        public_client: true,
        redirect_uri: &custom,
        ..inputs
    };
    assert!(!consent_skippable(&public, Some(&prev), NOW));
    assert!(consent_skippable(
        &SkipInputs {
            public_client: true,
            ..inputs
        },
        Some(&prev),
        NOW
    ));
}

#[test]
fn a_consent_return_checks_expiry_before_the_rejection() {
    let c = consent(0, &["openid"], &[]);
    assert!(check_consent_return(&c, Some("csrf-c"), "app", TTL, NOW).is_ok());
    let mut rejected = c.clone();
    rejected.error = Some(RejectError::default().with_defaults("consent request denied"));
    let e = check_consent_return(&rejected, Some("csrf-c"), "app", TTL, NOW).unwrap_err();
    assert_eq!(
        (e.error.as_str(), e.status),
        ("consent request denied", 400)
    );
    let expired = check_consent_return(&rejected, Some("csrf-c"), "app", TTL, NOW - 10 + TTL + 1)
        .unwrap_err();
    assert_eq!(expired.error, "request_unauthorized");
    assert_eq!(
        check_consent_return(&c, None, "app", TTL, NOW)
            .unwrap_err()
            .error,
        "request_forbidden"
    );
    assert_eq!(
        check_consent_return(&c, Some("csrf-c"), "other", TTL, NOW)
            .unwrap_err()
            .error,
        "access_denied"
    );
}

#[test]
fn accepting_consent_defaults_to_empty_grants() {
    let a = accept_consent(AcceptConsent::default()).unwrap();
    assert!(a.grant_scope.is_empty() && a.session_access_token.is_empty() && !a.remember);
    assert!(accept_consent(AcceptConsent {
        remember_for: -1,
        ..Default::default()
    })
    .is_err());
    let body: AcceptConsent = serde_json::from_value(json!({
        "grant_scope": ["openid"], "session": {"id_token": {"email": "a@b"}}, "remember": true, "remember_for": 60
    }))
    .unwrap();
    let a = accept_consent(body).unwrap();
    assert_eq!(a.session_id_token["email"], "a@b");
    assert!(serde_json::from_value::<AcceptConsent>(json!({"bogus": 1})).is_err());
}
