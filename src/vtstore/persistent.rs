//! The quota's [`Limiter`] over the store: counts requests in the [`StoreLimiter`] while it
//! works, and if it fails mid-run (disk full, the file locked for too long) warns once and
//! counts in memory for the rest of the run, starting from a full hold of one window (the other
//! processes' requests are no longer visible) and the last daily count the store gave. Lookups
//! neither stop silently nor exceed the rate.

use std::time::{Duration, Instant, SystemTime};

use super::{StoreLimiter, VtStoreError};
use crate::quota::{DailyBudget, Limiter, MemoryLimiter, Moment, TokenBucket, utc_day};

/// Where requests are counted now.
#[derive(Debug)]
enum Backend {
    /// In the store, shared with other processes.
    Store(StoreLimiter),
    /// In memory, after the store failed.
    Memory(MemoryLimiter),
}

/// A [`Limiter`] that persists its counters in the VirusTotal store.
#[derive(Debug)]
pub struct PersistentLimiter {
    backend: Backend,
    rate: u32,
    window: Duration,
    daily_limit: u32,
    /// The latest daily count the store gave, and its UTC day (for the fallback).
    last_daily: Option<(u64, u32)>,
}

impl PersistentLimiter {
    /// Counts requests in `store`.
    pub fn new(store: StoreLimiter) -> Self {
        PersistentLimiter {
            rate: store.rate(),
            window: store.window(),
            daily_limit: store.daily_limit(),
            backend: Backend::Store(store),
            last_daily: None,
        }
    }

    /// Whether requests are still counted in the store (not in memory after a failure).
    pub fn is_persistent(&self) -> bool {
        matches!(self.backend, Backend::Store(_))
    }

    /// Runs `op` on the store, or `fallback` on the in-memory limiter: after an earlier
    /// failure, or after this one (which is warned about and switches to memory for good).
    fn with<R>(
        &mut self,
        now: Moment,
        op: impl FnOnce(&mut StoreLimiter) -> Result<R, VtStoreError>,
        fallback: impl FnOnce(&mut MemoryLimiter) -> R,
    ) -> R {
        let err = match &mut self.backend {
            Backend::Store(store) => match op(store) {
                Ok(r) => return r,
                Err(e) => e,
            },
            Backend::Memory(memory) => return fallback(memory),
        };
        tracing::warn!(
            "{err}; counting VirusTotal requests in memory for the rest of the run \
             (holding off one window first)"
        );
        let mut bucket = TokenBucket::new(self.rate, self.window);
        bucket.drain(now.at);
        let daily = match self.last_daily {
            Some((day, used)) if day == utc_day(now.wall) => {
                DailyBudget::restore(self.daily_limit, used, day)
            }
            _ => DailyBudget::new(self.daily_limit),
        };
        let mut memory = MemoryLimiter::new(bucket, daily);
        let r = fallback(&mut memory);
        self.backend = Backend::Memory(memory);
        r
    }

    fn remember_daily(&mut self, now: SystemTime, used: u32) {
        self.last_daily = Some((utc_day(now), used));
    }
}

/// `t` on the monotonic clock of `now` (the store speaks wall-clock time).
fn to_instant(now: Moment, t: SystemTime) -> Instant {
    match t.duration_since(now.wall) {
        Ok(ahead) => now.at + ahead,
        Err(_) => now.at,
    }
}

impl Limiter for PersistentLimiter {
    fn rate(&self) -> u32 {
        self.rate
    }

    fn window(&self) -> Duration {
        self.window
    }

    fn try_take(&mut self, now: Moment) -> bool {
        let (taken, daily_used) = self.with(
            now,
            |s| s.try_take(now.wall).map(|o| (o.taken, Some(o.daily_used))),
            |m| (m.try_take(now), None),
        );
        if let Some(used) = daily_used {
            self.remember_daily(now.wall, used);
        }
        taken
    }

    fn available(&mut self, now: Moment) -> u32 {
        self.with(now, |s| s.available(now.wall), |m| m.available(now))
    }

    fn next_token_at(&mut self, now: Moment) -> Option<Instant> {
        self.with(
            now,
            |s| {
                s.next_token_at(now.wall)
                    .map(|t| t.map(|t| to_instant(now, t)))
            },
            |m| m.next_token_at(now),
        )
    }

    fn hold(&mut self, now: Moment, hold: Duration) {
        self.with(now, |s| s.hold(now.wall, hold), |m| m.hold(now, hold));
    }

    fn daily_spent(&mut self, now: Moment) -> bool {
        self.daily_used(now) >= self.daily_limit
    }

