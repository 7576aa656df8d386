//! End-to-end tests of VirusTotal full mode (`--vtmode full`, issue 3) and of single flight:
//! the real `ratatosk` binary against the fake VirusTotal of `common/fake_vt.rs`, which serves
//! uploads, upload URLs and analyses that go queued → in progress → completed.
//!
//! Expected totals follow THOR's formula (spec §4): sort the sub-scores descending and take
//! `100 × (1 − Π (1 − s_i / 100 / 2^i))`, rounded half up. Levels: Notice ≥ 40, Warning ≥ 60.
//! VirusTotal sub-score (spec §5): more than 5 positives → 40, more than 10 → 60, more than
//! 20 → 75. Every page under `srv/www/` matches the preselector (40).

mod common;

use std::ffi::OsString;
use std::time::Duration;

use serde_json::{Value, json};

use common::fake_vt::{FakeVt, FakeVtConfig, RecordedRequest, UploadVia};
use common::full::{
    POLL, PRESEL, assert_vt_counters, coreutils_digests, expected_vt_reason, full_mode,
    plain_block, reason_scores, scores, verdict_block, vt_block, vt_reason, with, write_large,
    write_sparse,
};
use common::tree::{self, PAGE_8, PAGE_UNKNOWN};
use common::{Run, Workspace, vt_args};

/// Polls the fake answers per analysis: queued, in progress, completed.
const POLLS: usize = 3;

/// The line full mode prints once at start.
const SHARING_NOTICE: &str = "uploaded files are shared with VirusTotal's community";

/// 33 MiB: above the 32 MiB of `POST /files`, so the upload-URL flow.
const SIZE_33_MIB: u64 = 33 * 1024 * 1024;

/// 651 MiB: above the 650 MiB (681,574,400 bytes) any upload accepts.
const SIZE_651_MIB: u64 = 651 * 1024 * 1024;

/// Digests of [`SIZE_651_MIB`] zero bytes, computed once with coreutils
/// (`head -c 682622976 /dev/zero | sha256sum`, `md5sum`, `sha1sum`).
const ZEROS_651_MIB: (&str, &str, &str) = (
    "8a41bae1cce500e8221f9d82e17c5a43",
    "0c1b58b4fc4e7f51d95dcea8dda96fd4705bc700",
    "b522822f45f1164146253dc1fb0fd25c9c249ceeaa321710858d8a5c64f14f91",
);

/// The one finding of `run`, with its score and level checked.
fn only_finding<'r>(run: &'r Run, name: &str, score: u64, level: &str) -> &'r Value {
    assert_eq!(run.findings().len(), 1, "{:#?}", run.findings());
    let f = run.finding(name);
    assert_eq!(f["score"], score, "{f:#}");
    assert_eq!(f["meta"]["level"], level, "{f:#}");
    f
}

/// `(method, path)` of every request.
fn calls(requests: &[RecordedRequest]) -> Vec<(String, String)> {
    requests
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect()
}

/// Checks that `polls` are [`POLLS`] polls of `analysis_id`, each after the backoff of
/// `--vtpoll` (50, 100, 200 ms) from the request before it (`after`), all counted, all 200.
fn check_polls(after: &RecordedRequest, polls: &[RecordedRequest], analysis_id: &str) {
    assert_eq!(polls.len(), POLLS, "{polls:#?}");
    let mut previous = after.at;
    for (i, poll) in polls.iter().enumerate() {
        assert_eq!(poll.method, "GET");
        let id = poll.path.strip_prefix("/api/v3/analyses/").unwrap();
        assert_eq!(
            id.replace("%2B", "+")
                .replace("%2F", "/")
                .replace("%3D", "="),
            analysis_id,
            "poll {i}"
        );
        assert_eq!(poll.status, 200, "poll {i}");
        assert!(poll.key_ok && poll.counted, "poll {i}: {poll:?}");
        let wait = poll.at - previous;
        let backoff = POLL * (1 << i);
        assert!(
            wait >= backoff,
            "poll {i} came {wait:?} after the last request"
        );
        previous = poll.at;
    }
}

