//! The platform API client: presign, PUT, files request, customer read.
//! Adds the Bearer token to API calls (never to the storage origin) and
//! fetches a fresh token once when a call answers 401.

use crate::core::api::{classify, encode_path_segment, Customer, Failure, PresignRequest, Presigned};
use crate::core::plan::{FilesCall, Upload};
use crate::web::token::Tokens;
use crate::web::transport::{send, Body, Reply, API_TIMEOUT_MS};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::rc::Rc;
use web_sys::Blob;

/// A client for one customer.
pub struct Api {
    base: String,
    customer_id: String,
    tokens: Rc<Tokens>,
}

impl Api {
    /// A client for `customer_id` at `base` (no trailing slash).
    pub fn new(base: &str, customer_id: &str, tokens: Rc<Tokens>) -> Api {
        Api { base: base.to_owned(), customer_id: customer_id.to_owned(), tokens }
    }

    fn customer_url(&self) -> String {
        format!("{}/customers/{}", self.base, encode_path_segment(&self.customer_id))
    }

    /// `POST {api}/files`.
    pub async fn presign(&self, request: &PresignRequest) -> Result<Upload, Failure> {
        let reply = self.call("POST", &format!("{}/files", self.base), Some(to_json(request)), None).await?;
        let presigned: Presigned = from_json(&reply.body)?;
        if !presigned.method.eq_ignore_ascii_case("PUT") {
            return Err(bad_response(&format!("presign asked for method {}", presigned.method)));
        }
        Ok(Upload { file_id: presigned.file_id, url: presigned.upload_url, headers: presigned.headers.into_iter().collect() })
    }

    /// PUT the blob to its presigned URL with exactly the presigned headers
    /// and no `Authorization`. `progress` gets `(sent, total)`.
    pub async fn put(&self, upload: &Upload, blob: &Blob, progress: Box<dyn Fn(f64, f64)>) -> Result<(), Failure> {
        let headers: Vec<(&str, &str)> = upload
            .headers
            .iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("authorization"))
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let reply = send("PUT", &upload.url, &headers, Body::Blob(blob), 0, Some(progress)).await;
        if reply.is_success() {
            Ok(())
        } else {
            Err(classify(reply.status, &reply.body, reply.retry_after_ms))
        }
    }

    /// `POST {api}/customers/{id}/files` with the call's idempotency key.
    pub async fn send_files(&self, call: &FilesCall) -> Result<(), Failure> {
        let body = js_sys::Object::new();
        for (slot, file_id) in &call.fields {
            let _ = js_sys::Reflect::set(&body, &slot.field().into(), &file_id.into());
        }
        let body = String::from(js_sys::JSON::stringify(&body).unwrap_or_else(|_| "{}".into()));
        let url = format!("{}/files", self.customer_url());
        self.call("POST", &url, Some(body), Some(&call.idempotency_key)).await.map(|_| ())
    }

    /// `GET {api}/customers/{id}`.
    pub async fn customer(&self) -> Result<Customer, Failure> {
        let reply = self.call("GET", &self.customer_url(), None, None).await?;
        from_json(&reply.body)
    }

    async fn call(&self, method: &str, url: &str, body: Option<String>, key: Option<&str>) -> Result<Reply, Failure> {
        let mut refreshed = false;
        loop {
            let token = self.tokens.get().await?;
            let auth = format!("Bearer {token}");
            let mut headers = vec![("Authorization", auth.as_str()), ("Accept", "application/json")];
            if let Some(key) = key {
                headers.push(("Idempotency-Key", key));
            }
            let payload = match &body {
                Some(text) => Body::Json(text.clone()),
                None => Body::Empty,
            };
            let reply = send(method, url, &headers, payload, API_TIMEOUT_MS, None).await;
            if reply.is_success() {
                return Ok(reply);
            }
            if reply.status == 401 && !refreshed {
                self.tokens.refused(&token);
                refreshed = true;
                continue;
            }
            return Err(classify(reply.status, &reply.body, reply.retry_after_ms));
        }
    }
}

fn bad_response(what: &str) -> Failure {
    Failure::Permanent { code: "bad_response".into(), message: format!("The service sent an unexpected answer: {what}.") }
}

fn to_json(value: &impl Serialize) -> String {
    serde_wasm_bindgen::to_value(value)
        .ok()
        .and_then(|v| js_sys::JSON::stringify(&v).ok())
        .map(String::from)
        .unwrap_or_else(|| "{}".into())
}

fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, Failure> {
    let value = js_sys::JSON::parse(text).map_err(|_| bad_response("not JSON"))?;
    serde_wasm_bindgen::from_value(value).map_err(|e| bad_response(&e.to_string()))
}
