//! The token batch writer and the read cache (`store/tokens/batch.rs`, `store/cache.rs`)
//! are invisible: every token a caller gets is committed, a revocation is never followed
//! by `active: true` on the server that acknowledged it, and another server on the same
//! database sees it within a second (PostgreSQL: through `NOTIFY`, even with a long TTL).

use crate::helpers::{base_settings, dsn_with, fresh_dsn, start, Backend, TestApp};
use crate::tokens_support::*;
use crate::{app_or_skip, on_both_backends};
use futures::future::join_all;
use portcullis::model::{Client, TokenRow};
use portcullis::store::{Dsn, Store};
use serde_json::json;
use std::time::{Duration, Instant};

on_both_backends!(
    tokens_issued_at_once_are_all_committed,
    a_revoked_token_is_never_active_again_on_the_server_that_revoked_it,
    a_revocation_reaches_another_server_within_a_second,
    a_changed_secret_reaches_another_server_within_a_second,
    one_bad_row_fails_only_its_own_request,
);

/// A second server on `app`'s database, with extra DSN parameters.
async fn second_server(app: &TestApp, params: &str) -> TestApp {
    let dsn = if params.is_empty() {
        app.dsn.clone()
    } else {
        dsn_with(&app.dsn, params)
    };
    start(base_settings(&dsn), tempfile::tempdir().unwrap()).await
}

async fn cc_client(app: &TestApp) -> (String, String) {
    create_client(
        app,
        json!({"grant_types": ["client_credentials"], "scope": "read"}),
    )
    .await
}

