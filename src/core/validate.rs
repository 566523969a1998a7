//! Checks made before any network traffic: per-file checks when a file is
//! chosen, and form checks when the customer submits.

use crate::core::catalog::{Arg, Msg, Text};
use crate::core::options::QualityGate;
use crate::core::rules::{slot_required, slot_visible, DocumentType, Requirements, Slot};
use crate::core::sniff::{slot_accepts, FileKind};

/// What the widget knows about a chosen file without reading all of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFacts {
    /// The file name as the browser reports it (untrusted text).
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// `File.lastModified`, in milliseconds since the epoch.
    pub last_modified: u64,
    /// Type sniffed from the first bytes; `None` when unrecognised.
    pub kind: Option<FileKind>,
}

impl FileFacts {
    /// Whether two chosen files are the same file picked twice.
    pub fn same_file_as(&self, other: &FileFacts) -> bool {
        self.name == other.name && self.size == other.size && self.last_modified == other.last_modified
    }
}

/// A problem found before upload; each has a stable code and a message
/// that tells the customer what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The file has no bytes.
    EmptyFile,
    /// The file is over the size limit and cannot be downscaled.
    FileTooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit in bytes.
        max: u64,
    },
    /// The content is none of the recognised types, whatever its name says.
    UnsupportedFileType,
    /// A recognised type that this slot does not take (a PDF as a photo).
    FileTypeNotAllowed {
        /// What the file is.
        kind: FileKind,
        /// Where it was chosen.
        slot: Slot,
    },
    /// The same file was chosen for another slot too.
    DuplicateFile {
        /// The other slot.
        other: Slot,
    },
    /// A required slot has no file.
    FileRequired {
        /// The empty slot.
        slot: Slot,
    },
    /// No document type was chosen.
    DocumentTypeRequired,
    /// A document type the platform does not accept (national ID cards).
    DocumentTypeNotAccepted,
}

impl Problem {
    /// Stable snake_case code (also passed to `onError`).
    pub fn code(&self) -> &'static str {
        match self {
            Problem::EmptyFile => "empty_file",
            Problem::FileTooLarge { .. } => "file_too_large",
            Problem::UnsupportedFileType => "unsupported_file_type",
            Problem::FileTypeNotAllowed { .. } => "file_type_not_allowed",
            Problem::DuplicateFile { .. } => "duplicate_file",
            Problem::FileRequired { .. } => "file_required",
            Problem::DocumentTypeRequired => "document_type_required",
            Problem::DocumentTypeNotAccepted => "document_type_not_accepted",
        }
    }

    /// The message shown to the customer.
    pub fn message(&self, document: Option<DocumentType>) -> Text {
        let msg = match self {
            Problem::EmptyFile => Msg::ProblemEmptyFile,
            Problem::FileTooLarge { size, max } => {
                return Msg::ProblemTooLarge.with("size", Arg::Bytes(*size)).and("max", Arg::Bytes(*max))
            }
            Problem::UnsupportedFileType => Msg::ProblemUnsupported,
            Problem::FileTypeNotAllowed { kind, slot } => {
                let msg = match slot {
                    Slot::IdFile | Slot::IdFileBack => Msg::ProblemNotAllowedDocument,
                    Slot::ProofOfAddress => Msg::ProblemNotAllowedProof,
                    Slot::Liveness => Msg::ProblemNotAllowedSelfie,
                };
                return msg.with("kind", kind.label().to_owned());
            }
            Problem::DuplicateFile { other } => return Msg::ProblemDuplicate.with("file", other.label(document)),
            Problem::FileRequired { slot } => match (slot, document) {
                (Slot::IdFile, Some(DocumentType::Passport)) => Msg::RequiredPassport,
                (Slot::IdFile, Some(DocumentType::DriversLicense)) => Msg::RequiredLicenseFront,
                (Slot::IdFile, Some(DocumentType::ResidentPermit)) => Msg::RequiredPermitFront,
                (Slot::IdFile, None) => Msg::RequiredDocument,
                (Slot::IdFileBack, Some(DocumentType::ResidentPermit)) => Msg::RequiredPermitBack,
                (Slot::IdFileBack, _) => Msg::RequiredLicenseBack,
                (Slot::ProofOfAddress, _) => Msg::RequiredProofOfAddress,
                (Slot::Liveness, _) => Msg::RequiredSelfie,
            },
            Problem::DocumentTypeRequired => Msg::ProblemDocumentType,
            Problem::DocumentTypeNotAccepted => Msg::ProblemNationalId,
        };
        msg.text()
    }
}

/// Checks one chosen file for `slot`. `can_downscale` says whether an
/// oversized file can be made smaller in the browser (decodable photos).
pub fn check_file(slot: Slot, facts: &FileFacts, max_size: u64, can_downscale: bool) -> Result<(), Problem> {
    if facts.size == 0 {
        return Err(Problem::EmptyFile);
    }
    let kind = facts.kind.ok_or(Problem::UnsupportedFileType)?;
    if !slot_accepts(slot, kind) {
        return Err(Problem::FileTypeNotAllowed { kind, slot });
    }
    if facts.size > max_size && !(can_downscale && kind.is_image()) {
        return Err(Problem::FileTooLarge { size: facts.size, max: max_size });
    }
    Ok(())
}

