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
}

/// A worker's outcome sender; the watchdog takes it away from a worker it gives up on.
pub(crate) type OutSlot = Mutex<Option<Sender<Outcome>>>;

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
        let sender = out.lock().unwrap_or_else(|e| e.into_inner());
        match sender.as_ref() {
            Some(tx) if tx.blocking_send(outcome).is_ok() => {}
            _ => return,
        }
    }
}
