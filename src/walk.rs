//! Candidate enumeration: walks the roots with jwalk and sorts every entry into a file job or a
//! skip with a reason. Nothing is opened here; the walk's `lstat` decides what is a regular file.
//!
//! Directory-level decisions (excludes, pseudo and other file systems, built-in live-scan skips,
//! directories entered twice through links, Ratatosk's own folders) are made in jwalk's
//! `process_read_dir` callback so that a skipped directory is never read; the skip is carried on
//! the entry's client state and reported once when the entry is yielded.

use std::collections::HashSet;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use jwalk::{Parallelism, WalkDirGeneric};
use regex::RegexSet;
use thiserror::Error;

use crate::model::{FileJob, FileTimes, Module, SkipReason};

/// Paths never walked on a live scan: kernel interfaces and runtime state, not files (spec §4).
pub const LIVE_SKIPS: &[&str] = &["/proc", "/sys", "/dev", "/run"];

/// `statfs` magic numbers of pseudo file systems (linux/magic.h): their files are kernel
/// interfaces that can block or never end, so they are skipped by type wherever they are mounted.
const PSEUDO_FS_MAGIC: &[i64] = &[
    0x9fa0,      // proc
    0x6265_6572, // sysfs
    0x1cd1,      // devpts
    0x0027_e0eb, // cgroup
    0x6367_7270, // cgroup2
    0x6462_6720, // debugfs
    0x7472_6163, // tracefs
    0x7363_6673, // securityfs
    0x6165_676c, // pstore
    0xcafe_4a11, // bpf
    0x6265_6570, // configfs
    0x6573_5543, // fusectl
    0x1980_0202, // mqueue
    0x4249_4e4d, // binfmt_misc
    0x0187,      // autofs
    0xde5e_81e4, // efivarfs
    0xf97c_ff8c, // selinuxfs
    0x6e73_6673, // nsfs
    0x6759_6969, // rpc_pipefs
    0x958458f6,  // hugetlbfs
];

/// A path-exclude list: one regex per line, matched against the full path.
#[derive(Clone, Debug, Default)]
pub struct Excludes {
    set: Option<RegexSet>,
}

/// A bad line in an excludes file.
#[derive(Debug, Error)]
pub enum WalkError {
    /// The excludes file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A line is not a valid regex.
    #[error("{path}:{line}: bad exclude regex: {message}")]
    BadRegex {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// The regex crate's message.
        message: String,
    },
}

impl Excludes {
    /// Parses an excludes file's text: one regex per line, blank and `#` lines ignored.
    pub fn parse(path: &Path, text: &str) -> Result<Self, WalkError> {
        let mut patterns = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            regex::Regex::new(line).map_err(|e| WalkError::BadRegex {
                path: path.to_path_buf(),
                line: i + 1,
                message: e.to_string(),
            })?;
            patterns.push(line.to_string());
        }
        Self::from_patterns(path, &patterns)
    }

    /// Loads an excludes file.
    pub fn load(path: &Path) -> Result<Self, WalkError> {
        let text = std::fs::read_to_string(path).map_err(|source| WalkError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    fn from_patterns(path: &Path, patterns: &[String]) -> Result<Self, WalkError> {
        if patterns.is_empty() {
            return Ok(Excludes::default());
        }
        let set = RegexSet::new(patterns).map_err(|e| WalkError::BadRegex {
            path: path.to_path_buf(),
            line: 0,
            message: e.to_string(),
        })?;
        Ok(Excludes { set: Some(set) })
    }

    /// Whether the path matches any exclude.
    pub fn matches(&self, path: &Path) -> bool {
        match &self.set {
            Some(set) => set.is_match(&path.to_string_lossy()),
            None => false,
        }
    }
}

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

/// Per-entry client state: the reason a directory was pruned.
type State = ((), Option<SkipReason>);

/// Walks every root, handing each entry to `sink`; stops early when `sink` returns false.
pub fn walk(opts: &WalkOptions, mut sink: impl FnMut(WalkItem) -> bool) {
    let shared = Arc::new(opts.clone());
    let visited: Arc<Mutex<HashSet<(u64, u64)>>> = Arc::default();
    for root in &opts.roots {
        let root_meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                let item = match e.kind() {
                    std::io::ErrorKind::PermissionDenied => WalkItem::Skipped {
                        path: root.clone(),
                        reason: SkipReason::PermissionDenied,
                    },
                    _ => WalkItem::Error {
                        path: root.clone(),
                        message: e.to_string(),
                    },
                };
                if !sink(item) {
                    return;
                }
                continue;
            }
        };
        let root_skip = root_meta
            .is_dir()
            .then(|| dir_skip(&shared, root, &root_meta, root_meta.dev(), &visited))
            .flatten();
        if let Some(reason) = root_skip {
            if !sink(WalkItem::Skipped {
                path: root.clone(),
                reason,
            }) {
                return;
            }
            continue;
        }
        if !walk_root(&shared, root, root_meta.dev(), &visited, &mut sink) {
            return;
        }
    }
}

