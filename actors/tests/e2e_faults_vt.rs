//! Issue 5, item 12: VirusTotal and the network failing in every way the fake can fail — 503
//! `TransientError` (JSON and the Google front end's HTML page), 504, 200 with a body that is
//! not JSON, dropped connections, answers slower than the client timeout (`--vttimeout`), a
//! 429 `TooManyRequestsError` storm, a 429 `QuotaExceededError` storm, 403, and the key
//! rejected mid-run.
//!
//! Every case checks the same promises (spec §5): every finding is reported exactly once, with
//! a `virustotal.result`; retries are bounded (the fake never sees more than
//! [`ATTEMPTS`] requests per finding); the fake's own quota (the same rate and window as the
//! scanner's) is never exceeded; the scan finishes; and the summary's `virustotal` counters
//! match the results (`errors` counts the `error (…)` results).
//!
//! The tree is [`FINDINGS`] distinct PHP pages under `srv/www/`: each a finding of score 40
//! (the embedded preselector, a Notice, exit status 0) and a lookup candidate at the default
//! `--vtscore 40`, unknown to the fake unless a test makes one known.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::time::Duration;

use ratatosk::vt::RetryPolicy;
use serde_json::Value;

use common::fake_vt::{FakeVt, FakeVtConfig, Fault};
use common::{Run, VT_WINDOW_SECS, Workspace, tree, vt_args};

/// Distinct findings in the tree.
const FINDINGS: usize = 4;

/// Requests per window, for the scanner and for the fake's own quota.
const RATE: u32 = 6;

/// The rate window of the flags and of the fake's quota.
const WINDOW: Duration = Duration::from_secs(VT_WINDOW_SECS);

/// Attempts per lookup (the first included): the scanner's retry policy
/// (`attempts_match_the_retry_policy` keeps the two equal).
const ATTEMPTS: usize = 3;

/// A key shaped like a real one that the fake switches to in the wrong-key test.
const ROTATED_KEY: &str = "5eed00005eed00005eed00005eed00005eed00005eed00005eed00005eed0000";

/// A workspace with [`FINDINGS`] distinct pages.
fn pages() -> Workspace {
    let ws = Workspace::new();
    for i in 1..=FINDINGS {
        ws.write(
            format!("srv/www/f{i}.php"),
            tree::page(&format!("fault {i}")),
        );
    }
    ws
}

/// A fake enforcing [`RATE`] requests per [`WINDOW`], like VirusTotal.
fn fake() -> FakeVt {
    FakeVt::start(FakeVtConfig {
        rate: Some((RATE, WINDOW)),
        ..FakeVtConfig::default()
    })
}

/// Scans with the fake at [`RATE`], waiting for quota (so no finding is skipped for quota by
/// the scanner's own bucket), plus `extra`.
fn scan(ws: &Workspace, fake: &FakeVt, extra: &[&str]) -> Run {
    let mut args = vt_args(fake, RATE);
    args.push(OsString::from("--vtwaitforquota"));
    args.extend(extra.iter().map(OsString::from));
    ws.scan(args)
}

