//! The platform API client: presign, PUT, files request, customer read.
//! Adds the Bearer token to API calls (never to the storage origin) and
//! fetches a fresh token once when a call answers 401. A PUT that makes no
//! progress for the stall timeout is abandoned as a transient `stalled`
//! failure, which the upload plan retries.

use crate::core::api::{classify, encode_path_segment, Customer, Failure, FilesRequest, PresignRequest, Presigned};
use crate::core::options::DEFAULT_STALL_TIMEOUT_MS;
use crate::core::plan::{FilesCall, Upload};
use crate::web::fetch;
use crate::web::js::{get_string, parse_object, to_json};
use crate::web::token::Tokens;
use crate::web::transport::{send_unless_stalled, Reply};
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
        let answer = self.call("POST", &format!("{}/files", self.base), Some(to_json(request)), None).await?;
        let presigned = object(&answer)?;
        let field = |name: &str| get_string(&presigned, name).ok_or_else(|| bad_response(&format!("presign lacks `{name}`")));
        let headers = js_sys::Reflect::get(&presigned, &"headers".into()).ok().filter(JsValue::is_object);
        let entries = headers.map(|h| js_sys::Object::entries(h.unchecked_ref())).unwrap_or_default();
        let mut headers = Vec::new();
        for pair in entries.iter() {
            let pair: js_sys::Array = pair.unchecked_into();
            let header = pair.get(0).as_string().zip(pair.get(1).as_string());
            headers.push(header.ok_or_else(|| bad_response("a presigned header is not a string"))?);
        }
        let presigned = Presigned {
            file_id: field("file_id")?,
            upload_url: field("upload_url")?,
            method: get_string(&presigned, "method").unwrap_or_else(|| "PUT".into()),
            headers,
            expires_at: get_string(&presigned, "expires_at"),
        };
        presigned.into_upload().map_err(|e| bad_response(&e))
    }

    /// PUT the blob to its presigned URL with exactly the presigned headers
    /// and no `Authorization`. `progress` gets `(sent, total)`. With no
    /// progress and no answer for the stall timeout, the request is aborted
    /// and the result is `Failure::Transient` with reason `stalled`.
    pub async fn put(&self, upload: &Upload, blob: &Blob, progress: Box<dyn Fn(f64, f64)>) -> Result<(), Failure> {
        let mut headers: Vec<(&str, &str)> = Vec::new();
        for (name, value) in &upload.headers {
            if !name.eq_ignore_ascii_case("authorization") {
                headers.push((name, value));
            }
        }
        match send_unless_stalled("PUT", &upload.url, &headers, blob, self.stall_timeout_ms, progress).await {
            None => Err(Failure::Transient { retry_after_ms: None, reason: "stalled".into() }),
            Some(reply) if reply.is_success() => Ok(()),
            Some(reply) => Err(classify(reply.status, reply.error(), reply.retry_after_ms)),
        }
    }

    /// `POST {api}/customers/{id}/files` with the call's idempotency key.
    pub async fn send_files(&self, call: &FilesCall) -> Result<(), Failure> {
        let url = format!("{}/files", self.customer_url());
        let body = to_json(&FilesRequest(&call.fields));
        self.call("POST", &url, Some(body), Some(&call.idempotency_key)).await.map(drop)
    }

    /// `GET {api}/customers/{id}`.
    pub async fn customer(&self) -> Result<Customer, Failure> {
        let answer = self.call("GET", &self.customer_url(), None, None).await?;
        let value = object(&answer)?;
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
            let answer = fetch::call(method, url, &headers, body.clone()).await;
            if answer.is_success() {
                return Ok(answer);
            }
            if answer.status == 401 && !refreshed {
                self.tokens.refused(&token);
                refreshed = true;
                continue;
            }
            return Err(classify(answer.status, answer.error(), answer.retry_after_ms));
        }
    }
}

/// A 2xx answer's body as a JS object (parsed by `JSON.parse`).
fn object(answer: &Reply) -> Result<JsValue, Failure> {
    parse_object(&answer.body).ok_or_else(|| bad_response("not a JSON object"))
}

fn bad_response(what: &str) -> Failure {
    Failure::Permanent { code: "bad_response".into(), message: format!("The service sent an unexpected answer: {what}.") }
}
