//! Support of the file-system fault tests (`e2e_fs_*`): the summary's bucket check, special
//! files, mounts that are undone when the test ends, and a run that watches the scanner's
//! process (open descriptors, anonymous memory, CPU time) while it works.
//!
//! Included with `#[path = "common/fs_faults.rs"] mod fs_faults;` next to `mod common;`.

// Each test binary uses a different part of the support.
#![allow(dead_code)]

use std::ffi::CString;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

pub use crate::common::assert_balanced;
use crate::common::{Run, drain, read_events};

/// A watched run taking longer than this is a hang.
const WATCHED_TIMEOUT: Duration = Duration::from_secs(120);

/// The summary's count of `skipped` for `reason` (0 when absent).
pub fn skipped(s: &Value, reason: &str) -> u64 {
    s["skipped"][reason].as_u64().unwrap_or(0)
}

/// Creates a named pipe.
pub fn mkfifo(path: &Path) {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "{path:?}");
}

/// Whether the tests run as root (mounts, `setpriv`).
pub fn is_root() -> bool {
    // SAFETY: no arguments, cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A mount made by a test; unmounted (lazily) when dropped, before the workspace is deleted,
/// so deleting the workspace never reaches into what was mounted.
pub struct Mount {
    at: PathBuf,
}

impl Mount {
    /// `mount <args> <at>`; `None` (with a note on stderr) when this sandbox does not allow it.
    pub fn new(args: &[&str], at: &Path) -> Option<Mount> {
        if !is_root() {
            eprintln!("note: not root, mount test part skipped");
            return None;
        }
        let out = Command::new("mount").args(args).arg(at).output().ok()?;
        if !out.status.success() {
            eprintln!(
                "note: `mount {args:?} {at:?}` is not allowed here ({}); part skipped",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return None;
        }
        Some(Mount {
            at: at.to_path_buf(),
        })
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.at).status();
    }
}

/// What was seen of the scanner process while it ran.
#[derive(Debug, Default, Clone, Copy)]
pub struct Watched {
    /// Most open descriptors at one sample.
    pub max_fds: usize,
    /// Most anonymous resident memory at one sample, in KiB (`RssAnon`).
    pub max_rss_anon_kib: u64,
    /// Samples taken.
    pub samples: usize,
}

/// Runs `cmd` like [`crate::common::run`], sampling the process every `every` and handing
/// each sample's `(pid, elapsed)` to `probe` as well.
pub fn run_watched(
    mut cmd: Command,
    jsonl: Option<PathBuf>,
    every: Duration,
    mut probe: impl FnMut(u32, Duration),
) -> (Run, Watched) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let pid = child.id();
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let mut watched = Watched::default();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > WATCHED_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        if let Some(fds) = open_fds(pid) {
            watched.max_fds = watched.max_fds.max(fds);
        }
        if let Some(anon) = status_kib(pid, "RssAnon:") {
            watched.max_rss_anon_kib = watched.max_rss_anon_kib.max(anon);
        }
        watched.samples += 1;
        probe(pid, started.elapsed());
        thread::sleep(every);
    };
    let elapsed = started.elapsed();
    let stdout = stdout.join().unwrap();
    let stderr = stderr.join().unwrap();
    let Some(status) = status else {
        panic!("ratatosk did not finish within {WATCHED_TIMEOUT:?}\n{stdout}\n{stderr}");
    };
    let events = read_events(jsonl);
    (
        Run {
            code: status.code(),
            stdout,
            stderr,
            elapsed,
            events,
        },
        watched,
    )
}

/// Open descriptors of a process.
pub fn open_fds(pid: u32) -> Option<usize> {
    Some(fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count())
}

/// A `kB` line of `/proc/<pid>/status`.
pub fn status_kib(pid: u32, key: &str) -> Option<u64> {
    let text = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// User plus system CPU time of a process so far, in clock ticks (`/proc/<pid>/stat`).
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; fields are counted after its closing parenthesis.
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// Creates `levels` nested folders named `name` below `root`, each made relative to the one
/// above (`mkdirat`/`openat`, so no call sees the long path), and writes `content` to `file` at
/// the bottom. Returns the file's full path, which may be far longer than `PATH_MAX`.
pub fn deep_file(root: &Path, name: &str, levels: usize, file: &str, content: &[u8]) -> PathBuf {
    let cname = CString::new(name).unwrap();
    let croot = CString::new(root.as_os_str().as_bytes()).unwrap();
    let flags = libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC;
    // SAFETY: valid NUL-terminated strings; every descriptor opened is closed below.
    unsafe {
        let mut dir = libc::open(croot.as_ptr(), flags);
        assert!(dir >= 0, "{root:?}");
        for _ in 0..levels {
            assert_eq!(libc::mkdirat(dir, cname.as_ptr(), 0o755), 0);
            let next = libc::openat(dir, cname.as_ptr(), flags);
            assert!(next >= 0);
            libc::close(dir);
            dir = next;
        }
        let cfile = CString::new(file).unwrap();
        let fd = libc::openat(
            dir,
            cfile.as_ptr(),
            libc::O_WRONLY | libc::O_CREAT | libc::O_CLOEXEC,
            0o644,
        );
        assert!(fd >= 0);
        assert_eq!(
            libc::write(fd, content.as_ptr().cast(), content.len()),
            content.len() as isize
        );
        libc::close(fd);
        libc::close(dir);
    }
    let mut path = root.to_path_buf();
    for _ in 0..levels {
        path.push(name);
    }
    path.join(file)
}
