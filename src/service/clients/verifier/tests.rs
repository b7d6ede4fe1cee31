use super::*;
use crate::config::Argon2Params;
use crate::protocol::client::generate_secret;

fn keys() -> SystemKeys {
    SystemKeys::derive(&[Secret::new("a-long-enough-system-secret")])
}

/// The cheapest parameters argon2 accepts, so the tests are fast.
fn cheap() -> Argon2Params {
    Argon2Params {
        memory: 8,
        iterations: 1,
        parallelism: 1,
    }
}

fn runner(p: &Argon2Params) -> Arc<Argon2Runner> {
    Arc::new(Argon2Runner::new(p))
}

fn verifier() -> SecretVerifier {
    SecretVerifier::with_limits(&keys(), runner(&cheap()), DEFAULT_CAPACITY, DEFAULT_TTL)
}

fn client(id: &str) -> Client {
    Client {
        client_id: id.into(),
        ..Client::default()
    }
}

#[tokio::test]
async fn hashes_are_argon2id_phc_strings_with_a_fresh_salt() {
    let v = SecretVerifier::new(&keys(), runner(&Argon2Params::default()));
    let s = Secret::new("correct horse battery");
    let h1 = v.hash(&s).await.unwrap();
    let h2 = v.hash(&s).await.unwrap();
    assert!(h1.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h1}");
    assert!(!h1.contains("correct horse"));
    assert_ne!(h1, h2, "each hash has its own salt");
}

#[tokio::test]
async fn a_miss_runs_argon2_and_a_hit_does_not() {
    let v = verifier();
    let s = Secret::new("s3cret-value");
    let h = v.hash(&s).await.unwrap();
    let c = client("c1");
    assert!(v.verify(&c, &h, &s).await);
    assert_eq!(v.argon2_runs(), 1);
    assert_eq!(v.cached_entries(), 1);
    assert!(v.verify(&c, &h, &s).await);
    assert!(v.verify(&c, &h, &s).await);
    assert_eq!(v.argon2_runs(), 1, "hits must not run argon2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_with_an_uncached_secret_runs_argon2_once_per_permit_not_once_per_request() {
    let v = verifier();
    let s = Secret::new("s3cret-value");
    let h = v.hash(&s).await.unwrap();
    let c = client("c1");
    let burst = (0..16).map(|_| v.verify(&c, &h, &s));
    let results = futures::future::join_all(burst).await;
    assert!(results.iter().all(|ok| *ok));
    let permits = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .max(2);
    let runs = v.argon2_runs();
    assert!(
        (1..=permits as u64).contains(&runs),
        "{runs} argon2 runs for 16 concurrent requests with {permits} permits"
    );
    // A wrong secret in a burst still pays every run.
    let wrong = Secret::new("s3cret-valuf");
    let burst = (0..4).map(|_| v.verify(&c, &h, &wrong));
    let results = futures::future::join_all(burst).await;
    assert!(results.iter().all(|ok| !*ok));
    assert_eq!(v.argon2_runs(), runs + 4);
}

#[tokio::test]
async fn wrong_secrets_are_never_cached_and_always_cost_a_full_run() {
    let v = verifier();
    let s = Secret::new("s3cret-value");
    let h = v.hash(&s).await.unwrap();
    let c = client("c1");
    let wrong = Secret::new("s3cret-valuf");
    assert!(!v.verify(&c, &h, &wrong).await);
    assert!(!v.verify(&c, &h, &wrong).await);
    assert_eq!(v.argon2_runs(), 2);
    assert_eq!(v.cached_entries(), 0);
    // Once the right secret is cached, wrong ones still run argon2 and still fail,
    // and do not evict the right entry.
    assert!(v.verify(&c, &h, &s).await);
    assert!(!v.verify(&c, &h, &wrong).await);
    assert_eq!(v.argon2_runs(), 4);
    assert!(v.verify(&c, &h, &s).await);
    assert_eq!(v.argon2_runs(), 4);
}

#[tokio::test]
async fn a_changed_stored_hash_invalidates_the_entry() {
    let v = verifier();
    let old = Secret::new("old-secret");
    let old_hash = v.hash(&old).await.unwrap();
    let c = client("c1");
    assert!(v.verify(&c, &old_hash, &old).await);
    // Another replica sets a new secret: the database now returns a new hash.
    let new = Secret::new("new-secret");
    let new_hash = v.hash(&new).await.unwrap();
    assert!(
        !v.verify(&c, &new_hash, &old).await,
        "the old secret must stop working"
    );
    assert!(v.verify(&c, &new_hash, &new).await);
    assert_eq!(v.argon2_runs(), 3);
    // Even the same secret re-hashed (new salt) is a miss, never a stale hit.
    let rehash = v.hash(&new).await.unwrap();
    assert!(v.verify(&c, &rehash, &new).await);
    assert_eq!(v.argon2_runs(), 4);
}

#[tokio::test]
async fn entries_are_per_client_and_not_transferable() {
    let v = verifier();
    let s = Secret::new("shared-secret");
    let h = v.hash(&s).await.unwrap();
    assert!(v.verify(&client("a"), &h, &s).await);
    assert!(v.verify(&client("b"), &h, &s).await);
    assert_eq!(
        v.argon2_runs(),
        2,
        "client b gets no hit from client a's entry"
    );
}

#[tokio::test]
async fn entries_expire() {
    let v =
        SecretVerifier::with_limits(&keys(), runner(&cheap()), DEFAULT_CAPACITY, Duration::ZERO);
    let s = Secret::new("s3cret-value");
    let h = v.hash(&s).await.unwrap();
    assert!(v.verify(&client("c"), &h, &s).await);
    assert!(v.verify(&client("c"), &h, &s).await);
    assert_eq!(v.argon2_runs(), 2);
}

#[tokio::test]
async fn the_cache_is_bounded() {
    let v = SecretVerifier::with_limits(&keys(), runner(&cheap()), 2, DEFAULT_TTL);
    let s = Secret::new("s3cret-value");
    let h = v.hash(&s).await.unwrap();
    for id in ["a", "b", "c", "d"] {
        assert!(v.verify(&client(id), &h, &s).await);
    }
    assert_eq!(v.cached_entries(), 2);
}

#[tokio::test]
async fn empty_or_malformed_input_fails_closed() {
    let v = verifier();
    let s = Secret::new("s3cret-value");
    assert!(!v.verify(&client("c"), "", &s).await);
    assert!(!v.verify(&client("c"), "not-a-phc-string", &s).await);
    let h = v.hash(&s).await.unwrap();
    assert!(!v.verify(&client("c"), &h, &Secret::new("")).await);
}

#[test]
fn generated_secrets_are_long_and_distinct() {
    let (a, b) = (generate_secret(), generate_secret());
    assert_eq!(a.len(), 43);
    assert_ne!(a, b);
}

/// Prints what a cache hit and a cache miss cost with the default argon2 parameters.
/// Run: `cargo test --release --lib client::secret::tests::timing -- --ignored --nocapture`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn timing_of_a_cache_hit_and_a_cache_miss() {
    let v = SecretVerifier::new(&keys(), runner(&Argon2Params::default()));
    let s = Secret::new("a-typical-generated-client-secret-value-43c");
    let h = v.hash(&s).await.unwrap();
    let c = client("timing");
    let mut misses = Vec::new();
    for _ in 0..5 {
        let v = SecretVerifier::new(&keys(), runner(&Argon2Params::default()));
        let t = Instant::now();
        assert!(v.verify(&c, &h, &s).await);
        misses.push(t.elapsed());
    }
    assert!(v.verify(&c, &h, &s).await);
    let n = 10_000u32;
    let t = Instant::now();
    for _ in 0..n {
        assert!(v.verify(&c, &h, &s).await);
    }
    let hit = t.elapsed() / n;
    misses.sort();
    eprintln!(
        "secret verification, default argon2id (m=19456 KiB, t=2, p=1): miss median {:?} (min {:?}), hit {:?}",
        misses[2], misses[0], hit
    );
}

