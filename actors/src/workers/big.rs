//! The big-file gate: bounds how many files larger than the reader's retained buffer
//! ([`RETAINED_BUFFER`], 64 MiB) are held in memory at once.
//!
//! Every worker keeps a read buffer of at most 64 MiB; a larger file is read whole (yara-x
//! needs the bytes in one piece) and the buffer shrinks again afterwards. Without a gate, every
//! worker could hold a 200 MiB file at the same moment. With it, anonymous memory stays at
//! the compiled rules + 64 MiB per worker + the big files admitted ([`big_file_places`]: one
//! per four workers, at least one).
//!
//! A worker that meets a big file while every place is taken does not wait: it defers the
//! file and takes the next one. Whoever frees a place takes the oldest deferred file next, and
//! at the end of the walk every worker helps drain the deferred files before it stops, so no
//! file is left behind and no worker idles while there is other work.
//!
//! The watchdog frees the place of a worker it gives up on (its thread may never return).

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

use ratatosk::model::FileJob;

pub use ratatosk::read::RETAINED_BUFFER;

/// How many big files `workers` workers may hold at once: one per four workers, at least one.
pub fn big_file_places(workers: usize) -> usize {
    (workers / 4).max(1)
}

/// The gate shared by the workers of one scan.
#[derive(Debug)]
pub struct BigFiles {
    /// Files above this many bytes are big (`u64::MAX`: no gate).
    threshold: u64,
    /// Files at or above this many bytes are not read (the content size limit): no gate.
    max_file_size: u64,
    places: usize,
    state: Mutex<State>,
    freed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    /// The workers holding a place.
    holders: Vec<usize>,
    /// Big files waiting for a place, oldest first.
    deferred: VecDeque<FileJob>,
}

/// What [`BigFiles::admit`] decided.
#[derive(Debug)]
pub enum Admission {
    /// Not big: scan it now.
    Small(FileJob),
    /// Big, and a place is taken: scan it now, then [`BigFiles::release`].
    Placed(FileJob),
    /// Big, and every place is taken: it waits in the gate; take the next job.
    Deferred,
}

impl BigFiles {
    /// A gate with `places` places for files above `threshold` bytes and below
    /// `max_file_size` (larger ones are not read). `threshold` `u64::MAX` turns the gate off
    /// (lab scans map files instead of reading them).
    pub fn new(threshold: u64, max_file_size: u64, places: usize) -> Self {
        BigFiles {
            threshold,
            max_file_size,
            places: places.max(1),
            state: Mutex::default(),
            freed: Condvar::new(),
        }
    }

    /// True when `job`'s content will be read and is above the threshold.
    pub fn is_big(&self, job: &FileJob) -> bool {
        job.content_skip.is_none() && job.size > self.threshold && job.size <= self.max_file_size
    }

    /// Lets worker `id` scan `job` now, taking a place when it is big, or defers it when every
    /// place is taken.
    pub fn admit(&self, id: usize, job: FileJob) -> Admission {
        if !self.is_big(&job) {
            return Admission::Small(job);
        }
        let mut state = self.lock();
        if state.holders.len() < self.places {
            state.holders.push(id);
            Admission::Placed(job)
        } else {
            state.deferred.push_back(job);
            Admission::Deferred
        }
    }

    /// Frees worker `id`'s place, if it holds one.
    pub fn release(&self, id: usize) {
        let mut state = self.lock();
        if let Some(i) = state.holders.iter().position(|&h| h == id) {
            state.holders.swap_remove(i);
            drop(state);
            self.freed.notify_all();
        }
    }

    /// The oldest deferred file with a place taken for worker `id`, when one waits and a place
    /// is free.
    pub fn next_deferred(&self, id: usize) -> Option<FileJob> {
        let mut state = self.lock();
        self.take(&mut state, id)
    }

    /// At the end of the walk: the next deferred file with a place taken for worker `id`,
    /// waiting for a place while others hold them; `None` once nothing is deferred.
    pub fn drain(&self, id: usize) -> Option<FileJob> {
        let mut state = self.lock();
        loop {
            if state.deferred.is_empty() {
                return None;
            }
            if let Some(job) = self.take(&mut state, id) {
                return Some(job);
            }
            state = self.freed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn take(&self, state: &mut State, id: usize) -> Option<FileJob> {
        if state.holders.len() >= self.places {
            return None;
        }
        let job = state.deferred.pop_front()?;
        state.holders.push(id);
        Some(job)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A worker that panicked while holding the lock left the state consistent (every
        // change is one push or pop).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;
    use std::time::Duration;

    use ratatosk::model::{FileTimes, Module};

    use super::*;

    fn job(name: &str, size: u64) -> FileJob {
        FileJob {
            path: PathBuf::from(name),
            size,
            times: FileTimes::default(),
            uid: 0,
            module: Module::FileScan,
            content_skip: None,
        }
    }

    fn scanned(a: Admission) -> Option<String> {
        match a {
            Admission::Small(j) | Admission::Placed(j) => Some(j.path.display().to_string()),
            Admission::Deferred => None,
        }
    }

    #[test]
    fn places_per_workers() {
        assert_eq!(
            [1, 2, 4, 7, 8, 64].map(big_file_places),
            [1, 1, 1, 1, 2, 16]
        );
    }

    #[test]
    fn small_files_pass_and_a_second_big_file_is_deferred_until_the_place_is_free() {
        let gate = BigFiles::new(100, 1000, 1);
        assert_eq!(
            scanned(gate.admit(0, job("small", 100))),
            Some("small".into())
        );
        assert_eq!(
            scanned(gate.admit(0, job("big1", 101))),
            Some("big1".into())
        );
        assert_eq!(scanned(gate.admit(1, job("big2", 500))), None);
        assert_eq!(scanned(gate.admit(1, job("big3", 900))), None);
        // Above the content size limit: not read, not gated.
        assert_eq!(
            scanned(gate.admit(1, job("huge", 1001))),
            Some("huge".into())
        );
        assert!(gate.next_deferred(1).is_none(), "the place is still held");
        gate.release(0);
        assert_eq!(gate.next_deferred(0).map(|j| j.path), Some("big2".into()));
        assert!(gate.next_deferred(1).is_none());
        gate.release(0);
        assert_eq!(gate.drain(1).map(|j| j.path), Some("big3".into()));
        gate.release(1);
        assert!(gate.drain(0).is_none());
    }

    #[test]
    fn a_released_place_of_another_worker_is_not_freed_twice() {
        let gate = BigFiles::new(0, u64::MAX, 1);
        assert!(scanned(gate.admit(0, job("a", 1))).is_some());
        gate.release(1); // holds nothing
        assert!(scanned(gate.admit(1, job("b", 1))).is_none());
        gate.release(0);
        gate.release(0);
        assert!(gate.next_deferred(1).is_some());
        assert!(gate.next_deferred(0).is_none());
    }

    #[test]
    fn drain_waits_for_the_holder_and_then_takes_the_deferred_file() {
        let gate = Arc::new(BigFiles::new(0, u64::MAX, 1));
        assert!(scanned(gate.admit(0, job("held", 1))).is_some());
        assert!(scanned(gate.admit(1, job("waiting", 1))).is_none());
        let g = Arc::clone(&gate);
        let drainer = std::thread::spawn(move || g.drain(1).map(|j| j.path));
        std::thread::sleep(Duration::from_millis(50));
        assert!(
            !drainer.is_finished(),
            "drain returned while the place was held"
        );
        gate.release(0);
        let got = drainer.join().expect("drainer panicked");
        assert_eq!(got, Some(PathBuf::from("waiting")));
    }
}
