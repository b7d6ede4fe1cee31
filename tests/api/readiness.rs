//! `/health/ready` follows the database: 503 while it is unreachable, 200 once it is back,
//! without a restart. The database "goes away" behind a TCP proxy the test controls.

use crate::helpers::{base_settings, postgres_url, start};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A TCP proxy to `target` that can cut every connection and refuse new ones.
struct Proxy {
    addr: std::net::SocketAddr,
    up: Arc<watch::Sender<bool>>,
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, _) = watch::channel(true);
        let up = Arc::new(tx);
        let up2 = up.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    break;
                };
                if !*up2.borrow() {
                    drop(inbound);
                    continue;
                }
                let mut rx = up2.subscribe();
                let target = target.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = rx.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Proxy { addr, up }
    }

    fn set_up(&self, up: bool) {
        self.up.send_replace(up);
    }
}

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
    let Some(base) = postgres_url() else { return };
    let url = url::Url::parse(&base).unwrap();
    let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
    let proxy = Proxy::start(target).await;

    let mut proxied = url.clone();
    proxied.set_host(Some("127.0.0.1")).unwrap();
    proxied.set_port(Some(proxy.addr.port())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut dsn = crate::helpers::fresh_dsn(crate::helpers::Backend::Postgres, dir.path())
        .await
        .unwrap();
    dsn = dsn.replacen(&base, proxied.as_str().trim_end_matches('/'), 1);
    if !dsn.contains("connect_timeout") {
        dsn.push_str("&connect_timeout=1s");
    }
    let app = start(base_settings(&dsn), dir).await;

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
