//! Tests through real loopback listeners: CORS, streaming, dropped connections, concurrency,
//! webhooks and the demo host backend.

mod common;

use std::time::{Duration, Instant};

use common::{real, real_token};
use kyc_sandbox::Running;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

fn api(r: &Running, path: &str) -> String {
    format!("http://{}{path}", r.api)
}

async fn presign(c: &Client, r: &Running, tok: &str, purpose: &str, ct: &str, size: usize) -> Value {
    let resp = c.post(api(r, "/v1/files")).bearer_auth(tok).json(&common::presign_body(purpose, ct, size)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    resp.json().await.unwrap()
}

async fn events(c: &Client, r: &Running) -> Vec<Value> {
    let v: Value = c.get(api(r, "/_sandbox/events")).send().await.unwrap().json().await.unwrap();
    v["events"].as_array().unwrap().clone()
}

async fn wait_for<F: std::future::Future<Output = bool>>(mut f: impl FnMut() -> F, secs: u64) -> bool {
    let end = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < end {
        if f().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// The comma-separated values of header `name`, lowercased (header names are case-insensitive).
fn list(resp: &reqwest::Response, name: &str) -> Vec<String> {
    resp.headers()
        .get_all(name)
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(','))
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

fn has_all(resp: &reqwest::Response, name: &str, want: &[&str]) -> bool {
    let got = list(resp, name);
    want.iter().all(|w| got.iter().any(|g| g == w))
}

fn no_cors_headers(resp: &reqwest::Response) -> bool {
    resp.headers().keys().all(|k| !k.as_str().starts_with("access-control-"))
}

async fn preflight(c: &Client, url: String, origin: &str, method: &str, headers: &str) -> reqwest::Response {
    c.request(Method::OPTIONS, url)
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", headers)
        .send()
        .await
        .unwrap()
}

/// The preflight answer a browser needs for `method` with `headers` from `origin`.
fn assert_preflight_allows(resp: &reqwest::Response, origin: &str, method: &str, headers: &[&str]) {
    assert!(resp.status().is_success(), "preflight status {}", resp.status());
    assert_eq!(resp.headers()["access-control-allow-origin"], origin, "exact origin, never *");
    assert!(has_all(resp, "access-control-allow-methods", &[&method.to_ascii_lowercase()]), "{:?}", resp.headers());
    assert!(has_all(resp, "access-control-allow-headers", headers), "{:?}", resp.headers());
    assert_eq!(resp.headers()["access-control-max-age"], "600");
    assert!(!resp.headers().contains_key("access-control-allow-credentials"), "no credentials");
    assert!(has_all(resp, "vary", &["origin"]));
}

#[tokio::test]
async fn cors_preflights_for_allowed_origins_only() {
    let (r, _dir) = real(|_| {}).await;
    let c = Client::new();
    // The widget's files request: token, JSON body and idempotency key.
    let files = api(&r, "/v1/customers/cus_individual_demo/files");
    let resp = preflight(&c, files.clone(), "http://127.0.0.1:8790", "POST", "authorization,content-type,idempotency-key").await;
    assert_preflight_allows(&resp, "http://127.0.0.1:8790", "POST", &["authorization", "content-type", "idempotency-key"]);
    assert_eq!(list(&resp, "access-control-allow-methods"), ["get", "post"]);
    assert!(has_all(&resp, "access-control-allow-headers", &["accept"]));
    let resp = preflight(&c, api(&r, "/v1/files"), "http://localhost:8080", "POST", "authorization,content-type").await;
    assert_preflight_allows(&resp, "http://localhost:8080", "POST", &["authorization", "content-type"]);
    // A disallowed origin gets no CORS header at all, not even the methods or headers.
    for origin in ["http://evil.example", "http://127.0.0.1:8790.evil.example", "null"] {
        let resp = preflight(&c, files.clone(), origin, "POST", "authorization,idempotency-key").await;
        assert!(!resp.headers().contains_key("access-control-allow-origin"), "{origin}");
        assert!(no_cors_headers(&resp), "{origin}: {:?}", resp.headers());
    }
    // Storage: the presigned PUT with its Content-Type.
    let storage = format!("http://{}/upload/file_X", r.storage);
    let resp = preflight(&c, storage.clone(), "http://localhost:8080", "PUT", "content-type").await;
    assert_preflight_allows(&resp, "http://localhost:8080", "PUT", &["content-type"]);
    assert_eq!(list(&resp, "access-control-allow-methods"), ["put"]);
    assert!(!has_all(&resp, "access-control-allow-headers", &["authorization"]), "storage never takes the token");
    let resp = preflight(&c, storage, "http://localhost:9999", "PUT", "content-type").await;
    assert!(no_cors_headers(&resp));
    // Demo host backend: the page's token exchange.
    let resp = preflight(&c, format!("http://{}/demo/token", r.demo), "http://127.0.0.1:8790", "POST", "content-type").await;
    assert_preflight_allows(&resp, "http://127.0.0.1:8790", "POST", &["content-type"]);
    let resp = preflight(&c, format!("http://{}/demo/token", r.demo), "http://evil.example", "POST", "content-type").await;
    assert!(no_cors_headers(&resp));
    // Actual requests expose ETag (storage) and Retry-After (API), to allowed origins only.
    let tok = real_token(&c, &r).await;
    let p = presign(&c, &r, &tok, "id_file", "image/png", 5).await;
    let put = c
        .put(p["upload_url"].as_str().unwrap())
        .header("origin", "http://localhost:8790")
        .header("content-type", "image/png")
        .body(vec![1u8; 5])
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::OK);
    assert_eq!(put.headers()["access-control-allow-origin"], "http://localhost:8790");
    assert_eq!(list(&put, "access-control-expose-headers"), ["etag"]);
    assert!(put.headers().contains_key("etag"));
    let get = c.get(api(&r, "/v1/customers/cus_individual_demo")).bearer_auth(&tok).header("origin", "http://localhost:8790").send().await.unwrap();
    assert_eq!(get.headers()["access-control-allow-origin"], "http://localhost:8790");
    assert_eq!(list(&get, "access-control-expose-headers"), ["retry-after"]);
    let get = c.get(api(&r, "/v1/customers/cus_individual_demo")).bearer_auth(&tok).header("origin", "http://evil.example").send().await.unwrap();
    assert_eq!(get.status(), StatusCode::OK);
    assert!(no_cors_headers(&get), "{:?}", get.headers());
    let get = c.get(api(&r, "/v1/customers/cus_individual_demo")).bearer_auth(&tok).send().await.unwrap();
    assert!(no_cors_headers(&get), "no Origin, no CORS headers");
    let kinds: Vec<String> = events(&c, &r).await.iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect();
    assert_eq!(kinds, ["token", "presign", "put", "customer_get", "customer_get", "customer_get"], "preflights are not logged");
}

#[tokio::test]
async fn cors_errors_are_readable_cross_origin() {
    let (r, _dir) = real(|_| {}).await;
    let c = Client::new();
    let origin = "http://127.0.0.1:8790";
    let tok = real_token(&c, &r).await;
    let rules = json!({"rules": [{"route": "customer", "count": 1, "action": {"type": "status", "status": 429, "retry_after": 7}}]});
    assert_eq!(c.post(api(&r, "/_sandbox/faults")).json(&rules).send().await.unwrap().status(), StatusCode::OK);
    let resp = c.get(api(&r, "/v1/customers/cus_individual_demo")).bearer_auth(&tok).header("origin", origin).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.headers()["retry-after"], "7");
    assert_eq!(resp.headers()["access-control-allow-origin"], origin);
    assert!(has_all(&resp, "access-control-expose-headers", &["retry-after"]), "{:?}", resp.headers());
    // Other errors too: a missing token, an unknown route, a refused upload.
    let resp = c.get(api(&r, "/v1/customers/cus_individual_demo")).header("origin", origin).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(resp.headers()["access-control-allow-origin"], origin);
    let resp = c.post(api(&r, "/v1/nothing")).header("origin", origin).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(resp.headers()["access-control-allow-origin"], origin);
    let p = presign(&c, &r, &tok, "id_file", "image/png", 5).await;
    let put = c.put(p["upload_url"].as_str().unwrap()).header("origin", origin).header("content-type", "image/jpeg").body(vec![1u8; 5]).send().await.unwrap();
    assert_eq!(put.status(), StatusCode::BAD_REQUEST);
    assert_eq!(put.headers()["access-control-allow-origin"], origin);
}

#[tokio::test]
async fn cors_origins_come_from_allow_origin() {
    // As the e2e runs start it: the demo page's origin and the browser-test page's origin.
    let (demo_page, test_page) = ("http://127.0.0.1:7001", "http://127.0.0.1:7002");
    let (r, _dir) = real(|c| c.allow_origin = vec![demo_page.into(), test_page.into(), "*".into()]).await;
    let c = Client::new();
    for origin in [demo_page, test_page] {
        let resp = preflight(&c, api(&r, "/v1/customers/cus_individual_demo/files"), origin, "POST", "authorization,idempotency-key").await;
        assert_preflight_allows(&resp, origin, "POST", &["authorization", "idempotency-key"]);
        let resp = preflight(&c, format!("http://{}/upload/file_X", r.storage), origin, "PUT", "content-type").await;
        assert_preflight_allows(&resp, origin, "PUT", &["content-type"]);
        let resp = preflight(&c, format!("http://{}/demo/token", r.demo), origin, "POST", "content-type").await;
        assert_preflight_allows(&resp, origin, "POST", &["content-type"]);
    }
    // The defaults no longer apply, and `*` is never a wildcard.
    for origin in ["http://127.0.0.1:8790", "http://other.example"] {
        let resp = preflight(&c, api(&r, "/v1/files"), origin, "POST", "authorization").await;
        assert!(no_cors_headers(&resp), "{origin}: {:?}", resp.headers());
    }
}

#[tokio::test]
async fn large_put_streams_to_disk() {
    let size = 40 * 1024 * 1024;
    let (r, dir) = real(|c| c.max_file_size = 64 * 1024 * 1024).await;
    let c = Client::new();
    let tok = real_token(&c, &r).await;
    let p = presign(&c, &r, &tok, "liveness_check_file", "video/mp4", size).await;
    // Chunked body (no Content-Length): the byte count is checked while streaming.
    let chunks = futures_util::stream::iter((0..size / 65536).map(|i| Ok::<_, std::io::Error>(vec![(i % 251) as u8; 65536])));
    let resp = c
        .put(p["upload_url"].as_str().unwrap())
        .header("content-type", "video/mp4")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let blob = dir.path().join("blobs").join(p["file_id"].as_str().unwrap());
    assert_eq!(std::fs::metadata(blob).unwrap().len(), size as u64);
    let put = events(&c, &r).await.into_iter().find(|e| e["kind"] == "put").unwrap();
    assert_eq!(put["bytes"], size);
    assert_eq!(put["completed"], true);
}

#[tokio::test]
async fn dropped_put_leaves_nothing_behind() {
    let (r, dir) = real(|_| {}).await;
    let c = Client::new();
    let tok = real_token(&c, &r).await;
    let size = 2 * 1024 * 1024;
    let p = presign(&c, &r, &tok, "id_file", "image/jpeg", size).await;
    let rules = json!({"rules": [{"route": "put", "count": 1, "action": {"type": "drop"}}]});
    c.post(api(&r, "/_sandbox/faults")).json(&rules).send().await.unwrap();
    let url = p["upload_url"].as_str().unwrap();
    let res = c.put(url).header("content-type", "image/jpeg").body(vec![5u8; size]).send().await;
    assert!(res.is_err(), "the client sees a network error: {res:?}");
    let fid = p["file_id"].as_str().unwrap();
    assert!(!dir.path().join("blobs").join(fid).exists());
    assert_eq!(std::fs::read_dir(dir.path().join("blobs/tmp")).unwrap().count(), 0);
    let files = c.post(api(&r, "/v1/customers/cus_individual_demo/files")).bearer_auth(&tok).json(&json!({"id_file": fid})).send().await.unwrap();
    assert_eq!(files.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let put = events(&c, &r).await.into_iter().find(|e| e["kind"] == "put").unwrap();
    assert_eq!(put["completed"], false);
    assert!(put["status"].is_null());
    assert!(put["bytes"].as_u64().unwrap() < size as u64);
    // The retry (same presign) succeeds.
    let ok = c.put(url).header("content-type", "image/jpeg").body(vec![5u8; size]).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    // Other routes: the connection closes at once and nothing is applied.
    let rules = json!({"rules": [{"route": "files", "count": 1, "action": {"type": "drop"}}]});
    c.post(api(&r, "/_sandbox/faults")).json(&rules).send().await.unwrap();
    let files_url = api(&r, "/v1/customers/cus_individual_demo/files");
    let res = c.post(&files_url).bearer_auth(&tok).json(&json!({"id_file": fid})).send().await;
    assert!(res.is_err(), "{res:?}");
    let customer: Value = c.get(api(&r, "/_sandbox/customers/cus_individual_demo")).send().await.unwrap().json().await.unwrap();
    assert_eq!(customer["history"], json!([]));
    let ok = c.post(&files_url).bearer_auth(&tok).json(&json!({"id_file": fid})).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn fifty_concurrent_puts_and_files_requests() {
    let (r, _dir) = real(|c| c.review_delay = 3600.0).await;
    let c = Client::new();
    let tok = real_token(&c, &r).await;
    let size = 5 * 1024 * 1024;
    let mut presigns = Vec::new();
    for i in 0..50 {
        let body = json!({"id": format!("cus_load_{i}"), "type": "individual"});
        assert_eq!(c.post(api(&r, "/_sandbox/customers")).json(&body).send().await.unwrap().status(), StatusCode::CREATED);
        presigns.push(presign(&c, &r, &tok, "id_file", "image/jpeg", size).await);
    }
    let puts = presigns.iter().map(|p| {
        let c = c.clone();
        let url = p["upload_url"].as_str().unwrap().to_string();
        tokio::spawn(async move { c.put(url).header("content-type", "image/jpeg").body(vec![9u8; size]).send().await.map(|r| r.status()) })
    });
    for h in futures_util::future::join_all(puts).await {
        assert_eq!(h.unwrap().unwrap(), StatusCode::OK);
    }
    let files = presigns.iter().enumerate().map(|(i, p)| {
        let (c, tok) = (c.clone(), tok.clone());
        let url = api(&r, &format!("/v1/customers/cus_load_{i}/files"));
        let body = json!({"id_file": p["file_id"]});
        tokio::spawn(async move {
            let resp = c.post(url).bearer_auth(tok).header("idempotency-key", format!("k{i}")).json(&body).send().await.unwrap();
            (resp.status(), resp.json::<Value>().await.unwrap())
        })
    });
    for h in futures_util::future::join_all(files).await {
        let (status, body) = h.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["verification_status"], "pending");
    }
    let ev = events(&c, &r).await;
    assert_eq!(ev.iter().filter(|e| e["kind"] == "put" && e["completed"] == true).count(), 50);
    assert_eq!(ev.iter().filter(|e| e["kind"] == "files" && e["status"] == 200).count(), 50);
    let accepted: i64 = r.state.db().with(|c| {
        c.query_row("SELECT COUNT(*) FROM customer_files WHERE current = 1", [], |row| row.get(0)).unwrap()
    });
    assert_eq!(accepted, 50);
}

#[tokio::test]
async fn review_sends_signed_webhooks_to_the_demo_host() {
    let (r, _dir) = real(|c| c.review_delay = 0.2).await;
    let c = Client::new();
    let demo = |p: &str| format!("http://{}{p}", r.demo);
    // The page gets its token from the host backend, never with the secret.
    let t: Value = c.post(demo("/demo/token")).send().await.unwrap().json().await.unwrap();
    assert_eq!(t["expires_in"], 300);
    assert_eq!(t.as_object().unwrap().len(), 2);
    let tok = t["access_token"].as_str().unwrap().to_string();
    let mut sse = c.get(demo("/demo/events")).send().await.unwrap();
    for cid in ["cus_individual_demo", "cus_reject_demo"] {
        let p = presign(&c, &r, &tok, "id_file", "image/jpeg", 3).await;
        c.put(p["upload_url"].as_str().unwrap()).header("content-type", "image/jpeg").body(vec![1u8; 3]).send().await.unwrap();
        let resp = c.post(api(&r, &format!("/v1/customers/{cid}/files"))).bearer_auth(&tok).json(&json!({"id_file": p["file_id"]})).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
    }
    let status = |cid: &'static str| {
        let (c, url) = (c.clone(), demo(&format!("/demo/status/{cid}")));
        async move { c.get(url).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert!(wait_for(|| async { status("cus_reject_demo").await["status"] == "rejected" }, 10).await);
    assert!(wait_for(|| async { status("cus_individual_demo").await["status"] == "verified" }, 10).await);
    assert!(status("cus_reject_demo").await["rejection_reason"].as_str().unwrap().contains("blurred"));
    let mut seen = String::new();
    while !(seen.contains("cus_reject_demo") && seen.contains("cus_individual_demo")) {
        let chunk = tokio::time::timeout(Duration::from_secs(5), sse.chunk()).await.unwrap().unwrap().unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event: customer.status"));
    let hooks: Vec<Value> = events(&c, &r).await.into_iter().filter(|e| e["kind"] == "webhook").collect();
    assert_eq!(hooks.len(), 2);
    assert!(hooks.iter().all(|h| h["status"] == 200 && h["attempt"] == 1));
    // A forged webhook is refused.
    let forged = c.post(demo("/demo/webhook")).header("platform-signature", "t=1,v1=00").body("{}").send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    assert_eq!(forged.json::<Value>().await.unwrap()["error"]["code"], "invalid_signature");
}

#[tokio::test]
async fn webhooks_retry_with_backoff() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let (r, _dir) = real(|c| {
        c.webhook_url = url;
        c.webhook_attempts = 3;
        c.webhook_retry_ms = 100;
    })
    .await;
    let c = Client::new();
    let tok = real_token(&c, &r).await;
    let p = presign(&c, &r, &tok, "id_file", "image/jpeg", 3).await;
    c.put(p["upload_url"].as_str().unwrap()).header("content-type", "image/jpeg").body(vec![1u8; 3]).send().await.unwrap();
    c.post(api(&r, "/v1/customers/cus_individual_demo/files")).bearer_auth(&tok).json(&json!({"id_file": p["file_id"]})).send().await.unwrap();
    let hooks = || async { events(&c, &r).await.into_iter().filter(|e| e["kind"] == "webhook").collect::<Vec<_>>() };
    assert!(wait_for(|| async { hooks().await.len() == 3 }, 10).await);
    let hooks = hooks().await;
    assert_eq!(hooks.iter().map(|h| h["attempt"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(hooks.iter().all(|h| h["status"].is_null() && h["type"] == "customer.verified"));
}

#[tokio::test]
async fn demo_token_can_be_short_lived() {
    let (r, _dir) = real(|_| {}).await;
    let c = Client::new();
    let t: Value = c.post(format!("http://{}/demo/token", r.demo)).json(&json!({"expires_in": 1})).send().await.unwrap().json().await.unwrap();
    assert_eq!(t["expires_in"], 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let resp = c.get(api(&r, "/v1/customers/cus_individual_demo")).bearer_auth(t["access_token"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(resp.json::<Value>().await.unwrap()["error"]["code"], "token_expired");
    let bad = c.post(format!("http://{}/demo/token", r.demo)).body("{oops").send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let idx = c.get(format!("http://{}/", r.demo)).send().await.unwrap();
    assert!(idx.text().await.unwrap().contains("kyc-sandbox"));
}

#[tokio::test]
async fn demo_dir_is_served_and_admin_needs_loopback() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<h1>widget demo</h1>").unwrap();
    let path = site.path().to_path_buf();
    let (r, _dir) = real(move |c| c.demo_dir = Some(path)).await;
    let body = reqwest::get(format!("http://{}/", r.demo)).await.unwrap().text().await.unwrap();
    assert!(body.contains("widget demo"));

    let dir = tempfile::tempdir().unwrap();
    let mut config = common::test_config(&dir);
    config.admin = true;
    let any = tokio::net::TcpListener::bind("0.0.0.0:0").await.unwrap();
    let s = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let d = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    assert!(kyc_sandbox::spawn_on(config, any, s, d).is_err());
}
