//! The Walker stage: one thread enumerating candidates with [`ratatosk::walk`] and feeding the
//! scan workers through a bounded channel. It stops early when the run is interrupted.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};
use ratatosk::walk::{WalkItem, WalkOptions, walk};

/// Starts the walk on its own thread. Every walked entry goes into `tx`; the channel's bound is
/// the back-pressure that keeps memory flat on huge trees. Dropping `tx` at the end tells the
/// workers the walk is over.
pub fn spawn(
    opts: WalkOptions,
    tx: Sender<WalkItem>,
    room: Arc<Room>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("walker".into())
        .spawn(move || {
            walk(&opts, |item| {
                if stop.load(Ordering::Relaxed) {
                    return false;
                }
                if tx.is_full() {
                    room.wait(&tx, &stop);
                }
                tx.send(item).is_ok()
            });
        })
}

/// The longest the walker waits for room without being told (a safety net: a worker tells it
/// when the queue has drained to half).
const ROOM_POLL: Duration = Duration::from_millis(20);

/// Hysteresis on the walk queue. A full bounded channel wakes its sender each time a receiver
/// takes one item: a futex wake and two context switches per file, which on two cores preempt
/// a worker every few hundred microseconds. Instead the walker, finding the queue full, sleeps
/// until it has drained to half, and the worker that drains it that far wakes it once.
#[derive(Debug, Default)]
pub struct Room {
    lock: Mutex<()>,
    drained: Condvar,
    waiting: AtomicBool,
}

impl Room {
    /// Walker side: blocks until `tx`'s queue holds at most half its capacity (or the run
    /// stops).
    fn wait(&self, tx: &Sender<WalkItem>, stop: &AtomicBool) {
        let half = tx.capacity().unwrap_or(0) / 2;
        let mut guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.waiting.store(true, Ordering::SeqCst);
        while tx.len() > half && !stop.load(Ordering::Relaxed) {
            guard = match self.drained.wait_timeout(guard, ROOM_POLL) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        self.waiting.store(false, Ordering::SeqCst);
    }

    /// Worker side, after taking an item from `rx`: wakes the walker once the queue is down to
    /// half.
    pub fn taken(&self, rx: &Receiver<WalkItem>) {
        if self.waiting.load(Ordering::SeqCst) && rx.len() <= rx.capacity().unwrap_or(0) / 2 {
            let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
            self.drained.notify_one();
        }
    }
}
