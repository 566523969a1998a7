//! The live camera inside a slot's card: the preview with the document's
//! outline (or the selfie's oval) and one hint, the automatic capture when
//! consecutive frames pass the gate, a manual shutter, then the photo to
//! confirm or retake. With `liveness: "video"` the selfie slot records a
//! short video with prompts instead.
//!
//! The stream lives only while the preview is live: it is stopped on
//! capture, on cancel, when the view goes away (slot removed, `destroy()`)
//! and when the page is hidden.
//!
//! At most one slot's camera is open, so the form keeps one camera
//! ([`use_camera`]) and the open slot's card shows it ([`camera_view`]):
//! a component of its own would cost the bundle its lifecycle code.

use crate::core::camera::{facing, next_frame_delay, outline, video_prompt, AutoCapture, Failure, Hint, VIDEO_SECONDS};
use crate::core::catalog::{Arg, Msg};
use crate::core::rules::{DocumentType, Slot};
use crate::web::camera::Stream;
use crate::web::js::{sleep, ObjectUrl};
use crate::web::texts::Texts;
use crate::web::components::{use_effect_on, use_element_ref, use_shown, Shown};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{File, HtmlElement};
use yew::prelude::*;

/// What the open camera is for.
#[derive(Clone)]
pub struct CameraOpen {
    /// Which slot the photo is for.
    pub slot: Slot,
    /// The document type (the outline's shape).
    pub document: Option<DocumentType>,
    /// Record a video instead of a photo (the liveness slot with
    /// `liveness: "video"`).
    pub video: bool,
    /// The confirmed photo or video.
    pub on_file: Callback<File>,
    /// The view closes: cancelled (`None`) or the camera failed.
    pub on_close: Callback<Option<Failure>>,
}

/// Where the view is.
#[derive(Clone, PartialEq)]
enum Phase {
    /// Waiting for the stream.
    Starting,
    /// The preview runs; the frames' hint, how many were analysed and how
    /// long the last one took (ms).
    Live { hint: Hint, frames: u32, ms: u32 },
    /// Recording a video, for `elapsed` seconds so far.
    Recording { elapsed: u32 },
    /// Taking the photo, after `frames` analysed frames.
    Taking { frames: u32 },
    /// The photo or video, to confirm or retake.
    Taken { file: File, url: Rc<ObjectUrl>, frames: u32 },
}

/// The phase's name for `data-phase` (tests, host styling).
fn phase_name(phase: &Phase) -> &'static str {
    match phase {
        Phase::Starting => "starting",
        Phase::Live { .. } => "live",
        Phase::Recording { .. } => "recording",
        Phase::Taking { .. } => "taking",
        Phase::Taken { .. } => "taken",
    }
}

/// One session of the camera: open, analyse frames until the photo is
/// taken (automatically or with the shutter), stop.
struct Session {
    alive: Rc<Cell<bool>>,
    stream: Rc<RefCell<Option<Stream>>>,
    /// The shutter was pressed.
    shutter: Rc<Cell<bool>>,
    hidden: Closure<dyn FnMut()>,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.alive.set(false);
        drop(self.stream.borrow_mut().take());
        if let Some(document) = document() {
            let _ = document.remove_event_listener_with_callback("visibilitychange", self.hidden.as_ref().unchecked_ref());
        }
    }
}

/// Takes the photo (or records the video), stops the stream and shows it.
async fn take(props: &CameraOpen, session: &Live, frames: u32) {
    let Some(handle) = session.stream.borrow().as_ref().map(Stream::handle) else { return };
    let taken = if props.video {
        handle.record(props.slot, VIDEO_SECONDS * 1000).await
    } else {
        session.phase.set(Phase::Taking { frames });
        handle.photo(props.slot).await
    };
    // Stopped now; and if the view went away meanwhile, it is already.
    drop(session.stream.borrow_mut().take());
    if !session.alive.get() {
        return;
    }
    match taken {
        Ok(file) => match ObjectUrl::of(&file) {
            Some(url) => session.phase.set(Phase::Taken { file, url: Rc::new(url), frames }),
            None => props.on_file.emit(file),
        },
        Err(failure) => props.on_close.emit(Some(failure)),
    }
}

/// What the session's task shares with the view.
#[derive(Clone)]
struct Live {
    alive: Rc<Cell<bool>>,
    stream: Rc<RefCell<Option<Stream>>>,
    phase: Shown<Phase>,
}

