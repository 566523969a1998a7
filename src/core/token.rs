//! The in-memory access-token cache: what the host's `getToken` returned,
//! until shortly before it expires.

/// How long a token without `expires_in` (a bare string) is reused before
/// `getToken` is asked again, in milliseconds. Short on purpose: the widget
/// can't know the real lifetime, and a 401 triggers a refetch anyway.
pub const BARE_TOKEN_LIFETIME_MS: u64 = 60_000;

/// The most a token is refreshed ahead of its expiry, in milliseconds.
pub const MAX_REFRESH_MARGIN_MS: u64 = 30_000;

/// What `getToken` produced, after checking its shape.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenValue {
    /// A plain string.
    Bare(String),
    /// `{access_token, expires_in}` (`expires_in` in seconds).
    WithExpiry {
        /// The bearer token.
        access_token: String,
        /// Lifetime in seconds from now.
        expires_in: f64,
    },
}

/// Why a `getToken` result was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenShapeError {
    /// An empty or whitespace-only token.
    Empty,
    /// A token with characters a header can't carry (spaces, newlines).
    InvalidCharacters,
    /// `expires_in` negative, zero or not a number.
    InvalidExpiry,
}

impl TokenShapeError {
    /// Explanation for the host developer.
    pub fn message(&self) -> &'static str {
        match self {
            TokenShapeError::Empty => "getToken returned an empty token",
            TokenShapeError::InvalidCharacters => "getToken returned a token with spaces or control characters",
            TokenShapeError::InvalidExpiry => "getToken returned an expires_in that is not a positive number of seconds",
        }
    }
}

/// A token ready for use, with the time (ms since epoch) to stop using it.
#[derive(Clone, Debug, PartialEq)]
pub struct CachedToken {
    /// The bearer token.
    pub token: String,
    /// After this instant the cache asks `getToken` again.
    pub refresh_at_ms: f64,
}

impl TokenValue {
    /// Checks the shape and computes when to refresh, given the current time.
    /// The margin is a fifth of the lifetime, at most 30 s, so that very
    /// short-lived tokens (tests use seconds) are still used.
    pub fn into_cached(self, now_ms: f64) -> Result<CachedToken, TokenShapeError> {
        let (token, lifetime_ms) = match self {
            TokenValue::Bare(token) => (token, BARE_TOKEN_LIFETIME_MS as f64),
            TokenValue::WithExpiry { access_token, expires_in } => {
                if !(expires_in.is_finite() && expires_in > 0.0) {
                    return Err(TokenShapeError::InvalidExpiry);
                }
                (access_token, expires_in * 1000.0)
            }
        };
        if token.trim().is_empty() {
            return Err(TokenShapeError::Empty);
        }
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(TokenShapeError::InvalidCharacters);
        }
        let margin = (lifetime_ms / 5.0).min(MAX_REFRESH_MARGIN_MS as f64);
        Ok(CachedToken { token, refresh_at_ms: now_ms + lifetime_ms - margin })
    }
}

impl CachedToken {
    /// Whether the token may still be used at `now_ms`.
    pub fn is_fresh(&self, now_ms: f64) -> bool {
        now_ms < self.refresh_at_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refreshes_shortly_before_expiry() {
        let token = TokenValue::WithExpiry { access_token: "abc".into(), expires_in: 300.0 }.into_cached(1_000.0).unwrap();
        assert!(token.is_fresh(1_000.0 + 269_000.0));
        assert!(!token.is_fresh(1_000.0 + 270_000.0));
    }

    #[test]
    fn short_tokens_keep_most_of_their_life() {
        let token = TokenValue::WithExpiry { access_token: "abc".into(), expires_in: 5.0 }.into_cached(0.0).unwrap();
        assert_eq!(token.refresh_at_ms, 4_000.0);
    }

    #[test]
    fn bare_tokens_are_reused_briefly() {
        let token = TokenValue::Bare("abc".into()).into_cached(0.0).unwrap();
        assert!(token.is_fresh(BARE_TOKEN_LIFETIME_MS as f64 * 0.79));
        assert!(!token.is_fresh(BARE_TOKEN_LIFETIME_MS as f64));
    }

    #[test]
    fn refuses_malformed_tokens() {
        assert_eq!(TokenValue::Bare("  ".into()).into_cached(0.0), Err(TokenShapeError::Empty));
        assert_eq!(TokenValue::Bare("a b".into()).into_cached(0.0), Err(TokenShapeError::InvalidCharacters));
        let bad = TokenValue::WithExpiry { access_token: "a".into(), expires_in: f64::NAN };
        assert_eq!(bad.into_cached(0.0), Err(TokenShapeError::InvalidExpiry));
        let zero = TokenValue::WithExpiry { access_token: "a".into(), expires_in: 0.0 };
        assert_eq!(zero.into_cached(0.0), Err(TokenShapeError::InvalidExpiry));
    }
}
