//! How often and how patiently a failed request is sent again (spec §5: 5xx, timeouts and
//! malformed answers are retried with backoff a bounded number of times). Every retry still
//! takes a quota token like any request.

use std::time::Duration;

/// Attempts per request, the first included (spec §5: a bounded number; vt-api.md §7 advises
/// "a few tries").
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// Wait before the first retry: long enough for a transient front-end error to clear.
pub const DEFAULT_BASE_BACKOFF: Duration = Duration::from_secs(2);

/// Longest wait between attempts, whatever the attempt number: VirusTotal advises 30–60 s after
/// an over-quota answer (vt-api.md §7); other failures need no longer.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Bounded exponential backoff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per request, the first included; at least 1.
    pub max_attempts: u32,
    /// Wait after the first failure; doubled after each further one.
    pub base_backoff: Duration,
    /// Upper bound of any wait.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, 2 s then 4 s apart, never more than 30 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_backoff: DEFAULT_BASE_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
        }
    }
}

impl RetryPolicy {
    /// The wait after `failures` failed attempts: `base × 2^(failures − 1)`, at most
    /// `max_backoff`; zero before any failure.
    pub fn backoff(&self, failures: u32) -> Duration {
        let Some(doublings) = failures.checked_sub(1) else {
            return Duration::ZERO;
        };
        let factor = 1u32.checked_shl(doublings).unwrap_or(u32::MAX);
        self.base_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// Whether another attempt is allowed after `failures` failed ones.
    pub fn should_retry(&self, failures: u32) -> bool {
        failures < self.max_attempts.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_tries_three_times_2s_then_4s_apart() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(0), Duration::ZERO);
        assert_eq!(p.backoff(1), Duration::from_secs(2));
        assert_eq!(p.backoff(2), Duration::from_secs(4));
        assert!(p.should_retry(1));
        assert!(p.should_retry(2));
        assert!(!p.should_retry(3));
    }

    #[test]
    fn backoff_is_bounded_even_for_absurd_attempt_numbers() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(5), Duration::from_secs(30));
        assert_eq!(p.backoff(40), Duration::from_secs(30));
        assert_eq!(p.backoff(u32::MAX), Duration::from_secs(30));
        let huge = RetryPolicy {
            base_backoff: Duration::from_secs(u64::MAX / 2),
            max_backoff: Duration::from_secs(60),
            max_attempts: 3,
        };
        assert_eq!(huge.backoff(3), Duration::from_secs(60));
    }

    #[test]
    fn zero_attempts_still_allows_the_first() {
        let p = RetryPolicy {
            max_attempts: 0,
            ..RetryPolicy::default()
        };
        assert!(p.should_retry(0));
        assert!(!p.should_retry(1));
    }
}