fn start(props: CameraOpen, video: NodeRef, phase: Shown<Phase>) -> Session {
    let alive = Rc::new(Cell::new(true));
    let stream: Rc<RefCell<Option<Stream>>> = Rc::default();
    let shutter = Rc::new(Cell::new(false));
    // Hidden page: the camera goes off and the view closes.
    let hidden = {
        let (alive, stream, on_close) = (alive.clone(), stream.clone(), props.on_close.clone());
        Closure::<dyn FnMut()>::new(move || {
            let hidden = document().is_some_and(|d| d.hidden());
            if hidden && alive.get() && stream.borrow_mut().take().is_some() {
                on_close.emit(None);
            }
        })
    };
    if let Some(document) = document() {
        let _ = document.add_event_listener_with_callback("visibilitychange", hidden.as_ref().unchecked_ref());
    }
    let session = Session { alive: alive.clone(), stream: stream.clone(), shutter: shutter.clone(), hidden };
    let live = Live { alive: alive.clone(), stream: stream.clone(), phase: phase.clone() };
    spawn_local(async move {
        let Some(element) = video.get() else { return };
        let on_ended = {
            let (alive, on_close) = (alive.clone(), props.on_close.clone());
            move || {
                if alive.get() {
                    on_close.emit(Some(Failure::Ended));
                }
            }
        };
        let opened = Stream::open(element.into(), facing(props.slot), on_ended).await;
        if !alive.get() {
            return; // the stream, if any, is dropped (stopped) here
        }
        match opened {
            Ok(live) => *stream.borrow_mut() = Some(live),
            Err(failure) => return props.on_close.emit(Some(failure)),
        }
        let mut auto = AutoCapture::default();
        phase.set(Phase::Live { hint: Hint::Starting, frames: 0, ms: 0 });
        while alive.get() {
            if shutter.replace(false) {
                if props.video {
                    record(&props, &live).await;
                } else {
                    take(&props, &live, auto.frames).await;
                }
                return;
            }
            if props.video {
                sleep(100).await;
                continue;
            }
            let check = stream.borrow().as_ref().and_then(|s| s.check(props.slot, props.document));
            let Some(check) = check else {
                sleep(100).await;
                continue;
            };
            let capture = auto.observe(check.hint);
            phase.set(Phase::Live { hint: check.hint, frames: auto.frames, ms: check.ms as u32 });
            if capture {
                take(&props, &live, auto.frames).await;
                return;
            }
            // The shutter is checked often even when frames are sparse.
            let mut wait = next_frame_delay(check.ms);
            while wait > 0.0 && alive.get() && !shutter.get() {
                sleep(wait.min(100.0) as u64).await;
                wait -= 100.0;
            }
        }
    });
    session
}

