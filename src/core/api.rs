//! The platform's HTTP API as data: request and response bodies, and the
//! classification of a failed call into what the widget should do next.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `POST {api}/files` request body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PresignRequest {
    /// The slot's field name.
    pub purpose: String,
    /// The file name (the platform only stores it).
    pub filename: String,
    /// The sniffed MIME type.
    pub content_type: String,
    /// Exact byte length that will be PUT.
    pub size: u64,
    /// Only for `id_file` and `id_file_back`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_type: Option<String>,
}

/// `POST {api}/files` response: where and how to PUT the bytes.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Presigned {
    /// The id to send in the files request once the PUT succeeded.
    pub file_id: String,
    /// The presigned URL (on the storage origin).
    pub upload_url: String,
    /// The method to use (always `PUT` in the contract).
    #[serde(default = "default_method")]
    pub method: String,
    /// The exact headers to send with the PUT.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// When the URL stops working (RFC 3339), if given.
    #[serde(default)]
    pub expires_at: Option<String>,
}

fn default_method() -> String {
    "PUT".into()
}

/// `POST {api}/customers/{id}/files` response.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct FilesResponse {
    /// `not_started` or `pending`.
    #[serde(default)]
    pub verification_status: Option<String>,
}

/// `GET {api}/customers/{id}` response.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Customer {
    /// The customer id.
    pub id: String,
    /// `individual` or `business`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `not_started`, `pending`, `verified` or `rejected`.
    pub verification_status: String,
    /// When the id_file request was accepted (RFC 3339), if it was.
    #[serde(default)]
    pub submitted_at: Option<String>,
    /// Why verification was rejected, if it was.
    #[serde(default)]
    pub rejection_reason: Option<String>,
}

/// The contract's error body: `{"error": {"code", "message"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The inner part of [`ErrorBody`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ErrorDetail {
    /// Stable snake_case code.
    pub code: String,
    /// Human text.
    #[serde(default)]
    pub message: String,
}

/// What went wrong with one call, as far as retrying is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Worth retrying after a pause: a network error, a 5xx, a 429.
    Transient {
        /// What the server asked for in `Retry-After`, in milliseconds.
        retry_after_ms: Option<u64>,
        /// Stable code: `network_error`, `server_error`, `rate_limited`,
        /// `timeout`, `stalled` (an upload made no progress for
        /// `stallTimeoutMs` and was abandoned) or `token_error` (the host's
        /// `getToken` failed).
        reason: String,
    },
    /// The presigned URL expired: presign again, then PUT again.
    UploadUrlExpired,
    /// The token was refused even after fetching a fresh one.
    Unauthorized {
        /// The server's code (`invalid_token`, `token_expired`).
        code: String,
    },
    /// Retrying cannot help (4xx other than the above).
    Permanent {
        /// The server's error code, or a widget code.
        code: String,
        /// The server's message, or the widget's.
        message: String,
    },
}

impl Failure {
    /// Stable code for `onError`.
    pub fn code(&self) -> &str {
        match self {
            Failure::Transient { reason, .. } => reason,
            Failure::UploadUrlExpired => "upload_url_expired",
            Failure::Unauthorized { .. } => "unauthorized",
            Failure::Permanent { code, .. } => code,
        }
    }

    /// What went wrong, for the customer (one sentence fragment).
    pub fn explain(&self) -> String {
        match self {
            Failure::Transient { reason, .. } => match reason.as_str() {
                "rate_limited" => "the service is busy".into(),
                "server_error" => "the service had a temporary problem".into(),
                "timeout" => "the service took too long to answer".into(),
                "stalled" => "the upload stalled with no progress".into(),
                "token_error" => "this page could not get an access token".into(),
                _ => "the connection kept failing".into(),
            },
            Failure::UploadUrlExpired => "the upload link kept expiring".into(),
            Failure::Unauthorized { .. } => "the service did not accept this page's access token".into(),
            Failure::Permanent { message, code } if message.is_empty() => format!("the service refused it ({code})"),
            Failure::Permanent { message, .. } => message.trim_end_matches('.').to_owned(),
        }
    }

    /// Whether retrying the same step later can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Failure::Transient { .. } | Failure::UploadUrlExpired)
    }
}

/// Status 0 is how the transport reports a network error (no response).
pub const NETWORK_ERROR: u16 = 0;

