//! The verification status panel: what it says, and when its text changes
//! as the 2-hour and 5-hour thresholds pass. Time is injected, so the
//! thresholds are tested without waiting.

use crate::core::catalog::{Arg, Msg, Text};

/// Don't escalate before this many hours after submission.
pub const SUPPORT_AFTER_HOURS: u8 = 2;
/// After this many hours pending, contact operations.
pub const OPERATIONS_AFTER_HOURS: u8 = 5;
/// [`SUPPORT_AFTER_HOURS`] in ms.
pub const SUPPORT_AFTER_MS: f64 = SUPPORT_AFTER_HOURS as f64 * 3600.0 * 1000.0;
/// [`OPERATIONS_AFTER_HOURS`] in ms.
pub const OPERATIONS_AFTER_MS: f64 = OPERATIONS_AFTER_HOURS as f64 * 3600.0 * 1000.0;

/// The verification state as the widget knows it.
#[derive(Clone, Debug, PartialEq)]
pub enum Verification {
    /// Nothing submitted yet.
    NotStarted,
    /// Submitted at this instant (ms since the epoch), waiting for review.
    Pending {
        /// When the id_file request was accepted.
        since_ms: f64,
    },
    /// The platform verified the customer.
    Verified,
    /// The platform rejected the documents.
    Rejected {
        /// The platform's reason, if any.
        reason: Option<String>,
    },
}

impl Verification {
    /// The stable name passed to `onStatusChange` and accepted by `setStatus`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verification::NotStarted => "not_started",
            Verification::Pending { .. } => "pending",
            Verification::Verified => "verified",
            Verification::Rejected { .. } => "rejected",
        }
    }
}

impl Verification {
    /// The state for a platform `verification_status`: `since_ms` is when
    /// it was submitted (for `pending`), `reason` why it was rejected.
    /// `not_started` and unknown statuses give `None`.
    pub fn from_status(status: &str, since_ms: f64, reason: Option<String>) -> Option<Verification> {
        match status {
            "pending" => Some(Verification::Pending { since_ms }),
            "verified" => Some(Verification::Verified),
            "rejected" => Some(Verification::Rejected { reason }),
            _ => None,
        }
    }
}

/// How long a pending verification has been waiting, in plain stages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PendingStage {
    /// Under 2 hours: normal; please don't contact support yet.
    Normal,
    /// 2 to 5 hours: longer than usual, still no need to act.
    Long,
    /// Over 5 hours: contact the operations team.
    Overdue,
}

/// The stage at `now_ms` of a verification pending since `since_ms`.
/// Clock skew (now before since) counts as just submitted.
pub fn pending_stage(since_ms: f64, now_ms: f64) -> PendingStage {
    let elapsed = (now_ms - since_ms).max(0.0);
    if elapsed < SUPPORT_AFTER_MS {
        PendingStage::Normal
    } else if elapsed < OPERATIONS_AFTER_MS {
        PendingStage::Long
    } else {
        PendingStage::Overdue
    }
}

/// Milliseconds until the panel's text next changes, if it will.
pub fn next_change_in(since_ms: f64, now_ms: f64) -> Option<f64> {
    let elapsed = (now_ms - since_ms).max(0.0);
    [SUPPORT_AFTER_MS, OPERATIONS_AFTER_MS].into_iter().find(|t| *t > elapsed).map(|t| t - elapsed)
}

/// The panel's title: what the live region announces on a change.
pub fn panel_title(state: &Verification, now_ms: f64) -> Msg {
    match state {
        Verification::NotStarted => Msg::StatusNotStartedTitle,
        Verification::Pending { since_ms } if pending_stage(*since_ms, now_ms) == PendingStage::Overdue => Msg::StatusOverdueTitle,
        Verification::Pending { .. } => Msg::StatusPendingTitle,
        Verification::Verified => Msg::StatusVerifiedTitle,
        Verification::Rejected { .. } => Msg::StatusRejectedTitle,
    }
}

