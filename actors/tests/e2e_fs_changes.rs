//! Files that change while the scan runs, end to end: a writer truncates, rewrites, grows,
//! deletes and recreates files in a loop while the scanner reads them. A live scan reads into
//! buffers and never maps a file, so a file truncated under it cannot raise SIGBUS: the scan
//! exits normally every time, and every entry it saw is in one bucket (scanned, or skipped as
//! vanished).

mod common;
#[path = "common/fs_faults.rs"]
mod fs_faults;

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;

use common::{Workspace, tree};
use fs_faults::{assert_balanced, skipped};

/// Files rewritten in place (always present).
const STABLE: usize = 300;
/// Files deleted and recreated (present or not when the walk passes).
const FLICKERING: usize = 100;
/// Size of each file: several reads, and large enough that a truncation lands mid-read.
const SIZE: usize = 256 * 1024;
/// Scans run while the writer works.
const RUNS: usize = 3;

#[test]
fn files_truncated_grown_and_deleted_during_the_scan_do_not_kill_it() {
    let ws = Workspace::new();
    let content = {
        let mut c = tree::eicar().into_bytes();
        c.resize(SIZE, b'A');
        c
    };
    let stable: Vec<PathBuf> = (0..STABLE)
        .map(|i| ws.write(format!("stable/{}/f{i}.bin", i % 10), &content))
        .collect();
    let flicker: Vec<PathBuf> = (0..FLICKERING)
        .map(|i| ws.write(format!("flicker/f{i}.bin"), &content))
        .collect();

    let stop = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicU64::new(0));
    let writer = {
        let (stop, rounds) = (Arc::clone(&stop), Arc::clone(&rounds));
        thread::spawn(move || {
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                for (i, p) in stable.iter().enumerate() {
                    let mut f = fs::OpenOptions::new().write(true).open(p).unwrap();
                    match (n + i) % 3 {
                        // Truncate to nothing, then write back a shorter file.
                        0 => {
                            f.set_len(0).unwrap();
                            f.write_all(&content[..SIZE / 3]).unwrap();
                        }
                        // Grow.
                        1 => {
                            f.set_len(0).unwrap();
                            f.write_all(&content).unwrap();
                            f.write_all(&content[..SIZE / 2]).unwrap();
                        }
                        // Back to the original.
                        _ => {
                            f.set_len(0).unwrap();
                            f.write_all(&content).unwrap();
                        }
                    }
                }
                for p in &flicker {
                    let _ = fs::remove_file(p);
                    fs::write(p, &content).unwrap();
                }
                n += 1;
                rounds.fetch_add(1, Ordering::Relaxed);
            }
        })
    };

    for _ in 0..RUNS {
        let run = ws.scan(["--allfiles"]);
        // 0 or 1 (the EICAR head may be caught or not): never a signal, never 2.
        assert!(
            matches!(run.code, Some(0 | 1)),
            "exit {:?}\n{}",
            run.code,
            run.stderr
        );
        let s = assert_balanced(&run);
        let seen = s["seen"].as_u64().unwrap();
        assert!(
            (STABLE as u64..=(STABLE + FLICKERING) as u64).contains(&seen),
            "{s:#}"
        );
        // The rest are files seen by the walk and gone before they were opened.
        assert_eq!(
            s["scanned"].as_u64().unwrap() + skipped(s, "vanished"),
            seen,
            "{s:#}"
        );
        assert_eq!(s["errors"], 0, "{s:#}");
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    assert!(
        rounds.load(Ordering::Relaxed) >= 1,
        "the writer was at work during the scans"
    );
}
