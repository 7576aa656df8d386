//! The per-key token bucket: at most `rate` tokens, each spent token coming back exactly one
//! rate window (plus a small safety margin) after it was spent. Unlike a bucket refilled at a
//! steady rate, this guarantees that no window of that length ever holds more than `rate`
//! takes, which is how VirusTotal counts ("4 requests of any nature in any given 1 minute time
//! frame", vt-api.md §7).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The safety margin is the window divided by this: 2 % of the window, the most spec §5 allows,
/// to absorb jitter between our clock and the server's (and the request's travel time).
pub const SAFETY_MARGIN_DIVISOR: u32 = 50;

/// The safety margin never exceeds this: a second is far more than clock jitter on any sane
/// host, so long windows (an hour) do not waste a whole 72 s.
pub const MAX_SAFETY_MARGIN: Duration = Duration::from_secs(1);

/// The safety margin added to a rate window: `min(window / 50, 1 s)`. Shared with the
/// persistent limiter, so both count the same way.
pub fn safety_margin(window: Duration) -> Duration {
    (window / SAFETY_MARGIN_DIVISOR).min(MAX_SAFETY_MARGIN)
}

/// A token bucket over a sliding window, for one API key.
///
/// Not synchronised itself: the owner (the VtQuota actor, or a `Mutex` around it) makes
/// [`try_take`](Self::try_take) atomic.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    rate: u32,
    window: Duration,
    margin: Duration,
    /// When each spent, not yet returned token comes back, ascending. Never longer than `rate`.
    returns: VecDeque<Instant>,
}

impl TokenBucket {
    /// A full bucket of `rate` tokens, each returning `window` + margin after it is spent.
    ///
    /// A `rate` of 0 is treated as 1 (settings validation rejects 0; a bucket that can never
    /// give a token would park findings forever).
    pub fn new(rate: u32, window: Duration) -> Self {
        let rate = rate.max(1);
        let margin = safety_margin(window);
        TokenBucket {
            rate,
            window,
            margin,
            returns: VecDeque::with_capacity(rate as usize),
        }
    }

    /// Tokens the bucket holds when full (`--vtrate`).
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// The rate window (`--vtwindow`).
    pub fn window(&self) -> Duration {
        self.window
    }

    /// The safety margin added to the window: `min(window / 50, 1 s)`.
    pub fn margin(&self) -> Duration {
        self.margin
    }

    /// Takes a token if one is available at `now`; `true` when taken. Check and take are one
    /// step, so two callers can never both get the last token.
    pub fn try_take(&mut self, now: Instant) -> bool {
        self.settle(now);
        if self.returns.len() >= self.rate as usize {
            return false;
        }
        let back = now + self.window + self.margin;
        // `now` only moves forward in practice; insert in order anyway so a stale `now` cannot
        // break the ordering the other methods rely on.
        let pos = self.returns.partition_point(|&r| r <= back);
        self.returns.insert(pos, back);
        true
    }

    /// Tokens available at `now`.
    pub fn available(&self, now: Instant) -> u32 {
        let out = self.returns.iter().filter(|&&r| r > now).count();
        // `out` never exceeds `rate` (a u32), see `returns`.
        self.rate - out as u32
    }

    /// When the next token comes back; `None` when one is available at `now`.
    pub fn next_token_at(&self, now: Instant) -> Option<Instant> {
        if self.available(now) > 0 {
            return None;
        }
        self.returns.iter().copied().find(|&r| r > now)
    }

    /// The server answered 429 `QuotaExceededError`: act as if all `rate` tokens were spent at
    /// `now`, so none is handed out until a window (plus margin) has passed.
    pub fn drain(&mut self, now: Instant) {
        self.hold(now, self.window);
    }

    /// No token until `hold` plus the margin has passed from `now` (after a second 429 in a
    /// row the quota holds off for more than a window). Never shortens a longer hold already
    /// in force.
    pub fn hold(&mut self, now: Instant, hold: Duration) {
        let mut back = now + hold + self.margin;
        if let Some(&last) = self.returns.back() {
            back = back.max(last);
        }
        self.returns.clear();
        self.returns
            .extend(std::iter::repeat_n(back, self.rate as usize));
    }

