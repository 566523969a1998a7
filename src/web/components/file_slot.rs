//! One file slot, as a card: what to photograph, one large action to choose
//! a file (the real `<input type="file">` stays underneath, visually
//! hidden but focusable, so keyboards and assistive technology use the
//! browser's own control), and once chosen a preview, the name, the size,
//! the state and the gate's advice. A file dropped on the card or pasted
//! while the card has focus goes to this slot.
//!
//! A slot is a function of the form's state rather than a component of its
//! own (as the status panel): a component costs the bundle its own
//! lifecycle, props comparison and builder code (3.1 kB of wasm, 0.6 kB
//! gzipped). Its one piece of state, the preview's object URL, is kept by
//! the form in [`Previews`].

use crate::core::camera::Failure;
use crate::core::rules::{DocumentType, Slot};
use crate::core::sniff::{accept_attribute, capture_attribute, FileKind};
use crate::core::catalog::{Arg, Msg};
use crate::core::validate::display_name;
use crate::web::js::ObjectUrl;
use crate::web::components::flag;
use crate::web::state::{FormState, SlotPhase, SlotState};
use crate::web::texts::Texts;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Blob, ClipboardEvent, DataTransfer, File, HtmlInputElement};
use yew::prelude::*;

/// What a slot shows and what its actions do.
pub struct FileSlot<'a> {
    /// Which slot.
    pub slot: Slot,
    /// The document type (for the label).
    pub document: Option<DocumentType>,
    /// The slot's state.
    pub state: &'a SlotState,
    /// Whether a file is required.
    pub required: bool,
    /// Whether choosing a file is disabled.
    pub disabled: bool,
    /// Whether Remove is disabled (while the submission runs: removing a
    /// file would cancel it).
    pub locked: bool,
    /// A file was chosen, dropped or pasted.
    pub on_choose: Callback<(Slot, File)>,
    /// The remove button was pressed.
    pub on_remove: Callback<Slot>,
    /// The customer's language.
    pub texts: &'a Rc<Texts>,
    /// The live camera, where this slot offers it.
    pub camera: Option<CameraSlot>,
    /// The camera's view, while it is open for this slot.
    pub live: Option<Html>,
    /// The preview's object URL, which the form keeps.
    pub preview: Option<AttrValue>,
}

/// A slot's live camera: offered, open, or failed.
pub struct CameraSlot {
    /// "Take a photo" comes first (`capture: "camera"`).
    pub first: bool,
    /// The preview is open.
    pub open: bool,
    /// Record a video (the liveness slot with `liveness: "video"`).
    pub video: bool,
    /// Why the camera could not be used, last time.
    pub failure: Option<Failure>,
    /// "Take a photo" was pressed.
    pub on_open: Callback<Slot>,
}

/// The slots' preview URLs, each made from its slot's preview blob and
/// revoked as soon as the blob changes or goes (or the form goes).
#[derive(Default)]
pub struct Previews([Option<(Blob, ObjectUrl)>; 4]);

impl Previews {
    /// The current preview URL of every slot (in [`Slot::ALL`] order).
    pub fn urls(&mut self, state: &FormState) -> [Option<AttrValue>; 4] {
        Slot::ALL.map(|slot| {
            let kept = &mut self.0[slot as usize];
            let blob = state.slot(slot).chosen.as_ref().and_then(|c| c.preview.as_ref());
            if kept.as_ref().map(|(shown, _)| shown) != blob {
                *kept = blob.and_then(|blob| Some((blob.clone(), ObjectUrl::of(blob)?)));
            }
            kept.as_ref().map(|(_, url)| AttrValue::from(url.0.clone()))
        })
    }
}

/// The first file of a drop or a paste.
pub fn first_file(transfer: Option<DataTransfer>) -> Option<File> {
    transfer?.files()?.get(0)
}

