//! Wall-clock helpers: unix times and RFC 3339 formatting.

use std::time::{SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;

/// Milliseconds since the unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Seconds since the unix epoch.
pub fn now_s() -> i64 {
    now_ms() / 1000
}

/// RFC 3339 in UTC with milliseconds, e.g. `2026-11-27T10:00:00.123Z`.
pub fn rfc3339_ms(ms: i64) -> String {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    datetime(ms).format(&fmt).unwrap_or_default()
}

/// RFC 3339 in UTC with whole seconds, e.g. `2026-11-27T10:00:00Z`.
pub fn rfc3339_s(ms: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    datetime(ms).format(&fmt).unwrap_or_default()
}

fn datetime(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_millis() {
        assert_eq!(rfc3339_ms(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(rfc3339_s(1_700_000_000_123), "2023-11-14T22:13:20Z");
    }
}