    /// Forgets tokens that have come back by `now`.
    fn settle(&mut self, now: Instant) {
        while self.returns.front().is_some_and(|&r| r <= now) {
            self.returns.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn margin_is_two_percent_capped_at_one_second() {
        assert_eq!(
            TokenBucket::new(4, Duration::from_secs(2)).margin(),
            Duration::from_millis(40)
        );
        assert_eq!(
            TokenBucket::new(4, Duration::from_secs(60)).margin(),
            Duration::from_secs(1)
        );
        assert_eq!(
            TokenBucket::new(4, Duration::from_secs(10)).margin(),
            Duration::from_millis(200)
        );
    }

    #[test]
    fn holds_rate_tokens_and_refuses_the_next() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(4, Duration::from_secs(60));
        assert_eq!(b.available(t0), 4);
        assert_eq!(b.next_token_at(t0), None);
        for _ in 0..4 {
            assert!(b.try_take(t0));
        }
        assert!(!b.try_take(t0));
        assert_eq!(b.available(t0), 0);
        assert_eq!(b.next_token_at(t0), Some(t0 + Duration::from_secs(61)));
    }

    #[test]
    fn token_returns_exactly_one_window_plus_margin_after_it_was_spent() {
        let t0 = Instant::now();
        let window = Duration::from_secs(2);
        let mut b = TokenBucket::new(2, window);
        assert!(b.try_take(t0));
        assert!(b.try_take(t0 + 500 * MS));
        let first_back = t0 + window + 40 * MS;
        assert_eq!(b.next_token_at(t0 + MS), Some(first_back));
        // One nanosecond before the return: still nothing.
        let just_before = first_back - Duration::from_nanos(1);
        assert_eq!(b.available(just_before), 0);
        assert!(!b.try_take(just_before));
        // At the return: exactly one token, and the second comes 500 ms later.
        assert_eq!(b.available(first_back), 1);
        assert!(b.try_take(first_back));
        assert!(!b.try_take(first_back));
        assert_eq!(
            b.next_token_at(first_back),
            Some(t0 + 500 * MS + window + 40 * MS)
        );
    }

    #[test]
    fn drain_empties_the_bucket_for_one_window() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(4, Duration::from_secs(60));
        assert!(b.try_take(t0));
        let t429 = t0 + Duration::from_secs(10);
        b.drain(t429);
        assert_eq!(b.available(t429), 0);
        let back = t429 + Duration::from_secs(61);
        assert_eq!(b.next_token_at(t429), Some(back));
        assert!(!b.try_take(back - MS));
        // All four come back together, not just the one spent before the 429.
        assert_eq!(b.available(back), 4);
    }

    #[test]
    fn zero_rate_is_treated_as_one() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(0, Duration::from_secs(1));
        assert_eq!(b.rate(), 1);
        assert!(b.try_take(t0));
        assert!(!b.try_take(t0));
    }

    /// A small deterministic generator (xorshift64*): no `rand` dependency for one test.
    fn next_random(state: &mut u64) -> u64 {
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    #[test]
    fn no_window_ever_sees_more_than_rate_takes_over_a_long_random_run() {
        let rate = 4u32;
        let window = Duration::from_secs(60);
        let t0 = Instant::now();
        let mut b = TokenBucket::new(rate, window);
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut now = t0;
        let mut takes: Vec<Instant> = Vec::new();
        let mut refused = 0u32;
        for step in 0..20_000u32 {
            // Arrivals 0–20 s apart, in bursts now and then; a 429 drain every 3000 steps.
            let gap_ms = match next_random(&mut seed) % 10 {
                0..=3 => 0,
                _ => next_random(&mut seed) % 20_000,
            };
            now += Duration::from_millis(gap_ms);
            if step % 3000 == 2999 {
                b.drain(now);
            }
            if b.try_take(now) {
                takes.push(now);
            } else {
                refused += 1;
            }
        }
        assert!(takes.len() > 1000, "only {} takes", takes.len());
        assert!(
            refused > 1000,
            "only {refused} refusals: the run never pressed the limit"
        );
        // Every sliding window [t, t + window] starting at a take holds at most `rate` takes
        // (a window starting anywhere else holds no more than one starting at its first take).
        let mut hi = 0;
        for lo in 0..takes.len() {
            while hi < takes.len() && takes[hi] - takes[lo] <= window {
                hi += 1;
            }
            assert!(
                hi - lo <= rate as usize,
                "{} takes within one window starting at take {lo}",
                hi - lo
            );
        }
    }
}
