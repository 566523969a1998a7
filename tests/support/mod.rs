//! Helpers shared by the browser tests: a root element to render into,
//! files built in memory and chosen through `DataTransfer`, DOM lookups by
//! the contract's `data-testid` hooks, token sources that count their
//! calls, and a polling `wait_for` (never a fixed sleep).
#![allow(dead_code)]

use futures::FutureExt;
use js_sys::{Array, Promise, Uint8Array};
use kyc_upload::core::token::TokenValue;
use kyc_upload::web::token::TokenSource;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DataTransfer, Element, Event, EventInit, File, FilePropertyBag, HtmlElement, HtmlInputElement, HtmlSelectElement,
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
