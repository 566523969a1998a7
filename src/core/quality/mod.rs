//! The document-photo quality gate: verdicts, reasons and the sizes the
//! browser decodes to.
//!
//! The browser decodes a chosen photo once, straight to
//! [`analysis_size`] with its EXIF orientation applied, and hands the pixels
//! to [`luma_from_rgba`] and [`assess`]. Everything here is pure Rust, tested
//! natively; all numbers live in [`thresholds`] (mirrored in
//! `docs/quality.md`).

pub mod header;
pub mod metrics;
pub mod thresholds;

pub use header::{parse_header, HeaderError, ImageFormat, ImageHeader};
pub use metrics::Metrics;
pub use thresholds::{ANALYSIS_LONG_SIDE, JPEG_QUALITY, MAX_LONG_SIDE};

use crate::core::catalog::Msg;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use thresholds as t;

/// Overall outcome of the gate, ordered from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Good enough to upload.
    Accept,
    /// Probably readable; the customer is told how to do better.
    Warn,
    /// Unreadable: the customer must retake or choose another file.
    Reject,
}

impl Verdict {
    /// Stable name: `"accept"`, `"warn"` or `"reject"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Accept => "accept",
            Verdict::Warn => "warn",
            Verdict::Reject => "reject",
        }
    }
}

/// Why a photo was flagged, with a stable code and an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReasonCode {
    /// Too few pixels for the text to be legible.
    TooSmall,
    /// Out of focus or shaken.
    Blurry,
    /// Underexposed.
    TooDark,
    /// Washed out or blown out.
    Overexposed,
    /// A blown-out reflection over the document.
    Glare,
    /// The file is damaged or incomplete and cannot be decoded.
    Unreadable,
    /// The browser cannot decode this format (HEIC outside Safari), or the
    /// file is not an image.
    UnsupportedFormat,
    /// The file has no bytes.
    EmptyFile,
}

impl ReasonCode {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            ReasonCode::TooSmall => "too_small",
            ReasonCode::Blurry => "blurry",
            ReasonCode::TooDark => "too_dark",
            ReasonCode::Overexposed => "overexposed",
            ReasonCode::Glare => "glare",
            ReasonCode::Unreadable => "unreadable",
            ReasonCode::UnsupportedFormat => "unsupported_format",
            ReasonCode::EmptyFile => "empty_file",
        }
    }

    /// The instruction shown to the customer, in the catalog.
    pub fn msg(&self) -> Msg {
        match self {
            ReasonCode::TooSmall => Msg::QualityTooSmall,
            ReasonCode::Blurry => Msg::QualityBlurry,
            ReasonCode::TooDark => Msg::QualityTooDark,
            ReasonCode::Overexposed => Msg::QualityOverexposed,
            ReasonCode::Glare => Msg::QualityGlare,
            ReasonCode::Unreadable => Msg::QualityUnreadable,
            ReasonCode::UnsupportedFormat => Msg::QualityNotAPhoto,
            ReasonCode::EmptyFile => Msg::QualityEmpty,
        }
    }

    /// The instruction in English (the `checkImage` report's `message`).
    pub fn message(&self) -> &'static str {
        self.msg().english()
    }
}

/// One finding: what is wrong and how serious it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reason {
    /// What is wrong.
    pub code: ReasonCode,
    /// [`Verdict::Warn`] or [`Verdict::Reject`].
    pub verdict: Verdict,
}

/// As `checkImage` reports it: `{code, message}`.
impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut reason = serializer.serialize_struct("Reason", 2)?;
        reason.serialize_field("code", self.code.code())?;
        reason.serialize_field("message", self.code.message())?;
        reason.end()
    }
}

/// The gate's answer for one photo; serialised, the `checkImage` report
/// (`{verdict, reasons, width, height, metrics}`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The worst verdict among the reasons; [`Verdict::Accept`] when none.
    pub verdict: Verdict,
    /// Findings, in the order the customer should fix them.
    pub reasons: Vec<Reason>,
    /// Width of the photo as displayed (EXIF orientation applied).
    pub width: u32,
    /// Height of the photo as displayed.
    pub height: u32,
    /// The measurements behind the verdict.
    pub metrics: Metrics,
}

