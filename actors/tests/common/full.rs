//! Support of the end-to-end tests of issue 3 (full mode, the verdict store, persistent
//! counters, single flight): VirusTotal flags with a shared store file instead of
//! `--vtnocache`, full-mode flags with short polls, runs with extra environment variables,
//! distinct pages under a web root, large and sparse samples with digests computed by coreutils
//! (so the tests check the product's hashing rather than trust it), and the `virustotal`
//! blocks of a run.

// Each test binary uses a different part of the support.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::fake_vt::FakeVt;
use super::{JSONL, Run, Workspace, tree, vt_args};

/// `--vtpoll` of the tests: 50 ms, so the fake's three polls (queued, in progress, completed)
/// wait 50 + 100 + 200 ms with the doubling backoff.
pub const POLL_SECS: &str = "0.05";

/// `--vtpoll` as a duration, for checking the backoff between polls.
pub const POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// `--vtanalysis-timeout` of the tests: 10 s, far above the 350 ms an analysis takes here, so
/// a test never ends in `error (analysis timeout)` on a loaded machine.
pub const ANALYSIS_TIMEOUT_SECS: &str = "10";

/// [`vt_args`] with the verdict cache and the request counters in `store` (`--vtcache`)
/// instead of `--vtnocache`.
pub fn vt_store_args(fake: &FakeVt, rate: u32, store: &Path) -> Vec<OsString> {
    let mut args = vt_args(fake, rate);
    let at = args
        .iter()
        .position(|a| a == "--vtnocache")
        .expect("vt_args passes --vtnocache");
    args.splice(
        at..=at,
        [OsString::from("--vtcache"), store.as_os_str().to_owned()],
    );
    args
}

/// Appends `--vtmode full` with the short poll and the analysis timeout of the tests.
pub fn full_mode(mut args: Vec<OsString>) -> Vec<OsString> {
    for a in [
        "--vtmode",
        "full",
        "--vtpoll",
        POLL_SECS,
        "--vtanalysis-timeout",
        ANALYSIS_TIMEOUT_SECS,
    ] {
        args.push(a.into());
    }
    args
}

/// Appends more flags.
pub fn with<I, S>(mut args: Vec<OsString>, more: I) -> Vec<OsString>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    args.extend(more.into_iter().map(|a| a.as_ref().to_owned()));
    args
}

/// Like [`Workspace::scan`], with extra environment variables (e.g. `RATATOSK_*` settings).
pub fn scan_with_env<I, S>(ws: &Workspace, env: &[(&str, &str)], args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = ws.command();
    for (name, value) in env {
        cmd.env(name, value);
    }
    cmd.arg("-p")
        .arg(ws.tree())
        .arg("--jsonfile")
        .arg(ws.out(JSONL))
        .args(args);
    super::run(cmd, Some(ws.out(JSONL)))
}

/// Writes `n` distinct pages `srv/www/<prefix>-<i>.php` (each a score-40 finding, a lookup
/// candidate at the default `--vtscore`); returns their file names.
pub fn pages(ws: &Workspace, prefix: &str, n: usize) -> Vec<String> {
    (1..=n)
        .map(|i| {
            let name = format!("{prefix}-{i}.php");
            ws.write(
                format!("srv/www/{name}"),
                tree::page(&format!("{prefix} {i}")),
            );
            name
        })
        .collect()
}

/// A file's digests as coreutils computes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedDigests {
    /// MD5, lower-case hex.
    pub md5: String,
    /// SHA-1, lower-case hex.
    pub sha1: String,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
}

/// `md5sum`, `sha1sum` and `sha256sum` of `path`.
pub fn coreutils_digests(path: &Path) -> OwnedDigests {
    let sum = |tool: &str| {
        let out = Command::new(tool).arg(path).output().unwrap();
        assert!(out.status.success(), "{tool} {}", path.display());
        String::from_utf8(out.stdout)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    };
    OwnedDigests {
        md5: sum("md5sum"),
        sha1: sum("sha1sum"),
        sha256: sum("sha256sum"),
        size: fs::metadata(path).unwrap().len(),
    }
}

/// Writes `size` bytes to `path`: `head`, then a fixed pseudo-random stream (xorshift64), so
/// the content is the same on every run and compresses to nothing.
pub fn write_large(path: &Path, head: &[u8], size: u64) -> PathBuf {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut out = BufWriter::new(File::create(path).unwrap());
    out.write_all(head).unwrap();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut left = size - head.len() as u64;
    let mut chunk = vec![0u8; 1 << 16];
    while left > 0 {
        for word in chunk.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes()[..word.len()]);
        }
        let n = left.min(chunk.len() as u64) as usize;
        out.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    out.flush().unwrap();
    path.to_path_buf()
}

