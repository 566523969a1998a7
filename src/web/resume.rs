//! Keeps the resume record ([`crate::core::resume`]) in `sessionStorage`,
//! so a reloaded or restored tab shows the files already uploaded.

use crate::core::resume::{storage_key, ResumeRecord, SavedFile};
use crate::web::js::{get_bool, get_number, get_string, now_ms, to_json};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The customer's record, if one is stored and still usable.
pub fn load(customer_id: &str) -> Option<ResumeRecord> {
    let storage = storage()?;
    let key = storage_key(customer_id);
    let text = storage.get_item(&key).ok().flatten()?;
    // JSON.parse (the browser's) then typed reads: anything malformed reads
    // as no record, and is removed.
    let record = js_sys::JSON::parse(&text).ok().and_then(|v| from_js(&v));
    let usable = record.and_then(|r| r.usable(now_ms()));
    if usable.is_none() {
        let _ = storage.remove_item(&key);
    }
    usable
}

/// Stores the record, or removes it when it holds nothing.
fn save(customer_id: &str, record: &ResumeRecord) {
    let Some(storage) = storage() else { return };
    let key = storage_key(customer_id);
    if record.is_empty() {
        let _ = storage.remove_item(&key);
        return;
    }
    let _ = storage.set_item(&key, &to_json(record));
}

/// Writes a customer's record whenever it changes, whoever learns the
/// change first: the form after a render, or a submission about to send
/// `id_file` (which must not wait for one). It remembers what it wrote, so
/// a record is written once however many parts of the form hand it on, and
/// a change back to an earlier record is written too.
pub struct Keeper {
    customer_id: String,
    written: RefCell<Option<ResumeRecord>>,
}

impl Keeper {
    /// Keeps `customer_id`'s record; nothing is written until [`Keeper::keep`].
    pub fn new(customer_id: &str) -> Keeper {
        Keeper { customer_id: customer_id.into(), written: RefCell::new(None) }
    }

    /// Stores `record`, stamped with the time, unless it is what this
    /// keeper wrote last (the stamp aside).
    pub fn keep(&self, record: ResumeRecord) {
        if self.written.borrow().as_ref() == Some(&record) {
            return;
        }
        save(&self.customer_id, &ResumeRecord { updated_ms: now_ms(), ..record.clone() });
        *self.written.borrow_mut() = Some(record);
    }
}

/// Reads a stored record; anything malformed reads as no record.
fn from_js(value: &JsValue) -> Option<ResumeRecord> {
    let list = js_sys::Reflect::get(value, &"files".into()).ok()?.dyn_into::<js_sys::Array>().ok()?;
    let mut files = Vec::new();
    for f in list.iter() {
        files.push(SavedFile {
            slot: get_string(&f, "slot")?,
            name: get_string(&f, "name")?,
            size: get_number(&f, "size")? as u64,
            file_id: get_string(&f, "file_id")?,
            accepted: get_bool(&f, "accepted")?,
        });
    }
    let final_sent = get_bool(value, "final_sent").unwrap_or(false);
    Some(ResumeRecord {
        updated_ms: get_number(value, "updated_ms")?,
        document: get_string(value, "document"),
        files,
        key_prefix: get_string(value, "key_prefix").unwrap_or_default(),
        final_sent,
    })
}
