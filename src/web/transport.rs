//! Uploads over `XMLHttpRequest`: the only transport with upload progress,
//! and it streams a `File` without copying it into wasm memory. A request
//! is a future that aborts its XHR when dropped, so cancelling an upload
//! is dropping it. [`send_unless_stalled`] also gives up on an upload that
//! stops making progress. (The platform's JSON calls go over `fetch`, in
//! [`crate::web::fetch`].)

use futures::channel::oneshot;
use futures::future::{select, Either};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, UnwrapThrowExt};
use crate::core::api::{ErrorDetail, NETWORK_ERROR};
use crate::web::js::error_detail;
use gloo_timers::future::TimeoutFuture;
use web_sys::{Blob, ProgressEvent, XmlHttpRequest};

/// What a request got back, over XHR or `fetch` ([`crate::web::fetch`]).
/// Status 0 ([`NETWORK_ERROR`]) means no answer: a network error, a CORS
/// refusal, or no answer in time.
#[derive(Clone, Debug)]
pub struct Reply {
    /// HTTP status, or 0.
    pub status: u16,
    /// Response text (empty for status 0).
    pub body: String,
    /// The `Retry-After` header, in milliseconds, when present.
    pub retry_after_ms: Option<u64>,
}

impl Reply {
    /// No answer.
    pub fn none() -> Reply {
        Reply { status: NETWORK_ERROR, body: String::new(), retry_after_ms: None }
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The contract error in the body (`{"error": {"code", "message"}}`),
    /// if the body is one.
    pub fn error(&self) -> Option<ErrorDetail> {
        error_detail(&self.body)
    }
}

type Handlers = (Closure<dyn FnMut()>, Closure<dyn FnMut(ProgressEvent)>);

/// An XHR in flight. Dropping it aborts the request.
pub struct Request {
    xhr: XmlHttpRequest,
    done: oneshot::Receiver<Reply>,
    finished: bool,
    _handlers: Handlers,
}

/// Sends `blob` with exactly `headers`, with no overall time limit, but
/// gives up when `stall_ms` pass with no upload-progress event and no
/// answer: the request is then aborted and the result is `None`. Every progress event restarts
/// the wait, so a slow upload that keeps moving is never cut off.
pub async fn send_unless_stalled(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    blob: &Blob,
    stall_ms: u64,
    progress: Box<dyn Fn(f64, f64)>,
) -> Option<Reply> {
    let last_activity = Rc::new(Cell::new(js_sys::Date::now()));
    let request = start(method, url, headers, blob, progress, last_activity.clone());
    let watchdog = Box::pin(async move {
        loop {
            let idle = js_sys::Date::now() - last_activity.get();
            if idle >= stall_ms as f64 {
                return;
            }
            TimeoutFuture::new((stall_ms as f64 - idle).ceil() as u32).await;
        }
    });
    match select(request, watchdog).await {
        Either::Left((reply, _)) => Some(reply),
        // Dropping the request (here, with the `select`) aborts the XHR.
        Either::Right(((), request)) => {
            drop(request);
            None
        }
    }
}

fn start(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    blob: &Blob,
    progress: Box<dyn Fn(f64, f64)>,
    activity: Rc<Cell<f64>>,
) -> Request {
    // The constructor cannot fail in a browser; `unwrap_throw` keeps the
    // JsValue formatting code (and its JS glue) out of the bundle.
    let xhr = XmlHttpRequest::new().unwrap_throw();
    let (tx, rx) = oneshot::channel();
    let tx = Rc::new(RefCell::new(Some(tx)));
    let settle = {
        let xhr = xhr.clone();
        Closure::<dyn FnMut()>::new(move || {
            if let Some(tx) = tx.borrow_mut().take() {
                let status = xhr.status().unwrap_or(0);
                let body = if status == 0 { String::new() } else { xhr.response_text().ok().flatten().unwrap_or_default() };
                // Only ask for a header the response exposes: asking for
                // one CORS hides makes Chromium log an error.
                let exposed = xhr.get_all_response_headers().unwrap_or_default().to_ascii_lowercase();
                let retry_after_ms = exposed
                    .lines()
                    .any(|line| line.starts_with("retry-after:"))
                    .then(|| xhr.get_response_header("Retry-After").ok().flatten())
                    .flatten()
                    .and_then(|v| crate::web::fetch::retry_after(&v));
                let _ = tx.send(Reply { status, body, retry_after_ms });
            }
        })
    };
    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
        activity.set(js_sys::Date::now());
        if e.length_computable() {
            progress(e.loaded(), e.total());
        }
    });
    let started = xhr.open_with_async(method, url, true).and_then(|()| {
        for (name, value) in headers {
            xhr.set_request_header(name, value)?;
        }
        let settle_fn = settle.as_ref().unchecked_ref();
        xhr.set_onload(Some(settle_fn));
        xhr.set_onerror(Some(settle_fn));
        xhr.set_ontimeout(Some(settle_fn));
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        xhr.send_with_opt_blob(Some(blob))
    });
    if started.is_err() {
        // An invalid URL or header: settle now as a network-level failure.
        settle.as_ref().unchecked_ref::<js_sys::Function>().call0(&wasm_bindgen::JsValue::NULL).ok();
    }
    Request { xhr, done: rx, finished: false, _handlers: (settle, on_progress) }
}

impl Future for Request {
    type Output = Reply;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Reply> {
        match Pin::new(&mut self.done).poll(cx) {
            Poll::Ready(Ok(reply)) => {
                self.finished = true;
                Poll::Ready(reply)
            }
            Poll::Ready(Err(_)) => {
                self.finished = true;
                Poll::Ready(Reply::none())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Request {
    fn drop(&mut self) {
        self.xhr.set_onload(None);
        self.xhr.set_onerror(None);
        self.xhr.set_ontimeout(None);
        if let Ok(upload) = self.xhr.upload() {
            upload.set_onprogress(None);
        }
        if !self.finished {
            let _ = self.xhr.abort();
        }
    }
}
