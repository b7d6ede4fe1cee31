//! OpenTelemetry (issue 14): the binary exports its spans over OTLP/HTTP to a receiver
//! written here, continuing the caller's `traceparent`, with the request, storage and
//! argon2 spans in one tree and no secret or token anywhere in what it sends.

use crate::helpers::{free_port, Backend, TEST_SECRET};
use crate::{app_or_skip, on_both_backends};
use axum::routing::post;
use serde_json::{json, Value};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

on_both_backends!(a_token_request_is_one_trace_of_request_storage_and_argon2_spans);

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID: &str = "00f067aa0ba902b7";
const SECRET: &str = "a-client-secret-that-must-not-leak";

/// An OTLP/HTTP receiver (JSON encoding): keeps every export request's body.
async fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let kept = bodies.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        post(move |body: String| {
            let kept = kept.clone();
            async move {
                kept.lock().unwrap().push(body);
                axum::Json(json!({}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, bodies)
}

/// An attribute's value as a string, whatever its OTLP JSON type.
fn attr(span: &Value, key: &str) -> Option<String> {
    let a = span["attributes"]
        .as_array()?
        .iter()
        .find(|a| a["key"] == key)?;
    let v = a["value"].as_object()?.values().next()?.clone();
    Some(match v {
        Value::String(s) => s,
        other => other.to_string(),
    })
}

fn spans(bodies: &[String]) -> (Vec<Value>, Vec<Value>) {
    let mut spans = Vec::new();
    let mut resources = Vec::new();
    for b in bodies {
        let doc: Value = serde_json::from_str(b).expect("OTLP JSON");
        for rs in doc["resourceSpans"].as_array().into_iter().flatten() {
            resources.push(rs["resource"].clone());
            for ss in rs["scopeSpans"].as_array().into_iter().flatten() {
                spans.extend(ss["spans"].as_array().into_iter().flatten().cloned());
            }
        }
    }
    (spans, resources)
}

/// Whether `span` is below `ancestor` in the tree.
fn descends(span: &Value, ancestor: &Value, all: &[Value]) -> bool {
    let mut cur = span.clone();
    for _ in 0..32 {
        let parent = cur["parentSpanId"].as_str().unwrap_or_default().to_string();
        if parent.is_empty() {
            return false;
        }
        if parent == ancestor["spanId"].as_str().unwrap_or_default() {
            return true;
        }
        match all.iter().find(|s| s["spanId"] == parent.as_str()) {
            Some(p) => cur = p.clone(),
            None => return false,
        }
    }
    false
}

async fn a_token_request_is_one_trace_of_request_storage_and_argon2_spans(backend: Backend) {
    // The in-process app only provides a fresh database (schema) for the binary.
    let app = app_or_skip!(backend);
    let (collector, bodies) = receiver().await;
    let (public, admin) = (free_port(), free_port());
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args(["serve", "all"])
        .env_clear()
        .env("DSN", &app.dsn)
        .env("SECRETS_SYSTEM", TEST_SECRET)
        .env("LOG_LEVEL", "info")
        .env("SERVE_PUBLIC_PORT", public.to_string())
        .env("SERVE_ADMIN_PORT", admin.to_string())
        .env("TRACING_PROVIDER", "otel")
        .env("TRACING_SERVICE_NAME", "portcullis-under-test")
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &collector)
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
        .env("OTEL_BSP_SCHEDULE_DELAY", "100")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = String::new();
    tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            log.push_str(&line);
            log.push('\n');
            if line.contains("portcullis is ready") {
                break;
            }
        }
    })
    .await
    .expect("the server starts");
    assert!(log.contains("exporting traces to"), "{log}");
    let log_rest = tokio::spawn(async move {
        let mut rest = String::new();
        while let Ok(Some(line)) = lines.next_line().await {
            rest.push_str(&line);
            rest.push('\n');
        }
        rest
    });

    let http = reqwest::Client::new();
    let created = http
        .post(format!("http://127.0.0.1:{admin}/clients"))
        .json(&json!({
            "client_id": "traced",
            "client_secret": SECRET,
            "grant_types": ["client_credentials"],
            "scope": "read",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let answer = http
        .post(format!("http://127.0.0.1:{public}/oauth2/token"))
        .basic_auth("traced", Some(SECRET))
        .header("traceparent", format!("00-{TRACE_ID}-{PARENT_ID}-01"))
        .form(&[("grant_type", "client_credentials"), ("scope", "read")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let token: Value = answer.json().await.unwrap();
    let access = token["access_token"].as_str().unwrap().to_string();

    // A graceful stop flushes what the batch processor still holds.
    let pid = child.id().unwrap().to_string();
    let killed = tokio::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("the server stops")
        .unwrap();
    assert!(status.success(), "{}", log_rest.await.unwrap());

    let bodies = bodies.lock().unwrap().clone();
    let (all, resources) = spans(&bodies);
    assert!(resources.iter().any(|r| r["attributes"]
        .as_array()
        .into_iter()
        .flatten()
        .any(
            |a| a["key"] == "service.name" && a["value"]["stringValue"] == "portcullis-under-test"
        )));

    let token_span = all
        .iter()
        .find(|s| s["name"] == "POST /oauth2/token")
        .unwrap_or_else(|| panic!("no token span in {all:#?}"));
    assert_eq!(
        token_span["traceId"], TRACE_ID,
        "the caller's trace is continued"
    );
    assert_eq!(token_span["parentSpanId"], PARENT_ID);
    assert_eq!(
        attr(token_span, "http.route").as_deref(),
        Some("/oauth2/token")
    );
    assert_eq!(
        attr(token_span, "http.response.status_code").as_deref(),
        Some("200")
    );
    let below: Vec<&Value> = all
        .iter()
        .filter(|s| descends(s, token_span, &all))
        .collect();
    assert!(
        below.iter().any(|s| s["name"] == "argon2 verify"),
        "{below:#?}"
    );
    let db: Vec<&&Value> = below
        .iter()
        .filter(|s| s["name"].as_str().is_some_and(|n| n.starts_with("db ")))
        .collect();
    assert!(!db.is_empty(), "{below:#?}");
    let system = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgresql",
    };
    assert!(db
        .iter()
        .all(|s| attr(s, "db.system.name").as_deref() == Some(system)));
    assert!(below.iter().all(|s| s["traceId"] == TRACE_ID));

    let create_span = all
        .iter()
        .find(|s| s["name"] == "POST /clients")
        .expect("the admin request is traced too");
    assert!(all
        .iter()
        .any(|s| s["name"] == "argon2 hash" && descends(s, create_span, &all)));

    // Nothing secret left the process: not the client secret, not the token (nor its
    // signature half), not the Basic credentials.
    let everything = bodies.concat();
    let signature = access.rsplit('.').next().unwrap();
    for secret in [SECRET, access.as_str(), signature, "Basic "] {
        assert!(!everything.contains(secret), "{secret} was exported");
    }
}
