//! A TCP proxy between a test server and PostgreSQL that the test can cut: every open
//! connection is dropped and new ones are refused until it is restored, or stall it:
//! connections stay open but nothing moves (a network partition). The database "goes
//! away" without touching the shared PostgreSQL server.

use std::sync::Arc;
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    Up,
    /// Connections are reset and refused.
    Down,
    /// Connections are accepted and kept, but no byte is forwarded either way; when the
    /// mode changes they are closed.
    Stalled,
}

/// A TCP proxy to `target` that can cut or stall every connection.
pub struct Proxy {
    pub addr: std::net::SocketAddr,
    mode: Arc<watch::Sender<Mode>>,
}

impl Proxy {
    pub async fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, _) = watch::channel(Mode::Up);
        let mode = Arc::new(tx);
        let mode2 = mode.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    break;
                };
                let now = *mode2.borrow();
                let mut rx = mode2.subscribe();
                match now {
                    Mode::Down => drop(inbound),
                    Mode::Stalled => {
                        tokio::spawn(async move {
                            let _ = rx.wait_for(|m| *m != Mode::Stalled).await;
                            drop(inbound);
                        });
                    }
                    Mode::Up => {
                        let target = target.clone();
                        tokio::spawn(async move {
                            let Ok(mut outbound) = TcpStream::connect(&target).await else {
                                return;
                            };
                            let stopped = tokio::select! {
                                _ = copy_bidirectional(&mut inbound, &mut outbound) => None,
                                m = rx.wait_for(|m| *m != Mode::Up) => m.ok().map(|m| *m),
                            };
                            if stopped == Some(Mode::Stalled) {
                                let _ = rx.wait_for(|m| *m != Mode::Stalled).await;
                            }
                        });
                    }
                }
            }
        });
        Proxy { addr, mode }
    }

    pub fn set_up(&self, up: bool) {
        self.set(if up { Mode::Up } else { Mode::Down });
    }

    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

/// A server on a fresh PostgreSQL schema reached through a [`Proxy`] (`tweak` adjusts
/// its settings), or `None` when PostgreSQL is not available. The pool gives up on a
/// connection after one second, so an outage is noticed quickly.
pub async fn app_behind_proxy(
    tweak: impl FnOnce(&mut portcullis::config::Settings),
) -> Option<(Proxy, crate::helpers::TestApp)> {
    use crate::helpers::{base_settings, fresh_dsn, postgres_url, start, Backend};
    let base = postgres_url()?;
    let url = url::Url::parse(&base).unwrap();
    let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
    let proxy = Proxy::start(target).await;
    let mut proxied = url.clone();
    proxied.set_host(Some("127.0.0.1")).unwrap();
    proxied.set_port(Some(proxy.addr.port())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut dsn = fresh_dsn(Backend::Postgres, dir.path()).await?;
    dsn = dsn.replacen(&base, proxied.as_str().trim_end_matches('/'), 1);
    if !dsn.contains("connect_timeout") {
        dsn.push_str("&connect_timeout=1s");
    }
    let mut settings = base_settings(&dsn);
    tweak(&mut settings);
    Some((proxy, start(settings, dir).await))
}
