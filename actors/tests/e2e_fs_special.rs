//! File-system faults, end to end: special files (FIFOs, sockets, devices) in a tree and given
//! as `-p`, symlinks (not followed; followed through loops, mazes and links to `/`, `/proc/self`
//! and `/dev/fd`), pseudo and other file systems (through links and bind mounts), and a read
//! that never returns (ended by the per-file I/O deadline while idle workers use no CPU).
//! Every run also checks that each entry ends in exactly one bucket.

mod common;
#[path = "common/fs_faults.rs"]
mod fs_faults;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::net::UnixListener;
use std::path::Path;
use std::time::Duration;

use common::{Workspace, tree};
use fs_faults::{Mount, assert_balanced, mkfifo, skipped};

/// Far more than any of these scans needs; a hang shows as a failed assertion, not a stuck test
/// (the harness also kills a run after 60 s).
const QUICK: Duration = Duration::from_secs(10);

fn symlink(target: impl AsRef<Path>, at: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[test]
fn fifos_sockets_and_devices_are_skipped_in_a_tree_and_as_paths() {
    let ws = Workspace::new();
    ws.write("files/eicar.com", tree::eicar());
    // A pipe nobody writes to (a blocking open would wait forever) and one a writer holds
    // open without writing (a blocking read would wait forever).
    let idle = ws.tree().join("files/idle.exe");
    mkfifo(&idle);
    let held = ws.tree().join("files/held.exe");
    mkfifo(&held);
    let _writer = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&held)
        .unwrap();
    let sock = ws.tree().join("files/sock.exe");
    let _listener = UnixListener::bind(&sock).unwrap();

    let run = ws.scan([
        OsStr::new("-p"),
        OsStr::new("/dev/null"),
        OsStr::new("-p"),
        OsStr::new("/dev/zero"),
        OsStr::new("-p"),
        held.as_os_str(),
        OsStr::new("-p"),
        sock.as_os_str(),
    ]);
    run.assert_code(1);
    assert!(run.elapsed < QUICK, "{:?}", run.elapsed);
    assert_eq!(run.findings().len(), 1);
    run.finding("eicar.com");
    let s = assert_balanced(&run);
    // In the tree: 2 pipes and the socket; as paths: 2 devices, a pipe and the socket.
    assert_eq!(skipped(s, "not_regular_file"), 7, "{s:#}");
    assert_eq!(s["seen"], 8, "{s:#}");
    assert_eq!(s["scanned"], 1, "{s:#}");
}

#[test]
fn symlinks_are_not_followed_by_default() {
    let ws = Workspace::new();
    let outside = ws.tree().parent().unwrap().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("eicar.com"), tree::eicar()).unwrap();
    ws.write("home/notes.txt", "notes\n");
    symlink(&outside, ws.tree().join("home/dir-link"));
    symlink(
        outside.join("eicar.com"),
        ws.tree().join("home/file-link.com"),
    );
    let run = ws.scan::<_, &str>([]);
    run.assert_code(0);
    assert!(run.findings().is_empty(), "{:#?}", run.findings());
    let s = assert_balanced(&run);
    assert_eq!(skipped(s, "symlink"), 2, "{s:#}");
    assert_eq!(s["seen"], 3, "{s:#}");
}

#[test]
fn followed_symlinks_end_on_loops_mazes_and_links_into_proc_and_dev_fd() {
    let ws = Workspace::new();
    let t = ws.tree();
    let outside = t.parent().unwrap().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("eicar2.com"), tree::eicar()).unwrap();
    ws.write("real/eicar.com", tree::eicar());
    ws.write("real/notes.txt", "notes\n");
    symlink(&t, t.join("loop")); // back to the root of the scan
    symlink("..", t.join("real/up")); // relative, to an ancestor
    symlink("m2", t.join("m1")); // a maze: m1 → m2 → m1
    symlink("m1", t.join("m2"));
    symlink("me", t.join("me")); // to itself
    symlink("/proc/self", t.join("proc-self"));
    symlink("/dev/fd", t.join("dev-fd"));
    symlink("/proc", t.join("proc"));
    symlink(&outside, t.join("ext")); // a folder outside the tree: entered once
    symlink(outside.join("eicar2.com"), t.join("ext-file.com")); // the same file again

    let run = ws.scan(["--follow-symlinks"]);
    run.assert_code(1);
    assert!(run.elapsed < QUICK, "{:?}", run.elapsed);
    let findings = run.findings();
    assert_eq!(findings.len(), 2, "{findings:#?}");
    run.finding("real/eicar.com");
    assert!(
        findings.iter().any(|f| f["subject"]["file"]["path"]
            .as_str()
            .unwrap()
            .ends_with("/eicar2.com")),
        "{findings:#?}"
    );
    let s = assert_balanced(&run);
    // loop, real/up, m1, m2, me, and eicar2.com under its second name.
    assert_eq!(skipped(s, "already_visited"), 6, "{s:#}");
    assert_eq!(skipped(s, "pseudo_fs"), 3, "{s:#}");
    assert_eq!(s["seen"], 12, "{s:#}");
}

