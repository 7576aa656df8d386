//! The VtQuota decision (spec §5) in one place, so the actor stays thin: per finding at or above
//! `--vtscore`, either a token now (look it up), parked until one returns (`--vtwaitforquota`),
//! or reported at once as skipped.
//!
//! The actor's loop is: call [`VtQuotaState::decide`] for each finding, call
//! [`VtQuotaState::release_ready`] whenever [`VtQuotaState::next_wake`] comes due, call
//! [`VtQuotaState::on_quota_exceeded`] when VtLookup reports a 429 and
//! [`VtQuotaState::on_request_ok`] when a request gets any other answer, and
//! [`VtQuotaState::settle_all`] at shutdown. Every returned decision is acted on the same way.
//!
//! The requests are counted by a [`Limiter`]: in memory for one process, or in the SQLite store
//! of [`crate::vtstore`] so that the counters outlive the process and are shared.

use std::time::Instant;

use super::{
    DailyBudget, HoldBackoff, HoldStats, Limiter, MemoryLimiter, Moment, ParkQueue, TokenBucket,
};
use crate::model::VtResult;

/// What to do with a finding (or a parked one released).
#[derive(Debug, PartialEq, Eq)]
pub enum QuotaDecision<T> {
    /// A token was taken (rate window and daily budget): look this finding up now. In wait mode
    /// it may be a higher-scored parked finding rather than the one just offered, which was
    /// parked in its place.
    Lookup(T),
    /// The finding was parked until a token returns. `evicted` is the lowest-scored parked
    /// finding pushed out to make room: report it `skipped (quota)` and count it.
    Parked {
        /// Pushed out of the full park queue.
        evicted: Option<T>,
    },
    /// Report the finding now without enrichment, with this result (`skipped (quota)` or
    /// `skipped (daily quota)`).
    Skip(T, VtResult),
}

/// The quota state of one API key: request limiter, 429 holds, park queue and mode.
#[derive(Debug)]
pub struct VtQuotaState<T> {
    limiter: Box<dyn Limiter + Send>,
    holds: HoldBackoff,
    park: ParkQueue<T>,
    wait_for_quota: bool,
}

impl<T> VtQuotaState<T> {
    /// A state counting in memory with this bucket and budget; in wait mode
    /// (`--vtwaitforquota`) findings without a token are parked, at most `park_capacity` of
    /// them.
    pub fn new(
        bucket: TokenBucket,
        daily: DailyBudget,
        park_capacity: usize,
        wait_for_quota: bool,
    ) -> Self {
        Self::with_limiter(
            Box::new(MemoryLimiter::new(bucket, daily)),
            park_capacity,
            wait_for_quota,
        )
    }

    /// A state counting requests with `limiter` (e.g. the persistent one of
    /// [`crate::vtstore`]); parking as for [`new`](Self::new).
    pub fn with_limiter(
        limiter: Box<dyn Limiter + Send>,
        park_capacity: usize,
        wait_for_quota: bool,
    ) -> Self {
        VtQuotaState {
            holds: HoldBackoff::new(limiter.window()),
            limiter,
            park: ParkQueue::new(park_capacity),
            wait_for_quota,
        }
    }

    /// Decides what happens to `item`, a finding with total `score`, at `now`.
    pub fn decide(&mut self, now: Moment, score: u32, item: T) -> QuotaDecision<T> {
        if self.limiter.daily_spent(now) {
            return QuotaDecision::Skip(item, VtResult::SkippedDailyQuota);
        }
        if self.take_token(now) {
            // With findings parked, the token goes to the best of them and the new one (ties go
            // to the one parked first).
            return QuotaDecision::Lookup(self.best_of_parked_and(score, item));
        }
        if !self.wait_for_quota {
            return QuotaDecision::Skip(item, VtResult::SkippedQuota);
        }
        if self.park.would_reject(score) {
            return QuotaDecision::Skip(item, VtResult::SkippedQuota);
        }
        QuotaDecision::Parked {
            evicted: self.park.push(score, item),
        }
    }

    /// Parked findings that can go now, in score order: one `Lookup` per token available, or,
    /// once the daily budget is spent, every parked finding as `Skip(…, skipped (daily quota))`.
    pub fn release_ready(&mut self, now: Moment) -> Vec<QuotaDecision<T>> {
        if self.park.is_empty() {
            return Vec::new();
        }
        if self.limiter.daily_spent(now) {
            return self
                .park
                .drain_all()
                .into_iter()
                .map(|item| QuotaDecision::Skip(item, VtResult::SkippedDailyQuota))
                .collect();
        }
        let mut out = Vec::new();
        while !self.park.is_empty() && self.take_token(now) {
            if let Some(item) = self.park.pop_highest() {
                out.push(QuotaDecision::Lookup(item));
            }
        }
        out
    }

