//! The form's state and its reducer: phases are enums, every change is an
//! [`Action`], and a late update for a replaced file is ignored because
//! it carries the old [`SelectionId`].

use crate::core::catalog::{Arg, Msg, Text};
use crate::core::outcome::{refused_file_text, retrying_text};
use crate::core::plan::{Known, Outcome, SelectionId};
use crate::core::resume::{ResumeRecord, SavedFile};
use crate::core::rules::{DocumentType, Slot};
use crate::core::settle::CustomerStatus;
use crate::core::status::Verification;
use crate::core::validate::FileFacts;
use crate::web::flow::FlowUpdate;
use crate::core::slot_map::SlotMap;
use std::rc::Rc;
use wasm_bindgen::UnwrapThrowExt;
use web_sys::Blob;
use yew::Reducible;

/// A notice on a slot or on the form.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// Stable code.
    pub code: String,
    /// What the customer reads (put into words when shown).
    pub text: Text,
    /// Whether it blocks submission (an error) or only warns.
    pub blocking: bool,
}

impl Notice {
    /// A blocking error.
    pub fn error(code: &str, text: impl Into<Text>) -> Notice {
        Notice { code: code.into(), text: text.into(), blocking: true }
    }

    /// A warning that lets the customer continue.
    pub fn warning(code: &str, text: impl Into<Text>) -> Notice {
        Notice { code: code.into(), text: text.into(), blocking: false }
    }
}

/// A chosen file.
#[derive(Clone, Debug, PartialEq)]
pub struct Chosen {
    /// Unique per choice.
    pub selection: SelectionId,
    /// What was chosen.
    pub facts: FileFacts,
    /// What will be uploaded (the file, or its downscaled copy).
    pub upload: Blob,
    /// MIME type to declare.
    pub content_type: String,
    /// A remark shown under the name (for example a downscale).
    pub note: Option<Text>,
    /// A small image to show: a thumbnail drawn from the quality gate's
    /// decode, or the photo itself when no check ran. `None` for PDFs,
    /// videos and files that can't be shown.
    pub preview: Option<Blob>,
}

/// Where a slot is in its life.
#[derive(Clone, Debug, PartialEq)]
pub enum SlotPhase {
    /// No file.
    Empty,
    /// The photo is being checked.
    Checking,
    /// Chosen and checked.
    Ready,
    /// Uploading: percent sent.
    Uploading(u8),
    /// On the platform.
    Uploaded,
}

/// One slot.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotState {
    /// The chosen file, if any.
    pub chosen: Option<Chosen>,
    /// Its phase.
    pub phase: SlotPhase,
    /// An error or warning about the file itself (type, size, quality).
    pub notice: Option<Notice>,
    /// A problem found by the last submit attempt (missing, duplicate,
    /// upload failed); cleared by the next attempt or a new file.
    pub attempt_notice: Option<Notice>,
}

impl SlotState {
    /// The notice to show: the file's own first, else the attempt's.
    pub fn shown_notice(&self) -> Option<&Notice> {
        self.notice.as_ref().or(self.attempt_notice.as_ref())
    }
}

impl Default for SlotState {
    fn default() -> Self {
        SlotState { chosen: None, phase: SlotPhase::Empty, notice: None, attempt_notice: None }
    }
}

/// Where the whole form is.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// Reading the customer before anything else.
    Loading,
    /// The customer is choosing files.
    Editing,
    /// A submission is running.
    Submitting,
    /// `id_file` was accepted: verification is under way or done.
    Submitted,
    /// `id_file` was sent but whether it arrived is unknown: the files are
    /// locked and the only action is to check again with the same request.
    Unconfirmed,
    /// The widget can't be used for this customer (business, not found).
    Refused,
}

impl Stage {
    /// The `data-stage` attribute value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Stage::Loading => "loading",
            Stage::Editing => "editing",
            Stage::Submitting => "submitting",
            Stage::Submitted => "submitted",
            Stage::Unconfirmed => "unconfirmed",
            Stage::Refused => "refused",
        }
    }
}

