//! File types from their first bytes (magic numbers), never from the name,
//! and which types each slot accepts.

use crate::core::rules::Slot;

/// How many leading bytes [`sniff`] needs.
pub const SNIFF_LEN: usize = 32;

/// A file type the widget recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// WebP image.
    Webp,
    /// HEIC/HEIF image (iPhone photos).
    Heic,
    /// PDF document.
    Pdf,
    /// MP4 / QuickTime video.
    Mp4,
    /// WebM video.
    Webm,
}

impl FileKind {
    /// The MIME type sent to the File API and as the PUT `Content-Type`.
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Webp => "image/webp",
            FileKind::Heic => "image/heic",
            FileKind::Pdf => "application/pdf",
            FileKind::Mp4 => "video/mp4",
            FileKind::Webm => "video/webm",
        }
    }

    /// The format's name, the same in every language (messages say
    /// "PDF files can't be used here").
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Jpeg => "JPEG",
            FileKind::Png => "PNG",
            FileKind::Webp => "WebP",
            FileKind::Heic => "HEIC",
            FileKind::Pdf => "PDF",
            FileKind::Mp4 => "MP4",
            FileKind::Webm => "WebM",
        }
    }

    /// Whether this is a still image.
    pub fn is_image(self) -> bool {
        matches!(self, FileKind::Jpeg | FileKind::Png | FileKind::Webp | FileKind::Heic)
    }
}

const HEIF_BRANDS: [&[u8; 4]; 8] = [b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"];

/// Identifies a file from its first bytes; `None` when it is none of the
/// recognised types (a renamed executable, a text file, an empty file).
pub fn sniff(head: &[u8]) -> Option<FileKind> {
    match head {
        [0xFF, 0xD8, 0xFF, ..] => Some(FileKind::Jpeg),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(FileKind::Png),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(FileKind::Webp),
        [b'%', b'P', b'D', b'F', b'-', ..] => Some(FileKind::Pdf),
        [0x1A, 0x45, 0xDF, 0xA3, ..] => Some(FileKind::Webm),
        [_, _, _, _, b'f', b't', b'y', b'p', brand @ ..] if brand.len() >= 4 => {
            let major: &[u8] = &brand[..4];
            if HEIF_BRANDS.iter().any(|b| b.as_slice() == major) {
                Some(FileKind::Heic)
            } else {
                Some(FileKind::Mp4)
            }
        }
        _ => None,
    }
}

/// Whether `slot` accepts files of `kind`: photos for the document sides,
/// photos or PDF for proof of address, a photo or short video for liveness.
pub fn slot_accepts(slot: Slot, kind: FileKind) -> bool {
    match slot {
        Slot::IdFile | Slot::IdFileBack => kind.is_image(),
        Slot::ProofOfAddress => kind.is_image() || kind == FileKind::Pdf,
        Slot::Liveness => kind.is_image() || matches!(kind, FileKind::Mp4 | FileKind::Webm),
    }
}

/// The `accept` attribute for a slot's file input (MIME types and
/// extensions, so that mobile pickers offer the camera and the gallery).
pub fn accept_attribute(slot: Slot) -> &'static str {
    match slot {
        Slot::IdFile | Slot::IdFileBack => "image/jpeg,image/png,image/webp,image/heic,image/heif,.jpg,.jpeg,.png,.webp,.heic,.heif",
        Slot::ProofOfAddress => {
            "image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf,.jpg,.jpeg,.png,.webp,.heic,.heif,.pdf"
        }
        Slot::Liveness => "image/jpeg,image/png,image/webp,image/heic,video/mp4,video/webm,video/quicktime,.jpg,.jpeg,.png,.webp,.heic,.mp4,.webm,.mov",
    }
}

/// Whether a file dropped on the form (its declared MIME type and name)
/// is one `slot` takes, by the slot's `accept` list. Only routing hangs on
/// this: the file's own bytes are checked once it is in the slot.
pub fn slot_takes_drop(slot: Slot, mime: &str, name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    accept_attribute(slot).split(',').any(|entry| match entry.strip_prefix('.') {
        Some(extension) => name.rsplit_once('.').is_some_and(|(_, ext)| ext == extension),
        None => entry.eq_ignore_ascii_case(mime),
    })
}

/// The `capture` attribute: the rear camera for documents, the front one
/// for the selfie, none for proof of address (usually a PDF).
pub fn capture_attribute(slot: Slot) -> Option<&'static str> {
    match slot {
        Slot::IdFile | Slot::IdFileBack => Some("environment"),
        Slot::Liveness => Some("user"),
        Slot::ProofOfAddress => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_files_go_where_their_type_fits() {
        assert!(slot_takes_drop(Slot::IdFile, "image/jpeg", "a.bin"));
        assert!(slot_takes_drop(Slot::IdFile, "", "scan.HEIC"));
        assert!(!slot_takes_drop(Slot::IdFile, "application/pdf", "bill.pdf"));
        assert!(slot_takes_drop(Slot::ProofOfAddress, "application/pdf", "bill.pdf"));
        assert!(slot_takes_drop(Slot::Liveness, "video/webm", "me.webm"));
        assert!(!slot_takes_drop(Slot::Liveness, "text/plain", "notes.txt"));
        assert!(!slot_takes_drop(Slot::IdFile, "", "jpeg"), "a bare name is no extension");
    }

    #[test]
    fn recognises_each_magic_number() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(FileKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(FileKind::Png));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some(FileKind::Webp));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Some(FileKind::Heic));
        assert_eq!(sniff(b"\0\0\0\x18ftypmif1\0\0\0\0"), Some(FileKind::Heic));
        assert_eq!(sniff(b"\0\0\0\x18ftypisom\0\0\x02\0"), Some(FileKind::Mp4));
        assert_eq!(sniff(&[0x1A, 0x45, 0xDF, 0xA3, 0x9F]), Some(FileKind::Webm));
    }

    #[test]
    fn refuses_what_only_looks_like_an_image_by_name() {
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0"), None, "a Windows executable");
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(&[0xFF, 0xD8]), None, "too short to be a JPEG");
        assert_eq!(sniff(b"RIFF\x10\0\0\0WAVEfmt "), None);
        assert_eq!(sniff(b"\0\0\0\x18ftyp"), None, "ftyp without a brand");
    }

    #[test]
    fn slots_accept_their_types_only() {
        assert!(slot_accepts(Slot::IdFile, FileKind::Jpeg));
        assert!(!slot_accepts(Slot::IdFile, FileKind::Pdf));
        assert!(!slot_accepts(Slot::IdFileBack, FileKind::Mp4));
        assert!(slot_accepts(Slot::ProofOfAddress, FileKind::Pdf));
        assert!(!slot_accepts(Slot::ProofOfAddress, FileKind::Webm));
        assert!(slot_accepts(Slot::Liveness, FileKind::Webm));
        assert!(!slot_accepts(Slot::Liveness, FileKind::Pdf));
    }
}
