//! When to retry a failed step, and how long to wait: capped exponential
//! backoff with full jitter, honouring `Retry-After` within a bound.

use crate::core::api::Failure;

/// The retry policy for one step (a presign, a PUT, a files request).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Base delay before the second attempt, in milliseconds.
    pub base_ms: u64,
    /// No computed delay exceeds this.
    pub cap_ms: u64,
    /// The longest `Retry-After` honoured; a server asking for more makes
    /// the step fail for now (the customer can submit again later).
    pub max_retry_after_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_attempts: 6, base_ms: 400, cap_ms: 8_000, max_retry_after_ms: 60_000 }
    }
}

/// What to do after attempt number `attempt` (1-based) failed transiently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait this many milliseconds, then try again.
    After(u64),
    /// Give up: attempts exhausted or the server asked to wait too long.
    GiveUp,
}

impl RetryPolicy {
    /// Decides the next step. `jitter` is a uniform sample in `[0, 1)`; it
    /// spreads retries of many clients ("full jitter": a delay anywhere
    /// between half the backoff and the backoff). A `Retry-After` is a
    /// lower bound on the delay.
    pub fn decide(&self, attempt: u32, retry_after_ms: Option<u64>, jitter: f64) -> RetryDecision {
        if attempt >= self.max_attempts {
            return RetryDecision::GiveUp;
        }
        let exp = self.base_ms.saturating_mul(1u64 << attempt.saturating_sub(1).min(20));
        let backoff = exp.min(self.cap_ms);
        let jitter = jitter.clamp(0.0, 1.0);
        let jittered = backoff / 2 + ((backoff / 2) as f64 * jitter) as u64;
        match retry_after_ms {
            Some(asked) if asked > self.max_retry_after_ms => RetryDecision::GiveUp,
            Some(asked) => RetryDecision::After(asked.max(jittered)),
            None => RetryDecision::After(jittered),
        }
    }
}

impl RetryPolicy {
    /// Decides what follows attempt number `attempt` failing with `failure`:
    /// only transient failures are retried, honouring their `Retry-After`.
    pub fn after_failure(&self, attempt: u32, failure: &Failure, jitter: f64) -> RetryDecision {
        match failure {
            Failure::Transient { retry_after_ms, .. } => self.decide(attempt, *retry_after_ms, jitter),
            _ => RetryDecision::GiveUp,
        }
    }
}

/// A small deterministic random source (xorshift64*) for jitter, so that
/// the core stays pure and tests can replay a seed.
#[derive(Clone, Debug)]
pub struct Jitter(u64);

impl Jitter {
    /// Seeds the generator (zero is replaced by a fixed odd constant).
    pub fn new(seed: u64) -> Jitter {
        Jitter(if seed == 0 { 0x9E37_79B9_7F4A_7C15 } else { seed })
    }

    /// The next sample in `[0, 1)`.
    pub fn next_unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let value = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (value >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn gives_up_after_the_last_attempt() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.decide(policy.max_attempts, None, 0.5), RetryDecision::GiveUp);
        assert!(matches!(policy.decide(1, None, 0.5), RetryDecision::After(_)));
    }

    #[test]
    fn honours_retry_after_within_bounds() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.decide(1, Some(3_000), 0.0), RetryDecision::After(3_000));
        assert_eq!(policy.decide(1, Some(600_000), 0.0), RetryDecision::GiveUp);
    }

    #[test]
    fn only_transient_failures_are_retried() {
        let policy = RetryPolicy::default();
        let busy = Failure::Transient { retry_after_ms: Some(5_000), reason: "rate_limited".into() };
        assert_eq!(policy.after_failure(1, &busy, 0.0), RetryDecision::After(5_000));
        let refused = Failure::Permanent { code: "customer_not_found".into(), message: String::new() };
        assert_eq!(policy.after_failure(1, &refused, 0.0), RetryDecision::GiveUp);
        assert_eq!(policy.after_failure(1, &Failure::Unauthorized { code: "invalid_token".into() }, 0.0), RetryDecision::GiveUp);
    }

    proptest! {
        #[test]
        fn delays_grow_and_stay_capped(attempt in 1u32..6, jitter in 0.0f64..1.0) {
            let policy = RetryPolicy::default();
            let RetryDecision::After(delay) = policy.decide(attempt, None, jitter) else { panic!("gave up early") };
            prop_assert!(delay <= policy.cap_ms);
            let floor = (policy.base_ms << (attempt - 1)).min(policy.cap_ms) / 2;
            prop_assert!(delay >= floor);
        }

        #[test]
        fn jitter_stays_in_the_unit_interval(seed in any::<u64>()) {
            let mut rng = Jitter::new(seed);
            for _ in 0..100 {
                let x = rng.next_unit();
                prop_assert!((0.0..1.0).contains(&x));
            }
        }
    }
}
