//! Fetching a `private_key_jwt` client's `jwks_uri` (issue 12, finding 8): an unknown
//! `kid` used to fetch it on every request, before any check, with no size limit. Now
//! only a plausible assertion causes a fetch; an unknown `kid` refetches at most once a
//! minute; concurrent requests share one fetch; the answer is capped in size and time.

use crate::helpers::{Backend, TestApp};
use crate::tokens_jwt::{claims, rsa_key, sign, with_assertion};
use crate::tokens_support::create_client;
use crate::{app_or_skip, on_both_backends};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

on_both_backends!(
    made_up_kids_and_junk_assertions_cost_at_most_one_fetch,
    an_oversized_or_slow_jwks_uri_is_an_invalid_client_in_bounded_time,
);

/// A client's key server: serves `doc`, counts requests, can answer late or big.
struct KeyServer {
    uri: String,
    doc: Arc<Mutex<Value>>,
    fetches: Arc<AtomicUsize>,
    delay: Arc<Mutex<Duration>>,
    padding: Arc<Mutex<usize>>,
}

async fn key_server(doc: Value) -> KeyServer {
    let doc = Arc::new(Mutex::new(doc));
    let fetches = Arc::new(AtomicUsize::new(0));
    let delay = Arc::new(Mutex::new(Duration::ZERO));
    let padding = Arc::new(Mutex::new(0usize));
    let (d, f, dl, p) = (doc.clone(), fetches.clone(), delay.clone(), padding.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let router = axum::Router::new().route(
        "/jwks.json",
        axum::routing::get(move || {
            let (d, f, dl, p) = (d.clone(), f.clone(), dl.clone(), p.clone());
            async move {
                f.fetch_add(1, Ordering::SeqCst);
                let wait = *dl.lock().unwrap();
                tokio::time::sleep(wait).await;
                let mut body = d.lock().unwrap().clone();
                let pad = *p.lock().unwrap();
                if pad > 0 {
                    body["padding"] = json!("x".repeat(pad));
                }
                axum::Json(body)
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    KeyServer {
        uri,
        doc,
        fetches,
        delay,
        padding,
    }
}

async fn remote_client(app: &TestApp, id: &str, uri: &str) {
    create_client(
        app,
        json!({"client_id": id, "token_endpoint_auth_method": "private_key_jwt",
               "grant_types": ["client_credentials"], "jwks_uri": uri}),
    )
    .await;
}

async fn made_up_kids_and_junk_assertions_cost_at_most_one_fetch(backend: Backend) {
    let app = app_or_skip!(backend);
    let good = rsa_key("good");
    let ks = key_server(json!({"keys": [good.jwk]})).await;
    remote_client(&app, "remote", &ks.uri).await;

    // Junk that names the client but not this server, or is expired: no fetch at all.
    let mut wrong_aud = claims(&app, "remote");
    wrong_aud["aud"] = json!("https://elsewhere.example/token");
    let mut expired = claims(&app, "remote");
    expired["exp"] = json!(1_000_000_000);
    for c in [wrong_aud, expired] {
        let a = with_assertion(&app, Some("remote"), &sign(&good, &c)).await;
        assert_eq!(
            (a.status.as_u16(), a.error()),
            (401, "invalid_client"),
            "{}",
            a.text
        );
    }
    assert_eq!(ks.fetches.load(Ordering::SeqCst), 0, "junk caused a fetch");

    // Twenty assertions at once, each with a kid nobody published: the first fetch is
    // shared, one refetch for the unknown kid follows, and nothing more.
    let attempts = (0..20).map(|i| {
        let forged = rsa_key(&format!("made-up-{i}"));
        let assertion = sign(&forged, &claims(&app, "remote"));
        let app = &app;
        async move { with_assertion(app, Some("remote"), &assertion).await }
    });
    for a in futures::future::join_all(attempts).await {
        assert_eq!(
            (a.status.as_u16(), a.error()),
            (401, "invalid_client"),
            "{}",
            a.text
        );
    }
    let after_burst = ks.fetches.load(Ordering::SeqCst);
    assert!(
        (1..=2).contains(&after_burst),
        "{after_burst} fetches for the burst"
    );
    for i in 0..10 {
        let forged = rsa_key(&format!("later-{i}"));
        with_assertion(
            &app,
            Some("remote"),
            &sign(&forged, &claims(&app, "remote")),
        )
        .await;
    }
    assert_eq!(
        ks.fetches.load(Ordering::SeqCst),
        after_burst,
        "made-up kids refetched"
    );

    // The real key still works from the cache.
    let a = with_assertion(&app, Some("remote"), &sign(&good, &claims(&app, "remote"))).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(ks.fetches.load(Ordering::SeqCst), after_burst);
    drop(ks.doc);
}

async fn an_oversized_or_slow_jwks_uri_is_an_invalid_client_in_bounded_time(backend: Backend) {
    let app = app_or_skip!(backend);
    let key = rsa_key("k1");
    let big = key_server(json!({"keys": [key.jwk.clone()]})).await;
    *big.padding.lock().unwrap() = 100 * 1024;
    remote_client(&app, "big", &big.uri).await;
    let a = with_assertion(&app, Some("big"), &sign(&key, &claims(&app, "big"))).await;
    assert_eq!(
        (a.status.as_u16(), a.error()),
        (401, "invalid_client"),
        "{}",
        a.text
    );

    let slow = key_server(json!({"keys": [key.jwk]})).await;
    *slow.delay.lock().unwrap() = Duration::from_secs(30);
    remote_client(&app, "slow", &slow.uri).await;
    let started = Instant::now();
    let a = with_assertion(&app, Some("slow"), &sign(&key, &claims(&app, "slow"))).await;
    assert_eq!(
        (a.status.as_u16(), a.error()),
        (401, "invalid_client"),
        "{}",
        a.text
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // A failed fetch is not retried at once: the next request does not wait again.
    let started = Instant::now();
    let a = with_assertion(&app, Some("slow"), &sign(&key, &claims(&app, "slow"))).await;
    assert_eq!(a.error(), "invalid_client");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(slow.fetches.load(Ordering::SeqCst), 1);
}
