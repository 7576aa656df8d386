//! Shared support of the end-to-end tests: runs the real `ratatosk` binary in a throw-away
//! workspace (a temporary folder holding the tree to scan, the outputs, the compiled-rules cache
//! and an empty working folder, so no stray `custom-signatures/` or `conf/` is picked up and
//! nothing is written to `~/.cache`), with a time limit, and parses what it wrote.

// Each test binary uses a different part of the support.
#![allow(dead_code)]

pub mod fake_vt;
pub mod full;
pub mod tree;

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use fake_vt::FakeVt;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_ratatosk");

/// A run taking longer than this is a hang (the slowest test, the wait-mode one, needs ~6 s).
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// How often a running child is polled for its exit.
const POLL: Duration = Duration::from_millis(10);

/// The VirusTotal rate window the tests use, in seconds: short enough for quick tests, long
/// enough that a 2 % safety margin (40 ms) and loopback latency are far apart.
pub const VT_WINDOW_SECS: u64 = 2;

/// The JSONL log every scan writes, relative to the outputs folder.
pub const JSONL: &str = "scan.jsonl";

/// A temporary workspace for one run or a few.
pub struct Workspace {
    dir: TempDir,
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

impl Workspace {
    /// Creates `tree/` (what is scanned), `out/` (outputs), `cache/` (rules cache and
    /// `XDG_CACHE_HOME`) and `cwd/` (the empty working folder).
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("ratatosk-e2e-")
            .tempdir()
            .unwrap();
        for sub in ["tree", "out", "cache", "cwd"] {
            fs::create_dir(dir.path().join(sub)).unwrap();
        }
        Workspace { dir }
    }

    /// The folder that is scanned.
    pub fn tree(&self) -> PathBuf {
        self.dir.path().join("tree")
    }

    /// `name` in the outputs folder.
    pub fn out(&self, name: &str) -> PathBuf {
        self.dir.path().join("out").join(name)
    }

    /// The empty working folder of the binary.
    pub fn cwd(&self) -> PathBuf {
        self.dir.path().join("cwd")
    }

    /// Writes `content` to `rel` under the tree (parents created); returns the full path.
    pub fn write(&self, rel: impl AsRef<Path>, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.tree().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        path
    }

    /// Writes `content` to `name` outside the tree (templates, exclude lists); returns the path.
    pub fn write_aside(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        fs::write(&path, content).unwrap();
        path
    }

    /// The binary with the settings every test wants: no process check, two threads, the
    /// rules cache in the workspace, no progress bar, an empty working folder and no
    /// `RATATOSK_*` variables inherited from the caller's environment.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.current_dir(self.cwd())
            .env("XDG_CACHE_HOME", self.dir.path().join("cache"))
            .arg("--noprocs")
            .args(["--threads", "2", "--noprogress", "--rules-cache"])
            .arg(self.dir.path().join("cache"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("RATATOSK_") {
                cmd.env_remove(name);
            }
        }
        cmd
    }

    /// Scans the tree with `--jsonfile out/scan.jsonl` and `args`.
    pub fn scan<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.command();
        cmd.arg("-p")
            .arg(self.tree())
            .arg("--jsonfile")
            .arg(self.out(JSONL))
            .args(args);
        run(cmd, Some(self.out(JSONL)))
    }

    /// Runs the binary with only the common settings and `args` (no path, no outputs).
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.command();
        cmd.args(args);
        run(cmd, None)
    }
}

/// The flags of a VirusTotal-enabled scan against `fake`: its key and URL, the EULA accepted,
/// no verdict cache, `rate` requests per [`VT_WINDOW_SECS`] window.
pub fn vt_args(fake: &FakeVt, rate: u32) -> Vec<OsString> {
    [
        "--vtaccepteula".to_owned(),
        "--vtkey".to_owned(),
        fake.key(),
        "--vturl".to_owned(),
        fake.base_url(),
        "--vtnocache".to_owned(),
        "--vtrate".to_owned(),
        rate.to_string(),
        "--vtwindow".to_owned(),
        VT_WINDOW_SECS.to_string(),
    ]
    .into_iter()
    .map(OsString::from)
    .collect()
}

