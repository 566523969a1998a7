//! The platform's JSON calls over `fetch`, through gloo-net: bounded in
//! time, and aborted when the future is dropped (cancelling a submission
//! drops its calls). Uploads stay on XHR ([`crate::web::transport`]),
//! the only transport that reports upload progress.

use crate::web::transport::Reply;
use futures::future::{select, Either};
use gloo_net::http::{Headers, Request};
use gloo_timers::future::TimeoutFuture;
use web_sys::{AbortController, AbortSignal, RequestInit};

/// Per-call time limit for API calls.
pub const API_TIMEOUT_MS: u32 = 30_000;

/// Aborts the fetch when the call is dropped before it finished.
struct AbortOnDrop(Option<AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = &self.0 {
            controller.abort();
        }
    }
}

/// Sends one `method` request ("GET", "POST") with exactly `headers` and
/// an optional JSON `body`.
pub async fn call(method: &str, url: &str, headers: &[(&str, &str)], body: Option<String>) -> Reply {
    let mut abort = AbortOnDrop(AbortController::new().ok());
    let signal = abort.0.as_ref().map(AbortController::signal);
    // The request is built here and sent by gloo-net: its builder would
    // construct the request twice and parse the URL again to merge query
    // parameters we never use (half a millisecond of main thread a call).
    let Some(request) = request(method, url, headers, body, signal.as_ref()) else {
        // An invalid URL or header: as good as no answer.
        return Reply::none();
    };
    let exchange = Box::pin(async move {
        let response = request.send().await.ok()?;
        let retry_after_ms = response.headers().get("Retry-After").and_then(|v| retry_after(&v));
        let body = response.text().await.unwrap_or_default();
        Some(Reply { status: response.status(), body, retry_after_ms })
    });
    match select(exchange, TimeoutFuture::new(API_TIMEOUT_MS)).await {
        Either::Left((Some(answer), _)) => {
            // Finished: nothing left to abort.
            abort.0 = None;
            answer
        }
        // No answer in time: `abort` cancels the fetch as it drops.
        Either::Left((None, _)) | Either::Right(_) => Reply::none(),
    }
}

fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Option<String>, signal: Option<&AbortSignal>) -> Option<Request> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_signal(signal);
    let sent = Headers::new();
    for (name, value) in headers {
        sent.set(name, value);
    }
    if let Some(json) = body {
        sent.set("Content-Type", "application/json");
        init.set_body(&json.into());
    }
    init.set_headers(&sent.into_raw());
    web_sys::Request::new_with_str_and_init(url, &init).ok().map(Request::from)
}

/// A `Retry-After` value (seconds or an HTTP date) in milliseconds.
pub fn retry_after(value: &str) -> Option<u64> {
    crate::core::api::retry_after_seconds(value).or_else(|| {
        let at = js_sys::Date::parse(value);
        at.is_finite().then(|| (at - js_sys::Date::now()).max(0.0) as u64)
    })
}
