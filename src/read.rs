//! Reading a file once, safely.
//!
//! A file is opened non-blocking and without following a symlink, and `fstat` on the descriptor
//! must say "regular file" before a byte is read: a file swapped for a FIFO between listing and
//! opening cannot hang the scan. Live scans always read into a buffer that each worker reuses
//! file after file, whatever the size (up to `--max_file_size`); memory-mapping is only for lab
//! scans (`--lab`, read-only images), because a mapped file that another process truncates raises
//! SIGBUS, which no Rust code can recover from (spec §9). That is the one documented `unsafe` of
//! the crate.
//!
//! Paths longer than `PATH_MAX` are opened relative to an ancestor ([`long_path`]). The file
//! must not lie on a pseudo file system (checked by device, once per device and thread). Reads
//! stop at the reader's deadline ([`FileReader::set_deadline`], checked after every `read()`),
//! so a file that is slow to read ends as a timeout; a `read()` that never returns at all (a hung
//! network file system) is the scan workers' watchdog's business.

pub mod long_path;

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::OwnedFd;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rustix::fs::OFlags;
use thiserror::Error;

use crate::model::SkipReason;
use crate::walk::fs_kind::{self, PseudoFsCache};

/// Most bytes the buffer grows by per step when the final size is not known (a file that grew
/// while being read is read on towards the limit), so a limit of gigabytes is not allocated up
/// front.
pub const READ_CHUNK: usize = 8 * 1024 * 1024;

/// The test mode of the I/O deadline: with this variable set to `1`, named pipes are scanned
/// like files (opened blocking), so a test can make a read stall for as long as it likes. Never
/// set it on a real scan.
pub const TEST_READ_FIFOS_VAR: &str = "RATATOSK_TEST_READ_FIFOS";

/// Whether the test mode of [`TEST_READ_FIFOS_VAR`] is on (read once per process).
pub fn test_mode_reads_fifos() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os(TEST_READ_FIFOS_VAR).is_some_and(|v| v == "1"))
}

/// Buffers larger than this are given back to the allocator after the file: the per-thread
/// anonymous-memory budget is 64 MiB plus the file being scanned (issue 4, goal 6).
pub const RETAINED_BUFFER: usize = 64 * 1024 * 1024;

/// Why a file could not be read.
#[derive(Debug, Error)]
pub enum ReadError {
    /// Not a regular file when opened (FIFO, socket, device, symlink swapped in).
    #[error("{path}: not a regular file")]
    NotRegularFile {
        /// The file.
        path: PathBuf,
    },
    /// Permission denied.
    #[error("{path}: permission denied")]
    PermissionDenied {
        /// The file.
        path: PathBuf,
    },
    /// Vanished between listing and opening.
    #[error("{path}: vanished before it could be opened")]
    Vanished {
        /// The file.
        path: PathBuf,
    },
    /// On a pseudo file system (procfs, sysfs, …), reached despite the walk's checks (a link or
    /// a mount swapped in between).
    #[error("{path}: on a pseudo file system")]
    PseudoFs {
        /// The file.
        path: PathBuf,
    },
    /// Reading did not finish within the deadline.
    #[error("{path}: reading took longer than the {after:?} I/O deadline")]
    TimedOut {
        /// The file.
        path: PathBuf,
        /// The deadline.
        after: Duration,
    },
    /// Any other I/O error.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

impl ReadError {
    fn from_io(path: &Path, e: io::Error) -> Self {
        let path = path.to_path_buf();
        match e.raw_os_error() {
            Some(libc::ENOENT) | Some(libc::ENOTDIR) => ReadError::Vanished { path },
            Some(libc::EACCES) | Some(libc::EPERM) => ReadError::PermissionDenied { path },
            // O_NOFOLLOW on a symlink, or a device that refuses a non-blocking open.
            Some(libc::ELOOP) | Some(libc::ENXIO) | Some(libc::ENODEV) => {
                ReadError::NotRegularFile { path }
            }
            _ => ReadError::Io { path, source: e },
        }
    }