fn walk_root(
    opts: &Arc<WalkOptions>,
    root: &Path,
    root_dev: u64,
    visited: &Arc<Mutex<HashSet<(u64, u64)>>>,
    sink: &mut impl FnMut(WalkItem) -> bool,
) -> bool {
    let cb_opts = Arc::clone(opts);
    let cb_visited = Arc::clone(visited);
    let walker = WalkDirGeneric::<State>::new(root)
        .follow_links(opts.follow_symlinks)
        .skip_hidden(false)
        .sort(false)
        .parallelism(Parallelism::Serial)
        .process_read_dir(move |_, _, _, children| {
            for entry in children.iter_mut().flatten() {
                // The root (depth 0) was checked before the walk started.
                if entry.depth == 0 || entry.read_children.is_none() {
                    continue;
                }
                let path = entry.path();
                let reason = match std::fs::metadata(&path) {
                    Ok(meta) => dir_skip(&cb_opts, &path, &meta, root_dev, &cb_visited),
                    Err(_) => None, // reported when the directory is read
                };
                if reason.is_some() {
                    entry.read_children = None;
                    entry.client_state = reason;
                }
            }
        });
    for entry in walker {
        let item = match entry {
            Ok(entry) => {
                if entry.depth == 0 && entry.file_type.is_dir() {
                    continue;
                }
                let path = entry.path();
                if let Some(reason) = entry.client_state {
                    WalkItem::Skipped { path, reason }
                } else if entry.file_type.is_dir() {
                    continue;
                } else {
                    classify_file(opts, path, entry.metadata())
                }
            }
            Err(e) => walk_error(e),
        };
        if !sink(item) {
            return false;
        }
    }
    true
}

/// Why a directory is not entered, if it is not.
fn dir_skip(
    opts: &WalkOptions,
    path: &Path,
    meta: &std::fs::Metadata,
    root_dev: u64,
    visited: &Mutex<HashSet<(u64, u64)>>,
) -> Option<SkipReason> {
    if opts.live && LIVE_SKIPS.iter().any(|s| path == Path::new(s)) {
        return Some(SkipReason::Excluded);
    }
    if opts.excludes.matches(path) {
        return Some(SkipReason::Excluded);
    }
    let id = (meta.dev(), meta.ino());
    if opts.self_ids.contains(&id) {
        return Some(SkipReason::SelfFile);
    }
    if is_pseudo_fs(path) {
        return Some(SkipReason::PseudoFs);
    }
    if !opts.alldrives && meta.dev() != root_dev {
        return Some(SkipReason::OtherFilesystem);
    }
    if opts.follow_symlinks {
        let mut seen = visited.lock().unwrap_or_else(|p| p.into_inner());
        if !seen.insert(id) {
            return Some(SkipReason::AlreadyVisited);
        }
    }
    None
}

/// Whether `path` lies on a pseudo file system, by `statfs` type.
pub fn is_pseudo_fs(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated string and `st` a properly sized out-parameter.
    if unsafe { libc::statfs(c.as_ptr(), &mut st) } != 0 {
        return false;
    }
    #[allow(clippy::unnecessary_cast)]
    let kind = st.f_type as i64;
    PSEUDO_FS_MAGIC.contains(&kind)
}

fn classify_file(
    opts: &WalkOptions,
    path: PathBuf,
    meta: Result<std::fs::Metadata, jwalk::Error>,
) -> WalkItem {
    let meta = match meta {
        Ok(m) => m,
        Err(e) => return walk_error(e),
    };
    if opts.excludes.matches(&path) {
        return WalkItem::Skipped {
            path,
            reason: SkipReason::Excluded,
        };
    }
    let ft = meta.file_type();
    if ft.is_symlink() {
        return WalkItem::Skipped {
            path,
            reason: SkipReason::Symlink,
        };
    }
    if !ft.is_file() {
        return WalkItem::Skipped {
            path,
            reason: SkipReason::NotRegularFile,
        };
    }
    if opts.self_ids.contains(&(meta.dev(), meta.ino())) {
        return WalkItem::Skipped {
            path,
            reason: SkipReason::SelfFile,
        };
    }
    let times = file_times(&meta);
    if let Some(cutoff) = opts.lookback_cutoff {
        let newest = times.modified.max(times.changed);
        if newest.is_none_or(|t| t < cutoff) {
            return WalkItem::Skipped {
                path,
                reason: SkipReason::Lookback,
            };
        }
    }
    let size = meta.len();
    WalkItem::Job(FileJob {
        path,
        size,
        times,
        uid: meta.uid(),
        module: opts.module,
        content_skip: (size > opts.max_file_size).then_some(SkipReason::TooLarge),
    })
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
    let at = |secs: i64, nanos: i64| {
        let nanos = u32::try_from(nanos).unwrap_or(0);
        if secs >= 0 {
            SystemTime::UNIX_EPOCH.checked_add(Duration::new(secs as u64, nanos))
        } else {
            SystemTime::UNIX_EPOCH.checked_sub(Duration::new(secs.unsigned_abs(), 0))
        }
    };
    FileTimes {
        modified: at(meta.mtime(), meta.mtime_nsec()),
        changed: at(meta.ctime(), meta.ctime_nsec()),
        accessed: at(meta.atime(), meta.atime_nsec()),
        created: meta.created().ok(),
    }
}

