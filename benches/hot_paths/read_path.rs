//! The read path ([`ratatosk::read`]): a file read into the worker's reused buffer against the
//! same file memory-mapped, at 4 KiB, 1 MiB and 32 MiB. The files sit in the page cache, so
//! this measures copying and mapping costs, not the disk. Every 4096th byte is touched after
//! the read so a mapping pays for its page faults as a scan would.

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput};
use ratatosk::read::{FileReader, ReadError, open_regular};

use super::hashing::pseudo_random;

/// The sizes compared: a tiny file, a typical binary, a large one.
const SIZES: [(usize, &str); 3] = [
    (4 * 1024, "4KiB"),
    (1024 * 1024, "1MiB"),
    (32 * 1024 * 1024, "32MiB"),
];

/// Bytes the scanner reads first for its magic check.
const HEAD: usize = 4096;

/// A page: the stride at which the bytes are touched.
const PAGE: usize = 4096;

/// Opens, reads (or maps) and touches one file; returns a byte derived from its content.
fn read_once(reader: &mut FileReader, path: &Path) -> Result<u8, ReadError> {
    let mut file = open_regular(path)?;
    reader.read_head(&mut file, HEAD)?;
    let (bytes, _notes) = reader.read_rest(&mut file, u64::MAX)?;
    Ok(bytes.iter().step_by(PAGE).fold(0u8, |acc, b| acc ^ b))
}

/// The read-path benches.
pub fn bench(c: &mut Criterion) {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("read_path: skipped, no temporary folder: {e}");
            return;
        }
    };
    let mut group = c.benchmark_group("read");
    for (size, label) in SIZES {
        let path = dir.path().join(label);
        if let Err(e) = std::fs::write(&path, pseudo_random(size, size as u64)) {
            eprintln!(
                "read_path: {label} skipped, cannot write {}: {e}",
                path.display()
            );
            continue;
        }
        group.throughput(Throughput::Bytes(size as u64));
        for (name, map) in [("buffered", false), ("mmap", true)] {
            let mut reader = FileReader::new(map);
            group.bench_with_input(BenchmarkId::new(name, label), &path, |b, p| {
                b.iter(|| read_once(&mut reader, black_box(p)).ok())
            });
        }
    }
    group.finish();
}
