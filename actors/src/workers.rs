//! The scan workers: plain threads, one per core, each running the Hasher and the YaraMatcher
//! back to back on the same bytes. Fusing the two stages on one thread is deliberate: the file
//! is read once into the thread's reused buffer and stays in cache while it is hashed and
//! matched; a channel between them would hand buffers across threads for no gain. The yara-x
//! `Scanner` is built on the thread from the shared compiled rules and reused file after file.

use std::sync::Arc;
use std::thread::JoinHandle;

use crossbeam_channel::Receiver;
use ratatosk::model::{HashKinds, Outcome};
use ratatosk::score::Thresholds;
use ratatosk::signatures::SignatureSet;
use ratatosk::walk::WalkItem;
use tokio::sync::mpsc::Sender;

use crate::hasher::Hasher;
use crate::yara_matcher::YaraMatcher;

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
}

/// Starts `n` workers taking walked entries from `jobs` and sending outcomes to `out`. Each
/// ends when `jobs` is closed and empty.
pub fn spawn(
    n: usize,
    cfg: &WorkerConfig,
    sigs: &Arc<SignatureSet>,
    jobs: &Receiver<WalkItem>,
    out: &Sender<Outcome>,
) -> std::io::Result<Vec<JoinHandle<()>>> {
    (0..n.max(1))
        .map(|i| {
            let cfg = cfg.clone();
            let sigs = Arc::clone(sigs);
            let jobs = jobs.clone();
            let out = out.clone();
            std::thread::Builder::new()
                .name(format!("scan-{i}"))
                .spawn(move || run(&cfg, &sigs, &jobs, &out))
        })
        .collect()
}

fn run(cfg: &WorkerConfig, sigs: &SignatureSet, jobs: &Receiver<WalkItem>, out: &Sender<Outcome>) {
    let mut hasher = Hasher::new(cfg.kinds, cfg.prefilter, cfg.max_file_size, cfg.map_files);
    let mut matcher = YaraMatcher::new(sigs, cfg.thresholds);
    for item in jobs.iter() {
        let outcome = match item {
            WalkItem::Job(job) => matcher.process(&mut hasher, &job),
            WalkItem::Skipped { path, reason } => Outcome::Skipped { path, reason },
            WalkItem::Error { path, message } => Outcome::Error { path, message },
        };
        if out.blocking_send(outcome).is_err() {
            return;
        }
    }
}