/// A slot's element ids and test hooks, as static strings: built at
/// compile time rather than formatted on every render.
struct SlotIds {
    label: &'static str,
    hint: &'static str,
    input: &'static str,
    error: &'static str,
    file: &'static str,
    /// `aria-describedby` of the input: the hint, plus the chosen file and
    /// the problem when there are.
    described: [&'static str; 4],
    test_file: &'static str,
    test_remove: &'static str,
    test_progress: &'static str,
    test_preview: &'static str,
    test_error: &'static str,
    test_camera: &'static str,
    /// A selector for the "Take a photo" button, to give it focus.
    camera_selector: &'static str,
    /// The Remove button, and its name: "Remove" and the slot's label.
    remove: &'static str,
    remove_named: &'static str,
    /// A selector for the input, to give it focus.
    input_selector: &'static str,
}

macro_rules! slot_ids {
    ($f:literal) => {
        SlotIds {
            label: concat!("kyc-label-", $f),
            hint: concat!("kyc-hint-", $f),
            input: concat!("kyc-input-", $f),
            error: concat!("kyc-error-", $f),
            file: concat!("kyc-file-", $f),
            described: [
                concat!("kyc-hint-", $f),
                concat!("kyc-hint-", $f, " kyc-file-", $f),
                concat!("kyc-hint-", $f, " kyc-error-", $f),
                concat!("kyc-hint-", $f, " kyc-file-", $f, " kyc-error-", $f),
            ],
            test_file: concat!("file-", $f),
            test_remove: concat!("remove-", $f),
            test_progress: concat!("progress-", $f),
            test_preview: concat!("preview-", $f),
            test_error: concat!("error-", $f),
            test_camera: concat!("camera-", $f),
            camera_selector: concat!("[data-testid=camera-", $f, "]"),
            remove: concat!("kyc-remove-", $f),
            remove_named: concat!("kyc-remove-", $f, " kyc-label-", $f),
            input_selector: concat!("[data-testid=file-", $f, "]"),
        }
    };
}

fn slot_ids(slot: Slot) -> &'static SlotIds {
    const ID_FILE: SlotIds = slot_ids!("id_file");
    const ID_FILE_BACK: SlotIds = slot_ids!("id_file_back");
    const PROOF_OF_ADDRESS: SlotIds = slot_ids!("proof_of_address_file");
    const LIVENESS: SlotIds = slot_ids!("liveness_check_file");
    match slot {
        Slot::IdFile => &ID_FILE,
        Slot::IdFileBack => &ID_FILE_BACK,
        Slot::ProofOfAddress => &PROOF_OF_ADDRESS,
        Slot::Liveness => &LIVENESS,
    }
}

/// A selector for the slot's file input (its choose action).
pub fn input_selector(slot: Slot) -> &'static str {
    slot_ids(slot).input_selector
}

/// A selector for the slot's "Take a photo" button.
pub fn camera_selector(slot: Slot) -> &'static str {
    slot_ids(slot).camera_selector
}

/// What a slot's state reads as at a glance (`data-state`).
fn state_name(state: &SlotState) -> &'static str {
    match state.phase {
        _ if state.shown_notice().is_some() => "attention",
        SlotPhase::Empty => "empty",
        SlotPhase::Checking => "checking",
        SlotPhase::Ready => "ready",
        SlotPhase::Uploading(_) => "uploading",
        SlotPhase::Uploaded => "uploaded",
    }
}

/// Marks the element listening (a card, or the form) as the drop target
/// while something is dragged over it (`data-drop`, straight on the
/// element: a re-render per `dragover` would be wasted).
pub fn mark_drop_target(e: &DragEvent, on: bool) {
    if let Some(card) = e.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
        let _ = card.toggle_attribute_with_force("data-drop", on);
    }
}

