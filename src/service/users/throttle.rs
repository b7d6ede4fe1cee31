//! Login throttling, per account and per client address.
//!
//! Counters live in the database (`login_failures`), so every replica sharing a
//! PostgreSQL database sees the same counts. Every attempt is counted *before* its
//! password is checked, in one atomic upsert per key that also locks the key for
//! `lockout` seconds when the count reaches the limit; an attempt beyond the limit is
//! refused without a check, with the seconds left. A success clears its account's count
//! and gives its attempt back to its address. So however many attempts arrive at once,
//! at most `max_failures` passwords per account are checked per window. On top of that,
//! each replica runs at most `max_concurrent` checks at once per account and per address
//! ([`InFlight`]).
//!
//! Keys are HMACs (under the system secret's `SecretCache` key, with a prefix of their
//! own) of the normalised email and of the address, so the table holds neither emails nor
//! IP addresses. Unknown emails are counted exactly like real ones: whether a lockout
//! happens says nothing about whether the account exists.
//!

use crate::config::ThrottleSettings;
use crate::crypto::{b64url, Purpose, SystemKeys};
use crate::store::{Store, StoreResult};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleKind {
    Account,
    Address,
}

impl ThrottleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ThrottleKind::Account => "account",
            ThrottleKind::Address => "address",
        }
    }
}

/// One limit: at most `max_failures` failures per `window` seconds, then `lockout`
/// seconds without attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max_failures: i64,
    pub window: i64,
    pub lockout: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub account: Limit,
    pub address: Limit,
    /// Password checks at once per account and per address, per replica.
    pub max_concurrent: usize,
}

impl ThrottlePolicy {
    /// `identity.throttle`.
    pub fn from_settings(t: &ThrottleSettings) -> ThrottlePolicy {
        let limit = |l: &crate::config::ThrottleLimit| Limit {
            max_failures: i64::from(l.max_failures),
            window: l.window.as_secs(),
            lockout: l.lockout.as_secs(),
        };
        ThrottlePolicy {
            account: limit(&t.account),
            address: limit(&t.address),
            max_concurrent: t.max_concurrent as usize,
        }
    }
}

impl Default for ThrottlePolicy {
    /// 5 failures per account and 20 per address in 15 minutes, each followed by a
    /// 15-minute lockout. The address limit is higher because many people can share one
    /// (offices, carrier NAT).
    fn default() -> Self {
        ThrottlePolicy {
            account: Limit {
                max_failures: 5,
                window: 15 * 60,
                lockout: 15 * 60,
            },
            address: Limit {
                max_failures: 20,
                window: 15 * 60,
                lockout: 15 * 60,
            },
            max_concurrent: 2,
        }
    }
}

impl ThrottlePolicy {
    fn limit(&self, kind: ThrottleKind) -> Limit {
        match kind {
            ThrottleKind::Account => self.account,
            ThrottleKind::Address => self.address,
        }
    }
}

/// The (kind, key) pairs one login attempt is counted under.
pub(super) struct Keys {
    pub account: String,
    pub address: String,
}

impl Keys {
    pub fn new(keys: &SystemKeys, normalized_email: &str, addr: IpAddr) -> Keys {
        let mac = |label: &str, value: &str| {
            let input = format!("login-throttle:{label}:{value}");
            b64url(&keys.mac(Purpose::SecretCache, input.as_bytes()))
        };
        Keys {
            account: mac("account", normalized_email),
            address: mac("address", &address_key(addr)),
        }
    }
}

/// IPv4 addresses count one by one; IPv6 addresses by their /64, since one host
/// usually holds a whole /64 and could otherwise rotate through it.
pub fn address_key(addr: IpAddr) -> String {
    match addr {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// What a reservation found: go ahead, or wait this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reserved {
    Go,
    Wait(u64),
}

/// Reserves one attempt against both keys before the password is checked (see the
/// module documentation); refused when either key has used up its attempts.
pub(super) async fn reserve(
    store: &Store,
    policy: &ThrottlePolicy,
    keys: &Keys,
    now: i64,
) -> StoreResult<Reserved> {
    let mut wait = 0;
    for (kind, key) in [
        (ThrottleKind::Account, &keys.account),
        (ThrottleKind::Address, &keys.address),
    ] {
        let l = policy.limit(kind);
        let (attempts, locked_until) = store
            .login_attempt_reserve(kind.as_str(), key, now, l.window, l.max_failures, l.lockout)
            .await?;
        if attempts > l.max_failures {
            wait = wait.max((locked_until - now).max(1));
        }
    }
    // Old counters are useless; drop them now and then rather than on every attempt.
    if rand::random::<u8>() < 4 {
        let horizon = policy.account.window.max(policy.address.window);
        store.login_failures_prune(now - horizon, now).await?;
    }
    Ok(if wait > 0 {
        Reserved::Wait(wait as u64)
    } else {
        Reserved::Go
    })
}

/// A successful login clears its account's counter, and gives its reserved attempt back
/// to its address (whose counter it does not clear: one valid account must not let an
/// address guess others' passwords without limit).
pub(super) async fn record_success(store: &Store, keys: &Keys) -> StoreResult<()> {
    store
        .login_failures_clear(ThrottleKind::Account.as_str(), &keys.account)
        .await?;
    store
        .login_attempt_release(ThrottleKind::Address.as_str(), &keys.address)
        .await
}

/// Per replica, how many password checks may run at once for one key: however many
/// requests arrive together, an account or an address keeps at most this many argon2
/// runs busy (the rest are told to wait a second).
#[derive(Debug, Default)]
pub struct InFlight {
    counts: Mutex<HashMap<String, usize>>,
}

/// Holds one slot for each key until dropped.
pub(super) struct Slot<'a> {
    owner: &'a InFlight,
    keys: [String; 2],
}

impl InFlight {
    pub(super) fn enter<'a>(&'a self, keys: &Keys, max: usize) -> Option<Slot<'a>> {
        let mut counts = self.lock();
        let names = [keys.account.clone(), keys.address.clone()];
        if names
            .iter()
            .any(|k| counts.get(k).copied().unwrap_or(0) >= max)
        {
            return None;
        }
        for k in &names {
            *counts.entry(k.clone()).or_insert(0) += 1;
        }
        Some(Slot {
            owner: self,
            keys: names,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, usize>> {
        // A panic while holding the lock leaves at worst a count one too high for a key.
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut counts = self.owner.lock();
        for k in &self.keys {
            if let Some(n) = counts.get_mut(k) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    counts.remove(k);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_share_a_key_per_64_and_mapped_ipv4_is_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(address_key(mapped), "192.0.2.7");
    }

    #[test]
    fn keys_are_macs_not_the_email_or_address() {
        let keys = SystemKeys::derive(&[crate::secret::Secret::new("a-long-enough-system-secret")]);
        let k = Keys::new(&keys, "alice@example.com", "192.0.2.1".parse().unwrap());
        assert!(!k.account.contains("alice"));
        assert!(!k.address.contains("192"));
        assert_eq!(k.account.len(), 43);
        let other = Keys::new(&keys, "bob@example.com", "192.0.2.1".parse().unwrap());
        assert_ne!(k.account, other.account);
        assert_eq!(k.address, other.address);
    }
}