/// Everything the form shows.
#[derive(Clone, Debug, PartialEq)]
pub struct FormState {
    /// The chosen document type.
    pub document: Option<DocumentType>,
    /// The slots (all four always present).
    pub slots: SlotMap<SlotState>,
    /// The stage.
    pub stage: Stage,
    /// The form-level message.
    pub message: Option<Notice>,
    /// The verification state.
    pub verification: Verification,
    /// Files already on the platform, by selection.
    pub known: Vec<(SelectionId, Known)>,
    /// The idempotency-key prefix of this customer's session, kept across
    /// reloads so a repeated request carries the same key.
    pub key_prefix: String,
    /// Whether the request carrying `id_file` was sent and its outcome is
    /// not settled yet.
    pub final_sent: bool,
    /// The customer's status as read before submitting, if it was.
    pub before: Option<CustomerStatus>,
    /// The last few announcements for the live region, numbered so that a
    /// repeated text is still a new announcement.
    pub live: Vec<(u32, Text)>,
}

impl FormState {
    /// A fresh form for a session whose idempotency keys start with `key_prefix`.
    pub fn new(stage: Stage, key_prefix: String) -> FormState {
        let mut slots = SlotMap::default();
        for slot in crate::core::rules::Slot::ALL {
            slots.insert(slot, SlotState::default());
        }
        FormState {
            document: None,
            slots,
            stage,
            message: None,
            verification: Verification::NotStarted,
            known: Vec::new(),
            key_prefix,
            final_sent: false,
            before: None,
            live: Vec::new(),
        }
    }

    /// Queues `text` for screen readers (the polite live region keeps the
    /// last five, so the updates reduced before one render are all read).
    pub fn announce(&mut self, text: impl Into<Text>) {
        let next = self.live.last().map_or(1, |(n, _)| n + 1);
        self.live.push((next, text.into()));
        if self.live.len() > 5 {
            self.live.remove(0);
        }
    }

    fn announce_slot(&mut self, slot: Slot, what: impl Into<Arg>) {
        self.announce(Msg::LiveSlot.with("file", slot.label(self.document)).and("state", what));
    }

    /// Restores the files a reloaded page had already uploaded. They have
    /// no bytes here (nothing but ids is kept), so they are marked uploaded
    /// and the plan never uploads them again. Selections are numbered from 1.
    pub fn restore(mut self, record: ResumeRecord) -> FormState {
        self.document = record.document.as_deref().and_then(|d| DocumentType::parse(d).ok());
        if !record.key_prefix.is_empty() {
            self.key_prefix = record.key_prefix;
        }
        self.final_sent = record.final_sent;
        for (selection, file) in (1..).zip(record.files) {
            let Some(slot) = Slot::from_field(&file.slot) else { continue };
            let facts = FileFacts { name: file.name, size: file.size, last_modified: 0, kind: None };
            let chosen = Chosen {
                selection,
                facts,
                upload: Blob::new().unwrap_throw(),
                content_type: String::new(),
                note: Some(Msg::NoteUploadedEarlier.into()),
                preview: None,
            };
            self.known.push((selection, Known { file_id: file.file_id, accepted: file.accepted }));
            *self.slot_mut(slot) = SlotState { chosen: Some(chosen), phase: SlotPhase::Uploaded, notice: None, attempt_notice: None };
        }
        if !self.known.is_empty() {
            self.message = Some(Notice::warning("resumed", Msg::FormWelcomeBack));
        }
        self
    }