/// Waits until `other` answers from its cache (its listener subscribed): a token it
/// looked up stays active there after its row is deleted behind its back, without a
/// notification. Without this a test could pass with the cache still off.
async fn wait_until_caching(
    app: &TestApp,
    other: &TestApp,
    backend: Backend,
    id: &str,
    secret: &str,
) {
    let start = Instant::now();
    loop {
        let t = client_credentials(app, id, secret, "read").await;
        let token = t.body["access_token"].as_str().unwrap().to_string();
        assert!(is_active(other, &token).await);
        let sig = token.rsplit('.').next().unwrap().to_string();
        execute(
            app,
            backend,
            "DELETE FROM oauth2_access_tokens WHERE signature = $1",
            &[sig],
        )
        .await;
        if is_active(other, &token).await {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the other server never caches"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Polls `server` until `token` is inactive; how long that took.
async fn until_inactive(server: &TestApp, token: &str, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if !is_active(server, token).await {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

async fn tokens_issued_at_once_are_all_committed(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = cc_client(&app).await;
    let answers = join_all((0..120).map(|_| client_credentials(&app, &id, &secret, "read"))).await;
    assert!(
        answers.iter().all(|a| a.status == 200),
        "every request succeeds"
    );
    // A server with an empty cache reads each from the database.
    let other = second_server(&app, "").await;
    for a in &answers {
        let token = a.body["access_token"].as_str().unwrap();
        assert!(is_active(&other, token).await, "{token} was committed");
    }
    assert_eq!(count(&app, backend, "oauth2_access_tokens").await, 120);
}

async fn a_revoked_token_is_never_active_again_on_the_server_that_revoked_it(backend: Backend) {
    let app = app_or_skip!(backend);
    let (id, secret) = cc_client(&app).await;
    for _ in 0..25 {
        let t = client_credentials(&app, &id, &secret, "read").await;
        let token = t.body["access_token"].as_str().unwrap().to_string();
        // Cached at issuance and again on lookup.
        assert!(is_active(&app, &token).await);
        assert_eq!(revoke(&app, &id, &secret, &token).await.status, 200);
        assert!(
            !is_active(&app, &token).await,
            "active after its revocation"
        );
    }
}

async fn a_revocation_reaches_another_server_within_a_second(backend: Backend) {
    let app = app_or_skip!(backend);
    // PostgreSQL: a TTL far beyond the second, so only the notification can do it.
    let other = match backend {
        Backend::Postgres => second_server(&app, "cache_ttl=60s").await,
        Backend::Sqlite => second_server(&app, "").await,
    };
    let (id, secret) = cc_client(&app).await;
    if backend == Backend::Postgres {
        wait_until_caching(&app, &other, backend, &id, &secret).await;
    }
    let t = client_credentials(&app, &id, &secret, "read").await;
    let token = t.body["access_token"].as_str().unwrap().to_string();
    assert!(is_active(&other, &token).await, "now in the other's cache");
    assert_eq!(revoke(&app, &id, &secret, &token).await.status, 200);
    let took = until_inactive(&other, &token, Duration::from_secs(3)).await;
    eprintln!("revocation seen by the other server after {took:?}");
    assert!(took.is_some_and(|d| d < Duration::from_secs(1)), "{took:?}");

    if backend == Backend::Postgres {
        // Its notification connection is cut: the other drops its cache, so a change it
        // could not hear of (made behind its back, without a notification) is seen.
        let t = client_credentials(&app, &id, &secret, "read").await;
        let token = t.body["access_token"].as_str().unwrap().to_string();
        assert!(is_active(&other, &token).await);
        execute(
            &app,
            backend,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE query LIKE 'LISTEN %' AND datname = current_database() \
             AND pid <> pg_backend_pid()",
            &[],
        )
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        execute(
            &app,
            backend,
            "DELETE FROM oauth2_access_tokens WHERE client_id = $1",
            std::slice::from_ref(&id),
        )
        .await;
        assert!(
            !is_active(&other, &token).await,
            "served from a stale cache"
        );
    }
}

async fn a_changed_secret_reaches_another_server_within_a_second(backend: Backend) {
    let app = app_or_skip!(backend);
    let other = match backend {
        Backend::Postgres => second_server(&app, "cache_ttl=60s").await,
        Backend::Sqlite => second_server(&app, "").await,
    };
    let (id, secret) = cc_client(&app).await;
    if backend == Backend::Postgres {
        wait_until_caching(&app, &other, backend, &id, &secret).await;
    }
    assert_eq!(
        client_credentials(&other, &id, &secret, "read")
            .await
            .status,
        200
    );
    let r = app
        .http
        .put(app.admin_url(&format!("/clients/{id}")))
        .json(
            &json!({"client_id": id, "client_secret": "a-new-secret-of-enough-length",
                      "grant_types": ["client_credentials"], "scope": "read"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let start = Instant::now();
    loop {
        let a = client_credentials(&other, &id, &secret, "read").await;
        let took = start.elapsed();
        if a.status == 401 {
            assert!(took < Duration::from_secs(1), "refused only after {took:?}");
            break;
        }
        assert!(took < Duration::from_secs(1), "old secret still accepted");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let a = client_credentials(&other, &id, "a-new-secret-of-enough-length", "read").await;
    assert_eq!(a.status, 200, "{}", a.text);
}

fn row(signature: &str, client_id: &str) -> TokenRow {
    TokenRow {
        signature: signature.into(),
        request_id: uuid::Uuid::new_v4().to_string(),
        client_id: client_id.into(),
        subject: client_id.into(),
        obfuscated_subject: String::new(),
        scope: "read".into(),
        audience: "[]".into(),
        ext: "{}".into(),
        session: "{}".into(),
        issued_at: now(),
        expires_at: now() + 3600,
        active: true,
    }
}

/// Rows written together in one batch: a row the database refuses (an unknown client,
/// a signature taken already) fails its own caller and nobody else's.
async fn one_bad_row_fails_only_its_own_request(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(dsn) = fresh_dsn(backend, dir.path()).await else {
        return;
    };
    let store = Store::connect(&Dsn::parse(&dsn).unwrap()).await.unwrap();
    store.migrate().await.unwrap();
    let client = Client {
        client_id: "batch".into(),
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
        ..Client::default()
    };
    store.insert_client(&client, None).await.unwrap();
    store
        .insert_tokens(&row("taken", "batch"), None)
        .await
        .unwrap();

    let rows: Vec<TokenRow> = (0..200)
        .map(|i| match i {
            50 => row("orphan", "no-such-client"),
            120 => row("taken", "batch"),
            _ => row(&format!("sig-{i}"), "batch"),
        })
        .collect();
    let results = join_all(rows.iter().map(|r| store.insert_tokens(r, None))).await;
    for (i, r) in results.iter().enumerate() {
        match i {
            50 | 120 => assert!(r.is_err(), "row {i} was refused"),
            _ => assert!(r.is_ok(), "row {i}: {:?}", r.as_ref().err()),
        }
    }
    // Read back through a store without a cache: what the database holds.
    let uncached = Store::connect(&Dsn::parse(&dsn_with(&dsn, "cache_tokens=0")).unwrap())
        .await
        .unwrap();
    for (i, r) in rows.iter().enumerate() {
        let stored = uncached.get_access_token(&r.signature).await.unwrap();
        match i {
            50 => assert!(stored.is_none()),
            120 => assert_ne!(stored.unwrap().request_id, r.request_id, "not overwritten"),
            _ => assert_eq!(stored.as_ref(), Some(r)),
        }
    }
    store.close().await;
    uncached.close().await;
}
