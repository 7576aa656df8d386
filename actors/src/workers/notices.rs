//! One warning line per entry the user must know was not scanned for a reason they can act on:
//! permission denied, an I/O timeout, an error. Each entry is reported once, where its outcome
//! is decided; the flood is bounded: after [`MAX_WARNINGS`] lines the rest go to the debug log
//! (`--debug`), and the summary counts them all. Skips that are the scan working as intended
//! (excluded, too large, not a regular file, pseudo file system, vanished, …) are debug lines
//! only.

use std::sync::atomic::{AtomicUsize, Ordering};

use ratatosk::model::{Outcome, SkipReason};
use ratatosk::report::escape::escape_path;

/// Warning lines per run; enough to see what is wrong, few enough that a scan of a folder the
/// user cannot read does not bury the findings.
pub const MAX_WARNINGS: usize = 100;

/// The shared warning budget of a run.
#[derive(Debug, Default)]
pub struct Notices {
    warned: AtomicUsize,
}

impl Notices {
    /// Reports `outcome` when it is a skip or error worth a line.
    pub fn note(&self, outcome: &Outcome) {
        let (path, what) = match outcome {
            Outcome::Skipped { path, reason } => (path, reason_text(*reason)),
            Outcome::Error { path, message } => {
                // Read errors name their file already.
                let own = format!("{}: ", path.display());
                (
                    path,
                    message.strip_prefix(&own).unwrap_or(message).to_owned(),
                )
            }
            Outcome::Finding(_) | Outcome::Clean { .. } => return,
        };
        let path = escape_path(path);
        let warn = match outcome {
            Outcome::Skipped { reason, .. } => {
                matches!(reason, SkipReason::PermissionDenied | SkipReason::IoTimeout)
            }
            _ => true,
        };
        if !warn {
            tracing::debug!("{path}: not scanned: {what}");
            return;
        }
        let n = self.warned.fetch_add(1, Ordering::Relaxed);
        if n < MAX_WARNINGS {
            tracing::warn!("{path}: not scanned: {what}");
        } else {
            if n == MAX_WARNINGS {
                tracing::warn!(
                    "more entries were not scanned (permission denied, timeouts, errors); \
                     they are counted in the summary and listed with --debug"
                );
            }
            tracing::debug!("{path}: not scanned: {what}");
        }
    }
}

fn reason_text(reason: SkipReason) -> String {
    match reason {
        SkipReason::PermissionDenied => "permission denied".to_owned(),
        SkipReason::IoTimeout => "reading did not finish within the I/O deadline".to_owned(),
        other => other.as_str().replace('_', " "),
    }
}
