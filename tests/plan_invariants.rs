//! Property tests of the upload plan's ordering invariants (contract §3)
//! over every combination of chosen slots, random completion orders,
//! failure patterns (answers lost after the platform committed the request
//! included), mid-flight replacements and repeated submits. A simulated
//! platform answers the plan's commands in an order chosen by proptest,
//! applies files requests idempotently by key, and every request the plan
//! sends is checked against the invariants; at the end, verification was
//! triggered at most once and the outcome shown matches the platform.

use kyc_upload::core::api::Failure;
use kyc_upload::core::plan::{idempotency_key, Command, Event, FilesCall, Known, Outcome, SelectionId, Submission, Upload, Wake};
use kyc_upload::core::retry::RetryPolicy;
use kyc_upload::core::rules::Slot;
use kyc_upload::core::settle::CustomerStatus;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug)]
enum Answer {
    Ok,
    Transient,
    Expired,
    Permanent,
    /// The platform applies the request, then the answer is lost (502,
    /// 503, dropped connection): the browser sees a transient failure.
    Lost,
}

fn answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        12 => Just(Answer::Ok),
        4 => Just(Answer::Transient),
        2 => Just(Answer::Expired),
        1 => Just(Answer::Permanent),
        3 => Just(Answer::Lost),
    ]
}

/// Mostly failures, many of them after the platform committed.
fn harsh_answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        3 => Just(Answer::Ok),
        4 => Just(Answer::Lost),
        4 => Just(Answer::Transient),
        1 => Just(Answer::Permanent),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Presign(Slot, SelectionId),
    Put(Slot, SelectionId, Upload),
    Files(FilesCall),
    Timer(Wake),
    Read,
}

/// The simulated platform and browser: what is in flight, what the
/// platform has stored, and every request the plan sent.
struct World {
    sub: Submission,
    ops: Vec<Op>,
    current: BTreeMap<Slot, SelectionId>,
    put_ok: BTreeSet<String>,
    accepted: BTreeMap<Slot, String>,
    file_of: BTreeMap<String, SelectionId>,
    next_file: u32,
    final_keys: BTreeSet<String>,
    final_done: bool,
    outcome: Option<Outcome>,
    permanent_seen: bool,
    /// The platform's idempotency records: key → fields applied.
    applied: BTreeMap<String, Vec<(Slot, String)>>,
    /// How many times the platform started verification.
    verifications: u32,
}

impl World {
    fn apply(&mut self, commands: Vec<Command>) -> Result<(), TestCaseError> {
        for command in commands {
            prop_assert!(self.outcome.is_none(), "command after Finish: {command:?}");
            prop_assert!(!self.final_done, "command after the id_file request succeeded: {command:?}");
            match command {
                Command::Presign { slot, selection } => {
                    prop_assert_eq!(self.current.get(&slot), Some(&selection), "presign for a stale file");
                    self.ops.push(Op::Presign(slot, selection));
                }
                Command::Put { slot, selection, upload } => {
                    prop_assert_eq!(self.current.get(&slot), Some(&selection), "PUT for a stale file");
                    self.ops.push(Op::Put(slot, selection, upload));
                }
                Command::Abort { slot, selection } => self.ops.retain(|op| match op {
                    Op::Presign(s, sel) | Op::Put(s, sel, _) => !(*s == slot && *sel == selection),
                    _ => true,
                }),
                Command::SendFiles(call) => {
                    self.check_files_call(&call)?;
                    self.ops.push(Op::Files(call));
                }
                Command::Sleep { wake, ms } => {
                    prop_assert!(ms <= 60_000);
                    self.ops.push(Op::Timer(wake));
                }
                Command::ReadCustomer => {
                    prop_assert!(!self.final_keys.is_empty(), "status read before any id_file request");
                    self.ops.push(Op::Read);
                }
                Command::Finish(outcome) => {
                    if outcome == Outcome::Completed {
                        prop_assert!(self.final_done, "completed without the id_file request succeeding");
                    }
                    self.outcome = Some(outcome);
                }
            }
        }
        Ok(())
    }

