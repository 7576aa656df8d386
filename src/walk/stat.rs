//! One entry's status as the walk needs it: type, device and inode, apparent size, owner and
//! times. Taken relative to the open parent folder (`statx` on the folder's descriptor and the
//! entry's name), so no full path is resolved per entry and paths longer than `PATH_MAX` work;
//! kernels or sandboxes without `statx` get `fstatat` (no birth time).

use std::ffi::OsStr;
use std::io;
use std::os::fd::BorrowedFd;
use std::path::Path;
use std::time::{Duration, SystemTime};

use rustix::fs::{AtFlags, FileType, Statx, StatxFlags};

use crate::model::FileTimes;
use crate::read::long_path;

/// What an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A folder.
    Dir,
    /// A regular file.
    File,
    /// A symbolic link (only when links are not followed).
    Symlink,
    /// A named pipe.
    Fifo,
    /// A socket, character or block device.
    Other,
}

/// The status of one entry.
#[derive(Clone, Copy, Debug)]
pub struct EntryStat {
    /// What it is.
    pub kind: Kind,
    /// Device (as `st_dev`).
    pub dev: u64,
    /// Inode.
    pub ino: u64,
    /// Apparent size in bytes.
    pub size: u64,
    /// Owning user id.
    pub uid: u32,
    /// Times.
    pub times: FileTimes,
}

impl EntryStat {
    /// The (device, inode) pair that identifies the entry on this machine.
    pub fn id(&self) -> (u64, u64) {
        (self.dev, self.ino)
    }
}

/// The status of `name` in the folder `dir`; `follow` follows a symlink. An automount point is
/// not mounted by looking at it (`AT_NO_AUTOMOUNT`): it shows as the autofs folder it is, and a
/// walk without `--alldrives` does not wake a network share.
pub fn stat_at(dir: BorrowedFd<'_>, name: &OsStr, follow: bool) -> io::Result<EntryStat> {
    stat_with(dir, name, follow, AtFlags::NO_AUTOMOUNT)
}

fn stat_with(
    dir: BorrowedFd<'_>,
    name: &OsStr,
    follow: bool,
    extra: AtFlags,
) -> io::Result<EntryStat> {
    let flags = if follow {
        extra
    } else {
        extra | AtFlags::SYMLINK_NOFOLLOW
    };
    let mask = StatxFlags::BASIC_STATS | StatxFlags::BTIME;
    match rustix::fs::statx(dir, name, flags, mask) {
        Ok(st) => Ok(from_statx(&st)),
        // No `statx` (kernel before 4.11, or a sandbox that filters it).
        Err(e) if e == rustix::io::Errno::NOSYS || e == rustix::io::Errno::PERM => {
            let st = rustix::fs::statat(dir, name, flags)?;
            Ok(from_stat(&st))
        }
        Err(e) => Err(e.into()),
    }
}

/// The status of an open descriptor (the folder about to be read).
pub fn stat_fd(fd: BorrowedFd<'_>) -> io::Result<EntryStat> {
    let mask = StatxFlags::BASIC_STATS | StatxFlags::BTIME;
    match rustix::fs::statx(fd, "", AtFlags::EMPTY_PATH, mask) {
        Ok(st) => Ok(from_statx(&st)),
        Err(e) if e == rustix::io::Errno::NOSYS || e == rustix::io::Errno::PERM => {
            Ok(from_stat(&rustix::fs::fstat(fd)?))
        }
        Err(e) => Err(e.into()),
    }
}

/// The status of `path` (of any length); `follow` follows a symlink in the last component.
/// For paths the user named: an automount point is mounted.
pub fn stat_path(path: &Path, follow: bool) -> io::Result<EntryStat> {
    long_path::at_path(path, |dir, rest| {
        stat_with(dir, rest, follow, AtFlags::empty())
    })
}

fn kind_of(mode: u32) -> Kind {
    match FileType::from_raw_mode(mode) {
        FileType::Directory => Kind::Dir,
        FileType::RegularFile => Kind::File,
        FileType::Symlink => Kind::Symlink,
        FileType::Fifo => Kind::Fifo,
        _ => Kind::Other,
    }
}

fn from_statx(st: &Statx) -> EntryStat {
    let at = |t: &rustix::fs::StatxTimestamp| time(t.tv_sec, i64::from(t.tv_nsec));
    let has = |flag: StatxFlags| st.stx_mask & flag.bits() != 0;
    EntryStat {
        kind: kind_of(u32::from(st.stx_mode)),
        dev: rustix::fs::makedev(st.stx_dev_major, st.stx_dev_minor),
        ino: st.stx_ino,
        size: st.stx_size,
        uid: st.stx_uid,
        times: FileTimes {
            modified: has(StatxFlags::MTIME).then(|| at(&st.stx_mtime)).flatten(),
            changed: has(StatxFlags::CTIME).then(|| at(&st.stx_ctime)).flatten(),
            accessed: has(StatxFlags::ATIME).then(|| at(&st.stx_atime)).flatten(),
            created: has(StatxFlags::BTIME).then(|| at(&st.stx_btime)).flatten(),
        },
    }
}

// The field types of `struct stat` differ between targets (`i64`, `u64`, `u32`).
#[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
fn from_stat(st: &rustix::fs::Stat) -> EntryStat {
    EntryStat {
        kind: kind_of(st.st_mode as u32),
        dev: st.st_dev as u64,
        ino: st.st_ino as u64,
        size: u64::try_from(st.st_size).unwrap_or(0),
        uid: st.st_uid as u32,
        times: FileTimes {
            modified: time(st.st_mtime as i64, st.st_mtime_nsec as i64),
            changed: time(st.st_ctime as i64, st.st_ctime_nsec as i64),
            accessed: time(st.st_atime as i64, st.st_atime_nsec as i64),
            created: None,
        },
    }
}

/// A time from seconds and nanoseconds since the epoch (before it too).
pub fn time(secs: i64, nanos: i64) -> Option<SystemTime> {
    let nanos = u32::try_from(nanos).unwrap_or(0);
    if secs >= 0 {
        SystemTime::UNIX_EPOCH.checked_add(Duration::new(secs.unsigned_abs(), nanos))
    } else {
        SystemTime::UNIX_EPOCH.checked_sub(Duration::new(secs.unsigned_abs(), 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn matches_std_metadata() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("f");
        std::fs::write(&f, b"hello").unwrap();
        std::os::unix::fs::symlink(&f, d.path().join("l")).unwrap();
        let ours = stat_path(&f, false).unwrap();
        let std_meta = std::fs::symlink_metadata(&f).unwrap();
        assert_eq!(ours.kind, Kind::File);
        assert_eq!(ours.id(), (std_meta.dev(), std_meta.ino()));
        assert_eq!(ours.size, 5);
        assert_eq!(ours.uid, std_meta.uid());
        assert_eq!(ours.times.modified, std_meta.modified().ok());
        assert_eq!(ours.times.created, std_meta.created().ok());
        let link = d.path().join("l");
        assert_eq!(stat_path(&link, false).unwrap().kind, Kind::Symlink);
        assert_eq!(stat_path(&link, true).unwrap().id(), ours.id());
        assert_eq!(stat_path(d.path(), false).unwrap().kind, Kind::Dir);
    }
}
