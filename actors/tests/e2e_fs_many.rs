//! Many files, end to end: 20,000 files in one folder and a tree of 10,000 more are scanned
//! with a bounded number of open descriptors (sampled from `/proc/<pid>/fd` while the scan
//! runs): the walk holds at most two per folder being listed, each worker one file, whatever
//! the size of the tree. Memory was measured separately (see the test's note); timings are not
//! asserted.

mod common;
#[path = "common/fs_faults.rs"]
mod fs_faults;

use std::fs;
use std::time::Duration;

use common::{JSONL, Workspace, tree};
use fs_faults::{Mount, assert_balanced, run_watched};

/// Files in the flat folder.
const FLAT: usize = 20_000;
/// Folders and files per folder of the nested tree (100 × 100 = 10,000 files, 3 levels).
const FANOUT: usize = 100;

/// Open descriptors the scanner may hold: stdio, outputs, the rules cache, the runtime's
/// (epoll, eventfd, signal pipe), the walk's two, one per worker, and slack. A leak of one
/// descriptor per file or per folder is far beyond it.
const MAX_FDS: usize = 48;

#[test]
fn twenty_thousand_files_in_one_folder_and_a_deep_tree_keep_descriptors_bounded() {
    let ws = Workspace::new();
    // Creating 30,000 files on this machine's disk takes longer than the scan; on tmpfs it
    // takes a second. Without the right to mount, the disk it is.
    let _tmpfs = Mount::new(
        &["-t", "tmpfs", "-o", "size=256m", "ratatosk-many"],
        &ws.tree(),
    );
    let flat = ws.tree().join("flat");
    fs::create_dir(&flat).unwrap();
    for i in 0..FLAT {
        fs::write(flat.join(format!("f{i:05}.txt")), b"x").unwrap();
    }
    for d in 0..FANOUT {
        let dir = ws.tree().join(format!("nested/d{}/e{d}", d % 10));
        fs::create_dir_all(&dir).unwrap();
        for i in 0..FANOUT {
            fs::write(dir.join(format!("g{i}.js")), b"var x = 1;\n").unwrap();
        }
    }
    ws.write("nested/d3/e3/eicar.com", tree::eicar());

    let mut cmd = ws.command();
    cmd.args(["--allfiles", "-p"])
        .arg(ws.tree())
        .arg("--jsonfile")
        .arg(ws.out(JSONL));
    let (run, watched) = run_watched(
        cmd,
        Some(ws.out(JSONL)),
        Duration::from_millis(20),
        |_, _| {},
    );
    eprintln!(
        "{} files: {:?}, at most {} descriptors and {} KiB anonymous memory over {} samples",
        FLAT + FANOUT * FANOUT + 1,
        run.elapsed,
        watched.max_fds,
        watched.max_rss_anon_kib,
        watched.samples
    );
    run.assert_code(1);
    let s = assert_balanced(&run);
    assert_eq!(s["seen"], FLAT + FANOUT * FANOUT + 1, "{s:#}");
    assert_eq!(s["scanned"], FLAT + FANOUT * FANOUT + 1, "{s:#}");
    assert_eq!(run.findings().len(), 1);
    assert!(watched.samples >= 3, "{watched:?}");
    assert!(
        watched.max_fds > 0 && watched.max_fds <= MAX_FDS,
        "{watched:?}"
    );
}
