//! Time as the quota sees it: a monotonic instant for the rate window and the wall clock for the
//! daily reset at 00:00 UTC, behind a trait so tests can drive both by hand.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// A source of time. The quota never reads the system clock itself.
pub trait Clock: Send + Sync {
    /// The monotonic now (rate windows).
    fn now(&self) -> Instant;

    /// The wall-clock now (the daily budget's UTC day).
    fn wall(&self) -> SystemTime;

    /// Both readings at once.
    fn moment(&self) -> Moment {
        Moment {
            at: self.now(),
            wall: self.wall(),
        }
    }
}

/// A reading of a [`Clock`]: what every quota decision is made at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    /// Monotonic time, for the token bucket.
    pub at: Instant,
    /// Wall-clock time, for the daily budget.
    pub wall: SystemTime,
}

/// The real clocks.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A test clock that only moves when told to; both readings advance together.
#[derive(Debug)]
pub struct ManualClock {
    state: Mutex<Moment>,
}

impl ManualClock {
    /// A clock standing at the real now.
    pub fn new() -> Self {
        Self::at(SystemTime::now())
    }

    /// A clock whose wall reading is `wall` (its instant is the real now).
    pub fn at(wall: SystemTime) -> Self {
        ManualClock {
            state: Mutex::new(Moment {
                at: Instant::now(),
                wall,
            }),
        }
    }

    /// Moves both readings forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut state = self.lock();
        state.at += by;
        state.wall += by;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Moment> {
        // A panic while holding this lock cannot leave the two plain values inconsistent.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.lock().at
    }

    fn wall(&self) -> SystemTime {
        self.lock().wall
    }

    fn moment(&self) -> Moment {
        *self.lock()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let wall = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let clock = ManualClock::at(wall);
        let start = clock.moment();
        assert_eq!(start.wall, wall);
        assert_eq!(clock.now(), start.at);
        clock.advance(Duration::from_millis(1500));
        assert_eq!(clock.now() - start.at, Duration::from_millis(1500));
        assert_eq!(clock.wall(), wall + Duration::from_millis(1500));
    }
}