    /// What to keep for a reload: the document type and the files of the
    /// current selections that are already on the platform. Empty once
    /// submitted (the record is then removed).
    pub fn resume_record(&self) -> ResumeRecord {
        if self.stage == Stage::Submitted {
            return ResumeRecord::default();
        }
        let mut files = Vec::new();
        for (slot, state) in &self.slots {
            let Some(chosen) = &state.chosen else { continue };
            let Some(known) = self.known_file(chosen.selection) else { continue };
            files.push(SavedFile {
                slot: slot.field().into(),
                name: chosen.facts.name.clone(),
                size: chosen.facts.size,
                file_id: known.file_id.clone(),
                accepted: known.accepted,
            });
        }
        ResumeRecord {
            updated_ms: 0.0,
            document: self.document.map(|d| d.as_str().into()),
            files,
            key_prefix: self.key_prefix.clone(),
            final_sent: self.final_sent,
        }
    }

    /// The slot's state.
    pub fn slot(&self, slot: Slot) -> &SlotState {
        const EMPTY: &SlotState = &SlotState { chosen: None, phase: SlotPhase::Empty, notice: None, attempt_notice: None };
        self.slots.get(&slot).unwrap_or(EMPTY)
    }

    fn slot_mut(&mut self, slot: Slot) -> &mut SlotState {
        if !self.slots.contains_key(&slot) {
            self.slots.insert(slot, SlotState::default());
        }
        self.slots.get_mut(&slot).expect("inserted above")
    }

    /// The platform file of a selection, if it was uploaded.
    pub fn known_file(&self, selection: SelectionId) -> Option<&Known> {
        self.known.iter().find(|(s, _)| *s == selection).map(|(_, k)| k)
    }

    fn remember(&mut self, selection: SelectionId, file: Known) {
        self.forget(selection);
        self.known.push((selection, file));
    }

    fn forget(&mut self, selection: SelectionId) {
        self.known.retain(|(s, _)| *s != selection);
    }

    fn is_current(&self, slot: Slot, selection: SelectionId) -> bool {
        self.slot(slot).chosen.as_ref().is_some_and(|c| c.selection == selection)
    }
}

/// A change to the form.
pub enum Action {
    /// The customer is allowed in: start editing.
    Ready,
    /// Refuse with this message.
    Refuse(Notice),
    /// Document type chosen (or cleared).
    SetDocument(Option<DocumentType>),
    /// A file was chosen; `checking` while the photo is analysed.
    Choose {
        /// The slot.
        slot: Slot,
        /// The file.
        chosen: Chosen,
        /// Whether a quality check is running.
        checking: bool,
        /// A problem found already.
        notice: Option<Notice>,
    },
    /// The quality check of a file finished.
    Checked {
        /// The slot.
        slot: Slot,
        /// The file checked.
        selection: SelectionId,
        /// The blob to upload instead (downscaled), with its MIME type.
        replacement: Option<(Blob, String)>,
        /// A remark for the slot.
        note: Option<Text>,
        /// The verdict's notice, if any.
        notice: Option<Notice>,
        /// The thumbnail drawn from the check's decode.
        preview: Option<Blob>,
    },
    /// The slot's file was removed.
    Remove(Slot),
    /// Problems found on submit.
    Problems {
        /// For the form.
        form: Option<Notice>,
        /// For slots.
        slots: Vec<(Slot, Notice)>,
    },
    /// A submission started.
    Submitting,
    /// The running submission reported.
    Flow(FlowUpdate),
    /// The submission ended with this message on the form, and, when one
    /// file failed, a notice on its slot.
    Stopped(Notice, Option<(Slot, Notice)>),
    /// The customer's status was read before submitting.
    StatusBefore(CustomerStatus),
    /// A file changed mid-submission: the submission was cancelled.
    Interrupted,
    /// New verification state (host's `setStatus`, polling, or load).
    Verification(Verification),
    /// After a rejection: a new submission with fresh files, under a new
    /// idempotency-key prefix (the old keys would replay the old answers).
    Restart {
        /// The new session's key prefix.
        key_prefix: String,
    },
}