/// A link to `/` is followed into the whole file system, where the walk meets the scanned tree
/// again and stops there: every folder is entered once. At each level on the way from `/` to
/// the tree every other entry is excluded, to keep the test quick and away from the files of
/// tests running beside it.
#[test]
fn followed_link_to_the_root_folder_meets_the_tree_once() {
    let ws = Workspace::new();
    let t = ws.tree();
    ws.write("real/eicar.com", tree::eicar());
    symlink("/", t.join("slash"));
    let ws_root = t.parent().unwrap();
    let mut excludes = String::new();
    let mut through = t.join("slash");
    for part in ws_root.strip_prefix("/").unwrap().iter() {
        excludes.push_str(&all_but(&through, part.to_str().unwrap()));
        through.push(part);
    }
    let excludes = ws.write_aside("excludes.cfg", &excludes);
    let run = ws.scan([
        OsStr::new("--follow-symlinks"),
        OsStr::new("--excludes"),
        excludes.as_os_str(),
    ]);
    run.assert_code(1);
    assert!(run.elapsed < QUICK, "{:?}", run.elapsed);
    // Found once, under the tree's own name, not again under slash/…/tree.
    assert_eq!(run.findings().len(), 1, "{:#?}", run.findings());
    run.finding("real/eicar.com");
    let s = assert_balanced(&run);
    // slash/…/<workspace>/tree is the tree, entered already.
    assert_eq!(skipped(s, "already_visited"), 1, "{s:#}");
}

/// An exclude line matching every child of `dir` except `keep`: the complement of one name,
/// spelled without look-ahead (shorter prefixes, a first differing character, or longer).
fn all_but(dir: &Path, keep: &str) -> String {
    let class = |c: char| {
        if c.is_ascii_alphanumeric() {
            c.to_string()
        } else {
            format!("\\{c}")
        }
    };
    let chars: Vec<char> = keep.chars().collect();
    let mut alts = Vec::new();
    for i in 0..chars.len() {
        let prefix: String = chars[..i].iter().collect();
        let prefix = regex_escape(&prefix);
        if i > 0 {
            alts.push(prefix.clone());
        }
        alts.push(format!("{prefix}[^/{}][^/]*", class(chars[i])));
    }
    alts.push(format!("{}[^/]+", regex_escape(keep)));
    format!(
        "^{}/(?:{})$\n",
        regex_escape(dir.to_str().unwrap()),
        alts.join("|")
    )
}

#[test]
fn pseudo_file_systems_are_skipped_through_links_and_bind_mounts() {
    let ws = Workspace::new();
    ws.write("files/eicar.com", tree::eicar());
    symlink("/proc", ws.tree().join("proc-link"));
    symlink("/sys", ws.tree().join("sys-link"));
    fs::create_dir(ws.tree().join("bound")).unwrap();
    let bind = Mount::new(&["--bind", "/proc"], &ws.tree().join("bound"));

    // A pseudo file system given directly, and a file on one.
    let run = ws.scan([
        "--follow-symlinks",
        "--alldrives",
        "-p",
        "/proc/self/status",
    ]);
    run.assert_code(1);
    assert!(run.elapsed < QUICK, "{:?}", run.elapsed);
    let s = assert_balanced(&run);
    let mounts = if bind.is_some() { 1 } else { 0 };
    // proc-link, sys-link, the bind mount (skipped once, as one entry), and the file.
    assert_eq!(skipped(s, "pseudo_fs"), 3 + mounts, "{s:#}");
    assert_eq!(s["seen"], 4 + mounts, "{s:#}");
    assert_eq!(s["scanned"], 1, "{s:#}");
    if bind.is_some() {
        // Without following links, the bind mount is still a pseudo file system.
        let run = ws.scan::<_, &str>([]);
        let s = assert_balanced(&run);
        assert_eq!(skipped(s, "pseudo_fs"), 1, "{s:#}");
        assert_eq!(skipped(s, "symlink"), 2, "{s:#}");
    }
}

