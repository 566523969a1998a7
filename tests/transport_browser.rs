//! The transport, the API client and a whole submission in headless
//! Chromium against a running sandbox (`kyc-sandbox --admin`), each checked
//! in the sandbox's event log: what reached the server, in which order, and
//! with which headers.
//!
//! The sandbox must allow the test page's origin. Start it, then run the
//! tests with the page on a fixed address, for example:
//!
//! ```sh
//! kyc-sandbox --admin --data-dir "$(mktemp -d)" --review-delay 0.5 --webhook-url none \
//!     --allow-origin http://127.0.0.1:8791
//! WASM_BINDGEN_TEST_ADDRESS=127.0.0.1:8791 cargo test --target wasm32-unknown-unknown --test transport_browser
//! ```
//!
//! Other ports: set `KYC_SANDBOX_API` (`http://127.0.0.1:8787`),
//! `KYC_SANDBOX_DEMO` (`http://127.0.0.1:8790`) when compiling (see
//! `support::API`).
#![cfg(target_arch = "wasm32")]

mod support;

use futures::future::{select, Either};
use futures::FutureExt;
use kyc_upload::core::api::{Failure, PresignRequest};
use kyc_upload::core::options::{Options, QualityGate};
use kyc_upload::core::plan::{FilesCall, Upload};
use kyc_upload::core::rules::{Requirements, Slot};
use kyc_upload::core::token::TokenValue;
use kyc_upload::web::api::Api;
use kyc_upload::web::components::{KycUpload, KycUploadProps, ProgressInfo, SubmittedInfo, WidgetError};
use kyc_upload::web::token::{TokenSource, Tokens};
use kyc_upload::web::transport::send_unless_stalled;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use support::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Blob, BlobPropertyBag};

wasm_bindgen_test_configure!(run_in_browser);

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/photos/", $name))
    };
}

/// A real token from the demo host, as a host page's backend hands out.
async fn demo_token() -> Result<TokenValue, String> {
    let (status, body) = http("POST", &format!("{DEMO}/demo/token"), None).await;
    match (status, body["access_token"].as_str(), body["expires_in"].as_f64()) {
        (200, Some(token), Some(expires_in)) => Ok(TokenValue::WithExpiry { access_token: token.into(), expires_in }),
        _ => Err(format!("demo token: {status} {body}")),
    }
}

/// A token source that answers `bogus` for the first `bogus` calls, then
/// real tokens; it counts its calls.
fn tokens_after_bogus(bogus: u32) -> (TokenSource, Rc<Cell<u32>>) {
    let calls = Rc::new(Cell::new(0));
    let counter = calls.clone();
    let source = TokenSource::Rust(Rc::new(move || {
        counter.set(counter.get() + 1);
        let n = counter.get();
        async move {
            if n <= bogus {
                Ok(TokenValue::Bare("bogus".into()))
            } else {
                demo_token().await
            }
        }
        .boxed_local()
    }));
    (source, calls)
}

fn jpeg_blob(len: usize) -> Blob {
    let mut bytes = FAKE_JPEG.to_vec();
    bytes.resize(len.max(FAKE_JPEG.len()), 0);
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let options = BlobPropertyBag::new();
    options.set_type("image/jpeg");
    Blob::new_with_u8_array_sequence_and_options(&parts, &options).unwrap()
}

fn presign_request(purpose: Slot, size: usize) -> PresignRequest {
    PresignRequest {
        purpose: purpose.field().into(),
        filename: "photo.jpg".into(),
        content_type: "image/jpeg".into(),
        size: size as u64,
        document_type: purpose.is_identity_document().then(|| "passport".into()),
    }
}

fn api_for(customer: &str, source: TokenSource) -> Api {
    Api::new(&api_base(), customer, Tokens::new(source))
}

fn of_kind<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["kind"] == kind).collect()
}

