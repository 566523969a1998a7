//! The upload plan: a pure state machine that turns events (a presign
//! answered, a PUT finished, a files request failed, a timer fired, a file
//! replaced) into commands for the browser layer, and that alone decides
//! the order of requests. It enforces the contract's invariants:
//! `id_file` is sent last, alone, once every other chosen file is uploaded
//! and accepted; a file that fails for good stops the submission before
//! `id_file`; retries reuse the request's idempotency key.
//!
//! Once the request carrying `id_file` has been sent, the submission ends
//! only as submitted or, when its answer never came, settled by a status
//! read ([`crate::core::settle`]). Idempotency keys are derived from a
//! prefix kept for the customer's whole session and the request's fields,
//! so every retry and every later attempt (another click, a reload) of the
//! same request carries the same key and the platform applies it once.

use crate::core::api::Failure;
use crate::core::retry::{Jitter, RetryDecision, RetryPolicy};
use crate::core::rules::Slot;
use crate::core::settle::{refuses_file, verdict, CustomerStatus, Verdict};
use crate::core::slot_map::SlotMap;

/// Identifies one chosen file (a new id each time a file is chosen), so a
/// late answer for a replaced file can never touch the new one.
pub type SelectionId = u64;

/// Where and how to PUT one file, from the presign response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    /// The platform's file id.
    pub file_id: String,
    /// The presigned URL.
    pub url: String,
    /// Headers to send exactly.
    pub headers: Vec<(String, String)>,
}

/// A timer the plan asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wake {
    /// Retry the current step of the job for this slot and selection.
    Job(Slot, SelectionId),
    /// Resend the files request with this call number.
    Files(u32),
    /// Read the customer's status again.
    Read,
}

/// One `POST /customers/{id}/files` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilesCall {
    /// Call number within the submission.
    pub id: u32,
    /// The fields to send: slot → file id.
    pub fields: Vec<(Slot, String)>,
    /// Sent as `Idempotency-Key`: the same for every retry of this call
    /// and for any later call with the same fields ([`idempotency_key`]).
    pub idempotency_key: String,
}

/// The `Idempotency-Key` of a files request: the session's `prefix` and a
/// hash (FNV-1a, 64 bits) of the fields, so the same request always
/// carries the same key and a different one never does.
pub fn idempotency_key(prefix: &str, fields: &[(Slot, String)]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (slot, file_id) in fields {
        for byte in slot.field().bytes().chain([b'=']).chain(file_id.bytes()).chain([b'\n']) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{prefix}-{hash:016x}")
}

impl FilesCall {
    /// Whether this call triggers verification.
    pub fn carries_id_file(&self) -> bool {
        self.fields.iter().any(|(slot, _)| *slot == Slot::IdFile)
    }
}

/// What the browser layer must do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `POST {api}/files` for this file.
    Presign {
        /// The slot.
        slot: Slot,
        /// The chosen file.
        selection: SelectionId,
    },
    /// PUT the file's bytes to the presigned URL.
    Put {
        /// The slot.
        slot: Slot,
        /// The chosen file.
        selection: SelectionId,
        /// Where and how.
        upload: Upload,
    },
    /// Abort whatever request is in flight for this file.
    Abort {
        /// The slot.
        slot: Slot,
        /// The file whose request must stop.
        selection: SelectionId,
    },
    /// Send a files request.
    SendFiles(FilesCall),
    /// Read `GET {api}/customers/{id}` and feed back [`Event::CustomerRead`]:
    /// the answer of the `id_file` request was lost.
    ReadCustomer,
    /// Feed [`Event::Woke`] back after this many milliseconds.
    Sleep {
        /// What to wake.
        wake: Wake,
        /// The delay.
        ms: u64,
    },
    /// The submission is over; nothing else will be commanded.
    Finish(Outcome),
}

/// How a submission ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every file was accepted and `id_file` was sent last.
    Completed,
    /// The answer of the `id_file` request was lost, and the customer's
    /// status shows that verification started.
    Confirmed,
    /// The `id_file` request failed, and the customer's status confirms
    /// that verification did not start. Submitting again is safe.
    NotStarted {
        /// Why the request failed.
        failure: Failure,
    },
    /// The `id_file` request failed and its outcome could not be read:
    /// verification may have started. Only the same request may follow.
    Unconfirmed {
        /// Why the request failed.
        failure: Failure,
    },
    /// Stopped for good; `id_file` was not sent.
    Stopped {
        /// The file that failed, or `None` for a files request.
        slot: Option<Slot>,
        /// Why.
        failure: Failure,
    },
    /// Cancelled by the customer or the host (`destroy`).
    Cancelled,
}

