//! One-pass three-digest hashing ([`ratatosk::hash::digest`], each 16 KiB chunk fed to MD5,
//! SHA-1 and SHA-256 while it is in cache) against three separate passes over the buffer.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput};
use md5::Digest as _;
use ratatosk::hash::digest;
use ratatosk::model::HashKinds;

/// MD5 and SHA-1 on top of the SHA-256 that is always computed.
const ALL_KINDS: HashKinds = HashKinds {
    md5: true,
    sha1: true,
};

/// A small file (fits in L2) and a large one (does not fit in L2 on this machine).
const SIZES: [(usize, &str); 2] = [(64 * 1024, "64KiB"), (1024 * 1024, "1MiB")];

/// Deterministic, incompressible-looking bytes (xorshift64).
pub fn pseudo_random(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.extend_from_slice(&seed.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// The hashing benches.
pub fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("hash");
    for (size, label) in SIZES {
        let data = pseudo_random(size, 0x5eed);
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("one_pass", label), &data, |b, d| {
            b.iter(|| digest(black_box(d), ALL_KINDS))
        });
        group.bench_with_input(BenchmarkId::new("three_passes", label), &data, |b, d| {
            b.iter(|| {
                let d = black_box(d.as_slice());
                (
                    md5::Md5::digest(d),
                    sha1::Sha1::digest(d),
                    sha2::Sha256::digest(d),
                )
            })
        });
    }
    group.finish();
}