/// Creates a sparse file of `size` zero bytes at `path` (no data blocks written).
pub fn write_sparse(path: &Path, size: u64) -> PathBuf {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    File::create(path).unwrap().set_len(size).unwrap();
    path.to_path_buf()
}

/// The `virustotal` block of a finding.
pub fn vt_block(f: &Value) -> &Value {
    &f["subject"]["file"]["virustotal"]
}

/// The SHA-256 of a finding.
pub fn sha256_of(f: &Value) -> String {
    f["subject"]["file"]["hashes"]["sha256"]
        .as_str()
        .unwrap_or_else(|| panic!("a sha256: {f:#}"))
        .to_owned()
}

/// The `virustotal.result` of a finding.
pub fn result_of(f: &Value) -> String {
    vt_block(f)["result"]
        .as_str()
        .unwrap_or_else(|| panic!("a virustotal result: {f:#}"))
        .to_owned()
}

/// SHA-256 → `virustotal.result` of every finding; each hash must be reported exactly once.
pub fn results_by_sha(run: &Run) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for f in run.findings() {
        assert!(
            out.insert(sha256_of(f), result_of(f)).is_none(),
            "each hash reported once: {f:#}"
        );
    }
    out
}

/// How many of `results` are `result`.
pub fn count_result(results: &BTreeMap<String, String>, result: &str) -> usize {
    results.values().filter(|r| r.as_str() == result).count()
}

/// The SHA-256 of every lookup (`GET /api/v3/files/{hash}`, not the upload-URL call) the fake
/// received, in arrival order, with the status answered.
pub fn lookups(fake: &FakeVt) -> Vec<(String, u16)> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .filter_map(|r| {
            let id = r.path.strip_prefix("/api/v3/files/")?;
            (id != "upload_url").then(|| (id.to_owned(), r.status))
        })
        .collect()
}

/// Checks the end event's VirusTotal counters.
pub fn assert_vt_counters(run: &Run, expected: &[(&str, u64)]) {
    let vt: &Value = &run.summary()["virustotal"];
    for (name, n) in expected {
        assert_eq!(vt[*name], *n, "summary virustotal.{name}: {vt:#}");
    }
}

/// Engines in every verdict of the fake (its default `total_engines`).
pub const TOTAL_ENGINES: u32 = 72;

/// The `virustotal` block of a finding with a verdict of `positives` of [`TOTAL_ENGINES`].
/// A verdict served from the verdict cache (`result` `cached`) also carries `"cached": true`.
pub fn verdict_block(result: &str, sha256: &str, positives: u32) -> Value {
    let mut block = serde_json::json!({
        "result": result,
        "positive_verdicts": positives,
        "total_verdicts": TOTAL_ENGINES,
        "permalink": tree::permalink(sha256)
    });
    if result == "cached" {
        block["cached"] = Value::Bool(true);
    }
    block
}

/// The `virustotal` block of a finding without a verdict.
pub fn plain_block(result: &str) -> Value {
    serde_json::json!({ "result": result })
}

/// The exact VirusTotal reason for `positives` of [`TOTAL_ENGINES`] with sub-score `score`.
pub fn expected_vt_reason(sha256: &str, positives: u32, score: i64) -> Value {
    let description = format!("{positives} of {TOTAL_ENGINES} engines flag the file as malicious");
    serde_json::json!({
        "summary": format!("VirusTotal / {description}"),
        "signature": {
            "score": score,
            "kind": "VirusTotal",
            "rule_name": "VirusTotal",
            "description": description,
            "reference": tree::permalink(sha256),
            "origin": "external"
        }
    })
}

/// `(sub-score, rule name)` of every reason of a finding, by descending sub-score (ties by
/// name, as their order is free); checks the written order descends too.
pub fn reason_scores(f: &Value) -> Vec<(i64, String)> {
    let reasons = f["reasons"].as_array().unwrap();
    assert_eq!(f["reason_count"], reasons.len(), "{f:#}");
    let mut list: Vec<(i64, String)> = reasons
        .iter()
        .map(|r| {
            (
                r["signature"]["score"].as_i64().unwrap(),
                r["signature"]["rule_name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        list.windows(2).all(|w| w[0].0 >= w[1].0),
        "reasons sorted by descending sub-score: {list:?}"
    );
    list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    list
}

/// The VirusTotal reason of a finding, if any.
pub fn vt_reason(f: &Value) -> Option<&Value> {
    f["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["signature"]["kind"] == "VirusTotal")
}

/// The preselector reason every page under a web root has.
pub const PRESEL: &str = "PRESEL_Web_Script_In_Web_Root";

/// `(score, rule)` pairs from literals, ordered like [`reason_scores`].
pub fn scores(expected: &[(i64, &str)]) -> Vec<(i64, String)> {
    let mut list: Vec<(i64, String)> = expected.iter().map(|&(s, r)| (s, r.to_owned())).collect();
    list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    list
}
