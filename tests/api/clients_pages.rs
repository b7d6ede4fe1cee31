//! Hydra v2's keyset pagination on `/admin/clients` (`page_size`, `page_token`).

use crate::flow_support::*;
use crate::helpers::{Backend, TestApp};
use crate::{app_or_skip, on_both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_both_backends!(following_next_links_visits_each_client_once_while_clients_are_created,);

async fn new_public_client(app: &TestApp, id: &str) {
    let body =
        json!({"client_id": id, "token_endpoint_auth_method": "none", "redirect_uris": [CB]});
    let a = admin(app, Method::POST, "/admin/clients", Some(body)).await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
}

/// The `rel="next"` target of a `Link` header, if any.
fn next_link(r: &reqwest::Response) -> Option<String> {
    let link = r.headers().get("link")?.to_str().unwrap().to_string();
    assert!(link.contains("rel=\"first\""), "{link}");
    link.split(',')
        .find(|l| l.ends_with("rel=\"next\""))
        .map(|l| {
            l.split(';')
                .next()
                .unwrap()
                .trim()
                .trim_matches(['<', '>'])
                .to_string()
        })
}

async fn following_next_links_visits_each_client_once_while_clients_are_created(backend: Backend) {
    let app = app_or_skip!(backend);
    for i in 0..250 {
        new_public_client(&app, &format!("c{i:03}")).await;
    }
    let mut seen: Vec<String> = Vec::new();
    let mut next = Some("/admin/clients?page_size=40".to_string());
    let mut added = 0;
    while let Some(path) = next {
        let r = app.http.get(app.admin_url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        next = next_link(&r);
        let page: Value = r.json().await.unwrap();
        let page = page.as_array().unwrap();
        assert!(page.len() <= 40);
        for c in page {
            seen.push(c["client_id"].as_str().unwrap().to_string());
            assert!(c.get("skip_consent").is_some(), "the v2 shape");
        }
        // Clients created meanwhile land after every page boundary.
        for _ in 0..3 {
            new_public_client(&app, &format!("new{added:03}")).await;
            added += 1;
        }
        assert!(added < 100, "the listing must end");
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no client twice");
    for i in 0..250 {
        assert!(seen.contains(&format!("c{i:03}")), "c{i:03} visited");
    }
    // A token this server did not write is a 400; 1.9.2's limit/offset still work here.
    let a = admin(&app, Method::GET, "/admin/clients?page_token=forged", None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let r = app
        .http
        .get(app.admin_url("/admin/clients?limit=2&offset=1"))
        .send()
        .await
        .unwrap();
    assert!(r.headers()["link"].to_str().unwrap().contains("offset="));
    let page: Value = r.json().await.unwrap();
    assert_eq!(page[0]["client_id"], "c001");
}
