//! Runs one submission: executes the plan's commands (presign, PUT, files
//! request, status read, timers, aborts) and feeds their results back as
//! events. All ordering and settling decisions live in
//! [`crate::core::plan`]; this file only moves data. Dropping a [`Flow`]
//! aborts everything it started.

use crate::core::api::{Failure, PresignRequest};
use crate::core::plan::{Command, Event, Known, Outcome, SelectionId, Submission, Wake};
use crate::core::retry::RetryPolicy;
use crate::core::rules::{DocumentType, Slot};
use crate::core::settle::CustomerStatus;
use crate::core::validate::display_name;
use crate::web::api::Api;
use crate::web::js::{now_ms, random_seed, sleep};
use futures::channel::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};
use futures::future::{AbortHandle, Abortable, LocalBoxFuture};
use std::future::Future;
use futures::StreamExt;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use web_sys::Blob;
use yew::Callback;

/// The shortest time between two progress updates of one file, in ms.
pub const PROGRESS_INTERVAL_MS: f64 = 100.0;

/// A file taking part in a submission.
#[derive(Clone)]
pub struct FileEntry {
    /// Its slot.
    pub slot: Slot,
    /// Its selection id.
    pub selection: SelectionId,
    /// The bytes to upload (the chosen file, or its downscaled copy).
    pub blob: Blob,
    /// The file name as chosen.
    pub name: String,
    /// The MIME type to declare (sniffed, never from the name).
    pub content_type: String,
}

/// What the flow tells the form.
#[derive(Clone, Debug, PartialEq)]
pub enum FlowUpdate {
    /// Bytes sent for one file.
    Progress {
        /// The slot.
        slot: Slot,
        /// The file.
        selection: SelectionId,
        /// Bytes sent.
        sent: f64,
        /// Bytes in all.
        total: f64,
    },
    /// One file is stored on the platform.
    Uploaded {
        /// The slot.
        slot: Slot,
        /// The file.
        selection: SelectionId,
        /// The platform's id for it.
        file_id: String,
    },
    /// A step failed and will be retried after a pause: for one file, or
    /// for a files request (`slot` is `None`).
    Retrying {
        /// The file's slot, if the step was for one file.
        slot: Option<Slot>,
        /// What failed.
        failure: Failure,
    },
    /// The request carrying `id_file` went out: from now on the outcome
    /// must be settled, even after a reload.
    FinalSent,
    /// The answer of that request was lost: its outcome is being read.
    Settling,
    /// The submission ended.
    Finished {
        /// How.
        outcome: Outcome,
        /// Files now on the platform, to reuse on a later submission.
        known: Vec<(Slot, SelectionId, Known)>,
        /// Files whose platform ids were refused: to choose again.
        refused: Vec<(Slot, SelectionId)>,
    },
}

enum Input {
    /// A result, and what to tell the form once the commands it leads to
    /// have started (the next request goes out before the form re-renders).
    Event(Event, Option<FlowUpdate>),
    Cancel,
}

/// A running submission. Dropping it aborts every request it started.
pub struct Flow {
    tx: UnboundedSender<Input>,
    abort: AbortHandle,
    final_sent: Rc<Cell<bool>>,
}

impl Drop for Flow {
    fn drop(&mut self) {
        self.abort.abort();
    }
}

impl Flow {
    /// Starts a submission of `entries` for `document`. `key_prefix` is
    /// the customer session's idempotency-key prefix; `before` the
    /// customer's status read before, if any.
    pub fn start(
        api: Rc<Api>,
        document: DocumentType,
        entries: Vec<FileEntry>,
        known: Vec<(SelectionId, Known)>,
        session: (String, Option<CustomerStatus>),
        update: Callback<FlowUpdate>,
    ) -> Flow {
        let (tx, rx) = unbounded();
        let mut chosen: Vec<(Slot, SelectionId)> = Vec::new();
        for entry in &entries {
            chosen.push((entry.slot, entry.selection));
        }
        let (key_prefix, before) = session;
        let submission = Submission::new(&chosen, &known, key_prefix, RetryPolicy::default(), random_seed())
            .with_status_before(before);
        let files = entries;
        let final_sent = Rc::new(Cell::new(false));
        let mut driver = Driver {
            api,
            document,
            files,
            tx: tx.clone(),
            update,
            tasks: Tasks::default(),
            submission,
            final_sent: final_sent.clone(),
            last_failure: None,
        };
        let (abort, registration) = AbortHandle::new_pair();
        let first = driver.submission.start();
        // The first requests are queued now, before the caller's re-render
        // ("uploading") is: the customer sees it while they travel. A plan
        // that ends at once ends inside the driver's task instead, so the
        // caller never hears "finished" before `start` returns.
        let first = if first.iter().any(|c| matches!(c, Command::Finish(_))) {
            first
        } else {
            driver.execute(first);
            Vec::new()
        };
        spawn_local(async move {
            let _ = Abortable::new(driver.run(first, rx), registration).await;
        });
        Flow { tx, abort, final_sent }
    }

