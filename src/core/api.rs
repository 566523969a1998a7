//! The platform's HTTP API as data: request and response bodies, and the
//! classification of a failed call into what the widget should do next.

use crate::core::catalog::{Msg, Text};
use crate::core::plan::Upload;
use crate::core::rules::Slot;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

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
    #[serde(serialize_with = "bytes_as_number")]
    pub size: u64,
    /// Only for `id_file` and `id_file_back`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_type: Option<String>,
}

/// `POST {api}/customers/{id}/files` request body: each slot's field name
/// with its file id, in the plan's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilesRequest<'a>(pub &'a [(Slot, String)]);

impl Serialize for FilesRequest<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (slot, file_id) in self.0 {
            map.serialize_entry(slot.field(), file_id)?;
        }
        map.end()
    }
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
    /// The exact headers to send with the PUT, in the order given.
    #[serde(default, deserialize_with = "header_pairs")]
    pub headers: Vec<(String, String)>,
    /// When the URL stops working (RFC 3339), if given.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// A byte count as a plain number. serde-wasm-bindgen writes a `u64` only
/// after checking that it fits a JS number, with an error message to
/// format when not: 0.3 kB of the bundle for sizes that the widget caps at
/// 100 MiB (`maxFileSize`), far below 2^32. A larger count would go as a
/// float.
pub fn bytes_as_number<S: Serializer>(bytes: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    match u32::try_from(*bytes) {
        Ok(small) => serializer.serialize_u32(small),
        Err(_) => serializer.serialize_f64(*bytes as f64),
    }
}

fn default_method() -> String {
    "PUT".into()
}

impl Presigned {
    /// The upload to make, or what is wrong with the answer: the contract
    /// only ever presigns a `PUT`.
    pub fn into_upload(self) -> Result<Upload, String> {
        if !self.method.eq_ignore_ascii_case("PUT") {
            return Err(format!("presign asked for method {}", self.method));
        }
        Ok(Upload { file_id: self.file_id, url: self.upload_url, headers: self.headers })
    }
}

/// Reads the `headers` object as name/value pairs, in the server's order:
/// what [`Upload`] keeps and the PUT sends.
fn header_pairs<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<(String, String)>, D::Error> {
    struct Pairs;
    impl<'de> Visitor<'de> for Pairs {
        type Value = Vec<(String, String)>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object of header names to string values")
        }

        fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
            let mut pairs = Vec::new();
            while let Some(pair) = map.next_entry()? {
                pairs.push(pair);
            }
            Ok(pairs)
        }
    }
    deserializer.deserialize_map(Pairs)
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

    /// What went wrong, for the customer (the end of a sentence). The
    /// service's own message is shown as it is.
    pub fn explain(&self) -> Text {
        let msg = match self {
            Failure::Transient { reason, .. } => match reason.as_str() {
                "rate_limited" => Msg::ReasonBusy,
                "server_error" => Msg::ReasonServerError,
                "timeout" => Msg::ReasonTimeout,
                "stalled" => Msg::ReasonStalled,
                "token_error" => Msg::ReasonToken,
                _ => Msg::ReasonConnection,
            },
            Failure::UploadUrlExpired => Msg::ReasonLinkExpired,
            Failure::Unauthorized { .. } => Msg::ReasonUnauthorized,
            Failure::Permanent { code, .. } if code == BAD_RESPONSE => Msg::ReasonUnexpected,
            Failure::Permanent { code, .. } if code.starts_with("http_") => {
                return Msg::ReasonHttp.with("status", code["http_".len()..].to_owned())
            }
            Failure::Permanent { message, code } if message.is_empty() => return Msg::ReasonRefused.with("code", code.clone()),
            Failure::Permanent { message, .. } => return Msg::ReasonGiven.with("message", message.trim_end_matches('.').to_owned()),
        };
        msg.text()
    }

    /// Whether retrying the same step later can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Failure::Transient { .. } | Failure::UploadUrlExpired)
    }
}

/// The code of an answer the widget cannot read (not the contract's shape).
pub const BAD_RESPONSE: &str = "bad_response";

