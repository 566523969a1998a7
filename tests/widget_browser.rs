//! The `KycUpload` component in headless Chromium, with no server: document
//! types and slots, checks made before any request (each shown on its slot
//! through the `data-testid` hooks of the contract, §5), inert file names,
//! remove and replace, the business refusal, the photo quality gate, the
//! status panel, the `mount`/`update`/`destroy` embedding surface and the
//! `<kyc-upload>` element.
//!
//! The API base points at a closed port and the token source counts its
//! calls: every API call asks for a token first, so zero calls means zero
//! requests. The element's upload test alone talks to a running sandbox
//! (see `transport_browser.rs` for how to start it).
#![cfg(target_arch = "wasm32")]

mod support;

use js_sys::{Function, Object, Reflect};
use kyc_upload::core::options::{Options, QualityGate};
use kyc_upload::core::rules::{CustomerType, Requirements};
use kyc_upload::core::status::Verification;
use kyc_upload::core::validate::display_name;
use kyc_upload::web::components::{KycUpload, KycUploadProps, WidgetError};
use kyc_upload::web::token::TokenSource;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use support::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlSelectElement};
use yew::AppHandle;

wasm_bindgen_test_configure!(run_in_browser);

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/photos/", $name))
    };
}

/// Nothing listens there: a request, if any were made, would fail.
const CLOSED_API: &str = "http://127.0.0.1:9/v1";

fn options(quality_gate: QualityGate) -> Options {
    Options {
        api_base: CLOSED_API.into(),
        customer_id: "cus_browser_test".into(),
        customer_type: Some(CustomerType::Individual),
        requirements: Requirements::default(),
        max_file_size: 10 * 1024 * 1024,
        locale: Some("en".into()),
        messages: Vec::new(),
        locales_url: None,
        quality_gate,
        capture: Default::default(),
        liveness: Default::default(),
        poll_status: false,
        poll_interval_ms: 30_000,
        stall_timeout_ms: 30_000,
        kyb_url: None,
        support_url: None,
    }
}

/// A widget rendered into its own root, with its callbacks recorded.
struct Widget {
    root: Element,
    app: Option<AppHandle<KycUpload>>,
    props: KycUploadProps,
    token_calls: Rc<Cell<u32>>,
    errors: Rc<RefCell<Vec<WidgetError>>>,
    statuses: Rc<RefCell<Vec<Verification>>>,
    /// Every `on_busy_change`, in order.
    busy: Rc<RefCell<Vec<bool>>>,
}

impl Widget {
    async fn mount(options: Options) -> Widget {
        let (tokens, token_calls) = counting_tokens("t");
        Widget::mount_with(options, tokens, token_calls).await
    }

    async fn mount_with(options: Options, tokens: TokenSource, token_calls: Rc<Cell<u32>>) -> Widget {
        let root = root();
        let (on_error, errors) = recorder();
        let (on_status_change, statuses) = recorder();
        let (on_busy_change, busy) = recorder();
        let props = KycUploadProps {
            options: Rc::new(options),
            tokens,
            on_progress: Default::default(),
            on_submitted: Default::default(),
            on_error,
            on_status_change,
            status: None,
            on_busy_change,
            on_continue: None,
        };
        let app = yew::Renderer::<KycUpload>::with_root_and_props(root.clone(), props.clone()).render();
        yew::scheduler::flush().await;
        Widget { root, app: Some(app), props, token_calls, errors, statuses, busy }
    }

    fn text(&self, id: &str) -> String {
        text_of(&self.root, id)
    }

    /// Chooses `file` in `slot` and waits until the widget shows it (by
    /// name: names in one test are distinct) and has finished checking it.
    async fn choose(&self, slot: &str, file: &web_sys::File) {
        choose(&self.root, slot, file);
        let (root, name) = (&self.root, display_name(&file.name()));
        wait_for(&format!("{slot} to show {name}"), 5_000.0, || shown_name(root, slot).as_deref() == Some(&name)).await;
        let checked = || !root.text_content().unwrap_or_default().contains("Checking the photo");
        wait_for(&format!("the check of {slot} to finish"), 15_000.0, checked).await;
    }
}

impl Drop for Widget {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.remove();
    }
}

fn option_values(root: &Element) -> Vec<String> {
    all(&testid(root, "doc-type"), "option")
        .into_iter()
        .filter_map(|o| o.get_attribute("value"))
        .filter(|v| !v.is_empty())
        .collect()
}

#[wasm_bindgen_test]
async fn back_side_slot_follows_the_document_type() {
    let w = Widget::mount(options(QualityGate::Off)).await;
    assert_eq!(option_values(&w.root), ["passport", "drivers_license", "resident_permit"]);
    assert!(w.root.text_content().unwrap().contains("National ID cards are not accepted"));
    assert!(by_testid(&w.root, "file-id_file").is_some());
    assert!(by_testid(&w.root, "file-id_file_back").is_none(), "no back side before a document is chosen");

    pick_document(&w.root, "passport");
    yew::scheduler::flush().await;
    assert!(by_testid(&w.root, "file-id_file_back").is_none(), "a passport is single-sided");

    for two_sided in ["drivers_license", "resident_permit"] {
        pick_document(&w.root, two_sided);
        yew::scheduler::flush().await;
        assert!(by_testid(&w.root, "file-id_file_back").is_some(), "{two_sided} has a back side");
    }
    pick_document(&w.root, "passport");
    yew::scheduler::flush().await;
    assert!(by_testid(&w.root, "file-id_file_back").is_none());
    for slot in ["id_file", "proof_of_address_file", "liveness_check_file"] {
        assert!(by_testid(&w.root, &format!("file-{slot}")).is_some(), "{slot} is always shown");
    }
}

#[wasm_bindgen_test]
async fn an_injected_national_id_option_is_refused() {
    let w = Widget::mount(options(QualityGate::Off)).await;
    let select: HtmlSelectElement = testid(&w.root, "doc-type").unchecked_into();
    let crafted = document().create_element("option").unwrap();
    crafted.set_attribute("value", "national_id").unwrap();
    crafted.set_text_content(Some("National ID card"));
    select.append_child(&crafted).unwrap();
    pick_document(&w.root, "national_id");
    yew::scheduler::flush().await;

    assert!(w.text("message").contains("National ID cards are not accepted"), "{}", w.text("message"));
    assert_eq!(select.value(), "", "nothing stays selected");
    assert!(by_testid(&w.root, "file-id_file_back").is_none());
    assert_eq!(w.token_calls.get(), 0);
}

#[wasm_bindgen_test]
async fn files_are_checked_on_their_slot_before_any_request() {
    let mut small = options(QualityGate::Off);
    small.max_file_size = 1024;
    let w = Widget::mount(small).await;

    w.choose("id_file", &file("empty.jpg", &[], "image/jpeg")).await;
    assert!(w.text("error-id_file").contains("empty"), "{}", w.text("error-id_file"));

    w.choose("id_file", &file("photo.jpg", EXE, "image/jpeg")).await;
    assert!(w.text("error-id_file").contains("not a photo or document we can read"), "{}", w.text("error-id_file"));

    w.choose("id_file", &file("scan.pdf", PDF, "application/pdf")).await;
    assert!(w.text("error-id_file").contains("can't be used"), "{}", w.text("error-id_file"));

    let mut big_pdf = PDF.to_vec();
    big_pdf.resize(4096, b' ');
    w.choose("proof_of_address_file", &file("bill.pdf", &big_pdf, "application/pdf")).await;
    let error = w.text("error-proof_of_address_file");
    assert!(error.contains("This file is 4 kB; the limit is 1 kB"), "{error}");
    assert_eq!(w.text("error-id_file_back"), "");
    assert_eq!(w.token_calls.get(), 0, "checking files makes no request");
}