    /// The skip bucket this error belongs to, when it is a skip rather than an error.
    pub fn skip_reason(&self) -> Option<SkipReason> {
        match self {
            ReadError::NotRegularFile { .. } => Some(SkipReason::NotRegularFile),
            ReadError::PermissionDenied { .. } => Some(SkipReason::PermissionDenied),
            ReadError::Vanished { .. } => Some(SkipReason::Vanished),
            ReadError::PseudoFs { .. } => Some(SkipReason::PseudoFs),
            ReadError::TimedOut { .. } => Some(SkipReason::IoTimeout),
            ReadError::Io { .. } => None,
        }
    }
}

/// An opened regular file.
pub struct OpenedFile {
    file: File,
    path: PathBuf,
    /// Size from `fstat` at open time.
    pub size: u64,
}

impl OpenedFile {
    /// Goes back to the first byte (to hash a file whose head was already read).
    pub fn rewind(&mut self) -> io::Result<()> {
        use std::io::Seek;
        self.file.rewind()
    }
}

impl Read for OpenedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }
}

/// Opens `path` for reading: non-blocking, no-follow, close-on-exec, relative to an ancestor
/// when the path is longer than `PATH_MAX`, and checked with `fstat` to be a regular file that
/// is not on a pseudo file system.
pub fn open_regular(path: &Path) -> Result<OpenedFile, ReadError> {
    let flags =
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY;
    let fd: OwnedFd = long_path::open_path(path, flags).map_err(|e| ReadError::from_io(path, e))?;
    let file = File::from(fd);
    let meta = file.metadata().map_err(|e| ReadError::from_io(path, e))?;
    let ft = meta.file_type();
    let test_fifo = ft.is_fifo() && test_mode_reads_fifos();
    if !(ft.is_file() || test_fifo) {
        return Err(ReadError::NotRegularFile {
            path: path.to_path_buf(),
        });
    }
    if on_pseudo_fs(&file, &meta) {
        return Err(ReadError::PseudoFs {
            path: path.to_path_buf(),
        });
    }
    if test_fifo {
        // Test mode: a blocking pipe, so that a read can stall.
        rustix::fs::fcntl_setfl(&file, OFlags::RDONLY)
            .map_err(|e| ReadError::from_io(path, e.into()))?;
    }
    Ok(OpenedFile {
        file,
        path: path.to_path_buf(),
        size: meta.len(),
    })
}

/// Whether an open file lies on a pseudo file system; each device is decided once per thread.
fn on_pseudo_fs(file: &File, meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    thread_local! {
        static CACHE: RefCell<PseudoFsCache> = RefCell::default();
    }
    CACHE.with(|c| {
        c.borrow_mut()
            .is_pseudo(meta.dev(), || fs_kind::magic_of_fd(file))
    })
}

/// The bytes of a file: a slice of the worker's buffer, or a read-only map.
pub enum FileBytes<'a> {
    /// Read into the reused buffer.
    Buffered(&'a [u8]),
    /// Mapped (lab scans).
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for FileBytes<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Buffered(b) => b,
            FileBytes::Mapped(m) => m,
        }
    }
}

/// What happened while reading, beside the bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadNotes {
    /// The file's size changed between open and the end of the read.
    pub size_changed: bool,
    /// Reading stopped at the limit although the file had more bytes.
    pub truncated_at_limit: bool,
}

/// A per-worker reader holding the reused buffer.
pub struct FileReader {
    buf: Vec<u8>,
    map_read_only_images: bool,
    /// When reading the current file must end, and the budget it was given.
    deadline: Option<(Instant, Duration)>,
}

impl FileReader {
    /// A reader; `map_read_only_images` maps every file (lab scans of read-only images). Live
    /// scans never map: a mapped file that another process truncates kills the process.
    pub fn new(map_read_only_images: bool) -> Self {
        FileReader {
            buf: Vec::new(),
            map_read_only_images,
            deadline: None,
        }
    }