impl Reducible for FormState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Ready => {
                if next.stage == Stage::Loading {
                    next.stage = Stage::Editing;
                }
            }
            Action::Refuse(notice) => {
                next.stage = Stage::Refused;
                next.announce(notice.text.clone());
                next.message = Some(notice);
            }
            Action::SetDocument(document) => {
                next.document = document;
                next.message = None;
            }
            Action::Choose { slot, chosen, checking, notice } => {
                // Choices are numbered in order, but their checks finish in
                // any order: an older choice never replaces a newer one.
                if next.slot(slot).chosen.as_ref().is_some_and(|c| c.selection > chosen.selection) {
                    return self;
                }
                if let Some(notice) = &notice {
                    next.announce_slot(slot, notice.text.clone());
                }
                let state = next.slot_mut(slot);
                state.phase = if checking { SlotPhase::Checking } else { SlotPhase::Ready };
                state.chosen = Some(chosen);
                state.notice = notice;
                state.attempt_notice = None;
                // Keep telling the customer that the change stopped the upload.
                next.message = next.message.take().filter(|m| m.code == "upload_interrupted");
            }
            Action::Checked { slot, selection, replacement, note, notice, preview } => {
                if !next.is_current(slot, selection) {
                    return self;
                }
                if let Some(notice) = &notice {
                    next.announce_slot(slot, notice.text.clone());
                }
                let state = next.slot_mut(slot);
                state.phase = SlotPhase::Ready;
                state.notice = notice;
                if let Some(chosen) = state.chosen.as_mut() {
                    if let Some((blob, content_type)) = replacement {
                        chosen.upload = blob;
                        chosen.content_type = content_type;
                    }
                    chosen.note = note;
                    chosen.preview = preview.or(chosen.preview.take());
                }
            }
            Action::Remove(slot) => {
                *next.slot_mut(slot) = SlotState::default();
            }
            Action::Problems { form, slots } => {
                next.message = form;
                clear_attempt_notices(&mut next);
                for (slot, notice) in slots {
                    next.slot_mut(slot).attempt_notice = Some(notice);
                }
            }
            Action::Submitting => {
                next.stage = Stage::Submitting;
                next.message = None;
                clear_attempt_notices(&mut next);
                next.announce(Msg::LiveUploading);
            }
            Action::Flow(update) => return reduce_flow(self, next, update),
            Action::StatusBefore(status) => next.before = Some(status),
            Action::Stopped(notice, on_slot) => {
                next.announce(notice.text.clone());
                if let Some((slot, slot_notice)) = on_slot {
                    next.slot_mut(slot).attempt_notice = Some(slot_notice);
                }
                next.message = Some(notice);
            }
            Action::Interrupted => {
                next.stage = Stage::Editing;
                let notice = Notice::warning("upload_interrupted", Msg::FormInterrupted);
                next.announce(notice.text.clone());
                next.message = Some(notice);
                reset_progress(&mut next);
            }
            Action::Verification(verification) => {
                if matches!(verification, Verification::Pending { .. } | Verification::Verified | Verification::Rejected { .. })
                    && next.stage != Stage::Refused
                {
                    next.stage = Stage::Submitted;
                }
                if verification != next.verification && verification != Verification::NotStarted {
                    next.announce(crate::core::status::panel_title(&verification, crate::web::js::now_ms()));
                }
                next.verification = verification;
            }
            Action::Restart { key_prefix } => {
                if !matches!(next.verification, Verification::Rejected { .. }) {
                    return self;
                }
                let live = std::mem::take(&mut next.live);
                next = FormState { live, ..FormState::new(Stage::Editing, key_prefix) };
                next.announce(Msg::LiveRestart);
            }
        }
        Rc::new(next)
    }
}

fn clear_attempt_notices(state: &mut FormState) {
    for slot in state.slots.values_mut() {
        slot.attempt_notice = None;
    }
}

fn reset_progress(state: &mut FormState) {
    for slot in state.slots.values_mut() {
        if let SlotPhase::Uploading(_) = slot.phase {
            slot.phase = SlotPhase::Ready;
        }
    }
}

