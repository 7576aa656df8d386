//! The traversal: depth first, with an explicit stack of folders still to read (no recursion,
//! so depth costs no stack), each folder opened, checked to be the one that was listed, listed
//! with `getdents` and its entries looked at with `statx` relative to its descriptor. Its
//! subfolders are pushed on the stack once the listing is done and the descriptors are closed,
//! so the walk holds at most two descriptors (the folder and the listing's duplicate) at any time.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rustix::fs::{Dir, OFlags};

use super::fs_kind::{self, PseudoFsCache};
use super::stat::{self, EntryStat, Kind};
use super::{LIVE_SKIPS, WalkItem, WalkOptions};
use crate::model::{FileJob, SkipReason};
use crate::read::{self, long_path};

/// A folder that passed its checks and waits to be read.
struct Pending {
    path: PathBuf,
    /// (device, inode) when it was listed: the folder opened must be this one.
    id: (u64, u64),
    /// Reached through a symlink (a root, or `--follow-symlinks`): opened following it.
    via_link: bool,
}

/// The state of one walk over all its roots.
pub(super) struct Walker<'o, F> {
    opts: &'o WalkOptions,
    sink: F,
    /// Folders entered, by (device, inode): each is entered once, so link and bind-mount loops
    /// end.
    entered: HashSet<(u64, u64)>,
    /// Files handed on, by (device, inode); only with `--follow-symlinks`, where a file can be
    /// reached under several names.
    files_seen: HashSet<(u64, u64)>,
    pseudo: PseudoFsCache,
    /// Device of the current root: other devices are other file systems.
    root_dev: u64,
}

impl<'o, F: FnMut(WalkItem) -> bool> Walker<'o, F> {
    pub(super) fn new(opts: &'o WalkOptions, sink: F) -> Self {
        Walker {
            opts,
            sink,
            entered: HashSet::new(),
            files_seen: HashSet::new(),
            pseudo: PseudoFsCache::default(),
            root_dev: 0,
        }
    }

    /// Walks one root; false when the sink asked to stop.
    pub(super) fn root(&mut self, root: &Path) -> bool {
        let st = match stat::stat_path(root, true) {
            Ok(st) => st,
            Err(e) => {
                let item = match e.raw_os_error() {
                    Some(libc::EACCES | libc::EPERM) => {
                        skipped(root.to_path_buf(), SkipReason::PermissionDenied)
                    }
                    _ => WalkItem::Error {
                        path: root.to_path_buf(),
                        message: e.to_string(),
                    },
                };
                return (self.sink)(item);
            }
        };
        self.root_dev = st.dev;
        if st.kind != Kind::Dir {
            let item = match real_path_if_link(root) {
                Ok(path) => self.file(path, &st),
                Err(e) => entry_error(root.to_path_buf(), &e),
            };
            return (self.sink)(item);
        }
        if let Some(reason) = self.dir_skip(root, &st) {
            return (self.sink)(skipped(root.to_path_buf(), reason));
        }
        let mut stack = vec![Pending {
            path: root.to_path_buf(),
            id: st.id(),
            via_link: true,
        }];
        while let Some(dir) = stack.pop() {
            if !self.read_dir(dir, &mut stack) {
                return false;
            }
        }
        true
    }

    /// Lists one folder, handing on its entries and pushing its subfolders.
    fn read_dir(&mut self, dir: Pending, stack: &mut Vec<Pending>) -> bool {
        let mut flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        if !dir.via_link {
            flags |= OFlags::NOFOLLOW;
        }
        let fd = match long_path::open_path(&dir.path, flags) {
            Ok(fd) => fd,
            Err(e) => return (self.sink)(entry_error(dir.path, &e)),
        };
        // The folder read must be the one that was checked: one swapped for another (a link, a
        // mount) since it was listed is not read.
        match stat::stat_fd(fd.as_fd()) {
            Ok(st) if st.id() == dir.id => {}
            Ok(_) => return (self.sink)(skipped(dir.path, SkipReason::Vanished)),
            Err(e) => return (self.sink)(entry_error(dir.path, &e)),
        }
        let listing = fd.try_clone().and_then(|dup| Ok(Dir::new(dup)?));
        let mut listing = match listing {
            Ok(l) => l,
            Err(e) => return (self.sink)(entry_error(dir.path, &e)),
        };
        let mut subdirs = Vec::new();
        while let Some(next) = listing.read() {
            let entry = match next {
                Ok(entry) => entry,
                Err(e) => {
                    let item = WalkItem::Error {
                        path: dir.path.clone(),
                        message: format!("reading the folder: {}", io::Error::from(e)),
                    };
                    if !(self.sink)(item) {
                        return false;
                    }
                    break;
                }
            };
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            let name = OsStr::from_bytes(name);
            if !self.entry(fd.as_fd(), name, dir.path.join(name), &mut subdirs) {
                return false;
            }
        }
        stack.extend(subdirs.into_iter().rev());
        true
    }

