//! The scan workers: plain threads, one per core, each running the Hasher and the YaraMatcher
//! back to back on the same bytes. Fusing the two stages on one thread is deliberate: the file
//! is read once into the thread's reused buffer and stays in cache while it is hashed and
//! matched; a channel between them would hand buffers across threads for no gain. The yara-x
//! `Scanner` is built on the thread from the shared compiled rules and reused file after file.
//!
//! A watchdog thread supervises the pool and enforces the per-file I/O deadline (see
//! `workers/pool.rs`); every entry's outcome is sent exactly once, by its worker or, for a file
//! whose read never returned, by the watchdog.

mod notices;
mod pool;
mod slot;

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::Receiver;
use ratatosk::model::{HashKinds, Outcome};
use ratatosk::read::RETAINED_BUFFER;
use ratatosk::score::Thresholds;
use ratatosk::signatures::SignatureSet;
use ratatosk::walk::WalkItem;
use tokio::sync::mpsc::Sender;

use crate::hasher::Hasher;
use crate::yara_matcher::YaraMatcher;
pub use slot::IoSlot;

/// The per-file I/O deadline when [`IO_DEADLINE_VAR`] does not set one: long enough for a
/// 200 MiB file (the intense-mode size limit) from a slow network share (~4 MB/s), short
/// enough that a hung mount costs a minute per worker, not the scan.
pub const DEFAULT_IO_DEADLINE: Duration = Duration::from_secs(60);

/// Environment variable setting the I/O deadline in seconds (decimals allowed; `0` turns it
/// off).
pub const IO_DEADLINE_VAR: &str = "RATATOSK_IO_DEADLINE";

/// The I/O deadline from [`IO_DEADLINE_VAR`], else [`DEFAULT_IO_DEADLINE`]. A value that is not
/// a number of seconds is warned about and the default used.
pub fn io_deadline_from_env() -> Option<Duration> {
    let Some(raw) = std::env::var_os(IO_DEADLINE_VAR) else {
        return Some(DEFAULT_IO_DEADLINE);
    };
    let text = raw.to_string_lossy();
    match text.trim().parse::<f64>() {
        Ok(0.0) => None,
        Ok(secs) if secs.is_finite() && secs > 0.0 => Some(Duration::from_secs_f64(secs)),
        _ => {
            tracing::warn!(
                "{IO_DEADLINE_VAR}={text:?} is not a number of seconds; using {DEFAULT_IO_DEADLINE:?}"
            );
            Some(DEFAULT_IO_DEADLINE)
        }
    }
}

/// What every worker needs.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Digests besides SHA256.
    pub kinds: HashKinds,
    /// THOR's type pre-filter (off with `--intense`/`--allfiles`/`--lab`).
    pub prefilter: bool,
    /// Content size limit.
    pub max_file_size: u64,
    /// Map files instead of reading them (lab scans of read-only images).
    pub map_files: bool,
    /// Level thresholds.
    pub thresholds: Thresholds,
    /// Per-file I/O deadline (open, read, hash); `None`: none.
    pub io_deadline: Option<Duration>,
    /// The walk queue's hysteresis, shared with the walker.
    pub room: Arc<crate::walker::Room>,
}

/// Clean files a worker counts before it sends them on as one [`Outcome::Clean`]: the actors
/// are woken once per batch instead of once per file (most files are clean).
const CLEAN_BATCH: u64 = 64;

/// A worker's way out: its outcome sender, which the watchdog takes away from a worker it
/// gives up on, and the clean files counted but not yet sent, which the watchdog then sends.
pub(crate) type OutSlot = Mutex<Out>;

/// See [`OutSlot`].
pub(crate) struct Out {
    sender: Option<Sender<Outcome>>,
    clean_files: u64,
    clean_bytes: u64,
}

impl Out {
    /// A way out through `sender`, nothing counted yet.
    pub(crate) fn new(sender: Sender<Outcome>) -> Out {
        Out {
            sender: Some(sender),
            clean_files: 0,
            clean_bytes: 0,
        }
    }

    /// Takes the sender and the clean files not yet sent (as an outcome, when there are any).
    pub(crate) fn take(&mut self) -> (Option<Sender<Outcome>>, Option<Outcome>) {
        (self.sender.take(), self.take_clean())
    }

    fn take_clean(&mut self) -> Option<Outcome> {
        let files = std::mem::take(&mut self.clean_files);
        let bytes = std::mem::take(&mut self.clean_bytes);
        (files > 0).then_some(Outcome::Clean { files, bytes })
    }

    /// Sends `outcome`, or counts it when it is a clean file and the batch is not full. False
    /// when there is no way out any more.
    fn send(&mut self, outcome: Outcome) -> bool {
        let outcome = match outcome {
            Outcome::Clean { files, bytes } => {
                self.clean_files += files;
                self.clean_bytes += bytes;
                if self.clean_files < CLEAN_BATCH {
                    return true;
                }
                match self.take_clean() {
                    Some(batch) => batch,
                    None => return true,
                }
            }
            other => other,
        };
        self.sender
            .as_ref()
            .is_some_and(|tx| tx.blocking_send(outcome).is_ok())
    }