#[test]
fn full_mode_uploads_an_unknown_sample_and_folds_in_the_analysis() {
    let ws = Workspace::new();
    let sample = ws.write("srv/www/unknown.php", tree::page("unknown"));
    let fake = FakeVt::start(FakeVtConfig::default());
    fake.set_upload_verdict(15);
    let run = ws.scan(full_mode(vt_args(&fake, 10)));
    // 15 positives (> 10) → VT 60: [60, 40] → 100 × (1 − 0.4 × 0.8) = 68 → Warning: exit 1.
    run.assert_code(1);
    let d = PAGE_UNKNOWN;
    let f = only_finding(&run, "unknown.php", 68, "Warning");
    assert_eq!(vt_block(f), &verdict_block("uploaded", d.sha256, 15));
    assert_eq!(
        reason_scores(f),
        scores(&[(60, "VirusTotal"), (40, PRESEL)])
    );
    assert_eq!(vt_reason(f), Some(&expected_vt_reason(d.sha256, 15, 60)));
    assert_eq!(
        f["subject"]["file"]["hashes"],
        json!({"md5": d.md5, "sha1": d.sha1, "sha256": d.sha256})
    );

    // One lookup (404), one direct upload, then polls until completed; nothing else.
    let requests = fake.requests();
    let expected_calls: Vec<(String, String)> = [
        ("GET", format!("/api/v3/files/{}", d.sha256)),
        ("POST", "/api/v3/files".to_owned()),
    ]
    .into_iter()
    .map(|(m, p)| (m.to_owned(), p))
    .collect();
    assert_eq!(calls(&requests[..2]), expected_calls, "{requests:#?}");
    assert_eq!(requests.len(), 2 + POLLS, "{requests:#?}");
    assert_eq!(requests[0].status, 404);
    assert_eq!(requests[1].status, 200);
    assert!(requests.iter().all(|r| r.key_ok && r.counted));
    let uploads = fake.uploads();
    assert_eq!(uploads.len(), 1, "{uploads:#?}");
    let up = &uploads[0];
    assert_eq!(up.via, UploadVia::Direct);
    assert_eq!(up.filename, "unknown.php");
    assert_eq!(
        (
            up.size,
            up.md5.as_str(),
            up.sha1.as_str(),
            up.sha256.as_str()
        ),
        (d.size, d.md5, d.sha1, d.sha256)
    );
    check_polls(&requests[1], &requests[2..], &up.analysis_id);
    assert_eq!(fake.polls(), POLLS);

    assert_vt_counters(
        &run,
        &[
            ("looked_up", 1),
            ("found", 0),
            ("not_found", 1),
            ("uploaded", 1),
            ("cached", 0),
            ("errors", 0),
        ],
    );
    // Said once, at start, on stderr.
    assert_eq!(
        run.stderr.matches(SHARING_NOTICE).count(),
        1,
        "stderr:\n{}",
        run.stderr
    );
    // The console line says it was uploaded, with the analysis verdict.
    let needle = format!(" FILE: {} ", sample.display());
    let line = run.stdout.lines().find(|l| l.contains(&needle)).unwrap();
    assert!(
        line.ends_with(&format!(
            " VT: uploaded VT_POSITIVES: 15/72 VT_LINK: {}",
            tree::permalink(d.sha256)
        )),
        "{line}"
    );
}

#[test]
fn limited_mode_looks_the_same_sample_up_and_uploads_nothing() {
    let ws = Workspace::new();
    ws.write("srv/www/unknown.php", tree::page("unknown"));
    let fake = FakeVt::start(FakeVtConfig::default());
    fake.set_upload_verdict(15);
    let run = ws.scan(vt_args(&fake, 10));
    run.assert_code(0);
    let f = only_finding(&run, "unknown.php", 40, "Notice");
    assert_eq!(vt_block(f), &plain_block("not found"));
    assert_eq!(reason_scores(f), scores(&[(40, PRESEL)]));

    let requests = fake.requests();
    assert_eq!(
        calls(&requests),
        vec![(
            "GET".to_owned(),
            format!("/api/v3/files/{}", PAGE_UNKNOWN.sha256)
        )]
    );
    assert!(fake.uploads().is_empty());
    assert_eq!(fake.upload_bytes_total(), 0);
    assert_eq!(fake.polls(), 0);
    assert_vt_counters(&run, &[("looked_up", 1), ("not_found", 1), ("uploaded", 0)]);
    assert!(!run.stderr.contains(SHARING_NOTICE), "{}", run.stderr);
}

#[test]
fn full_mode_without_the_eula_sends_nothing() {
    let ws = Workspace::new();
    ws.write("srv/www/unknown.php", tree::page("unknown"));
    let fake = FakeVt::start(FakeVtConfig::default());
    let args: Vec<OsString> = full_mode(vt_args(&fake, 10))
        .into_iter()
        .filter(|a| a != "--vtaccepteula")
        .collect();
    let run = ws.scan(args);
    run.assert_code(2);
    assert!(run.stderr.contains("--vtaccepteula"), "{}", run.stderr);
    assert!(run.events.is_none(), "no JSONL: the scan did not start");
    assert_eq!(fake.request_count(), 0);
    assert!(fake.uploads().is_empty());
}

