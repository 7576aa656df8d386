//! Criterion benches of the scanner's hot paths (issue 4): one-pass three-digest hashing
//! against three separate passes, the read path (buffered read against mmap, by size), a scan
//! of one buffer with the full signature-base rule set, and filename-IOC matching of a path
//! against all signature-base filename patterns.
//!
//! `cargo bench -p ratatosk --bench hot_paths` (add `-- FILTER` to run some). The rule-set
//! benches need signature-base (`../shared/bench/signature-base`, or the folder named by
//! `RATATOSK_SIGNATURE_BASE`) and are skipped, saying so, without it. Sample counts are small so
//! the whole run takes a few minutes on two cores; the whole-tree figures come from
//! `benches/run.sh`.

mod filename_iocs;
mod hashing;
mod read_path;
mod rule_scan;
mod sigbase;

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

/// Ten samples, one second of warm-up and three of measurement per bench: enough to see the
/// differences these benches are about (factors, not percents) in a few minutes overall.
fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = hot_paths;
    config = config();
    targets = hashing::bench, read_path::bench, rule_scan::bench, filename_iocs::bench
}
criterion_main!(hot_paths);
