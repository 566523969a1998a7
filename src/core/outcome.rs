//! What the customer and the host are told when a submission ends without
//! verification being confirmed. Each ending has its own words: only a
//! stop before `id_file` was sent may say that nothing was sent for
//! verification, because only then is it known.

use crate::core::api::Failure;
use crate::core::catalog::{Msg, Text};
use crate::core::plan::Outcome;
use crate::core::rules::{DocumentType, Slot};

/// A message for the form: a stable code for `onError`, the text, and
/// whether it reads as an error (or as a warning).
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeMessage {
    /// Stable code for `onError`.
    pub code: String,
    /// What the customer reads.
    pub text: Text,
    /// An error (`true`) or a warning.
    pub blocking: bool,
}

/// The code passed to `onError` when verification may have started but
/// the widget could not confirm it.
pub const OUTCOME_UNKNOWN: &str = "outcome_unknown";

/// The message for a submission that ended without being submitted, or
/// `None` when it was submitted (or cancelled, which says nothing).
pub fn outcome_message(outcome: &Outcome, document: Option<DocumentType>) -> Option<OutcomeMessage> {
    let (code, text, blocking) = match outcome {
        Outcome::Completed | Outcome::Confirmed | Outcome::Cancelled => return None,
        Outcome::Stopped { slot, failure } => (failure.code(), stop_message(*slot, failure, document), true),
        Outcome::NotStarted { failure } => (failure.code(), Msg::OutcomeNotStarted.with("reason", failure.explain()), true),
        Outcome::Unconfirmed { failure } => (OUTCOME_UNKNOWN, Msg::OutcomeUnconfirmed.with("reason", failure.explain()), false),
    };
    Some(OutcomeMessage { code: code.into(), text, blocking })
}

/// A submission stopped before `id_file` was sent: name the file and why.
pub fn stop_message(slot: Option<Slot>, failure: &Failure, document: Option<DocumentType>) -> Text {
    let text = match slot {
        Some(slot) => Msg::OutcomeStoppedFile.with("file", slot.label(document)),
        None => Msg::OutcomeStopped.text(),
    };
    text.and("reason", failure.explain())
}

/// Shown on the file that stopped a submission (the form's message says
/// the rest): why, and what to do.
pub fn stopped_file_text(failure: &Failure) -> Text {
    Msg::OutcomeFileNotice.with("reason", failure.explain())
}

/// Shown on a slot whose earlier upload the platform no longer accepts.
pub fn refused_file_text(slot: Slot, document: Option<DocumentType>) -> Text {
    Msg::OutcomeFileRefused.with("file", slot.label(document))
}

/// Shown on a slot, or on the form, while a failed step waits to retry.
pub fn retrying_text(failure: &Failure) -> Text {
    Msg::OutcomeRetrying.with("reason", failure.explain())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::{tests::Plain, Catalog};

    fn lost() -> Failure {
        Failure::Transient { retry_after_ms: None, reason: "server_error".into() }
    }

    fn english(text: &Text) -> String {
        Catalog::default().render(text, &Plain)
    }

    #[test]
    fn only_a_stop_before_id_file_says_nothing_was_sent() {
        let stopped = Outcome::Stopped { slot: Some(Slot::Liveness), failure: lost() };
        assert!(english(&outcome_message(&stopped, None).unwrap().text).contains("Nothing was sent"));
        for outcome in [Outcome::NotStarted { failure: lost() }, Outcome::Unconfirmed { failure: lost() }] {
            let text = english(&outcome_message(&outcome, None).unwrap().text);
            assert!(!text.to_lowercase().contains("nothing was sent"), "{text}");
        }
    }

    #[test]
    fn an_unconfirmed_outcome_is_a_warning_with_its_own_code() {
        let message = outcome_message(&Outcome::Unconfirmed { failure: lost() }, None).unwrap();
        assert_eq!(message.code, OUTCOME_UNKNOWN);
        assert!(!message.blocking);
        let text = english(&message.text);
        assert!(text.contains("Check again") && text.contains("not be submitted twice"), "{text}");
    }

    #[test]
    fn a_confirmed_outcome_needs_no_message() {
        assert_eq!(outcome_message(&Outcome::Confirmed, None), None);
        assert_eq!(outcome_message(&Outcome::Completed, None), None);
        assert!(english(&outcome_message(&Outcome::NotStarted { failure: lost() }, None).unwrap().text).contains("has not started"));
    }

    #[test]
    fn retrying_text_reads_as_a_sentence() {
        assert_eq!(english(&retrying_text(&lost())), "Trying again: the service had a temporary problem\u{2026}");
    }
}