/// Records the liveness video, showing each second's prompt.
async fn record(props: &CameraOpen, live: &Live) {
    live.phase.set(Phase::Recording { elapsed: 0 });
    let ticking = Rc::new(Cell::new(true));
    {
        let (phase, ticking, alive) = (live.phase.clone(), ticking.clone(), live.alive.clone());
        spawn_local(async move {
            for elapsed in 1..VIDEO_SECONDS {
                sleep(1000).await;
                if !ticking.get() || !alive.get() {
                    return;
                }
                phase.set(Phase::Recording { elapsed });
            }
        });
    }
    take(props, live, 0).await;
    ticking.set(false);
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// The form's camera: its phase, its session and its elements.
pub struct Camera {
    phase: Shown<Phase>,
    /// A new session per attempt: retake starts the camera again.
    attempt: Shown<u32>,
    session: Rc<RefCell<Option<Session>>>,
    video: NodeRef,
    /// The action of each phase, which takes the focus.
    focus: NodeRef,
}

/// The form's camera, open for `open` (or closed). A session starts when
/// it opens for a slot, and again at each retake; it ends when the camera
/// closes, moves to another slot or the form goes.
#[hook]
pub fn use_camera(open: Option<CameraOpen>) -> Camera {
    let phase = use_shown(|| Phase::Starting);
    let attempt = use_shown(|| 0u32);
    let session: Rc<RefCell<Option<Session>>> = use_mut_ref(|| None);
    let (video, focus) = (use_element_ref(), use_element_ref());
    let key = open.as_ref().map(|o| o.slot);
    // Another opening starts from the beginning, in this very render.
    let shown_for = use_mut_ref(|| None);
    if *shown_for.borrow() != key {
        *shown_for.borrow_mut() = key;
        phase.reset(Phase::Starting);
    }
    {
        let (video, phase, session) = (video.clone(), phase.clone(), session.clone());
        use_effect_on((key, attempt.get()), move |_| {
            if let Some(open) = open {
                *session.borrow_mut() = Some(start(open, video, phase));
            }
            move || drop(session.borrow_mut().take())
        });
    }
    {
        // The action of each phase takes focus: the shutter, then "Use".
        let focus = focus.clone();
        use_effect_on(phase_name(&phase.get()), move |_| {
            if let Some(el) = focus.cast::<HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    Camera { phase, attempt, session, video, focus }
}

/// The live camera inside the open slot's card.
pub fn camera_view(camera: &Camera, props: &CameraOpen, texts: &Texts) -> Html {
    let phase = camera.phase.get();
    let on_shutter = {
        let session = camera.session.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(s) = session.borrow().as_ref() {
                s.shutter.set(true);
            }
        })
    };
    let on_cancel = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(None))
    };
    let on_key = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                // Closes the camera only: not a dialog of the host's that
                // holds the widget.
                e.prevent_default();
                e.stop_propagation();
                on_close.emit(None);
            }
        })
    };
    let on_retake = {
        let (attempt, phase) = (camera.attempt.clone(), camera.phase.clone());
        Callback::from(move |_: MouseEvent| {
            phase.set(Phase::Starting);
            attempt.set(attempt.get() + 1);
        })
    };
    let outline = outline(props.slot, props.document);
    let oval = outline.oval;
    let label = texts.render(&Msg::CameraRegion.with("slot", Arg::from(props.slot.label(props.document))));
    let subject = crate::core::camera::subject(props.slot);
    let (hint, frames, ms) = match &phase {
        Phase::Live { hint, frames, ms } => (*hint, *frames, *ms),
        Phase::Taken { frames, .. } | Phase::Taking { frames } => (Hint::Good, *frames, 0),
        _ => (Hint::Starting, 0, 0),
    };
    let hint_text = match &phase {
        Phase::Recording { elapsed } => texts.get(video_prompt(*elapsed)),
        Phase::Live { .. } if props.video => texts.get(Msg::VideoLookStraight),
        Phase::Taken { .. } => texts.get(Msg::CameraCheck),
        Phase::Taking { .. } => texts.get(Msg::CameraGood),
        _ => texts.get(hint.msg(subject)),
    };
    let taken = match &phase {
        Phase::Taken { file, url, .. } => Some((file.clone(), url.0.clone())),
        _ => None,
    };
    html! {
        <div class="kyc-camera" role="group" aria-label={label} data-testid="camera-view"
             data-phase={phase_name(&phase)} data-hint={hint.as_str()} data-frames={frames.to_string()} data-frame-ms={ms.to_string()}
             onkeydown={on_key}>
            <div class="kyc-camera-frame">
                if let Some((_, url)) = &taken {
                    if props.video {
                        <video class="kyc-camera-media" src={url.clone()} controls=true playsinline=true />
                    } else {
                        <img class="kyc-camera-media" src={url.clone()} alt={texts.get(Msg::CameraCheck)} />
                    }
                } else {
                    <video ~className={if oval { "kyc-camera-media kyc-mirror" } else { "kyc-camera-media" }} ref={camera.video.clone()} muted=true playsinline=true autoplay=true aria-hidden="true" />
                    <div ~className={outline.class} aria-hidden="true"></div>
                }
            </div>
            <p class="kyc-camera-hint" data-testid="camera-hint" role="status">
                if matches!(phase, Phase::Recording { .. }) {
                    <span class="kyc-rec">{ texts.get(Msg::VideoRecording) }</span>{ " " }
                }
                { hint_text }
            </p>
            <div class="kyc-camera-actions">
                if let Some((file, _)) = taken {
                    <button type="button" class="kyc-button" data-testid="use-photo" ref={camera.focus.clone()}
                            onclick={let on_file = props.on_file.clone(); Callback::from(move |_: MouseEvent| on_file.emit(file.clone()))}>
                        { texts.get(if props.video { Msg::CameraUseVideo } else { Msg::CameraUse }) }
                    </button>
                    <button type="button" class="kyc-button kyc-secondary" data-testid="retake" onclick={on_retake}>
                        { texts.get(Msg::CameraRetake) }
                    </button>
                } else {
                    <button type="button" class="kyc-button" data-testid="shutter" ref={camera.focus.clone()}
                            disabled={!matches!(phase, Phase::Live { .. })} onclick={on_shutter}>
                        { texts.get(if props.video { Msg::VideoStart } else { Msg::CameraShutter }) }
                    </button>
                }
                <button type="button" class="kyc-button kyc-secondary" data-testid="camera-cancel" onclick={on_cancel}>
                    { texts.get(Msg::CameraCancel) }
                </button>
            </div>
        </div>
    }
}