#[test]
fn a_33_mib_sample_goes_through_an_upload_url() {
    let ws = Workspace::new();
    let path = write_large(
        &ws.tree().join("srv/www/large.php"),
        b"<?php /* ratatosk e2e: a 33 MiB sample */ ?>\n",
        SIZE_33_MIB,
    );
    let d = coreutils_digests(&path);
    assert_eq!(d.size, SIZE_33_MIB);
    let fake = FakeVt::start(FakeVtConfig::default());
    fake.set_upload_verdict(8);
    // 40 MiB: above the default 30 MiB limit, so the file is read, hashed and scanned.
    let args = with(
        full_mode(vt_args(&fake, 10)),
        ["--max_file_size", "41943040"],
    );
    let run = ws.scan(args);
    run.assert_code(0);
    // 8 positives (> 5) → VT 40: [40, 40] → 100 × (1 − 0.6 × 0.8) = 52 → Notice.
    let f = only_finding(&run, "large.php", 52, "Notice");
    assert_eq!(
        f["subject"]["file"]["hashes"],
        json!({"md5": d.md5, "sha1": d.sha1, "sha256": d.sha256})
    );
    assert_eq!(f["subject"]["file"]["size"], SIZE_33_MIB);
    assert_eq!(vt_block(f), &verdict_block("uploaded", &d.sha256, 8));
    assert_eq!(
        reason_scores(f),
        scores(&[(40, "VirusTotal"), (40, PRESEL)])
    );

    // Lookup (404), the upload URL (free), the upload to it, then the polls.
    let requests = fake.requests();
    assert_eq!(requests.len(), 3 + POLLS, "{requests:#?}");
    let head: Vec<(String, String, u16, bool)> = requests[..3]
        .iter()
        .map(|r| {
            let path = if r.path.starts_with("/upload/") {
                "/upload/<token>".to_owned()
            } else {
                r.path.clone()
            };
            (r.method.clone(), path, r.status, r.counted)
        })
        .collect();
    assert_eq!(
        head,
        vec![
            (
                "GET".to_owned(),
                format!("/api/v3/files/{}", d.sha256),
                404,
                true
            ),
            (
                "GET".to_owned(),
                "/api/v3/files/upload_url".to_owned(),
                200,
                false
            ),
            ("POST".to_owned(), "/upload/<token>".to_owned(), 200, true),
        ]
    );
    assert_eq!(fake.count("POST", "/api/v3/files"), 0, "no direct upload");
    let uploads = fake.uploads();
    assert_eq!(uploads.len(), 1, "{uploads:#?}");
    let up = &uploads[0];
    assert_eq!(up.via, UploadVia::UploadUrl);
    assert_eq!(up.filename, "large.php");
    assert_eq!(
        (up.size, &up.md5, &up.sha1, &up.sha256),
        (SIZE_33_MIB, &d.md5, &d.sha1, &d.sha256)
    );
    // Every body byte the fake received is this upload: the file and a little framing.
    assert_eq!(fake.upload_bytes_total(), up.body_bytes);
    assert!(
        up.body_bytes > SIZE_33_MIB && up.body_bytes - SIZE_33_MIB < 1024,
        "body of {} bytes for a {SIZE_33_MIB}-byte file",
        up.body_bytes
    );
    check_polls(&requests[2], &requests[3..], &up.analysis_id);
    assert_vt_counters(
        &run,
        &[
            ("looked_up", 1),
            ("not_found", 1),
            ("uploaded", 1),
            ("errors", 0),
        ],
    );
}

#[test]
fn a_651_mib_sparse_file_is_looked_up_and_never_uploaded() {
    let ws = Workspace::new();
    write_sparse(&ws.tree().join("srv/www/huge.php"), SIZE_651_MIB);
    let fake = FakeVt::start(FakeVtConfig::default());
    fake.set_upload_verdict(30);
    // 700 MiB limit, and --intense: the all-zero file is read, hashed and scanned in full.
    let args = with(
        full_mode(vt_args(&fake, 10)),
        ["--intense", "--max_file_size", "734003200"],
    );
    let run = ws.scan(args);
    eprintln!("651 MiB sparse file: the run took {:?}", run.elapsed);
    run.assert_code(0);
    let (md5, sha1, sha256) = ZEROS_651_MIB;
    let f = only_finding(&run, "huge.php", 40, "Notice");
    assert_eq!(
        f["subject"]["file"]["hashes"],
        json!({"md5": md5, "sha1": sha1, "sha256": sha256})
    );
    assert_eq!(f["subject"]["file"]["size"], SIZE_651_MIB);
    assert_eq!(vt_block(f), &plain_block("too large to upload"));
    assert_eq!(reason_scores(f), scores(&[(40, PRESEL)]));

    // One lookup, and nothing more: no upload URL, no upload byte, no poll.
    let requests = fake.requests();
    assert_eq!(
        calls(&requests),
        vec![("GET".to_owned(), format!("/api/v3/files/{sha256}"))]
    );
    assert_eq!(requests[0].status, 404);
    assert!(fake.uploads().is_empty());
    assert_eq!(fake.upload_bytes_total(), 0);
    assert_eq!(fake.polls(), 0);
    assert_vt_counters(
        &run,
        &[
            ("looked_up", 1),
            ("not_found", 1),
            ("uploaded", 0),
            ("errors", 0),
        ],
    );
}