    /// Invariants 1, 2 and 4 for one files request.
    fn check_files_call(&mut self, call: &FilesCall) -> Result<(), TestCaseError> {
        prop_assert!(!call.fields.is_empty());
        prop_assert_eq!(&call.idempotency_key, &idempotency_key("sub", &call.fields));
        for (slot, file_id) in &call.fields {
            prop_assert!(self.put_ok.contains(file_id), "{slot} sent before its PUT succeeded");
            prop_assert_eq!(self.file_of.get(file_id), self.current.get(slot), "{} sent with a stale file", slot);
        }
        if call.carries_id_file() {
            prop_assert_eq!(call.fields.len(), 1, "id_file travels alone, after the others");
            prop_assert!(!self.permanent_seen, "id_file sent after a file failed for good");
            for (slot, selection) in &self.current {
                if *slot == Slot::IdFile {
                    continue;
                }
                let accepted = self.accepted.get(slot).and_then(|id| self.file_of.get(id));
                prop_assert_eq!(accepted, Some(selection), "id_file sent before {} was accepted", slot);
            }
            self.final_keys.insert(call.idempotency_key.clone());
            prop_assert_eq!(self.final_keys.len(), 1, "id_file sent under two different keys");
        }
        Ok(())
    }

    /// The platform applies a files request, once per key.
    fn commit(&mut self, call: &FilesCall) -> Result<(), TestCaseError> {
        if let Some(fields) = self.applied.get(&call.idempotency_key) {
            prop_assert_eq!(fields, &call.fields, "a key reused for another request");
            return Ok(());
        }
        self.applied.insert(call.idempotency_key.clone(), call.fields.clone());
        for (slot, file_id) in &call.fields {
            self.accepted.insert(*slot, file_id.clone());
        }
        if call.carries_id_file() {
            self.verifications += 1;
        }
        Ok(())
    }

    fn failure(answer: Answer, put: bool) -> Failure {
        match answer {
            Answer::Expired if put => Failure::UploadUrlExpired,
            Answer::Transient | Answer::Expired | Answer::Lost => Failure::Transient { retry_after_ms: Some(1000), reason: "503".into() },
            _ => Failure::Permanent { code: "invalid_request".into(), message: "no".into() },
        }
    }

    fn resolve(&mut self, pick: usize, answer: Answer) -> Result<(), TestCaseError> {
        let op = self.ops.remove(pick % self.ops.len());
        if matches!(answer, Answer::Permanent) && !matches!(op, Op::Timer(_)) {
            self.permanent_seen = true;
        }
        let event = match (op, answer) {
            (Op::Timer(wake), _) => Event::Woke(wake),
            (Op::Read, Answer::Ok | Answer::Lost) => {
                let status = if self.verifications > 0 { "pending" } else { "not_started" };
                Event::CustomerRead(Ok(CustomerStatus { verification_status: status.into(), submitted_at: None }))
            }
            (Op::Read, a) => Event::CustomerRead(Err(Self::failure(a, false))),
            (Op::Presign(slot, selection), Answer::Ok) => {
                self.next_file += 1;
                let file_id = format!("file_{}", self.next_file);
                self.file_of.insert(file_id.clone(), selection);
                let upload = Upload { file_id, url: "http://storage/u".into(), headers: vec![] };
                Event::Presigned { slot, selection, upload }
            }
            (Op::Presign(slot, selection), a) => Event::PresignFailed { slot, selection, failure: Self::failure(a, false) },
            (Op::Put(slot, selection, upload), Answer::Lost) => {
                self.put_ok.insert(upload.file_id);
                Event::PutFailed { slot, selection, failure: Self::failure(Answer::Transient, true) }
            }
            (Op::Put(slot, selection, upload), Answer::Ok) => {
                self.put_ok.insert(upload.file_id);
                Event::PutDone { slot, selection }
            }
            (Op::Put(slot, selection, _), a) => Event::PutFailed { slot, selection, failure: Self::failure(a, true) },
            (Op::Files(call), Answer::Lost) => {
                self.commit(&call)?;
                Event::FilesFailed { call: call.id, failure: Self::failure(Answer::Transient, false) }
            }
            (Op::Files(call), Answer::Ok) => {
                self.commit(&call)?;
                if call.carries_id_file() {
                    let event = Event::FilesDone { call: call.id };
                    let commands = self.sub.handle(event);
                    self.final_done = true;
                    return self.apply_after_final(commands);
                }
                Event::FilesDone { call: call.id }
            }
            (Op::Files(call), a) => Event::FilesFailed { call: call.id, failure: Self::failure(a, false) },
        };
        let commands = self.sub.handle(event);
        self.apply(commands)
    }