    /// When [`release_ready`](Self::release_ready) next has something to release; `None` while
    /// nothing is parked. May be `now.at` itself.
    pub fn next_wake(&mut self, now: Moment) -> Option<Instant> {
        if self.park.is_empty() {
            return None;
        }
        Some(self.next_token_at(now).unwrap_or(now.at))
    }

    /// When the rate window next has a token; `None` when it has one at `now` (the daily
    /// budget aside).
    pub fn next_token_at(&mut self, now: Moment) -> Option<Instant> {
        self.limiter.next_token_at(now)
    }

    /// Tokens the rate window holds at `now` (the daily budget aside).
    pub fn available(&mut self, now: Moment) -> u32 {
        self.limiter.available(now)
    }

    /// Takes one token from the window and the daily budget together (for a retry or an
    /// analysis poll, which cost a request like a lookup); `false` leaves both untouched.
    pub fn take_token(&mut self, now: Moment) -> bool {
        self.limiter.try_take(now)
    }

    /// The server answered 429 `QuotaExceededError`. Ratatosk sends nothing without a token,
    /// so someone else spends this key: hold off a full window, twice as long after a second
    /// 429 in a row, and so on up to a cap (see [`HoldBackoff`]); a 429 answering a request
    /// sent before the current hold began changes nothing. Hand the finding that got the 429
    /// back to [`decide`](Self::decide): with no token it is parked (wait mode) or skipped
    /// `skipped (quota)`.
    pub fn on_quota_exceeded(&mut self, now: Moment) {
        if let Some(hold) = self.holds.on_quota_exceeded(now.at) {
            self.limiter.hold(now, hold);
        }
    }

    /// A request got an answer other than 429 (found, not found, even an error): the next 429
    /// holds one window again.
    pub fn on_request_ok(&mut self) {
        self.holds.on_success();
    }

    /// The 429 holds so far (for the summary).
    pub fn hold_stats(&self) -> HoldStats {
        self.holds.stats()
    }

    /// The server's daily quota is gone (e.g. a second 429 right after a full window): every
    /// later finding, and every parked one at the next release, is `skipped (daily quota)`.
    pub fn on_daily_quota_exhausted(&mut self, now: Moment) {
        self.limiter.exhaust_daily(now);
    }

    /// Requests spent on the UTC day of `now` (in every process sharing the store, with the
    /// persistent limiter).
    pub fn daily_used(&mut self, now: Moment) -> u32 {
        self.limiter.daily_used(now)
    }

    /// Requests left on the UTC day of `now`.
    pub fn daily_remaining(&mut self, now: Moment) -> u32 {
        let used = self.limiter.daily_used(now);
        self.limiter.daily_limit().saturating_sub(used)
    }

    /// Shutdown (scan interrupted): every parked finding, highest score first, as
    /// `Skip(…, skipped (quota))`.
    pub fn settle_all(&mut self) -> Vec<QuotaDecision<T>> {
        self.park
            .drain_all()
            .into_iter()
            .map(|item| QuotaDecision::Skip(item, VtResult::SkippedQuota))
            .collect()
    }

    /// Findings parked now.
    pub fn parked(&self) -> usize {
        self.park.len()
    }

    /// Whether findings wait for quota (`--vtwaitforquota`) rather than being skipped.
    pub fn wait_for_quota(&self) -> bool {
        self.wait_for_quota
    }

    /// The highest-scored of the parked findings and `item`; when it is a parked one, `item`
    /// takes its place in the queue.
    fn best_of_parked_and(&mut self, score: u32, item: T) -> T {
        if self
            .park
            .peek_highest_score()
            .is_none_or(|best| score > best)
        {
            return item;
        }
        match self.park.pop_highest() {
            Some(best) => {
                // A slot was freed just before, so this push evicts nothing.
                let evicted = self.park.push(score, item);
                debug_assert!(evicted.is_none());
                best
            }
            None => item,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::quota::{Clock, ManualClock};

    const WINDOW: Duration = Duration::from_secs(10);
    /// Window plus the 2 % margin.
    const RETURN: Duration = Duration::from_millis(10_200);

    fn state(rate: u32, daily: u32, park: usize, wait: bool) -> VtQuotaState<&'static str> {
        VtQuotaState::new(
            TokenBucket::new(rate, WINDOW),
            DailyBudget::new(daily),
            park,
            wait,
        )
    }

    /// 2024-01-02T12:00:00Z.
    fn noon() -> ManualClock {
        ManualClock::at(SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_196_800))
    }