    /// Whether the request carrying `id_file` has gone out: from then on
    /// the submission can't be changed or cancelled.
    pub fn final_request_sent(&self) -> bool {
        self.final_sent.get()
    }

    /// Stops the submission.
    pub fn cancel(&self) {
        let _ = self.tx.unbounded_send(Input::Cancel);
    }
}

/// Spawned requests and timers, aborted together when dropped.
#[derive(Default)]
struct Tasks {
    by_file: Vec<((Slot, SelectionId), AbortHandle)>,
    others: Vec<AbortHandle>,
}

impl Tasks {
    fn take(&mut self, key: (Slot, SelectionId)) -> Option<AbortHandle> {
        let at = self.by_file.iter().position(|(k, _)| *k == key)?;
        Some(self.by_file.swap_remove(at).1)
    }
}

impl Drop for Tasks {
    fn drop(&mut self) {
        self.by_file.iter().map(|(_, h)| h).chain(self.others.iter()).for_each(AbortHandle::abort);
    }
}

/// What a spawned request or timer ends with: its event, and an update
/// for the form to send once the event's commands have started.
type Done = (Event, Option<FlowUpdate>);

struct Driver {
    api: Rc<Api>,
    document: DocumentType,
    files: Vec<FileEntry>,
    tx: UnboundedSender<Input>,
    update: Callback<FlowUpdate>,
    tasks: Tasks,
    submission: Submission,
    final_sent: Rc<Cell<bool>>,
    /// The last failure reported, to say why a step is being retried.
    last_failure: Option<Failure>,
}

impl Driver {
    /// Runs `first` (the plan's first commands, when `Flow::start` left
    /// them to this task; else none), then every event until the end.
    async fn run(mut self, first: Vec<Command>, mut rx: UnboundedReceiver<Input>) {
        if self.execute(first) {
            return;
        }
        while let Some(input) = rx.next().await {
            let mut after = None;
            let commands = match input {
                Input::Event(event, update) => {
                    after = update;
                    match &event {
                        Event::PutDone { slot, selection } => drop(self.tasks.take((*slot, *selection))),
                        Event::PresignFailed { failure, .. } | Event::PutFailed { failure, .. } | Event::FilesFailed { failure, .. } => {
                            self.last_failure = Some(failure.clone());
                        }
                        _ => {}
                    }
                    self.submission.handle(event)
                }
                Input::Cancel => self.submission.cancel(),
            };
            // The form learns the event (the last upload, say) before the
            // request carrying id_file goes out: from that moment its
            // resume record must name every file that request sends.
            let sends_id_file = commands.iter().any(|c| matches!(c, Command::SendFiles(call) if call.carries_id_file()));
            if sends_id_file && !self.final_sent.get() {
                if let Some(update) = after.take() {
                    self.update.emit(update);
                }
            }
            let finished = self.execute(commands);
            if let Some(update) = after {
                self.update.emit(update);
            }
            if finished {
                return;
            }
        }
    }