    fn apply_after_final(&mut self, commands: Vec<Command>) -> Result<(), TestCaseError> {
        prop_assert_eq!(commands, vec![Command::Finish(Outcome::Completed)]);
        self.outcome = Some(Outcome::Completed);
        Ok(())
    }
}

fn slot_sets() -> impl Strategy<Value = Vec<Slot>> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(back, poa, live)| {
        let mut slots = vec![Slot::IdFile];
        for (on, slot) in [(back, Slot::IdFileBack), (poa, Slot::ProofOfAddress), (live, Slot::Liveness)] {
            if on {
                slots.push(slot);
            }
        }
        slots
    })
}

/// Runs up to `attempts` submissions of the same files, as a customer who
/// presses submit again after a stop would: each new submission reuses the
/// session's key prefix and the files already on the platform.
fn run(
    slots: Vec<Slot>,
    steps: Vec<(usize, Answer)>,
    replacements: Vec<(usize, usize, bool)>,
    attempts: usize,
) -> Result<World, TestCaseError> {
    let chosen: Vec<(Slot, SelectionId)> = slots.iter().enumerate().map(|(i, s)| (*s, i as u64 + 1)).collect();
    let sub = Submission::new(&chosen, &[], "sub".into(), RetryPolicy::default(), 7);
    let mut world = World {
        sub,
        ops: Vec::new(),
        current: chosen.iter().copied().collect(),
        put_ok: BTreeSet::new(),
        accepted: BTreeMap::new(),
        file_of: BTreeMap::new(),
        next_file: 0,
        final_keys: BTreeSet::new(),
        final_done: false,
        outcome: None,
        permanent_seen: false,
        applied: BTreeMap::new(),
        verifications: 0,
    };
    let first = world.sub.start();
    world.apply(first)?;
    let mut next_selection = 100;
    let mut attempt = 1;
    for (step, (pick, answer)) in steps.into_iter().enumerate() {
        if world.outcome.is_some() && attempt < attempts && world.may_submit_again() {
            attempt += 1;
            world.submit_again(attempt as u64)?;
        }
        if world.outcome.is_some() || world.ops.is_empty() {
            break;
        }
        if let Some((_, slot_pick, remove)) = replacements.iter().find(|(at, _, _)| *at == step) {
            let slot = slots[slot_pick % slots.len()];
            let selection = if *remove && slot != Slot::IdFile { None } else { Some(next_selection) };
            next_selection += 1;
            if let Ok(commands) = world.sub.replace(slot, selection) {
                match selection {
                    Some(sel) => world.current.insert(slot, sel),
                    None => world.current.remove(&slot),
                };
                world.apply(commands)?;
            }
        }
        world.resolve(pick, answer)?;
    }
    world.check_outcome()?;
    Ok(world)
}

impl World {
    fn may_submit_again(&self) -> bool {
        matches!(
            self.outcome,
            Some(Outcome::Stopped { .. } | Outcome::NotStarted { .. } | Outcome::Unconfirmed { .. })
        ) && self.current.contains_key(&Slot::IdFile)
    }

    /// A new submission of the current files, as the form starts it.
    fn submit_again(&mut self, seed: u64) -> Result<(), TestCaseError> {
        let chosen: Vec<(Slot, SelectionId)> = self.current.iter().map(|(s, sel)| (*s, *sel)).collect();
        let refused = self.sub.refused_files().to_vec();
        let known: Vec<(SelectionId, Known)> = Slot::ALL
            .into_iter()
            .filter_map(|slot| {
                let (selection, file_id, accepted) = self.sub.uploaded_file(slot)?;
                Some((selection, Known { file_id: file_id.to_owned(), accepted }))
            })
            .collect();
        for (slot, selection) in &refused {
            prop_assert!(!known.iter().any(|(s, _)| s == selection), "{} refused but still known", slot);
        }
        self.sub = Submission::new(&chosen, &known, "sub".into(), RetryPolicy::default(), seed);
        self.ops.clear();
        self.outcome = None;
        self.permanent_seen = false;
        let first = self.sub.start();
        self.apply(first)
    }

