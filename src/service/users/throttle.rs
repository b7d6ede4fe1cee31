//! Login throttling, per account and per client address.
//!
//! Counters live in the database (`login_failures`), so every replica sharing a
//! PostgreSQL database sees the same counts. Each failure is one atomic upsert that
//! counts it in the current fixed window and, when the count reaches the limit, locks the
//! key for `lockout` seconds. A login is refused (without checking the password) while
//! either its account or its address is locked; the answer carries the seconds left.
//!
//! Keys are HMACs (under the system secret's `SecretCache` key, with a prefix of their
//! own) of the normalised email and of the address, so the table holds neither emails nor
//! IP addresses. Unknown emails are counted exactly like real ones: whether a lockout
//! happens says nothing about whether the account exists.
//!
//! Concurrency: the lock check and the failure count are separate statements, so
//! attempts already in flight when a key locks still finish; the overshoot is bounded by
//! how many run at once. The count itself never loses an update.

use crate::crypto::{b64url, Purpose, SystemKeys};
use crate::store::{Store, StoreResult};
use std::net::IpAddr;

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
fn address_key(addr: IpAddr) -> String {
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

/// Seconds until the later of the two locks ends, if either is in force.
pub(super) async fn locked_for(store: &Store, keys: &Keys, now: i64) -> StoreResult<Option<i64>> {
    let until = store
        .login_locked_until(
            (ThrottleKind::Account.as_str(), &keys.account),
            (ThrottleKind::Address.as_str(), &keys.address),
        )
        .await?;
    Ok(until.filter(|u| *u > now).map(|u| u - now))
}

/// Counts a failed attempt against both keys.
pub(super) async fn record_failure(
    store: &Store,
    policy: &ThrottlePolicy,
    keys: &Keys,
    now: i64,
) -> StoreResult<()> {
    for (kind, key) in [
        (ThrottleKind::Account, &keys.account),
        (ThrottleKind::Address, &keys.address),
    ] {
        let l = policy.limit(kind);
        store
            .login_failure_record(kind.as_str(), key, now, l.window, l.max_failures, l.lockout)
            .await?;
    }
    // Old counters are useless; drop them now and then rather than on every failure.
    if rand::random::<u8>() < 4 {
        let horizon = policy.account.window.max(policy.address.window);
        store.login_failures_prune(now - horizon, now).await?;
    }
    Ok(())
}

/// A successful login clears its account's counter (not its address's: one valid
/// account must not let an address guess others' passwords without limit).
pub(super) async fn record_success(store: &Store, keys: &Keys) -> StoreResult<()> {
    store
        .login_failures_clear(ThrottleKind::Account.as_str(), &keys.account)
        .await
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
