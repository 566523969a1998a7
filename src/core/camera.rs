//! Guided camera capture, the pure part: which camera a slot uses, the
//! outline drawn over the preview, the one live hint a frame earns, when
//! consecutive good frames trigger the capture, how often frames are
//! analysed, and what each way the camera can fail tells the customer.
//!
//! The browser glue (`web::camera`) opens the stream, draws downscaled
//! frames of the outlined area and hands their luma to
//! [`crate::core::quality::assess_subject`]; everything it decides with is
//! here, tested natively.

use crate::core::catalog::Msg;
use crate::core::quality::{Reason, ReasonCode, Report, Subject, Verdict};
use crate::core::rules::{DocumentType, Slot};

/// The `capture` option: how a photo slot offers the camera.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Capture {
    /// "Take a photo" beside the file button wherever the browser has a
    /// live camera API in a secure context.
    #[default]
    Auto,
    /// "Take a photo" always, as the first action; where the camera can't
    /// be used the slot says why and the file button stays.
    Camera,
    /// Files only (the phone's own picker may still offer its camera app).
    Files,
}

/// The `liveness` option: what the liveness slot records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Liveness {
    /// A selfie photo.
    #[default]
    Photo,
    /// A short selfie video with on-screen prompts.
    Video,
}

/// Which camera a slot opens: the rear one for documents, the front one
/// for the selfie (the values of `facingMode`).
pub fn facing(slot: Slot) -> &'static str {
    if slot == Slot::Liveness {
        "user"
    } else {
        "environment"
    }
}

/// What a slot photographs, for the gate's limits.
pub fn subject(slot: Slot) -> Subject {
    if slot == Slot::Liveness {
        Subject::Face
    } else {
        Subject::Document
    }
}

/// Whether a slot offers the camera at all (proof of address is a bill or
/// a statement, usually a PDF: files only).
pub fn offers_camera(slot: Slot) -> bool {
    slot != Slot::ProofOfAddress
}

/// The outline over the preview.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outline {
    /// Width over height.
    pub aspect: f64,
    /// The outline element's classes: the stylesheet gives each shape its
    /// `aspect-ratio` (an inline `style` would be refused by a page whose
    /// Content-Security-Policy has no `'unsafe-inline'` for styles).
    pub class: &'static str,
    /// An oval (a face) rather than a rounded rectangle.
    pub oval: bool,
}

/// The outline for a slot: cards (driver's licenses, resident permits) are
/// ID-1, 85.60 × 53.98 mm; a passport's data page is TD3, 125 × 88 mm; a
/// face is framed by a 3:4 oval.
pub fn outline(slot: Slot, document: Option<DocumentType>) -> Outline {
    match (slot, document) {
        (Slot::Liveness, _) => Outline { aspect: 0.75, class: "kyc-outline kyc-oval", oval: true },
        (_, Some(DocumentType::Passport)) => Outline { aspect: 125.0 / 88.0, class: "kyc-outline kyc-passport", oval: false },
        _ => Outline { aspect: 85.60 / 53.98, class: "kyc-outline", oval: false },
    }
}

/// The outline's share of the preview's width (the rest is margin that
/// lets the customer see the whole document inside it).
pub const OUTLINE_WIDTH: f64 = 0.84;

/// The outlined area in a `w` × `h` frame, as `(x, y, width, height)`: the
/// outline's aspect centred, [`OUTLINE_WIDTH`] of the frame's width, or
/// less when the frame is too short for it. Frames are analysed on this
/// area only: what lies outside is not the document.
pub fn outlined_area(w: u32, h: u32, aspect: f64) -> (u32, u32, u32, u32) {
    let (fw, fh) = (f64::from(w.max(1)), f64::from(h.max(1)));
    let mut ow = fw * OUTLINE_WIDTH;
    let mut oh = ow / aspect;
    if oh > fh * OUTLINE_WIDTH {
        oh = fh * OUTLINE_WIDTH;
        ow = oh * aspect;
    }
    let (ow, oh) = (ow.round().max(1.0), oh.round().max(1.0));
    (((fw - ow) / 2.0).round() as u32, ((fh - oh) / 2.0).round() as u32, ow as u32, oh as u32)
}

