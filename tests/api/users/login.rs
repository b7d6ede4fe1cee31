//! The domain login check, `Users::authenticate`, against a real store.

use super::stored_hash;
use crate::helpers::{base_settings, fresh_dsn, Backend};
use crate::on_both_backends;
use portcullis::config::Settings;
use portcullis::model::{User, UserProfile};
use portcullis::secret::Secret;
use portcullis::service::users::{LoginError, NewUser, Users};
use portcullis::{App, BuildOptions};
use std::net::IpAddr;
use std::time::{Duration, Instant};

on_both_backends!(
    every_login_failure_gives_the_same_answer,
    an_unknown_email_costs_as_much_as_a_wrong_password,
    a_login_upgrades_a_hash_made_with_other_parameters,
);

pub(super) const NOW: i64 = 1_700_000_000;
pub(super) const PASSWORD: &str = "correct horse battery";

/// The user service on a fresh database (no HTTP server: the login check is plain Rust).
pub(super) async fn state(backend: Backend, cheap: bool) -> Option<(Users, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let dsn = fresh_dsn(backend, dir.path()).await?;
    Some((state_on(&dsn, cheap).await, dir))
}

async fn state_on(dsn: &str, cheap: bool) -> Users {
    let mut s: Settings = base_settings(dsn);
    if cheap {
        // The lowest cost settings allow, so tests that fail many logins stay quick.
        s.oauth2.hashers.argon2.memory = 8 * 1024;
        s.oauth2.hashers.argon2.iterations = 1;
    }
    App::build(s, BuildOptions::default())
        .await
        .unwrap()
        .services()
        .users
        .clone()
}

macro_rules! state_or_skip {
    ($backend:expr, $cheap:expr) => {
        match state($backend, $cheap).await {
            Some(s) => s,
            None => return,
        }
    };
}

pub(super) async fn add_user(state: &Users, email: &str, disabled: bool) -> User {
    let new = NewUser {
        profile: UserProfile {
            email: email.into(),
            name: "Test".into(),
            disabled,
            ..Default::default()
        },
        password: Secret::new(PASSWORD),
    };
    state.create(new, NOW).await.unwrap()
}

fn addr(s: &str) -> IpAddr {
    s.parse().unwrap()
}

pub(super) async fn login(
    state: &Users,
    email: &str,
    pw: &str,
    from: &str,
    now: i64,
) -> Result<User, LoginError> {
    state
        .authenticate(email, &Secret::new(pw), addr(from), now)
        .await
}

pub(super) fn assert_invalid(r: Result<User, LoginError>, what: &str) {
    match r {
        Err(LoginError::InvalidCredentials) => {}
        other => panic!("{what}: expected InvalidCredentials, got {other:?}"),
    }
}

pub(super) fn assert_throttled(r: Result<User, LoginError>, what: &str) -> u64 {
    match r {
        Err(LoginError::Throttled { retry_after_secs }) => {
            assert!(retry_after_secs > 0, "{what}");
            retry_after_secs
        }
        other => panic!("{what}: expected Throttled, got {other:?}"),
    }
}

async fn every_login_failure_gives_the_same_answer(backend: Backend) {
    let (state, _dir) = state_or_skip!(backend, true);
    let alice = add_user(&state, "alice@example.com", false).await;
    add_user(&state, "mallory@example.com", true).await;

    let ok = login(&state, " ALICE@example.com", PASSWORD, "192.0.2.1", NOW)
        .await
        .unwrap();
    assert_eq!(ok.id, alice.id);
    assert_eq!(ok.email, "alice@example.com");

    let failures = [
        login(
            &state,
            "alice@example.com",
            "wrong password",
            "192.0.2.1",
            NOW,
        )
        .await,
        login(&state, "nobody@example.com", PASSWORD, "192.0.2.1", NOW).await,
        login(&state, "mallory@example.com", PASSWORD, "192.0.2.1", NOW).await,
        login(&state, "", PASSWORD, "192.0.2.1", NOW).await,
        // No account can have it, and PostgreSQL cannot even compare it.
        login(&state, "alice\u{0}@example.com", PASSWORD, "192.0.2.1", NOW).await,
        login(
            &state,
            "alice@example.com",
            &"x".repeat(5000),
            "192.0.2.1",
            NOW,
        )
        .await,
    ];
    let messages: Vec<String> = failures
        .into_iter()
        .map(|r| {
            let e = r.unwrap_err();
            let msg = e.to_string();
            assert_invalid(Err(e), &msg);
            msg
        })
        .collect();
    assert!(messages.iter().all(|m| m == &messages[0]), "{messages:?}");
}

/// With the default cost, the unknown-email path must take at least half the time of the
/// wrong-password path: it really runs argon2id on the dummy hash. Minimums of several
/// interleaved runs, so other load on the machine does not decide the result.
async fn an_unknown_email_costs_as_much_as_a_wrong_password(backend: Backend) {
    let (state, _dir) = state_or_skip!(backend, false);
    for i in 0..9 {
        add_user(&state, &format!("u{i}@example.com"), false).await;
    }
    // Up to three rounds of six: a round where a burst of other load landed on one side
    // only is measured again (the full suite runs many tests at once on two cores).
    let (mut unknown, mut wrong) = (Duration::MAX, Duration::MAX);
    for round in 0..3 {
        (unknown, wrong) = (Duration::MAX, Duration::MAX);
        for i in 0..6 {
            let from = format!("192.0.2.{}", 100 + round * 10 + i);
            let t = Instant::now();
            let r = login(
                &state,
                &format!("nobody{round}-{i}@example.com"),
                "nope nope",
                &from,
                NOW,
            )
            .await;
            assert_invalid(r, "unknown");
            unknown = unknown.min(t.elapsed());
            let t = Instant::now();
            // Two failures per account per round stay under the account limit.
            let user = format!("u{}@example.com", round * 3 + i % 3);
            assert_invalid(login(&state, &user, "nope nope", &from, NOW).await, "wrong");
            wrong = wrong.min(t.elapsed());
        }
        if unknown * 2 >= wrong {
            break;
        }
    }
    assert!(
        unknown * 2 >= wrong,
        "unknown email took {unknown:?}, wrong password {wrong:?}"
    );
    // And both are real argon2 runs, not something fast.
    assert!(wrong >= Duration::from_millis(5), "{wrong:?}");
}

/// Raising the configured cost takes effect for each user at their next login.
async fn a_login_upgrades_a_hash_made_with_other_parameters(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(dsn) = fresh_dsn(backend, dir.path()).await else {
        return;
    };
    let cheap = state_on(&dsn, true).await;
    let u = add_user(&cheap, "frank@example.com", false).await;
    let id = u.id.to_string();
    let before = stored_hash(backend, &dsn, &id).await;
    assert!(
        before.starts_with("$argon2id$v=19$m=8192,t=1,p=1$"),
        "{before}"
    );

    // A failed login changes nothing.
    let default_cost = state_on(&dsn, false).await;
    assert_invalid(
        login(
            &default_cost,
            "frank@example.com",
            "nope nope",
            "192.0.2.1",
            NOW,
        )
        .await,
        "wrong",
    );
    assert_eq!(stored_hash(backend, &dsn, &id).await, before);

    login(
        &default_cost,
        "frank@example.com",
        PASSWORD,
        "192.0.2.1",
        NOW,
    )
    .await
    .unwrap();
    let after = stored_hash(backend, &dsn, &id).await;
    assert!(
        after.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{after}"
    );
    // The new hash is of the same password.
    login(&cheap, "frank@example.com", PASSWORD, "192.0.2.1", NOW)
        .await
        .unwrap();
}
