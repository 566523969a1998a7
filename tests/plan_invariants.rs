//! Property tests of the upload plan's ordering invariants (contract §3)
//! over every combination of chosen slots, random completion orders,
//! failure patterns and mid-flight replacements. A simulated platform
//! answers the plan's commands in an order chosen by proptest, and every
//! request the plan sends is checked against the invariants.

use kyc_upload::core::api::Failure;
use kyc_upload::core::plan::{Command, Event, FilesCall, Known, Outcome, SelectionId, Submission, Upload, Wake};
use kyc_upload::core::retry::RetryPolicy;
use kyc_upload::core::rules::Slot;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug)]
enum Answer {
    Ok,
    Transient,
    Expired,
    Permanent,
}

fn answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        12 => Just(Answer::Ok),
        4 => Just(Answer::Transient),
        2 => Just(Answer::Expired),
        1 => Just(Answer::Permanent),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Presign(Slot, SelectionId),
    Put(Slot, SelectionId, Upload),
    Files(FilesCall),
    Timer(Wake),
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
    final_calls: BTreeSet<u32>,
    final_done: bool,
    outcome: Option<Outcome>,
    permanent_seen: bool,
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
        prop_assert_eq!(&call.idempotency_key, &format!("sub-{}", call.id));
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
            self.final_calls.insert(call.id);
            prop_assert_eq!(self.final_calls.len(), 1, "two different id_file requests");
        }
        Ok(())
    }

    fn failure(answer: Answer, put: bool) -> Failure {
        match answer {
            Answer::Expired if put => Failure::UploadUrlExpired,
            Answer::Transient | Answer::Expired => Failure::Transient { retry_after_ms: Some(1000), reason: "503".into() },
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
            (Op::Presign(slot, selection), Answer::Ok) => {
                self.next_file += 1;
                let file_id = format!("file_{}", self.next_file);
                self.file_of.insert(file_id.clone(), selection);
                let upload = Upload { file_id, url: "http://storage/u".into(), headers: vec![] };
                Event::Presigned { slot, selection, upload }
            }
            (Op::Presign(slot, selection), a) => Event::PresignFailed { slot, selection, failure: Self::failure(a, false) },
            (Op::Put(slot, selection, upload), Answer::Ok) => {
                self.put_ok.insert(upload.file_id);
                Event::PutDone { slot, selection }
            }
            (Op::Put(slot, selection, _), a) => Event::PutFailed { slot, selection, failure: Self::failure(a, true) },
            (Op::Files(call), Answer::Ok) => {
                for (slot, file_id) in &call.fields {
                    self.accepted.insert(*slot, file_id.clone());
                }
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

fn run(
    slots: Vec<Slot>,
    steps: Vec<(usize, Answer)>,
    replacements: Vec<(usize, usize, bool)>,
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
        final_calls: BTreeSet::new(),
        final_done: false,
        outcome: None,
        permanent_seen: false,
    };
    let first = world.sub.start();
    world.apply(first)?;
    let mut next_selection = 100;
    for (step, (pick, answer)) in steps.into_iter().enumerate() {
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
    Ok(world)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn every_request_respects_the_ordering_invariants(
        slots in slot_sets(),
        steps in prop::collection::vec((any::<usize>(), answer()), 0..120),
        replacements in prop::collection::vec((0usize..60, any::<usize>(), any::<bool>()), 0..3),
    ) {
        run(slots, steps, replacements)?;
    }

    #[test]
    fn a_flow_without_failures_completes_with_id_file_last(
        slots in slot_sets(),
        picks in prop::collection::vec(any::<usize>(), 64),
    ) {
        let steps = picks.into_iter().map(|p| (p, Answer::Ok)).collect();
        let world = run(slots, steps, vec![])?;
        prop_assert_eq!(world.outcome, Some(Outcome::Completed));
        prop_assert_eq!(world.final_calls.len(), 1);
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
        let world = run(slots, steps, vec![])?;
        if world.permanent_seen {
            let stopped = matches!(world.outcome, Some(Outcome::Stopped { .. }));
            prop_assert!(stopped || world.final_done, "a permanent failure neither stopped nor came after completion");
        }
    }

    #[test]
    fn every_flow_ends(
        slots in slot_sets(),
        steps in prop::collection::vec((any::<usize>(), answer()), 400),
    ) {
        let world = run(slots, steps, vec![])?;
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