/// The one short hint a frame earns, worst problem first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hint {
    /// Waiting for the first frame.
    Starting,
    /// Too dark to read.
    TooDark,
    /// Washed out.
    TooBright,
    /// A reflection over the document.
    Glare,
    /// Out of focus or moving.
    HoldStill,
    /// The subject does not fit the outline: too far (a small island in
    /// it) or too close (cut off by it).
    Fit,
    /// Good: keep still while the next frames confirm it.
    Good,
}

impl Hint {
    /// The text shown under the preview.
    pub fn msg(self, subject: Subject) -> Msg {
        match (self, subject) {
            (Hint::Starting, _) => Msg::CameraStarting,
            (Hint::TooDark, _) => Msg::CameraTooDark,
            (Hint::TooBright, _) => Msg::CameraTooBright,
            (Hint::Glare, _) => Msg::CameraGlare,
            (Hint::HoldStill, _) => Msg::CameraHoldStill,
            (Hint::Fit, Subject::Document) => Msg::CameraFitOutline,
            (Hint::Fit, Subject::Face) => Msg::CameraFitOval,
            (Hint::Good, _) => Msg::CameraGood,
        }
    }

    /// A stable name, for the preview's `data-hint` (tests, host styling).
    pub fn as_str(self) -> &'static str {
        match self {
            Hint::Starting => "starting",
            Hint::TooDark => "too_dark",
            Hint::TooBright => "too_bright",
            Hint::Glare => "glare",
            Hint::HoldStill => "hold_still",
            Hint::Fit => "fit",
            Hint::Good => "good",
        }
    }
}

/// The hint for a frame's report (the gate's verdict on the outlined area)
/// and whether the outline is filled ([`fills_outline`]). A warning is
/// hinted as well: auto-capture waits for a frame without one.
pub fn hint(report: &Report, filled: bool) -> Hint {
    let worst = |code| report.reasons.iter().any(|r: &Reason| r.code == code && r.verdict >= Verdict::Warn);
    if worst(ReasonCode::TooDark) {
        Hint::TooDark
    } else if worst(ReasonCode::Overexposed) {
        Hint::TooBright
    } else if worst(ReasonCode::Glare) {
        Hint::Glare
    } else if worst(ReasonCode::Blurry) {
        Hint::HoldStill
    } else if !filled || worst(ReasonCode::TooSmall) {
        Hint::Fit
    } else {
        Hint::Good
    }
}

/// Side of the grid the outlined area is split into to tell whether the
/// document fills it.
pub const FILL_GRID: usize = 8;

/// A luma step (horizontal plus vertical, between neighbours) from which a
/// pixel is on an edge: print, a card's border, a face's features.
pub const EDGE_STEP: u16 = 24;

/// Share of a cell's pixels on edges from which the cell shows detail.
/// One line across a cell is about 1 % of it; plain paper, a table top,
/// a wall or a card's plain background have none.
pub const DETAIL_SHARE: f64 = 0.008;

/// Share of the outline's width and of its height the detailed cells must
/// span: 7 of the 8 cells. A document held far away is a small island of
/// detail in the middle (the fixture photo at half size spans 6 of 8); one
/// that fills the outline has print or its own edges near every side, even
/// where its face is plain (a card's blank corner).
pub const FILL_SPAN: f64 = 0.85;

/// The share of the oval's bounding box a face's detail must span: a face
/// is round, and its cheeks and forehead are plain, so its detail (hair
/// line, eyes, mouth, chin, the outline against the background) spans less
/// of the box than a card's print and border do of the card's outline. Not
/// calibrated on faces (the fixtures have none): lenient on purpose, it
/// only catches a face far smaller than the oval.
pub const FACE_FILL_SPAN: f64 = 0.6;

