//! HMAC-SHA256 signatures: presigned upload URLs and webhook `Platform-Signature` headers.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// The exact string signed for a presigned upload.
fn presign_message(file_id: &str, content_type: &str, size: u64, expires: i64) -> String {
    format!("PUT\n/upload/{file_id}\n{file_id}\n{content_type}\n{size}\n{expires}")
}

fn mac(key: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length")
}

/// Hex signature over method, path, file id, content type, exact length and expiry.
pub fn presign(key: &[u8], file_id: &str, content_type: &str, size: u64, expires: i64) -> String {
    let mut m = mac(key);
    m.update(presign_message(file_id, content_type, size, expires).as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// Constant-time check of a presigned-URL signature.
pub fn verify_presign(
    key: &[u8],
    file_id: &str,
    content_type: &str,
    size: u64,
    expires: i64,
    sig_hex: &str,
) -> bool {
    let Ok(sig) = hex::decode(sig_hex) else { return false };
    let mut m = mac(key);
    m.update(presign_message(file_id, content_type, size, expires).as_bytes());
    m.verify_slice(&sig).is_ok()
}

/// `Platform-Signature` header value: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub fn webhook_header(secret: &str, t: i64, body: &[u8]) -> String {
    let mut m = mac(secret.as_bytes());
    m.update(format!("{t}.").as_bytes());
    m.update(body);
    format!("t={t},v1={}", hex::encode(m.finalize().into_bytes()))
}

/// Verify a `Platform-Signature` header against the body; `tolerance` bounds the clock skew.
pub fn verify_webhook(secret: &str, header: &str, body: &[u8], now: i64, tolerance: i64) -> bool {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.push(v.to_string()),
            _ => {}
        }
    }
    let Some(t) = t else { return false };
    if (now - t).abs() > tolerance {
        return false;
    }
    sigs.iter().any(|s| {
        let Ok(sig) = hex::decode(s) else { return false };
        let mut m = mac(secret.as_bytes());
        m.update(format!("{t}.").as_bytes());
        m.update(body);
        m.verify_slice(&sig).is_ok()
    })
}

/// Hex SHA-256 of some bytes (token storage, idempotency fingerprints).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presign_roundtrip_and_tamper() {
        let sig = presign(b"k", "file_A", "image/png", 10, 100);
        assert!(verify_presign(b"k", "file_A", "image/png", 10, 100, &sig));
        assert!(!verify_presign(b"k", "file_A", "image/png", 11, 100, &sig));
        assert!(!verify_presign(b"k", "file_A", "image/jpeg", 10, 100, &sig));
        assert!(!verify_presign(b"k", "file_A", "image/png", 10, 101, &sig));
        assert!(!verify_presign(b"k", "file_A", "image/png", 10, 100, "zz"));
    }

    #[test]
    fn webhook_roundtrip() {
        let h = webhook_header("s", 1000, b"{}");
        assert!(verify_webhook("s", &h, b"{}", 1010, 300));
        assert!(!verify_webhook("s", &h, b"{ }", 1010, 300));
        assert!(!verify_webhook("other", &h, b"{}", 1010, 300));
        assert!(!verify_webhook("s", &h, b"{}", 2000, 300));
    }
}