#[wasm_bindgen_test]
async fn presign_put_and_files_reach_the_platform_in_order() {
    set_faults(json!([])).await;
    let customer = new_customer("api").await;
    let (source, _) = tokens_after_bogus(0);
    let api = api_for(&customer, source);
    let blob = jpeg_blob(2048);

    let upload = api.presign(&presign_request(Slot::IdFile, 2048)).await.expect("presign");
    assert!(upload.file_id.starts_with("file_"), "{upload:?}");
    let progress = Rc::new(RefCell::new(Vec::new()));
    let sink = progress.clone();
    api.put(&upload, &blob, Box::new(move |sent, total| sink.borrow_mut().push((sent, total)))).await.expect("put");
    let key = format!("key-{}", js_sys::Date::now());
    let call = FilesCall { id: 1, fields: vec![(Slot::IdFile, upload.file_id.clone())], idempotency_key: key.clone() };
    api.send_files(&call).await.expect("files");
    assert_eq!(progress.borrow().last().copied(), Some((2048.0, 2048.0)), "progress ends at the full size");

    let log = events(Some(&customer), 0).await;
    let kinds: Vec<&str> = log.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, ["presign", "put", "files"], "{log:#?}");
    let (presign, put, files) = (&log[0], &log[1], &log[2]);
    assert_eq!(presign["status"], 201);
    assert_eq!(presign["document_type"], "passport");
    assert_eq!(put["file_id"], upload.file_id.as_str());
    assert_eq!(put["authorization"], false, "the storage origin never sees the token");
    assert_eq!(put["completed"], true);
    assert_eq!(put["content_type"], "image/jpeg");
    assert_eq!(files["status"], 200);
    assert_eq!(files["idempotency_key"], key.as_str());
    assert_eq!(files["fields"], json!({"id_file": upload.file_id}));
}