fn walk_error(e: jwalk::Error) -> WalkItem {
    let path = e.path().map(Path::to_path_buf).unwrap_or_default();
    if let Some(io) = e.io_error() {
        match io.kind() {
            std::io::ErrorKind::PermissionDenied => {
                return WalkItem::Skipped {
                    path,
                    reason: SkipReason::PermissionDenied,
                };
            }
            std::io::ErrorKind::NotFound => {
                return WalkItem::Skipped {
                    path,
                    reason: SkipReason::Vanished,
                };
            }
            _ => {}
        }
    }
    if e.loop_ancestor().is_some() {
        return WalkItem::Skipped {
            path,
            reason: SkipReason::AlreadyVisited,
        };
    }
    WalkItem::Error {
        path,
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(root: &Path) -> WalkOptions {
        WalkOptions {
            roots: vec![root.to_path_buf()],
            excludes: Excludes::default(),
            follow_symlinks: false,
            alldrives: false,
            live: true,
            max_file_size: 10,
            lookback_cutoff: None,
            self_ids: HashSet::new(),
            module: Module::FileScan,
        }
    }

    fn collect(o: &WalkOptions) -> (Vec<FileJob>, Vec<(PathBuf, SkipReason)>) {
        let mut jobs = Vec::new();
        let mut skips = Vec::new();
        walk(o, |item| {
            match item {
                WalkItem::Job(j) => jobs.push(j),
                WalkItem::Skipped { path, reason } => skips.push((path, reason)),
                WalkItem::Error { path, message } => panic!("{path:?}: {message}"),
            }
            true
        });
        jobs.sort_by(|a, b| a.path.cmp(&b.path));
        skips.sort();
        (jobs, skips)
    }

    #[test]
    fn sorts_entries_into_jobs_and_skips() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::write(r.join("small.txt"), b"hi").unwrap();
        std::fs::write(r.join("big.bin"), b"0123456789ABC").unwrap();
        std::fs::create_dir(r.join("sub")).unwrap();
        std::fs::write(r.join("sub/inner.php"), b"<?php").unwrap();
        std::fs::create_dir(r.join("skipme")).unwrap();
        std::fs::write(r.join("skipme/x"), b"x").unwrap();
        std::os::unix::fs::symlink(r.join("small.txt"), r.join("link")).unwrap();
        let c = std::ffi::CString::new(r.join("fifo").as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);

        let mut o = opts(r);
        o.excludes = Excludes::parse(Path::new("ex.cfg"), "# c\n/skipme$\n").unwrap();
        let (jobs, skips) = collect(&o);
        let names: Vec<_> = jobs
            .iter()
            .map(|j| j.path.strip_prefix(r).unwrap())
            .collect();
        assert_eq!(
            names,
            [
                Path::new("big.bin"),
                Path::new("small.txt"),
                Path::new("sub/inner.php")
            ]
        );
        assert_eq!(jobs[0].content_skip, Some(SkipReason::TooLarge));
        assert_eq!(jobs[0].size, 13);
        assert_eq!(jobs[1].content_skip, None);
        assert_eq!(
            skips,
            vec![
                (r.join("fifo"), SkipReason::NotRegularFile),
                (r.join("link"), SkipReason::Symlink),
                (r.join("skipme"), SkipReason::Excluded),
            ]
        );
    }

    #[test]
    fn single_file_root_is_a_job() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("one.exe");
        std::fs::write(&f, b"MZ").unwrap();
        let (jobs, skips) = collect(&opts(&f));
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].path, f);
        assert!(skips.is_empty());
    }

    #[test]
    fn lookback_skips_old_files() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("new"), b"n").unwrap();
        let mut o = opts(d.path());
        o.lookback_cutoff = Some(SystemTime::now() + Duration::from_secs(3600));
        let (jobs, skips) = collect(&o);
        assert!(jobs.is_empty());
        assert_eq!(skips, vec![(d.path().join("new"), SkipReason::Lookback)]);
        o.lookback_cutoff = WalkOptions::cutoff_for_days(1, SystemTime::now());
        assert_eq!(collect(&o).0.len(), 1);
    }

    #[test]
    fn symlink_loops_end_when_following() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("a")).unwrap();
        std::fs::write(d.path().join("a/f"), b"x").unwrap();
        std::os::unix::fs::symlink(d.path(), d.path().join("a/up")).unwrap();
        let mut o = opts(d.path());
        o.follow_symlinks = true;
        let (jobs, _skips) = collect(&o);
        assert_eq!(jobs.len(), 1);
    }

    #[test]
    fn proc_is_a_pseudo_fs() {
        if Path::new("/proc/self").exists() {
            assert!(is_pseudo_fs(Path::new("/proc")));
        }
        assert!(!is_pseudo_fs(Path::new("/")));
    }

    #[test]
    fn bad_exclude_regex_names_file_and_line() {
        let e = Excludes::parse(Path::new("/etc/ex.cfg"), "ok\n\n(unclosed\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("/etc/ex.cfg:3: bad exclude regex"),
            "{e}"
        );
    }
}
