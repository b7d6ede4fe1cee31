//! `/health/ready` follows the database: 503 while it is unreachable, 200 once it is back,
//! without a restart. The database "goes away" behind a TCP proxy the test controls.

use crate::db_proxy::app_behind_proxy;
use std::time::Duration;

async fn ready_status(http: &reqwest::Client, url: &str) -> u16 {
    http.get(url).send().await.unwrap().status().as_u16()
}

async fn wait_for_status(http: &reqwest::Client, url: &str, want: u16) {
    for _ in 0..60 {
        if ready_status(http, url).await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("{url} never answered {want}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_turns_503_while_postgres_is_away_and_200_when_it_returns() {
    let Some((proxy, app)) = app_behind_proxy(|_| {}).await else {
        return;
    };

    let ready = app.admin_url("/health/ready");
    assert_eq!(ready_status(&app.http, &ready).await, 200);

    proxy.set_up(false);
    wait_for_status(&app.http, &ready, 503).await;
    let body: serde_json::Value = app
        .http
        .get(&ready)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body["errors"]["database"].is_string(), "{body}");
    // Liveness does not depend on the database.
    assert_eq!(
        ready_status(&app.http, &app.admin_url("/health/alive")).await,
        200
    );

    proxy.set_up(true);
    wait_for_status(&app.http, &ready, 200).await;
    assert_eq!(
        ready_status(&app.http, &app.public_url("/health/ready")).await,
        200
    );
}
