//! What one scan worker is doing, as its watchdog sees it: idle, in the I/O of a file since a
//! given instant, or abandoned. Transitions are compare-and-swap on one atomic, so a worker that
//! finishes its read at the moment the watchdog gives up on it ends in exactly one of the two
//! states: the worker reports the file, or the watchdog does, never both.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Not in I/O.
const IDLE: u64 = 0;
/// Given up by the watchdog: the worker must stop without reporting.
const ABANDONED: u64 = u64::MAX;

/// The I/O state of one worker.
#[derive(Debug)]
pub struct IoSlot {
    /// `IDLE`, `ABANDONED`, or 1 + milliseconds since `epoch` when the I/O began.
    state: AtomicU64,
    /// The file of the current (or last) I/O, for the watchdog's report.
    path: Mutex<PathBuf>,
    /// The pool's clock origin.
    epoch: Instant,
}

impl IoSlot {
    /// An idle slot timed from `epoch`.
    pub fn new(epoch: Instant) -> Self {
        IoSlot {
            state: AtomicU64::new(IDLE),
            path: Mutex::new(PathBuf::new()),
            epoch,
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis())
            .unwrap_or(u64::MAX - 2)
            .saturating_add(1)
            .min(ABANDONED - 1)
    }

    /// The worker starts the I/O of `path`. False when the slot was abandoned.
    pub fn begin(&self, path: &Path) -> bool {
        {
            let mut p = self.path.lock().unwrap_or_else(|e| e.into_inner());
            // Reuses the allocation: one path per file, no new buffer.
            p.clear();
            p.push(path);
        }
        self.state
            .compare_exchange(IDLE, self.now(), Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// The worker's I/O is over. False when the watchdog gave up on it first (then the file is
    /// the watchdog's to report, and the worker must stop).
    pub fn end(&self) -> bool {
        let current = self.state.load(Ordering::Acquire);
        current != ABANDONED
            && self
                .state
                .compare_exchange(current, IDLE, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
    }

    /// Whether the watchdog gave up on this worker.
    pub fn is_abandoned(&self) -> bool {
        self.state.load(Ordering::Acquire) == ABANDONED
    }

    /// When the current I/O will be over `limit` (`None`: idle or abandoned).
    pub fn due(&self, limit: Duration) -> Option<Instant> {
        match self.state.load(Ordering::Acquire) {
            IDLE | ABANDONED => None,
            started => Some(self.epoch + Duration::from_millis(started - 1) + limit),
        }
    }

    /// Gives up on the worker when its I/O has lasted `limit` or more; returns the file it was
    /// stuck on. `None` when it is not overdue or finished in the meantime.
    pub fn abandon_if_overdue(&self, limit: Duration) -> Option<PathBuf> {
        let started = self.state.load(Ordering::Acquire);
        if started == IDLE || started == ABANDONED {
            return None;
        }
        let due = self.epoch + Duration::from_millis(started - 1) + limit;
        if Instant::now() < due {
            return None;
        }
        self.state
            .compare_exchange(started, ABANDONED, Ordering::AcqRel, Ordering::Acquire)
            .ok()?;
        Some(self.path.lock().unwrap_or_else(|e| e.into_inner()).clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn begin_end_and_abandon_exclude_each_other() {
        let slot = IoSlot::new(Instant::now());
        assert_eq!(slot.due(Duration::from_secs(1)), None);
        assert!(slot.begin(Path::new("/a")));
        assert!(slot.due(Duration::from_secs(1)).is_some());
        // Not overdue yet.
        assert_eq!(slot.abandon_if_overdue(Duration::from_secs(60)), None);
        assert!(slot.end());
        // Idle: nothing to abandon.
        assert_eq!(slot.abandon_if_overdue(Duration::ZERO), None);

        assert!(slot.begin(Path::new("/stuck")));
        assert_eq!(
            slot.abandon_if_overdue(Duration::ZERO),
            Some(PathBuf::from("/stuck"))
        );
        assert!(slot.is_abandoned());
        // The worker comes back too late: it must not report, nor start again.
        assert!(!slot.end());
        assert!(!slot.begin(Path::new("/next")));
        assert_eq!(slot.abandon_if_overdue(Duration::ZERO), None);
    }
}
