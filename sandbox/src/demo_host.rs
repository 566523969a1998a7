//! The demo host backend, written the way a host team would: it keeps the client secret
//! server-side (`POST /demo/token`), receives and verifies webhooks (`POST /demo/webhook`) and
//! lets the page learn the result (`GET /demo/status/{id}` polling or `GET /demo/events` SSE).
//! It talks to the platform API over HTTP only, like any other client.

use std::collections::HashMap;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

use crate::cors;
use crate::error::{self, parse_json, AppError, PathId};
use crate::{clock, sign};

/// Settings of the demo host backend.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Root of the platform API, e.g. `http://127.0.0.1:8787`.
    pub api_root: String,
    /// OAuth client used server-side.
    pub client_id: String,
    /// Its secret (never sent to the page).
    pub client_secret: String,
    /// Secret verifying `Platform-Signature`.
    pub webhook_secret: String,
    /// Static files served at `/` (index.html), if any.
    pub demo_dir: Option<PathBuf>,
    /// CORS origins (for a page served elsewhere, e.g. `trunk serve`).
    pub origins: Vec<String>,
}

/// Results learned from webhooks, shared by the receiver, the poller and the SSE stream.
#[derive(Clone)]
pub struct DemoState {
    inner: Arc<Inner>,
}

struct Inner {
    config: DemoConfig,
    http: reqwest::Client,
    results: Mutex<HashMap<String, Value>>,
    tx: broadcast::Sender<Value>,
}

impl DemoState {
    /// A fresh demo backend.
    pub fn new(config: DemoConfig) -> DemoState {
        let (tx, _) = broadcast::channel(64);
        let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().unwrap_or_default();
        DemoState { inner: Arc::new(Inner { config, http, results: Mutex::new(HashMap::new()), tx }) }
    }

    /// Forget every result (called on a sandbox reset).
    pub fn clear(&self) {
        self.inner.results.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// Router of the demo listener.
pub fn demo_app(state: DemoState) -> Router {
    let mut router = Router::new()
        .route("/demo/token", post(token))
        .route("/demo/webhook", post(webhook))
        .route("/demo/status/{customer_id}", get(status))
        .route("/demo/events", get(events));
    router = match &state.inner.config.demo_dir {
        Some(dir) => router.fallback_service(tower_http::services::ServeDir::new(dir)),
        None => router.route("/", get(index)).fallback(error::not_found),
    };
    let router = router
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024));
    let origins = state.inner.config.origins.clone();
    cors::apply(router, &origins, cors::DEMO).with_state(state)
}

async fn index() -> Html<&'static str> {
    Html(
        "<!doctype html><title>kyc-sandbox demo host</title><h1>kyc-sandbox demo host</h1>\
         <p>Start with <code>--demo-dir DIR</code> to serve the widget demo page here.</p>\
         <ul><li>POST /demo/token</li><li>POST /demo/webhook</li><li>GET /demo/status/{customer_id}</li>\
         <li>GET /demo/events</li></ul>",
    )
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TokenAsk {
    expires_in: Option<u64>,
}

/// `POST /demo/token`: exchange the server-side credentials for a token.
async fn token(State(state): State<DemoState>, body: Result<Bytes, BytesRejection>) -> Result<Response, AppError> {
    let body = body?;
    let ask: TokenAsk = if body.iter().all(u8::is_ascii_whitespace) { TokenAsk::default() } else { parse_json(&body)? };
    let cfg = &state.inner.config;
    let mut form = json!({
        "grant_type": "client_credentials", "client_id": cfg.client_id, "client_secret": cfg.client_secret,
    });
    if let Some(e) = ask.expires_in {
        form["expires_in"] = json!(e);
    }
    let upstream = state
        .inner
        .http
        .post(format!("{}/oauth/token", cfg.api_root))
        .json(&form)
        .send()
        .await
        .map_err(|e| AppError::new(StatusCode::BAD_GATEWAY, "bad_gateway", format!("platform unreachable: {e}")))?;
    let status = upstream.status();
    let retry_after = upstream.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let v: Value = upstream.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        let code = v["error"]["code"].as_str().unwrap_or("bad_gateway").to_string();
        let msg = v["error"]["message"].as_str().unwrap_or("token request failed").to_string();
        let body = json!({"error": {"code": code, "message": msg}});
        let mut resp = (status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            resp.headers_mut().insert("retry-after", axum::http::HeaderValue::from(secs));
        }
        return Ok(resp);
    }
    Ok(Json(json!({"access_token": v["access_token"], "expires_in": v["expires_in"]})).into_response())
}

/// `POST /demo/webhook`: verify `Platform-Signature`, then record and broadcast the result.
async fn webhook(
    State(state): State<DemoState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, AppError> {
    let body = body?;
    let sig = headers.get("platform-signature").and_then(|v| v.to_str().ok()).unwrap_or("");
    if !sign::verify_webhook(&state.inner.config.webhook_secret, sig, &body, clock::now_s(), 300) {
        return Err(AppError::new(StatusCode::BAD_REQUEST, "invalid_signature", "Platform-Signature does not verify"));
    }
    let event: Value = parse_json(&body)?;
    let status = match event["type"].as_str() {
        Some("customer.verified") => "verified",
        Some("customer.rejected") => "rejected",
        _ => return Err(AppError::invalid("unknown webhook type")),
    };
    let Some(customer_id) = event["data"]["customer_id"].as_str() else {
        return Err(AppError::invalid("webhook lacks data.customer_id"));
    };
    let result = json!({
        "customer_id": customer_id, "status": status, "rejection_reason": event["data"]["rejection_reason"],
    });
    state.inner.results.lock().unwrap_or_else(|e| e.into_inner()).insert(customer_id.to_string(), result.clone());
    let _ = state.inner.tx.send(result);
    Ok(Json(json!({"received": true})))
}

/// `GET /demo/status/{customer_id}`: the last result learned from webhooks.
async fn status(State(state): State<DemoState>, PathId(customer_id): PathId) -> Json<Value> {
    let results = state.inner.results.lock().unwrap_or_else(|e| e.into_inner());
    Json(results.get(&customer_id).cloned().unwrap_or_else(|| {
        json!({"customer_id": customer_id, "status": null, "rejection_reason": null})
    }))
}

/// `GET /demo/events`: server-sent events, one `customer.status` event per webhook received.
async fn events(State(state): State<DemoState>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(state.inner.tx.subscribe())
        .filter_map(|msg| async move { msg.ok().map(|v| Ok(Event::default().event("customer.status").data(v.to_string()))) });
    Sse::new(stream).keep_alive(KeepAlive::default())
}
