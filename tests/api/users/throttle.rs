//! Login throttling through `Users::authenticate`: per account, per address,
//! lockouts that end, and the reset a successful login brings.

use super::login::{add_user, assert_invalid, assert_throttled, login, state, NOW, PASSWORD};
use crate::helpers::Backend;
use crate::on_both_backends;

on_both_backends!(
    repeated_failures_lock_the_account_until_the_lockout_ends,
    a_successful_login_resets_the_account_counter,
    repeated_failures_from_one_address_lock_that_address,
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
