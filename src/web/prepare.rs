//! What happens when a file is chosen: its first bytes are sniffed, and a
//! photo is checked by the quality gate and, when too large, downscaled
//! and re-encoded in the browser.

use crate::core::options::QualityGate;
use crate::core::quality::thresholds::JPEG_QUALITY;
use crate::core::quality::{downscale_target, judge, shrink_again, Subject, Verdict};
use crate::core::sniff::{sniff, SNIFF_LEN};
use crate::core::catalog::{Arg, Msg, Text};
use crate::core::validate::FileFacts;
use crate::web::image::{check_image_with_thumbnail, downscale_to_jpeg, ImageError};
use crate::web::state::Notice;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File};

/// Reads the facts of a chosen file: name, size, date and sniffed type.
pub async fn file_facts(file: &File) -> FileFacts {
    let size = file.size() as u64;
    let head = match file.slice_with_i32_and_i32(0, SNIFF_LEN as i32) {
        Ok(slice) => JsFuture::from(slice.array_buffer()).await.map(|b| js_sys::Uint8Array::new(&b).to_vec()).unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    FileFacts { name: file.name(), size, last_modified: file.last_modified() as u64, kind: sniff(&head) }
}

/// The outcome of checking a photo.
pub struct PhotoCheck {
    /// A smaller JPEG to upload instead, with its MIME type.
    pub replacement: Option<(Blob, String)>,
    /// A remark for the slot (the downscale).
    pub note: Option<Text>,
    /// The verdict's notice.
    pub notice: Option<Notice>,
    /// A thumbnail for the slot's preview, drawn from the check's decode.
    pub preview: Option<Blob>,
}

/// Re-encoding attempts before giving up on reaching the size limit.
const MAX_ENCODES: usize = 3;

/// Checks a photo of `subject` and downscales it when over `max_size`
/// bytes or the pixel limit. With `gate` off, only the downscale runs.
pub async fn check_photo(file: &Blob, subject: Subject, max_size: u64, gate: QualityGate) -> PhotoCheck {
    let (report, preview) = match check_image_with_thumbnail(file).await {
        // The decode measures once; a selfie is judged by a face's limits.
        Ok((report, preview)) if subject == Subject::Face => (judge(subject, report.width, report.height, report.metrics), preview),
        Ok(checked) => checked,
        Err(ImageError::Browser(_)) if gate != QualityGate::Block => {
            return PhotoCheck { replacement: None, note: None, notice: None, preview: None };
        }
        Err(error) => {
            let blocking = !matches!(error, ImageError::Browser(_));
            let notice = Notice { code: error.code().into(), text: error.message().into(), blocking };
            return PhotoCheck { replacement: None, note: None, notice: Some(notice), preview: None };
        }
    };
    let notice = (gate != QualityGate::Off && report.verdict != Verdict::Accept).then(|| {
        let mut advice = report.reasons.iter().rev().map(|r| Text::from(r.code.msg()));
        let last = advice.next().unwrap_or_else(|| Msg::QualityUnreadable.into());
        let text = advice.fold(last, |rest, first| Msg::Sentences.with("first", first).and("second", rest));
        let code = report.reasons.first().map(|r| r.code.code()).unwrap_or("quality");
        let blocking = report.verdict == Verdict::Reject && gate == QualityGate::Block;
        Notice { code: code.into(), text, blocking }
    });
    let size = file.size() as u64;
    let Some((mut w, mut h)) = downscale_target(report.width, report.height, size, max_size) else {
        return PhotoCheck { replacement: None, note: None, notice, preview };
    };
    for _ in 0..MAX_ENCODES {
        match downscale_to_jpeg(file, w, h, JPEG_QUALITY).await {
            Ok(smaller) if (smaller.size() as u64) <= max_size => {
                let note = Msg::NoteResized
                    .with("from", format!("{}\u{00d7}{}", report.width, report.height))
                    .and("to", format!("{w}\u{00d7}{h}"))
                    .and("size", Arg::Bytes(smaller.size() as u64));
                return PhotoCheck { replacement: Some((smaller, "image/jpeg".into())), note: Some(note), notice, preview };
            }
            Ok(too_big) => (w, h) = shrink_again(w, h, too_big.size() as u64, max_size),
            Err(_) => break,
        }
    }
    if size <= max_size {
        return PhotoCheck { replacement: None, note: None, notice, preview };
    }
    let notice = Notice::error("file_too_large", Msg::ProblemPhotoTooLarge.with("size", Arg::Bytes(size)).and("max", Arg::Bytes(max_size)));
    PhotoCheck { replacement: None, note: None, notice: Some(notice), preview }
}
