//! Reading a file once, safely.
//!
//! A file is opened non-blocking and without following a symlink, and `fstat` on the descriptor
//! must say "regular file" before a byte is read: a file swapped for a FIFO between listing and
//! opening cannot hang the scan. Live scans read into a buffer that each worker reuses file after
//! file; memory-mapping is reserved for lab scans of read-only images and for files too large to
//! buffer, because a mapped file that another process truncates raises SIGBUS, which no Rust code
//! can recover from (spec §9). That is the one documented `unsafe` of the crate.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::model::SkipReason;

/// Buffers larger than this are given back to the allocator after the file: the per-thread
/// anonymous-memory budget is 64 MiB plus the file being scanned (issue 4, goal 6).
const RETAINED_BUFFER: usize = 64 * 1024 * 1024;

/// Files above this size are mapped rather than buffered even on live scans: buffering them
/// would cost more memory than the whole scan otherwise uses.
pub const MAP_ABOVE: u64 = 512 * 1024 * 1024;

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

/// Opens `path` for reading: non-blocking, no-follow, close-on-exec, and checked with `fstat` to
/// be a regular file.
pub fn open_regular(path: &Path) -> Result<OpenedFile, ReadError> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| ReadError::from_io(path, e))?;
    let meta = file.metadata().map_err(|e| ReadError::from_io(path, e))?;
    let ft = meta.file_type();
    if !ft.is_file() || ft.is_fifo() || ft.is_socket() || ft.is_block_device() {
        return Err(ReadError::NotRegularFile {
            path: path.to_path_buf(),
        });
    }
    Ok(OpenedFile {
        file,
        path: path.to_path_buf(),
        size: meta.len(),
    })
}

/// The bytes of a file: a slice of the worker's buffer, or a read-only map.
pub enum FileBytes<'a> {
    /// Read into the reused buffer.
    Buffered(&'a [u8]),
    /// Mapped (lab scans, very large files).
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
}

impl FileReader {
    /// A reader; `map_read_only_images` maps every file (lab scans of read-only images).
    pub fn new(map_read_only_images: bool) -> Self {
        FileReader {
            buf: Vec::new(),
            map_read_only_images,
        }
    }

    /// Reads up to `n` bytes from the start of the file into the buffer (for the magic check),
    /// replacing what the buffer held.
    pub fn read_head(&mut self, f: &mut OpenedFile, n: usize) -> Result<&[u8], ReadError> {
        self.recycle();
        let want = n.min(usize::try_from(f.size).unwrap_or(usize::MAX));
        self.buf.resize(want, 0);
        let got =
            read_full(&mut f.file, &mut self.buf).map_err(|e| ReadError::from_io(&f.path, e))?;
        self.buf.truncate(got);
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
        if self.map_read_only_images || f.size > MAP_ABOVE {
            if f.size == 0 {
                return Ok((FileBytes::Buffered(&[]), notes));
            }
            // SAFETY: memmap2 requires that the file is not modified while mapped. This path is
            // taken for lab scans of read-only images and for files above `MAP_ABOVE`; a live
            // file truncated by another process while mapped raises SIGBUS. Documented in the
            // README's reliability section (spec §9).
            let map = unsafe { memmap2::MmapOptions::new().map(&f.file) }
                .map_err(|e| ReadError::from_io(&f.path, e))?;
            notes.truncated_at_limit = map.len() as u64 > limit;
            return Ok((FileBytes::Mapped(map), notes));
        }
        let cap = usize::try_from(f.size.min(limit)).unwrap_or(usize::MAX);
        let start = self.buf.len();
        if cap > start {
            self.buf.resize(cap, 0);
            let got = read_full(&mut f.file, &mut self.buf[start..])
                .map_err(|e| ReadError::from_io(&f.path, e))?;
            self.buf.truncate(start + got);
            if got < cap - start {
                notes.size_changed = true;
            }
        }
        // A file that grew: read on until the limit, one probe byte at a time first so an
        // unchanged file costs one extra read() that returns 0.
        let mut probe = [0u8; 1];
        let more =
            read_full(&mut f.file, &mut probe).map_err(|e| ReadError::from_io(&f.path, e))?;
        if more > 0 {
            notes.size_changed = true;
            if (self.buf.len() as u64) < limit {
                self.buf.push(probe[0]);
                let room = usize::try_from(limit).unwrap_or(usize::MAX) - self.buf.len();
                let mut taken = (&mut f.file).take(room as u64);
                taken
                    .read_to_end(&mut self.buf)
                    .map_err(|e| ReadError::from_io(&f.path, e))?;
            }
            let mut probe2 = [0u8; 1];
            if read_full(&mut f.file, &mut probe2).map_err(|e| ReadError::from_io(&f.path, e))? > 0
            {
                notes.truncated_at_limit = true;
            }
        }
        Ok((FileBytes::Buffered(&self.buf), notes))
    }

    /// Clears the buffer, giving memory back when a large file left it oversized.
    fn recycle(&mut self) {
        self.buf.clear();
        if self.buf.capacity() > RETAINED_BUFFER {
            self.buf.shrink_to(RETAINED_BUFFER);
        }
    }
}

/// Reads until `buf` is full or end of file; retries on EINTR. A non-blocking descriptor that
/// has no data (EAGAIN) is treated as end of data: regular files never say that.
fn read_full(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
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
}
