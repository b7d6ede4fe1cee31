//! Hydra v2's `GET /admin/oauth2/auth/sessions/consent`: keyset pages (`page_size`,
//! `page_token`, `Link` rel `first`/`next`) and the `login_session_id` filter; the 1.9.2
//! path keeps `limit`/`offset` and knows no filter.

use crate::flow_support::*;
use crate::helpers::{Backend, TestApp};
use crate::{app_or_skip, on_both_backends};
use serde_json::{json, Value};

on_both_backends!(consent_sessions_page_by_keys_and_filter_by_login_session,);

/// `alice` signs in (remembered) and consents in a browser of her own; returns the
/// login session id.
async fn consented(app: &TestApp) -> String {
    let b = browser();
    let login = start(app, &b, &auth_url(app, "app", "")).await;
    let sid = login_request(app, &login).await.body["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let to = decide(
        app,
        "login",
        "accept",
        &login,
        json!({"subject": "alice", "remember": true}),
    )
    .await;
    let consent = to_consent(app, &b, &to).await;
    let to = decide(app, "consent", "accept", &consent, accept_all()).await;
    assert_code(app, &follow(&b, &to).await);
    sid
}

/// The body and the `Link` header of a listing.
async fn list(app: &TestApp, path_and_query: &str) -> (u16, Value, String) {
    let r = app
        .http
        .get(app.admin_url(path_and_query))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let link = r
        .headers()
        .get("link")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, r.json().await.unwrap_or(Value::Null), link)
}

fn next_token(link: &str) -> Option<String> {
    let next = link.split(',').find(|p| p.contains("rel=\"next\""))?;
    let url = next.split('<').nth(1)?.split('>').next()?;
    url::Url::parse(&format!("http://x{url}"))
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == "page_token")
        .map(|(_, v)| v.into_owned())
}

fn ids(body: &Value) -> Vec<String> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|s| s["consent_request_id"].as_str().unwrap().to_string())
        .collect()
}

async fn consent_sessions_page_by_keys_and_filter_by_login_session(backend: Backend) {
    let app = app_or_skip!(backend);
    create_client(&app, "app", json!({})).await;
    let mut sids = Vec::new();
    for _ in 0..3 {
        sids.push(consented(&app).await);
    }
    let base = "/admin/oauth2/auth/sessions/consent?subject=alice";

    let (status, first, link) = list(&app, &format!("{base}&page_size=2")).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first.as_array().unwrap().len(), 2, "{first}");
    assert!(link.contains("rel=\"first\""), "{link}");
    assert!(link.contains("subject=alice"), "{link}");
    let token = next_token(&link).expect("a next page");
    let (status, second, link) =
        list(&app, &format!("{base}&page_size=2&page_token={token}")).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second.as_array().unwrap().len(), 1, "{second}");
    assert!(next_token(&link).is_none(), "{link}");
    let mut all = ids(&first);
    all.extend(ids(&second));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 3, "pages overlap: {all:?}");

    // A consent granted meanwhile (a second later: times are whole seconds) does not
    // shift the pages already handed out.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    consented(&app).await;
    let (_, again, _) = list(&app, &format!("{base}&page_size=2&page_token={token}")).await;
    assert_eq!(ids(&again), ids(&second));

    // One login session's consents.
    let (status, one, _) = list(&app, &format!("{base}&login_session_id={}", sids[1])).await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one.as_array().unwrap().len(), 1, "{one}");
    assert_eq!(
        one[0]["consent_request"]["login_session_id"],
        sids[1].as_str()
    );
    let (_, none, _) = list(&app, &format!("{base}&login_session_id=unknown")).await;
    assert_eq!(none, json!([]));

    // Tokens of another listing, or made up, are refused.
    let (status, body, _) = list(&app, &format!("{base}&page_token=bm90LW91cnM")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_request");

    // The 1.9.2 path: offsets, all four, no filter.
    let (status, old, _) = list(
        &app,
        &format!(
            "/oauth2/auth/sessions/consent?subject=alice&page_size=2&login_session_id={}",
            sids[1]
        ),
    )
    .await;
    assert_eq!(status, 200, "{old}");
    assert_eq!(old.as_array().unwrap().len(), 4, "{old}");
    let (_, offset, _) = list(
        &app,
        "/admin/oauth2/auth/sessions/consent?subject=alice&limit=1&offset=1",
    )
    .await;
    assert_eq!(offset.as_array().unwrap().len(), 1, "{offset}");
}
