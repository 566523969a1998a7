//! Keeps the resume record ([`crate::core::resume`]) in `sessionStorage`,
//! so a reloaded or restored tab shows the files already uploaded.

use crate::core::resume::{storage_key, ResumeRecord};
use crate::web::js::now_ms;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The customer's record, if one is stored and still usable.
pub fn load(customer_id: &str) -> Option<ResumeRecord> {
    let storage = storage()?;
    let key = storage_key(customer_id);
    let text = storage.get_item(&key).ok().flatten()?;
    let record = js_sys::JSON::parse(&text).ok().and_then(|v| serde_wasm_bindgen::from_value::<ResumeRecord>(v).ok());
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
    let text = serde_wasm_bindgen::to_value(record).ok().and_then(|v| js_sys::JSON::stringify(&v).ok());
    if let Some(text) = text {
        let _ = storage.set_item(&key, &String::from(text));
    }
}
