//! Browser glue of the quality gate: decode a chosen photo, read its pixels
//! once, and hand them to the pure core ([`crate::core::quality`]);
//! re-encode oversized photos as JPEG.
//!
//! One decode per check: the photo's own size and EXIF orientation come from
//! its header (parsed in Rust from the first 64 KiB). A JPEG is decoded by
//! WebCodecs' `ImageDecoder` at a reduced DCT scale, the smallest n/8 of
//! the stored size that still covers the analysis size, which is cheaper
//! than the full-size decode it replaces; the canvas draws it down to the
//! analysis size with the orientation applied. Other formats, and browsers
//! without `ImageDecoder`, are decoded by `createImageBitmap` straight to the
//! analysis size. Only formats whose header is not parsed (HEIF in Safari,
//! GIF, …) take a full-size decode, drawn scaled onto the canvas.

use js_sys::{ArrayBuffer, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, ImageBitmap, ImageBitmapOptions, ImageEncodeOptions, ImageOrientation, OffscreenCanvas,
    OffscreenCanvasRenderingContext2d, ResizeQuality,
};

use crate::core::catalog::Msg;
use crate::core::quality::{
    analysis_size, assess, luma_from_rgba, parse_header, HeaderError, ImageFormat, ImageHeader,
    ReasonCode, Report,
};

// WebCodecs' `ImageDecoder`: web-sys binds it only behind
// `web_sys_unstable_apis`, and the gate needs three calls of it.
#[wasm_bindgen]
extern "C" {
    type ImageDecoder;
    /// `new ImageDecoder(init)`; throws where the API is missing.
    #[wasm_bindgen(constructor, catch)]
    fn new(init: &Object) -> Result<ImageDecoder, JsValue>;
    /// `decode()`: a promise of a [`DecodeResult`].
    #[wasm_bindgen(method)]
    fn decode(this: &ImageDecoder) -> Promise;
    #[wasm_bindgen(method)]
    fn close(this: &ImageDecoder);
    /// `{image: VideoFrame, complete}`.
    type DecodeResult;
    /// The `VideoFrame`, seen as an `ImageBitmap` (see [`Picture`]).
    #[wasm_bindgen(method, getter)]
    fn image(this: &DecodeResult) -> ImageBitmap;
    /// A WebCodecs `VideoFrame`.
    type VideoFrame;
    /// Width as displayed, orientation applied.
    #[wasm_bindgen(method, getter, js_name = displayWidth)]
    fn display_width(this: &VideoFrame) -> u32;
    #[wasm_bindgen(method, getter, js_name = displayHeight)]
    fn display_height(this: &VideoFrame) -> u32;
    /// A `Blob`, for `stream()` (web-sys binds it with its `ReadableStream`
    /// feature only).
    type StreamingBlob;
    #[wasm_bindgen(method)]
    fn stream(this: &StreamingBlob) -> JsValue;
}

/// Bytes read for the header; a JPEG whose frame header lies further (large
/// metadata segments) is read again up to [`HEADER_MAX_BYTES`].
const HEADER_BYTES: f64 = 64.0 * 1024.0;

/// Most bytes read to find a header before falling back to a full decode.
const HEADER_MAX_BYTES: f64 = 1024.0 * 1024.0;

/// Resampling used for the analysis decode. `"medium"` lets Chromium decode
/// JPEGs at a reduced DCT scale and filters with mipmaps, so fine print is
/// averaged rather than aliased (which `"pixelated"`/`"low"` would do, making
/// a blurred photo look sharper); see `docs/quality.md` for the timings.
const ANALYSIS_RESIZE: ResizeQuality = ResizeQuality::Medium;

/// Why a photo could not be checked or re-encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageError {
    /// The file has no bytes.
    Empty,
    /// A format every browser decodes failed to decode: the file is damaged
    /// or incomplete.
    Unreadable,
    /// The browser cannot decode this format (HEIC outside Safari), or the
    /// file is not an image at all.
    UnsupportedFormat(ImageFormat),
    /// A browser API the gate needs failed or is missing (for example no
    /// `OffscreenCanvas`); the photo itself may be fine.
    Browser(String),
}