#[tokio::test]
async fn a_rotated_secret_matches_and_is_cached_under_the_whole_set_of_hashes() {
    let v = verifier();
    let (old, new) = (Secret::new("old-secret"), Secret::new("new-secret"));
    let (old_hash, new_hash) = (v.hash(&old).await.unwrap(), v.hash(&new).await.unwrap());
    let c = client("c1");
    let rotated = vec![old_hash.clone()];
    // The rotated secret: the current hash first, then the rotated one.
    assert!(v.verify_any(&c, &new_hash, &rotated, &old).await);
    assert_eq!(v.argon2_runs(), 2);
    assert!(v.verify_any(&c, &new_hash, &rotated, &old).await);
    assert_eq!(v.argon2_runs(), 2, "a cached rotated secret runs no argon2");
    // The rotated secrets deleted: the cached entry no longer matches, argon2 says no.
    assert!(!v.verify_any(&c, &new_hash, &[], &old).await);
    assert!(!v.verify_any(&c, &new_hash, &[], &old).await);
    assert_eq!(v.argon2_runs(), 4, "failures are never cached");
    assert!(v.verify_any(&c, &new_hash, &[], &new).await);
}

#[tokio::test]
async fn a_wrong_secret_costs_one_run_per_hash_and_at_most_six() {
    let v = verifier();
    let current = v.hash(&Secret::new("current")).await.unwrap();
    let mut rotated = Vec::new();
    for i in 0..8 {
        rotated.push(v.hash(&Secret::new(format!("rotated-{i}"))).await.unwrap());
    }
    let c = client("c1");
    assert!(
        !v.verify_any(&c, &current, &rotated[..2], &Secret::new("wrong"))
            .await
    );
    assert_eq!(v.argon2_runs(), 3);
    assert!(
        !v.verify_any(&c, &current, &rotated, &Secret::new("wrong"))
            .await
    );
    assert_eq!(v.argon2_runs(), 3 + 1 + MAX_ROTATED as u64);
    // Beyond the fifth rotated hash nothing is tried.
    assert!(
        !v.verify_any(&c, &current, &rotated, &Secret::new("rotated-6"))
            .await
    );
    assert!(
        v.verify_any(&c, &current, &rotated, &Secret::new("rotated-4"))
            .await
    );
    // No current hash: nothing matches, not even a rotated secret.
    assert!(
        !v.verify_any(&c, "", &rotated, &Secret::new("rotated-0"))
            .await
    );
}
