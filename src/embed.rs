//! The JavaScript embedding surface, and nothing else: `mount(el, options)`
//! returning a handle with `setStatus`, `update`, `busy` and `destroy`,
//! `checkImage(blob)`, and the `<kyc-upload>` custom element.
//!
//! The host's callbacks are looked up when the widget calls them, so
//! `update` can replace them (and every other option but the customer and
//! the API) while a submission runs, without restarting anything.

use crate::core::api::FilesRequest;
use crate::core::options::{parse_options, Options, RawValue, CALLBACK_OPTIONS};
use crate::core::status::Verification;
use crate::web::components::{KycUpload, KycUploadProps, ProgressInfo, SubmittedInfo, WidgetError};
use crate::web::image::{check_image, report_to_js};
use crate::web::js::{now_ms, to_js};
use crate::web::token::TokenSource;
use js_sys::{Function, Object, Reflect};
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use yew::{AppHandle, Callback, Renderer};

#[wasm_bindgen(module = "/www/element.js")]
extern "C" {
    #[wasm_bindgen(js_name = defineKycUploadElement)]
    fn define_kyc_upload_element(mount: &Function);
}

/// Registers `<kyc-upload>` when the module is initialised.
#[wasm_bindgen(start)]
pub fn start() {
    let mount = Closure::<dyn Fn(web_sys::Element, JsValue) -> Result<WidgetHandle, JsValue>>::new(mount);
    define_kyc_upload_element(mount.as_ref().unchecked_ref());
    // The element class lives for the page's lifetime, and so does this.
    mount.forget();
}

/// A mounted widget.
#[wasm_bindgen]
pub struct WidgetHandle {
    app: Option<AppHandle<KycUpload>>,
    props: KycUploadProps,
    callbacks: Rc<RefCell<HostCallbacks>>,
    busy: Rc<Cell<bool>>,
}

/// The host's `on*` functions, replaced by `update`.
#[derive(Default)]
struct HostCallbacks {
    on_progress: Option<Function>,
    on_submitted: Option<Function>,
    on_error: Option<Function>,
    on_status_change: Option<Function>,
    on_continue: Option<Function>,
}

impl HostCallbacks {
    fn from_options(options: &JsValue) -> HostCallbacks {
        HostCallbacks {
            on_progress: function(options, "onProgress"),
            on_submitted: function(options, "onSubmitted"),
            on_error: function(options, "onError"),
            on_status_change: function(options, "onStatusChange"),
            on_continue: function(options, "onContinue"),
        }
    }
}

/// The "Continue" prop: shown only while the host has an `onContinue`.
fn continue_prop(callbacks: &Rc<RefCell<HostCallbacks>>) -> Option<Callback<()>> {
    let set = callbacks.borrow().on_continue.is_some();
    set.then(|| js_callback(callbacks, |c| &c.on_continue, |()| JsValue::UNDEFINED))
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Shows a verification result the host learned from a webhook:
    /// `"verified"`, `"rejected"` (with an optional reason) or `"pending"`.
    #[wasm_bindgen(js_name = setStatus)]
    pub fn set_status(&mut self, status: &str, reason: Option<String>) -> Result<(), JsValue> {
        let verification = match status {
            "verified" => Verification::Verified,
            "rejected" => Verification::Rejected { reason },
            "pending" => Verification::Pending { since_ms: now_ms() },
            other => {
                return Err(error(
                    "invalid_status",
                    &format!("setStatus: unknown status \"{other}\"; use \"verified\", \"rejected\" or \"pending\"."),
                    None,
                ))
            }
        };
        self.props.status = Some(verification);
        if let Some(app) = self.app.as_mut() {
            app.update(self.props.clone());
        }
        Ok(())
    }

    /// Applies new options to the running widget without restarting it: a
    /// submission in flight goes on. Takes the same object as `mount` and
    /// throws the same `invalid_option` errors; `customerId` and `apiBase`
    /// cannot change (destroy the widget and mount it again for another
    /// customer or platform). A new `getToken` is used from the next token
    /// fetch; new `on*` callbacks from their next call.
    pub fn update(&mut self, options: JsValue) -> Result<(), JsValue> {
        let (parsed, get_token) = checked_options(&options, "update")?;
        for (option, now, before) in [
            ("customerId", &parsed.customer_id, &self.props.options.customer_id),
            ("apiBase", &parsed.api_base, &self.props.options.api_base),
        ] {
            if now != before {
                return Err(error(
                    "invalid_option",
                    &format!("update: `{option}` cannot change on a mounted widget; destroy it and mount a new one."),
                    Some(option),
                ));
            }
        }
        *self.callbacks.borrow_mut() = HostCallbacks::from_options(&options);
        self.props.on_continue = continue_prop(&self.callbacks);
        self.props.tokens = TokenSource::Js(get_token);
        self.props.options = Rc::new(parsed);
        if let Some(app) = self.app.as_mut() {
            app.update(self.props.clone());
        }
        Ok(())
    }

    /// Whether a submission is running (uploads may be in flight): a host
    /// that must restart the widget now would interrupt it.
    #[wasm_bindgen(getter)]
    pub fn busy(&self) -> bool {
        self.busy.get()
    }

    /// Unmounts the widget: aborts in-flight uploads and frees every closure.
    /// Safe in the task that mounted it (React's StrictMode mounts, unmounts
    /// and mounts again at once): nothing of that widget stays.
    pub fn destroy(&mut self) {
        if let Some(app) = self.app.take() {
            // Yew creates a component in its scheduler's run, queued at
            // mount, and runs any destroy queued before that first, where
            // it finds nothing to destroy; the component was then created
            // anyway and lived on beside the next widget. So the destroy
            // waits for that run (the same queue, after it). No paint
            // comes between.
            wasm_bindgen_futures::spawn_local(async move { app.destroy() });
        }
        self.busy.set(false);
    }
}