/// What a run did.
#[derive(Debug)]
pub struct Run {
    /// Exit status (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr.
    pub stderr: String,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
    /// The JSONL events, when the run wrote the log.
    pub events: Option<Vec<Value>>,
}

impl Run {
    /// Asserts the exit status, showing the output when it differs.
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "exit status\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Every JSONL event (panics when the log was not written).
    pub fn events(&self) -> &[Value] {
        self.events
            .as_deref()
            .unwrap_or_else(|| panic!("no JSONL log was written; stderr:\n{}", self.stderr))
    }

    /// The `finding` events, in the order written.
    pub fn findings(&self) -> Vec<&Value> {
        self.events()
            .iter()
            .filter(|e| e["type"] == "finding")
            .collect()
    }

    /// The one finding whose path ends with `/<name>` (panics unless there is exactly one).
    pub fn finding(&self, name: &str) -> &Value {
        let suffix = format!("/{name}");
        let hits: Vec<&Value> = self
            .findings()
            .into_iter()
            .filter(|f| {
                f["subject"]["file"]["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with(&suffix))
            })
            .collect();
        assert_eq!(hits.len(), 1, "findings of {name}: {hits:#?}");
        hits[0]
    }

    /// The summary of the end event (panics unless the log ends with exactly one).
    pub fn summary(&self) -> &Value {
        let ends: Vec<&Value> = self
            .events()
            .iter()
            .filter(|e| e["type"] == "message" && e.get("summary").is_some())
            .collect();
        assert_eq!(ends.len(), 1, "end events");
        assert!(
            std::ptr::eq(ends[0], self.events().last().unwrap()),
            "the end event is the last line"
        );
        &ends[0]["summary"]
    }
}

/// Runs `cmd` to its end (killing it after [`RUN_TIMEOUT`]), then reads the JSONL log at
/// `jsonl` if it exists; every line must be one JSON object.
pub fn run(mut cmd: Command, jsonl: Option<PathBuf>) -> Run {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let status = wait_with_deadline(&mut child, started + RUN_TIMEOUT);
    let elapsed = started.elapsed();
    let stdout = stdout.join().unwrap();
    let stderr = stderr.join().unwrap();
    let Some(status) = status else {
        panic!(
            "ratatosk did not finish within {RUN_TIMEOUT:?}\n--- stdout:\n{stdout}\n--- stderr:\n{stderr}"
        );
    };
    let events = read_events(jsonl);
    Run {
        code: status.code(),
        stdout,
        stderr,
        elapsed,
        events,
    }
}

/// The JSONL log at `jsonl`, if it exists; every line must be one JSON object.
pub fn read_events(jsonl: Option<PathBuf>) -> Option<Vec<Value>> {
    jsonl.filter(|p| p.exists()).map(|p| {
        fs::read_to_string(&p)
            .unwrap()
            .lines()
            .map(|line| {
                serde_json::from_str::<Value>(line)
                    .unwrap_or_else(|e| panic!("JSONL line is not JSON ({e}): {line}"))
            })
            .collect()
    })
}

/// Asserts that every entry is in exactly one bucket: `seen = scanned + skipped + errors`, and
/// the per-reason skips add up to `skipped_total`. Returns the summary.
pub fn assert_balanced(run: &Run) -> &Value {
    let s = run.summary();
    let n = |v: &Value| v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"));
    assert_eq!(
        n(&s["seen"]),
        n(&s["scanned"]) + n(&s["skipped_total"]) + n(&s["errors"]),
        "seen = scanned + skipped + errors: {s:#}"
    );
    let by_reason: u64 = s["skipped"].as_object().unwrap().values().map(n).sum();
    assert_eq!(by_reason, n(&s["skipped_total"]), "{s:#}");
    s
}

/// Reads a pipe to its end on a thread of its own (so a full pipe never blocks the child).
pub fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Waits for `child` until `deadline`; kills it and returns `None` past the deadline.
fn wait_with_deadline(child: &mut Child, deadline: Instant) -> Option<std::process::ExitStatus> {
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(POLL);
    }
}

/// Standard base64 with padding (RFC 4648 §4), written here so the tests do not trust the
/// product's own encoder to check `path_bytes`.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
