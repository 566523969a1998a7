//! Helpers shared by the browser tests: a root element to render into,
//! files built in memory and chosen through `DataTransfer`, DOM lookups by
//! the contract's `data-testid` hooks, token sources that count their
//! calls, a polling `wait_for` (never a fixed sleep), a watch on the
//! browser's image decodes, and the admin API of a running sandbox
//! (customers, faults, the event log).
#![allow(dead_code)]

use futures::FutureExt;
use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use kyc_upload::core::token::TokenValue;
use kyc_upload::web::token::TokenSource;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DataTransfer, Element, Event, EventInit, File, FilePropertyBag, Headers, HtmlElement, HtmlInputElement,
    HtmlSelectElement, RequestInit, Response,
};

/// JPEG magic bytes followed by filler: sniffs as a JPEG, decodes as nothing.
pub const FAKE_JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 1, 2, 3, 4];
/// The start of a PDF.
pub const PDF: &[u8] = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n";
/// The start of a Windows executable.
pub const EXE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00This program cannot be run in DOS mode";

/// The document.
pub fn document() -> web_sys::Document {
    web_sys::window().expect("window").document().expect("document")
}

/// A fresh `<div>` appended to `document.body`, for one test to render into.
pub fn root() -> Element {
    let div = document().create_element("div").expect("div");
    document().body().expect("body").append_child(&div).expect("append root");
    div
}

/// Resolves after `ms` milliseconds (a `setTimeout`), letting the browser
/// run its tasks.
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    JsFuture::from(promise).await.expect("timer");
}

/// Polls `done` every 20 ms until it holds, after flushing Yew's scheduler;
/// panics naming `what` after `timeout_ms`.
pub async fn wait_for(what: &str, timeout_ms: f64, done: impl Fn() -> bool) {
    let start = js_sys::Date::now();
    loop {
        yew::scheduler::flush().await;
        if done() {
            return;
        }
        if js_sys::Date::now() - start > timeout_ms {
            panic!("timed out after {timeout_ms} ms waiting for {what}");
        }
        sleep(20).await;
    }
}

/// A `File` named `name` holding `bytes`, with `File.type` `mime`.
pub fn file(name: &str, bytes: &[u8], mime: &str) -> File {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = FilePropertyBag::new();
    options.set_type(mime);
    File::new_with_u8_array_sequence_and_options(&parts, name, &options).expect("file")
}

/// The element with `data-testid="{id}"` under `root`.
pub fn by_testid(root: &Element, id: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid=\"{id}\"]")).expect("selector")
}

/// Like [`by_testid`], but the element must exist.
pub fn testid(root: &Element, id: &str) -> Element {
    by_testid(root, id).unwrap_or_else(|| panic!("no [data-testid={id}] in {}", root.inner_html()))
}

/// The text of `[data-testid={id}]`, or "" when it is absent.
pub fn text_of(root: &Element, id: &str) -> String {
    by_testid(root, id).and_then(|e| e.text_content()).unwrap_or_default()
}

/// Every element matching `selector` under `root`.
pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("selector");
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into::<Element>().ok()).collect()
}

/// Dispatches a bubbling `change` on `target`.
pub fn change(target: &Element) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict("change", &init).expect("event");
    target.dispatch_event(&event).expect("dispatch");
}

/// Chooses `file` in the input `file-{slot}`, as a picker would.
pub fn choose(root: &Element, slot: &str, file: &File) {
    let input: HtmlInputElement = testid(root, &format!("file-{slot}")).unchecked_into();
    let transfer = DataTransfer::new().expect("DataTransfer");
    transfer.items().add_with_file(file).expect("add file");
    input.set_files(transfer.files().as_ref());
    change(&input);
}

/// Picks `value` in the document-type select.
pub fn pick_document(root: &Element, value: &str) {
    let select: HtmlSelectElement = testid(root, "doc-type").unchecked_into();
    select.set_value(value);
    change(&select);
}

/// Clicks the element `[data-testid={id}]`.
pub fn click(root: &Element, id: &str) {
    testid(root, id).unchecked_into::<HtmlElement>().click();
}