/// Copies of one file in one run.
const COPIES: usize = 100;

#[test]
fn a_hundred_copies_of_a_known_file_make_one_request() {
    let ws = Workspace::new();
    for i in 0..COPIES {
        ws.write(format!("srv/www/copy{i:03}.php"), tree::page("8"));
    }
    let fake = FakeVt::start(FakeVtConfig::default());
    let d = PAGE_8;
    fake.add_file(d.sha256, d.md5, d.sha1, 8);
    let run = ws.scan(vt_args(&fake, 10));
    run.assert_code(0);
    let findings = run.findings();
    assert_eq!(findings.len(), COPIES);
    let mut paths: Vec<&str> = Vec::new();
    for f in findings {
        // 8 positives → VT 40: [40, 40] → 52 → Notice; the same verdict on every copy.
        assert_eq!(f["score"], 52, "{f:#}");
        assert_eq!(f["meta"]["level"], "Notice", "{f:#}");
        assert_eq!(vt_block(f), &verdict_block("found", d.sha256, 8), "{f:#}");
        assert_eq!(vt_reason(f), Some(&expected_vt_reason(d.sha256, 8, 40)));
        paths.push(f["subject"]["file"]["path"].as_str().unwrap());
    }
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), COPIES, "each copy reported once");
    assert_eq!(
        calls(&fake.requests()),
        vec![("GET".to_owned(), format!("/api/v3/files/{}", d.sha256))]
    );
    assert_vt_counters(&run, &[("found", COPIES as u64), ("errors", 0)]);
}

#[test]
fn a_hundred_copies_of_an_unknown_file_are_uploaded_once() {
    let ws = Workspace::new();
    for i in 0..COPIES {
        ws.write(format!("srv/www/copy{i:03}.php"), tree::page("unknown"));
    }
    let fake = FakeVt::start(FakeVtConfig::default());
    fake.set_upload_verdict(25);
    let run = ws.scan(full_mode(vt_args(&fake, 10)));
    run.assert_code(1);
    let d = PAGE_UNKNOWN;
    let findings = run.findings();
    assert_eq!(findings.len(), COPIES);
    for f in findings {
        // 25 positives → VT 75: [75, 40] → 100 × (1 − 0.25 × 0.8) = 80 → Warning.
        assert_eq!(f["score"], 80, "{f:#}");
        assert_eq!(f["meta"]["level"], "Warning", "{f:#}");
        assert_eq!(
            vt_block(f),
            &verdict_block("uploaded", d.sha256, 25),
            "{f:#}"
        );
    }
    assert_eq!(fake.lookups_of(d.sha256), 1);
    assert_eq!(fake.uploads().len(), 1);
    assert_eq!(fake.polls(), POLLS);
    assert_eq!(fake.request_count(), 2 + POLLS);
    assert_vt_counters(&run, &[("uploaded", COPIES as u64), ("errors", 0)]);
}

#[test]
fn full_mode_takes_a_token_for_the_upload_and_every_poll() {
    // The fake allows 2 requests per 2-second window, as does the product: the lookup, the
    // upload and three polls (five requests that cost quota) need three windows, and none
    // may draw a 429.
    let ws = Workspace::new();
    ws.write("srv/www/unknown.php", tree::page("unknown"));
    let window = Duration::from_secs(common::VT_WINDOW_SECS);
    let fake = FakeVt::start(FakeVtConfig {
        rate: Some((2, window)),
        ..FakeVtConfig::default()
    });
    fake.set_upload_verdict(15);
    let run = ws.scan(full_mode(vt_args(&fake, 2)));
    run.assert_code(1);
    let f = only_finding(&run, "unknown.php", 68, "Warning");
    assert_eq!(
        vt_block(f),
        &verdict_block("uploaded", PAGE_UNKNOWN.sha256, 15)
    );
    let requests = fake.requests();
    assert_eq!(requests.len(), 2 + POLLS, "{requests:#?}");
    assert_eq!(fake.count_429(), 0, "{requests:#?}");
    assert!(fake.max_counted_in_any_window(window) <= 2);
    let span = requests.last().unwrap().at - requests[0].at;
    assert!(span >= 2 * window, "five requests within {span:?}");
}