/// What happened, reported by the browser layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The presign succeeded.
    Presigned {
        /// The slot.
        slot: Slot,
        /// The chosen file.
        selection: SelectionId,
        /// The presign response.
        upload: Upload,
    },
    /// The presign failed.
    PresignFailed {
        /// The slot.
        slot: Slot,
        /// The chosen file.
        selection: SelectionId,
        /// Why.
        failure: Failure,
    },
    /// The PUT answered 2xx.
    PutDone {
        /// The slot.
        slot: Slot,
        /// The chosen file.
        selection: SelectionId,
    },
    /// The PUT failed.
    PutFailed {
        /// The slot.
        slot: Slot,
        /// The chosen file.
        selection: SelectionId,
        /// Why.
        failure: Failure,
    },
    /// The files request succeeded.
    FilesDone {
        /// Its call number.
        call: u32,
    },
    /// The files request failed.
    FilesFailed {
        /// Its call number.
        call: u32,
        /// Why.
        failure: Failure,
    },
    /// A [`Command::Sleep`] elapsed.
    Woke(Wake),
    /// The answer to [`Command::ReadCustomer`].
    CustomerRead(Result<CustomerStatus, Failure>),
}

/// The final request was sent: files can no longer be changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locked;

/// How many times an expired presigned URL is renewed for one file.
pub const MAX_URL_RENEWALS: u32 = 3;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Retry {
    Presign,
    Put(Upload),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum JobState {
    Queued,
    Presigning,
    Uploading(Upload),
    Sleeping(Retry),
    Uploaded(String),
    Accepted(String),
    /// The platform refused its file id: it waits for the next submission.
    Refused,
}

#[derive(Clone, Debug)]
struct Job {
    selection: SelectionId,
    state: JobState,
    failures: u32,
    renewals: u32,
}

impl Job {
    fn in_flight(&self) -> bool {
        matches!(self.state, JobState::Presigning | JobState::Uploading(_))
    }
}

/// A file that is already on the platform (uploaded earlier, for example
/// before a page reload), so it needs no new upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    /// The platform's file id.
    pub file_id: String,
    /// Whether a files request already accepted it.
    pub accepted: bool,
}

#[derive(Clone, Debug)]
struct FilesInFlight {
    call: FilesCall,
    failures: u32,
}

/// The `id_file` request failed for good: its outcome is being read.
#[derive(Clone, Debug)]
struct Settling {
    failure: Failure,
    reads: u32,
}

/// One submission: from the click on submit to [`Outcome`].
#[derive(Clone, Debug)]
pub struct Submission {
    jobs: SlotMap<Job>,
    files: Option<FilesInFlight>,
    next_call: u32,
    key_prefix: String,
    policy: RetryPolicy,
    jitter: Jitter,
    finished: bool,
    settling: Option<Settling>,
    before: Option<CustomerStatus>,
    refused: Vec<(Slot, SelectionId)>,
}

impl Submission {
    /// A submission of the chosen files. `known` lists the selections whose
    /// files are already on the platform. `key_prefix` is unique per
    /// customer session (a UUID kept across reloads): see [`idempotency_key`].
    pub fn new(
        chosen: &[(Slot, SelectionId)],
        known: &[(SelectionId, Known)],
        key_prefix: String,
        policy: RetryPolicy,
        seed: u64,
    ) -> Submission {
        let mut jobs = SlotMap::default();
        for &(slot, selection) in chosen {
            let state = match known.iter().find(|(s, _)| *s == selection).map(|(_, k)| k) {
                Some(Known { file_id, accepted: true }) if slot != Slot::IdFile => JobState::Accepted(file_id.clone()),
                Some(Known { file_id, .. }) => JobState::Uploaded(file_id.clone()),
                None => JobState::Queued,
            };
            jobs.insert(slot, Job { selection, state, failures: 0, renewals: 0 });
        }
        Submission {
            jobs,
            files: None,
            next_call: 1,
            key_prefix,
            policy,
            jitter: Jitter::new(seed),
            finished: false,
            settling: None,
            before: None,
            refused: Vec::new(),
        }
    }