/// The checks every fault shares; returns the number of findings per `virustotal.result`.
fn check(run: &Run, fake: &FakeVt) -> BTreeMap<String, usize> {
    run.assert_code(0);
    let findings = run.findings();
    assert_eq!(findings.len(), FINDINGS, "{findings:#?}");
    let mut shas = std::collections::BTreeSet::new();
    let mut results = BTreeMap::new();
    for f in &findings {
        assert_eq!(f["score"], 40, "no verdict changes the score: {f:#}");
        let file = &f["subject"]["file"];
        assert!(
            shas.insert(file["hashes"]["sha256"].as_str().unwrap().to_owned()),
            "each file reported exactly once: {f:#}"
        );
        let result = file["virustotal"]["result"]
            .as_str()
            .unwrap_or_else(|| panic!("every finding has a VirusTotal result: {f:#}"));
        *results.entry(result.to_owned()).or_insert(0) += 1;
    }
    assert!(
        fake.request_count() <= ATTEMPTS * FINDINGS,
        "retries are bounded: {} requests for {FINDINGS} findings",
        fake.request_count()
    );
    let busiest = fake.max_counted_in_any_window(WINDOW);
    assert!(busiest <= RATE as usize, "{busiest} requests in one window");

    let summary = run.summary();
    assert_eq!(summary["seen"], FINDINGS);
    let vt: &Value = &summary["virustotal"];
    let count = |pred: &dyn Fn(&str) -> bool| -> usize {
        results
            .iter()
            .filter(|(r, _)| pred(r))
            .map(|(_, n)| n)
            .sum()
    };
    assert_eq!(vt["errors"], count(&|r| r.starts_with("error (")), "{vt:#}");
    assert_eq!(vt["not_found"], count(&|r| r == "not found"), "{vt:#}");
    assert_eq!(vt["found"], count(&|r| r == "found"), "{vt:#}");
    assert_eq!(
        vt["skipped_quota"],
        count(&|r| r == "skipped (quota)"),
        "{vt:#}"
    );
    results
}

/// `[(result, n)]` as a map, for comparing with [`check`]'s.
fn expect(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|&(r, n)| (r.to_owned(), n)).collect()
}

#[test]
fn attempts_match_the_retry_policy() {
    assert_eq!(RetryPolicy::default().max_attempts as usize, ATTEMPTS);
}

#[test]
fn transient_503_is_retried_a_bounded_number_of_times_then_an_error() {
    let ws = pages();
    let fake = fake();
    fake.set_always(Some(Fault::Transient503));
    let run = scan(&ws, &fake, &[]);
    assert_eq!(
        check(&run, &fake),
        expect(&[("error (HTTP 503)", FINDINGS)])
    );
    // Every finding got exactly its attempts: no more, and none given up early; and none was
    // a 429 from the fake's own quota (lookups once queued behind a retry's backoff went out
    // in a bunch, over the rate).
    assert_eq!(fake.request_count(), ATTEMPTS * FINDINGS);
    assert_eq!(fake.count_status(503), ATTEMPTS * FINDINGS);
}

#[test]
fn html_503_pages_are_retried_and_the_lookup_recovers() {
    let ws = pages();
    let fake = fake();
    // Two requests get the Google front end's HTML page; no lookup can fail on all its
    // attempts, so every one ends with an answer after its retries.
    fake.push_faults(Fault::Html503, ATTEMPTS - 1);
    let run = scan(&ws, &fake, &[]);
    assert_eq!(check(&run, &fake), expect(&[("not found", FINDINGS)]));
    assert_eq!(fake.request_count(), FINDINGS + ATTEMPTS - 1);
    assert_eq!(fake.count_status(503), ATTEMPTS - 1);
    assert_eq!(fake.count_status(404), FINDINGS);
}

#[test]
fn deadline_exceeded_504_is_retried_then_an_error() {
    let ws = pages();
    let fake = fake();
    fake.set_always(Some(Fault::DeadlineExceeded504));
    let run = scan(&ws, &fake, &[]);
    assert_eq!(
        check(&run, &fake),
        expect(&[("error (HTTP 504)", FINDINGS)])
    );
    assert_eq!(fake.request_count(), ATTEMPTS * FINDINGS);
}

#[test]
fn garbage_200_bodies_are_malformed_answers_retried_then_errors() {
    let ws = pages();
    let fake = fake();
    fake.set_always(Some(Fault::Garbage200));
    let run = scan(&ws, &fake, &[]);
    assert_eq!(
        check(&run, &fake),
        expect(&[("error (malformed answer)", FINDINGS)])
    );
    assert_eq!(fake.request_count(), ATTEMPTS * FINDINGS);
}