/// The shown file name in `slot`, if a file is chosen there.
pub fn shown_name(root: &Element, slot: &str) -> Option<String> {
    root.query_selector(&format!("[data-slot=\"{slot}\"] .kyc-file-name")).expect("selector").and_then(|e| e.text_content())
}

/// The form's `data-stage` (`editing`, `submitting`, ...).
pub fn stage(root: &Element) -> String {
    root.query_selector(".kyc-upload").expect("selector").and_then(|e| e.get_attribute("data-stage")).unwrap_or_default()
}

/// A token source that hands out `token` and counts how often it is asked.
pub fn counting_tokens(token: &'static str) -> (TokenSource, Rc<Cell<u32>>) {
    let calls = Rc::new(Cell::new(0));
    let counter = calls.clone();
    let source = TokenSource::Rust(Rc::new(move || {
        counter.set(counter.get() + 1);
        async move { Ok(TokenValue::Bare(token.into())) }.boxed_local()
    }));
    (source, calls)
}

/// Collects what a callback prop received.
pub fn recorder<T: 'static>() -> (yew::Callback<T>, Rc<RefCell<Vec<T>>>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    (yew::Callback::from(move |value: T| sink.borrow_mut().push(value)), seen)
}

/// A watch on the widget's photo decoders (`window.createImageBitmap`, and
/// WebCodecs' `ImageDecoder` for JPEGs): counts
/// the decodes started and settled per source blob, and can hold one blob's
/// decode until [`Decodes::release`], so a test knows a photo check is under
/// way, or is over, instead of guessing with a sleep. Restores the original
/// when dropped.
pub struct Decodes(JsValue);

const DECODES_JS: &str = r#"
const original = window.createImageBitmap;
const holds = new Map(), started = new Map(), settled = new Map();
const bump = (counts, source) => counts.set(source, (counts.get(source) || 0) + 1);
window.createImageBitmap = function (source, ...rest) {
  bump(started, source);
  const decode = () => original.call(window, source, ...rest);
  const hold = holds.get(source);
  const result = hold ? hold.promise.then(decode) : decode();
  // Counted a task later: by then the caller's continuation (a microtask)
  // has run, so "settled" means the widget has the verdict.
  const mark = () => setTimeout(() => bump(settled, source), 0);
  result.then(mark, mark);
  return result;
};
// JPEGs are decoded by WebCodecs' ImageDecoder from `blob.stream()`: the
// stream is traced back to its blob, and the decode counted and held alike.
const originalStream = Blob.prototype.stream;
const blobOf = new WeakMap();
Blob.prototype.stream = function () {
  const stream = originalStream.call(this);
  blobOf.set(stream, this);
  return stream;
};
const OriginalDecoder = window.ImageDecoder;
if (OriginalDecoder) {
  window.ImageDecoder = class extends OriginalDecoder {
    constructor(init) {
      super(init);
      this.source = blobOf.get(init.data);
    }
    decode(...args) {
      const source = this.source;
      bump(started, source);
      const decode = () => super.decode(...args);
      const hold = holds.get(source);
      const result = hold ? hold.promise.then(decode) : decode();
      const mark = () => setTimeout(() => bump(settled, source), 0);
      result.then(mark, mark);
      return result;
    }
  };
}
return {
  hold(source) {
    let release;
    const promise = new Promise((resolve) => (release = resolve));
    holds.set(source, { promise, release });
  },
  release(source) {
    const hold = holds.get(source);
    holds.delete(source);
    if (hold) hold.release();
  },
  started: (source) => started.get(source) || 0,
  settled: (source) => settled.get(source) || 0,
  restore() {
    window.createImageBitmap = original;
    Blob.prototype.stream = originalStream;
    if (OriginalDecoder) window.ImageDecoder = OriginalDecoder;
    for (const hold of holds.values()) hold.release();
    holds.clear();
  },
};
"#;

impl Decodes {
    /// Starts watching.
    pub fn watch() -> Decodes {
        Decodes(Function::new_no_args(DECODES_JS).call0(&JsValue::NULL).expect("wrap createImageBitmap"))
    }

    fn call(&self, method: &str, blob: &web_sys::Blob) -> JsValue {
        let f: Function = Reflect::get(&self.0, &method.into()).expect(method).unchecked_into();
        f.call1(&self.0, blob).expect(method)
    }