/// Status 0 is how the transport reports a network error (no response).
pub const NETWORK_ERROR: u16 = 0;

/// Classifies an HTTP outcome. `error` is the response's contract error
/// body, when it had one; `retry_after_ms` is the parsed `Retry-After`.
pub fn classify(status: u16, error: Option<ErrorDetail>, retry_after_ms: Option<u64>) -> Failure {
    let code = error.as_ref().map(|e| e.code.as_str());
    match status {
        NETWORK_ERROR => Failure::Transient { retry_after_ms: None, reason: "network_error".into() },
        401 => Failure::Unauthorized { code: code.unwrap_or("invalid_token").into() },
        403 if code == Some("upload_url_expired") => Failure::UploadUrlExpired,
        408 => Failure::Transient { retry_after_ms, reason: "timeout".into() },
        425 | 429 => Failure::Transient { retry_after_ms, reason: "rate_limited".into() },
        500..=599 => Failure::Transient { retry_after_ms, reason: "server_error".into() },
        _ => match error {
            Some(ErrorDetail { code, message }) => Failure::Permanent { code, message },
            None => Failure::Permanent { code: format!("http_{status}"), message: String::new() },
        },
    }
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
            _ => {
                out.push('%');
                push_hex(&mut out, u64::from(byte), 2);
            }
        }
    }
    out
}