/// Whether the subject fills the outline: the cells of a
/// [`FILL_GRID`]² grid over the `w` × `h` luma that show detail span at
/// least [`FILL_SPAN`] ([`FACE_FILL_SPAN`] for a face) of both its width
/// and its height. Otherwise the
/// customer is asked to fit the document to the outline (a document held
/// so close that the outline cuts it off shows no edges near the sides
/// either, when its face is plain there).
pub fn fills_outline(subject: Subject, luma: &[u8], w: u32, h: u32) -> bool {
    let (w, h) = (w as usize, h as usize);
    let grid = FILL_GRID;
    if w < 2 * grid || h < 2 * grid || luma.len() < w * h {
        return false;
    }
    let mut edges = [0u32; FILL_GRID * FILL_GRID];
    for y in 0..h - 1 {
        let (row, below) = (&luma[y * w..(y + 1) * w], &luma[(y + 1) * w..(y + 2) * w]);
        let cy = y * grid / h;
        for x in 0..w - 1 {
            if u16::from(row[x].abs_diff(row[x + 1])) + u16::from(row[x].abs_diff(below[x])) >= EDGE_STEP {
                edges[cy * grid + x * grid / w] += 1;
            }
        }
    }
    let cell_pixels = (w * h / (grid * grid)) as f64;
    let (mut min, mut max) = ((grid, grid), (0, 0));
    for (i, count) in edges.iter().enumerate() {
        if f64::from(*count) >= DETAIL_SHARE * cell_pixels {
            let (x, y) = (i % grid, i / grid);
            min = (min.0.min(x), min.1.min(y));
            max = (max.0.max(x), max.1.max(y));
        }
    }
    let span = |lo: usize, hi: usize| if hi >= lo { (hi - lo + 1) as f64 / grid as f64 } else { 0.0 };
    let least = if subject == Subject::Face { FACE_FILL_SPAN } else { FILL_SPAN };
    span(min.0, max.0) >= least && span(min.1, max.1) >= least
}

/// Consecutive good frames that trigger the automatic capture: one good
/// frame may be luck (a pause in a shaking hand); three, a quarter of a
/// second or more apart, are a steady hand.
pub const GOOD_FRAMES: u32 = 3;

/// Counts frames and the current run of good ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AutoCapture {
    /// Frames analysed so far.
    pub frames: u32,
    /// The current run of consecutive good frames.
    pub streak: u32,
}

impl AutoCapture {
    /// Records a frame's hint; true when the run of good frames has
    /// reached [`GOOD_FRAMES`] and the photo should be taken now.
    pub fn observe(&mut self, hint: Hint) -> bool {
        self.frames += 1;
        self.streak = if hint == Hint::Good { self.streak + 1 } else { 0 };
        self.streak >= GOOD_FRAMES
    }
}

/// Shortest time between two analysed frames, in milliseconds: four a
/// second is enough to follow a hand and leaves the preview smooth.
pub const MIN_FRAME_INTERVAL_MS: f64 = 250.0;

/// Longest time between two analysed frames: a slow phone still gets a
/// hint every second.
pub const MAX_FRAME_INTERVAL_MS: f64 = 1000.0;

/// Largest share of the main thread the analysis may take.
pub const FRAME_BUDGET: f64 = 0.25;

/// The wait before the next frame after one took `analysis_ms`: the
/// analysis keeps within [`FRAME_BUDGET`] of the time, between
/// [`MIN_FRAME_INTERVAL_MS`] and [`MAX_FRAME_INTERVAL_MS`] apart.
pub fn next_frame_delay(analysis_ms: f64) -> f64 {
    let interval = (analysis_ms / FRAME_BUDGET).clamp(MIN_FRAME_INTERVAL_MS, MAX_FRAME_INTERVAL_MS);
    (interval - analysis_ms).max(0.0)
}

/// Long side of the analysed frames, in pixels: smaller than a still
/// photo's analysis ([`crate::core::quality::ANALYSIS_LONG_SIDE`]) to keep
/// within the frame budget on a phone, large enough for the blur measure
/// (the outlined area is analysed, so the document fills it).
pub const FRAME_LONG_SIDE: u32 = 800;

/// Seconds of a liveness video.
pub const VIDEO_SECONDS: u32 = 5;