    /// Starts the clock for the next file: reads stop with [`ReadError::TimedOut`] once
    /// `budget` has passed from now (checked after every `read()`). `None`: no deadline.
    pub fn set_deadline(&mut self, budget: Option<Duration>) {
        self.deadline = budget.map(|b| (Instant::now() + b, b));
    }

    /// Reads up to `n` bytes from the start of the file into the buffer (for the magic check),
    /// replacing what the buffer held.
    pub fn read_head(&mut self, f: &mut OpenedFile, n: usize) -> Result<&[u8], ReadError> {
        self.recycle();
        let want = n.min(usize::try_from(f.size).unwrap_or(usize::MAX));
        self.fill(f, want)?;
        Ok(&self.buf)
    }

    /// The whole file up to `limit` bytes, continuing after what [`read_head`](Self::read_head)
    /// read (which must have been called first).
    pub fn read_rest(
        &mut self,
        f: &mut OpenedFile,
        limit: u64,
    ) -> Result<(FileBytes<'_>, ReadNotes), ReadError> {
        let mut notes = ReadNotes::default();
        if self.map_read_only_images {
            if f.size == 0 {
                return Ok((FileBytes::Buffered(&[]), notes));
            }
            // SAFETY: memmap2 requires that the file is not modified while mapped. Only lab
            // scans (`--lab`, read-only images) map; a file truncated by another process while
            // mapped raises SIGBUS. Documented in the README's reliability section (spec §9).
            let map = unsafe { memmap2::MmapOptions::new().map(&f.file) }
                .map_err(|e| ReadError::from_io(&f.path, e))?;
            notes.truncated_at_limit = map.len() as u64 > limit;
            return Ok((FileBytes::Mapped(map), notes));
        }
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let cap = usize::try_from(f.size).unwrap_or(usize::MAX).min(limit);
        self.buf.reserve(cap.saturating_sub(self.buf.len()));
        if !self.fill(f, cap)? {
            // Shorter than at open: it shrank while being read.
            notes.size_changed = true;
            return Ok((FileBytes::Buffered(&self.buf), notes));
        }
        // One more byte? An unchanged file costs one read() that returns 0.
        let mut probe = [0u8; 1];
        if self.read_some(f, &mut probe)? == 0 {
            return Ok((FileBytes::Buffered(&self.buf), notes));
        }
        if self.buf.len() >= limit {
            notes.truncated_at_limit = true;
            notes.size_changed = f.size <= limit as u64;
            return Ok((FileBytes::Buffered(&self.buf), notes));
        }
        // It grew: read on up to the limit.
        notes.size_changed = true;
        self.buf.push(probe[0]);
        if self.fill(f, limit)? && self.read_some(f, &mut probe)? > 0 {
            notes.truncated_at_limit = true;
        }
        Ok((FileBytes::Buffered(&self.buf), notes))
    }

