//! Filename-IOC matching: one path against every signature-base filename pattern in one pass
//! ([`SignatureSet::filename_reasons`]), as written and rewritten for Unix paths
//! (`--cross-platform`), for a path that matches nothing (the common case) and one that
//! matches a double-extension IOC.

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion};
use ratatosk::signatures::SignatureSet;

use super::sigbase;

/// A path matching no IOC, and one matching signature-base's double-extension patterns.
const PATHS: [(&str, &str); 2] = [
    (
        "miss",
        "/usr/lib/python3/dist-packages/setuptools/_vendor/packaging/specifiers.py",
    ),
    ("hit", "/home/alice/Downloads/mail/invoice.pdf.exe"),
];

/// The filename-IOC benches.
pub fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("filename_iocs");
    for (mode, cross_platform) in [("native", false), ("cross_platform", true)] {
        let Some(set) = sigbase::load(cross_platform) else {
            return;
        };
        eprintln!(
            "filename_iocs: {} patterns ({mode})",
            set.counts().filename_iocs
        );
        for (label, path) in PATHS {
            let id = BenchmarkId::new(mode, label);
            group.bench_with_input(id, Path::new(path), |b, p| {
                b.iter(|| reasons(&set, black_box(p)))
            });
        }
    }
    group.finish();
}

/// The reasons for `path` (their count, so the vector is built and dropped as in a scan).
fn reasons(set: &SignatureSet, path: &Path) -> usize {
    set.filename_reasons(path).len()
}