/// Mounts the widget into `element`. Throws an `Error` with a `code`
/// (`invalid_option`) and the `option` at fault when the options are wrong.
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, options: JsValue) -> Result<WidgetHandle, JsValue> {
    let is_element = property(&element, "nodeType").as_f64() == Some(1.0);
    checked_argument(&element, is_element, "element", "mount: the first argument is not a DOM element (did the selector match nothing?).")?;
    let (parsed, get_token) = checked_options(&options, "mount")?;
    let callbacks = Rc::new(RefCell::new(HostCallbacks::from_options(&options)));
    let busy = Rc::new(Cell::new(false));
    let props = KycUploadProps {
        options: Rc::new(parsed),
        tokens: TokenSource::Js(get_token),
        on_progress: js_callback(&callbacks, |c| &c.on_progress, progress_to_js),
        on_submitted: js_callback(&callbacks, |c| &c.on_submitted, submitted_to_js),
        on_error: js_callback(&callbacks, |c| &c.on_error, |e: WidgetError| {
            error_object(&e.code, &e.message, e.slot.map(|s| s.field()))
        }),
        on_status_change: js_callback(&callbacks, |c| &c.on_status_change, status_to_js),
        status: None,
        on_busy_change: {
            let busy = busy.clone();
            Callback::from(move |now: bool| busy.set(now))
        },
        on_continue: continue_prop(&callbacks),
    };
    // Yew empties the element first (node by node: no `innerHTML`, which a
    // page enforcing Trusted Types refuses).
    let app = Renderer::<KycUpload>::with_root_and_props(element, props.clone()).render();
    Ok(WidgetHandle { app: Some(app), props, callbacks, busy })
}

/// Refuses a first argument that does not fit (`fits`, duck-typed by the
/// caller, so an element or Blob of another realm passes): the JS glue
/// passes any value through, and a `null` (a selector that matched nothing)
/// would throw deep inside the widget. The error names the `option`.
fn checked_argument(value: &JsValue, fits: bool, option: &str, message: &str) -> Result<(), JsValue> {
    if value.is_object() && fits {
        Ok(())
    } else {
        Err(error("invalid_option", message, Some(option)))
    }
}

/// A property of a value (`undefined` for a primitive or a throwing getter).
fn property(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap_or_default()
}

/// Checks an options object for `mount` or `update` (`caller`): the parsed
/// options and the `getToken` function, or the `invalid_option` error.
fn checked_options(options: &JsValue, caller: &str) -> Result<(Options, Function), JsValue> {
    if !options.is_object() {
        return Err(error("invalid_option", &format!("{caller}: the argument must be an options object."), None));
    }
    let parsed = parse_options(&raw_entries(options, 0)).map_err(|e| error(e.code(), &e.message, Some(&e.option)))?;
    // `parse_options` checked that it is a function; this only fails if the
    // getter answers differently the second time.
    let get_token = function(options, "getToken")
        .ok_or_else(|| error("invalid_option", "`getToken` must be a function.", Some("getToken")))?;
    Ok((parsed, get_token))
}

/// The function under `name` in `options` (any realm's), if it is one.
fn function(options: &JsValue, name: &str) -> Option<Function> {
    Some(property(options, name)).filter(JsValue::is_function).map(JsCast::unchecked_into)
}

/// Checks a photo with the quality gate, as the widget does when a file is
/// chosen: `Promise<{verdict, reasons: [{code, message}], width, height, metrics}>`.
#[wasm_bindgen(js_name = checkImage)]
pub async fn check_image_js(blob: JsValue) -> Result<JsValue, JsValue> {
    let is_blob = property(&blob, "size").as_f64().is_some() && property(&blob, "slice").is_function();
    checked_argument(&blob, is_blob, "blob", "checkImage: the first argument is not a Blob or File.")?;
    match check_image(blob.unchecked_ref()).await {
        Ok(report) => Ok(report_to_js(&report)),
        Err(e) => match e.reason() {
            Some(code) => Ok(report_to_js(&crate::core::quality::Report::failed(code))),
            None => Err(error(e.code(), e.message().english(), None)),
        },
    }
}