#[wasm_bindgen_test]
async fn undecodable_photos_get_a_specific_message_and_no_request() {
    let w = Widget::mount(options(QualityGate::Block)).await;
    pick_document(&w.root, "passport");

    w.choose("id_file", &file("truncated.jpg", fixture!("truncated.jpg"), "image/jpeg")).await;
    let error = w.text("error-id_file");
    assert!(error.contains("can't be opened as a photo"), "{error}");

    // An iPhone photo: Chromium can't decode HEIC, so the customer is told
    // what to choose instead rather than seeing a crash.
    let mut heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    heic.resize(4096, 0);
    w.choose("id_file", &file("IMG_0001.HEIC", &heic, "image/heic")).await;
    let error = w.text("error-id_file");
    assert!(error.contains("HEIC"), "{error}");

    click(&w.root, "submit");
    yew::scheduler::flush().await;
    assert!(w.text("message").contains("attention before submitting"), "{}", w.text("message"));
    assert_eq!(w.token_calls.get(), 0, "nothing is sent");
}

#[wasm_bindgen_test]
async fn submit_reports_missing_and_duplicate_files_without_requests() {
    let w = Widget::mount(options(QualityGate::Off)).await;

    click(&w.root, "submit");
    yew::scheduler::flush().await;
    assert!(w.text("message").contains("Choose your document type"), "{}", w.text("message"));

    pick_document(&w.root, "drivers_license");
    let front = file("front.jpg", FAKE_JPEG, "image/jpeg");
    w.choose("id_file", &front).await;
    click(&w.root, "submit");
    yew::scheduler::flush().await;
    assert!(w.text("error-id_file_back").contains("back of your driver's license"), "{}", w.text("error-id_file_back"));
    assert!(!w.text("message").is_empty(), "a summary explains why nothing was sent");

    pick_document(&w.root, "passport");
    w.choose("proof_of_address_file", &front).await;
    click(&w.root, "submit");
    yew::scheduler::flush().await;
    let error = w.text("error-proof_of_address_file");
    assert!(error.contains("same file as"), "{error}");
    assert_eq!(w.text("error-id_file"), "", "the first of the two stays valid");
    assert_eq!(stage(&w.root), "editing");
    assert_eq!(w.token_calls.get(), 0, "nothing was sent");
}

#[wasm_bindgen_test]
async fn file_names_are_inert_text() {
    let w = Widget::mount(options(QualityGate::Off)).await;
    let scripts_before = document().query_selector_all("script").unwrap().length();

    w.choose("id_file", &file("<script>alert(1)</script>.jpg", FAKE_JPEG, "image/jpeg")).await;
    w.choose("proof_of_address_file", &file("invoice\u{202E}gpj.exe", FAKE_JPEG, "image/jpeg")).await;
    let long = format!("{}.jpg", "n".repeat(500));
    w.choose("liveness_check_file", &file(&long, FAKE_JPEG, "image/jpeg")).await;

    assert_eq!(shown_name(&w.root, "id_file").as_deref(), Some("<script>alert(1)</script>.jpg"));
    assert!(w.root.inner_html().contains("&lt;script&gt;"), "the markup is escaped");
    assert!(all(&w.root, "script").is_empty());
    assert_eq!(document().query_selector_all("script").unwrap().length(), scripts_before, "no script element was created");

    assert_eq!(shown_name(&w.root, "proof_of_address_file").as_deref(), Some("invoicegpj.exe"));
    assert!(!w.root.text_content().unwrap().contains('\u{202E}'), "no bidi override reaches the DOM text");
    assert!(!w.root.inner_html().contains('\u{202E}'), "nor an attribute");

    let shown = shown_name(&w.root, "liveness_check_file").unwrap();
    assert!(shown.chars().count() <= 48, "{} chars: {shown}", shown.chars().count());
    assert!(shown.contains('\u{2026}') && shown.ends_with(".jpg"), "{shown}");
}

#[wasm_bindgen_test]
async fn a_file_can_be_removed_and_chosen_again() {
    let w = Widget::mount(options(QualityGate::Off)).await;
    w.choose("id_file", &file("first.jpg", FAKE_JPEG, "image/jpeg")).await;
    assert_eq!(shown_name(&w.root, "id_file").as_deref(), Some("first.jpg"));

    click(&w.root, "remove-id_file");
    yew::scheduler::flush().await;
    assert_eq!(shown_name(&w.root, "id_file"), None);
    assert!(by_testid(&w.root, "remove-id_file").is_none());
    assert!(!w.root.text_content().unwrap().contains("first.jpg"));

    w.choose("id_file", &file("second.jpg", FAKE_JPEG, "image/jpeg")).await;
    assert_eq!(shown_name(&w.root, "id_file").as_deref(), Some("second.jpg"));
    w.choose("id_file", &file("third.jpg", FAKE_JPEG, "image/jpeg")).await;
    assert_eq!(shown_name(&w.root, "id_file").as_deref(), Some("third.jpg"), "choosing again replaces");
    assert_eq!(w.token_calls.get(), 0);
}

#[wasm_bindgen_test]
async fn business_customers_are_refused_without_requests() {
    let mut business = options(QualityGate::Block);
    business.customer_type = Some(CustomerType::Business);
    let w = Widget::mount(business).await;
    wait_for("onError", 2_000.0, || !w.errors.borrow().is_empty()).await;

    assert!(w.text("message").contains("KYB"), "{}", w.text("message"));
    assert!(all(&w.root, "input, select, button").is_empty(), "{}", w.root.inner_html());
    assert_eq!(w.errors.borrow()[0].code, "business_customer");
    assert_eq!(w.errors.borrow().len(), 1);
    assert_eq!(w.token_calls.get(), 0, "zero requests of any kind");
}

#[wasm_bindgen_test]
async fn a_blurred_photo_blocks_submission() {
    let w = Widget::mount(options(QualityGate::Block)).await;
    pick_document(&w.root, "passport");
    w.choose("id_file", &file("blurred.jpg", fixture!("blur_sigma20.jpg"), "image/jpeg")).await;
    let error = w.text("error-id_file");
    assert!(error.contains("blurry"), "{error}");
    assert!(testid(&w.root, "error-id_file").class_name().contains("kyc-error"));

    click(&w.root, "submit");
    yew::scheduler::flush().await;
    assert!(w.text("message").contains("attention before submitting"), "{}", w.text("message"));
    assert_eq!(stage(&w.root), "editing");
    assert_eq!(w.token_calls.get(), 0);
}

#[wasm_bindgen_test]
async fn a_blurred_photo_only_warns_when_the_gate_warns() {
    let w = Widget::mount(options(QualityGate::Warn)).await;
    pick_document(&w.root, "passport");
    w.choose("id_file", &file("blurred.jpg", fixture!("blur_sigma20.jpg"), "image/jpeg")).await;
    let error = w.text("error-id_file");
    assert!(error.contains("blurry"), "{error}");
    assert!(testid(&w.root, "error-id_file").class_name().contains("kyc-warning"));

    click(&w.root, "submit");
    yew::scheduler::flush().await;
    assert!(!w.text("message").contains("attention before submitting"), "{}", w.text("message"));
    wait_for("the submission to ask for a token", 5_000.0, || w.token_calls.get() > 0).await;
}

#[wasm_bindgen_test]
async fn a_sharp_photo_passes_the_gate() {
    let w = Widget::mount(options(QualityGate::Block)).await;
    pick_document(&w.root, "passport");
    w.choose("id_file", &file("sharp.jpg", fixture!("sharp.jpg"), "image/jpeg")).await;
    assert_eq!(shown_name(&w.root, "id_file").as_deref(), Some("sharp.jpg"));
    assert_eq!(w.text("error-id_file"), "");
}

#[wasm_bindgen_test]
async fn an_oversized_photo_is_downscaled_and_the_slot_says_so() {
    // 6000 x 4000: over the 4000 px limit, so it is re-encoded before upload.
    let w = Widget::mount(options(QualityGate::Block)).await;
    pick_document(&w.root, "passport");
    w.choose("id_file", &file("huge_24mp.jpg", fixture!("huge_24mp.jpg"), "image/jpeg")).await;
    let slot = w.root.query_selector("[data-slot=id_file]").unwrap().unwrap().text_content().unwrap_or_default();
    assert!(slot.contains("Resized from 6000\u{d7}4000 to 4000\u{d7}2667"), "{slot}");
    assert_eq!(w.text("error-id_file"), "");
}

