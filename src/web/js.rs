//! Small helpers over browser APIs used across the web layer: time,
//! timers, random ids, values out to JS (serde, through
//! `serde-wasm-bindgen`) and typed reads of values that come in.

use crate::core::api::{push_hex, ErrorDetail};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// An object URL for a blob, revoked when dropped: whoever holds it (a
/// preview's memo, the camera's taken photo) frees it by letting it go.
#[derive(PartialEq)]
pub struct ObjectUrl(pub String);

impl ObjectUrl {
    /// `URL.createObjectURL(blob)`, or `None` where it fails.
    pub fn of(blob: &web_sys::Blob) -> Option<ObjectUrl> {
        web_sys::Url::create_object_url_with_blob(blob).ok().map(ObjectUrl)
    }
}

impl Drop for ObjectUrl {
    fn drop(&mut self) {
        let _ = web_sys::Url::revoke_object_url(&self.0);
    }
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Resolves after `ms` milliseconds. Dropping the future clears the
/// timer, so a cancelled wait leaves nothing behind.
pub fn sleep(ms: u64) -> gloo_timers::future::TimeoutFuture {
    gloo_timers::future::TimeoutFuture::new(ms.min(i32::MAX as u64) as u32)
}

/// A random UUID (v4) for idempotency keys. `crypto.randomUUID` exists
/// only in secure contexts; a page on plain http (a phone testing a dev
/// server over the LAN) gets a time-and-random id instead of a throw.
pub fn uuid() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .filter(|c| js_sys::Reflect::has(c, &"randomUUID".into()).unwrap_or(false))
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| {
            let mut id = String::new();
            push_hex(&mut id, now_ms() as u64, 1);
            id.push('-');
            push_hex(&mut id, (js_sys::Math::random() * 1e16) as u64, 1);
            id
        })
}

/// A random 64-bit seed for retry jitter.
pub fn random_seed() -> u64 {
    (js_sys::Math::random() * (u32::MAX as f64)) as u64 ^ ((js_sys::Math::random() * (u32::MAX as f64)) as u64) << 32
}

/// The error text of a thrown JS value.
pub fn error_text(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// A Rust value as a plain JS value: structs become objects, `None`
/// becomes `null`, so the result is also what `JSON.stringify` expects.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    // Serialising our own data types into fresh JS values cannot fail.
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::UNDEFINED)
}

/// `JSON.stringify` of a Rust value.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    js_sys::JSON::stringify(&to_js(value)).map(String::from).unwrap_or_else(|_| "null".into())
}

// Values coming in (API answers, the stored resume record, the options and
// the token object) are read with the small typed reads below, not with
// serde-wasm-bindgen's `from_value`: its deserializer costs the bundle
// 45 kB raw, 20 kB gzipped (its error messages link float formatting), for
// a dozen fields. Serialising out costs a few kB and replaces every
// hand-built object, so that direction goes through serde.

/// `JSON.parse` of a text that must hold an object (the browser's parser:
/// every escape decoded exactly).
pub fn parse_object(text: &str) -> Option<JsValue> {
    js_sys::JSON::parse(text).ok().filter(JsValue::is_object)
}

/// A string property of a JS object.
pub fn get_string(object: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(object, &key.into()).ok()?.as_string()
}

/// A number property of a JS object.
pub fn get_number(object: &JsValue, key: &str) -> Option<f64> {
    js_sys::Reflect::get(object, &key.into()).ok()?.as_f64()
}

/// A boolean property of a JS object.
pub fn get_bool(object: &JsValue, key: &str) -> Option<bool> {
    js_sys::Reflect::get(object, &key.into()).ok()?.as_bool()
}

/// The contract error in a response body (`{"error": {"code", "message"}}`),
/// if the body is one.
pub fn error_detail(body: &str) -> Option<ErrorDetail> {
    let error = js_sys::Reflect::get(&parse_object(body)?, &"error".into()).ok()?;
    Some(ErrorDetail { code: get_string(&error, "code")?, message: get_string(&error, "message").unwrap_or_default() })
}