    fn lookups(ds: Vec<QuotaDecision<&'static str>>) -> Vec<&'static str> {
        ds.into_iter()
            .map(|d| match d {
                QuotaDecision::Lookup(x) => x,
                other => panic!("expected a lookup, got {other:?}"),
            })
            .collect()
    }

    #[test]
    fn default_mode_skips_without_a_token_and_never_parks() {
        let clock = noon();
        let mut s = state(2, 500, 10, false);
        assert_eq!(
            s.decide(clock.moment(), 50, "a"),
            QuotaDecision::Lookup("a")
        );
        assert_eq!(
            s.decide(clock.moment(), 50, "b"),
            QuotaDecision::Lookup("b")
        );
        assert_eq!(
            s.decide(clock.moment(), 99, "c"),
            QuotaDecision::Skip("c", VtResult::SkippedQuota)
        );
        assert_eq!(s.parked(), 0);
        assert_eq!(s.next_wake(clock.moment()), None);
        clock.advance(RETURN);
        assert_eq!(
            s.decide(clock.moment(), 40, "d"),
            QuotaDecision::Lookup("d")
        );
        assert_eq!(s.daily_used(clock.moment()), 3);
    }

    #[test]
    fn wait_mode_releases_parked_findings_in_score_order_one_window_apart() {
        let clock = noon();
        let t0 = clock.now();
        let mut s = state(1, 500, 10, true);
        assert_eq!(
            s.decide(clock.moment(), 50, "a50"),
            QuotaDecision::Lookup("a50")
        );
        for (score, name) in [(40, "b40"), (90, "c90"), (60, "d60"), (90, "e90")] {
            assert_eq!(
                s.decide(clock.moment(), score, name),
                QuotaDecision::Parked { evicted: None }
            );
        }
        assert_eq!(s.parked(), 4);
        assert_eq!(s.next_wake(clock.moment()), Some(t0 + RETURN));
        clock.advance(RETURN - Duration::from_millis(1));
        assert!(s.release_ready(clock.moment()).is_empty());
        let mut order = Vec::new();
        for _ in 0..4 {
            let wake = s.next_wake(clock.moment()).unwrap();
            clock.advance(wake - clock.now());
            let released = lookups(s.release_ready(clock.moment()));
            assert_eq!(released.len(), 1, "one token per window");
            order.extend(released);
        }
        assert_eq!(order, ["c90", "e90", "d60", "b40"]);
        assert_eq!(clock.now() - t0, RETURN * 4);
        assert_eq!(s.next_wake(clock.moment()), None);
    }

    #[test]
    fn a_free_token_goes_to_the_best_of_parked_and_new() {
        let clock = noon();
        let mut s = state(2, 500, 10, true);
        assert_eq!(
            s.decide(clock.moment(), 50, "a"),
            QuotaDecision::Lookup("a")
        );
        assert_eq!(
            s.decide(clock.moment(), 50, "b"),
            QuotaDecision::Lookup("b")
        );
        assert_eq!(
            s.decide(clock.moment(), 80, "p80"),
            QuotaDecision::Parked { evicted: None }
        );
        assert_eq!(
            s.decide(clock.moment(), 60, "p60"),
            QuotaDecision::Parked { evicted: None }
        );
        clock.advance(RETURN);
        // Two tokens are back but release_ready has not run: the newcomer must not jump ahead
        // of the parked 80, and it beats the parked 60 to the second token.
        assert_eq!(
            s.decide(clock.moment(), 70, "n70"),
            QuotaDecision::Lookup("p80")
        );
        assert_eq!(
            s.decide(clock.moment(), 95, "n95"),
            QuotaDecision::Lookup("n95")
        );
        assert_eq!(
            s.decide(clock.moment(), 10, "n10"),
            QuotaDecision::Parked { evicted: None }
        );
        assert_eq!(s.parked(), 3);
        assert_eq!(
            s.settle_all(),
            [
                QuotaDecision::Skip("n70", VtResult::SkippedQuota),
                QuotaDecision::Skip("p60", VtResult::SkippedQuota),
                QuotaDecision::Skip("n10", VtResult::SkippedQuota),
            ]
        );
        assert_eq!(s.parked(), 0);
    }

    #[test]
    fn overflow_reports_the_lowest_parked_as_skipped() {
        let clock = noon();
        let mut s = state(1, 500, 2, true);
        assert_eq!(
            s.decide(clock.moment(), 50, "a"),
            QuotaDecision::Lookup("a")
        );
        assert_eq!(
            s.decide(clock.moment(), 50, "p50"),
            QuotaDecision::Parked { evicted: None }
        );
        assert_eq!(
            s.decide(clock.moment(), 70, "p70"),
            QuotaDecision::Parked { evicted: None }
        );
        assert_eq!(
            s.decide(clock.moment(), 60, "p60"),
            QuotaDecision::Parked {
                evicted: Some("p50")
            }
        );
        assert_eq!(
            s.decide(clock.moment(), 60, "q60"),
            QuotaDecision::Skip("q60", VtResult::SkippedQuota)
        );
        assert_eq!(s.parked(), 2);
    }

    #[test]
    fn quota_exceeded_stops_tokens_for_one_window() {
        let clock = noon();
        let mut s = state(4, 500, 10, false);
        assert_eq!(
            s.decide(clock.moment(), 50, "a"),
            QuotaDecision::Lookup("a")
        );
        clock.advance(Duration::from_secs(3));
        s.on_quota_exceeded(clock.moment());
        assert_eq!(s.available(clock.moment()), 0);
        assert_eq!(
            s.decide(clock.moment(), 50, "b"),
            QuotaDecision::Skip("b", VtResult::SkippedQuota)
        );
        clock.advance(RETURN - Duration::from_millis(1));
        assert!(!s.take_token(clock.moment()));
        clock.advance(Duration::from_millis(1));
        assert_eq!(s.available(clock.moment()), 4);
        assert_eq!(
            s.decide(clock.moment(), 50, "c"),
            QuotaDecision::Lookup("c")
        );
    }

    #[test]
    fn spent_daily_budget_skips_new_and_releases_parked_as_daily_quota() {
        let clock = noon();
        let mut s = state(1, 2, 10, true);
        assert_eq!(
            s.decide(clock.moment(), 50, "a"),
            QuotaDecision::Lookup("a")
        );
        assert_eq!(
            s.decide(clock.moment(), 90, "p90"),
            QuotaDecision::Parked { evicted: None }
        );
        assert_eq!(
            s.decide(clock.moment(), 70, "p70"),
            QuotaDecision::Parked { evicted: None }
        );
        clock.advance(RETURN);
        assert_eq!(lookups(s.release_ready(clock.moment())), ["p90"]);
        assert_eq!(s.daily_remaining(clock.moment()), 0);
        // The day's budget is gone: the parked one does not wait for tomorrow.
        assert_eq!(
            s.release_ready(clock.moment()),
            [QuotaDecision::Skip("p70", VtResult::SkippedDailyQuota)]
        );
        clock.advance(RETURN);
        assert_eq!(
            s.decide(clock.moment(), 99, "b"),
            QuotaDecision::Skip("b", VtResult::SkippedDailyQuota)
        );
        // 12 hours later it is a new UTC day.
        clock.advance(Duration::from_secs(12 * 3600));
        assert_eq!(
            s.decide(clock.moment(), 99, "c"),
            QuotaDecision::Lookup("c")
        );
    }

    #[test]
    fn a_second_429_in_a_row_holds_two_windows_and_a_good_answer_resets() {
        let clock = noon();
        let mut s = state(4, 500, 10, false);
        assert!(s.take_token(clock.moment()));
        s.on_quota_exceeded(clock.moment());
        // One window plus margin.
        assert_eq!(s.next_token_at(clock.moment()), Some(clock.now() + RETURN));
        // Two more lookups that were in flight get their 429 now: still one hold.
        clock.advance(Duration::from_millis(30));
        s.on_quota_exceeded(clock.moment());
        s.on_quota_exceeded(clock.moment());
        clock.advance(RETURN - Duration::from_millis(30));
        assert!(s.take_token(clock.moment()));
        // The retry gets a 429 too: two windows (plus margin).
        s.on_quota_exceeded(clock.moment());
        assert_eq!(
            s.next_token_at(clock.moment()),
            Some(clock.now() + WINDOW * 2 + Duration::from_millis(200))
        );
        assert_eq!(
            s.hold_stats(),
            HoldStats {
                holds: 2,
                longest_hold: WINDOW * 2
            }
        );
        clock.advance(WINDOW * 2 + Duration::from_millis(200));
        assert!(s.take_token(clock.moment()));
        s.on_request_ok();
        // After a good answer, the next 429 holds one window again.
        s.on_quota_exceeded(clock.moment());
        assert_eq!(s.next_token_at(clock.moment()), Some(clock.now() + RETURN));
        assert_eq!(s.hold_stats().holds, 3);
        assert_eq!(s.daily_used(clock.moment()), 3);
    }

    #[test]
    fn server_side_daily_exhaustion_skips_parked_findings() {
        let clock = noon();
        let mut s = state(1, 500, 10, true);
        assert_eq!(
            s.decide(clock.moment(), 50, "a"),
            QuotaDecision::Lookup("a")
        );
        assert_eq!(
            s.decide(clock.moment(), 70, "p70"),
            QuotaDecision::Parked { evicted: None }
        );
        s.on_daily_quota_exhausted(clock.moment());
        assert_eq!(
            s.release_ready(clock.moment()),
            [QuotaDecision::Skip("p70", VtResult::SkippedDailyQuota)]
        );
    }
}