    /// The customer's status before this submission, when the widget read
    /// it: a rejection already there is then not taken for a new start.
    pub fn with_status_before(mut self, before: Option<CustomerStatus>) -> Submission {
        self.before = before;
        self
    }

    /// Files the platform refused by id (not uploaded, wrong purpose,
    /// unknown): they are no longer counted as uploaded and must be chosen
    /// and uploaded again.
    pub fn refused_files(&self) -> &[(Slot, SelectionId)] {
        &self.refused
    }

    /// The first commands.
    pub fn start(&mut self) -> Vec<Command> {
        if !self.jobs.contains_key(&Slot::IdFile) {
            self.finished = true;
            return vec![Command::Finish(Outcome::Stopped {
                slot: Some(Slot::IdFile),
                failure: Failure::Permanent { code: "file_required".into(), message: "id_file is required".into() },
            })];
        }
        let mut out = Vec::new();
        self.pump(&mut out);
        out
    }

    /// Whether the submission has ended.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Whether the request carrying `id_file` has been sent.
    pub fn final_request_sent(&self) -> bool {
        self.files.as_ref().is_some_and(|f| f.call.carries_id_file())
    }

    /// The file id of a slot's current file, once uploaded.
    pub fn uploaded_file(&self, slot: Slot) -> Option<(SelectionId, &str, bool)> {
        let job = self.jobs.get(&slot)?;
        match &job.state {
            JobState::Uploaded(id) => Some((job.selection, id, false)),
            JobState::Accepted(id) => Some((job.selection, id, true)),
            _ => None,
        }
    }

    /// Handles one event.
    pub fn handle(&mut self, event: Event) -> Vec<Command> {
        let mut out = Vec::new();
        if self.finished {
            return out;
        }
        match event {
            Event::Presigned { slot, selection, upload } => {
                if let Some(job) = self.job_in(slot, selection, |s| matches!(s, JobState::Presigning)) {
                    job.state = JobState::Uploading(upload.clone());
                    out.push(Command::Put { slot, selection, upload });
                }
            }
            Event::PutDone { slot, selection } => {
                if let Some(job) = self.job_in(slot, selection, |s| matches!(s, JobState::Uploading(_))) {
                    let JobState::Uploading(upload) = &job.state else { unreachable!() };
                    job.state = JobState::Uploaded(upload.file_id.clone());
                }
            }
            Event::PresignFailed { slot, selection, failure } => {
                if self.job_in(slot, selection, |s| matches!(s, JobState::Presigning)).is_some() {
                    self.job_failed(slot, Retry::Presign, failure, &mut out);
                }
            }
            Event::PutFailed { slot, selection, failure } => {
                if let Some(job) = self.job_in(slot, selection, |s| matches!(s, JobState::Uploading(_))) {
                    let JobState::Uploading(upload) = job.state.clone() else { unreachable!() };
                    self.job_failed(slot, Retry::Put(upload), failure, &mut out);
                }
            }
            Event::Woke(Wake::Job(slot, selection)) => {
                if let Some(job) = self.job_in(slot, selection, |s| matches!(s, JobState::Sleeping(_))) {
                    let JobState::Sleeping(retry) = job.state.clone() else { unreachable!() };
                    match retry {
                        Retry::Presign => job.state = JobState::Queued,
                        Retry::Put(upload) => {
                            job.state = JobState::Uploading(upload.clone());
                            out.push(Command::Put { slot, selection, upload });
                        }
                    }
                }
            }
            Event::FilesDone { call } => {
                if let Some(done) = self.files.take_if(|f| f.call.id == call) {
                    for (slot, file_id) in &done.call.fields {
                        if let Some(job) = self.jobs.get_mut(slot) {
                            if job.state == JobState::Uploaded(file_id.clone()) {
                                job.state = JobState::Accepted(file_id.clone());
                            }
                        }
                    }
                    if done.call.carries_id_file() {
                        self.finish(Outcome::Completed, &mut out);
                        return out;
                    }
                }
            }
            Event::FilesFailed { call, failure } => {
                if self.files.as_ref().is_some_and(|f| f.call.id == call) {
                    self.files_failed(failure, &mut out);
                }
            }
            Event::Woke(Wake::Files(call)) => {
                if self.files.as_ref().is_some_and(|f| f.call.id == call) && self.settling.is_none() {
                    self.resend_or_drop_files_call(&mut out);
                }
            }
            Event::Woke(Wake::Read) => {
                if self.settling.is_some() {
                    out.push(Command::ReadCustomer);
                }
                return out;
            }
            Event::CustomerRead(result) => {
                if self.settling.is_some() {
                    self.customer_read(result, &mut out);
                }
                return out;
            }
        }
        if !self.finished {
            self.pump(&mut out);
        }
        out
    }