/// The panel's text. A pending verification gives the expected time both
/// as a duration and as the instant it ends (a local date and time, put
/// into words by the browser), and says the page may be closed; nothing
/// in it tells the customer off for asking.
pub fn panel_text(state: &Verification, now_ms: f64) -> Text {
    match state {
        Verification::NotStarted => Msg::StatusNotStarted.text(),
        Verification::Pending { since_ms } => {
            let since = *since_ms;
            match pending_stage(since, now_ms) {
                PendingStage::Normal => Msg::StatusPending
                    .with("submitted", Arg::Time(since))
                    .and("max", Arg::Hours(SUPPORT_AFTER_HOURS))
                    .and("by", Arg::Time(since + SUPPORT_AFTER_MS)),
                PendingStage::Long => Msg::StatusLong.with("by", Arg::Time(since + OPERATIONS_AFTER_MS)),
                PendingStage::Overdue => {
                    Msg::StatusOverdue.with("submitted", Arg::Time(since)).and("hours", Arg::Hours(OPERATIONS_AFTER_HOURS))
                }
            }
        }
        Verification::Verified => Msg::StatusVerified.text(),
        Verification::Rejected { reason } => match reason {
            Some(reason) if !reason.trim().is_empty() => {
                Msg::StatusRejectedReason.with("reason", reason.trim().trim_end_matches('.').to_owned())
            }
            _ => Msg::StatusRejected.text(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::core::catalog::{tests::Plain, Catalog};

    const HOUR: f64 = 3600.0 * 1000.0;

    /// The panel's title and text in English.
    fn panel(state: &Verification, now_ms: f64) -> (String, String) {
        let english = Catalog::default();
        (english.get(panel_title(state, now_ms)).to_owned(), english.render(&panel_text(state, now_ms), &Plain))
    }

    #[test]
    fn text_moves_on_as_thresholds_pass() {
        let state = Verification::Pending { since_ms: 0.0 };
        let (_, early) = panel(&state, 10.0 * 60_000.0);
        assert!(early.contains("at most 2 hours") && early.contains("by t+120m") && early.contains("close this page"), "{early}");
        assert!(!early.contains("don't contact"), "no reprimand: {early}");
        let (_, long) = panel(&state, 2.0 * HOUR);
        assert!(long.contains("longer than usual") && long.contains("t+300m"), "{long}");
        let (title, late) = panel(&state, 5.0 * HOUR + 1.0);
        assert!(late.contains("operations team") && late.contains("Submitted t+0m") && title.contains("too long"), "{late}");
    }

    #[test]
    fn stage_boundaries_are_exact() {
        assert_eq!(pending_stage(0.0, 2.0 * HOUR - 1.0), PendingStage::Normal);
        assert_eq!(pending_stage(0.0, 2.0 * HOUR), PendingStage::Long);
        assert_eq!(pending_stage(0.0, 5.0 * HOUR - 1.0), PendingStage::Long);
        assert_eq!(pending_stage(0.0, 5.0 * HOUR), PendingStage::Overdue);
        assert_eq!(pending_stage(10.0, 0.0), PendingStage::Normal, "clock skew");
    }

    #[test]
    fn next_change_points_at_the_next_threshold() {
        assert_eq!(next_change_in(0.0, HOUR), Some(HOUR));
        assert_eq!(next_change_in(0.0, 3.0 * HOUR), Some(2.0 * HOUR));
        assert_eq!(next_change_in(0.0, 6.0 * HOUR), None);
    }

    #[test]
    fn platform_statuses_map_to_states() {
        assert_eq!(Verification::from_status("pending", 5.0, None), Some(Verification::Pending { since_ms: 5.0 }));
        assert_eq!(Verification::from_status("verified", 5.0, None), Some(Verification::Verified));
        assert_eq!(
            Verification::from_status("rejected", 5.0, Some("blurry".into())),
            Some(Verification::Rejected { reason: Some("blurry".into()) })
        );
        assert_eq!(Verification::from_status("not_started", 5.0, None), None);
        assert_eq!(Verification::from_status("paused", 5.0, None), None);
    }

    #[test]
    fn rejection_shows_the_reason() {
        let (title, text) = panel(&Verification::Rejected { reason: Some("Document expired.".into()) }, 0.0);
        assert_eq!(title, "We couldn't verify your documents");
        assert!(text.contains("Reason: Document expired.") && text.contains("Start again"), "{text}");
    }
}