impl Report {
    /// The report for a file that could not be analysed at all.
    pub fn failed(code: ReasonCode) -> Report {
        Report {
            verdict: Verdict::Reject,
            reasons: vec![Reason { code, verdict: Verdict::Reject }],
            width: 0,
            height: 0,
            metrics: Metrics::blank(),
        }
    }

    /// Whether a reason with this code is present.
    pub fn has(&self, code: ReasonCode) -> bool {
        self.reasons.iter().any(|r| r.code == code)
    }
}

/// The size the browser should decode a `src_w` × `src_h` photo to for the
/// analysis: the long side brought down to [`ANALYSIS_LONG_SIDE`], aspect
/// kept, never upscaled, never zero.
pub fn analysis_size(src_w: u32, src_h: u32) -> (u32, u32) {
    fit_long_side(src_w, src_h, ANALYSIS_LONG_SIDE)
}

fn fit_long_side(w: u32, h: u32, long: u32) -> (u32, u32) {
    let (w, h) = (w.max(1), h.max(1));
    if w.max(h) <= long {
        return (w, h);
    }
    let scale = f64::from(long) / f64::from(w.max(h));
    let side = |v: u32| ((f64::from(v) * scale).round() as u32).clamp(1, long);
    (side(w), side(h))
}

/// Luma (BT.601, integer) of RGBA pixels, composited over white so that
/// transparent areas read as paper rather than ink.
pub fn luma_from_rgba(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| {
            let y = (77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2]) + 128) >> 8;
            let a = u32::from(p[3]);
            ((y * a + 255 * (255 - a) + 127) / 255) as u8
        })
        .collect()
}

/// What a photo shows, for the limits it is judged by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// An identity document: its print must be legible.
    Document,
    /// A face (the liveness selfie): front cameras have fewer pixels and
    /// faces less fine detail than print; skin and glasses shine.
    Face,
}

/// Judges a document photo from its displayed size and its luma at
/// analysis size.
///
/// `source_w` × `source_h` is the photo's own (oriented) size, used for the
/// resolution check; `luma` is the `w` × `h` analysis image.
pub fn assess(source_w: u32, source_h: u32, luma: &[u8], w: u32, h: u32) -> Report {
    assess_subject(Subject::Document, source_w, source_h, luma, w, h)
}

/// [`assess`] with the limits for `subject`: a face is judged with
/// [`thresholds::FACE_MIN_SHORT_SIDE_REJECT`] and the face sharpness
/// limits, and not for glare.
pub fn assess_subject(subject: Subject, source_w: u32, source_h: u32, luma: &[u8], w: u32, h: u32) -> Report {
    judge(subject, source_w, source_h, Metrics::measure(luma, w, h))
}

