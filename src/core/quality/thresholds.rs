//! Every number the quality gate decides with, in one place.
//!
//! The values were calibrated on the synthetic 12 MP document photos made by
//! `make_fixtures.py` over several seeds (see `docs/quality.md`, which mirrors
//! this file and records the measured values and margins). Each threshold sits
//! between the worst photo that must pass and the best photo that must fail,
//! on a logarithmic scale where the metric is a scale (blur width), so that
//! both sides keep a similar relative margin.

/// Long side, in pixels, of the image the metrics are computed on.
///
/// The browser decodes every photo straight to this size (aspect kept, never
/// upscaled), so the cost of the analysis does not grow with the camera's
/// resolution and the blur width is measured relative to the picture, not to
/// the sensor. 1024 px keeps a 2–3 mm glyph of an ID card photographed at
/// arm's length several pixels tall, which is what the blur estimate needs.
pub const ANALYSIS_LONG_SIDE: u32 = 1024;

/// Photos whose shorter side is below this are rejected as `too_small`.
///
/// An ID card filling ~70 % of a 600 px-high frame has fine print about
/// 10 px tall: the limit of what a reviewer can read. The `low_res` fixture
/// (480 × 360) must fail; the smallest accepted fixture (the flat scan,
/// 1600 × 1009) passes by a wide margin.
pub const MIN_SHORT_SIDE_REJECT: u32 = 600;

/// Photos whose shorter side is below this get a `too_small` warning.
///
/// Between this and [`MIN_SHORT_SIDE_REJECT`] the text is readable but only
/// just; 720 lets a 1280 × 720 webcam frame through without a warning.
pub const MIN_SHORT_SIDE_WARN: u32 = 720;

/// A selfie whose shorter side is below this is rejected as `too_small`.
///
/// A face filling a third of a 240 px-high frame is about 80 px tall, the
/// least a reviewer compares with a document's portrait. Front cameras of
/// older phones and laptops give 640 × 480: that must pass, without a
/// warning ([`FACE_MIN_SHORT_SIDE_WARN`]).
pub const FACE_MIN_SHORT_SIDE_REJECT: u32 = 240;

/// A selfie whose shorter side is below this gets a `too_small` warning.
pub const FACE_MIN_SHORT_SIDE_WARN: u32 = 360;

/// Sharpness under which a selfie is rejected as `blurry`. A face has no
/// fine print: its sharp edges (eyes, hair, glasses) are fewer, so the
/// ratio sits lower than a document's for the same focus. Set below the
/// document limits by the same factor as the document's σ = 3 px must-pass
/// fixture sits above them; not calibrated on face photos (none are in the
/// fixtures), so deliberately lenient: the platform judges the liveness.
pub const FACE_SHARPNESS_REJECT: f32 = 0.2;

/// Sharpness under which a selfie gets a `blurry` warning.
pub const FACE_SHARPNESS_WARN: f32 = 0.28;

/// Sharpness under which the photo is rejected as `blurry`.
///
/// Sharpness (see [`Metrics::sharpness`](super::Metrics::sharpness)) is the
/// fine-to-coarse gradient energy ratio on the analysis image: near 1 for
/// crisp print, falling to 1/8 as edges spread over 8 analysed pixels. The
/// threshold sits between the softest must-pass fixture (a σ = 3 px blur at
/// 4000 px) and the sharpest must-fail one; the values per seed are in
/// `docs/quality.md`.
pub const SHARPNESS_REJECT: f32 = 0.35;

/// Sharpness under which the photo gets a `blurry` warning.
pub const SHARPNESS_WARN: f32 = 0.45;

/// A photo whose 95th-percentile luma is below this is rejected as
/// `too_dark`: even the brightest part of the frame (the paper of the
/// document) is too dark to read. Must-pass fixtures sit near 220; the
/// `too_dark` fixture (the scene at 12 % exposure) near 27.
pub const DARK_P95_REJECT: f32 = 70.0;

/// 95th-percentile luma below which the photo gets a `too_dark` warning.
pub const DARK_P95_WARN: f32 = 100.0;

/// Luma at or above which a pixel counts as clipped (blown out).
pub const CLIPPED_LUMA: u8 = 250;

/// Fraction of clipped pixels from which the photo is rejected as
/// `overexposed`. The `overexposed` fixture is almost entirely clipped; a
/// glare spot covers far less than this (and is reported as glare).
pub const OVEREXPOSED_CLIPPED_REJECT: f32 = 0.5;

/// A photo whose 5th-percentile luma is above this is rejected as
/// `overexposed` even without hard clipping: the darkest parts of the frame
/// (the print) are washed out. Must-pass fixtures sit below 120.
pub const OVEREXPOSED_P05_REJECT: f32 = 200.0;

/// Side, in analysed pixels, of the square blocks glare is measured on.
pub const GLARE_BLOCK: u32 = 16;

/// A block counts as blown out when at least this fraction of its pixels are
/// clipped ([`CLIPPED_LUMA`]); isolated specular specks do not count.
pub const GLARE_BLOCK_CLIPPED: f32 = 0.8;

/// Fraction of the image covered by the largest blown-out patch that does not
/// touch the image border, from which the photo is rejected as `glare`.
///
/// Patches touching the border are left out: they are a white background
/// (a scanner lid, a sheet of paper) or a window, not a reflection on the
/// document, which the customer frames in the middle. The `glare` fixture's
/// patch covers roughly a tenth of the frame; must-pass fixtures have none.
pub const GLARE_REJECT: f32 = 0.02;

/// Largest interior blown-out patch from which the photo gets a `glare`
/// warning.
pub const GLARE_WARN: f32 = 0.005;

/// Longest side, in pixels, of a photo uploaded as is; larger photos are
/// downscaled and re-encoded in the browser. 4000 px keeps the whole text of
/// a document filling the frame far above legibility while bounding memory.
pub const MAX_LONG_SIDE: u32 = 4000;

/// JPEG quality used when a photo is re-encoded (`convertToBlob`). 0.9 keeps
/// glyph edges free of visible ringing at about half the size of 0.95.
pub const JPEG_QUALITY: f64 = 0.9;

/// Conservative bytes per pixel of a re-encoded JPEG at [`JPEG_QUALITY`],
/// used to size a photo that is over the byte limit. Noisy phone photos
/// measure 0.15–0.35; 0.5 leaves room so that one re-encode is usually enough.
pub const JPEG_BYTES_PER_PIXEL: f64 = 0.5;
