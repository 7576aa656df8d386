//! Candidate enumeration: walks the roots and sorts every entry into a file job or a skip with a
//! reason. Nothing is opened for reading here; the walk's own `lstat` (a `statx` relative to the
//! open parent folder) decides what is a regular file.
//!
//! Folder decisions (excludes, pseudo and other file systems, built-in live-scan skips, folders
//! entered before, Ratatosk's own folders) are made when the folder is listed, so a skipped
//! folder is never read; the skip is reported once, for the folder. Every folder is entered at
//! most once, by device and inode, so symlink loops (`--follow-symlinks`) and bind-mount loops
//! end. Folders are read relative to their descriptor, so trees deeper than `PATH_MAX` are
//! walked too (see [`crate::read::long_path`]). At most two descriptors are open at a time (the
//! folder being listed), whatever the size or depth of the tree; the memory held is the list of
//! folders still to visit.

mod excludes;
pub mod fs_kind;
pub mod stat;
#[cfg(test)]
mod tests;
mod tree;

use std::collections::HashSet;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

pub use excludes::{Excludes, WalkError};

use crate::model::{FileJob, FileTimes, Module, SkipReason};

/// Paths never walked on a live scan: kernel interfaces and runtime state, not files (spec §4).
pub const LIVE_SKIPS: &[&str] = &["/proc", "/sys", "/dev", "/run"];

/// What the walk needs to know.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// Folders or single files (`-p`).
    pub roots: Vec<PathBuf>,
    /// Path excludes.
    pub excludes: Excludes,
    /// Follow symlinks (each directory entered at most once).
    pub follow_symlinks: bool,
    /// Descend into other file systems.
    pub alldrives: bool,
    /// A live scan: apply [`LIVE_SKIPS`].
    pub live: bool,
    /// Content size limit; larger files still get filename IOCs.
    pub max_file_size: u64,
    /// Only files modified or changed after this instant.
    pub lookback_cutoff: Option<SystemTime>,
    /// Ratatosk's own files and folders, by (device, inode).
    pub self_ids: HashSet<(u64, u64)>,
    /// Module reported for the jobs.
    pub module: Module,
}

impl WalkOptions {
    /// The lookback cutoff for `days` (0 = no lookback).
    pub fn cutoff_for_days(days: u32, now: SystemTime) -> Option<SystemTime> {
        (days > 0).then(|| now - Duration::from_secs(u64::from(days) * 86_400))
    }
}

/// One walked entry.
#[derive(Debug)]
pub enum WalkItem {
    /// A file to scan (possibly only by name, see [`FileJob::content_skip`]).
    Job(FileJob),
    /// Not scanned.
    Skipped {
        /// The entry.
        path: PathBuf,
        /// Why.
        reason: SkipReason,
    },
    /// The walk could not look at the entry.
    Error {
        /// The entry.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// Walks every root, handing each entry to `sink`; stops early when `sink` returns false.
///
/// A root is followed when it is a symlink (the user named it); a root that is a file is one
/// entry. A root that cannot be looked at is an error (a typo is not a "vanished" file).
pub fn walk(opts: &WalkOptions, sink: impl FnMut(WalkItem) -> bool) {
    let mut walker = tree::Walker::new(opts, sink);
    for root in &opts.roots {
        if !walker.root(root) {
            return;
        }
    }
}

/// Whether `path` lies on a pseudo file system (by the mount table's file-system name, else the
/// `statfs` type; see [`fs_kind`]).
pub fn is_pseudo_fs(path: &Path) -> bool {
    let Ok(st) = stat::stat_path(path, true) else {
        return false;
    };
    fs_kind::PseudoFsCache::default().is_pseudo(st.dev, || fs_kind::magic_of_path(path))
}

/// Builds a job for a single file given directly (thunderstorm, dropzone, process images).
pub fn job_for(path: &Path, meta: &std::fs::Metadata, module: Module) -> FileJob {
    FileJob {
        path: path.to_path_buf(),
        size: meta.len(),
        times: file_times(meta),
        uid: meta.uid(),
        module,
        content_skip: None,
    }
}

fn file_times(meta: &std::fs::Metadata) -> FileTimes {
    FileTimes {
        modified: stat::time(meta.mtime(), meta.mtime_nsec()),
        changed: stat::time(meta.ctime(), meta.ctime_nsec()),
        accessed: stat::time(meta.atime(), meta.atime_nsec()),
        created: meta.created().ok(),
    }
}
