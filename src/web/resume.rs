//! Keeps the resume record ([`crate::core::resume`]) in `sessionStorage`,
//! so a reloaded or restored tab shows the files already uploaded.

use crate::core::resume::{storage_key, ResumeRecord, SavedFile};
use crate::web::js::{get_number, get_string, now_ms, set, to_json};
use wasm_bindgen::{JsCast, JsValue};

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The customer's record, if one is stored and still usable.
pub fn load(customer_id: &str) -> Option<ResumeRecord> {
    let storage = storage()?;
    let key = storage_key(customer_id);
    let text = storage.get_item(&key).ok().flatten()?;
    let record = js_sys::JSON::parse(&text).ok().and_then(|v| from_js(&v));
    let usable = record.and_then(|r| r.usable(now_ms()));
    if usable.is_none() {
        let _ = storage.remove_item(&key);
    }
    usable
}

/// Stores the record, or removes it when it holds nothing.
pub fn save(customer_id: &str, record: &ResumeRecord) {
    let Some(storage) = storage() else { return };
    let key = storage_key(customer_id);
    if record.is_empty() {
        let _ = storage.remove_item(&key);
        return;
    }
    let _ = storage.set_item(&key, &to_json(&to_js(record)));
}

fn to_js(record: &ResumeRecord) -> JsValue {
    let object = js_sys::Object::new();
    set(&object, "updated_ms", record.updated_ms);
    set(&object, "document", record.document.clone().map(JsValue::from).unwrap_or(JsValue::NULL));
    let files: js_sys::Array = record
        .files
        .iter()
        .map(|f| {
            let file = js_sys::Object::new();
            set(&file, "slot", f.slot.as_str());
            set(&file, "name", f.name.as_str());
            set(&file, "size", f.size as f64);
            set(&file, "file_id", f.file_id.as_str());
            set(&file, "accepted", f.accepted);
            JsValue::from(file)
        })
        .collect();
    set(&object, "files", files);
    set(&object, "key_prefix", record.key_prefix.as_str());
    set(&object, "final_sent", record.final_sent);
    object.into()
}

/// Reads a stored record; anything malformed reads as no record.
fn from_js(value: &JsValue) -> Option<ResumeRecord> {
    let files = js_sys::Reflect::get(value, &"files".into()).ok()?.dyn_into::<js_sys::Array>().ok()?;
    let files = files
        .iter()
        .map(|f| {
            Some(SavedFile {
                slot: get_string(&f, "slot")?,
                name: get_string(&f, "name")?,
                size: get_number(&f, "size")? as u64,
                file_id: get_string(&f, "file_id")?,
                accepted: js_sys::Reflect::get(&f, &"accepted".into()).ok()?.as_bool()?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let final_sent = js_sys::Reflect::get(value, &"final_sent".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false);
    Some(ResumeRecord {
        updated_ms: get_number(value, "updated_ms")?,
        document: get_string(value, "document"),
        files,
        key_prefix: get_string(value, "key_prefix").unwrap_or_default(),
        final_sent,
    })
}