    fn daily_used(&mut self, now: Moment) -> u32 {
        let used = self.with(now, |s| s.daily_used(now.wall), |m| m.daily_used(now));
        if self.is_persistent() {
            self.remember_daily(now.wall, used);
        }
        used
    }

    fn daily_limit(&self) -> u32 {
        self.daily_limit
    }

    fn exhaust_daily(&mut self, now: Moment) {
        self.with(now, |s| s.exhaust_daily(now.wall), |m| m.exhaust_daily(now));
        if self.is_persistent() {
            self.remember_daily(now.wall, self.daily_limit);
        }
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;
    use crate::quota::{Clock, ManualClock, QuotaDecision, VtQuotaState};

    const KEY: &str = "a test key";
    const WINDOW: Duration = Duration::from_secs(2);
    /// Window plus the 2 % margin.
    const SPAN: Duration = Duration::from_millis(2040);

    /// 2024-01-02T12:00:00Z.
    fn noon() -> ManualClock {
        ManualClock::at(SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_196_800))
    }

    fn limiter(path: &std::path::Path, rate: u32, daily: u32) -> PersistentLimiter {
        PersistentLimiter::new(StoreLimiter::open(path, KEY, rate, WINDOW, daily).unwrap())
    }

    #[test]
    fn next_token_at_is_given_on_the_monotonic_clock_of_the_moment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vt.sqlite");
        let clock = noon();
        let (mut a, mut b) = (limiter(&path, 1, 500), limiter(&path, 1, 500));
        assert!(a.try_take(clock.moment()));
        clock.advance(Duration::from_millis(700));
        // b never took a token but sees a's.
        assert!(!b.try_take(clock.moment()));
        assert_eq!(
            b.next_token_at(clock.moment()),
            Some(clock.now() + SPAN - Duration::from_millis(700))
        );
        b.drain(clock.moment());
        assert_eq!(a.next_token_at(clock.moment()), Some(clock.now() + SPAN));
    }

    #[test]
    fn the_quota_keeps_its_daily_count_across_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vt.sqlite");
        let clock = noon();
        let quota =
            |path| VtQuotaState::<u32>::with_limiter(Box::new(limiter(path, 10, 3)), 10, false);
        let mut first = quota(&path);
        assert_eq!(
            first.decide(clock.moment(), 50, 1),
            QuotaDecision::Lookup(1)
        );
        assert_eq!(
            first.decide(clock.moment(), 50, 2),
            QuotaDecision::Lookup(2)
        );
        drop(first);
        clock.advance(Duration::from_secs(60));
        let mut second = quota(&path);
        assert_eq!(second.daily_used(clock.moment()), 2);
        assert_eq!(
            second.decide(clock.moment(), 50, 3),
            QuotaDecision::Lookup(3)
        );
        assert_eq!(
            second.decide(clock.moment(), 50, 4),
            QuotaDecision::Skip(4, crate::model::VtResult::SkippedDailyQuota)
        );
        assert_eq!(second.daily_remaining(clock.moment()), 0);
    }

    #[test]
    fn a_store_failing_mid_run_falls_back_to_memory_after_a_window() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vt.sqlite");
        let clock = noon();
        let mut l = limiter(&path, 2, 3);
        assert!(l.try_take(clock.moment()));
        assert!(l.is_persistent());
        // The store breaks under us.
        Connection::open(&path)
            .unwrap()
            .execute_batch("DROP TABLE vt_requests")
            .unwrap();
        clock.advance(Duration::from_millis(100));
        // The failed take falls back to memory, which holds off one window first.
        assert!(!l.try_take(clock.moment()));
        assert!(!l.is_persistent());
        assert_eq!(l.next_token_at(clock.moment()), Some(clock.now() + SPAN));
        // The day's count carries over: one spent before the failure.
        assert_eq!(l.daily_used(clock.moment()), 1);
        clock.advance(SPAN);
        assert!(l.try_take(clock.moment()));
        assert!(l.try_take(clock.moment()));
        // Three in all for the day: the cap holds in memory too.
        assert!(l.daily_spent(clock.moment()));
        clock.advance(SPAN);
        assert!(!l.try_take(clock.moment()));
    }

    #[test]
    fn a_store_that_will_not_open_gives_an_in_memory_limiter() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vt.sqlite");
        std::fs::write(&path, vec![0x5a; 4096]).unwrap();
        let clock = noon();
        let mut l = crate::vtstore::quota_limiter(Some(&path), KEY, 1, WINDOW, 500);
        assert!(l.try_take(clock.moment()));
        assert!(!l.try_take(clock.moment()));
        assert_eq!(l.next_token_at(clock.moment()), Some(clock.now() + SPAN));
    }
}