/// The options object's own properties, each reduced to what checking
/// needs; objects are read two levels deep (`messages: {es: {...}}`).
fn raw_entries(options: &JsValue, depth: u8) -> Vec<(String, RawValue)> {
    let object: &Object = options.unchecked_ref();
    let mut entries = Vec::new();
    for key in Object::keys(object).iter().filter_map(|key| key.as_string()) {
        let value = raw_value(&property(options, &key), depth);
        entries.push((key, value));
    }
    entries
}

fn raw_value(value: &JsValue, depth: u8) -> RawValue {
    if value.is_undefined() {
        RawValue::Undefined
    } else if value.is_null() {
        RawValue::Null
    } else if let Some(b) = value.as_bool() {
        RawValue::Bool(b)
    } else if let Some(n) = value.as_f64() {
        RawValue::Number(n)
    } else if let Some(s) = value.as_string() {
        RawValue::String(s)
    } else if value.is_function() {
        RawValue::Function
    } else if js_sys::Array::is_array(value) {
        RawValue::Other("array".into())
    } else if value.is_object() && depth < 2 {
        RawValue::Object(raw_entries(value, depth + 1))
    } else {
        RawValue::Other(value.js_typeof().as_string().unwrap_or_default())
    }
}

/// A callback prop that calls the host's current function, if any. The
/// function is cloned out first: the host may call `update` from inside it.
fn js_callback<T: 'static>(
    callbacks: &Rc<RefCell<HostCallbacks>>,
    pick: fn(&HostCallbacks) -> &Option<Function>,
    convert: fn(T) -> JsValue,
) -> Callback<T> {
    let callbacks = callbacks.clone();
    Callback::from(move |value: T| {
        let current = pick(&callbacks.borrow()).clone();
        if let Some(f) = current {
            // A throwing host callback must not break the widget.
            let _ = f.call1(&JsValue::UNDEFINED, &convert(value));
        }
    })
}

/// What `onError` receives.
#[derive(Serialize)]
struct ErrorPayload<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    slot: Option<&'a str>,
}

/// The fields a thrown `Error` carries besides its message.
#[derive(Serialize)]
struct ThrownFields<'a> {
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    option: Option<&'a str>,
}

/// What `onProgress` receives.
#[derive(Serialize)]
struct ProgressPayload<'a> {
    slot: &'a str,
    loaded: f64,
    total: f64,
    percent: f64,
}

/// What `onSubmitted` receives.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SubmittedPayload<'a> {
    customer_id: &'a str,
    files: FilesRequest<'a>,
    submitted_at: String,
}

/// What `onStatusChange` receives: `rejectionReason` (a string or `null`)
/// only for `rejected`, `since` only for `pending`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusPayload<'a> {
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rejection_reason: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    since: Option<String>,
}

fn error_object(code: &str, message: &str, slot: Option<&str>) -> JsValue {
    to_js(&ErrorPayload { code, message, slot })
}

fn error(code: &str, message: &str, option: Option<&str>) -> JsValue {
    let err = js_sys::Error::new(message);
    Object::assign(&err, to_js(&ThrownFields { code, option }).unchecked_ref());
    err.into()
}

fn iso_time(ms: f64) -> String {
    js_sys::Date::new(&JsValue::from_f64(ms)).to_iso_string().into()
}

fn progress_to_js(p: ProgressInfo) -> JsValue {
    let percent = if p.total > 0.0 { (p.loaded / p.total * 100.0).round() } else { 0.0 };
    to_js(&ProgressPayload { slot: p.slot.field(), loaded: p.loaded, total: p.total, percent })
}

fn submitted_to_js(s: SubmittedInfo) -> JsValue {
    to_js(&SubmittedPayload { customer_id: &s.customer_id, files: FilesRequest(&s.files), submitted_at: iso_time(s.submitted_at_ms) })
}

fn status_to_js(v: Verification) -> JsValue {
    to_js(&StatusPayload {
        status: v.as_str(),
        rejection_reason: match &v {
            Verification::Rejected { reason } => Some(reason.as_deref()),
            _ => None,
        },
        since: match v {
            Verification::Pending { since_ms } => Some(iso_time(since_ms)),
            _ => None,
        },
    })
}

/// Option names that take functions, exported for the custom element.
#[wasm_bindgen(js_name = callbackOptions)]
pub fn callback_options() -> js_sys::Array {
    CALLBACK_OPTIONS.iter().map(|s| JsValue::from_str(s)).collect()
}