/// Classifies an HTTP outcome. `body` is the response text (may be empty or
/// not JSON); `retry_after_ms` is the parsed `Retry-After` header.
pub fn classify(status: u16, body: &str, retry_after_ms: Option<u64>) -> Failure {
    let detail = serde_json_lite_error(body);
    let code = detail.as_ref().map(|d| d.0.clone());
    match status {
        NETWORK_ERROR => Failure::Transient { retry_after_ms: None, reason: "network_error".into() },
        401 => Failure::Unauthorized { code: code.unwrap_or_else(|| "invalid_token".into()) },
        403 if code.as_deref() == Some("upload_url_expired") => Failure::UploadUrlExpired,
        408 => Failure::Transient { retry_after_ms, reason: "timeout".into() },
        425 | 429 => Failure::Transient { retry_after_ms, reason: "rate_limited".into() },
        500..=599 => Failure::Transient { retry_after_ms, reason: "server_error".into() },
        _ => {
            let (code, message) = detail.unwrap_or_else(|| (format!("http_{status}"), format!("The server answered HTTP {status}.")));
            Failure::Permanent { code, message }
        }
    }
}

/// Extracts `(code, message)` from a contract error body without pulling a
/// JSON parser into the bundle: the body is small and flat enough that a
/// targeted scan suffices, and anything unexpected yields `None`.
fn serde_json_lite_error(body: &str) -> Option<(String, String)> {
    let code = json_string_field(body, "code")?;
    let message = json_string_field(body, "message").unwrap_or_default();
    Some((code, message))
}

/// The string value of the first `"name": "..."` in `body` (JSON escapes
/// `\"`, `\\`, `\n`, `\t` and `\/` decoded; others kept verbatim).
pub fn json_string_field(body: &str, name: &str) -> Option<String> {
    let key = format!("\"{name}\"");
    // A byte-window search rather than `str::find`: the two-way string
    // searcher costs more bundle bytes than this whole function.
    let at = body.as_bytes().windows(key.len()).position(|w| w == key.as_bytes())?;
    let after_key = &body[at + key.len()..];
    let after_colon = after_key.trim_start().strip_prefix(':')?.trim_start();
    let mut chars = after_colon.strip_prefix('"')?.chars();
    let mut out = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// Parses a `Retry-After` value given in seconds. HTTP dates are parsed by
/// the browser layer, which has a date parser.
pub fn retry_after_seconds(value: &str) -> Option<u64> {
    value.trim().parse::<u64>().ok().map(|s| s.saturating_mul(1000))
}

/// Percent-encodes a path segment (customer ids are placed in URLs).
pub fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_statuses() {
        let body = r#"{"error": {"code": "upload_url_expired", "message": "expired"}}"#;
        assert_eq!(classify(403, body, None), Failure::UploadUrlExpired);
        assert_eq!(
            classify(403, r#"{"error":{"code":"insufficient_scope","message":"needs file:write"}}"#, None),
            Failure::Permanent { code: "insufficient_scope".into(), message: "needs file:write".into() }
        );
        assert!(matches!(classify(429, "", Some(2000)), Failure::Transient { retry_after_ms: Some(2000), .. }));
        assert!(matches!(classify(503, "<html>", None), Failure::Transient { .. }));
        assert!(matches!(classify(0, "", None), Failure::Transient { .. }));
        assert_eq!(classify(401, r#"{"error":{"code":"token_expired"}}"#, None), Failure::Unauthorized { code: "token_expired".into() });
        assert_eq!(
            classify(404, "not json", None),
            Failure::Permanent { code: "http_404".into(), message: "The server answered HTTP 404.".into() }
        );
    }

    #[test]
    fn a_stalled_upload_is_explained() {
        let stalled = Failure::Transient { retry_after_ms: None, reason: "stalled".into() };
        assert_eq!(stalled.code(), "stalled");
        assert_eq!(stalled.explain(), "the upload stalled with no progress");
        assert!(stalled.is_retryable());
    }

    #[test]
    fn reads_escaped_strings() {
        let body = r#"{"error":{"code":"x","message":"say \"hi\"\nnow"}}"#;
        assert_eq!(json_string_field(body, "message").as_deref(), Some("say \"hi\"\nnow"));
        assert_eq!(json_string_field(r#"{"code": 5}"#, "code"), None);
        assert_eq!(json_string_field(r#"{"code": "unterminated"#, "code"), None);
    }

    #[test]
    fn retry_after_and_paths() {
        assert_eq!(retry_after_seconds(" 3 "), Some(3000));
        assert_eq!(retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(encode_path_segment("cus_1/../x"), "cus_1%2F..%2Fx");
    }
}
