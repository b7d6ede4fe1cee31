//! Slow and idle clients (issue 12, finding 7): a client trickling its headers, one
//! keeping an idle connection, one whose body stops arriving are all disconnected, and
//! connections beyond the cap wait instead of exhausting the server.

use crate::app_or_skip;
use crate::helpers::{Backend, TestApp};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn addr(app: &TestApp) -> String {
    app.public.trim_start_matches("http://").to_string()
}

/// Reads until the server closes the connection (or `limit` passes: `None`); returns
/// what was read.
async fn until_closed(s: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut got = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(limit, read).await.ok()?;
    Some(got)
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_disconnected() {
    let app = app_or_skip!(Backend::Sqlite, |s| {
        s.serve.header_read_timeout.0 = Duration::from_secs(1);
    });
    let mut s = TcpStream::connect(addr(&app)).await.unwrap();
    let started = Instant::now();
    // A byte every 300 ms keeps the connection busy but never finishes the headers.
    let trickle = b"GET /health/alive HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa";
    let mut closed = false;
    for b in trickle {
        if s.write_all(&[*b]).await.is_err() {
            closed = true;
            break;
        }
        let mut probe = [0u8; 1];
        match tokio::time::timeout(Duration::from_millis(300), s.read(&mut probe)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            Ok(Ok(_)) => {} // an error answer (408) before closing is fine
            Err(_) => {}
        }
    }
    let waited = started.elapsed();
    assert!(closed, "still open after {waited:?}");
    assert!(waited < Duration::from_secs(4), "{waited:?}");
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_header_timeout() {
    let app = app_or_skip!(Backend::Sqlite, |s| {
        s.serve.header_read_timeout.0 = Duration::from_secs(1);
    });
    let mut s = TcpStream::connect(addr(&app)).await.unwrap();
    s.write_all(b"GET /health/alive HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = s.read(&mut buf).await.unwrap();
    assert!(
        buf[..n].starts_with(b"HTTP/1.1 200"),
        "{:?}",
        String::from_utf8_lossy(&buf[..n])
    );
    // Now say nothing: the connection is closed once the next headers are overdue.
    let started = Instant::now();
    assert!(
        until_closed(&mut s, Duration::from_secs(5)).await.is_some(),
        "still open"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(800),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_body_that_stops_arriving_ends_with_the_idle_timeout() {
    let app = app_or_skip!(Backend::Sqlite, |s| {
        s.serve.idle_timeout.0 = Duration::from_secs(1);
    });
    let mut s = TcpStream::connect(addr(&app)).await.unwrap();
    s.write_all(
        b"POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n\
          grant_type=",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let got = until_closed(&mut s, Duration::from_secs(6)).await;
    assert!(got.is_some(), "still open after {:?}", started.elapsed());
    // Whatever was answered, it was not a server error.
    let text = String::from_utf8_lossy(got.as_deref().unwrap_or_default()).to_string();
    assert!(!text.starts_with("HTTP/1.1 5"), "{text}");
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let app = app_or_skip!(Backend::Sqlite, |s| {
        s.serve.max_connections = 2;
    });
    let mut idle1 = TcpStream::connect(addr(&app)).await.unwrap();
    let _idle2 = TcpStream::connect(addr(&app)).await.unwrap();
    // Both slots are taken by connections that have not said anything yet.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let ask = || async {
        let mut s = TcpStream::connect(addr(&app)).await.unwrap();
        s.write_all(b"GET /health/alive HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        s
    };
    let mut third = ask().await;
    let mut buf = [0u8; 64];
    let r = tokio::time::timeout(Duration::from_millis(700), third.read(&mut buf)).await;
    assert!(r.is_err(), "answered beyond the cap");
    // One slot frees up: the waiting connection is accepted and answered.
    idle1.shutdown().await.unwrap();
    drop(idle1);
    let got = until_closed(&mut third, Duration::from_secs(5))
        .await
        .expect("answered");
    assert!(
        got.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&got)
    );
}
