//! The Hasher stage: reads a file once (into the worker's reused buffer, or mapped for lab
//! scans), applies THOR's type pre-filter on the first bytes, and computes the
//! digests in one pass. Runs on the scan worker threads, directly before the YaraMatcher on the
//! same bytes (see `workers.rs`).
//!
//! Everything that touches the disk (open, read, hashing a mapped file, hashing a name-only file
//! on demand) is an I/O phase of the worker's [`IoSlot`]: the watchdog gives up on a phase that
//! does not end, and the reader's own deadline ends one that is merely slow. Matching is not an
//! I/O phase; `--yara-timeout` bounds it.

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatosk::hash::{MultiHasher, digest};
use ratatosk::model::{FileJob, HashKinds, Hashes, SkipReason};
use ratatosk::read::{FileBytes, FileReader, ReadError, ReadNotes, open_regular};
use ratatosk::signatures::{externals, magic};

use crate::workers::IoSlot;

/// Bytes read first: enough for every magic header in the table.
const HEAD: usize = 4096;

/// Chunk used when a file is hashed without being buffered (name-only findings on files
/// skipped for size or type).
const STREAM_CHUNK: usize = 1024 * 1024;

/// What the Hasher hands on.
pub enum Hashed<'b> {
    /// The content, its digests and type.
    Content {
        /// The bytes.
        bytes: FileBytes<'b>,
        /// The digests.
        hashes: Hashes,
        /// Magic-header type.
        magic: Option<&'static str>,
        /// The `extension` external.
        extension: String,
        /// What happened while reading.
        notes: ReadNotes,
    },
    /// The content is not scanned (size limit or type pre-filter); only names are checked.
    NameOnly {
        /// Why the content is not scanned.
        reason: SkipReason,
        /// Magic-header type, when the head was read.
        magic: Option<&'static str>,
        /// The `extension` external.
        extension: String,
        /// The open file, for hashing on demand when a filename IOC matches.
        file: Option<ratatosk::read::OpenedFile>,
    },
}

/// The Hasher of one worker thread.
pub struct Hasher {
    reader: FileReader,
    kinds: HashKinds,
    prefilter: bool,
    max_file_size: u64,
    io_deadline: Option<Duration>,
    slot: Arc<IoSlot>,
}

impl Hasher {
    /// A hasher computing `kinds` (SHA256 always), with THOR's type pre-filter when
    /// `prefilter`, reading at most `max_file_size` bytes, mapping instead of reading when
    /// `map_files` (lab scans), each file's I/O bounded by `io_deadline` and watched through
    /// `slot`.
    pub fn new(
        kinds: HashKinds,
        prefilter: bool,
        max_file_size: u64,
        map_files: bool,
        io_deadline: Option<Duration>,
        slot: Arc<IoSlot>,
    ) -> Self {
        Hasher {
            reader: FileReader::new(map_files),
            kinds,
            prefilter,
            max_file_size,
            io_deadline,
            slot,
        }
    }

    /// Reads and hashes `job`'s file.
    pub fn process(&mut self, job: &FileJob) -> Result<Hashed<'_>, ReadError> {
        let extension = externals::extension(&job.path);
        if let Some(reason) = job.content_skip {
            return Ok(Hashed::NameOnly {
                reason,
                magic: None,
                extension,
                file: None,
            });
        }
        if !self.slot.begin(&job.path) {
            return Err(abandoned(job, self.io_deadline));
        }
        self.reader.set_deadline(self.io_deadline);
        let read = read_and_hash(
            &mut self.reader,
            job,
            extension,
            self.kinds,
            self.prefilter,
            self.max_file_size,
        );
        if !self.slot.end() {
            return Err(abandoned(job, self.io_deadline));
        }
        read
    }

    /// Gives back the memory a big file left in the read buffer (see
    /// [`FileReader::recycle`]).
    pub fn recycle(&mut self) {
        self.reader.recycle();
    }

    /// Hashes a file without buffering it (a name-only finding still carries its hashes).
    pub fn hash_stream(
        &self,
        job: &FileJob,
        file: Option<ratatosk::read::OpenedFile>,
    ) -> Result<Hashes, ReadError> {
        if !self.slot.begin(&job.path) {
            return Err(abandoned(job, self.io_deadline));
        }
        let hashed = self.stream(job, file);
        if !self.slot.end() {
            return Err(abandoned(job, self.io_deadline));
        }
        hashed
    }

    fn stream(
        &self,
        job: &FileJob,
        file: Option<ratatosk::read::OpenedFile>,
    ) -> Result<Hashes, ReadError> {
        let until = self.io_deadline.map(|d| (Instant::now() + d, d));
        let mut file = match file {
            Some(f) => f,
            None => open_regular(&job.path)?,
        };
        file.rewind().map_err(|source| ReadError::Io {
            path: job.path.clone(),
            source,
        })?;
        let mut h = MultiHasher::new(self.kinds);
        let mut buf = vec![0u8; STREAM_CHUNK];
        loop {
            if let Some((until, after)) = until
                && Instant::now() >= until
            {
                return Err(ReadError::TimedOut {
                    path: job.path.clone(),
                    after,
                });
            }
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => h.update(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(source) => {
                    return Err(ReadError::Io {
                        path: job.path.clone(),
                        source,
                    });
                }
            }
        }
        Ok(h.finish())
    }
}

/// The error of a file the watchdog gave up on (never reported: the watchdog did).
fn abandoned(job: &FileJob, deadline: Option<Duration>) -> ReadError {
    ReadError::TimedOut {
        path: job.path.clone(),
        after: deadline.unwrap_or_default(),
    }
}

/// Open, head, type pre-filter, the rest, digests: the I/O of one file.
fn read_and_hash<'r>(
    reader: &'r mut FileReader,
    job: &FileJob,
    extension: String,
    kinds: HashKinds,
    prefilter: bool,
    max_file_size: u64,
) -> Result<Hashed<'r>, ReadError> {
    let mut file = open_regular(&job.path)?;
    if file.size > max_file_size {
        return Ok(Hashed::NameOnly {
            reason: SkipReason::TooLarge,
            magic: None,
            extension,
            file: Some(file),
        });
    }
    let head = reader.read_head(&mut file, HEAD)?;
    let magic = magic::magic_type(head);
    if prefilter && !magic::is_relevant(&extension, magic) {
        return Ok(Hashed::NameOnly {
            reason: SkipReason::TypeFilter,
            magic,
            extension,
            file: Some(file),
        });
    }
    let (bytes, notes) = reader.read_rest(&mut file, max_file_size)?;
    // Hashing a mapped file faults its pages in: still I/O.
    let hashes = digest(&bytes, kinds);
    Ok(Hashed::Content {
        bytes,
        hashes,
        magic,
        extension,
        notes,
    })
}
