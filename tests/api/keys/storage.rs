//! Keys at rest: restarts, system-secret rotation, encryption, concurrent bootstrap.

use super::{admin, generate, get_set, jwks};
use crate::helpers::{self, Backend, TestApp, TEST_SECRET};
use crate::{app_or_skip, on_both_backends};
use portcullis::config::Settings;
use portcullis::crypto::SystemKeys;
use portcullis::jwk::{KeyManager, ACCESS_TOKEN_SET, ID_TOKEN_SET};
use portcullis::secret::Secret;
use portcullis::store::{Dsn, Store};
use reqwest::Method;
use serde_json::Value;
use std::sync::Arc;

on_both_backends!(
    keys_survive_a_restart,
    rotating_the_system_secret_keeps_every_key_readable,
    stored_private_keys_are_not_plaintext,
    replicas_starting_at_once_create_one_default_key_per_set,
);

async fn keys_survive_a_restart(backend: Backend) {
    let app = app_or_skip!(backend);
    generate(&app, "kept", "ES256", "k").await;
    let before: Vec<Vec<Value>> = sets_of(&app, &["kept", ID_TOKEN_SET, ACCESS_TOKEN_SET]).await;
    let published = jwks(&app).await.body;
    let app = app.restart().await;
    let after = sets_of(&app, &["kept", ID_TOKEN_SET, ACCESS_TOKEN_SET]).await;
    assert_eq!(
        before, after,
        "same keys, private parts included, and no new default keys"
    );
    assert_eq!(jwks(&app).await.body, published);
}

async fn sets_of(app: &TestApp, sets: &[&str]) -> Vec<Vec<Value>> {
    let mut out = Vec::new();
    for s in sets {
        out.push(get_set(app, s).await);
    }
    out
}

async fn restart_with(app: TestApp, secrets: &[&str]) -> (Settings, tempfile::TempDir) {
    let (mut settings, dir) = app.stop().await;
    settings.urls.self_.issuer = None;
    settings.secrets.system = secrets.iter().map(|s| Secret::new(*s)).collect();
    (settings, dir)
}

async fn rotating_the_system_secret_keeps_every_key_readable(backend: Backend) {
    const NEW: &str = "the-next-system-secret-0123456789";
    let app = app_or_skip!(backend);
    generate(&app, "mine", "EdDSA", "m").await;
    let sets = ["mine", ID_TOKEN_SET, ACCESS_TOKEN_SET];
    let before = sets_of(&app, &sets).await;

    // The new secret alone is refused: nothing is readable with it yet.
    let (settings, dir) = restart_with(app, &[NEW]).await;
    let refused = portcullis::App::build(settings.clone(), Default::default()).await;
    assert!(
        refused.is_err(),
        "a start with an unrelated secret must fail"
    );

    // New first, old kept: everything still readable.
    let mut both = settings.clone();
    both.secrets.system = vec![Secret::new(NEW), Secret::new(TEST_SECRET)];
    let app = helpers::start(both.clone(), dir).await;
    assert_eq!(sets_of(&app, &sets).await, before);

    // `portcullis keys rotate-secret` (its logic, against the running server's database).
    let count = portcullis::app::system_secret::rotate(&both).await.unwrap();
    assert_eq!(count, 3, "one private key per set");

    let (settings, dir) = restart_with(app, &[NEW]).await;
    let app = helpers::start(settings, dir).await;
    assert_eq!(
        sets_of(&app, &sets).await,
        before,
        "readable with only the new secret"
    );

    // And the old secret alone no longer starts.
    let (settings, _dir) = restart_with(app, &[TEST_SECRET]).await;
    assert!(portcullis::App::build(settings, Default::default())
        .await
        .is_err());
}

async fn stored_private_keys_are_not_plaintext(backend: Backend) {
    let app = app_or_skip!(backend);
    let keys = generate(&app, "secretive", "RS256", "r").await;
    let store = Store::connect(&Dsn::parse(&app.dsn).unwrap())
        .await
        .unwrap();
    let row = store
        .jwk_get("secretive", "private:r")
        .await
        .unwrap()
        .unwrap();
    let blob = row
        .private_key
        .clone()
        .expect("the private half has a sealed key");
    for member in ["d", "p", "q", "dp", "dq", "qi"] {
        let b64 = keys[0][member].as_str().unwrap();
        let raw = portcullis::crypto::b64url_decode(b64).unwrap();
        let probe = &raw[..16];
        assert!(
            !blob.windows(16).any(|w| w == probe),
            "{member} bytes in the stored blob"
        );
        assert!(!row.public_jwk.contains(b64), "{member} in public_jwk");
    }
    assert!(!row.public_jwk.contains("\"d\""), "{}", row.public_jwk);
    // The blob is ciphertext: no DER structure of a PKCS#8 RSA key at its start.
    assert_ne!(&blob[..2], &[0x30, 0x82]);
    let public_row = store
        .jwk_get("secretive", "public:r")
        .await
        .unwrap()
        .unwrap();
    assert!(public_row.private_key.is_none());
    store.close().await;
}

async fn replicas_starting_at_once_create_one_default_key_per_set(backend: Backend) {
    let app = app_or_skip!(backend);
    // Back to an empty database as far as keys go.
    for set in [ID_TOKEN_SET, ACCESS_TOKEN_SET] {
        assert_eq!(
            admin(&app, Method::DELETE, &format!("/keys/{set}"), None)
                .await
                .status,
            204
        );
    }
    let keys = Arc::new(SystemKeys::derive(&[Secret::new(TEST_SECRET)]));
    let mut replicas = Vec::new();
    for _ in 0..3 {
        let store = Store::connect(&Dsn::parse(&app.dsn).unwrap())
            .await
            .unwrap();
        replicas.push(KeyManager::new(store, keys.clone()));
    }
    let results = futures::future::join_all(replicas.iter().map(|r| r.ensure_default_sets())).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    for set in [ID_TOKEN_SET, ACCESS_TOKEN_SET] {
        assert_eq!(
            get_set(&app, set).await.len(),
            2,
            "{set}: exactly one private/public pair"
        );
        let mut signing = Vec::new();
        for r in &replicas {
            signing.push(r.signing_key(set).await.unwrap().kid().to_string());
        }
        assert!(signing.iter().all(|k| *k == signing[0]), "{signing:?}");
    }
}
