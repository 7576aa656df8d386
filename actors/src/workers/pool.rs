//! The worker pool and its watchdog: one supervising thread starts the workers, waits for them
//! to end, and gives up on a worker whose I/O on one file has lasted longer than the I/O
//! deadline plus a grace.
//!
//! Why a watchdog and not only `poll()` or a timed read: a regular file on a hung NFS server or
//! a stalled FUSE daemon blocks inside `read()` (or `open()`, or a page fault) where no timeout
//! reaches it, and `poll()` always says "readable" for regular files. The reader's own deadline
//! (checked after every `read()`) ends files that are merely slow; a call that never returns
//! is handled here: the file is reported `skipped (io_timeout)`, the stuck thread is detached
//! (it ends by itself if the call ever returns, and never reports), its outcome sender is taken
//! away so the run can finish, and a fresh worker takes its place so the scan keeps its
//! parallelism. A thread stuck in an uninterruptible wait (`D` state) can still delay the
//! process's exit; nothing in user space can end such a call.
//!
//! Idle workers block on the jobs channel; the watchdog sleeps until the earliest moment a
//! running I/O could be overdue (or until a worker ends), so an idle pool uses no CPU.

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use ratatosk::model::{Outcome, SkipReason};
use ratatosk::report::escape::escape_path;
use ratatosk::signatures::SignatureSet;
use ratatosk::walk::WalkItem;

use super::notices::Notices;
use super::slot::IoSlot;
use super::{Out, OutSlot, WorkerConfig, run};

/// Extra time the watchdog gives beyond the I/O deadline, as a fraction of it: a read that is
/// only slow ends through the reader's own deadline first, which is cheaper than replacing the
/// thread.
const GRACE_DIVISOR: u32 = 4;

/// What one worker thread gets.
pub(super) struct WorkerCtx {
    pub cfg: WorkerConfig,
    pub sigs: Arc<SignatureSet>,
    pub jobs: Receiver<WalkItem>,
    pub out: Arc<OutSlot>,
    pub slot: Arc<IoSlot>,
    pub notices: Arc<Notices>,
}

/// A running worker.
struct Running {
    id: usize,
    slot: Arc<IoSlot>,
    out: Arc<OutSlot>,
    handle: JoinHandle<()>,
}

/// The pool's state, owned by the supervising thread.
pub(super) struct Pool {
    cfg: WorkerConfig,
    sigs: Arc<SignatureSet>,
    jobs: Receiver<WalkItem>,
    out: tokio::sync::mpsc::Sender<Outcome>,
    notices: Arc<Notices>,
    epoch: Instant,
    done_tx: Sender<usize>,
    done_rx: Receiver<usize>,
    running: Vec<Running>,
    next_id: usize,
}

impl Pool {
    pub(super) fn new(
        cfg: WorkerConfig,
        sigs: Arc<SignatureSet>,
        jobs: Receiver<WalkItem>,
        out: tokio::sync::mpsc::Sender<Outcome>,
    ) -> Self {
        let (done_tx, done_rx) = crossbeam_channel::unbounded();
        Pool {
            cfg,
            sigs,
            jobs,
            out,
            notices: Arc::default(),
            epoch: Instant::now(),
            done_tx,
            done_rx,
            running: Vec::new(),
            next_id: 0,
        }
    }

    /// Starts one more worker.
    pub(super) fn start_worker(&mut self) -> std::io::Result<()> {
        let id = self.next_id;
        self.next_id += 1;
        let slot = Arc::new(IoSlot::new(self.epoch));
        let out = Arc::new(Mutex::new(Out::new(self.out.clone())));
        let ctx = WorkerCtx {
            cfg: self.cfg.clone(),
            sigs: Arc::clone(&self.sigs),
            jobs: self.jobs.clone(),
            out: Arc::clone(&out),
            slot: Arc::clone(&slot),
            notices: Arc::clone(&self.notices),
        };
        let done = self.done_tx.clone();
        let handle = std::thread::Builder::new()
            .name(format!("scan-{id}"))
            .spawn(move || {
                // Sent however the thread ends, so the watchdog never waits on a dead worker.
                let _done = DoneGuard { id, done };
                run(ctx);
            })?;
        self.running.push(Running {
            id,
            slot,
            out,
            handle,
        });
        Ok(())
    }

    /// Supervises until every worker that was not given up on has ended.
    pub(super) fn supervise(mut self) {
        let limit = self.cfg.io_deadline.map(|d| d + d / GRACE_DIVISOR);
        while !self.running.is_empty() {
            let ended = match limit.map(|l| self.next_due(l)) {
                Some(wait) => match self.done_rx.recv_timeout(wait) {
                    Ok(id) => Some(id),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                },
                None => match self.done_rx.recv() {
                    Ok(id) => Some(id),
                    Err(_) => return,
                },
            };
            if let Some(id) = ended {
                self.reap(id);
            }
            if let Some(limit) = limit {
                self.give_up_on_overdue(limit);
            }
        }
    }

    /// How long until the earliest running I/O is overdue (`limit` when none runs: an I/O
    /// starting now is overdue no sooner).
    fn next_due(&self, limit: Duration) -> Duration {
        let now = Instant::now();
        self.running
            .iter()
            .filter_map(|w| w.slot.due(limit))
            .min()
            .map_or(limit, |due| due.saturating_duration_since(now))
            .max(Duration::from_millis(1))
    }

    /// Joins a worker that ended (an abandoned one is no longer in the list).
    fn reap(&mut self, id: usize) {
        if let Some(i) = self.running.iter().position(|w| w.id == id) {
            let w = self.running.swap_remove(i);
            if w.handle.join().is_err() {
                tracing::error!("scan worker {id} panicked");
            }
        }
    }

    /// Reports and replaces every worker stuck in one file's I/O for `limit` or more.
    fn give_up_on_overdue(&mut self, limit: Duration) {
        let mut i = 0;
        while i < self.running.len() {
            let Some(path) = self.running[i].slot.abandon_if_overdue(limit) else {
                i += 1;
                continue;
            };
            let stuck = self.running.swap_remove(i);
            // The stuck thread must not keep the outcome channel open: the run could not end.
            // The clean files it counted but did not send yet are sent from here.
            let (sender, clean) = stuck.out.lock().unwrap_or_else(|e| e.into_inner()).take();
            drop(sender);
            if let Some(clean) = clean
                && self.out.blocking_send(clean).is_err()
            {
                return;
            }
            tracing::debug!(
                "{}: no answer within {:?}; the file is abandoned and scan-{} replaced",
                escape_path(&path),
                limit,
                stuck.id
            );
            drop(stuck.handle); // detached
            let outcome = Outcome::Skipped {
                path,
                reason: SkipReason::IoTimeout,
            };
            self.notices.note(&outcome);
            if self.out.blocking_send(outcome).is_err() {
                return;
            }
            if let Err(e) = self.start_worker() {
                tracing::error!(
                    "cannot start a scan worker to replace scan-{}: {e}",
                    stuck.id
                );
            }
        }
    }
}

/// Tells the watchdog a worker ended.
struct DoneGuard {
    id: usize,
    done: Sender<usize>,
}

impl Drop for DoneGuard {
    fn drop(&mut self) {
        let _ = self.done.send(self.id);
    }
}