/// The prompts shown while a liveness video records, one after another.
pub const VIDEO_PROMPTS: [Msg; 3] = [Msg::VideoLookStraight, Msg::VideoTurnLeft, Msg::VideoTurnRight];

/// The prompt for second `elapsed` of the recording.
pub fn video_prompt(elapsed: u32) -> Msg {
    let each = VIDEO_SECONDS.div_ceil(VIDEO_PROMPTS.len() as u32).max(1);
    VIDEO_PROMPTS[((elapsed / each) as usize).min(VIDEO_PROMPTS.len() - 1)]
}

/// Why the camera can't be used, each with one sentence and a next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The browser has no `getUserMedia`.
    Unsupported,
    /// The page is not a secure context (plain http).
    Insecure,
    /// The page (an iframe without `allow="camera"`, a Permissions-Policy)
    /// does not allow the camera.
    Blocked,
    /// The customer (or the browser's settings) refused the permission,
    /// or dismissed the prompt.
    Denied,
    /// No camera.
    NotFound,
    /// Another app or tab holds the camera, or it failed to start.
    InUse,
    /// The stream ended (the camera was unplugged, or the system took it).
    Ended,
    /// Recording video is not possible in this browser.
    NoRecorder,
}

impl Failure {
    /// The failure a `getUserMedia` rejection stands for, from the
    /// `DOMException`'s name.
    pub fn from_error_name(name: &str) -> Failure {
        match name {
            "NotAllowedError" | "PermissionDeniedError" => Failure::Denied,
            "SecurityError" => Failure::Blocked,
            "NotFoundError" | "DevicesNotFoundError" | "OverconstrainedError" => Failure::NotFound,
            "NotSupportedError" | "TypeError" => Failure::Unsupported,
            _ => Failure::InUse,
        }
    }

    /// Stable snake_case code (`data-failure`, `onError`'s code).
    pub fn code(self) -> &'static str {
        match self {
            Failure::Unsupported => "camera_unsupported",
            Failure::Insecure => "camera_insecure_context",
            Failure::Blocked => "camera_blocked",
            Failure::Denied => "camera_denied",
            Failure::NotFound => "camera_not_found",
            Failure::InUse => "camera_in_use",
            Failure::Ended => "camera_ended",
            Failure::NoRecorder => "camera_no_recorder",
        }
    }

    /// What happened and what to do, in one sentence.
    pub fn msg(self) -> Msg {
        match self {
            Failure::Unsupported => Msg::CameraUnsupported,
            Failure::Insecure => Msg::CameraInsecure,
            Failure::Blocked => Msg::CameraBlocked,
            Failure::Denied => Msg::CameraDenied,
            Failure::NotFound => Msg::CameraNotFound,
            Failure::InUse => Msg::CameraInUse,
            Failure::Ended => Msg::CameraEnded,
            Failure::NoRecorder => Msg::CameraNoRecorder,
        }
    }
}

