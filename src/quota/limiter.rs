//! What the quota asks of whatever counts requests: one token per request under both the
//! per-window rate and the daily cap, taken in one step, and a hold after a 429.
//!
//! Two implementations: [`MemoryLimiter`] here (a [`TokenBucket`] and a [`DailyBudget`], for one
//! process), and the SQLite-backed limiter in [`crate::vtstore`], whose counters survive a
//! restart and are shared by every process using the same key and store.

use std::fmt;
use std::time::{Duration, Instant};

use super::{DailyBudget, Moment, TokenBucket};

/// Counts VirusTotal requests for one API key. Every method gets the [`Moment`] to decide at,
/// so tests drive time by hand; an implementation may use either reading (the monotonic one
/// within a process, the wall clock across processes).
pub trait Limiter: fmt::Debug + Send {
    /// Requests allowed per window (`--vtrate`).
    fn rate(&self) -> u32;

    /// The rate window (`--vtwindow`).
    fn window(&self) -> Duration;

    /// Takes one token from the window and one request from the day together, if both have
    /// one at `now`; `true` when taken. On `false` nothing is spent.
    fn try_take(&mut self, now: Moment) -> bool;

    /// Tokens the window holds at `now` (the daily cap aside).
    fn available(&mut self, now: Moment) -> u32;

    /// When the window next has a token; `None` when it has one at `now` (the daily cap aside).
    fn next_token_at(&mut self, now: Moment) -> Option<Instant>;

    /// No token is handed out until `hold` plus the safety margin has passed from `now`, as if
    /// the whole rate were spent at `now + hold - window`. Never shortens a longer hold.
    fn hold(&mut self, now: Moment, hold: Duration);

    /// The server answered 429: no token until one window (plus margin) has passed.
    fn drain(&mut self, now: Moment) {
        let window = self.window();
        self.hold(now, window);
    }

    /// Whether the day of `now` has no request left.
    fn daily_spent(&mut self, now: Moment) -> bool;

    /// Requests spent on the UTC day of `now`.
    fn daily_used(&mut self, now: Moment) -> u32;

    /// The daily cap (`--vtdaily`).
    fn daily_limit(&self) -> u32;

    /// Marks the day of `now` as spent (the server made clear its daily quota is gone).
    fn exhaust_daily(&mut self, now: Moment);
}

/// The in-memory limiter: a token bucket on the monotonic clock and a daily budget on the
/// wall clock. Forgets everything when the process ends.
#[derive(Clone, Debug)]
pub struct MemoryLimiter {
    bucket: TokenBucket,
    daily: DailyBudget,
}

impl MemoryLimiter {
    /// A limiter over this bucket and budget.
    pub fn new(bucket: TokenBucket, daily: DailyBudget) -> Self {
        MemoryLimiter { bucket, daily }
    }

    /// The token bucket.
    pub fn bucket(&self) -> &TokenBucket {
        &self.bucket
    }

    /// The daily budget.
    pub fn daily(&self) -> &DailyBudget {
        &self.daily
    }
}

impl Limiter for MemoryLimiter {
    fn rate(&self) -> u32 {
        self.bucket.rate()
    }

    fn window(&self) -> Duration {
        self.bucket.window()
    }

    fn try_take(&mut self, now: Moment) -> bool {
        if self.daily.is_spent(now.wall) || !self.bucket.try_take(now.at) {
            return false;
        }
        // Not spent a moment ago, so this take succeeds.
        self.daily.try_take(now.wall)
    }

    fn available(&mut self, now: Moment) -> u32 {
        self.bucket.available(now.at)
    }

    fn next_token_at(&mut self, now: Moment) -> Option<Instant> {
        self.bucket.next_token_at(now.at)
    }

    fn hold(&mut self, now: Moment, hold: Duration) {
        self.bucket.hold(now.at, hold);
    }

    fn daily_spent(&mut self, now: Moment) -> bool {
        self.daily.is_spent(now.wall)
    }

    fn daily_used(&mut self, now: Moment) -> u32 {
        self.daily.refresh(now.wall);
        self.daily.used()
    }

    fn daily_limit(&self) -> u32 {
        self.daily.limit()
    }

    fn exhaust_daily(&mut self, now: Moment) {
        self.daily.exhaust(now.wall);
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;
    use crate::quota::{Clock, ManualClock};

    #[test]
    fn a_take_spends_the_window_and_the_day_together() {
        let clock = ManualClock::at(SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_196_800));
        let mut l = MemoryLimiter::new(
            TokenBucket::new(2, Duration::from_secs(10)),
            DailyBudget::new(3),
        );
        assert!(l.try_take(clock.moment()));
        assert!(l.try_take(clock.moment()));
        // The window is empty: the day keeps its third request.
        assert!(!l.try_take(clock.moment()));
        assert_eq!(l.daily_used(clock.moment()), 2);
        assert_eq!(
            l.next_token_at(clock.moment()),
            Some(clock.now() + Duration::from_millis(10_200))
        );
        clock.advance(Duration::from_millis(10_200));
        assert_eq!(l.available(clock.moment()), 2);
        assert!(l.try_take(clock.moment()));
        // The day is spent: the window keeps its token.
        assert!(l.daily_spent(clock.moment()));
        assert!(!l.try_take(clock.moment()));
        assert_eq!(l.available(clock.moment()), 1);
    }

    #[test]
    fn a_hold_of_three_windows_blocks_every_token_that_long() {
        let clock = ManualClock::new();
        let mut l = MemoryLimiter::new(
            TokenBucket::new(4, Duration::from_secs(10)),
            DailyBudget::new(500),
        );
        l.hold(clock.moment(), Duration::from_secs(30));
        let back = clock.now() + Duration::from_millis(30_200);
        assert_eq!(l.next_token_at(clock.moment()), Some(back));
        clock.advance(Duration::from_millis(30_199));
        assert!(!l.try_take(clock.moment()));
        clock.advance(Duration::from_millis(1));
        assert_eq!(l.available(clock.moment()), 4);
        // A shorter hold never cuts a longer one short.
        l.hold(clock.moment(), Duration::from_secs(20));
        l.hold(clock.moment(), Duration::from_secs(10));
        assert_eq!(
            l.next_token_at(clock.moment()),
            Some(clock.now() + Duration::from_millis(20_200))
        );
    }
}