    /// The customer replaced (`Some`) or removed (`None`) the file of a
    /// slot mid-submission. Its old request is aborted; a removed `id_file`
    /// cancels the submission. Refused once `id_file` has been sent.
    pub fn replace(&mut self, slot: Slot, selection: Option<SelectionId>) -> Result<Vec<Command>, Locked> {
        if self.final_request_sent() {
            return Err(Locked);
        }
        let mut out = Vec::new();
        if self.finished {
            return Ok(out);
        }
        if let Some(old) = self.jobs.remove(&slot) {
            if old.in_flight() {
                out.push(Command::Abort { slot, selection: old.selection });
            }
        }

        match selection {
            Some(selection) => {
                self.jobs.insert(slot, Job { selection, state: JobState::Queued, failures: 0, renewals: 0 });
            }
            None if slot == Slot::IdFile => {
                self.finish(Outcome::Cancelled, &mut out);
                return Ok(out);
            }
            None => {}
        }
        self.pump(&mut out);
        Ok(out)
    }

    /// Cancels the submission: aborts what is in flight.
    pub fn cancel(&mut self) -> Vec<Command> {
        let mut out = Vec::new();
        if !self.finished {
            self.finish(Outcome::Cancelled, &mut out);
        }
        out
    }

    fn job_in(&mut self, slot: Slot, selection: SelectionId, state: impl Fn(&JobState) -> bool) -> Option<&mut Job> {
        self.jobs.get_mut(&slot).filter(|job| job.selection == selection && state(&job.state))
    }

    fn job_failed(&mut self, slot: Slot, retry: Retry, failure: Failure, out: &mut Vec<Command>) {
        let jitter = self.jitter.next_unit();
        let job = self.jobs.get_mut(&slot).expect("job exists");
        let selection = job.selection;
        match &failure {
            Failure::UploadUrlExpired if job.renewals < MAX_URL_RENEWALS => {
                job.renewals += 1;
                job.state = JobState::Queued;
                return;
            }
            Failure::Transient { retry_after_ms, .. } => {
                job.failures += 1;
                if let RetryDecision::After(ms) = self.policy.decide(job.failures, *retry_after_ms, jitter) {
                    job.state = JobState::Sleeping(retry);
                    out.push(Command::Sleep { wake: Wake::Job(slot, selection), ms });
                    return;
                }
            }
            _ => {}
        }
        self.finish(Outcome::Stopped { slot: Some(slot), failure }, out);
    }

    /// Resends the files request after its pause, unless a file in it was
    /// replaced meanwhile: then it is dropped and the next one is composed
    /// afresh, so an old file is never sent again. (A request already on
    /// the network completes; the new file then overrides it.)
    fn resend_or_drop_files_call(&mut self, out: &mut Vec<Command>) {
        let jobs = &self.jobs;
        let current = self.files.as_ref().is_some_and(|f| {
            f.call.fields.iter().all(|(slot, id)| {
                jobs.get(slot).is_some_and(|job| job.state == JobState::Uploaded(id.clone()))
            })
        });
        match self.files.as_mut() {
            Some(files) if current => out.push(Command::SendFiles(files.call.clone())),
            _ => self.files = None,
        }
    }