impl ImageError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            ImageError::Browser(_) => "image_check_unavailable",
            other => other.reason().map_or("image_check_unavailable", |r| r.code()),
        }
    }

    /// The message shown to the customer.
    pub fn message(&self) -> Msg {
        match self {
            ImageError::UnsupportedFormat(ImageFormat::Heif) => Msg::QualityHeic,
            ImageError::UnsupportedFormat(ImageFormat::Unknown | ImageFormat::Pdf) => Msg::QualityNotAPhoto,
            ImageError::Browser(_) => Msg::QualityUnavailable,
            other => other.reason().map_or(Msg::QualityUnavailable, |r| r.msg()),
        }
    }

    /// The reason this error stands for in a [`Report`], if the photo is at
    /// fault (`None` for [`ImageError::Browser`]).
    pub fn reason(&self) -> Option<ReasonCode> {
        match self {
            ImageError::Empty => Some(ReasonCode::EmptyFile),
            ImageError::Unreadable => Some(ReasonCode::Unreadable),
            ImageError::UnsupportedFormat(_) => Some(ReasonCode::UnsupportedFormat),
            ImageError::Browser(_) => None,
        }
    }
}

fn browser(what: &str, err: JsValue) -> ImageError {
    let detail = err.as_string().or_else(|| {
        err.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message()))
    });
    ImageError::Browser(format!("{what}: {}", detail.unwrap_or_default()))
}

/// The photo's format and, when its header was parsed, its stored size and
/// orientation.
struct Source {
    format: ImageFormat,
    /// `None` when only a decode tells the size.
    header: Option<ImageHeader>,
}

async fn read_source(blob: &Blob) -> Result<Source, ImageError> {
    let total = blob.size();
    if total == 0.0 {
        return Err(ImageError::Empty);
    }
    let mut len = HEADER_BYTES.min(total);
    loop {
        let bytes = read_bytes(blob, len).await?;
        match parse_header(&bytes) {
            Ok(header) => return Ok(Source { format: header.format, header: Some(header) }),
            Err(HeaderError::Empty) => return Err(ImageError::Empty),
            Err(HeaderError::Malformed(_)) => return Err(ImageError::Unreadable),
            Err(HeaderError::NotParsed(format)) => return Ok(Source { format, header: None }),
            Err(HeaderError::NeedMore) if len < total && len < HEADER_MAX_BYTES => {
                len = (len * 4.0).min(total).min(HEADER_MAX_BYTES);
            }
            Err(HeaderError::NeedMore) => {
                let format = ImageFormat::sniff(&bytes);
                return match format {
                    // The file ends inside the header.
                    _ if len >= total && format.decodes_everywhere() => Err(ImageError::Unreadable),
                    _ => Ok(Source { format, header: None }),
                };
            }
        }
    }
}

async fn read_bytes(blob: &Blob, len: f64) -> Result<Vec<u8>, ImageError> {
    let part = blob.slice_with_f64_and_f64(0.0, len).map_err(|e| browser("Blob.slice", e))?;
    let buffer = JsFuture::from(part.array_buffer()).await.map_err(|e| browser("Blob.arrayBuffer", e))?;
    Ok(Uint8Array::new(&buffer.unchecked_into::<ArrayBuffer>()).to_vec())
}

/// A decoded picture, closed when dropped: an `ImageBitmap`, or a WebCodecs
/// `VideoFrame` held through the same bindings (`drawImage` draws both,
/// orientation applied, and both have `close()`; web-sys binds `VideoFrame`
/// only as an unstable API).
struct Picture(ImageBitmap);