/// The slots that take part in a submission: the visible ones with a file.
pub fn submitted_slots(
    document: Option<DocumentType>,
    chosen: &[(Slot, FileFacts)],
) -> impl Iterator<Item = &(Slot, FileFacts)> {
    chosen.iter().filter(move |(slot, _)| slot_visible(document, *slot))
}

/// Checks the whole form on submit. Returns form-level problems and
/// per-slot problems; both empty means the form may be sent.
pub fn check_form(
    document: Option<DocumentType>,
    chosen: &[(Slot, FileFacts)],
    required: Requirements,
) -> (Vec<Problem>, Vec<(Slot, Problem)>) {
    let mut form = Vec::new();
    let mut slots = Vec::new();
    if document.is_none() {
        form.push(Problem::DocumentTypeRequired);
    }
    for slot in Slot::ALL {
        let has_file = chosen.iter().any(|(s, _)| *s == slot);
        if slot_required(document, slot, required) && !has_file {
            slots.push((slot, Problem::FileRequired { slot }));
        }
    }
    let visible: Vec<&(Slot, FileFacts)> = submitted_slots(document, chosen).collect();
    for (i, (slot, facts)) in visible.iter().enumerate() {
        if let Some((other, _)) = visible[..i].iter().find(|(_, earlier)| earlier.same_file_as(facts)) {
            slots.push((*slot, Problem::DuplicateFile { other: *other }));
        }
    }
    (form, slots)
}

/// Whether and how a chosen file's photo is analysed: `None` when it is
/// not (not a photo, or already refused), else the quality gate to apply.
/// Proofs of address are only analysed to downscale an oversized photo
/// (gate off); other slots get the configured gate, or are analysed with
/// the gate off when it is off but the photo is too large.
pub fn photo_gate(slot: Slot, facts: &FileFacts, refused: bool, gate: QualityGate, max_file_size: u64) -> Option<QualityGate> {
    let is_photo = facts.kind.is_some_and(FileKind::is_image);
    let gate = if slot == Slot::ProofOfAddress { QualityGate::Off } else { gate };
    let analyse = !refused && is_photo && (gate != QualityGate::Off || facts.size > max_file_size);
    analyse.then_some(gate)
}

/// The form-level message of a refused submit, as `(code, text)`: the
/// first form problem, else a summary naming the slots with problems (in
/// the form's order), else `None` (the form may be sent).
pub fn submit_summary(form: &[Problem], slot_problems: &[Slot], document: Option<DocumentType>) -> Option<(String, Text)> {
    if let Some(problem) = form.first() {
        return Some((problem.code().into(), problem.message(document)));
    }
    if slot_problems.is_empty() {
        return None;
    }
    let mut names = Vec::new();
    for slot in Slot::ALL {
        if slot_problems.contains(&slot) {
            names.push(Arg::from(slot.label(document)));
        }
    }
    let count = Arg::Count(slot_problems.len() as u64);
    Some(("invalid_files".into(), Msg::SummaryFiles.with("count", count).and("names", Arg::List(names))))
}

/// The longest file name the form shows, in characters.
pub const MAX_DISPLAY_NAME: usize = 48;