    fn files_failed(&mut self, failure: Failure, out: &mut Vec<Command>) {
        let jitter = self.jitter.next_unit();
        let files = self.files.as_mut().expect("files call in flight");
        files.failures += 1;
        if let RetryDecision::After(ms) = self.policy.after_failure(files.failures, &failure, jitter) {
            out.push(Command::Sleep { wake: Wake::Files(files.call.id), ms });
            return;
        }
        let carries_id_file = files.call.carries_id_file();
        self.forget_refused_files(&failure);
        if carries_id_file {
            // The request may have taken effect: read the outcome, don't guess.
            self.settling = Some(Settling { failure, reads: 0 });
            out.push(Command::ReadCustomer);
        } else {
            self.finish(Outcome::Stopped { slot: None, failure }, out);
        }
    }

    /// A files request refused one of its file ids: those files are no
    /// longer uploaded, so a later attempt uploads them again (or, for
    /// files restored without their bytes, asks for them).
    fn forget_refused_files(&mut self, failure: &Failure) {
        let Failure::Permanent { code, .. } = failure else { return };
        if !refuses_file(code) {
            return;
        }
        let fields = self.files.as_ref().map(|f| f.call.fields.clone()).unwrap_or_default();
        for (slot, _) in fields {
            if let Some(job) = self.jobs.get_mut(&slot) {
                job.state = JobState::Refused;
                self.refused.push((slot, job.selection));
            }
        }
    }

    fn customer_read(&mut self, result: Result<CustomerStatus, Failure>, out: &mut Vec<Command>) {
        let jitter = self.jitter.next_unit();
        let settling = self.settling.as_mut().expect("settling");
        let read = result.and_then(|status| {
            verdict(&status, self.before.as_ref()).ok_or_else(|| Failure::Permanent {
                code: "bad_response".into(),
                message: format!("The service sent an unknown verification status \"{}\"", status.verification_status),
            })
        });
        let failure = settling.failure.clone();
        match read {
            Ok(Verdict::Started) => {
                if let Some(job) = self.jobs.get_mut(&Slot::IdFile) {
                    if let JobState::Uploaded(id) = &job.state {
                        job.state = JobState::Accepted(id.clone());
                    }
                }
                self.finish(Outcome::Confirmed, out);
            }
            Ok(Verdict::NotStarted) => self.finish(Outcome::NotStarted { failure }, out),
            Err(read_failure) => {
                settling.reads += 1;
                match self.policy.after_failure(settling.reads, &read_failure, jitter) {
                    RetryDecision::After(ms) => out.push(Command::Sleep { wake: Wake::Read, ms }),
                    RetryDecision::GiveUp => self.finish(Outcome::Unconfirmed { failure }, out),
                }
            }
        }
    }

    fn finish(&mut self, outcome: Outcome, out: &mut Vec<Command>) {
        for (slot, job) in &self.jobs {
            if job.in_flight() {
                out.push(Command::Abort { slot: *slot, selection: job.selection });
            }
        }
        self.finished = true;
        out.push(Command::Finish(outcome));
    }

    /// Starts what can start: presigns for queued files, then the next
    /// files request once every file it depends on is ready.
    fn pump(&mut self, out: &mut Vec<Command>) {
        for (slot, job) in self.jobs.iter_mut() {
            if job.state == JobState::Queued {
                job.state = JobState::Presigning;
                out.push(Command::Presign { slot: *slot, selection: job.selection });
            }
        }
        if self.files.is_some() {
            return;
        }
        let others_ready = self
            .jobs
            .iter()
            .filter(|(slot, _)| **slot != Slot::IdFile)
            .all(|(_, job)| matches!(job.state, JobState::Uploaded(_) | JobState::Accepted(_)));
        if !others_ready {
            return;
        }
        let mut unaccepted: Vec<(Slot, String)> = Vec::new();
        for (slot, job) in &self.jobs {
            match &job.state {
                JobState::Uploaded(id) if *slot != Slot::IdFile => unaccepted.push((*slot, id.clone())),
                _ => {}
            }
        }
        let fields = if !unaccepted.is_empty() {
            unaccepted
        } else {
            match self.jobs.get(&Slot::IdFile).map(|job| &job.state) {
                Some(JobState::Uploaded(id)) => vec![(Slot::IdFile, id.clone())],
                _ => return,
            }
        };
        let idempotency_key = idempotency_key(&self.key_prefix, &fields);
        let call = FilesCall { id: self.next_call, fields, idempotency_key };
        self.next_call += 1;
        self.files = Some(FilesInFlight { call: call.clone(), failures: 0 });
        out.push(Command::SendFiles(call));
    }
}