/// Appends `value` in upper-case hexadecimal, padded with zeros to at least
/// `digits` digits. By hand rather than with `format!`: the two callers
/// would otherwise link the integer formatting machinery for hex into the
/// bundle.
pub fn push_hex(out: &mut String, value: u64, digits: u32) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let significant = (u64::BITS - value.leading_zeros()).div_ceil(4);
    for nibble in (0..significant.max(digits).clamp(1, 16)).rev() {
        out.push(char::from(HEX[((value >> (nibble * 4)) & 0xF) as usize]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error part of a response body, read with a real JSON parser (the
    /// browser layer uses `JSON.parse`).
    fn error(body: &str) -> Option<ErrorDetail> {
        serde_json::from_str::<ErrorBody>(body).ok().map(|b| b.error)
    }

    #[test]
    fn classifies_statuses() {
        let body = r#"{"error": {"code": "upload_url_expired", "message": "expired"}}"#;
        assert_eq!(classify(403, error(body), None), Failure::UploadUrlExpired);
        assert_eq!(
            classify(403, error(r#"{"error":{"code":"insufficient_scope","message":"needs file:write"}}"#), None),
            Failure::Permanent { code: "insufficient_scope".into(), message: "needs file:write".into() }
        );
        assert!(matches!(classify(429, error(""), Some(2000)), Failure::Transient { retry_after_ms: Some(2000), .. }));
        assert!(matches!(classify(503, error("<html>"), None), Failure::Transient { .. }));
        assert!(matches!(classify(0, None, None), Failure::Transient { .. }));
        assert_eq!(classify(401, error(r#"{"error":{"code":"token_expired"}}"#), None), Failure::Unauthorized { code: "token_expired".into() });
        assert_eq!(classify(401, None, None), Failure::Unauthorized { code: "invalid_token".into() });
        assert_eq!(
            classify(404, error("not json"), None),
            Failure::Permanent { code: "http_404".into(), message: String::new() }
        );
        assert_eq!(classify(404, None, None).explain(), Msg::ReasonHttp.with("status", "404".to_string()));
        assert_eq!(classify(409, error(r#"{"error":{"code":"c","message":""}}"#), None).explain(), Msg::ReasonRefused.with("code", "c".to_string()));
    }

    #[test]
    fn error_messages_keep_every_json_escape() {
        let body = r#"{"error":{"code":"x","message":"say \"hi\"\nnow: caf\u00e9 \ud83d\ude00"}}"#;
        let Failure::Permanent { message, .. } = classify(422, error(body), None) else { panic!("not permanent") };
        assert_eq!(message, "say \"hi\"\nnow: caf\u{e9} \u{1f600}");
    }

    #[test]
    fn presign_answers_become_uploads() {
        let answer = r#"{"file_id":"file_1","upload_url":"http://s/u","method":"PUT",
            "headers":{"Content-Type":"image/jpeg","x-amz-meta-b":"2","x-amz-meta-a":"1"},"expires_at":null}"#;
        let upload = serde_json::from_str::<Presigned>(answer).unwrap().into_upload().unwrap();
        assert_eq!(upload.file_id, "file_1");
        assert_eq!(upload.url, "http://s/u");
        let names: Vec<&str> = upload.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Content-Type", "x-amz-meta-b", "x-amz-meta-a"], "the server's order, not sorted");
        let post = r#"{"file_id":"f","upload_url":"u","method":"POST"}"#;
        assert_eq!(serde_json::from_str::<Presigned>(post).unwrap().into_upload().unwrap_err(), "presign asked for method POST");
        let bare = serde_json::from_str::<Presigned>(r#"{"file_id":"f","upload_url":"u"}"#).unwrap();
        assert!(bare.headers.is_empty() && bare.method == "PUT");
        let missing = serde_json::from_str::<Presigned>(r#"{"file_id":"f"}"#).unwrap_err().to_string();
        assert!(missing.contains("upload_url"), "{missing}");
        assert!(serde_json::from_str::<Presigned>(r#"{"file_id":"f","upload_url":"u","headers":{"a":1}}"#).is_err());
    }

    #[test]
    fn a_stalled_upload_is_explained() {
        let stalled = Failure::Transient { retry_after_ms: None, reason: "stalled".into() };
        assert_eq!(stalled.code(), "stalled");
        assert_eq!(stalled.explain(), Msg::ReasonStalled.text());
        assert!(stalled.is_retryable());
    }

    #[test]
    fn files_requests_name_each_slot() {
        let fields = [(Slot::IdFileBack, "file_b".to_string()), (Slot::IdFile, "file_a".to_string())];
        assert_eq!(serde_json::to_string(&FilesRequest(&fields)).unwrap(), r#"{"id_file_back":"file_b","id_file":"file_a"}"#);
        let presign = PresignRequest {
            purpose: "id_file".into(),
            filename: "pass\u{e9}port \"1\".jpg".into(),
            content_type: "image/jpeg".into(),
            size: 5,
            document_type: None,
        };
        assert_eq!(
            serde_json::to_string(&presign).unwrap(),
            "{\"purpose\":\"id_file\",\"filename\":\"pass\u{e9}port \\\"1\\\".jpg\",\"content_type\":\"image/jpeg\",\"size\":5}"
        );
    }

    #[test]
    fn retry_after_and_paths() {
        assert_eq!(retry_after_seconds(" 3 "), Some(3000));
        assert_eq!(retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(encode_path_segment("cus_1/../x"), "cus_1%2F..%2Fx");
        assert_eq!(encode_path_segment("a b\u{7f}\u{e9}\n"), "a%20b%7F%C3%A9%0A", "two digits for every byte");
    }

    #[test]
    fn hex_is_padded_to_the_digits_asked_and_never_truncated() {
        let hex = |value: u64, digits: u32| {
            let mut out = String::from(">");
            push_hex(&mut out, value, digits);
            out
        };
        assert_eq!(hex(0, 1), ">0");
        assert_eq!(hex(0, 2), ">00");
        assert_eq!(hex(0x0A, 2), ">0A");
        assert_eq!(hex(0xFF, 1), ">FF");
        assert_eq!(hex(0x1F3, 2), ">1F3");
        assert_eq!(hex(u64::MAX, 1), ">FFFFFFFFFFFFFFFF");
        assert_eq!(hex(0x0123_4567_89AB_CDEF, 1), ">123456789ABCDEF");
        for value in [1u64, 9, 10, 255, 256, 4095, 1_700_000_000_000, u64::MAX / 3] {
            assert_eq!(hex(value, 1), format!(">{value:X}"));
            assert_eq!(hex(value, 4), format!(">{value:04X}"));
        }
    }
}
