//! The platform API client: presign, PUT, files request, customer read.
//! Adds the Bearer token to API calls (never to the storage origin) and
//! fetches a fresh token once when a call answers 401. A PUT that makes no
//! progress for the stall timeout is abandoned as a transient `stalled`
//! failure, which the upload plan retries.

use crate::core::api::{classify, encode_path_segment, Customer, Failure, PresignRequest};
use crate::core::options::DEFAULT_STALL_TIMEOUT_MS;
use crate::core::plan::{FilesCall, Upload};
use crate::web::js::{get_string, set, to_json};
use crate::web::token::Tokens;
use crate::web::transport::{send, send_unless_stalled, Body, Reply, API_TIMEOUT_MS};
use wasm_bindgen::{JsCast, JsValue};
use std::rc::Rc;
use web_sys::Blob;

/// A client for one customer.
pub struct Api {
    base: String,
    customer_id: String,
    tokens: Rc<Tokens>,
    stall_timeout_ms: u64,
}

impl Api {
    /// A client for `customer_id` at `base` (no trailing slash), with the
    /// default stall timeout.
    pub fn new(base: &str, customer_id: &str, tokens: Rc<Tokens>) -> Api {
        Api { base: base.to_owned(), customer_id: customer_id.to_owned(), tokens, stall_timeout_ms: DEFAULT_STALL_TIMEOUT_MS }
    }

    /// The same client, abandoning a PUT after `ms` milliseconds without
    /// upload progress or an answer (the `stallTimeoutMs` option).
    pub fn with_stall_timeout(self, ms: u64) -> Api {
        Api { stall_timeout_ms: ms, ..self }
    }

    fn customer_url(&self) -> String {
        format!("{}/customers/{}", self.base, encode_path_segment(&self.customer_id))
    }

    /// `POST {api}/files`.
    pub async fn presign(&self, request: &PresignRequest) -> Result<Upload, Failure> {
        let body = js_sys::Object::new();
        set(&body, "purpose", request.purpose.as_str());
        set(&body, "filename", request.filename.as_str());
        set(&body, "content_type", request.content_type.as_str());
        set(&body, "size", request.size as f64);
        if let Some(document_type) = &request.document_type {
            set(&body, "document_type", document_type.as_str());
        }
        let reply = self.call("POST", &format!("{}/files", self.base), Some(to_json(&body)), None).await?;
        let presigned = parse_json(&reply.body)?;
        let field = |name: &str| get_string(&presigned, name).ok_or_else(|| bad_response(&format!("presign lacks `{name}`")));
        let method = get_string(&presigned, "method").unwrap_or_else(|| "PUT".into());
        if !method.eq_ignore_ascii_case("PUT") {
            return Err(bad_response(&format!("presign asked for method {method}")));
        }
        let headers = js_sys::Reflect::get(&presigned, &"headers".into()).unwrap_or(JsValue::UNDEFINED);
        let headers = if headers.is_object() {
            js_sys::Object::entries(headers.unchecked_ref())
                .iter()
                .filter_map(|pair| {
                    let pair: js_sys::Array = pair.unchecked_into();
                    Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(Upload { file_id: field("file_id")?, url: field("upload_url")?, headers })
    }

    /// PUT the blob to its presigned URL with exactly the presigned headers
    /// and no `Authorization`. `progress` gets `(sent, total)`. With no
    /// progress and no answer for the stall timeout, the request is aborted
    /// and the result is `Failure::Transient` with reason `stalled`.
    pub async fn put(&self, upload: &Upload, blob: &Blob, progress: Box<dyn Fn(f64, f64)>) -> Result<(), Failure> {
        let headers: Vec<(&str, &str)> = upload
            .headers
            .iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("authorization"))
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        match send_unless_stalled("PUT", &upload.url, &headers, Body::Blob(blob), self.stall_timeout_ms, Some(progress)).await {
            None => Err(Failure::Transient { retry_after_ms: None, reason: "stalled".into() }),
            Some(reply) if reply.is_success() => Ok(()),
            Some(reply) => Err(classify(reply.status, &reply.body, reply.retry_after_ms)),
        }
    }

    /// `POST {api}/customers/{id}/files` with the call's idempotency key.
    pub async fn send_files(&self, call: &FilesCall) -> Result<(), Failure> {
        let body = js_sys::Object::new();
        for (slot, file_id) in &call.fields {
            set(&body, slot.field(), file_id.as_str());
        }
        let body = to_json(&body);
        let url = format!("{}/files", self.customer_url());
        self.call("POST", &url, Some(body), Some(&call.idempotency_key)).await.map(|_| ())
    }

    /// `GET {api}/customers/{id}`.
    pub async fn customer(&self) -> Result<Customer, Failure> {
        let reply = self.call("GET", &self.customer_url(), None, None).await?;
        let value = parse_json(&reply.body)?;
        let field = |name: &str| get_string(&value, name).ok_or_else(|| bad_response(&format!("customer lacks `{name}`")));
        Ok(Customer {
            id: field("id")?,
            kind: field("type")?,
            verification_status: field("verification_status")?,
            submitted_at: get_string(&value, "submitted_at"),
            rejection_reason: get_string(&value, "rejection_reason"),
        })
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

fn parse_json(text: &str) -> Result<JsValue, Failure> {
    js_sys::JSON::parse(text).ok().filter(JsValue::is_object).ok_or_else(|| bad_response("not a JSON object"))
}