    /// Sorts one entry of a folder being read.
    fn entry(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &OsStr,
        path: PathBuf,
        subdirs: &mut Vec<Pending>,
    ) -> bool {
        let st = match stat::stat_at(dir, name, false) {
            Ok(st) => st,
            Err(e) => return (self.sink)(entry_error(path, &e)),
        };
        let item = match st.kind {
            Kind::Dir => match self.dir_skip(&path, &st) {
                Some(reason) => skipped(path, reason),
                None => {
                    subdirs.push(Pending {
                        path,
                        id: st.id(),
                        via_link: false,
                    });
                    return true;
                }
            },
            Kind::Symlink if self.opts.follow_symlinks => {
                match self.follow(dir, name, path, subdirs) {
                    Some(item) => item,
                    None => return true,
                }
            }
            _ => self.file(path, &st),
        };
        (self.sink)(item)
    }

    /// A symlink under `--follow-symlinks`: its target folder is pushed (`None`), or the entry
    /// it becomes is returned.
    fn follow(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &OsStr,
        path: PathBuf,
        subdirs: &mut Vec<Pending>,
    ) -> Option<WalkItem> {
        let target = match stat::stat_at(dir, name, true) {
            Ok(t) => t,
            // Dangling: nothing to follow.
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
                return Some(skipped(path, SkipReason::Symlink));
            }
            // A chain of links that comes back to itself.
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                return Some(skipped(path, SkipReason::AlreadyVisited));
            }
            Err(e) => return Some(entry_error(path, &e)),
        };
        if target.kind == Kind::Dir {
            return match self.dir_skip(&path, &target) {
                Some(reason) => Some(skipped(path, reason)),
                None => {
                    subdirs.push(Pending {
                        path,
                        id: target.id(),
                        via_link: true,
                    });
                    None
                }
            };
        }
        if self.opts.excludes.matches(&path) {
            return Some(skipped(path, SkipReason::Excluded));
        }
        if target.kind != Kind::File {
            return Some(self.file(path, &target));
        }
        // The job names the real file: the reader never follows a link in the last component.
        Some(match std::fs::canonicalize(&path) {
            Ok(real) => self.file(real, &target),
            Err(e) => entry_error(path, &e),
        })
    }

    /// Why a folder is not entered, if it is not. Entering it is recorded.
    fn dir_skip(&mut self, path: &Path, st: &EntryStat) -> Option<SkipReason> {
        let opts = self.opts;
        if opts.live && LIVE_SKIPS.iter().any(|s| path == Path::new(s)) {
            return Some(SkipReason::Excluded);
        }
        if opts.excludes.matches(path) {
            return Some(SkipReason::Excluded);
        }
        if opts.self_ids.contains(&st.id()) {
            return Some(SkipReason::SelfFile);
        }
        if self.is_pseudo(st.dev, path) {
            return Some(SkipReason::PseudoFs);
        }
        if !opts.alldrives && st.dev != self.root_dev {
            return Some(SkipReason::OtherFilesystem);
        }
        if !self.entered.insert(st.id()) {
            return Some(SkipReason::AlreadyVisited);
        }
        None
    }

    fn is_pseudo(&mut self, dev: u64, path: &Path) -> bool {
        self.pseudo.is_pseudo(dev, || fs_kind::magic_of_path(path))
    }

    /// A job, or why a non-folder entry is not one.
    fn file(&mut self, path: PathBuf, st: &EntryStat) -> WalkItem {
        let opts = self.opts;
        if opts.excludes.matches(&path) {
            return skipped(path, SkipReason::Excluded);
        }
        match st.kind {
            Kind::File => {}
            Kind::Fifo if read::test_mode_reads_fifos() => {}
            Kind::Symlink => return skipped(path, SkipReason::Symlink),
            Kind::Dir | Kind::Fifo | Kind::Other => {
                return skipped(path, SkipReason::NotRegularFile);
            }
        }
        if self.is_pseudo(st.dev, &path) {
            return skipped(path, SkipReason::PseudoFs);
        }
        if opts.self_ids.contains(&st.id()) {
            return skipped(path, SkipReason::SelfFile);
        }
        if opts.follow_symlinks && !self.files_seen.insert(st.id()) {
            return skipped(path, SkipReason::AlreadyVisited);
        }
        if let Some(cutoff) = opts.lookback_cutoff {
            let newest = st.times.modified.max(st.times.changed);
            if newest.is_none_or(|t| t < cutoff) {
                return skipped(path, SkipReason::Lookback);
            }
        }
        WalkItem::Job(FileJob {
            path,
            size: st.size,
            times: st.times,
            uid: st.uid,
            module: opts.module,
            content_skip: (st.size > opts.max_file_size).then_some(SkipReason::TooLarge),
        })
    }
}

fn skipped(path: PathBuf, reason: SkipReason) -> WalkItem {
    WalkItem::Skipped { path, reason }
}

/// The bucket of an entry the walk could not look at or open.
fn entry_error(path: PathBuf, e: &io::Error) -> WalkItem {
    match e.raw_os_error() {
        Some(libc::EACCES | libc::EPERM) => skipped(path, SkipReason::PermissionDenied),
        // Gone, or replaced by something else (a link where a folder was) since it was listed.
        Some(libc::ENOENT | libc::ENOTDIR | libc::ELOOP) => skipped(path, SkipReason::Vanished),
        _ => WalkItem::Error {
            path,
            message: e.to_string(),
        },
    }
}

/// A root file named through a symlink becomes its real path (the reader opens without
/// following); any other root stays as given.
fn real_path_if_link(root: &Path) -> io::Result<PathBuf> {
    if stat::stat_path(root, false)?.kind == Kind::Symlink {
        std::fs::canonicalize(root)
    } else {
        Ok(root.to_path_buf())
    }
}