/// Whether a slot shows "Take a photo": never for files-only hosts or proof
/// of address; with `auto`, only where the browser has the API
/// (`available`); with `camera`, always (a click where it can't work says
/// why).
pub fn shows_camera(capture: Capture, slot: Slot, available: bool) -> bool {
    offers_camera(slot)
        && match capture {
            Capture::Files => false,
            Capture::Auto => available,
            Capture::Camera => true,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::quality::{assess_subject, Metrics};

    fn report(reasons: &[(ReasonCode, Verdict)]) -> Report {
        Report {
            verdict: reasons.iter().map(|r| r.1).max().unwrap_or(Verdict::Accept),
            reasons: reasons.iter().map(|&(code, verdict)| Reason { code, verdict }).collect(),
            width: 1600,
            height: 1200,
            metrics: Metrics::blank(),
        }
    }

    #[test]
    fn the_worst_problem_is_the_one_hint() {
        assert_eq!(hint(&report(&[]), true), Hint::Good);
        assert_eq!(hint(&report(&[]), false), Hint::Fit);
        assert_eq!(hint(&report(&[(ReasonCode::Blurry, Verdict::Warn)]), true), Hint::HoldStill);
        assert_eq!(hint(&report(&[(ReasonCode::Blurry, Verdict::Reject), (ReasonCode::Glare, Verdict::Warn)]), false), Hint::Glare);
        assert_eq!(hint(&report(&[(ReasonCode::TooDark, Verdict::Reject)]), false), Hint::TooDark);
        assert_eq!(hint(&report(&[(ReasonCode::Overexposed, Verdict::Reject)]), true), Hint::TooBright);
        assert_eq!(hint(&report(&[(ReasonCode::TooSmall, Verdict::Warn)]), true), Hint::Fit);
    }

    #[test]
    fn three_good_frames_in_a_row_take_the_photo() {
        let mut auto = AutoCapture::default();
        assert!(!auto.observe(Hint::Good));
        assert!(!auto.observe(Hint::Good));
        assert!(!auto.observe(Hint::HoldStill), "a bad frame breaks the run");
        assert!(!auto.observe(Hint::Good));
        assert!(!auto.observe(Hint::Good));
        assert!(auto.observe(Hint::Good));
        assert_eq!(auto, AutoCapture { frames: 6, streak: 3 });
    }

    #[test]
    fn frames_keep_within_a_quarter_of_the_main_thread() {
        assert_eq!(next_frame_delay(10.0), 240.0, "fast: four frames a second");
        assert_eq!(next_frame_delay(100.0), 300.0, "slower: analysis is a quarter of the interval");
        assert_eq!(next_frame_delay(400.0), 600.0, "slow phone: a frame a second");
        assert_eq!(next_frame_delay(2000.0), 0.0, "never a negative wait");
    }

    fn card_outline() -> Outline {
        outline(Slot::IdFileBack, Some(DocumentType::ResidentPermit))
    }

    #[test]
    fn the_outline_fits_the_frame_and_the_document() {
        let card = outline(Slot::IdFile, Some(DocumentType::DriversLicense)).aspect;
        let (x, y, w, h) = outlined_area(1600, 1200, card);
        assert_eq!((w, x), (1344, 128));
        assert!((f64::from(w) / f64::from(h) - card).abs() < 0.01);
        assert_eq!(y, (1200 - h) / 2);
        // A portrait phone frame: the card's width limits it.
        let (_, _, w, h) = outlined_area(720, 1280, card);
        assert!(w <= 605 && h < 1280, "{w}x{h}");
        // A landscape strip too short for it: the height limits it.
        let (_, _, w, h) = outlined_area(1600, 400, card);
        assert_eq!(h, 336);
        assert!(w < 1600);
        let passport = outline(Slot::IdFile, Some(DocumentType::Passport));
        assert!((passport.aspect - 1.42).abs() < 0.01 && !passport.oval);
        assert!(outline(Slot::Liveness, None).oval, "the selfie has an oval");
        // The stylesheet draws each outline with the aspect the frames are
        // analysed with: its last class's `aspect-ratio`.
        let css = include_str!("../../www/kyc-upload.css");
        for o in [card_outline(), passport, outline(Slot::Liveness, None)] {
            let class = o.class.rsplit(' ').next().expect("a class");
            let rule = css.split(&format!("\n.{class} {{")).nth(1).and_then(|r| r.split('}').next());
            let rule = rule.unwrap_or_else(|| panic!("no rule for .{class}"));
            let declared = rule.split("aspect-ratio:").nth(1).and_then(|r| r.split(';').next());
            let declared = declared.unwrap_or_else(|| panic!(".{class} has no aspect-ratio"));
            let (w, h) = declared.split_once('/').expect("w / h");
            let ratio = w.trim().parse::<f64>().expect("w") / h.trim().parse::<f64>().expect("h");
            assert!((ratio - o.aspect).abs() < 1e-9, ".{class}: {declared} is not {}", o.aspect);
        }
    }

    #[test]
    fn a_document_fills_the_outline_and_a_blank_wall_does_not() {
        let (w, h) = (160u32, 100u32);
        let image = |ink: &dyn Fn(u32, u32) -> bool| -> Vec<u8> {
            (0..w * h).map(|i| if ink(i % w, i / w) { 40 } else { 210 }).collect()
        };
        // Print everywhere.
        assert!(fills_outline(Subject::Document, &image(&|x, _| x % 4 < 2), w, h));
        // A card with a plain face: its border and one block of print.
        let card = image(&|x, y| x == 3 || x == w - 4 || y == 3 || y == h - 4 || ((20..60).contains(&x) && (40..70).contains(&y) && x % 3 == 0));
        assert!(fills_outline(Subject::Document, &card, w, h));
        // The same card far away: a small island in the middle.
        let far = image(&|x, y| {
            let (x, y) = (x as i32 - 80, y as i32 - 50);
            (x.abs() == 30 && y.abs() <= 18) || (y.abs() == 18 && x.abs() <= 30) || (x.abs() < 20 && y.abs() < 8 && x % 3 == 0)
        });
        assert!(!fills_outline(Subject::Document, &far, w, h));
        assert!(!fills_outline(Subject::Face, &far, w, h), "a face far smaller than the oval");
        assert!(!fills_outline(Subject::Face, &vec![128; (w * h) as usize], w, h), "a blank wall");
        assert!(!fills_outline(Subject::Document, &[], 0, 0), "no frame, no fill");
    }

    #[test]
    fn every_failure_has_a_code_and_a_sentence() {
        assert_eq!(Failure::from_error_name("NotAllowedError"), Failure::Denied);
        assert_eq!(Failure::from_error_name("NotReadableError"), Failure::InUse);
        assert_eq!(Failure::from_error_name("AbortError"), Failure::InUse);
        assert_eq!(Failure::from_error_name("NotFoundError"), Failure::NotFound);
        assert_eq!(Failure::from_error_name("OverconstrainedError"), Failure::NotFound);
        assert_eq!(Failure::from_error_name("SecurityError"), Failure::Blocked);
        assert_eq!(Failure::from_error_name("TypeError"), Failure::Unsupported);
        let all = [
            Failure::Unsupported,
            Failure::Insecure,
            Failure::Blocked,
            Failure::Denied,
            Failure::NotFound,
            Failure::InUse,
            Failure::Ended,
            Failure::NoRecorder,
        ];
        let codes: std::collections::BTreeSet<_> = all.iter().map(|f| f.code()).collect();
        let msgs: std::collections::BTreeSet<_> = all.iter().map(|f| f.msg().id()).collect();
        assert_eq!((codes.len(), msgs.len()), (all.len(), all.len()));
    }

    #[test]
    fn the_camera_shows_where_the_host_and_the_browser_allow() {
        assert!(shows_camera(Capture::Auto, Slot::IdFile, true));
        assert!(!shows_camera(Capture::Auto, Slot::IdFile, false));
        assert!(shows_camera(Capture::Camera, Slot::Liveness, false));
        assert!(!shows_camera(Capture::Files, Slot::IdFile, true));
        assert!(!shows_camera(Capture::Camera, Slot::ProofOfAddress, true));
        assert_eq!((facing(Slot::IdFileBack), facing(Slot::Liveness)), ("environment", "user"));
    }

    #[test]
    fn a_selfie_from_a_vga_front_camera_is_not_too_small() {
        // Mid-grey with detail everywhere: sharp, well exposed.
        let (w, h) = (640u32, 480u32);
        let luma: Vec<u8> = (0..w * h).map(|i| if ((i % w) / 2 + (i / w) / 2) % 2 == 0 { 60 } else { 190 }).collect();
        let face = assess_subject(Subject::Face, w, h, &luma, w, h);
        assert!(!face.has(ReasonCode::TooSmall), "{:?}", face.reasons);
        let document = assess_subject(Subject::Document, w, h, &luma, w, h);
        assert!(document.has(ReasonCode::TooSmall), "a 640×480 document photo stays too small");
    }

    #[test]
    fn the_video_prompts_follow_the_seconds() {
        assert_eq!(video_prompt(0), Msg::VideoLookStraight);
        assert_eq!(video_prompt(VIDEO_SECONDS - 1), Msg::VideoTurnRight);
        assert_eq!(video_prompt(99), Msg::VideoTurnRight);
    }
}