#[test]
fn other_file_systems_are_entered_only_with_alldrives() {
    let ws = Workspace::new();
    ws.write("files/notes.txt", "notes\n");
    let mnt = ws.tree().join("mnt");
    fs::create_dir(&mnt).unwrap();
    let Some(_tmpfs) = Mount::new(&["-t", "tmpfs", "-o", "size=1m", "ratatosk-test"], &mnt) else {
        return;
    };
    fs::write(mnt.join("eicar.com"), tree::eicar()).unwrap();

    let run = ws.scan::<_, &str>([]);
    run.assert_code(0);
    let s = assert_balanced(&run);
    assert_eq!(skipped(s, "other_filesystem"), 1, "{s:#}");
    assert!(run.findings().is_empty());

    let run = ws.scan(["--alldrives"]);
    run.assert_code(1);
    assert_balanced(&run);
    run.finding("mnt/eicar.com");
}

/// A read that never returns (in the test mode named pipes are read, blocking, and the test
/// holds the writing end without writing) is ended by the I/O deadline; the file is reported
/// `io_timeout`, a fresh worker takes over, and the scan finishes. While the stuck read waits,
/// the process uses no CPU: idle workers block on the jobs channel and the watchdog sleeps.
#[test]
fn a_stalled_read_ends_at_the_io_deadline_and_idle_workers_do_not_spin() {
    let ws = Workspace::new();
    for i in 0..20 {
        ws.write(format!("files/f{i}.txt"), format!("file {i}\n"));
    }
    ws.write("files/eicar.com", tree::eicar());
    let stall = ws.tree().join("files/stall.exe");
    mkfifo(&stall);
    let _writer = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&stall)
        .unwrap();
    // Compile the rules once, so the measured run only loads them.
    ws.run([OsStr::new("-p"), ws.cwd().as_os_str()])
        .assert_code(0);
    let mut cmd = ws.command();
    cmd.env("RATATOSK_TEST_READ_FIFOS", "1")
        .env("RATATOSK_IO_DEADLINE", "3")
        .arg("-p")
        .arg(ws.tree())
        .arg("--jsonfile")
        .arg(ws.out(common::JSONL));
    let mut ticks = Vec::new();
    let (run, _) = fs_faults::run_watched(
        cmd,
        Some(ws.out(common::JSONL)),
        Duration::from_millis(50),
        |pid, at| {
            if let Some(t) = fs_faults::cpu_ticks(pid) {
                ticks.push((at, t));
            }
        },
    );
    run.assert_code(1);
    // 3 s deadline + 0.75 s grace, then the summary.
    assert!(
        run.elapsed >= Duration::from_secs(3) && run.elapsed < QUICK,
        "{:?}",
        run.elapsed
    );
    let s = assert_balanced(&run);
    assert_eq!(skipped(s, "io_timeout"), 1, "{s:#}");
    assert_eq!(s["seen"], 22, "{s:#}");
    run.finding("eicar.com");
    let warned: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("stall.exe"))
        .collect();
    assert_eq!(warned.len(), 1, "{}", run.stderr);
    assert!(
        warned[0].contains("not scanned: reading did not finish within the I/O deadline"),
        "{}",
        warned[0]
    );
    // CPU time spent between 1.5 s and 2.9 s, while one read is stuck and all else is done.
    let at = |secs: f64| {
        ticks
            .iter()
            .find(|(t, _)| *t >= Duration::from_secs_f64(secs))
            .map(|(_, n)| *n)
            .unwrap()
    };
    let busy = at(2.9) - at(1.5);
    assert!(busy <= 3, "{busy} clock ticks of CPU while idle: {ticks:?}");
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
