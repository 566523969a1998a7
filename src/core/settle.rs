//! Settling an unknown outcome. Once the request carrying `id_file` has
//! left the browser, a failure no longer means "nothing happened": the
//! platform may have committed it and only the answer was lost. The widget
//! then reads `GET {api}/customers/{id}` and decides here, never by
//! guessing, whether verification started (contract §3 item 4).

/// What `GET {api}/customers/{id}` says about verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerStatus {
    /// `not_started`, `pending`, `verified` or `rejected`.
    pub verification_status: String,
    /// When the last `id_file` request was accepted (RFC 3339), if ever.
    pub submitted_at: Option<String>,
}

/// Whether the request carrying `id_file` took effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Verification started: the submission is done.
    Started,
    /// The platform confirms verification did not start.
    NotStarted,
}

/// Decides from the customer's status after the request, and from the
/// status read before the submission (`before`, when the widget read it):
/// `pending` and `verified` mean verification started; `rejected` too,
/// unless it is the same rejection the customer had before (same
/// `submitted_at`); `not_started` means it did not. Any other status
/// settles nothing (`None`): the read counts as failed.
pub fn verdict(now: &CustomerStatus, before: Option<&CustomerStatus>) -> Option<Verdict> {
    match now.verification_status.as_str() {
        "pending" | "verified" => Some(Verdict::Started),
        "rejected" => {
            let old_rejection = before.is_some_and(|b| b.verification_status == "rejected" && b.submitted_at == now.submitted_at);
            Some(if old_rejection { Verdict::NotStarted } else { Verdict::Started })
        }
        "not_started" => Some(Verdict::NotStarted),
        _ => None,
    }
}

/// Error codes of a files request that mean one of its file ids is no
/// longer usable (never uploaded, expired, for another slot, taken): the
/// file must be chosen and uploaded again, so retrying the id is useless.
pub const REFUSED_FILE_CODES: [&str; 6] =
    ["file_not_uploaded", "file_purpose_mismatch", "file_not_found", "not_found", "http_404", "file_already_submitted"];

/// Whether a files request's error code refuses one of its file ids.
pub fn refuses_file(code: &str) -> bool {
    REFUSED_FILE_CODES.contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(s: &str, at: Option<&str>) -> CustomerStatus {
        CustomerStatus { verification_status: s.into(), submitted_at: at.map(Into::into) }
    }

    #[test]
    fn started_statuses() {
        assert_eq!(verdict(&status("pending", Some("t1")), None), Some(Verdict::Started));
        assert_eq!(verdict(&status("verified", Some("t1")), None), Some(Verdict::Started));
        assert_eq!(verdict(&status("rejected", Some("t1")), None), Some(Verdict::Started));
        assert_eq!(verdict(&status("not_started", None), None), Some(Verdict::NotStarted));
        assert_eq!(verdict(&status("on_hold", None), None), None);
    }

    #[test]
    fn an_old_rejection_is_not_a_new_start() {
        let before = status("rejected", Some("t1"));
        assert_eq!(verdict(&status("rejected", Some("t1")), Some(&before)), Some(Verdict::NotStarted));
        assert_eq!(verdict(&status("rejected", Some("t2")), Some(&before)), Some(Verdict::Started));
        assert_eq!(verdict(&status("pending", Some("t2")), Some(&before)), Some(Verdict::Started));
    }

    #[test]
    fn refused_file_codes() {
        assert!(refuses_file("file_not_uploaded"));
        assert!(refuses_file("file_purpose_mismatch"));
        assert!(!refuses_file("customer_not_found"));
        assert!(!refuses_file("invalid_request"));
    }
}
