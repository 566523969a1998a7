//! The platform's document rules: upload slots, accepted document types and
//! which slots a document type shows and requires.

use crate::core::catalog::Msg;
use std::fmt;

/// One of the four files a customer can upload, named after its API field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Slot {
    /// Front of the identity document; sending it triggers verification.
    IdFile,
    /// Back of a two-sided document (driver's license, resident permit).
    IdFileBack,
    /// A recent utility bill or bank statement.
    ProofOfAddress,
    /// A selfie photo or short video for the liveness check.
    Liveness,
}

impl Slot {
    /// Every slot, in the order the form shows them.
    pub const ALL: [Slot; 4] = [Slot::IdFile, Slot::IdFileBack, Slot::ProofOfAddress, Slot::Liveness];

    /// [`Slot::ALL`] as a static, for iterators that hand out references.
    pub const ALL_REF: &'static [Slot; 4] = &Slot::ALL;

    /// The API field name, also used in the DOM test hooks (`file-<field>`).
    pub fn field(self) -> &'static str {
        match self {
            Slot::IdFile => "id_file",
            Slot::IdFileBack => "id_file_back",
            Slot::ProofOfAddress => "proof_of_address_file",
            Slot::Liveness => "liveness_check_file",
        }
    }

    /// Parses an API field name.
    pub fn from_field(field: &str) -> Option<Slot> {
        Slot::ALL.into_iter().find(|slot| slot.field() == field)
    }

    /// The label the form shows for this slot, given the document type:
    /// what to photograph, in the customer's words.
    pub fn label(self, document: Option<DocumentType>) -> Msg {
        use DocumentType::{DriversLicense, Passport, ResidentPermit};
        match (self, document) {
            (Slot::IdFile, Some(Passport)) => Msg::SlotPassportPage,
            (Slot::IdFile, Some(DriversLicense)) => Msg::SlotLicenseFront,
            (Slot::IdFile, Some(ResidentPermit)) => Msg::SlotPermitFront,
            (Slot::IdFile, None) => Msg::SlotDocumentFront,
            (Slot::IdFileBack, Some(DriversLicense)) => Msg::SlotLicenseBack,
            (Slot::IdFileBack, Some(ResidentPermit)) => Msg::SlotPermitBack,
            (Slot::IdFileBack, _) => Msg::SlotDocumentBack,
            (Slot::ProofOfAddress, _) => Msg::SlotProofOfAddress,
            (Slot::Liveness, _) => Msg::SlotSelfie,
        }
    }

    /// How to take a photo that passes, shown under the label.
    pub fn instruction(self, document: Option<DocumentType>) -> Msg {
        match (self, document) {
            (Slot::IdFile, Some(DocumentType::Passport)) => Msg::HintPassport,
            (Slot::IdFile | Slot::IdFileBack, _) => Msg::HintCard,
            (Slot::ProofOfAddress, _) => Msg::HintProofOfAddress,
            (Slot::Liveness, _) => Msg::HintSelfie,
        }
    }

    /// Whether the file is a photo of the identity document itself.
    pub fn is_identity_document(self) -> bool {
        matches!(self, Slot::IdFile | Slot::IdFileBack)
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field())
    }
}

/// An identity document the platform accepts. National ID cards are not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocumentType {
    /// A passport: single-sided.
    Passport,
    /// A driver's license: two-sided.
    DriversLicense,
    /// A resident permit: two-sided.
    ResidentPermit,
}

/// Why a document type string was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocumentTypeError {
    /// National ID cards are explicitly not accepted by the platform.
    NationalIdNotAccepted,
    /// Anything else that is not one of the three accepted values.
    Unknown(String),
}

impl DocumentType {
    /// The accepted document types, in the order the select shows them.
    pub const ALL: [DocumentType; 3] =
        [DocumentType::Passport, DocumentType::DriversLicense, DocumentType::ResidentPermit];

