//! How long to hold off after a 429 `QuotaExceededError` (issue 3, item 5).
//!
//! Ratatosk never sends a request without a token, so a 429 means someone else spends the same
//! key (another scanner, a colleague's script): the first one holds off for a full window, a
//! second in a row for two, then four …, up to [`MAX_HOLD_WINDOWS`] windows and at most
//! [`MAX_HOLD`]; a request that gets any other answer resets the doubling. The counts are kept
//! for the summary.

use std::time::{Duration, Instant};

/// The doubling stops at this many windows: 8 minutes for a free key's 1-minute window, long
/// enough to outwait a colleague's burst, short enough that a scan resumes within the hour.
pub const MAX_HOLD_WINDOWS: u32 = 8;

/// No hold is longer than this (unless one window is): a scan that has waited an hour in one
/// stretch is better told it ran out of quota than left waiting for longer.
pub const MAX_HOLD: Duration = Duration::from_secs(3600);

/// The holds so far, for the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HoldStats {
    /// Holds started by a 429 (a 429 answering a request sent before the current hold began
    /// starts none).
    pub holds: u32,
    /// The longest of them (without the safety margin).
    pub longest_hold: Duration,
}

/// The 429 hold state: pure, driven by the instants it is given.
#[derive(Clone, Debug)]
pub struct HoldBackoff {
    window: Duration,
    /// 429s in a row that started a hold, since the last good answer.
    streak: u32,
    /// When the current hold ends.
    until: Option<Instant>,
    stats: HoldStats,
}

impl HoldBackoff {
    /// No hold yet, for a rate window of `window`.
    pub fn new(window: Duration) -> Self {
        HoldBackoff {
            window,
            streak: 0,
            until: None,
            stats: HoldStats::default(),
        }
    }

    /// A 429 arrived at `now`: the hold to start, or `None` when a hold is already in force
    /// (the 429 answers a request sent before that hold began, so it says nothing new and does
    /// not double the hold).
    pub fn on_quota_exceeded(&mut self, now: Instant) -> Option<Duration> {
        if self.until.is_some_and(|until| now < until) {
            return None;
        }
        self.streak = self.streak.saturating_add(1);
        let hold = self.hold_for(self.streak);
        self.until = Some(now + hold);
        self.stats.holds = self.stats.holds.saturating_add(1);
        self.stats.longest_hold = self.stats.longest_hold.max(hold);
        Some(hold)
    }

    /// A request got an answer other than 429: the next 429 holds one window again.
    pub fn on_success(&mut self) {
        self.streak = 0;
    }

    /// 429s in a row so far (0 after a good answer).
    pub fn streak(&self) -> u32 {
        self.streak
    }

    /// The holds so far.
    pub fn stats(&self) -> HoldStats {
        self.stats
    }

    /// The hold for the `n`th 429 in a row (from 1): `window × 2^(n−1)`, capped.
    fn hold_for(&self, n: u32) -> Duration {
        let cap = (self.window.saturating_mul(MAX_HOLD_WINDOWS)).min(MAX_HOLD.max(self.window));
        let doublings = n.saturating_sub(1).min(MAX_HOLD_WINDOWS.ilog2());
        self.window.saturating_mul(1 << doublings).min(cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(60);

    #[test]
    fn holds_double_in_a_row_up_to_eight_windows_and_a_success_resets() {
        let t0 = Instant::now();
        let mut h = HoldBackoff::new(WINDOW);
        let mut now = t0;
        let mut holds = Vec::new();
        for _ in 0..6 {
            let hold = h.on_quota_exceeded(now).unwrap();
            holds.push(hold.as_secs());
            now += hold;
        }
        assert_eq!(holds, [60, 120, 240, 480, 480, 480]);
        assert_eq!(h.streak(), 6);
        h.on_success();
        assert_eq!(h.on_quota_exceeded(now), Some(WINDOW));
        assert_eq!(
            h.stats(),
            HoldStats {
                holds: 7,
                longest_hold: Duration::from_secs(480)
            }
        );
    }

    #[test]
    fn a_429_during_a_hold_neither_doubles_nor_counts() {
        let t0 = Instant::now();
        let mut h = HoldBackoff::new(WINDOW);
        assert_eq!(h.on_quota_exceeded(t0), Some(WINDOW));
        // Three more lookups were in flight when the first 429 came.
        for ms in [5, 20, 300] {
            assert_eq!(h.on_quota_exceeded(t0 + Duration::from_millis(ms)), None);
        }
        assert_eq!(h.streak(), 1);
        assert_eq!(h.stats().holds, 1);
        assert_eq!(h.on_quota_exceeded(t0 + WINDOW), Some(WINDOW * 2));
    }

    #[test]
    fn no_hold_exceeds_an_hour_unless_one_window_does() {
        let t0 = Instant::now();
        let mut long = HoldBackoff::new(Duration::from_secs(600));
        let mut now = t0;
        let mut holds = Vec::new();
        for _ in 0..4 {
            let hold = long.on_quota_exceeded(now).unwrap();
            holds.push(hold.as_secs());
            now += hold;
        }
        assert_eq!(holds, [600, 1200, 2400, 3600]);
        let mut huge = HoldBackoff::new(Duration::from_secs(7200));
        assert_eq!(huge.on_quota_exceeded(t0), Some(Duration::from_secs(7200)));
        assert_eq!(
            huge.on_quota_exceeded(t0 + Duration::from_secs(7200)),
            Some(Duration::from_secs(7200))
        );
    }
}
