//! `hash_tree`: the one-pass three-digest hashing reference of the throughput harness
//! (`benches/run.sh`, issue 4).
//!
//! Reads every file of a tree once, with the scanner's own reader ([`ratatosk::read`], one
//! reused buffer per thread), and computes MD5, SHA-1 and SHA-256 in one pass
//! ([`ratatosk::hash::digest`]) on `--threads` threads. It prints one `key=value` line: the
//! files and bytes hashed, the wall time, and the CPU time spent inside the digests alone, from
//! which the harness derives the hashing figure per core to set beside OpenSSL's.
//!
//! The digest time is the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), like `openssl speed`'s,
//! so the per-core figure does not depend on what else the machine runs.
//!
//! ```text
//! hash_tree TREE [--threads N] [--list MANIFEST.tsv]
//! ```
//!
//! The file list is `MANIFEST.tsv` (make_corpus.sh's `path<TAB>size` lines, relative to TREE)
//! when given, else a walk of TREE (regular files only, symlinks not followed).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ratatosk::hash::digest;
use ratatosk::model::HashKinds;
use ratatosk::read::{FileReader, ReadError, open_regular};
use thiserror::Error;

/// All three digests: the work ratatosk does per file when MD5 and SHA-1 IOCs are loaded.
const ALL_KINDS: HashKinds = HashKinds {
    md5: true,
    sha1: true,
};

/// Bytes read before the rest, as the scanner does for its magic check; any small value works.
const HEAD: usize = 4096;

/// Why the run failed.
#[derive(Debug, Error)]
enum HashTreeError {
    /// A command-line problem.
    #[error("{0}\nusage: hash_tree TREE [--threads N] [--list MANIFEST.tsv]")]
    Usage(String),
    /// The manifest could not be read.
    #[error("{path}: {source}")]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A folder of the tree could not be listed.
    #[error("{path}: {source}")]
    Walk {
        /// The folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A worker thread panicked.
    #[error("a hashing thread panicked")]
    Worker,
}

/// The parsed command line.
struct Args {
    tree: PathBuf,
    threads: usize,
    list: Option<PathBuf>,
}

/// What one thread did.
#[derive(Default)]
struct Tally {
    files: u64,
    bytes: u64,
    errors: u64,
    hashing: Duration,
    /// XOR of the first byte of every SHA-256, printed so the digests cannot be optimised out.
    fold: u8,
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hash_tree: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), HashTreeError> {
    let args = parse_args(std::env::args().skip(1))?;
    let files = match &args.list {
        Some(list) => from_manifest(&args.tree, list)?,
        None => {
            let mut out = Vec::new();
            walk(&args.tree, &mut out)?;
            out
        }
    };
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let tallies = std::thread::scope(|s| {
        let workers: Vec<_> = (0..args.threads)
            .map(|_| s.spawn(|| hash_files(&files, &next)))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().map_err(|_| HashTreeError::Worker))
            .collect::<Result<Vec<_>, _>>()
    })?;
    let wall = started.elapsed();
    let mut total = Tally::default();
    for t in tallies {
        total.files += t.files;
        total.bytes += t.bytes;
        total.errors += t.errors;
        total.hashing += t.hashing;
        total.fold ^= t.fold;
    }
    let mb = total.bytes as f64 / (1024.0 * 1024.0);
    println!(
        "files={} bytes={} errors={} threads={} wall_s={:.3} hash_cpu_s={:.3} \
         mb_per_s={:.1} hash_mb_per_s_per_core={:.1} fold={:02x}",
        total.files,
        total.bytes,
        total.errors,
        args.threads,
        wall.as_secs_f64(),
        total.hashing.as_secs_f64(),
        mb / wall.as_secs_f64().max(1e-9),
        mb / total.hashing.as_secs_f64().max(1e-9),
        total.fold,
    );
    Ok(())
}

/// Takes files from the shared list until it is exhausted, reading and hashing each.
fn hash_files(files: &[PathBuf], next: &AtomicUsize) -> Tally {
    let mut reader = FileReader::new(false);
    let mut tally = Tally::default();
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(path) = files.get(i) else {
            return tally;
        };
        match hash_one(&mut reader, path, &mut tally) {
            Ok(()) => tally.files += 1,
            Err(_) => tally.errors += 1,
        }
    }
}

/// Reads `path` once and hashes its bytes with all three digests.
fn hash_one(reader: &mut FileReader, path: &Path, tally: &mut Tally) -> Result<(), ReadError> {
    let mut file = open_regular(path)?;
    reader.read_head(&mut file, HEAD)?;
    let (bytes, _notes) = reader.read_rest(&mut file, u64::MAX)?;
    let started = thread_cpu_time();
    let hashes = black_box(digest(&bytes, ALL_KINDS));
    tally.hashing += thread_cpu_time().saturating_sub(started);
    tally.bytes += bytes.len() as u64;
    tally.fold ^= hashes.sha256.0[0];
    Ok(())
}

/// CPU time consumed by the calling thread so far (zero should the clock be unavailable,
/// which Linux never does for this clock).
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call, and
    // CLOCK_THREAD_CPUTIME_ID is a clock every Linux kernel provides.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, HashTreeError> {
    let mut tree = None;
    let mut threads = 1;
    let mut list = None;
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--threads" => {
                let v = it
                    .next()
                    .ok_or_else(|| HashTreeError::Usage("--threads needs a value".into()))?;
                threads =
                    v.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
                        HashTreeError::Usage(format!("bad --threads value `{v}`"))
                    })?;
            }
            "--list" => {
                let v = it
                    .next()
                    .ok_or_else(|| HashTreeError::Usage("--list needs a value".into()))?;
                list = Some(PathBuf::from(v));
            }
            other if other.starts_with('-') => {
                return Err(HashTreeError::Usage(format!("unknown flag `{other}`")));
            }
            other => {
                if tree.replace(PathBuf::from(other)).is_some() {
                    return Err(HashTreeError::Usage("only one TREE".into()));
                }
            }
        }
    }
    let tree = tree.ok_or_else(|| HashTreeError::Usage("TREE is missing".into()))?;
    Ok(Args {
        tree,
        threads,
        list,
    })
}

/// The files of make_corpus.sh's manifest (`path<TAB>size`, a header line first).
fn from_manifest(tree: &Path, list: &Path) -> Result<Vec<PathBuf>, HashTreeError> {
    let text = std::fs::read_to_string(list).map_err(|source| HashTreeError::Manifest {
        path: list.to_path_buf(),
        source,
    })?;
    Ok(text
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .filter(|rel| !rel.is_empty())
        .map(|rel| tree.join(rel))
        .collect())
}

/// Every regular file under `dir`, depth first; symlinks are not followed.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), HashTreeError> {
    let entries = std::fs::read_dir(dir).map_err(|source| HashTreeError::Walk {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| HashTreeError::Walk {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, out)?,
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
    Ok(())
}