#[test]
fn dropped_connections_are_retried_and_cost_no_finding() {
    let ws = pages();
    let fake = fake();
    // The first ATTEMPTS + 1 requests are closed without an answer. Lookups run side by side,
    // so which lookups they hit varies: one that is dropped on every attempt ends as an error
    // naming the connection, the others are answered on a later attempt.
    fake.push_faults(Fault::Close, ATTEMPTS + 1);
    let run = scan(&ws, &fake, &[]);
    let results = check(&run, &fake);
    assert_eq!(fake.count_status(0), ATTEMPTS + 1, "closed without answer");
    let errors: Vec<&String> = results
        .keys()
        .filter(|r| r.starts_with("error ("))
        .collect();
    let failed = errors.len();
    for e in &errors {
        assert!(e.starts_with("error (connection: "), "{results:?}");
    }
    assert!(failed <= 1, "{results:?}");
    assert_eq!(
        results.get("not found").copied().unwrap_or(0),
        FINDINGS - failed
    );
    // Every dropped request but the last of a failed lookup was followed by a retry.
    assert_eq!(fake.request_count(), FINDINGS + ATTEMPTS + 1 - failed);
}

#[test]
fn answers_slower_than_the_client_timeout_are_timeouts_retried_then_errors() {
    let ws = pages();
    let fake = fake();
    // Every answer takes 1.5 s; the client gives up after 1 s.
    fake.set_always(Some(Fault::Delay(Duration::from_millis(1500))));
    let run = scan(&ws, &fake, &["--vttimeout", "1"]);
    assert_eq!(check(&run, &fake), expect(&[("error (timeout)", FINDINGS)]));
    assert_eq!(fake.request_count(), ATTEMPTS * FINDINGS);
    assert!(run.elapsed < Duration::from_secs(10), "{:?}", run.elapsed);
}

#[test]
fn a_slow_answer_is_retried_and_the_lookup_recovers() {
    let ws = pages();
    let fake = fake();
    // Two answers (whichever lookups they belong to) come after the 1-second client timeout;
    // no lookup can time out on all its attempts, so every one ends with an answer.
    fake.push_faults(Fault::Delay(Duration::from_millis(1500)), ATTEMPTS - 1);
    let run = scan(&ws, &fake, &["--vttimeout", "1"]);
    assert_eq!(check(&run, &fake), expect(&[("not found", FINDINGS)]));
    assert_eq!(fake.request_count(), FINDINGS + ATTEMPTS - 1);
}

#[test]
fn a_slow_answer_does_not_bunch_the_lookups_behind_it_over_the_rate() {
    // Eight findings at 4 per window. One answer takes longer than a window; the other
    // lookups must not wait behind it and then go out together: their tokens were counted when
    // they were handed out, so sending them later could put more than 4 in one window.
    let ws = Workspace::new();
    for i in 1..=8 {
        ws.write(
            format!("srv/www/b{i}.php"),
            tree::page(&format!("bunch {i}")),
        );
    }
    let fake = FakeVt::start(FakeVtConfig {
        rate: Some((4, WINDOW)),
        ..FakeVtConfig::default()
    });
    // The first answer comes at once (the key works); the second after more than a window.
    fake.push_fault(Fault::Delay(Duration::ZERO));
    fake.push_fault(Fault::Delay(WINDOW + Duration::from_millis(500)));
    let mut args = vt_args(&fake, 4);
    args.push(OsString::from("--vtwaitforquota"));
    let run = ws.scan(args);
    run.assert_code(0);
    let results: Vec<&Value> = run
        .findings()
        .iter()
        .map(|f| &f["subject"]["file"]["virustotal"]["result"])
        .collect();
    assert_eq!(results, vec![&Value::from("not found"); 8]);
    assert_eq!(fake.count_429(), 0, "the fake's quota was never exceeded");
    assert!(fake.max_counted_in_any_window(WINDOW) <= 4);
    assert_eq!(fake.request_count(), 8);
}

