//! What survives a page reload mid-upload: for one customer, the document
//! type and, per slot, the name, size and platform file id of each file
//! already uploaded, the session's idempotency-key prefix and whether the
//! request carrying `id_file` went out unanswered. Never file contents,
//! never a token (a key prefix is not a secret). Records expire.

use crate::core::rules::{DocumentType, Slot};
use serde::{Deserialize, Serialize};

/// How long a record stays usable after its last change: an onboarding
/// session, not a day (1 hour, in milliseconds).
pub const RECORD_TTL_MS: f64 = 3600.0 * 1000.0;

/// The `sessionStorage` key for a customer's record.
pub fn storage_key(customer_id: &str) -> String {
    format!("kyc-upload:v1:{customer_id}")
}

/// One uploaded file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFile {
    /// The slot's field name.
    pub slot: String,
    /// The file name as chosen.
    pub name: String,
    /// Its size in bytes.
    #[serde(serialize_with = "crate::core::api::bytes_as_number")]
    pub size: u64,
    /// The platform's file id.
    pub file_id: String,
    /// Whether a files request accepted it.
    pub accepted: bool,
}

/// A customer's record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResumeRecord {
    /// When it last changed (ms since the epoch).
    pub updated_ms: f64,
    /// The chosen document type's API value.
    pub document: Option<String>,
    /// Files already uploaded.
    pub files: Vec<SavedFile>,
    /// The idempotency-key prefix of the session ([`crate::core::plan::idempotency_key`]).
    #[serde(default)]
    pub key_prefix: String,
    /// The request carrying `id_file` was sent and its outcome is not
    /// settled: a reload reads the customer's status before anything else.
    #[serde(default)]
    pub final_sent: bool,
}

impl ResumeRecord {
    /// Whether the record holds nothing worth keeping.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The record if it is still fresh at `now_ms` and consistent: known
    /// slots only, at most one file per slot, a document type the platform
    /// accepts, and no back side for a single-sided document.
    pub fn usable(self, now_ms: f64) -> Option<ResumeRecord> {
        let age = now_ms - self.updated_ms;
        if !(0.0..RECORD_TTL_MS).contains(&age) {
            return None;
        }
        let document = self.document.as_deref().and_then(|d| DocumentType::parse(d).ok());
        let mut files: Vec<SavedFile> = Vec::new();
        for file in self.files {
            let Some(slot) = Slot::from_field(&file.slot) else { continue };
            let back_ok = slot != Slot::IdFileBack || document.is_some_and(DocumentType::is_two_sided);
            if back_ok && !file.file_id.is_empty() && !files.iter().any(|f| f.slot == file.slot) {
                files.push(file);
            }
        }
        let final_sent = self.final_sent && files.iter().any(|f| f.slot == Slot::IdFile.field());
        (!files.is_empty()).then(|| ResumeRecord {
            updated_ms: self.updated_ms,
            document: document.map(|d| d.as_str().into()),
            files,
            key_prefix: self.key_prefix,
            final_sent,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(slot: &str) -> SavedFile {
        SavedFile { slot: slot.into(), name: "a.jpg".into(), size: 10, file_id: format!("file_{slot}"), accepted: false }
    }

    #[test]
    fn records_expire() {
        let record = ResumeRecord { updated_ms: 0.0, document: Some("passport".into()), files: vec![file("id_file")], ..ResumeRecord::default() };
        assert!(record.clone().usable(RECORD_TTL_MS - 1.0).is_some());
        assert!(record.clone().usable(RECORD_TTL_MS).is_none());
        assert!(record.usable(-1.0).is_none(), "from the future");
    }

    #[test]
    fn inconsistent_entries_are_dropped() {
        let record = ResumeRecord {
            updated_ms: 0.0,
            document: Some("passport".into()),
            files: vec![file("id_file"), file("id_file"), file("id_file_back"), file("nonsense")],
            ..ResumeRecord::default()
        };
        let usable = record.usable(1.0).unwrap();
        assert_eq!(usable.files, vec![file("id_file")]);
        let national = ResumeRecord { updated_ms: 0.0, document: Some("national_id".into()), files: vec![file("liveness_check_file")], ..ResumeRecord::default() };
        assert_eq!(national.usable(1.0).unwrap().document, None);
    }

    #[test]
    fn round_trips_through_json() {
        let record = ResumeRecord {
            updated_ms: 5.0,
            document: Some("drivers_license".into()),
            files: vec![file("id_file_back"), file("id_file")],
            key_prefix: "0f1e".into(),
            final_sent: true,
        };
        let text = serde_json::to_string(&record).unwrap();
        assert!(!text.contains("token"));
        assert_eq!(serde_json::from_str::<ResumeRecord>(&text).unwrap(), record);
        let older = r#"{"updated_ms": 5.0, "document": null, "files": []}"#;
        assert_eq!(serde_json::from_str::<ResumeRecord>(older).unwrap().key_prefix, "", "records from before keys were kept");
    }

    #[test]
    fn an_unsettled_request_survives_only_with_its_id_file() {
        let record = ResumeRecord { updated_ms: 0.0, files: vec![file("id_file")], key_prefix: "k".into(), final_sent: true, ..ResumeRecord::default() };
        let usable = record.clone().usable(1.0).unwrap();
        assert!(usable.final_sent);
        assert_eq!(usable.key_prefix, "k");
        let without_id = ResumeRecord { files: vec![file("liveness_check_file")], ..record };
        assert!(!without_id.usable(1.0).unwrap().final_sent);
    }
}
