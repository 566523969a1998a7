//! The live camera, browser side: bindings to the `www/camera.js` snippet
//! (the stream, frames, the photo, the video) and the per-frame check that
//! runs the quality gate on the outlined area. What the checks mean (the
//! hint, when to capture) is decided in [`crate::core::camera`].

use crate::core::camera::{fills_outline, hint, outline, outlined_area, subject, Failure, Hint, FRAME_LONG_SIDE};
use crate::core::quality::{assess_subject, luma_from_rgba};
use crate::core::rules::{DocumentType, Slot};
use crate::web::js::now_ms;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, File, FilePropertyBag};

#[wasm_bindgen(module = "/www/camera.js")]
extern "C" {
    #[wasm_bindgen(js_name = cameraBlocker)]
    fn camera_blocker() -> String;
    #[wasm_bindgen(js_name = openCamera, catch)]
    async fn open_camera(video: &JsValue, facing: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = watchEnded)]
    fn watch_ended(stream: &JsValue, on_ended: &Closure<dyn FnMut()>);
    #[wasm_bindgen(js_name = stopCamera)]
    fn stop_camera(stream: &JsValue, video: &JsValue);
    #[wasm_bindgen(js_name = drawFrame)]
    fn draw_frame(video: &JsValue, x: u32, y: u32, w: u32, h: u32, out_w: u32, out_h: u32) -> Option<Vec<u8>>;
    #[wasm_bindgen(js_name = takePhoto, catch)]
    async fn take_photo(stream: &JsValue, video: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = videoType)]
    fn video_type() -> String;
    #[wasm_bindgen(js_name = recordVideo, catch)]
    async fn record_video(stream: &JsValue, mime: &str, ms: u32) -> Result<JsValue, JsValue>;
}

/// Why this page can't offer the camera at all (insecure context, no
/// `getUserMedia`, a Permissions-Policy or iframe without `camera`), or
/// `None` when it can.
pub fn blocker() -> Option<Failure> {
    match camera_blocker().as_str() {
        "" => None,
        "insecure" => Some(Failure::Insecure),
        "blocked" => Some(Failure::Blocked),
        _ => Some(Failure::Unsupported),
    }
}

/// A camera stream playing in a `<video>`; dropping it stops every track.
pub struct Stream {
    stream: JsValue,
    video: JsValue,
    /// Keeps the `ended` listener alive as long as the stream.
    _ended: Closure<dyn FnMut()>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        stop_camera(&self.stream, &self.video);
    }
}

/// What one analysed frame showed.
pub struct FrameCheck {
    /// The hint it earns.
    pub hint: Hint,
    /// How long the draw, the pixel read and the gate took, in ms.
    pub ms: f64,
}

fn size_of(video: &JsValue) -> (u32, u32) {
    let get = |key: &str| Reflect::get(video, &key.into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as u32;
    (get("videoWidth"), get("videoHeight"))
}

impl Stream {
    /// Opens the rear or front camera (`facing`) into `video`; `on_ended`
    /// runs if the camera stops on its own.
    pub async fn open(video: JsValue, facing: &str, on_ended: impl FnMut() + 'static) -> Result<Stream, Failure> {
        if let Some(blocked) = blocker() {
            return Err(blocked);
        }
        let stream = open_camera(&video, facing).await.map_err(|err| {
            let name = Reflect::get(&err, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
            Failure::from_error_name(&name)
        })?;
        let ended = Closure::<dyn FnMut()>::new(on_ended);
        watch_ended(&stream, &ended);
        Ok(Stream { stream, video, _ended: ended })
    }

    /// Checks the current frame's outlined area for `slot`: drawn at most
    /// [`FRAME_LONG_SIDE`] wide, judged by the gate with the slot's
    /// subject. `None` before the first frame.
    pub fn check(&self, slot: Slot, document: Option<DocumentType>) -> Option<FrameCheck> {
        let start = now_ms();
        let (vw, vh) = size_of(&self.video);
        if vw == 0 || vh == 0 {
            return None;
        }
        let (x, y, w, h) = outlined_area(vw, vh, outline(slot, document).aspect);
        let scale = (f64::from(FRAME_LONG_SIDE) / f64::from(w.max(h))).min(1.0);
        let (ow, oh) = (((f64::from(w) * scale) as u32).max(1), ((f64::from(h) * scale) as u32).max(1));
        let rgba = draw_frame(&self.video, x, y, w, h, ow, oh)?;
        let luma = luma_from_rgba(&rgba);
        let subject = subject(slot);
        let report = assess_subject(subject, vw, vh, &luma, ow, oh);
        let hint = hint(&report, fills_outline(subject, &luma, ow, oh));
        Some(FrameCheck { hint, ms: now_ms() - start })
    }

    /// What taking the photo or recording needs, without owning the
    /// stream: dropping the [`Stream`] meanwhile (cancel, `destroy()`)
    /// still stops the camera at once.
    pub fn handle(&self) -> Handle {
        Handle { stream: self.stream.clone(), video: self.video.clone() }
    }
}

/// A borrowed view of a [`Stream`] for the photo or the video.
pub struct Handle {
    stream: JsValue,
    video: JsValue,
}

impl Handle {
    /// The photo at the camera's full resolution, as a file for `slot`.
    pub async fn photo(&self, slot: Slot) -> Result<File, Failure> {
        let blob = take_photo(&self.stream, &self.video).await.map_err(|_| Failure::Ended)?;
        as_file(blob.unchecked_into(), slot).ok_or(Failure::Ended)
    }

    /// Records `ms` of video for `slot`.
    pub async fn record(&self, slot: Slot, ms: u32) -> Result<File, Failure> {
        let mime = video_type();
        if mime.is_empty() {
            return Err(Failure::NoRecorder);
        }
        let blob = record_video(&self.stream, &mime, ms).await.map_err(|_| Failure::NoRecorder)?;
        as_file(blob.unchecked_into(), slot).ok_or(Failure::NoRecorder)
    }
}

/// Whether this browser can record a liveness video.
pub fn can_record() -> bool {
    !video_type().is_empty()
}

/// The blob as a file named for the slot (`camera-id_file.jpg`), with the
/// extension its type calls for: it then goes through the same checks as a
/// chosen file.
fn as_file(blob: Blob, slot: Slot) -> Option<File> {
    let mime = blob.type_();
    let ext = match mime.as_str() {
        "image/png" => "png",
        "image/webp" => "webp",
        "video/webm" => "webm",
        "video/mp4" => "mp4",
        _ => "jpg",
    };
    let options = FilePropertyBag::new();
    options.set_type(&mime);
    let parts = js_sys::Array::of1(&blob);
    File::new_with_blob_sequence_and_options(&parts, &format!("camera-{}.{ext}", slot.field()), &options).ok()
}