#[test]
fn too_many_requests_storm_is_retried_a_bounded_number_of_times() {
    let ws = pages();
    let fake = fake();
    fake.set_always(Some(Fault::TooManyRequests));
    let run = scan(&ws, &fake, &[]);
    assert_eq!(
        check(&run, &fake),
        expect(&[("error (too many requests)", FINDINGS)])
    );
    assert_eq!(fake.request_count(), ATTEMPTS * FINDINGS);
    assert_eq!(fake.count_429(), ATTEMPTS * FINDINGS);
}

#[test]
fn quota_exceeded_storm_ends_even_when_waiting_for_quota() {
    // A key spent elsewhere for the day: every answer is 429 QuotaExceededError. Each one
    // holds the lookups off (one window, then two …); a hash refused ATTEMPTS times is
    // reported `skipped (quota)` instead of being parked for ever. A 1-second window keeps
    // the holds short.
    let ws = pages();
    let fake = FakeVt::start(FakeVtConfig {
        rate: Some((RATE, Duration::from_secs(1))),
        ..FakeVtConfig::default()
    });
    fake.set_always(Some(Fault::QuotaExceeded));
    let mut args = vt_args(&fake, RATE);
    args.extend(["--vtwaitforquota", "--vtwindow", "1"].map(OsString::from));
    let run = ws.scan(args);
    run.assert_code(0);
    let findings = run.findings();
    assert_eq!(findings.len(), FINDINGS, "{findings:#?}");
    for f in &findings {
        assert_eq!(
            f["subject"]["file"]["virustotal"]["result"], "skipped (quota)",
            "{f:#}"
        );
    }
    assert!(fake.request_count() <= ATTEMPTS * FINDINGS);
    assert!(fake.max_counted_in_any_window(Duration::from_secs(1)) <= RATE as usize);
    let vt = &run.summary()["virustotal"];
    assert_eq!(vt["skipped_quota"], FINDINGS, "{vt:#}");
    assert_eq!(vt["errors"], 0, "{vt:#}");
    assert!(vt["holds"].as_u64().unwrap() >= 1, "{vt:#}");
    assert!(run.elapsed < Duration::from_secs(10), "{:?}", run.elapsed);
}

#[test]
fn forbidden_403_is_not_retried() {
    let ws = pages();
    let fake = fake();
    fake.set_always(Some(Fault::Forbidden403));
    let run = scan(&ws, &fake, &[]);
    assert_eq!(
        check(&run, &fake),
        expect(&[("error (HTTP 403)", FINDINGS)])
    );
    assert_eq!(fake.request_count(), FINDINGS);
}

#[test]
fn key_rejected_mid_run_stops_lookups_and_says_so_once() {
    let ws = pages();
    let fake = FakeVt::start(FakeVtConfig {
        rate: Some((3, WINDOW)),
        ..FakeVtConfig::default()
    });
    let old_key = fake.key();
    // Two lookups are answered, the third is rejected (401 WrongCredentialsError). At 3 per
    // window the fourth waits for a token, and by then the run knows the key is bad: it is
    // never sent.
    fake.change_key_after(2, ROTATED_KEY);
    let mut args = vt_args(&fake, 3);
    args.push(OsString::from("--vtwaitforquota"));
    let run = ws.scan(args);
    assert_eq!(
        check(&run, &fake),
        expect(&[("error (wrong key)", FINDINGS - 2), ("not found", 2)])
    );
    assert_eq!(fake.request_count(), 3);
    assert_eq!(fake.count_status(401), 1);
    assert_eq!(run.summary()["virustotal"]["wrong_key"], true);
    assert_eq!(
        run.stderr.matches("rejected the API key").count(),
        1,
        "one error line for the run:\n{}",
        run.stderr
    );
    for key in [old_key.as_str(), ROTATED_KEY] {
        assert!(!run.stderr.contains(key) && !run.stdout.contains(key));
    }
    assert!(
        run.elapsed < WINDOW,
        "the parked finding did not wait for quota: {:?}",
        run.elapsed
    );
}