    /// Decodes of `blob` started from now on wait for [`Decodes::release`].
    pub fn hold(&self, blob: &web_sys::Blob) {
        self.call("hold", blob);
    }

    /// Lets the held decodes of `blob` run.
    pub fn release(&self, blob: &web_sys::Blob) {
        self.call("release", blob);
    }

    /// How many decodes of `blob` started.
    pub fn started(&self, blob: &web_sys::Blob) -> u32 {
        self.call("started", blob).as_f64().unwrap_or(0.0) as u32
    }

    /// How many decodes of `blob` ended (and their callers went on).
    pub fn settled(&self, blob: &web_sys::Blob) -> u32 {
        self.call("settled", blob).as_f64().unwrap_or(0.0) as u32
    }
}

impl Drop for Decodes {
    fn drop(&mut self) {
        if let Ok(restore) = Reflect::get(&self.0, &"restore".into()) {
            let _ = restore.unchecked_into::<Function>().call0(&self.0);
        }
    }
}

// The sandbox (`kyc-sandbox --admin`, allowing the test page's origin).

/// The sandbox API root (`/v1`, `/_sandbox` under it).
pub const API: &str = match option_env!("KYC_SANDBOX_API") {
    Some(url) => url,
    None => "http://127.0.0.1:8787",
};
/// The sandbox's demo host (`POST /demo/token`).
pub const DEMO: &str = match option_env!("KYC_SANDBOX_DEMO") {
    Some(url) => url,
    None => "http://127.0.0.1:8790",
};

/// The sandbox's API base, as a widget's `apiBase`.
pub fn api_base() -> String {
    format!("{API}/v1")
}

/// `fetch`es `url` and reads the JSON answer: `(status, body)`.
pub async fn http(method: &str, url: &str, body: Option<Value>) -> (u16, Value) {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        let headers = Headers::new().unwrap();
        headers.set("Content-Type", "application/json").unwrap();
        init.set_headers(&headers);
        init.set_body(&body.to_string().into());
    }
    let window = web_sys::window().unwrap();
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .unwrap_or_else(|e| panic!("{method} {url} failed (is the sandbox running, allowing this origin?): {e:?}"));
    let response: Response = response.unchecked_into();
    let text = JsFuture::from(response.text().unwrap()).await.unwrap().as_string().unwrap_or_default();
    (response.status(), serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A customer no other test (or earlier run) used.
pub async fn new_customer(tag: &str) -> String {
    let id = format!("cus_{tag}_{}_{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e6) as u32);
    let (status, body) = http("POST", &format!("{API}/_sandbox/customers"), Some(json!({"id": id, "type": "individual"}))).await;
    assert_eq!(status, 201, "creating {id}: {body}");
    id
}

/// Replaces the sandbox's fault rules (`[]` clears them).
pub async fn set_faults(rules: Value) {
    let (status, body) = http("POST", &format!("{API}/_sandbox/faults"), Some(json!({ "rules": rules }))).await;
    assert_eq!(status, 200, "setting faults: {body}");
}

/// Events for `customer` (or all of them), after `since`.
pub async fn events(customer: Option<&str>, since: i64) -> Vec<Value> {
    let filter = customer.map(|c| format!("customer_id={c}&")).unwrap_or_default();
    let (status, body) = http("GET", &format!("{API}/_sandbox/events?{filter}since={since}"), None).await;
    assert_eq!(status, 200, "events: {body}");
    body["events"].as_array().cloned().unwrap_or_default()
}

/// Polls the event log after `since` until `done` holds (10 s at most).
pub async fn events_until(since: i64, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let start = js_sys::Date::now();
    loop {
        let log = events(None, since).await;
        if done(&log) {
            return log;
        }
        assert!(js_sys::Date::now() - start < 10_000.0, "timed out waiting for {what}: {log:#?}");
        sleep(40).await;
    }
}

/// The newest event's sequence number (0 when there is none).
pub async fn last_seq() -> i64 {
    events(None, 0).await.iter().filter_map(|e| e["seq"].as_i64()).max().unwrap_or(0)
}