#[wasm_bindgen_test]
async fn the_host_status_shows_in_the_panel() {
    let mut w = Widget::mount(options(QualityGate::Off)).await;
    assert!(by_testid(&w.root, "status").is_none());
    let rejected = Verification::Rejected { reason: Some("Document expired".into()) };
    w.props.status = Some(rejected.clone());
    w.app.as_mut().unwrap().update(w.props.clone());
    wait_for("the status panel", 2_000.0, || by_testid(&w.root, "status").is_some()).await;

    let panel = w.text("status");
    assert!(panel.contains("couldn't verify"), "{panel}");
    assert!(panel.contains("Document expired"), "{panel}");
    assert_eq!(testid(&w.root, "status").get_attribute("data-status").as_deref(), Some("rejected"));
    wait_for("onStatusChange", 2_000.0, || !w.statuses.borrow().is_empty()).await;
    assert_eq!(*w.statuses.borrow(), [rejected]);
}

fn js_options(entries: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

fn valid_options() -> Vec<(&'static str, JsValue)> {
    vec![
        ("apiBase", CLOSED_API.into()),
        ("customerId", "cus_browser_test".into()),
        ("customerType", "individual".into()),
        ("getToken", Function::new_no_args("return 't'").into()),
    ]
}

#[wasm_bindgen_test]
async fn destroy_empties_the_element() {
    let element = root();
    let mut handle = kyc_upload::embed::mount(element.clone(), js_options(&valid_options())).expect("mount");
    yew::scheduler::flush().await;
    assert!(by_testid(&element, "doc-type").is_some(), "{}", element.inner_html());

    handle.destroy();
    assert!(!handle.busy());
    wait_for("destroy to empty the element", 2_000.0, || element.child_element_count() == 0).await;
    assert_eq!(element.inner_html(), "");
    element.remove();
}

/// React's StrictMode runs a component's effect, its cleanup and the effect
/// again in one task: mount, destroy, mount. Yew would run that destroy
/// before creating the first widget (finding nothing), then create it.
#[wasm_bindgen_test]
async fn a_widget_destroyed_in_the_task_that_mounted_it_leaves_nothing_behind() {
    let (element, alone) = (root(), root());
    let mut first = kyc_upload::embed::mount(element.clone(), js_options(&valid_options())).expect("mount");
    let mut gone = kyc_upload::embed::mount(alone.clone(), js_options(&valid_options())).expect("mount");
    first.destroy();
    gone.destroy();
    let mut second = kyc_upload::embed::mount(element.clone(), js_options(&valid_options())).expect("mount again");
    wait_for("the second widget", 2_000.0, || by_testid(&element, "doc-type").is_some()).await;
    // A later scheduler run and a later task: what was destroyed stays destroyed.
    sleep(0).await;
    yew::scheduler::flush().await;
    assert_eq!(all(&element, ".kyc-upload").len(), 1, "one widget, not two: {}", element.inner_html());
    assert_eq!(alone.inner_html(), "", "a widget destroyed at once is never shown");
    // The one left is alive: its select shows the document's slots.
    pick_document(&element, "drivers_license");
    wait_for("the back side's slot", 2_000.0, || by_testid(&element, "file-id_file_back").is_some()).await;
    assert_eq!(all(&element, "[data-testid=file-id_file]").len(), 1);
    second.destroy();
    element.remove();
    alone.remove();
}

/// A host that mounts again into the same element without destroying
/// first (a hot module reload re-running `mount(el, ...)`, an effect
/// without cleanup) sees one working widget: the new one. The earlier one
/// lives on unseen until its handle's `destroy()` (the README says so),
/// and nothing it renders reaches the element.
#[wasm_bindgen_test]
async fn mounting_again_into_the_same_element_shows_one_working_widget() {
    let element = root();
    let mut first = kyc_upload::embed::mount(element.clone(), js_options(&valid_options())).expect("mount");
    wait_for("the first widget", 2_000.0, || by_testid(&element, "doc-type").is_some()).await;
    pick_document(&element, "passport");
    yew::scheduler::flush().await;
    let mut second = kyc_upload::embed::mount(element.clone(), js_options(&valid_options())).expect("mount again");
    wait_for("the second widget", 2_000.0, || by_testid(&element, "doc-type").is_some()).await;
    sleep(0).await;
    yew::scheduler::flush().await;
    assert_eq!(all(&element, ".kyc-upload").len(), 1, "one widget, not two: {}", element.inner_html());
    // The one shown is the second, and it alone answers: a document picked
    // shows its slots once, and the first widget re-renders nothing into
    // the element when its own state changes (its status set by the host).
    pick_document(&element, "drivers_license");
    wait_for("the back side's slot", 2_000.0, || by_testid(&element, "file-id_file_back").is_some()).await;
    first.set_status("verified", None).expect("the first handle still answers");
    sleep(0).await;
    yew::scheduler::flush().await;
    assert_eq!(all(&element, ".kyc-upload").len(), 1, "{}", element.inner_html());
    assert_eq!(all(&element, "[data-testid=file-id_file_back]").len(), 1);
    assert!(by_testid(&element, "status").is_none(), "the replaced widget shows nothing: {}", element.inner_html());
    first.destroy();
    second.destroy();
    wait_for("the element to empty", 2_000.0, || element.child_element_count() == 0).await;
    element.remove();
}

#[wasm_bindgen_test]
fn mount_refuses_bad_options_naming_them() {
    let cases: Vec<(&str, Vec<(&str, JsValue)>)> = vec![
        ("apiBse", {
            let mut o = valid_options();
            o.push(("apiBse", "http://127.0.0.1:9/v1".into()));
            o
        }),
        ("apiBase", replaced("apiBase", Some("/relative".into()))),
        ("getToken", replaced("getToken", None)),
        ("getToken", replaced("getToken", Some("str".into()))),
        ("customerId", replaced("customerId", Some("".into()))),
    ];
    for (option, entries) in cases {
        let element = root();
        let thrown = match kyc_upload::embed::mount(element.clone(), js_options(&entries)) {
            Ok(_) => panic!("mount accepted a bad `{option}`"),
            Err(thrown) => thrown,
        };
        let message = refusal_message(&thrown, option);
        assert!(message.contains(option), "{message}");
        assert_eq!(element.inner_html(), "", "nothing rendered for a bad `{option}`");
        element.remove();
    }
}

/// The commonest host mistake: a selector that matched nothing. `mount`
/// says so, and the module still works for the next, right call.
#[wasm_bindgen_test]
async fn mount_refuses_what_is_not_an_element_and_keeps_working() {
    let text = document().create_text_node("not an element");
    for (given, got) in [
        (JsValue::NULL, "null"),
        (JsValue::UNDEFINED, "undefined"),
        (JsValue::from("#kyc"), "a string"),
        (Object::new().into(), "another object"),
        (text.into(), "another object"),
    ] {
        let thrown = match kyc_upload::embed::mount(given.unchecked_into(), js_options(&valid_options())) {
            Ok(_) => panic!("mount accepted {got}"),
            Err(thrown) => thrown,
        };
        let message = refusal_message(&thrown, "element");
        assert!(message.contains("the first argument is not a DOM element"), "{got}: {message}");
    }
    let element = root();
    let mut handle = kyc_upload::embed::mount(element.clone(), js_options(&valid_options())).expect("a right call still mounts");
    wait_for("the widget", 2_000.0, || by_testid(&element, "doc-type").is_some()).await;
    handle.destroy();
    element.remove();
}

#[wasm_bindgen_test]
async fn check_image_refuses_what_is_not_a_blob_and_keeps_working() {
    for (given, got) in [(JsValue::NULL, "null"), (JsValue::UNDEFINED, "undefined"), (JsValue::from("photo.jpg"), "a string"), (Object::new().into(), "another object")] {
        let thrown = kyc_upload::embed::check_image_js(given).await.expect_err(got);
        let message = refusal_message(&thrown, "blob");
        assert!(message.contains("the first argument is not a Blob or File"), "{got}: {message}");
    }
    let sharp = file("sharp.jpg", fixture!("sharp.jpg"), "image/jpeg");
    let report = kyc_upload::embed::check_image_js(sharp.into()).await.expect("a photo is still checked");
    assert_eq!(Reflect::get(&report, &"verdict".into()).unwrap().as_string().as_deref(), Some("accept"));
}

/// The message of an `invalid_option` Error naming `option`, after
/// checking that `thrown` is one.
fn refusal_message(thrown: &JsValue, option: &str) -> String {
    let error: &js_sys::Error = thrown.dyn_ref().unwrap_or_else(|| panic!("{option}: not an Error: {thrown:?}"));
    assert_eq!(Reflect::get(error, &"code".into()).unwrap().as_string().as_deref(), Some("invalid_option"));
    assert_eq!(Reflect::get(error, &"option".into()).unwrap().as_string().as_deref(), Some(option));
    String::from(error.message())
}

fn replaced(key: &'static str, value: Option<JsValue>) -> Vec<(&'static str, JsValue)> {
    let mut entries: Vec<_> = valid_options().into_iter().filter(|(k, _)| *k != key).collect();
    if let Some(value) = value {
        entries.push((key, value));
    }
    entries
}

#[wasm_bindgen_test]
async fn a_late_check_of_a_replaced_photo_is_ignored() {
    let w = Widget::mount(options(QualityGate::Block)).await;
    let decodes = Decodes::watch();
    let blurred = file("blurred.jpg", fixture!("blur_sigma20.jpg"), "image/jpeg");
    decodes.hold(&blurred);
    choose(&w.root, "id_file", &blurred);
    wait_for("the blurred photo's check to start", 5_000.0, || decodes.started(&blurred) > 0).await;
    // Replaced while the blurred one is being checked: its verdict belongs
    // to a file that is no longer chosen, and lands only after the sharp
    // one's.
    w.choose("id_file", &file("sharp.jpg", fixture!("sharp.jpg"), "image/jpeg")).await;
    assert_eq!(decodes.settled(&blurred), 0, "the blurred photo's verdict is still to come");
    decodes.release(&blurred);
    wait_for("the blurred photo's late verdict", 15_000.0, || decodes.settled(&blurred) > 0).await;
    yew::scheduler::flush().await;
    assert_eq!(shown_name(&w.root, "id_file").as_deref(), Some("sharp.jpg"));
    assert_eq!(w.text("error-id_file"), "", "the blurred photo's verdict must not stick to the sharp one");
}

/// Starts a submission of a passport photo; the API is unreachable, so it
/// keeps retrying until something stops it.
async fn submitting(w: &Widget) {
    pick_document(&w.root, "passport");
    w.choose("id_file", &file("first.jpg", FAKE_JPEG, "image/jpeg")).await;
    w.choose("liveness_check_file", &file("selfie.jpg", FAKE_JPEG, "image/jpeg")).await;
    click(&w.root, "submit");
    assert_eq!(*w.busy.borrow(), [true], "busy from the click on, before anything re-renders");
    wait_for("the submission to start", 2_000.0, || stage(&w.root) == "submitting" && w.token_calls.get() > 0).await;
    let button = testid(&w.root, "submit");
    assert_eq!(button.get_attribute("aria-disabled").as_deref(), Some("true"), "submit says it is unavailable while uploading");
    assert!(!button.has_attribute("disabled"), "but stays enabled, so the focus on it is kept");
}

#[wasm_bindgen_test]
async fn changing_a_file_mid_submission_interrupts_it() {
    let w = Widget::mount(options(QualityGate::Off)).await;
    submitting(&w).await;
    w.choose("id_file", &file("second.jpg", FAKE_JPEG, "image/jpeg")).await;
    wait_for("the submission to stop", 2_000.0, || stage(&w.root) == "editing").await;
    assert!(!testid(&w.root, "submit").has_attribute("disabled"));
    assert!(by_testid(&w.root, "status").is_none());
    assert_eq!(*w.busy.borrow(), [true, false], "no longer busy once interrupted");

    // Remove can't silently cancel a running submission: it is disabled.
    click(&w.root, "submit");
    wait_for("a new submission", 2_000.0, || stage(&w.root) == "submitting").await;
    assert!(testid(&w.root, "remove-liveness_check_file").has_attribute("disabled"), "Remove is disabled while uploading");
    click(&w.root, "remove-liveness_check_file");
    yew::scheduler::flush().await;
    assert_eq!(stage(&w.root), "submitting", "a click on the disabled Remove changes nothing");
}

/// The customer who replaces a file mid-upload is told the upload stopped:
/// the new file's `Action::Choose` lands right after `Action::Interrupted`
/// and must not clear its message.
#[wasm_bindgen_test]
async fn replacing_a_file_mid_submission_says_the_upload_stopped() {
    let w = Widget::mount(options(QualityGate::Off)).await;
    submitting(&w).await;
    w.choose("id_file", &file("second.jpg", FAKE_JPEG, "image/jpeg")).await;
    wait_for("the submission to stop", 2_000.0, || stage(&w.root) == "editing").await;
    assert!(w.text("message").contains("A file changed"), "message: {:?}", w.text("message"));
}

#[wasm_bindgen_test]
async fn set_status_shows_the_forwarded_result() {
    let element = root();
    let mut handle = kyc_upload::embed::mount(element.clone(), js_options(&valid_options())).expect("mount");
    yew::scheduler::flush().await;

    handle.set_status("verified", None).expect("verified");
    wait_for("the status panel", 2_000.0, || by_testid(&element, "status").is_some()).await;
    assert!(text_of(&element, "status").contains("Identity verified"), "{}", text_of(&element, "status"));
    assert!(by_testid(&element, "submit").is_none(), "the form is gone once verified");

    let thrown = handle.set_status("approved", None).expect_err("unknown status");
    assert_eq!(Reflect::get(&thrown, &"code".into()).unwrap().as_string().as_deref(), Some("invalid_status"));
    handle.destroy();
    wait_for("destroy to empty the element", 2_000.0, || element.inner_html().is_empty()).await;
    element.remove();
}

#[wasm_bindgen_test]
async fn a_submit_during_the_photo_check_waits_for_its_verdict() {
    for (photo, blocked) in [("blur_sigma20.jpg", true), ("sharp.jpg", false)] {
        let w = Widget::mount(options(QualityGate::Block)).await;
        pick_document(&w.root, "passport");
        let bytes: &[u8] = if blocked { fixture!("blur_sigma20.jpg") } else { fixture!("sharp.jpg") };
        // The decode waits until the click is in, so the click surely
        // lands while the photo is being checked.
        let decodes = Decodes::watch();
        let chosen = file(photo, bytes, "image/jpeg");
        decodes.hold(&chosen);
        choose(&w.root, "id_file", &chosen);
        let checking = || decodes.started(&chosen) > 0 && w.root.text_content().unwrap_or_default().contains("Checking the photo");
        wait_for("the photo check to be under way", 5_000.0, checking).await;
        click(&w.root, "submit");
        yew::scheduler::flush().await;
        assert!(w.text("message").contains("Checking your photos"), "{photo}: {}", w.text("message"));
        assert_eq!(w.token_calls.get(), 0, "{photo}: nothing is sent before the verdict");
        decodes.release(&chosen);
        let checked = || !w.root.text_content().unwrap_or_default().contains("Checking the photo");
        wait_for("the check to finish", 15_000.0, checked).await;
        if blocked {
            assert!(w.text("message").contains("attention before submitting"), "{photo}: {}", w.text("message"));
            assert_eq!(stage(&w.root), "editing");
            assert_eq!(w.token_calls.get(), 0, "{photo}: a rejected photo is never sent");
        } else {
            wait_for("the queued submission to start", 2_000.0, || w.token_calls.get() > 0).await;
        }
    }
}

#[wasm_bindgen_test]
async fn a_malformed_token_stops_the_submission_with_a_code() {
    let cases = [
        ("return 42", "invalid_token_value"),
        ("return ''", "invalid_token_value"),
        ("return {token: 'x'}", "invalid_token_value"),
        ("throw new Error('backend down')", "invalid_token_value"),
    ];
    for (body, code) in cases {
        let tokens = TokenSource::Js(Function::new_no_args(body));
        let w = Widget::mount_with(options(QualityGate::Off), tokens, Rc::new(Cell::new(0))).await;
        pick_document(&w.root, "passport");
        w.choose("id_file", &file("front.jpg", FAKE_JPEG, "image/jpeg")).await;
        click(&w.root, "submit");
        wait_for("onError", 10_000.0, || !w.errors.borrow().is_empty()).await;
        assert_eq!(w.errors.borrow()[0].code, code, "{body}: {:?}", w.errors.borrow());
        wait_for("the form to be editable again", 2_000.0, || stage(&w.root) == "editing").await;
        assert!(w.text("message").contains("Nothing was sent for verification"), "{body}: {}", w.text("message"));
        assert!(by_testid(&w.root, "status").is_none());
    }
}

#[wasm_bindgen_test]
async fn update_changes_options_in_place_and_refuses_bad_ones() {
    let element = root();
    let mut handle = kyc_upload::embed::mount(element.clone(), js_options(&valid_options())).expect("mount");
    yew::scheduler::flush().await;
    let widget = element.query_selector(".kyc-upload").unwrap().expect("widget");
    assert!(!handle.busy(), "nothing is being submitted");

    let mut liveness = valid_options();
    liveness.push(("requireLiveness", true.into()));
    handle.update(js_options(&liveness)).expect("update");
    let slot = || testid(&element, "file-liveness_check_file").closest(".kyc-slot").unwrap().unwrap();
    wait_for("requireLiveness to apply", 2_000.0, || slot().text_content().unwrap_or_default().contains("Required")).await;
    assert!(element.query_selector(".kyc-upload").unwrap().unwrap().is_same_node(Some(&widget)), "updated, not remounted");

    let cases: Vec<(&str, Vec<(&str, JsValue)>)> = vec![
        ("maxFileSize", {
            let mut o = valid_options();
            o.push(("maxFileSize", (-1).into()));
            o
        }),
        ("getToken", replaced("getToken", None)),
        ("customerId", replaced("customerId", Some("cus_someone_else".into()))),
        ("apiBase", replaced("apiBase", Some("http://localhost:9/v2".into()))),
    ];
    for (option, entries) in cases {
        let thrown = handle.update(js_options(&entries)).expect_err(option);
        assert_eq!(Reflect::get(&thrown, &"code".into()).unwrap().as_string().as_deref(), Some("invalid_option"));
        assert_eq!(Reflect::get(&thrown, &"option".into()).unwrap().as_string().as_deref(), Some(option));
    }
    assert!(slot().text_content().unwrap_or_default().contains("Required"), "a refused update changes nothing");
    handle.destroy();
    element.remove();
}

/// A `<kyc-upload>` for `customer` of type individual, with the quality
/// gate `gate`, in a fresh root (no `getToken` yet).
fn kyc_element(api_base: &str, customer: &str, gate: &str) -> (Element, Element) {
    // `start` runs when a page initialises the module; defining again is harmless.
    kyc_upload::embed::start();
    let host = root();
    let element = document().create_element("kyc-upload").unwrap();
    for (name, value) in [("api-base", api_base), ("customer-id", customer), ("customer-type", "individual"), ("quality-gate", gate)] {
        element.set_attribute(name, value).unwrap();
    }
    host.append_child(&element).unwrap();
    (host, element)
}

/// The `detail` of every `kind` event the element dispatches from now on.
fn dispatched(element: &Element, kind: &str) -> js_sys::Array {
    let listen = Function::new_with_args("el, kind", "const seen = []; el.addEventListener(kind, (e) => seen.push(e.detail)); return seen;");
    listen.call2(&JsValue::NULL, element, &kind.into()).unwrap().unchecked_into()
}

/// Sets the element's `property` (`onProgress`, ...) to a function that
/// records its argument; returns the record.
fn callback_property(element: &Element, property: &str) -> js_sys::Array {
    let set = Function::new_with_args("el, name", "const seen = []; el[name] = (d) => { seen.push(d); }; return seen;");
    set.call2(&JsValue::NULL, element, &property.into()).unwrap().unchecked_into()
}

/// A JavaScript `getToken` that records each call and returns `body`'s value.
fn js_get_token(body: &str) -> (Function, js_sys::Array) {
    let calls = js_sys::Array::new();
    let make = Function::new_with_args("calls", &format!("return () => {{ calls.push(Date.now()); {body} }};"));
    (make.call1(&JsValue::NULL, &calls).unwrap().unchecked_into(), calls)
}

fn field(value: &JsValue, name: &str) -> String {
    Reflect::get(value, &name.into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

fn widget_of(element: &Element) -> Option<Element> {
    element.query_selector(".kyc-upload").unwrap()
}

#[wasm_bindgen_test]
async fn the_custom_element_keeps_its_upload_through_attribute_and_token_changes() {
    set_faults(serde_json::json!([])).await;
    let customer = new_customer("element").await;
    let (host, element) = kyc_element(&api_base(), &customer, "block");
    let demo_token = format!("return fetch('{DEMO}/demo/token', {{method: 'POST'}}).then((r) => r.json());");
    let (first_token, first_calls) = js_get_token(&demo_token);
    Reflect::set(&element, &"getToken".into(), &first_token).unwrap();
    wait_for("the widget inside the element", 2_000.0, || by_testid(&element, "doc-type").is_some()).await;
    let widget = widget_of(&element).unwrap();
    // Callbacks set as properties after mount.
    let progress = callback_property(&element, "onProgress");
    let submitted = callback_property(&element, "onSubmitted");
    let errors = dispatched(&element, "kyc-error");

    pick_document(&element, "passport");
    choose(&element, "id_file", &file("passport.jpg", fixture!("sharp.jpg"), "image/jpeg"));
    let mut statement = PDF.to_vec();
    statement.resize(64 * 1024, b' ');
    choose(&element, "proof_of_address_file", &file("statement.pdf", &statement, "application/pdf"));
    let checked = || {
        shown_name(&element, "id_file").is_some()
            && shown_name(&element, "proof_of_address_file").is_some()
            && !element.text_content().unwrap_or_default().contains("Checking the photo")
    };
    wait_for("both files to be checked", 15_000.0, checked).await;

    // The storage holds every PUT for a while: the uploads are in flight
    // while the host changes the element.
    let since = last_seq().await;
    set_faults(serde_json::json!([{"route": "put", "action": {"type": "latency", "ms": 1500}}])).await;
    click(&element, "submit");
    let held = |log: &[serde_json::Value]| log.iter().filter(|e| e["kind"] == "fault" && e["route"] == "put").count() == 2;
    events_until(since, "both PUTs to be in flight", held).await;

    element.set_attribute("stall-timeout-ms", "20000").unwrap();
    element.set_attribute("require-liveness", "false").unwrap();
    let (second_token, _) = js_get_token(&demo_token);
    Reflect::set(&element, &"getToken".into(), &second_token).unwrap();
    yew::scheduler::flush().await;
    assert!(widget_of(&element).is_some_and(|w| w.is_same_node(Some(&widget))), "the widget was updated, not remounted");
    // The submission goes on ("uploading" shows 100 ms after the click).
    wait_for("the submission to show", 2_000.0, || stage(&element) == "submitting").await;

    let done = || submitted.length() > 0 || errors.length() > 0;
    wait_for("the submission to complete", 30_000.0, done).await;
    set_faults(serde_json::json!([])).await;
    assert_eq!(errors.length(), 0, "{:?}", errors.get(0));
    assert_eq!(submitted.length(), 1, "onSubmitted, set after mount, was called once");
    assert_eq!(field(&submitted.get(0), "customerId"), customer);
    assert!(progress.length() > 0, "onProgress, set after mount, got the progress");
    assert!(first_calls.length() >= 1);
    wait_for("the status panel", 2_000.0, || by_testid(&element, "status").is_some()).await;

    let log = events(Some(&customer), 0).await;
    let puts: Vec<&serde_json::Value> = log.iter().filter(|e| e["kind"] == "put").collect();
    assert_eq!(puts.len(), 2, "one PUT per file, none aborted or repeated: {log:#?}");
    assert!(puts.iter().all(|p| p["completed"] == true && p["status"] == 200), "{puts:#?}");
    assert_ne!(puts[0]["file_id"], puts[1]["file_id"]);
    let files: Vec<&serde_json::Value> = log.iter().filter(|e| e["kind"] == "files").collect();
    assert!(files.last().is_some_and(|f| f["status"] == 200 && f["fields"].get("id_file").is_some()), "{log:#?}");
    element.remove();
    host.remove();
}

#[wasm_bindgen_test]
async fn a_new_customer_id_starts_over_and_says_so_when_an_upload_is_stopped() {
    let (host, element) = kyc_element(CLOSED_API, "cus_element_a", "off");
    Reflect::set(&element, &"getToken".into(), &Function::new_no_args("return 't'")).unwrap();
    wait_for("the widget inside the element", 2_000.0, || by_testid(&element, "doc-type").is_some()).await;
    let errors = dispatched(&element, "kyc-error");
    let on_error = callback_property(&element, "onError");

    // Nothing running: the element starts over for the new customer, quietly.
    let first = widget_of(&element).unwrap();
    element.set_attribute("customer-id", "cus_element_b").unwrap();
    wait_for("the widget for the new customer", 2_000.0, || widget_of(&element).is_some_and(|w| !w.is_same_node(Some(&first)))).await;
    assert_eq!(errors.length(), 0, "{:?}", errors.get(0));

    // A submission in flight (the API is unreachable: it keeps retrying).
    for (attribute, value) in [("customer-id", "cus_element_c"), ("api-base", "http://127.0.0.1:9/v2")] {
        pick_document(&element, "passport");
        choose(&element, "id_file", &file("front.jpg", FAKE_JPEG, "image/jpeg"));
        wait_for("the file to be chosen", 5_000.0, || shown_name(&element, "id_file").is_some()).await;
        click(&element, "submit");
        wait_for("the submission to start", 2_000.0, || stage(&element) == "submitting").await;
        let before = errors.length();
        element.set_attribute(attribute, value).unwrap();
        assert_eq!(errors.length(), before + 1, "{attribute}: kyc-error dispatched");
        let detail = errors.get(before);
        assert_eq!(field(&detail, "code"), "upload_interrupted");
        let message = field(&detail, "message");
        assert!(message.contains("stopped") && message.contains("previous customer"), "{message}");
        assert_eq!(on_error.length(), errors.length(), "onError is told too");
        wait_for("a fresh widget", 2_000.0, || stage(&element) == "editing" && shown_name(&element, "id_file").is_none()).await;
    }
    assert!(field(&errors.get(0), "message").contains("cus_element_b"), "{}", field(&errors.get(0), "message"));
    element.remove();
    host.remove();
}

#[wasm_bindgen_test]
async fn the_custom_element_honours_a_token_source_attributes_and_callbacks_set_after_mount() {
    let (host, element) = kyc_element(CLOSED_API, "cus_element_late", "off");
    let (first_token, first_calls) = js_get_token("return 't1';");
    Reflect::set(&element, &"getToken".into(), &first_token).unwrap();
    wait_for("the widget inside the element", 2_000.0, || by_testid(&element, "doc-type").is_some()).await;
    let widget = widget_of(&element).unwrap();

    let (second_token, second_calls) = js_get_token("return 't2';");
    Reflect::set(&element, &"getToken".into(), &second_token).unwrap();
    pick_document(&element, "passport");
    choose(&element, "id_file", &file("front.jpg", FAKE_JPEG, "image/jpeg"));
    wait_for("the file to be chosen", 5_000.0, || shown_name(&element, "id_file").is_some()).await;
    click(&element, "submit");
    wait_for("a token to be asked for", 5_000.0, || second_calls.length() > 0).await;
    assert_eq!(first_calls.length(), 0, "the replaced getToken is not called");

    // An attribute changed mid-submission applies without a restart.
    element.set_attribute("require-liveness", "").unwrap();
    let liveness = || testid(&element, "file-liveness_check_file").closest(".kyc-slot").unwrap().unwrap();
    wait_for("require-liveness to apply", 2_000.0, || liveness().text_content().unwrap_or_default().contains("Required")).await;
    assert!(widget_of(&element).is_some_and(|w| w.is_same_node(Some(&widget))), "updated, not remounted");
    // "Uploading" shows 100 ms after the click.
    wait_for("the submission to show", 2_000.0, || stage(&element) == "submitting").await;

    let statuses = callback_property(&element, "onStatusChange");
    let set_status: Function = Reflect::get(&element, &"setStatus".into()).unwrap().unchecked_into();
    set_status.call1(&element, &"verified".into()).unwrap();
    wait_for("onStatusChange, set after mount", 2_000.0, || statuses.length() > 0).await;
    assert_eq!(field(&statuses.get(0), "status"), "verified");
    element.remove();
    host.remove();
}

#[wasm_bindgen_test]
async fn the_custom_element_mounts_once_it_has_a_token_source_and_unmounts_on_removal() {
    // `start` runs when a page initialises the module; call it here (twice:
    // defining the element again must be harmless).
    kyc_upload::embed::start();
    kyc_upload::embed::start();
    let host = root();
    let element = document().create_element("kyc-upload").unwrap();
    element.set_attribute("api-base", CLOSED_API).unwrap();
    element.set_attribute("customer-id", "cus_element").unwrap();
    element.set_attribute("customer-type", "individual").unwrap();
    element.set_attribute("require-liveness", "").unwrap();
    host.append_child(&element).unwrap();
    yew::scheduler::flush().await;
    assert!(by_testid(&element, "doc-type").is_none(), "no getToken yet: nothing mounted");

    Reflect::set(&element, &"getToken".into(), &Function::new_no_args("return 't'")).unwrap();
    wait_for("the widget inside the element", 2_000.0, || by_testid(&element, "doc-type").is_some()).await;
    let liveness = testid(&element, "file-liveness_check_file").closest(".kyc-slot").unwrap().unwrap();
    assert!(liveness.text_content().unwrap_or_default().contains("Required"), "require-liveness applies");

    element.remove();
    wait_for("removal to destroy the widget", 2_000.0, || by_testid(&element, "doc-type").is_none()).await;
    host.remove();
}

/// A framework that reorders or re-parents the element takes it out and
/// puts it back in one task: the widget stays, with the customer's files.
#[wasm_bindgen_test]
async fn a_moved_custom_element_keeps_its_widget_and_files() {
    let (host, element) = kyc_element(CLOSED_API, "cus_moved", "off");
    Reflect::set(&element, &"getToken".into(), &Function::new_no_args("return 't'")).unwrap();
    wait_for("the widget inside the element", 2_000.0, || by_testid(&element, "doc-type").is_some()).await;
    pick_document(&element, "passport");
    choose(&element, "id_file", &file("passport.jpg", FAKE_JPEG, "image/jpeg"));
    wait_for("the chosen file", 2_000.0, || shown_name(&element, "id_file").is_some()).await;
    let widget = widget_of(&element).unwrap();

    let elsewhere = root();
    elsewhere.append_child(&element).unwrap();
    // The removal's check runs in this task's microtasks; a later task and
    // scheduler run see what it decided.
    sleep(0).await;
    yew::scheduler::flush().await;
    assert!(widget_of(&element).is_some_and(|w| w.is_same_node(Some(&widget))), "the same widget: {}", element.inner_html());
    assert_eq!(all(&element, ".kyc-upload").len(), 1);
    assert_eq!(shown_name(&element, "id_file").as_deref(), Some("passport.jpg"));

    // Taken out for good: destroyed.
    element.remove();
    wait_for("removal to destroy the widget", 2_000.0, || widget_of(&element).is_none()).await;
    host.remove();
    elsewhere.remove();
}

/// Two choices for one slot whose checks finish out of order: the older
/// one's late `Choose` must not replace the newer file.
#[wasm_bindgen_test]
fn an_older_choice_never_replaces_a_newer_one() {
    use kyc_upload::core::rules::Slot;
    use kyc_upload::core::validate::FileFacts;
    use kyc_upload::web::state::{Action, Chosen, FormState, Stage};
    use yew::Reducible;

    let chosen = |selection: u64, name: &str| Chosen {
        selection,
        facts: FileFacts { name: name.into(), size: 10, last_modified: 0, kind: None },
        upload: web_sys::Blob::new().unwrap(),
        content_type: "image/jpeg".into(),
        note: None,
        preview: None,
    };
    let choose = |c: Chosen| Action::Choose { slot: Slot::IdFile, chosen: c, checking: false, notice: None };
    let state = Rc::new(FormState::new(Stage::Editing, "k".into()));
    let state = state.reduce(choose(chosen(1002, "newer.jpg")));
    let state = state.reduce(choose(chosen(1001, "older.jpg")));
    let current = state.slot(Slot::IdFile).chosen.as_ref().map(|c| c.facts.name.clone());
    assert_eq!(current.as_deref(), Some("newer.jpg"));
    let state = state.reduce(choose(chosen(1003, "newest.jpg")));
    assert_eq!(state.slot(Slot::IdFile).chosen.as_ref().map(|c| c.selection), Some(1003));
}

/// A bubbling event of `kind` carrying `file`: a `drop` (its
/// `dataTransfer`) or a `paste` (its `clipboardData`).
fn file_event(kind: &str, file: &web_sys::File) -> web_sys::Event {
    let transfer = web_sys::DataTransfer::new().expect("DataTransfer");
    transfer.items().add_with_file(file).expect("add file");
    if kind == "paste" {
        let init = web_sys::ClipboardEventInit::new();
        init.set_bubbles(true);
        init.set_cancelable(true);
        init.set_clipboard_data(Some(&transfer));
        web_sys::ClipboardEvent::new_with_event_init_dict(kind, &init).expect("paste").into()
    } else {
        let init = web_sys::DragEventInit::new();
        init.set_bubbles(true);
        init.set_cancelable(true);
        init.set_data_transfer(Some(&transfer));
        web_sys::DragEvent::new_with_event_init_dict(kind, &init).expect("drop").into()
    }
}

fn slot_card(root: &Element, slot: &str) -> Element {
    root.query_selector(&format!("[data-slot={slot}]")).unwrap().unwrap_or_else(|| panic!("no slot {slot}"))
}

#[wasm_bindgen_test]
async fn drops_and_pastes_go_to_the_slot_that_takes_them() {
    let w = Widget::mount(options(QualityGate::Off)).await;
    pick_document(&w.root, "drivers_license");
    yew::scheduler::flush().await;
    let form = w.root.query_selector(".kyc-upload").unwrap().unwrap();

    // On the form: the first empty slot whose type fits. A PDF skips the
    // photo-only document sides.
    let pdf = file("bill.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf");
    form.dispatch_event(&file_event("drop", &pdf)).unwrap();
    wait_for("the PDF in proof of address", 2_000.0, || shown_name(&w.root, "proof_of_address_file").as_deref() == Some("bill.pdf")).await;
    let front = file("front.jpg", FAKE_JPEG, "image/jpeg");
    form.dispatch_event(&file_event("drop", &front)).unwrap();
    wait_for("the photo in the front slot", 2_000.0, || shown_name(&w.root, "id_file").as_deref() == Some("front.jpg")).await;

    // On a slot: that slot, even when an earlier one is empty.
    let selfie = file("me.jpg", FAKE_JPEG, "image/jpeg");
    let dropped = file_event("drop", &selfie);
    slot_card(&w.root, "liveness_check_file").dispatch_event(&dropped).unwrap();
    wait_for("the selfie", 2_000.0, || shown_name(&w.root, "liveness_check_file").as_deref() == Some("me.jpg")).await;
    assert!(dropped.default_prevented(), "the browser does not open the dropped file");
    assert_eq!(shown_name(&w.root, "id_file_back"), None, "a drop on a slot is not the form's");

    // A paste while the slot has focus.
    let back = file("back.jpg", FAKE_JPEG, "image/jpeg");
    testid(&w.root, "file-id_file_back").dispatch_event(&file_event("paste", &back)).unwrap();
    wait_for("the pasted back side", 2_000.0, || shown_name(&w.root, "id_file_back").as_deref() == Some("back.jpg")).await;
    assert_eq!(w.token_calls.get(), 0, "nothing is sent");
}

/// Host pages put the widget inside their own form, beside their own drop
/// zones and paste handlers: what the widget handles stays the widget's.
#[wasm_bindgen_test]
async fn the_widget_s_submit_drops_and_pastes_do_not_reach_the_host_page() {
    let page = root();
    let host_form = document().create_element("form").unwrap();
    let element = document().create_element("div").unwrap();
    host_form.append_child(&element).unwrap();
    page.append_child(&host_form).unwrap();
    // What reaches the host's form, by event type.
    let seen: js_sys::Array = Function::new_with_args(
        "form",
        "const seen = []; for (const kind of ['submit', 'drop', 'paste']) form.addEventListener(kind, () => seen.push(kind)); return seen;",
    )
    .call1(&JsValue::NULL, &host_form)
    .unwrap()
    .unchecked_into();
    let mut handle = kyc_upload::embed::mount(element.clone(), js_options(&valid_options())).expect("mount");
    wait_for("the widget", 2_000.0, || by_testid(&element, "doc-type").is_some()).await;
    pick_document(&element, "passport");
    yew::scheduler::flush().await;

    let form = element.query_selector(".kyc-upload").unwrap().unwrap();
    let pdf = file("bill.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf");
    form.dispatch_event(&file_event("drop", &pdf)).unwrap();
    wait_for("the dropped PDF", 2_000.0, || shown_name(&element, "proof_of_address_file").as_deref() == Some("bill.pdf")).await;
    let front = file("front.jpg", FAKE_JPEG, "image/jpeg");
    testid(&element, "file-id_file").dispatch_event(&file_event("paste", &front)).unwrap();
    wait_for("the pasted photo", 2_000.0, || shown_name(&element, "id_file").as_deref() == Some("front.jpg")).await;
    // The submit button submits the widget's form (here: to say what is missing).
    pick_document(&element, "drivers_license");
    click(&element, "submit");
    wait_for("the widget to answer the submit", 2_000.0, || !text_of(&element, "message").is_empty()).await;

    assert_eq!(seen.to_vec(), Vec::<JsValue>::new(), "events that reached the host's form");
    handle.destroy();
    page.remove();
}

/// Hosts built from web components mount the widget inside a shadow root:
/// its events, labels and focus work there as in the document.
#[wasm_bindgen_test]
async fn the_widget_works_inside_a_shadow_root() {
    let element: Element = Function::new_no_args(
        "const host = document.createElement('div'); host.id = 'shadow-host'; document.body.append(host);
         const shadow = host.attachShadow({ mode: 'open' }); const el = document.createElement('div');
         shadow.append(el); return el;",
    )
    .call0(&JsValue::NULL)
    .unwrap()
    .unchecked_into();
    let focused_in_shadow = || {
        Function::new_no_args("const a = document.getElementById('shadow-host').shadowRoot.activeElement; return a ? a.getAttribute('data-testid') : null;")
            .call0(&JsValue::NULL)
            .unwrap()
            .as_string()
    };
    let mut options = valid_options();
    options.push(("qualityGate", "off".into()));
    let mut handle = kyc_upload::embed::mount(element.clone(), js_options(&options)).expect("mount");
    wait_for("the widget", 2_000.0, || by_testid(&element, "doc-type").is_some()).await;
    pick_document(&element, "drivers_license");
    wait_for("the back side's slot", 2_000.0, || by_testid(&element, "file-id_file_back").is_some()).await;
    choose(&element, "id_file", &file("front.jpg", FAKE_JPEG, "image/jpeg"));
    wait_for("the chosen front", 2_000.0, || shown_name(&element, "id_file").as_deref() == Some("front.jpg")).await;
    // Submitting without the back side: the message says so and focus goes to that slot.
    click(&element, "submit");
    wait_for("the problem to show", 2_000.0, || text_of(&element, "error-id_file_back").contains("back")).await;
    wait_for("focus on the back side's input", 2_000.0, || focused_in_shadow().as_deref() == Some("file-id_file_back")).await;
    // Remove hands focus to the slot's input.
    click(&element, "remove-id_file");
    wait_for("the slot to empty", 2_000.0, || shown_name(&element, "id_file").is_none()).await;
    wait_for("focus on the front's input", 2_000.0, || focused_in_shadow().as_deref() == Some("file-id_file")).await;
    handle.destroy();
    Function::new_no_args("document.getElementById('shadow-host').remove()").call0(&JsValue::NULL).unwrap();
}

fn focused(root: &Element) -> Option<String> {
    let active = web_sys::window().unwrap().document().unwrap().active_element()?;
    root.contains(Some(&active)).then(|| active.get_attribute("data-testid").unwrap_or_else(|| active.tag_name()))
}

#[wasm_bindgen_test]
async fn a_photo_shows_a_preview_whose_url_is_revoked_on_replace_remove_and_destroy() {
    let w = Widget::mount(options(QualityGate::Block)).await;
    assert!(by_testid(&w.root, "live").is_some(), "the live region exists before the first announcement");
    pick_document(&w.root, "passport");
    w.choose("id_file", &file("sharp.jpg", fixture!("sharp.jpg"), "image/jpeg")).await;
    let preview = testid(&w.root, "preview-id_file");
    let src = preview.get_attribute("src").unwrap_or_default();
    assert!(src.starts_with("blob:"), "{src}");
    // The thumbnail, not the 12 MP photo: it was drawn from the gate's decode.
    let image: web_sys::HtmlImageElement = preview.unchecked_into();
    wait_for("the thumbnail to load", 2_000.0, || image.complete() && image.natural_width() > 0).await;
    assert!(image.natural_width().max(image.natural_height()) <= 192, "{}x{}", image.natural_width(), image.natural_height());
    let input = testid(&w.root, "file-id_file");
    assert_eq!(input.get_attribute("aria-required").as_deref(), Some("true"));
    assert!(input.get_attribute("aria-describedby").unwrap_or_default().contains("kyc-file-id_file"), "the chosen file describes the input");

    // Replaced: the old preview's URL is revoked, the new one lives.
    w.choose("id_file", &file("sharp.png", fixture!("sharp.png"), "image/png")).await;
    let replaced = testid(&w.root, "preview-id_file").get_attribute("src").unwrap_or_default();
    assert_ne!(replaced, src);
    assert!(!fetches(&src).await, "the replaced preview's URL was revoked");
    assert!(fetches(&replaced).await, "the current preview's URL still loads");

    click(&w.root, "remove-id_file");
    wait_for("the slot to empty", 2_000.0, || by_testid(&w.root, "preview-id_file").is_none()).await;
    assert_eq!(focused(&w.root).as_deref(), Some("file-id_file"), "Remove hands focus to the slot's choose action");
    assert!(!fetches(&replaced).await, "the removed preview's URL was revoked");

    // Unmounted (`destroy()`): the shown preview's URL goes too.
    w.choose("id_file", &file("sharp.jpg", fixture!("sharp.jpg"), "image/jpeg")).await;
    let shown = testid(&w.root, "preview-id_file").get_attribute("src").unwrap_or_default();
    assert!(fetches(&shown).await);
    drop(w);
    yew::scheduler::flush().await;
    assert!(!fetches(&shown).await, "destroy revoked the preview's URL");
}

/// Whether `url` can still be fetched (a revoked object URL cannot).
async fn fetches(url: &str) -> bool {
    wasm_bindgen_futures::JsFuture::from(web_sys::window().unwrap().fetch_with_str(url)).await.is_ok()
}

#[wasm_bindgen_test]
async fn a_rejected_customer_can_start_again_with_fresh_files() {
    let mut w = Widget::mount(options(QualityGate::Off)).await;
    pick_document(&w.root, "passport");
    w.choose("id_file", &file("old.jpg", FAKE_JPEG, "image/jpeg")).await;
    w.props.status = Some(Verification::Rejected { reason: Some("Document expired".into()) });
    w.app.as_mut().unwrap().update(w.props.clone());
    wait_for("the rejection", 2_000.0, || by_testid(&w.root, "restart").is_some()).await;
    assert!(by_testid(&w.root, "submit").is_none());

    click(&w.root, "restart");
    wait_for("the form again", 2_000.0, || by_testid(&w.root, "submit").is_some()).await;
    assert_eq!(stage(&w.root), "editing");
    assert!(by_testid(&w.root, "status").is_none());
    assert_eq!(shown_name(&w.root, "id_file"), None, "fresh files: the old ones are gone");
    assert_eq!(testid(&w.root, "doc-type").unchecked_into::<HtmlSelectElement>().value(), "");
    assert_eq!(focused(&w.root).as_deref(), Some("doc-type"));
    assert!(w.text("live").contains("Start again"), "{}", w.text("live"));
}

#[wasm_bindgen_test]
async fn a_submit_with_problems_focuses_the_first_and_names_them() {
    let w = Widget::mount(options(QualityGate::Off)).await;
    click(&w.root, "submit");
    yew::scheduler::flush().await;
    assert_eq!(focused(&w.root).as_deref(), Some("doc-type"));
    let select = testid(&w.root, "doc-type");
    assert_eq!(select.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(select.get_attribute("aria-describedby").unwrap_or_default().contains("kyc-message"));

    pick_document(&w.root, "drivers_license");
    yew::scheduler::flush().await;
    w.choose("id_file_back", &file("back.jpg", FAKE_JPEG, "image/jpeg")).await;
    click(&w.root, "submit");
    yew::scheduler::flush().await;
    assert_eq!(focused(&w.root).as_deref(), Some("file-id_file"), "the first slot with a problem");
    assert_eq!(testid(&w.root, "file-id_file").get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(w.text("message").contains("Front of your driver's license"), "{}", w.text("message"));
    assert_eq!(w.token_calls.get(), 0);
}

#[wasm_bindgen_test]
async fn the_pending_panel_gives_a_date_and_after_5_hours_the_way_to_operations() {
    let hour = 3_600_000.0;
    let mut options = options(QualityGate::Off);
    options.support_url = Some("mailto:operations@bank.example".into());
    let mut w = Widget::mount(options).await;
    w.props.status = Some(Verification::Pending { since_ms: js_sys::Date::now() - hour });
    w.app.as_mut().unwrap().update(w.props.clone());
    wait_for("the pending panel", 2_000.0, || by_testid(&w.root, "status").is_some()).await;
    let panel = w.text("status");
    assert!(panel.contains("at most 2 hours") && panel.contains("close this page"), "{panel}");
    assert!(by_testid(&w.root, "support-link").is_none(), "no escalation before 5 hours");

    w.props.status = Some(Verification::Pending { since_ms: js_sys::Date::now() - 6.0 * hour });
    w.app.as_mut().unwrap().update(w.props.clone());
    wait_for("the overdue panel", 2_000.0, || by_testid(&w.root, "support-link").is_some()).await;
    assert_eq!(testid(&w.root, "support-link").get_attribute("href").as_deref(), Some("mailto:operations@bank.example"));
    assert!(w.text("status").contains("operations team"), "{}", w.text("status"));
}

/// The resume record's keeper writes each change, a change back to an
/// earlier record too, and the same record twice only once; an empty record
/// removes the stored one.
#[wasm_bindgen_test]
fn the_resume_keeper_writes_each_change_and_a_change_back() {
    use kyc_upload::core::resume::{storage_key, ResumeRecord, SavedFile};
    use kyc_upload::web::resume::Keeper;
    let storage = web_sys::window().unwrap().session_storage().unwrap().unwrap();
    let key = storage_key("cus_keeper");
    let stored = || storage.get_item(&key).unwrap();
    let final_sent = || stored().map(|text| serde_json::from_str::<serde_json::Value>(&text).unwrap()["final_sent"].clone());
    let file = SavedFile { slot: "id_file".into(), name: "passport.jpg".into(), size: 1234, file_id: "file_1".into(), accepted: false };
    let before = ResumeRecord { document: Some("passport".into()), files: vec![file], key_prefix: "k".into(), ..ResumeRecord::default() };
    let sent = ResumeRecord { final_sent: true, ..before.clone() };
    let keeper = Keeper::new("cus_keeper");

    keeper.keep(before.clone());
    assert_eq!(final_sent(), Some(false.into()));
    storage.set_item(&key, "unchanged").unwrap();
    keeper.keep(before.clone());
    assert_eq!(stored().as_deref(), Some("unchanged"), "the same record again is not written");
    keeper.keep(sent);
    assert_eq!(final_sent(), Some(true.into()));
    keeper.keep(before);
    assert_eq!(final_sent(), Some(false.into()), "a change back is written");
    keeper.keep(ResumeRecord::default());
    assert_eq!(stored(), None);
}