    /// Verification started at most once, and what the widget ends with
    /// matches the platform.
    fn check_outcome(&self) -> Result<(), TestCaseError> {
        prop_assert!(self.verifications <= 1, "verification started {} times", self.verifications);
        match &self.outcome {
            Some(Outcome::Completed | Outcome::Confirmed) => {
                prop_assert_eq!(self.verifications, 1, "reported submitted, but verification never started")
            }
            Some(Outcome::NotStarted { .. } | Outcome::Stopped { .. }) => {
                prop_assert_eq!(self.verifications, 0, "reported not submitted, but verification started: {:?}", self.outcome)
            }
            Some(Outcome::Unconfirmed { .. } | Outcome::Cancelled) | None => {}
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn every_request_respects_the_ordering_invariants(
        slots in slot_sets(),
        steps in prop::collection::vec((any::<usize>(), answer()), 0..120),
        replacements in prop::collection::vec((0usize..60, any::<usize>(), any::<bool>()), 0..3),
        attempts in 1usize..4,
    ) {
        run(slots, steps, replacements, attempts)?;
    }

    #[test]
    fn a_flow_without_failures_completes_with_id_file_last(
        slots in slot_sets(),
        picks in prop::collection::vec(any::<usize>(), 64),
    ) {
        let steps = picks.into_iter().map(|p| (p, Answer::Ok)).collect();
        let world = run(slots, steps, vec![], 1)?;
        prop_assert_eq!(world.outcome, Some(Outcome::Completed));
        prop_assert_eq!(world.final_keys.len(), 1);
    }

    #[test]
    fn a_permanent_failure_never_sends_id_file(
        slots in slot_sets(),
        picks in prop::collection::vec(any::<usize>(), 64),
        fail_at in 0usize..8,
    ) {
        let steps = picks.into_iter().enumerate()
            .map(|(i, p)| (p, if i == fail_at { Answer::Permanent } else { Answer::Ok }))
            .collect();
        let world = run(slots, steps, vec![], 1)?;
        if world.permanent_seen {
            // A permanent failure of the id_file request itself is settled by a status read.
            let stopped = matches!(world.outcome, Some(Outcome::Stopped { .. } | Outcome::NotStarted { .. }));
            prop_assert!(stopped || world.final_done, "a permanent failure neither stopped nor came after completion");
        }
    }

    #[test]
    fn lost_answers_and_repeated_submits_start_verification_at_most_once(
        slots in slot_sets(),
        steps in prop::collection::vec((any::<usize>(), harsh_answer()), 0..300),
        attempts in 1usize..4,
    ) {
        // run() checks every request, then that verification started at
        // most once and that the outcome matches the platform.
        run(slots, steps, vec![], attempts)?;
    }

    #[test]
    fn every_flow_ends(
        slots in slot_sets(),
        steps in prop::collection::vec((any::<usize>(), answer()), 400),
    ) {
        let world = run(slots, steps, vec![], 1)?;
        prop_assert!(world.outcome.is_some(), "still running with {} operations pending", world.ops.len());
    }
}

#[test]
fn files_already_on_the_platform_are_not_uploaded_again() {
    let chosen = [(Slot::IdFile, 1), (Slot::ProofOfAddress, 2)];
    let known = [(2, Known { file_id: "file_poa".into(), accepted: true })];
    let mut sub = Submission::new(&chosen, &known, "k".into(), RetryPolicy::default(), 1);
    assert_eq!(sub.start(), vec![Command::Presign { slot: Slot::IdFile, selection: 1 }]);
}

#[test]
fn removing_id_file_cancels_and_aborts() {
    let chosen = [(Slot::IdFile, 1), (Slot::Liveness, 2)];
    let mut sub = Submission::new(&chosen, &[], "k".into(), RetryPolicy::default(), 1);
    sub.start();
    let commands = sub.replace(Slot::IdFile, None).unwrap();
    assert!(commands.contains(&Command::Abort { slot: Slot::Liveness, selection: 2 }));
    assert_eq!(commands.last(), Some(&Command::Finish(Outcome::Cancelled)));
}

fn lost() -> Failure {
    Failure::Transient { retry_after_ms: None, reason: "server_error".into() }
}

fn status(s: &str) -> CustomerStatus {
    CustomerStatus { verification_status: s.into(), submitted_at: Some("2026-11-28T10:00:00Z".into()) }
}

/// A submission of an `id_file` already on the platform: its first command
/// is the `id_file` request.
fn final_request_only(known_id: &str) -> (Submission, FilesCall) {
    let known = [(1, Known { file_id: known_id.into(), accepted: false })];
    let mut sub = Submission::new(&[(Slot::IdFile, 1)], &known, "session".into(), RetryPolicy::default(), 3);
    let first = sub.start();
    let [Command::SendFiles(call)] = first.as_slice() else { panic!("expected the id_file request, got {first:?}") };
    (sub, call.clone())
}

/// Fails the call until the plan gives up, and returns what it commands then.
fn fail_until_settling(sub: &mut Submission, call: &FilesCall, failure: Failure) -> Vec<Command> {
    for _ in 0..RetryPolicy::default().max_attempts {
        let commands = sub.handle(Event::FilesFailed { call: call.id, failure: failure.clone() });
        match commands.as_slice() {
            [Command::Sleep { wake, .. }] => assert_eq!(sub.handle(Event::Woke(*wake)), vec![Command::SendFiles(call.clone())]),
            _ => return commands,
        }
    }
    panic!("the plan never gave up");
}

#[test]
fn an_unanswered_id_file_request_is_settled_by_a_status_read() {
    let (mut sub, call) = final_request_only("file_id");
    assert_eq!(fail_until_settling(&mut sub, &call, lost()), vec![Command::ReadCustomer]);
    assert!(sub.replace(Slot::IdFile, Some(9)).is_err(), "files are locked while the outcome is unknown");
    assert_eq!(sub.handle(Event::CustomerRead(Ok(status("pending")))), vec![Command::Finish(Outcome::Confirmed)]);
    assert_eq!(sub.uploaded_file(Slot::IdFile), Some((1, "file_id", true)));
}

#[test]
fn a_status_read_saying_not_started_allows_a_retry_with_the_same_key() {
    let (mut sub, call) = final_request_only("file_id");
    fail_until_settling(&mut sub, &call, lost());
    assert_eq!(
        sub.handle(Event::CustomerRead(Ok(status("not_started")))),
        vec![Command::Finish(Outcome::NotStarted { failure: lost() })]
    );
    let (_, again) = final_request_only("file_id");
    assert_eq!(again.idempotency_key, call.idempotency_key, "a later attempt reuses the key");
    assert_eq!(again.fields, call.fields);
}

#[test]
fn an_unreadable_status_leaves_the_outcome_unconfirmed() {
    let (mut sub, call) = final_request_only("file_id");
    fail_until_settling(&mut sub, &call, lost());
    let mut last = Vec::new();
    for _ in 0..RetryPolicy::default().max_attempts {
        last = sub.handle(Event::CustomerRead(Err(lost())));
        match last.as_slice() {
            [Command::Sleep { wake: Wake::Read, .. }] => assert_eq!(sub.handle(Event::Woke(Wake::Read)), vec![Command::ReadCustomer]),
            _ => break,
        }
    }
    assert_eq!(last, vec![Command::Finish(Outcome::Unconfirmed { failure: lost() })]);
    assert_eq!(sub.uploaded_file(Slot::IdFile), Some((1, "file_id", false)), "kept, to resend with the same key");
}

#[test]
fn an_old_rejection_does_not_count_as_a_new_start() {
    let (sub, call) = final_request_only("file_id");
    let mut sub = sub.with_status_before(Some(status("rejected")));
    fail_until_settling(&mut sub, &call, lost());
    assert_eq!(
        sub.handle(Event::CustomerRead(Ok(status("rejected")))),
        vec![Command::Finish(Outcome::NotStarted { failure: lost() })]
    );
}

#[test]
fn a_refused_restored_file_is_forgotten_not_retried() {
    let (mut sub, call) = final_request_only("file_gone");
    let refused = Failure::Permanent { code: "file_not_uploaded".into(), message: "id_file: unknown file".into() };
    assert_eq!(fail_until_settling(&mut sub, &call, refused.clone()), vec![Command::ReadCustomer]);
    assert_eq!(
        sub.handle(Event::CustomerRead(Ok(status("not_started")))),
        vec![Command::Finish(Outcome::NotStarted { failure: refused })]
    );
    assert_eq!(sub.refused_files(), &[(Slot::IdFile, 1)]);
    assert_eq!(sub.uploaded_file(Slot::IdFile), None);
}

#[test]
fn keys_depend_on_the_fields_and_the_session() {
    let fields = vec![(Slot::IdFile, "file_a".to_string())];
    assert_eq!(idempotency_key("s1", &fields), idempotency_key("s1", &fields));
    assert_ne!(idempotency_key("s1", &fields), idempotency_key("s2", &fields));
    assert_ne!(idempotency_key("s1", &fields), idempotency_key("s1", &[(Slot::IdFile, "file_b".to_string())]));
    assert_ne!(idempotency_key("s1", &fields), idempotency_key("s1", &[(Slot::IdFileBack, "file_a".to_string())]));
}