fn reduce_flow(old: Rc<FormState>, mut next: FormState, update: FlowUpdate) -> Rc<FormState> {
    match update {
        FlowUpdate::Progress { slot, selection, sent, total } => {
            if !next.is_current(slot, selection) || next.stage != Stage::Submitting {
                return old;
            }
            // The last bytes sent: `Uploaded` follows as soon as the storage
            // answers, so a slot already shown uploading is not re-rendered
            // for it; one that never was (a small file) now is.
            if sent >= total && matches!(next.slot(slot).phase, SlotPhase::Uploading(_)) {
                return old;
            }
            let percent = if total > 0.0 { ((sent / total) * 100.0).clamp(0.0, 99.0) as u8 } else { 0 };
            let state = next.slot_mut(slot);
            let retrying = state.attempt_notice.as_ref().is_some_and(|n| n.code == "retrying");
            if state.phase == SlotPhase::Uploading(percent) && !retrying {
                return old;
            }
            let was = state.phase.clone();
            state.phase = SlotPhase::Uploading(percent);
            if retrying {
                state.attempt_notice = None;
            }
            match was {
                SlotPhase::Uploading(before) if before < 50 && percent >= 50 => next.announce_slot(slot, Msg::LiveHalfway),
                SlotPhase::Uploading(_) => {}
                _ => next.announce_slot(slot, Msg::LiveFileUploading),
            }
        }
        FlowUpdate::Uploaded { slot, selection, file_id } => {
            if !next.is_current(slot, selection) {
                return old;
            }
            let state = next.slot_mut(slot);
            state.phase = SlotPhase::Uploaded;
            state.attempt_notice = None;
            next.announce_slot(slot, Msg::LiveFileUploaded);
            next.remember(selection, Known { file_id, accepted: false });
        }
        FlowUpdate::Retrying { slot: Some(slot), failure } => {
            next.slot_mut(slot).attempt_notice = Some(Notice::warning("retrying", retrying_text(&failure)));
        }
        FlowUpdate::Retrying { slot: None, failure } => next.message = Some(Notice::warning("retrying", retrying_text(&failure))),
        FlowUpdate::FinalSent => next.final_sent = true,
        FlowUpdate::Settling => next.message = Some(Notice::warning("settling", Msg::FormSettling)),
        FlowUpdate::Finished { outcome, known, refused } => {
            for (slot, selection, file) in known {
                if next.is_current(slot, selection) {
                    next.remember(selection, file);
                }
            }
            for (slot, selection) in refused {
                next.forget(selection);
                let restored = next.slot(slot).chosen.as_ref().is_some_and(|c| c.selection == selection && c.content_type.is_empty());
                if restored {
                    *next.slot_mut(slot) = SlotState {
                        attempt_notice: Some(Notice::error("file_refused", refused_file_text(slot, next.document))),
                        ..SlotState::default()
                    };
                } else if next.is_current(slot, selection) {
                    next.slot_mut(slot).phase = SlotPhase::Ready;
                }
            }
            next.message = None;
            // Nothing is retrying any more.
            for state in next.slots.values_mut() {
                state.attempt_notice = state.attempt_notice.take().filter(|n| n.code != "retrying");
            }
            next.final_sent = matches!(outcome, Outcome::Unconfirmed { .. });
            match outcome {
                Outcome::Completed | Outcome::Confirmed => {
                    next.stage = Stage::Submitted;
                    next.announce(Msg::LiveSubmitted);
                }
                Outcome::Unconfirmed { .. } => {
                    next.stage = Stage::Unconfirmed;
                    reset_progress(&mut next);
                }
                Outcome::Cancelled | Outcome::Stopped { .. } | Outcome::NotStarted { .. } => {
                    next.stage = Stage::Editing;
                    reset_progress(&mut next);
                }
            }
        }
    }
    Rc::new(next)
}