/// A file name made safe to show: control and bidirectional-override
/// characters removed (so `gpj.exe` can't pose as `exe.jpg`), and long
/// names shortened in the middle so the extension stays visible; empty
/// when nothing is left. Yew escapes the text, so markup in names stays
/// inert.
pub fn display_name(name: &str) -> String {
    let mut clean = String::new();
    for c in name.chars() {
        if !c.is_control() && !is_bidi_control(c) {
            clean.push(c);
        }
    }
    let clean = clean.trim();
    let count = clean.chars().count();
    if count <= MAX_DISPLAY_NAME {
        return clean.to_owned();
    }
    let tail = 12;
    let head = MAX_DISPLAY_NAME - tail - 1;
    // Byte offsets of the head's end and the tail's start.
    let at = |chars: usize| clean.char_indices().nth(chars).map_or(clean.len(), |(i, _)| i);
    [&clean[..at(head)], "\u{2026}", &clean[at(count - tail)..]].concat()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(name: &str, size: u64, kind: Option<FileKind>) -> FileFacts {
        FileFacts { name: name.into(), size, last_modified: 1, kind }
    }

    #[test]
    fn file_checks_give_specific_problems() {
        let max = 10 << 20;
        assert_eq!(check_file(Slot::IdFile, &facts("a.jpg", 0, None), max, true), Err(Problem::EmptyFile));
        assert_eq!(
            check_file(Slot::IdFile, &facts("setup.jpg", 100, None), max, true),
            Err(Problem::UnsupportedFileType)
        );
        assert_eq!(
            check_file(Slot::IdFile, &facts("a.pdf", 100, Some(FileKind::Pdf)), max, true),
            Err(Problem::FileTypeNotAllowed { kind: FileKind::Pdf, slot: Slot::IdFile })
        );
        let big_pdf = facts("bill.pdf", max + 1, Some(FileKind::Pdf));
        assert_eq!(
            check_file(Slot::ProofOfAddress, &big_pdf, max, true),
            Err(Problem::FileTooLarge { size: max + 1, max })
        );
        let big_photo = facts("a.jpg", max + 1, Some(FileKind::Jpeg));
        assert_eq!(check_file(Slot::IdFile, &big_photo, max, true), Ok(()));
        assert!(check_file(Slot::IdFile, &big_photo, max, false).is_err());
        assert_eq!(check_file(Slot::IdFile, &facts("a.jpg", max, Some(FileKind::Jpeg)), max, false), Ok(()));
    }

    #[test]
    fn form_checks_find_missing_back_and_duplicates() {
        let front = facts("front.jpg", 10, Some(FileKind::Jpeg));
        let chosen = vec![(Slot::IdFile, front.clone()), (Slot::Liveness, front)];
        let (form, slots) = check_form(Some(DocumentType::DriversLicense), &chosen, Requirements::default());
        assert!(form.is_empty());
        assert!(slots.contains(&(Slot::IdFileBack, Problem::FileRequired { slot: Slot::IdFileBack })));
        assert!(slots.contains(&(Slot::Liveness, Problem::DuplicateFile { other: Slot::IdFile })));

        let (form, _) = check_form(None, &[], Requirements::default());
        assert_eq!(form, vec![Problem::DocumentTypeRequired]);
    }

    #[test]
    fn hidden_back_side_is_ignored_for_passports() {
        let front = facts("front.jpg", 10, Some(FileKind::Jpeg));
        let chosen = vec![(Slot::IdFile, front.clone()), (Slot::IdFileBack, front)];
        let (form, slots) = check_form(Some(DocumentType::Passport), &chosen, Requirements::default());
        assert!(form.is_empty() && slots.is_empty(), "{slots:?}");
    }

    #[test]
    fn names_are_cleaned_and_shortened() {
        assert_eq!(display_name("photo\u{202E}gpj.exe"), "photogpj.exe");
        assert_eq!(display_name("<script>alert(1)</script>.jpg"), "<script>alert(1)</script>.jpg");
        let long = format!("{}.jpg", "a".repeat(500));
        let shown = display_name(&long);
        assert_eq!(shown.chars().count(), MAX_DISPLAY_NAME);
        assert!(shown.ends_with("aaaaaaaa.jpg") && shown.contains('\u{2026}'));
        // Shortened by characters, not bytes: 35 first, the ellipsis, 12 last.
        let wide = format!("{}{}.jpg", "日".repeat(30), "本".repeat(30));
        assert_eq!(display_name(&wide), format!("{}{}\u{2026}{}.jpg", "日".repeat(30), "本".repeat(5), "本".repeat(8)));
        assert_eq!(display_name("\u{0007}\n"), "");
    }

    #[test]
    fn which_photos_are_analysed() {
        let photo = FileFacts { name: "a.jpg".into(), size: 100, last_modified: 0, kind: Some(FileKind::Jpeg) };
        let pdf = FileFacts { kind: Some(FileKind::Pdf), ..photo.clone() };
        let big = FileFacts { size: 1_000, ..photo.clone() };
        assert_eq!(photo_gate(Slot::IdFile, &photo, false, QualityGate::Block, 500), Some(QualityGate::Block));
        assert_eq!(photo_gate(Slot::IdFile, &photo, true, QualityGate::Block, 500), None, "already refused");
        assert_eq!(photo_gate(Slot::IdFile, &pdf, false, QualityGate::Block, 500), None, "not a photo");
        assert_eq!(photo_gate(Slot::IdFile, &photo, false, QualityGate::Off, 500), None);
        assert_eq!(photo_gate(Slot::IdFile, &big, false, QualityGate::Off, 500), Some(QualityGate::Off), "downscale only");
        assert_eq!(photo_gate(Slot::ProofOfAddress, &photo, false, QualityGate::Warn, 500), None);
        assert_eq!(photo_gate(Slot::ProofOfAddress, &big, false, QualityGate::Warn, 500), Some(QualityGate::Off));
    }

    #[test]
    fn submit_summary_names_the_first_problem() {
        use crate::core::catalog::{tests::Plain, Catalog};
        let english = Catalog::default();
        assert_eq!(submit_summary(&[], &[], None), None);
        let (code, text) = submit_summary(&[], &[Slot::Liveness, Slot::IdFile], Some(DocumentType::DriversLicense)).unwrap();
        assert_eq!(code, "invalid_files");
        assert_eq!(
            english.render(&text, &Plain),
            "2 files need your attention before submitting: Front of your driver's license, Selfie."
        );
        let (_, text) = submit_summary(&[], &[Slot::IdFileBack], Some(DocumentType::ResidentPermit)).unwrap();
        assert_eq!(english.render(&text, &Plain), "One file needs your attention before submitting: Back of your resident permit.");
        let (code, _) = submit_summary(&[Problem::DocumentTypeRequired], &[Slot::IdFile], None).unwrap();
        assert_eq!(code, Problem::DocumentTypeRequired.code());
    }
}