/// One upload slot, keyed by its field in the form's list.
pub fn file_slot(props: FileSlot) -> Html {
    let slot = props.slot;
    let field = slot.field();
    let ids = slot_ids(slot);
    let state = props.state;
    let chosen = state.chosen.as_ref();
    let choose = {
        let on_choose = props.on_choose.clone();
        move |file: Option<File>| {
            if let Some(file) = file {
                on_choose.emit((slot, file));
            }
        }
    };
    let onchange = {
        let choose = choose.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            choose(input.files().and_then(|list| list.get(0)));
            // Choosing the same file again must fire `change` again.
            input.set_value("");
        })
    };
    let enabled = !props.disabled;
    let ondragover = Callback::from(move |e: DragEvent| {
        if enabled {
            // Accept the drop here (the default refuses it).
            e.prevent_default();
            mark_drop_target(&e, true);
        }
    });
    let ondragleave = Callback::from(|e: DragEvent| mark_drop_target(&e, false));
    let ondrop = {
        let choose = choose.clone();
        Callback::from(move |e: DragEvent| {
            mark_drop_target(&e, false);
            if enabled {
                e.prevent_default();
                // Not the form's: this slot takes it.
                e.stop_propagation();
                choose(first_file(e.data_transfer()));
            }
        })
    };
    let onpaste = Callback::from(move |e: Event| {
        let Some(e) = e.dyn_ref::<ClipboardEvent>() else { return };
        if let Some(file) = first_file(e.clipboard_data()).filter(|_| enabled) {
            e.prevent_default();
            e.stop_propagation();
            choose(Some(file));
        }
    });
    let onremove = {
        let on_remove = props.on_remove.clone();
        Callback::from(move |_: MouseEvent| on_remove.emit(slot))
    };
    let texts = props.texts;
    let label = texts.get(slot.label(props.document));
    let status = match state.phase {
        SlotPhase::Checking => Msg::StateChecking.into(),
        SlotPhase::Uploading(p) => Msg::StateUploading.with("percent", Arg::Percent(p)),
        SlotPhase::Uploaded => Msg::StateUploaded.into(),
        SlotPhase::Ready if state.shown_notice().is_some_and(|n| n.blocking) => Msg::StateAttention.into(),
        _ => Msg::StateReady.into(),
    };
    let percent = match state.phase {
        SlotPhase::Uploading(p) => Some(p),
        SlotPhase::Uploaded => Some(100),
        _ => None,
    };
    let notice = state.shown_notice();
    let notice_class = match notice {
        Some(n) if n.blocking => "kyc-notice kyc-error",
        Some(_) => "kyc-notice kyc-warning",
        None => "kyc-notice",
    };
    let described = ids.described[usize::from(chosen.is_some()) + 2 * usize::from(notice.is_some())];
    let action = match (chosen, slot) {
        (Some(_), _) => Msg::ChooseReplace,
        (None, Slot::ProofOfAddress) => Msg::ChoosePhotoOrPdf,
        (None, Slot::Liveness) => Msg::ChoosePhotoOrVideo,
        (None, _) => Msg::ChoosePhoto,
    };
    let kind_icon = |kind: Option<FileKind>| match kind {
        Some(FileKind::Pdf) => Msg::IconPdf,
        Some(FileKind::Mp4 | FileKind::Webm) => Msg::IconVideo,
        _ => Msg::IconFile,
    };
    let file_name = |name: &str| Some(display_name(name)).filter(|n| !n.is_empty()).unwrap_or_else(|| texts.get(Msg::FileUnnamed));
    html! {
        <div key={field} class="kyc-slot" data-slot={field} data-state={state_name(state)}
             {ondragover} {ondragleave} {ondrop} {onpaste}>
            <div class="kyc-slot-head">
                <span class="kyc-label" id={ids.label}>{ label.clone() }</span>
                <span class="kyc-tag">{ texts.get(if props.required { Msg::SlotRequired } else { Msg::SlotOptional }) }</span>
            </div>
            <p class="kyc-hint" id={ids.hint}>{ texts.get(slot.instruction(props.document)) }</p>
            if let Some(chosen) = chosen {
                <div class="kyc-file">
                    if let Some(src) = props.preview {
                        <img class="kyc-thumb" data-testid={ids.test_preview} {src} alt={label.clone()} />
                    } else {
                        <span class="kyc-thumb kyc-icon" aria-hidden="true">{ texts.get(kind_icon(chosen.facts.kind)) }</span>
                    }
                    <div class="kyc-file-info" id={ids.file}>
                        <bdi class="kyc-file-name">{ file_name(&chosen.facts.name) }</bdi>
                        <span class="kyc-file-meta">{ texts.render(&Msg::FileMeta.with("size", Arg::Bytes(chosen.facts.size)).and("state", status)) }</span>
                        if let Some(note) = &chosen.note {
                            <span class="kyc-note">{ texts.render(note) }</span>
                        }
                    </div>
                    <button type="button" class="kyc-remove" id={ids.remove} data-testid={ids.test_remove} aria-labelledby={ids.remove_named}
                            disabled={props.disabled || props.locked} onclick={onremove}>
                        { texts.get(Msg::FileRemove) }
                    </button>
                </div>
            }
            if let Some(p) = percent {
                <progress
                    class="kyc-progress"
                    role="progressbar"
                    data-testid={ids.test_progress}
                    max="100"
                    value={p.to_string()}
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow={p.to_string()}
                    aria-labelledby={ids.label}
                />
            }
            if let Some(live) = props.live {
                { live }
            }
            <input
                type="file"
                id={ids.input}
                class="kyc-input"
                data-testid={ids.test_file}
                accept={accept_attribute(slot)}
                capture={capture_attribute(slot)}
                disabled={props.disabled}
                aria-labelledby={ids.label}
                aria-describedby={described}
                aria-required={flag(props.required)}
                aria-invalid={flag(notice.is_some_and(|n| n.blocking))}
                {onchange}
            />
            <div ~className={if props.camera.as_ref().is_some_and(|c| c.first) { "kyc-actions kyc-camera-first" } else { "kyc-actions" }}>
                <label for={ids.input} class="kyc-choose" aria-hidden="true">
                    { texts.get(action) }
                    <span class="kyc-drop-hint">{ " " }{ texts.get(Msg::ChooseDrop) }</span>
                </label>
                if let Some(camera) = &props.camera {
                    <button type="button" class="kyc-button kyc-take" data-testid={ids.test_camera}
                            disabled={props.disabled || props.locked || camera.open}
                            aria-describedby={ids.label}
                            onclick={camera.on_open.reform(move |_: MouseEvent| slot)}>
                        { texts.get(match (slot, camera.video) {
                            (Slot::Liveness, true) => Msg::CameraRecord,
                            (Slot::Liveness, false) => Msg::CameraTakeSelfie,
                            _ => Msg::CameraTake,
                        }) }
                    </button>
                }
            </div>
            if let Some(failure) = props.camera.as_ref().and_then(|c| c.failure) {
                <p class="kyc-notice kyc-warning" data-testid="camera-error" data-failure={failure.code()} role="alert">
                    { texts.get(failure.msg()) }
                </p>
            }
            <p id={ids.error} ~className={notice_class} data-testid={ids.test_error}>
                { notice.map(|n| texts.render(&n.text)).unwrap_or_default() }
            </p>
        </div>
    }
}