/// The verdict on a photo of `subject` from its displayed size and its
/// measurements (so a report made for a document can be judged again as a
/// face without decoding the photo twice).
pub fn judge(subject: Subject, source_w: u32, source_h: u32, metrics: Metrics) -> Report {
    let face = subject == Subject::Face;
    let mut reasons = Vec::new();
    let mut flag = |code, verdict| reasons.push(Reason { code, verdict });

    let short = source_w.min(source_h);
    let (small_reject, small_warn) = if face {
        (t::FACE_MIN_SHORT_SIDE_REJECT, t::FACE_MIN_SHORT_SIDE_WARN)
    } else {
        (t::MIN_SHORT_SIDE_REJECT, t::MIN_SHORT_SIDE_WARN)
    };
    if short < small_reject {
        flag(ReasonCode::TooSmall, Verdict::Reject);
    } else if short < small_warn {
        flag(ReasonCode::TooSmall, Verdict::Warn);
    }

    // A badly exposed photo is retaken anyway; its focus and glare cannot be
    // judged, so only the exposure instruction is given.
    let exposure_rejected = if metrics.luma_p95 < t::DARK_P95_REJECT {
        flag(ReasonCode::TooDark, Verdict::Reject);
        true
    } else if metrics.clipped_fraction >= t::OVEREXPOSED_CLIPPED_REJECT
        || metrics.luma_p05 >= t::OVEREXPOSED_P05_REJECT
    {
        flag(ReasonCode::Overexposed, Verdict::Reject);
        true
    } else {
        if metrics.luma_p95 < t::DARK_P95_WARN {
            flag(ReasonCode::TooDark, Verdict::Warn);
        }
        false
    };

    if !exposure_rejected {
        // Skin and glasses shine: glare is a document's problem only.
        let glare = if face { 0.0 } else { metrics.glare_fraction };
        if glare >= t::GLARE_REJECT {
            flag(ReasonCode::Glare, Verdict::Reject);
        } else if glare >= t::GLARE_WARN {
            flag(ReasonCode::Glare, Verdict::Warn);
        }
        let (blur_reject, blur_warn) =
            if face { (t::FACE_SHARPNESS_REJECT, t::FACE_SHARPNESS_WARN) } else { (t::SHARPNESS_REJECT, t::SHARPNESS_WARN) };
        if metrics.sharpness < blur_reject {
            flag(ReasonCode::Blurry, Verdict::Reject);
        } else if metrics.sharpness < blur_warn {
            flag(ReasonCode::Blurry, Verdict::Warn);
        }
    }

    let verdict = reasons.iter().map(|r| r.verdict).max().unwrap_or(Verdict::Accept);
    Report { verdict, reasons, width: source_w, height: source_h, metrics }
}

/// The size to re-encode a photo to before upload, or `None` to upload the
/// file as is.
///
/// A photo is re-encoded when its long side exceeds [`MAX_LONG_SIDE`] (it is
/// brought down to it) or when `byte_size` exceeds `max_bytes` (it is brought
/// down to the pixel count a JPEG at [`JPEG_QUALITY`] fits in, estimated at
/// [`thresholds::JPEG_BYTES_PER_PIXEL`]; a photo already within that keeps
/// its size, since re-encoding alone shrinks a PNG or a high-quality JPEG).
/// If the re-encoded file is still too big, use [`shrink_again`].
pub fn downscale_target(src_w: u32, src_h: u32, byte_size: u64, max_bytes: u64) -> Option<(u32, u32)> {
    let too_long = src_w.max(src_h) > MAX_LONG_SIDE;
    let too_heavy = byte_size > max_bytes;
    if !too_long && !too_heavy {
        return None;
    }
    let (w, h) = fit_long_side(src_w, src_h, MAX_LONG_SIDE);
    if too_heavy {
        let budget_px = max_bytes as f64 * 0.9 / t::JPEG_BYTES_PER_PIXEL;
        return Some(scale_to_pixels(w, h, budget_px));
    }
    Some((w, h))
}

/// The next size to try when a re-encoded `w` × `h` JPEG of `byte_size`
/// bytes is still over `max_bytes`: the pixel count shrinks with the byte
/// ratio (plus a 10 % margin), so repeated calls converge.
pub fn shrink_again(w: u32, h: u32, byte_size: u64, max_bytes: u64) -> (u32, u32) {
    let px = f64::from(w) * f64::from(h);
    let ratio = (max_bytes as f64 * 0.9 / byte_size.max(1) as f64).min(0.9);
    scale_to_pixels(w, h, px * ratio)
}

fn scale_to_pixels(w: u32, h: u32, target_px: f64) -> (u32, u32) {
    let px = f64::from(w) * f64::from(h);
    if px <= target_px {
        return (w, h);
    }
    let scale = (target_px / px).sqrt();
    let side = |v: u32| ((f64::from(v) * scale).floor() as u32).max(1);
    (side(w), side(h))
}