    /// Runs commands; returns true once the submission finished.
    fn execute(&mut self, commands: Vec<Command>) -> bool {
        for command in self.largest_first(commands) {
            match command {
                Command::Presign { slot, selection } => self.presign(slot, selection),
                Command::Put { slot, selection, upload } => {
                    let Some(entry) = self.file(selection).cloned() else { continue };
                    let api = self.api.clone();
                    let update = self.update.clone();
                    // At most one progress update per interval per file, the
                    // first one interval into the upload (and always the
                    // last): each one re-renders the form, and an upload done
                    // sooner needs no progress shown.
                    let last = Cell::new(now_ms());
                    let progress = Box::new(move |sent: f64, total: f64| {
                        let now = now_ms();
                        if sent < total && now - last.get() < PROGRESS_INTERVAL_MS {
                            return;
                        }
                        last.set(now);
                        update.emit(FlowUpdate::Progress { slot, selection, sent, total });
                    });
                    let file_id = upload.file_id.clone();
                    self.spawn_for(slot, selection, async move {
                        match api.put(&upload, &entry.blob, progress).await {
                            Ok(()) => (Event::PutDone { slot, selection }, Some(FlowUpdate::Uploaded { slot, selection, file_id })),
                            Err(failure) => (Event::PutFailed { slot, selection, failure }, None),
                        }
                    });
                }
                Command::Abort { slot, selection } => {
                    if let Some(handle) = self.tasks.take((slot, selection)) {
                        handle.abort();
                    }
                }
                Command::SendFiles(call) => {
                    let final_request = call.carries_id_file() && !self.final_sent.replace(true);
                    let api = self.api.clone();
                    self.spawn_other(async move {
                        let event = match api.send_files(&call).await {
                            Ok(()) => Event::FilesDone { call: call.id },
                            Err(failure) => Event::FilesFailed { call: call.id, failure },
                        };
                        (event, None)
                    });
                    // After the request is queued, so it goes out before the
                    // form re-renders; the form (and the resume record it
                    // saves) still learns it before any answer can arrive.
                    if final_request {
                        self.update.emit(FlowUpdate::FinalSent);
                    }
                }
                Command::ReadCustomer => {
                    self.update.emit(FlowUpdate::Settling);
                    let api = self.api.clone();
                    self.spawn_other(async move {
                        let read = api.customer().await.map(|customer| CustomerStatus {
                            verification_status: customer.verification_status,
                            submitted_at: customer.submitted_at,
                        });
                        (Event::CustomerRead(read), None)
                    });
                }
                Command::Sleep { wake, ms } => {
                    let slot = match wake {
                        Wake::Job(slot, _) => Some(Some(slot)),
                        Wake::Files(_) => Some(None),
                        Wake::Read => None,
                    };
                    if let (Some(slot), Some(failure)) = (slot, self.last_failure.clone()) {
                        self.update.emit(FlowUpdate::Retrying { slot, failure });
                    }
                    self.spawn_other(async move {
                        sleep(ms).await;
                        (Event::Woke(wake), None)
                    });
                }
                Command::Finish(outcome) => {
                    let mut known = Vec::new();
                    for slot in Slot::ALL {
                        if let Some((selection, file_id, accepted)) = self.submission.uploaded_file(slot) {
                            known.push((slot, selection, Known { file_id: file_id.to_owned(), accepted }));
                        }
                    }
                    let refused = self.submission.refused_files().to_vec();
                    self.update.emit(FlowUpdate::Finished { outcome, known, refused });
                    return true;
                }
            }
        }
        false
    }

    /// The presigns of bigger files first, each batch's other commands
    /// before them in their order: the biggest upload takes longest, so it
    /// starts first, and the flow ends sooner.
    fn largest_first(&self, mut commands: Vec<Command>) -> Vec<Command> {
        let size = |command: &Command| match command {
            Command::Presign { selection, .. } => self.file(*selection).map_or(0.0, |f| f.blob.size()),
            _ => f64::INFINITY,
        };
        // An insertion sort, stable (a batch holds a few commands; the
        // library's sort would add kilobytes to the bundle).
        for i in 1..commands.len() {
            let mut j = i;
            while j > 0 && size(&commands[j - 1]) < size(&commands[j]) {
                commands.swap(j - 1, j);
                j -= 1;
            }
        }
        commands
    }

    fn file(&self, selection: SelectionId) -> Option<&FileEntry> {
        self.files.iter().find(|f| f.selection == selection)
    }

    fn presign(&mut self, slot: Slot, selection: SelectionId) {
        let Some(entry) = self.file(selection) else { return };
        let request = PresignRequest {
            purpose: slot.field().into(),
            filename: display_name(&entry.name),
            content_type: entry.content_type.clone(),
            size: entry.blob.size() as u64,
            document_type: slot.is_identity_document().then(|| self.document.as_str().into()),
        };
        let api = self.api.clone();
        self.spawn_for(slot, selection, async move {
            let event = match api.presign(&request).await {
                Ok(upload) => Event::Presigned { slot, selection, upload },
                Err(failure) => Event::PresignFailed { slot, selection, failure },
            };
            (event, None)
        });
    }

    fn spawn_for(&mut self, slot: Slot, selection: SelectionId, work: impl Future<Output = Done> + 'static) {
        let handle = self.spawn(Box::pin(work));
        if let Some(old) = self.tasks.take((slot, selection)) {
            old.abort();
        }
        self.tasks.by_file.push(((slot, selection), handle));
    }

    fn spawn_other(&mut self, work: impl Future<Output = Done> + 'static) {
        let handle = self.spawn(Box::pin(work));
        self.tasks.others.retain(|h| !h.is_aborted());
        self.tasks.others.push(handle);
    }

    /// Spawns boxed work: one `Abortable` instantiation for every kind of
    /// request keeps the bundle smaller.
    fn spawn(&self, work: LocalBoxFuture<'static, Done>) -> AbortHandle {
        let (handle, registration) = AbortHandle::new_pair();
        let tx = self.tx.clone();
        spawn_local(async move {
            if let Ok((event, update)) = Abortable::new(work, registration).await {
                let _ = tx.unbounded_send(Input::Event(event, update));
            }
        });
        handle
    }
}