    /// Sends the clean files counted so far.
    fn flush(&mut self) {
        if let Some(batch) = self.take_clean()
            && let Some(tx) = &self.sender
        {
            let _ = tx.blocking_send(batch);
        }
    }
}

/// Starts `n` workers and their watchdog, taking walked entries from `jobs` and sending
/// outcomes to `out`. Returns the watchdog's handle: it ends once every worker has ended (each
/// when `jobs` is closed and empty), after which no outcome sender is left.
pub fn spawn(
    n: usize,
    cfg: &WorkerConfig,
    sigs: &Arc<SignatureSet>,
    jobs: &Receiver<WalkItem>,
    out: &Sender<Outcome>,
) -> std::io::Result<Vec<JoinHandle<()>>> {
    let mut pool = pool::Pool::new(cfg.clone(), Arc::clone(sigs), jobs.clone(), out.clone());
    for _ in 0..n.max(1) {
        pool.start_worker()?;
    }
    let watchdog = std::thread::Builder::new()
        .name("scan-watchdog".into())
        .spawn(move || pool.supervise())?;
    Ok(vec![watchdog])
}

/// Returns the heap memory freed after a big file to the system. glibc keeps freed memory in
/// its arenas; after the match storage of a large scan (yara-x records every match, which for
/// a 200 MB log with signature-base is about 250 MB of small allocations) that would stay
/// resident for the rest of the scan and add to the next big file's memory.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator's own arenas; it touches
    // no memory in use and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// One worker: takes entries until the channel closes, or until the watchdog gives up on it.
fn run(ctx: pool::WorkerCtx) {
    let pool::WorkerCtx {
        cfg,
        sigs,
        jobs,
        out,
        slot,
        notices,
    } = ctx;
    let mut hasher = Hasher::new(
        cfg.kinds,
        cfg.prefilter,
        cfg.max_file_size,
        cfg.map_files,
        cfg.io_deadline,
        Arc::clone(&slot),
    );
    let mut matcher = YaraMatcher::new(&sigs, cfg.thresholds);
    for item in jobs.iter() {
        cfg.room.taken(&jobs);
        let outcome = match item {
            WalkItem::Job(job) => {
                let outcome = matcher.process(&mut hasher, &job);
                if job.size > RETAINED_BUFFER as u64 {
                    // The read buffer shrinks back to 64 MiB, and the heap a big scan used
                    // (yara-x's match storage above all) goes back to the system at once.
                    hasher.recycle();
                    give_back_freed_memory();
                }
                outcome
            }
            WalkItem::Skipped { path, reason } => Outcome::Skipped { path, reason },
            WalkItem::Error { path, message } => Outcome::Error { path, message },
        };
        if slot.is_abandoned() {
            // The watchdog reported this file and a fresh worker took over.
            return;
        }
        notices.note(&outcome);
        if !out.lock().unwrap_or_else(|e| e.into_inner()).send(outcome) {
            return;
        }
    }
    out.lock().unwrap_or_else(|e| e.into_inner()).flush();
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatosk::model::SkipReason;

    fn clean(n: u64) -> Outcome {
        Outcome::Clean {
            files: n,
            bytes: 10 * n,
        }
    }

    fn counts(outcome: Outcome) -> (u64, u64) {
        match outcome {
            Outcome::Clean { files, bytes } => (files, bytes),
            other => panic!("not a clean batch: {other:?}"),
        }
    }

    #[test]
    fn clean_files_go_out_in_batches_and_nothing_counted_is_lost() {
        let (tx, mut rx) = tokio::sync::mpsc::channel(16);
        let mut out = Out::new(tx);
        for _ in 0..2 * CLEAN_BATCH + 5 {
            assert!(out.send(clean(1)));
        }
        // Anything else goes out at once, between the batches.
        let skipped = Outcome::Skipped {
            path: "/x".into(),
            reason: SkipReason::TypeFilter,
        };
        assert!(out.send(skipped));
        assert_eq!(
            counts(rx.try_recv().unwrap()),
            (CLEAN_BATCH, 10 * CLEAN_BATCH)
        );
        assert_eq!(
            counts(rx.try_recv().unwrap()),
            (CLEAN_BATCH, 10 * CLEAN_BATCH)
        );
        assert!(matches!(rx.try_recv(), Ok(Outcome::Skipped { .. })));
        assert!(
            rx.try_recv().is_err(),
            "5 clean files are still counted, not sent"
        );
        // The end of a worker sends the rest.
        out.flush();
        assert_eq!(counts(rx.try_recv().unwrap()), (5, 50));
        out.flush();
        assert!(rx.try_recv().is_err(), "nothing twice");
        // The watchdog takes the sender and what was counted from a worker it gives up on.
        assert!(out.send(clean(3)));
        let (sender, rest) = out.take();
        assert!(sender.is_some());
        assert_eq!(counts(rest.unwrap()), (3, 30));
        assert!(!out.send(clean(CLEAN_BATCH)), "no way out any more");
    }
}
