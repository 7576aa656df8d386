//! The Walker stage: one thread enumerating candidates with [`ratatosk::walk`] and feeding the
//! scan workers through a bounded channel. It stops early when the run is interrupted.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use crossbeam_channel::Sender;
use ratatosk::walk::{WalkItem, WalkOptions, walk};

/// Starts the walk on its own thread. Every walked entry goes into `tx`; the channel's bound is
/// the back-pressure that keeps memory flat on huge trees. Dropping `tx` at the end tells the
/// workers the walk is over.
pub fn spawn(
    opts: WalkOptions,
    tx: Sender<WalkItem>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("walker".into())
        .spawn(move || {
            walk(&opts, |item| {
                if stop.load(Ordering::Relaxed) {
                    return false;
                }
                tx.send(item).is_ok()
            });
        })
}
