//! Login throttling through `Users::authenticate`: per account, per address,
//! lockouts that end, and the reset a successful login brings.

use super::login::{add_user, assert_invalid, assert_throttled, login, state, NOW, PASSWORD};
use crate::helpers::Backend;
use crate::on_both_backends;
use portcullis::service::users::{LoginError, ThrottlePolicy, Users};

on_both_backends!(
    repeated_failures_lock_the_account_until_the_lockout_ends,
    a_successful_login_resets_the_account_counter,
    repeated_failures_from_one_address_lock_that_address,
    guesses_sent_at_once_get_no_more_checks_than_the_limit,
);

macro_rules! state_or_skip {
    ($backend:expr) => {
        match state($backend, true).await {
            Some(s) => s,
            None => return,
        }
    };
}

async fn repeated_failures_lock_the_account_until_the_lockout_ends(backend: Backend) {
    let (state, _dir) = state_or_skip!(backend);
    add_user(&state, "bob@example.com", false).await;
    // Five failures from five addresses: the account, not an address, is what locks.
    for i in 0..5 {
        let from = format!("192.0.2.{}", 10 + i);
        assert_invalid(
            login(&state, "bob@example.com", "nope nope", &from, NOW + i).await,
            "failure",
        );
    }
    // Now even the right password is refused, in any case of the email, from anywhere.
    let wait = assert_throttled(
        login(&state, "Bob@Example.com", PASSWORD, "198.51.100.1", NOW + 5).await,
        "locked",
    );
    assert!(wait <= 15 * 60, "{wait}");
    assert!(wait >= 15 * 60 - 5, "{wait}");
    // Other accounts are unaffected.
    add_user(&state, "carol@example.com", false).await;
    login(
        &state,
        "carol@example.com",
        PASSWORD,
        "198.51.100.1",
        NOW + 5,
    )
    .await
    .unwrap();
    // The lock ends.
    login(
        &state,
        "bob@example.com",
        PASSWORD,
        "198.51.100.1",
        NOW + 5 + wait as i64,
    )
    .await
    .unwrap();

    // Unknown emails lock the same way, so a lockout does not reveal an account.
    for i in 0..5 {
        assert_invalid(
            login(
                &state,
                "ghost@example.com",
                "nope nope",
                "203.0.113.1",
                NOW + i,
            )
            .await,
            "ghost",
        );
    }
    assert_throttled(
        login(
            &state,
            "ghost@example.com",
            "nope nope",
            "203.0.113.2",
            NOW + 6,
        )
        .await,
        "ghost locked",
    );
}

async fn a_successful_login_resets_the_account_counter(backend: Backend) {
    let (state, _dir) = state_or_skip!(backend);
    add_user(&state, "dave@example.com", false).await;
    for round in 0..3 {
        for i in 0..4 {
            let r = login(
                &state,
                "dave@example.com",
                "nope nope",
                &format!("192.0.2.{round}"),
                NOW + i,
            )
            .await;
            assert_invalid(r, "four failures are allowed");
        }
        login(
            &state,
            "dave@example.com",
            PASSWORD,
            &format!("192.0.2.{round}"),
            NOW + 4,
        )
        .await
        .unwrap();
    }
    // Without the success in between, the fifth failure locks.
    for i in 0..5 {
        assert_invalid(
            login(
                &state,
                "dave@example.com",
                "nope nope",
                "192.0.2.9",
                NOW + i,
            )
            .await,
            "failure",
        );
    }
    assert_throttled(
        login(&state, "dave@example.com", PASSWORD, "192.0.2.9", NOW + 5).await,
        "locked",
    );
}

async fn repeated_failures_from_one_address_lock_that_address(backend: Backend) {
    let (state, _dir) = state_or_skip!(backend);
    add_user(&state, "erin@example.com", false).await;
    // Twenty different accounts (one failure each), all from one IPv6 /64.
    for i in 0..20 {
        let from = format!("2001:db8:7:7::{:x}", i + 1);
        let r = login(
            &state,
            &format!("guess{i}@example.com"),
            "nope nope",
            &from,
            NOW + i,
        )
        .await;
        assert_invalid(r, "failure");
    }
    let wait = assert_throttled(
        login(
            &state,
            "erin@example.com",
            PASSWORD,
            "2001:db8:7:7::ffff",
            NOW + 20,
        )
        .await,
        "address locked",
    );
    assert!(wait <= 15 * 60, "{wait}");
    // Another address logs in as usual, and the locked one may again once the lock ends.
    login(
        &state,
        "erin@example.com",
        PASSWORD,
        "2001:db8:7:8::1",
        NOW + 20,
    )
    .await
    .unwrap();
    login(
        &state,
        "erin@example.com",
        PASSWORD,
        "2001:db8:7:7::1",
        NOW + 20 + wait as i64,
    )
    .await
    .unwrap();
}

/// Thirty wrong passwords for one account sent at once: at most five are checked, the
/// rest are refused as throttled. The counter is reserved before the check, so this
/// holds across replicas (the first round lifts the per-replica in-flight cap to show
/// the database alone holds the line) and within one (the second keeps the cap).
async fn guesses_sent_at_once_get_no_more_checks_than_the_limit(backend: Backend) {
    let (state, _dir) = state_or_skip!(backend);
    add_user(&state, "frank@example.com", false).await;
    add_user(&state, "gina@example.com", false).await;
    let uncapped = Users {
        throttle: ThrottlePolicy {
            max_concurrent: 1000,
            ..state.throttle
        },
        in_flight: Default::default(),
        ..state.clone()
    };
    let burst = |users: &Users, email: &'static str| {
        let users = users.clone();
        async move {
            let attempts = (0..30).map(|i| {
                let (users, from) = (users.clone(), format!("198.51.100.{i}"));
                async move { login(&users, email, "nope nope", &from, NOW).await }
            });
            let results = futures::future::join_all(attempts).await;
            let count = |f: fn(&LoginError) -> bool| {
                results.iter().filter(|r| r.as_ref().is_err_and(f)).count()
            };
            let checked = count(|e| matches!(e, LoginError::InvalidCredentials));
            let throttled = count(|e| matches!(e, LoginError::Throttled { .. }));
            assert_eq!(checked + throttled, 30, "{email}: {results:?}");
            checked
        }
    };

    // Across replicas: the database reservation alone lets exactly five through...
    assert_eq!(burst(&uncapped, "frank@example.com").await, 5);
    // ...and the account is now locked, even for the right password.
    assert_throttled(
        login(
            &uncapped,
            "frank@example.com",
            PASSWORD,
            "203.0.113.9",
            NOW + 1,
        )
        .await,
        "locked after the burst",
    );
    // Within one replica, at most `max_concurrent` checks run at once for an account.
    let checked = burst(&state, "gina@example.com").await;
    assert!(
        (1..=state.throttle.max_concurrent).contains(&checked),
        "{checked} checks ran at once"
    );
}