#[wasm_bindgen_test]
async fn a_refused_token_is_fetched_again_once() {
    set_faults(json!([])).await;
    let customer = new_customer("refresh").await;

    let (source, calls) = tokens_after_bogus(1);
    let api = api_for(&customer, source);
    let read = api.customer().await.expect("the second token works");
    assert_eq!(read.id, customer);
    assert_eq!(calls.get(), 2, "one refetch after the 401");
    let upload = api.presign(&presign_request(Slot::IdFile, 10)).await.expect("the fresh token is cached");
    assert!(upload.file_id.starts_with("file_"));
    assert_eq!(calls.get(), 2);

    let (source, calls) = tokens_after_bogus(u32::MAX);
    let api = api_for(&customer, source);
    match api.customer().await {
        Err(Failure::Unauthorized { code }) => assert_eq!(code, "invalid_token"),
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    assert_eq!(calls.get(), 2, "one refetch, then give up");
}

#[wasm_bindgen_test]
async fn retry_after_and_expired_links_are_classified() {
    let customer = new_customer("faults").await;
    let (source, _) = tokens_after_bogus(0);
    let api = api_for(&customer, source);

    set_faults(json!([{"route": "presign", "probability": 1, "count": 1,
                       "action": {"type": "status", "status": 503, "retry_after": 1}}]))
    .await;
    match api.presign(&presign_request(Slot::IdFile, 10)).await {
        Err(Failure::Transient { retry_after_ms, reason }) => {
            assert_eq!(retry_after_ms, Some(1000));
            assert_eq!(reason, "server_error");
        }
        other => panic!("expected a transient failure, got {other:?}"),
    }

    set_faults(json!([{"route": "presign", "count": 1, "action": {"type": "expire_presign"}}])).await;
    let expired: Upload = api.presign(&presign_request(Slot::IdFile, 10)).await.expect("presign");
    let result = api.put(&expired, &jpeg_blob(10), Box::new(|_, _| {})).await;
    assert_eq!(result, Err(Failure::UploadUrlExpired));
    set_faults(json!([])).await;
}

#[wasm_bindgen_test]
async fn dropping_an_upload_aborts_it() {
    const SIZE: usize = 16 * 1024 * 1024;
    set_faults(json!([])).await;
    let customer = new_customer("abort").await;
    let (source, _) = tokens_after_bogus(0);
    let api = api_for(&customer, source);
    let upload = api.presign(&presign_request(Slot::ProofOfAddress, SIZE)).await.expect("presign");
    let since = last_seq().await;
    // The storage waits before reading, so the body can't all be sent
    // before the first progress event.
    set_faults(json!([{"route": "put", "count": 1, "action": {"type": "latency", "ms": 1500}}])).await;

    let blob = jpeg_blob(SIZE);
    let (first, progressed) = futures::channel::oneshot::channel::<(f64, f64)>();
    let first = RefCell::new(Some(first));
    let headers: Vec<(&str, &str)> = upload.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let request = Box::pin(send_unless_stalled(
        "PUT",
        &upload.url,
        &headers,
        &blob,
        60_000,
        Box::new(move |sent, total| {
            if let Some(tx) = first.borrow_mut().take() {
                let _ = tx.send((sent, total));
            }
        }),
    ));
    let (sent, total) = match select(request, progressed).await {
        Either::Right((progress, request)) => {
            drop(request);
            progress.expect("progress")
        }
        Either::Left((reply, _)) => panic!("the upload finished before any progress event: {reply:?}"),
    };
    assert!(sent < total, "dropped mid-upload ({sent} of {total})");

    let file_id = upload.file_id.clone();
    let is_ours = |e: &Value| e["kind"] == "put" && e["file_id"] == file_id.as_str();
    let log = events_until(since, "the aborted PUT to be logged", |log| log.iter().any(is_ours)).await;
    set_faults(json!([])).await;
    let put = log.iter().find(|e| is_ours(e)).unwrap();
    assert_eq!(put["completed"], false, "the sandbox saw the upload end early: {put}");
    assert!((put["bytes"].as_u64().unwrap_or(0) as usize) < SIZE, "{put}");
    assert_eq!(log.iter().filter(|e| is_ours(e)).count(), 1, "{log:#?}");
}

#[wasm_bindgen_test]
async fn a_stalled_upload_is_abandoned_and_the_retry_completes() {
    // Bigger than the socket buffers usually are: while the storage waits,
    // the upload mostly stops moving after the first megabytes. (Loopback
    // buffers sometimes take it all; the PUT then sits fully sent and
    // unanswered, which is a stall too: the assertions hold either way.)
    const SIZE: usize = 16 * 1024 * 1024;
    const LATENCY_MS: u64 = 4_000;
    set_faults(json!([])).await;
    let customer = new_customer("stall").await;
    let (source, _) = tokens_after_bogus(0);
    let api = api_for(&customer, source).with_stall_timeout(1_000);
    let upload = api.presign(&presign_request(Slot::ProofOfAddress, SIZE)).await.expect("presign");
    let blob = jpeg_blob(SIZE);
    let since = last_seq().await;
    set_faults(json!([{"route": "put", "probability": 1, "count": 1, "action": {"type": "latency", "ms": LATENCY_MS}}])).await;

    let started = js_sys::Date::now();
    let progress = Rc::new(RefCell::new(Vec::new()));
    let sink = progress.clone();
    let first = api.put(&upload, &blob, Box::new(move |sent, _| sink.borrow_mut().push((sent, js_sys::Date::now())))).await;
    let abandoned_at = js_sys::Date::now();
    let abandoned_after = abandoned_at - started;
    assert_eq!(first, Err(Failure::Transient { retry_after_ms: None, reason: "stalled".into() }));
    assert!((1_000.0..3_000.0).contains(&abandoned_after), "abandoned after {abandoned_after} ms");
    // It moved, then nothing moved for the whole stall timeout: the
    // watchdog counts from the last progress, not from the start.
    let (sent, moved_at) = progress.borrow().last().copied().expect("progress before the stall");
    assert!(sent > 0.0, "some bytes went out first");
    let quiet = abandoned_at - moved_at;
    assert!((950.0..2_000.0).contains(&quiet), "abandoned {quiet} ms after the last progress");

    // The plan's retry: the same presigned URL, still valid; the fault fired once.
    api.put(&upload, &blob, Box::new(|_, _| {})).await.expect("the retry goes through");
    let done_after = js_sys::Date::now() - started;
    assert!(done_after < LATENCY_MS as f64 - 500.0, "uploaded {done_after} ms after the start, before the stalled PUT would have ended");

    let file_id = upload.file_id.clone();
    let ours = |e: &Value| e["kind"] == "put" && e["file_id"] == file_id.as_str();
    let log = events_until(since, "both PUTs to be logged", |log| log.iter().filter(|e| ours(e)).count() == 2).await;
    set_faults(json!([])).await;
    // Each PUT is logged when it ends: the stalled one when its latency
    // ends, or sooner, when the storage sees the connection go.
    let (retries, abandoned): (Vec<&Value>, Vec<&Value>) = log.iter().filter(|e| ours(e)).partition(|e| e["status"] == 200);
    let (retry, abandoned) = match (&retries[..], &abandoned[..]) {
        (&[retry], &[abandoned]) => (retry, abandoned),
        _ => panic!("one PUT stored the file, the other did not: {log:#?}"),
    };
    assert_eq!(retry["completed"], true, "the retry stored the file: {log:#?}");
    assert_eq!(abandoned["completed"], false, "the stalled PUT never completed: {abandoned}");
    assert!((abandoned["bytes"].as_u64().unwrap_or(0) as usize) < SIZE, "{abandoned}");
    let delays = log.iter().filter(|e| e["kind"] == "fault" && e["fault"] == "latency" && e["route"] == "put").count();
    assert_eq!(delays, 1, "one PUT was held back: {log:#?}");
}

/// Props for a widget talking to the sandbox, with tokens from the demo
/// host through a JavaScript `getToken` returning a Promise.
fn widget_props(
    customer: &str,
    max_file_size: u64,
    on_progress: yew::Callback<ProgressInfo>,
    on_submitted: yew::Callback<SubmittedInfo>,
    on_error: yew::Callback<WidgetError>,
) -> KycUploadProps {
    let get_token = js_sys::Function::new_no_args(&format!(
        "return fetch('{DEMO}/demo/token', {{method: 'POST'}}).then(r => r.json())"
    ));
    KycUploadProps {
        options: Rc::new(Options {
            api_base: api_base(),
            customer_id: customer.into(),
            customer_type: None,
            requirements: Requirements::default(),
            max_file_size,
            locale: Some("en".into()),
            messages: Vec::new(),
            locales_url: None,
            quality_gate: QualityGate::Block,
            capture: Default::default(),
            liveness: Default::default(),
            poll_status: false,
            poll_interval_ms: 30_000,
            stall_timeout_ms: 30_000,
            kyb_url: None,
            support_url: None,
        }),
        tokens: TokenSource::Js(get_token),
        on_progress,
        on_submitted,
        on_error,
        on_status_change: Default::default(),
        status: None,
        on_busy_change: yew::Callback::noop(),
        on_continue: None,
    }
}

#[wasm_bindgen_test]
async fn a_whole_submission_ends_with_id_file() {
    set_faults(json!([])).await;
    let customer = new_customer("widget").await;
    let (on_progress, progress) = recorder::<ProgressInfo>();
    let (on_submitted, submitted) = recorder();
    let (on_error, errors) = recorder();
    let props = widget_props(&customer, 10 * 1024 * 1024, on_progress, on_submitted, on_error);
    let root = root();
    let app = yew::Renderer::<KycUpload>::with_root_and_props(root.clone(), props).render();
    let ready = || by_testid(&root, "doc-type").is_some_and(|e| !e.has_attribute("disabled"));
    wait_for("the customer to load", 10_000.0, ready).await;

    pick_document(&root, "passport");
    let photo = file("passport.jpg", fixture!("sharp.jpg"), "image/jpeg");
    choose(&root, "id_file", &photo);
    let bill = file("bill.pdf", fixture!("utility_bill.pdf"), "application/pdf");
    choose(&root, "proof_of_address_file", &bill);
    let checked = || {
        shown_name(&root, "id_file").is_some()
            && shown_name(&root, "proof_of_address_file").is_some()
            && !root.text_content().unwrap_or_default().contains("Checking the photo")
    };
    wait_for("both files to be checked", 15_000.0, checked).await;
    assert_eq!(text_of(&root, "error-id_file"), "");

    // A double click submits once (contract §3.4): the second click comes
    // before the re-render that disables the button.
    click(&root, "submit");
    click(&root, "submit");
    wait_for("the status panel", 30_000.0, || by_testid(&root, "status").is_some() || !errors.borrow().is_empty()).await;
    assert!(errors.borrow().is_empty(), "{:?}", errors.borrow());
    assert!(text_of(&root, "status").contains("Verification in progress"), "{}", text_of(&root, "status"));
    assert_eq!(submitted.borrow().len(), 1);

    for slot in [Slot::IdFile, Slot::ProofOfAddress] {
        let last = progress.borrow().iter().rev().find(|p| p.slot == slot).cloned();
        let last = last.unwrap_or_else(|| panic!("no progress for {slot}"));
        assert!(last.total > 0.0 && last.loaded == last.total, "{slot} reached 100%: {last:?}");
    }

    let log = events(Some(&customer), 0).await;
    let files = of_kind(&log, "files");
    assert!(!files.is_empty(), "{log:#?}");
    let last_files = *files.last().unwrap();
    assert_eq!(last_files["status"], 200);
    assert!(last_files["fields"].get("id_file").is_some(), "the last files request carries id_file: {last_files}");
    assert_eq!(files.iter().filter(|f| f["fields"].get("id_file").is_some()).count(), 1, "{files:#?}");
    // Webhook events may follow, from the sandbox's review; requests may not.
    let requests = ["presign", "put", "files", "customer_get"];
    let last_seq = log.iter().filter(|e| requests.iter().any(|k| e["kind"] == *k)).filter_map(|e| e["seq"].as_i64()).max();
    assert_eq!(last_files["seq"].as_i64(), last_seq, "nothing after id_file: {log:#?}");
    let puts = of_kind(&log, "put");
    assert_eq!(puts.len(), 2, "{log:#?}");
    assert_eq!(of_kind(&log, "presign").len(), 2, "one presign per file: {log:#?}");
    assert!(puts.iter().all(|p| p["completed"] == true && p["authorization"] == false), "{puts:#?}");
    assert!(puts.iter().all(|p| p["seq"].as_i64() < last_files["seq"].as_i64()));

    app.destroy();
    root.remove();
}

/// Renders the widget, waits for the customer to load, and chooses a
/// passport photo plus a `pdf_size`-byte bank statement, both checked.
async fn passport_with_statement(props: KycUploadProps, pdf_size: usize) -> (yew::AppHandle<KycUpload>, web_sys::Element) {
    let root = root();
    let app = yew::Renderer::<KycUpload>::with_root_and_props(root.clone(), props).render();
    let ready = || by_testid(&root, "doc-type").is_some_and(|e| !e.has_attribute("disabled"));
    wait_for("the customer to load", 10_000.0, ready).await;
    pick_document(&root, "passport");
    let photo = file("passport.jpg", fixture!("sharp.jpg"), "image/jpeg");
    choose(&root, "id_file", &photo);
    let mut pdf = PDF.to_vec();
    pdf.resize(pdf_size, b' ');
    choose(&root, "proof_of_address_file", &file("statement.pdf", &pdf, "application/pdf"));
    let checked = || {
        shown_name(&root, "id_file").is_some()
            && shown_name(&root, "proof_of_address_file").is_some()
            && !root.text_content().unwrap_or_default().contains("Checking the photo")
    };
    wait_for("both files to be checked", 15_000.0, checked).await;
    (app, root)
}

#[wasm_bindgen_test]
async fn a_refused_optional_file_keeps_id_file_back() {
    // Over the sandbox's default 20 MiB `--max-file-size`, under the widget's.
    const BIG: usize = 21 * 1024 * 1024;
    set_faults(json!([])).await;
    let customer = new_customer("partial").await;
    let (on_submitted, submitted) = recorder();
    let (on_error, errors) = recorder();
    let props = widget_props(&customer, 30 * 1024 * 1024, Default::default(), on_submitted, on_error);
    let (app, root) = passport_with_statement(props, BIG).await;

    click(&root, "submit");
    wait_for("the submission to stop", 30_000.0, || !errors.borrow().is_empty()).await;
    yew::scheduler::flush().await;
    assert_eq!(errors.borrow()[0].code, "file_too_large", "{:?}", errors.borrow());
    assert_eq!(errors.borrow()[0].slot, Some(Slot::ProofOfAddress));
    assert!(submitted.borrow().is_empty());
    assert!(text_of(&root, "message").contains("Nothing was sent for verification"), "{}", text_of(&root, "message"));
    let on_file = text_of(&root, "error-proof_of_address_file");
    assert!(on_file.starts_with("This file could not be uploaded"), "the file says why, briefly: {on_file}");
    assert!(!on_file.contains("Nothing was sent"), "and does not repeat the form's message: {on_file}");
    assert!(by_testid(&root, "status").is_none());
    assert_eq!(stage(&root), "editing", "the customer can fix it and submit again");

    let log = events(Some(&customer), 0).await;
    assert!(
        of_kind(&log, "files").iter().all(|f| f["fields"].get("id_file").is_none()),
        "verification must not start on a partial set: {log:#?}"
    );
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn destroying_the_widget_mid_upload_aborts_it() {
    const SIZE: usize = 16 * 1024 * 1024;
    set_faults(json!([])).await;
    let customer = new_customer("destroy").await;
    let (on_progress, progress) = recorder::<ProgressInfo>();
    let props = widget_props(&customer, 30 * 1024 * 1024, on_progress, Default::default(), Default::default());
    let (app, root) = passport_with_statement(props, SIZE).await;
    let since = last_seq().await;
    // The storage holds every PUT for a while, so the big one is in flight.
    set_faults(json!([{"route": "put", "action": {"type": "latency", "ms": 1500}}])).await;

    click(&root, "submit");
    let started = || progress.borrow().iter().any(|p| p.slot == Slot::ProofOfAddress && p.loaded < p.total);
    wait_for("the statement upload to be under way", 10_000.0, started).await;
    app.destroy();
    root.remove();

    let statement = |e: &Value| e["kind"] == "put" && e["content_type"] == "application/pdf";
    let log = events_until(since, "the statement's PUT to be logged", |log| log.iter().any(statement)).await;
    set_faults(json!([])).await;
    let put = log.iter().find(|e| statement(e)).unwrap();
    assert_eq!(put["completed"], false, "destroy() aborted the upload: {put}");
    assert!(put["bytes"].as_u64().unwrap_or(0) < SIZE as u64, "{put}");
    assert!(of_kind(&log, "files").is_empty(), "nothing is sent after destroy(): {log:#?}");
}

/// Mounts the widget for `customer` with no `customerType`, so it reads the
/// customer first.
async fn mount_for(customer: &str, on_error: yew::Callback<WidgetError>) -> (web_sys::Element, yew::AppHandle<KycUpload>) {
    let props = widget_props(customer, 10 * 1024 * 1024, Default::default(), Default::default(), on_error);
    let root = root();
    let app = yew::Renderer::<KycUpload>::with_root_and_props(root.clone(), props).render();
    (root, app)
}

#[wasm_bindgen_test]
async fn a_business_customer_read_from_the_api_is_refused() {
    set_faults(json!([])).await;
    let id = format!("cus_kyb_{}_{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e6) as u32);
    let (status, body) = http("POST", &format!("{API}/_sandbox/customers"), Some(json!({"id": id, "type": "business"}))).await;
    assert_eq!(status, 201, "{body}");
    let (on_error, errors) = recorder::<WidgetError>();
    let (root, app) = mount_for(&id, on_error).await;
    wait_for("the refusal", 10_000.0, || !errors.borrow().is_empty()).await;
    assert_eq!(errors.borrow()[0].code, "business_customer");
    assert!(text_of(&root, "message").contains("KYB"), "{}", text_of(&root, "message"));
    assert!(all(&root, "input, select").is_empty());

    let log = events(Some(&id), 0).await;
    let kinds: Vec<&str> = log.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, ["customer_get"], "only the read that found out: {log:#?}");
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn an_earlier_rejection_shows_on_load() {
    set_faults(json!([])).await;
    let id = format!("cus_rej_{}_{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e6) as u32);
    let new = json!({"id": id, "type": "individual", "outcome": "reject", "rejection_reason": "The photo is blurred"});
    let (status, body) = http("POST", &format!("{API}/_sandbox/customers"), Some(new)).await;
    assert_eq!(status, 201, "{body}");
    let (source, _) = tokens_after_bogus(0);
    let api = api_for(&id, source);
    let upload = api.presign(&presign_request(Slot::IdFile, 64)).await.expect("presign");
    api.put(&upload, &jpeg_blob(64), Box::new(|_, _| {})).await.expect("put");
    let call = FilesCall { id: 1, fields: vec![(Slot::IdFile, upload.file_id)], idempotency_key: format!("k{}", js_sys::Date::now()) };
    api.send_files(&call).await.expect("files");
    let (status, body) = http("POST", &format!("{API}/_sandbox/customers/{id}/review"), None).await;
    assert_eq!(status, 200, "{body}");

    let (on_error, errors) = recorder::<WidgetError>();
    let (root, app) = mount_for(&id, on_error).await;
    wait_for("the status panel", 10_000.0, || by_testid(&root, "status").is_some()).await;
    let panel = text_of(&root, "status");
    assert!(panel.contains("couldn't verify") && panel.contains("The photo is blurred"), "{panel}");
    assert!(errors.borrow().is_empty(), "{:?}", errors.borrow());
    app.destroy();
    root.remove();
}

/// A file restored after a reload whose platform id the platform refuses
/// (here: it was never uploaded) is dropped and asked for again, with the
/// reason on its slot; the next submission uploads the new file instead of
/// sending the refused id again.
#[wasm_bindgen_test]
async fn a_refused_restored_file_is_asked_for_again() {
    set_faults(json!([])).await;
    let customer = new_customer("refused").await;
    let storage = web_sys::window().unwrap().session_storage().unwrap().unwrap();
    let record = json!({
        "updated_ms": js_sys::Date::now(), "document": "passport", "key_prefix": "restored-session", "final_sent": false,
        "files": [{"slot": "id_file", "name": "passport.jpg", "size": 1234, "file_id": "file_0000000000000000000000GONE", "accepted": false}],
    });
    storage.set_item(&format!("kyc-upload:v1:{customer}"), &record.to_string()).unwrap();
    let (on_submitted, submitted) = recorder();
    let (on_error, errors) = recorder::<WidgetError>();
    let props = widget_props(&customer, 10 * 1024 * 1024, yew::Callback::noop(), on_submitted, on_error);
    let root = root();
    let app = yew::Renderer::<KycUpload>::with_root_and_props(root.clone(), props).render();
    wait_for("the restored file", 10_000.0, || shown_name(&root, "id_file").as_deref() == Some("passport.jpg")).await;
    wait_for("the form", 10_000.0, || stage(&root) == "editing").await;

    click(&root, "submit");
    wait_for("the refusal", 30_000.0, || !errors.borrow().is_empty()).await;
    assert_eq!(errors.borrow()[0].code, "file_not_uploaded", "{:?}", errors.borrow());
    assert!(text_of(&root, "message").contains("verification has not started"), "{}", text_of(&root, "message"));
    assert_eq!(shown_name(&root, "id_file"), None, "the refused file is no longer shown as uploaded");
    assert!(text_of(&root, "error-id_file").contains("no longer available"), "{}", text_of(&root, "error-id_file"));

    let photo = file("passport.jpg", fixture!("sharp.jpg"), "image/jpeg");
    choose(&root, "id_file", &photo);
    let checked = || shown_name(&root, "id_file").is_some() && !root.text_content().unwrap_or_default().contains("Checking the photo");
    wait_for("the new photo to be checked", 15_000.0, checked).await;
    click(&root, "submit");
    wait_for("the status panel", 30_000.0, || by_testid(&root, "status").is_some()).await;
    assert_eq!(submitted.borrow().len(), 1);

    let log = events(Some(&customer), 0).await;
    let ids: Vec<&Value> = of_kind(&log, "files").into_iter().filter(|f| f["fields"].get("id_file").is_some()).collect();
    assert_eq!(ids.len(), 2, "the refused id once, then the new file: {ids:#?}");
    assert_eq!(ids[0]["error_code"], "file_not_uploaded");
    assert_eq!(ids[1]["status"], 200);
    assert_ne!(ids[1]["fields"]["id_file"], ids[0]["fields"]["id_file"]);
    assert_ne!(ids[1]["idempotency_key"], ids[0]["idempotency_key"], "another request, another key");
    assert!(ids[0]["idempotency_key"].as_str().unwrap().starts_with("restored-session-"), "the restored session's key prefix");
    app.destroy();
}
