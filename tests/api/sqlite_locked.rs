//! SQLite's "outage": another process holds the write lock (a backup, a `sqlite3` shell
//! left in a transaction) for longer than the busy timeout (10 s). A write that cannot
//! get the lock is retryable, so it is 503 with `Retry-After` and the endpoint's error
//! body, never 500; reads go on (WAL), and writes work again once the lock is released.

use crate::app_or_skip;
use crate::helpers::Backend;
use crate::tokens_support::*;
use serde_json::json;
use sqlx::Connection;
use std::time::Instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_locked_sqlite_database_is_503_not_500() {
    let app = app_or_skip!(Backend::Sqlite);
    let (id, secret) = full_client(&app, "app", json!({"scope": "read"})).await;
    let before = client_credentials(&app, &id, &secret, "read").await;
    assert_eq!(before.status, 200, "{}", before.text);

    let mut locker = sqlx::SqliteConnection::connect(&app.dsn).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut locker)
        .await
        .unwrap();
    let t = Instant::now();
    let (token, client) = tokio::join!(
        client_credentials(&app, &id, &secret, "read"),
        answer(
            app.http
                .post(app.admin_url("/clients"))
                .json(&json!({"client_id": "late"}))
                .send()
                .await
                .unwrap()
        )
    );
    eprintln!(
        "sqlite locked: token {} / client create {} after {:?}",
        token.status,
        client.status,
        t.elapsed()
    );
    assert_eq!(token.status, 503, "{}", token.text);
    assert_eq!(token.error(), "temporarily_unavailable", "{}", token.text);
    assert_eq!(token.header("retry-after"), "5");
    assert_eq!(client.status, 503, "{}", client.text);
    assert_eq!(client.body["status_code"], 503, "{}", client.text);
    assert_eq!(client.header("retry-after"), "5");
    // Reads do not wait for the writer.
    assert!(is_active(&app, before.body["access_token"].as_str().unwrap()).await);

    sqlx::query("ROLLBACK").execute(&mut locker).await.unwrap();
    drop(locker);
    let after = client_credentials(&app, &id, &secret, "read").await;
    assert_eq!(after.status, 200, "{}", after.text);
}
