//! Opening paths of any length.
//!
//! The kernel refuses a path of `PATH_MAX` (4096) bytes or more with `ENAMETOOLONG`, yet a tree
//! can be nested deeper than that (each folder created relative to the one above). Such a path
//! is opened in pieces: the longest leading part that fits is opened as a folder (`O_PATH`), the
//! next piece relative to it (`openat`), and so on; only the last piece gets the caller's flags.
//! Intermediate folders are resolved as a plain `open` would resolve them (symlinks in the middle
//! are followed, as the kernel does for any path); at most two descriptors are open at a time.

use std::ffi::OsStr;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use rustix::fs::{CWD, Mode, OFlags};

/// Longest path the kernel takes in one call: `PATH_MAX` (4096) counts the terminating NUL.
pub const MAX_PATH_BYTES: usize = 4095;

/// Opens `path` with `flags`, relative to its parent folder when the path is too long to be
/// opened in one call.
pub fn open_path(path: &Path, flags: OFlags) -> io::Result<OwnedFd> {
    at_path(path, |dir, rest| {
        Ok(rustix::fs::openat(dir, rest, flags, Mode::empty())?)
    })
}

/// Calls `f` with a folder descriptor and a path relative to it (shorter than
/// [`MAX_PATH_BYTES`]) that together name `path`: the working folder and `path` itself when it
/// is short enough, else an opened ancestor and the rest. For the `*at` calls.
pub fn at_path<R>(
    path: &Path,
    f: impl FnOnce(BorrowedFd<'_>, &OsStr) -> io::Result<R>,
) -> io::Result<R> {
    let (base, rest) = split_long(path)?;
    let dir = base.as_ref().map_or(CWD, |fd| fd.as_fd());
    f(dir, OsStr::from_bytes(rest))
}

/// Splits a path into a folder descriptor (`None`: the working folder, or the path is absolute
/// and short) and the rest, shorter than [`MAX_PATH_BYTES`], to open relative to it.
fn split_long(path: &Path) -> io::Result<(Option<OwnedFd>, &[u8])> {
    let mut rest = path.as_os_str().as_bytes();
    let mut base: Option<OwnedFd> = None;
    while rest.len() > MAX_PATH_BYTES {
        // The last `/` within reach: everything before it is a folder that fits in one call.
        let cut = rest[..MAX_PATH_BYTES]
            .iter()
            .rposition(|&b| b == b'/')
            .ok_or_else(|| io::Error::from_raw_os_error(libc::ENAMETOOLONG))?;
        let head: &[u8] = if cut == 0 { b"/" } else { &rest[..cut] };
        let dir = base.as_ref().map_or(CWD, |fd| fd.as_fd());
        let next = rustix::fs::openat(
            dir,
            OsStr::from_bytes(head),
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        base = Some(next);
        rest = &rest[cut + 1..];
        while let [b'/', tail @ ..] = rest {
            rest = tail;
        }
    }
    if rest.is_empty() {
        // The path ended in `/` right at a cut: it names the folder itself.
        rest = b".";
    }
    Ok((base, rest))
}

/// Creates `levels` folders of `name_len`-byte names below `root`, each relative to the
/// one above (so no call ever sees the long path); returns the deepest folder's path.
#[cfg(test)]
pub(crate) fn deep_tree(root: &Path, levels: usize, name_len: usize) -> std::path::PathBuf {
    let name = "d".repeat(name_len);
    let mut path = root.to_path_buf();
    let mut dir = rustix::fs::open(root, OFlags::PATH | OFlags::DIRECTORY, Mode::empty()).unwrap();
    for _ in 0..levels {
        rustix::fs::mkdirat(&dir, name.as_str(), Mode::from_raw_mode(0o755)).unwrap();
        dir = rustix::fs::openat(
            &dir,
            name.as_str(),
            OFlags::PATH | OFlags::DIRECTORY,
            Mode::empty(),
        )
        .unwrap();
        path.push(&name);
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn opens_a_file_below_path_max() {
        let d = tempfile::tempdir().unwrap();
        let deep = deep_tree(d.path(), 40, 200);
        assert!(deep.as_os_str().len() > 8000, "{}", deep.as_os_str().len());
        let file = deep.join("f.txt");
        // Plain open fails: that is the fault being handled.
        let e = std::fs::File::create(&file).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENAMETOOLONG));
        let fd = open_path(&file, OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC)
            .map(std::fs::File::from);
        drop(fd.unwrap());
        let st = at_path(&file, |dir, rest| {
            Ok(rustix::fs::statat(
                dir,
                rest,
                rustix::fs::AtFlags::SYMLINK_NOFOLLOW,
            )?)
        })
        .unwrap();
        assert_eq!(st.st_size, 0);
        let mut text = String::new();
        std::fs::File::from(open_path(&file, OFlags::RDONLY).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "");
    }

    #[test]
    fn short_and_trailing_slash_paths() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a"), b"x").unwrap();
        assert!(open_path(&d.path().join("a"), OFlags::RDONLY).is_ok());
        let deep = deep_tree(d.path(), 30, 200);
        let mut with_slash = deep.into_os_string();
        with_slash.push("/");
        let fd = open_path(Path::new(&with_slash), OFlags::RDONLY | OFlags::DIRECTORY);
        assert!(fd.is_ok(), "{fd:?}");
    }

    #[test]
    fn missing_piece_is_not_found() {
        let d = tempfile::tempdir().unwrap();
        let deep = deep_tree(d.path(), 25, 200)
            .join("missing")
            .join("x".repeat(200));
        let e = open_path(&deep.join("f"), OFlags::RDONLY).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
    }
}
