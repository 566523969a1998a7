//! What the customer and the host are told when a submission ends without
//! verification being confirmed. Each ending has its own words: only a
//! stop before `id_file` was sent may say that nothing was sent for
//! verification, because only then is it known.

use crate::core::api::Failure;
use crate::core::plan::Outcome;
use crate::core::rules::{DocumentType, Slot};

/// A message for the form: a stable code for `onError`, the text, and
/// whether it reads as an error (or as a warning).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeMessage {
    /// Stable code for `onError`.
    pub code: String,
    /// What the customer reads.
    pub text: String,
    /// An error (`true`) or a warning.
    pub blocking: bool,
}

/// The code passed to `onError` when verification may have started but
/// the widget could not confirm it.
pub const OUTCOME_UNKNOWN: &str = "outcome_unknown";

/// The message for a submission that ended without being submitted, or
/// `None` when it was submitted (or cancelled, which says nothing).
pub fn outcome_message(outcome: &Outcome, document: Option<DocumentType>) -> Option<OutcomeMessage> {
    let message = |code: &str, text: String| Some(OutcomeMessage { code: code.into(), text, blocking: true });
    match outcome {
        Outcome::Completed | Outcome::Confirmed | Outcome::Cancelled => None,
        Outcome::Stopped { slot, failure } => message(failure.code(), stop_message(*slot, failure, document)),
        Outcome::NotStarted { failure } => message(
            failure.code(),
            format!(
                "Your documents could not be submitted: {}. We checked: verification has not started. Submit again when you are ready; files already uploaded won't be sent twice.",
                failure.explain()
            ),
        ),
        Outcome::Unconfirmed { failure } => Some(OutcomeMessage {
            code: OUTCOME_UNKNOWN.into(),
            text: format!(
                "We sent your documents but could not confirm that they arrived ({}). Press \u{201c}Check again\u{201d}: it is safe, your documents will not be submitted twice.",
                failure.explain()
            ),
            blocking: false,
        }),
    }
}

/// A submission stopped before `id_file` was sent: name the file and why.
pub fn stop_message(slot: Option<Slot>, failure: &Failure, document: Option<DocumentType>) -> String {
    let what = match slot {
        Some(slot) => format!("\u{201c}{}\u{201d} could not be uploaded", slot.label(document)),
        None => "Your documents could not be submitted".into(),
    };
    format!(
        "{what}: {}. Nothing was sent for verification. Check your connection and submit again; files already uploaded won't be sent twice.",
        failure.explain()
    )
}

/// Shown on the file that stopped a submission (the form's message says
/// the rest): why, and what to do.
pub fn stopped_file_text(failure: &Failure) -> String {
    format!("This file could not be uploaded: {}. Submit again to retry it.", failure.explain())
}

/// Shown while the widget reads whether an unanswered request took effect.
pub const SETTLING_TEXT: &str = "Checking whether your documents reached us\u{2026}";

/// Shown on a slot whose earlier upload the platform no longer accepts.
pub fn refused_file_text(slot: Slot, document: Option<DocumentType>) -> String {
    format!(
        "The \u{201c}{}\u{201d} file uploaded earlier is no longer available. Please choose it again.",
        slot.label(document)
    )
}

/// Shown on a slot, or on the form, while a failed step waits to retry.
pub fn retrying_text(failure: &Failure) -> String {
    // ASCII only: Unicode case tables would add kilobytes to the bundle.
    let mut why = failure.explain();
    if let Some(first) = why.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    format!("{why}: retrying\u{2026}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lost() -> Failure {
        Failure::Transient { retry_after_ms: None, reason: "server_error".into() }
    }

    #[test]
    fn only_a_stop_before_id_file_says_nothing_was_sent() {
        let stopped = Outcome::Stopped { slot: Some(Slot::Liveness), failure: lost() };
        assert!(outcome_message(&stopped, None).unwrap().text.contains("Nothing was sent"));
        for outcome in [Outcome::NotStarted { failure: lost() }, Outcome::Unconfirmed { failure: lost() }] {
            let text = outcome_message(&outcome, None).unwrap().text;
            assert!(!text.to_lowercase().contains("nothing was sent"), "{text}");
        }
    }

    #[test]
    fn an_unconfirmed_outcome_is_a_warning_with_its_own_code() {
        let message = outcome_message(&Outcome::Unconfirmed { failure: lost() }, None).unwrap();
        assert_eq!(message.code, OUTCOME_UNKNOWN);
        assert!(!message.blocking);
        assert!(message.text.contains("Check again") && message.text.contains("not be submitted twice"), "{}", message.text);
    }

    #[test]
    fn a_confirmed_outcome_needs_no_message() {
        assert_eq!(outcome_message(&Outcome::Confirmed, None), None);
        assert_eq!(outcome_message(&Outcome::Completed, None), None);
        assert!(outcome_message(&Outcome::NotStarted { failure: lost() }, None).unwrap().text.contains("has not started"));
    }

    #[test]
    fn retrying_text_reads_as_a_sentence() {
        assert_eq!(retrying_text(&lost()), "The service had a temporary problem: retrying\u{2026}");
    }
}