    /// Appends to the buffer, a chunk at a time, until it holds `upto` bytes (true) or the
    /// file ends (false).
    fn fill(&mut self, f: &mut OpenedFile, upto: usize) -> Result<bool, ReadError> {
        while self.buf.len() < upto {
            let start = self.buf.len();
            let want = (upto - start).min(READ_CHUNK);
            self.buf.resize(start + want, 0);
            let until = self.until();
            let got = read_full(&mut f.file, &mut self.buf[start..], until);
            let got = got.map_err(|e| self.error(f, e))?;
            self.buf.truncate(start + got);
            if got < want {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn read_some(&mut self, f: &mut OpenedFile, buf: &mut [u8]) -> Result<usize, ReadError> {
        read_full(&mut f.file, buf, self.until()).map_err(|e| self.error(f, e))
    }

    fn until(&self) -> Option<Instant> {
        self.deadline.map(|(until, _)| until)
    }

    /// A read error; a timeout past the deadline names the budget.
    fn error(&self, f: &OpenedFile, e: io::Error) -> ReadError {
        match self.deadline {
            Some((_, budget)) if e.kind() == io::ErrorKind::TimedOut => ReadError::TimedOut {
                path: f.path.clone(),
                after: budget,
            },
            _ => ReadError::from_io(&f.path, e),
        }
    }

    /// Clears the buffer, giving memory back when a large file left it oversized (at most
    /// [`RETAINED_BUFFER`] bytes stay allocated). Reading the next file does this too; call it
    /// directly to give the memory back before then.
    pub fn recycle(&mut self) {
        self.buf.clear();
        if self.buf.capacity() > RETAINED_BUFFER {
            self.buf.shrink_to(RETAINED_BUFFER);
        }
    }
}

/// Reads until `buf` is full or end of file; retries on EINTR. A non-blocking descriptor that
/// has no data (EAGAIN) is treated as end of data: regular files never say that. Past `until`
/// (checked after every `read()`), fails with [`io::ErrorKind::TimedOut`].
fn read_full(file: &mut File, buf: &mut [u8], until: Option<Instant>) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        if until.is_some_and(|u| Instant::now() >= u) {
            return Err(io::ErrorKind::TimedOut.into());
        }
        match file.read(&mut buf[done..]) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(reader: &mut FileReader, path: &Path, limit: u64) -> (Vec<u8>, ReadNotes) {
        let mut f = open_regular(path).unwrap();
        reader.read_head(&mut f, 4).unwrap();
        let (bytes, notes) = reader.read_rest(&mut f, limit).unwrap();
        (bytes.to_vec(), notes)
    }

    #[test]
    fn reads_whole_file_after_head() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a");
        std::fs::write(&p, b"hello world").unwrap();
        let mut r = FileReader::new(false);
        let (bytes, notes) = read_all(&mut r, &p, 100);
        assert_eq!(bytes, b"hello world");
        assert_eq!(notes, ReadNotes::default());
        // The buffer is reused for the next file.
        let q = dir.path().join("b");
        std::fs::write(&q, b"xy").unwrap();
        assert_eq!(read_all(&mut r, &q, 100).0, b"xy");
    }

    #[test]
    fn empty_file_reads_empty() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("empty");
        std::fs::write(&p, b"").unwrap();
        let mut r = FileReader::new(false);
        assert_eq!(read_all(&mut r, &p, 100).0, b"");
        let mut m = FileReader::new(true);
        assert_eq!(read_all(&mut m, &p, 100).0, b"");
    }

