//! Helpers shared by the integration tests: state in a temp dir, oneshot calls, real listeners.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use kyc_sandbox::{app, storage_app, AppState, Config, Running};
use serde_json::{json, Value};
use tempfile::TempDir;
use tower::ServiceExt;

/// A sandbox for oneshot tests: both routers over one state in a temp dir.
pub struct Sbx {
    pub dir: TempDir,
    pub state: AppState,
    pub api: Router,
    pub storage: Router,
}

/// Test config: admin on, webhooks off, quick reviews.
pub fn test_config(dir: &TempDir) -> Config {
    Config {
        data_dir: dir.path().to_path_buf(),
        admin: true,
        webhook_url: "none".into(),
        review_delay: 0.0,
        ..Config::default()
    }
}

impl Sbx {
    pub fn new() -> Sbx {
        Self::with(|_| {})
    }

    pub fn with(f: impl FnOnce(&mut Config)) -> Sbx {
        let dir = tempfile::tempdir().unwrap();
        let mut c = test_config(&dir);
        f(&mut c);
        Self::open(dir, c)
    }

    pub fn open(dir: TempDir, c: Config) -> Sbx {
        let state = AppState::open(c, "http://127.0.0.1:8788").unwrap();
        Sbx { dir, api: app(state.clone()), storage: storage_app(state.clone()), state }
    }

    /// Send a request to the API router; returns status, headers and the JSON body (or Null).
    pub async fn call(&self, req: Request<Body>) -> Resp {
        send(&self.api, req).await
    }

    pub async fn get(&self, uri: &str, token: Option<&str>) -> Resp {
        let mut b = Request::get(uri);
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        self.call(b.body(Body::empty()).unwrap()).await
    }

    pub async fn post(&self, uri: &str, token: Option<&str>, body: Value) -> Resp {
        self.post_raw(uri, token, &[], body.to_string()).await
    }

    pub async fn post_raw(&self, uri: &str, token: Option<&str>, headers: &[(&str, &str)], body: impl Into<Body>) -> Resp {
        let mut b = Request::post(uri).header("content-type", "application/json");
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.call(b.body(body.into()).unwrap()).await
    }

    pub async fn token(&self, client: &str, scope: Option<&str>) -> String {
        let mut body = json!({"grant_type": "client_credentials", "client_id": client, "client_secret": "demo_secret"});
        if let Some(s) = scope {
            body["scope"] = json!(s);
        }
        let r = self.post("/oauth/token", None, body).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        r.body["access_token"].as_str().unwrap().to_string()
    }

    pub async fn full_token(&self) -> String {
        self.token("demo_client", None).await
    }

    /// Presign; panics unless 201. Returns (file_id, path-and-query of the upload URL).
    pub async fn presign(&self, token: &str, purpose: &str, ct: &str, size: usize) -> (String, String) {
        let r = self.post("/v1/files", Some(token), presign_body(purpose, ct, size)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        let url = r.body["upload_url"].as_str().unwrap();
        (r.body["file_id"].as_str().unwrap().to_string(), path_of(url))
    }

    /// PUT through the storage router.
    pub async fn put(&self, path: &str, ct: &str, bytes: Vec<u8>) -> Resp {
        let req = Request::put(path)
            .header("content-type", ct)
            .header("content-length", bytes.len())
            .body(Body::from(bytes))
            .unwrap();
        send(&self.storage, req).await
    }

    /// Presign and PUT a file; returns its id.
    pub async fn uploaded(&self, token: &str, purpose: &str, ct: &str) -> String {
        let (id, path) = self.presign(token, purpose, ct, 100).await;
        let r = self.put(&path, ct, vec![7u8; 100]).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        id
    }

    pub async fn events(&self) -> Vec<Value> {
        let r = self.get("/_sandbox/events", None).await;
        r.body["events"].as_array().unwrap().clone()
    }
}

pub fn presign_body(purpose: &str, ct: &str, size: usize) -> Value {
    let mut b = json!({"purpose": purpose, "filename": "f", "content_type": ct, "size": size});
    if purpose == "id_file" || purpose == "id_file_back" {
        b["document_type"] = json!("passport");
    }
    b
}

/// Path and query of an absolute URL.
pub fn path_of(url: &str) -> String {
    let rest = url.split_once("://").unwrap().1;
    rest[rest.find('/').unwrap()..].to_string()
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

pub async fn send(router: &Router, req: Request<Body>) -> Resp {
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Resp { status, headers, body }
}

/// Assert an error response: status, code, and the contract's body shape.
pub fn assert_error(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status.as_u16(), status, "body: {}", r.body);
    assert_eq!(r.code(), code, "body: {}", r.body);
    assert!(r.body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
}

/// A sandbox on real loopback listeners (port 0); webhooks go to its own demo receiver.
pub async fn real(f: impl FnOnce(&mut Config)) -> (Running, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut c = test_config(&dir);
    let api = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let storage = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let demo = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    c.webhook_url = format!("http://{}/demo/webhook", demo.local_addr().unwrap());
    c.webhook_retry_ms = 50;
    f(&mut c);
    let running = kyc_sandbox::spawn_on(c, api, storage, demo).unwrap();
    (running, dir)
}

/// Token from a real sandbox.
pub async fn real_token(client: &reqwest::Client, r: &Running) -> String {
    let v: Value = client
        .post(format!("http://{}/oauth/token", r.api))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=demo_client&client_secret=demo_secret")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["access_token"].as_str().unwrap().to_string()
}