    /// The API value (`passport`, `drivers_license`, `resident_permit`).
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentType::Passport => "passport",
            DocumentType::DriversLicense => "drivers_license",
            DocumentType::ResidentPermit => "resident_permit",
        }
    }

    /// The human label.
    pub fn label(self) -> Msg {
        match self {
            DocumentType::Passport => Msg::DocPassport,
            DocumentType::DriversLicense => Msg::DocDriversLicense,
            DocumentType::ResidentPermit => Msg::DocResidentPermit,
        }
    }

    /// Parses an API value; national IDs and unknown values are refused.
    pub fn parse(value: &str) -> Result<DocumentType, DocumentTypeError> {
        if let Some(doc) = DocumentType::ALL.into_iter().find(|d| d.as_str() == value) {
            return Ok(doc);
        }
        let folded: String = value.to_ascii_lowercase().chars().filter(char::is_ascii_alphanumeric).collect();
        // A byte-window search: `str::contains` would link the two-way string
        // searcher (about 2 kB of wasm) for this one check.
        if folded.as_bytes().windows(8).any(|w| w == b"national") || folded == "nid" || folded == "idcard" {
            Err(DocumentTypeError::NationalIdNotAccepted)
        } else {
            Err(DocumentTypeError::Unknown(value.to_owned()))
        }
    }

    /// Whether the document has a back side that must be uploaded too.
    pub fn is_two_sided(self) -> bool {
        !matches!(self, DocumentType::Passport)
    }
}

/// The kind of customer; only individuals may use this widget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomerType {
    /// A natural person: the KYC flow this widget implements.
    Individual,
    /// A company: refused, it must go through the KYB flow.
    Business,
}

impl CustomerType {
    /// Parses the API value.
    pub fn parse(value: &str) -> Option<CustomerType> {
        match value {
            "individual" => Some(CustomerType::Individual),
            "business" => Some(CustomerType::Business),
            _ => None,
        }
    }
}

/// Which optional slots the host requires.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Requirements {
    /// `requireProofOfAddress`.
    pub proof_of_address: bool,
    /// `requireLiveness`.
    pub liveness: bool,
}

/// Whether the form shows `slot` for the chosen document type.
/// The back side is shown only for two-sided documents.
pub fn slot_visible(document: Option<DocumentType>, slot: Slot) -> bool {
    match slot {
        Slot::IdFileBack => document.is_some_and(DocumentType::is_two_sided),
        _ => true,
    }
}

/// Whether `slot` must have a file before the form can be submitted.
pub fn slot_required(document: Option<DocumentType>, slot: Slot, required: Requirements) -> bool {
    match slot {
        Slot::IdFile => true,
        Slot::IdFileBack => slot_visible(document, slot),
        Slot::ProofOfAddress => required.proof_of_address,
        Slot::Liveness => required.liveness,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_id_is_refused_in_every_spelling() {
        for value in ["national_id", "NATIONAL_ID", "national-id", "nationalId", "id_card"] {
            assert_eq!(DocumentType::parse(value), Err(DocumentTypeError::NationalIdNotAccepted), "{value}");
        }
        assert_eq!(DocumentType::parse("visa"), Err(DocumentTypeError::Unknown("visa".into())));
    }

    #[test]
    fn back_side_follows_the_document_type() {
        let none = Requirements::default();
        assert!(!slot_visible(Some(DocumentType::Passport), Slot::IdFileBack));
        assert!(!slot_required(Some(DocumentType::Passport), Slot::IdFileBack, none));
        for doc in [DocumentType::DriversLicense, DocumentType::ResidentPermit] {
            assert!(slot_visible(Some(doc), Slot::IdFileBack));
            assert!(slot_required(Some(doc), Slot::IdFileBack, none));
        }
        assert!(!slot_visible(None, Slot::IdFileBack));
    }

    #[test]
    fn optional_slots_follow_the_host() {
        let doc = Some(DocumentType::Passport);
        assert!(!slot_required(doc, Slot::ProofOfAddress, Requirements::default()));
        let all = Requirements { proof_of_address: true, liveness: true };
        assert!(slot_required(doc, Slot::ProofOfAddress, all));
        assert!(slot_required(doc, Slot::Liveness, all));
        assert!(slot_required(None, Slot::IdFile, Requirements::default()));
    }

    #[test]
    fn fields_round_trip() {
        for slot in Slot::ALL {
            assert_eq!(Slot::from_field(slot.field()), Some(slot));
        }
        for doc in DocumentType::ALL {
            assert_eq!(DocumentType::parse(doc.as_str()), Ok(doc));
        }
    }
}