    #[test]
    fn mapped_read_gives_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("img");
        std::fs::write(&p, b"MZ\x90\x00 image").unwrap();
        let mut r = FileReader::new(true);
        assert_eq!(read_all(&mut r, &p, 100).0, b"MZ\x90\x00 image");
    }

    #[test]
    fn fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fifo");
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = open_regular(&p).err().unwrap();
        assert_eq!(e.skip_reason(), Some(SkipReason::NotRegularFile));
    }

    #[test]
    fn symlink_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t");
        std::fs::write(&target, b"x").unwrap();
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = open_regular(&link).err().unwrap();
        assert_eq!(e.skip_reason(), Some(SkipReason::NotRegularFile));
    }

    #[test]
    fn vanished_file_is_reported_as_vanished() {
        let e = open_regular(Path::new("/nonexistent/ratatosk/x"))
            .err()
            .unwrap();
        assert_eq!(e.skip_reason(), Some(SkipReason::Vanished));
    }

    #[test]
    fn growth_after_open_is_noted_and_bounded_by_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("grow");
        std::fs::write(&p, b"0123").unwrap();
        let mut f = open_regular(&p).unwrap();
        let mut w = std::fs::OpenOptions::new().append(true).open(&p).unwrap();
        w.write_all(b"456789").unwrap();
        let mut r = FileReader::new(false);
        r.read_head(&mut f, 2).unwrap();
        let (bytes, notes) = r.read_rest(&mut f, 8).unwrap();
        assert_eq!(&*bytes, b"01234567");
        assert!(notes.size_changed);
        assert!(notes.truncated_at_limit);
    }

    #[test]
    fn shrink_after_open_is_noted() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("shrink");
        std::fs::write(&p, b"0123456789").unwrap();
        let mut f = open_regular(&p).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .unwrap()
            .set_len(3)
            .unwrap();
        let mut r = FileReader::new(false);
        r.read_head(&mut f, 2).unwrap();
        let (bytes, notes) = r.read_rest(&mut f, 100).unwrap();
        assert_eq!(&*bytes, b"012");
        assert!(notes.size_changed);
    }

    #[test]
    fn size_at_limit_is_not_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        std::fs::write(&p, b"0123456789").unwrap();
        let mut r = FileReader::new(false);
        let (bytes, notes) = read_all(&mut r, &p, 6);
        assert_eq!(bytes, b"012345");
        assert_eq!(
            notes,
            ReadNotes {
                size_changed: false,
                truncated_at_limit: true
            }
        );
    }

    #[test]
    fn fifo_open_returns_at_once_even_without_a_writer() {
        // A plain open of a FIFO blocks until a writer appears; the non-blocking open does
        // not, and the fstat check refuses it.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fifo");
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let started = Instant::now();
        let e = open_regular(&p).err().unwrap();
        assert!(matches!(e, ReadError::NotRegularFile { .. }), "{e}");
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn devices_and_sockets_are_not_regular_files() {
        let e = open_regular(Path::new("/dev/null")).err().unwrap();
        assert_eq!(e.skip_reason(), Some(SkipReason::NotRegularFile));
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("sock");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let e = open_regular(&sock).err().unwrap();
        assert_eq!(e.skip_reason(), Some(SkipReason::NotRegularFile));
    }

    #[test]
    fn proc_files_are_on_a_pseudo_fs() {
        if !Path::new("/proc/self/status").exists() {
            return;
        }
        let e = open_regular(Path::new("/proc/self/status")).err().unwrap();
        assert_eq!(e.skip_reason(), Some(SkipReason::PseudoFs), "{e}");
    }

    #[test]
    fn file_below_path_max_is_opened_and_read() {
        let dir = tempfile::tempdir().unwrap();
        let deep = long_path::deep_tree(dir.path(), 24, 250);
        let p = deep.join("deep.txt");
        assert!(p.as_os_str().len() > 4096);
        let fd = long_path::open_path(&p, OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC);
        std::fs::File::from(fd.unwrap())
            .write_all(b"at the bottom")
            .unwrap();
        let mut r = FileReader::new(false);
        assert_eq!(read_all(&mut r, &p, 100).0, b"at the bottom");
    }

    #[test]
    fn slow_reads_end_at_the_deadline() {
        // A pipe fed one byte every 20 ms stands for a device that answers, slowly, forever.
        let (rx, mut tx) = std::io::pipe().unwrap();
        let feeder = std::thread::spawn(move || {
            while tx.write_all(b"x").is_ok() {
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let mut f = OpenedFile {
            file: File::from(OwnedFd::from(rx)),
            path: PathBuf::from("/slow"),
            size: 0,
        };
        let mut r = FileReader::new(false);
        r.set_deadline(Some(Duration::from_millis(300)));
        let started = Instant::now();
        r.read_head(&mut f, 4).unwrap();
        let e = r.read_rest(&mut f, u64::MAX).err().unwrap();
        let took = started.elapsed();
        assert!(
            matches!(&e, ReadError::TimedOut { path, after } if path == Path::new("/slow") && *after == Duration::from_millis(300)),
            "{e}"
        );
        assert_eq!(e.skip_reason(), Some(SkipReason::IoTimeout));
        assert!(
            took >= Duration::from_millis(300) && took < Duration::from_secs(3),
            "{took:?}"
        );
        drop(f);
        feeder.join().unwrap();
    }

    #[test]
    fn no_deadline_by_default_and_zero_budget_stops_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a");
        std::fs::write(&p, b"abc").unwrap();
        let mut r = FileReader::new(false);
        assert_eq!(read_all(&mut r, &p, 100).0, b"abc");
        r.set_deadline(Some(Duration::ZERO));
        let mut f = open_regular(&p).unwrap();
        let e = r.read_head(&mut f, 4).err().unwrap();
        assert!(matches!(e, ReadError::TimedOut { .. }), "{e}");
    }
}