impl Drop for Picture {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// The DCT scale n/8 (n in 1–8) a JPEG of `stored` size is decoded at: the
/// smallest that still covers `target`, the analysis size.
fn jpeg_scale(stored: (u32, u32), target: (u32, u32)) -> u32 {
    let long = stored.0.max(stored.1).max(1);
    (8 * target.0.max(target.1)).div_ceil(long).clamp(1, 8)
}

/// `new ImageDecoder(…)` for a JPEG, decoding at the DCT scale that covers
/// `target`; `None` where the API is missing.
fn jpeg_decoder(blob: &Blob, header: &ImageHeader, target: (u32, u32)) -> Option<ImageDecoder> {
    let n = jpeg_scale((header.width, header.height), target);
    // Chromium turns the desired size into a pixel budget and takes the
    // largest n/8 within it: one pixel more per side keeps rounding from
    // dropping to (n-1)/8.
    let desired = |v: u32| (v * n).div_ceil(8) + 1;
    let init = Object::new();
    for (key, value) in [
        ("data", blob.unchecked_ref::<StreamingBlob>().stream()),
        ("type", "image/jpeg".into()),
        ("desiredWidth", desired(header.width).into()),
        ("desiredHeight", desired(header.height).into()),
    ] {
        Reflect::set(&init, &key.into(), &value).ok()?;
    }
    ImageDecoder::new(&init).ok()
}

/// The decoded frame, or `None` when the decode failed (`createImageBitmap`
/// then decides what is wrong with the file) or the frame did not come out
/// in the header's orientation: an `ImageDecoder` that leaves the EXIF
/// orientation out gives the stored size, and the photo is decoded again.
fn oriented_frame(decoded: Result<JsValue, JsValue>, header: &ImageHeader) -> Option<Picture> {
    let frame = Picture(decoded.ok()?.unchecked_into::<DecodeResult>().image());
    let (sw, sh) = header.oriented_size();
    let shown = frame.0.unchecked_ref::<VideoFrame>();
    ((shown.display_width() >= shown.display_height()) == (sw >= sh)).then_some(frame)
}

/// `createImageBitmap(blob, {imageOrientation: "from-image", resize…})`.
async fn decode(
    blob: &Blob,
    format: ImageFormat,
    resize: Option<((u32, u32), ResizeQuality)>,
) -> Result<Picture, ImageError> {
    let window = web_sys::window().ok_or_else(|| ImageError::Browser("no window".into()))?;
    let options = ImageBitmapOptions::new();
    options.set_image_orientation(ImageOrientation::FromImage);
    if let Some(((w, h), quality)) = resize {
        options.set_resize_width(w);
        options.set_resize_height(h);
        options.set_resize_quality(quality);
    }
    let promise = window
        .create_image_bitmap_with_blob_and_image_bitmap_options(blob, &options)
        .map_err(|e| browser("createImageBitmap", e))?;
    match JsFuture::from(promise).await {
        Ok(bitmap) => Ok(Picture(bitmap.unchecked_into())),
        // The decoder rejects: a damaged file in a format every browser
        // reads, otherwise a format this browser lacks.
        Err(_) if format.decodes_everywhere() => Err(ImageError::Unreadable),
        Err(_) => Err(ImageError::UnsupportedFormat(format)),
    }
}

/// A 2D context on a new `w` × `h` canvas with `picture` drawn to fill it.
fn draw(picture: &Picture, w: u32, h: u32) -> Result<(OffscreenCanvas, OffscreenCanvasRenderingContext2d), ImageError> {
    let canvas = OffscreenCanvas::new(w, h).map_err(|e| browser("OffscreenCanvas", e))?;
    // The pixels are read back once: keep the canvas in CPU memory.
    let settings = Object::new();
    Reflect::set(&settings, &"willReadFrequently".into(), &JsValue::TRUE)
        .map_err(|e| browser("context options", e))?;
    let ctx = canvas
        .get_context_with_context_options("2d", &settings)
        .map_err(|e| browser("getContext", e))?
        .ok_or_else(|| ImageError::Browser("no 2d context".into()))?
        .unchecked_into::<OffscreenCanvasRenderingContext2d>();
    // Scales a JPEG decoded at a DCT scale (less than 2:1) or a full-size
    // decode of a format whose header is not parsed.
    let _ = Reflect::set(&ctx, &"imageSmoothingQuality".into(), &"high".into());
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&picture.0, 0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(|e| browser("drawImage", e))?;
    Ok((canvas, ctx))
}

/// Checks a chosen photo: one browser decode at analysis size, one pixel
/// read, then [`assess`] in Rust.
///
/// Errors are the photo's fault ([`ImageError::reason`] gives the reason to
/// show) except [`ImageError::Browser`]. A file that is not an image (no
/// known magic bytes) fails with [`ImageError::UnsupportedFormat`].
pub async fn check_image(blob: &Blob) -> Result<Report, ImageError> {
    check(blob, false).await.map(|(report, _)| report)
}

/// [`check_image`], and a JPEG thumbnail (long side [`THUMBNAIL_SIDE`])
/// drawn from the same decode for the slot's preview: the page never
/// decodes the 12 MP original again to show it.
pub async fn check_image_with_thumbnail(blob: &Blob) -> Result<(Report, Option<Blob>), ImageError> {
    check(blob, true).await
}

/// Long side of a preview thumbnail, in pixels: twice the size it is
/// shown at, for sharp previews on high-density screens.
pub const THUMBNAIL_SIDE: u32 = 192;

async fn check(blob: &Blob, thumbnail: bool) -> Result<(Report, Option<Blob>), ImageError> {
    let source = read_source(blob).await?;
    let (picture, (sw, sh)) = match source.header {
        Some(header) => {
            let size = header.oriented_size();
            let target = analysis_size(size.0, size.1);
            let decoder = match header.format {
                ImageFormat::Jpeg => jpeg_decoder(blob, &header, target),
                _ => None,
            };
            let scaled = match decoder {
                Some(decoder) => {
                    let decoded = JsFuture::from(decoder.decode()).await;
                    decoder.close();
                    oriented_frame(decoded, &header)
                }
                None => None,
            };
            let picture = match scaled {
                Some(frame) => frame,
                None => decode(blob, source.format, Some((target, ANALYSIS_RESIZE))).await?,
            };
            (picture, size)
        }
        None => {
            let full = decode(blob, source.format, None).await?;
            let size = (full.0.width(), full.0.height());
            (full, size)
        }
    };
    let (w, h) = analysis_size(sw, sh);
    let pixels = draw(&picture, w, h).and_then(|(_, ctx)| {
        ctx.get_image_data(0.0, 0.0, f64::from(w), f64::from(h)).map_err(|e| browser("getImageData", e))
    });
    // A preview is a nicety: a failure to draw it leaves the check as is.
    let small = thumbnail.then(|| {
        let scale = (f64::from(THUMBNAIL_SIDE) / f64::from(w.max(h))).min(1.0);
        let side = |v: u32| ((f64::from(v) * scale).round() as u32).max(1);
        draw(&picture, side(w), side(h)).ok()
    });
    drop(picture);
    let luma = luma_from_rgba(&pixels?.data());
    let preview = match small.flatten() {
        Some((canvas, _)) => encode_jpeg(&canvas, 0.8).await.ok(),
        None => None,
    };
    Ok((assess(sw, sh, &luma, w, h), preview))
}

async fn encode_jpeg(canvas: &OffscreenCanvas, quality: f64) -> Result<Blob, ImageError> {
    let options = ImageEncodeOptions::new();
    options.set_type("image/jpeg");
    options.set_quality(quality);
    let promise = canvas.convert_to_blob_with_options(&options).map_err(|e| browser("convertToBlob", e))?;
    let out = JsFuture::from(promise).await.map_err(|e| browser("convertToBlob", e))?;
    Ok(out.unchecked_into())
}

/// Re-encodes a photo as a `w` × `h` JPEG at `quality` (0–1), its EXIF
/// orientation applied (the output carries no EXIF, so `w` × `h` is the
/// displayed size). Sizes come from
/// [`downscale_target`](crate::core::quality::downscale_target).
pub async fn downscale_to_jpeg(blob: &Blob, w: u32, h: u32, quality: f64) -> Result<Blob, ImageError> {
    if blob.size() == 0.0 {
        return Err(ImageError::Empty);
    }
    let format = ImageFormat::sniff(&read_bytes(blob, 32.0_f64.min(blob.size())).await?);
    // High-quality resampling keeps glyph edges crisp in the upload.
    let picture = decode(blob, format, Some(((w, h), ResizeQuality::High))).await?;
    let (canvas, _) = draw(&picture, w, h)?;
    drop(picture);
    encode_jpeg(&canvas, quality).await
}

/// The report as the JS object `{verdict, reasons: [{code, message}], width,
/// height, metrics: {…}}` returned by `checkImage`.
pub fn report_to_js(report: &Report) -> JsValue {
    crate::web::js::to_js(report)
}
