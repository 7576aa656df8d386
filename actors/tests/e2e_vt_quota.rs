//! End-to-end tests of the VirusTotal quota: the real `ratatosk` binary against the fake
//! VirusTotal of `common/fake_vt.rs`, enforcing its own per-window quota as VirusTotal does
//! (a request over it is a 429 `QuotaExceededError`), with a 2-second window.
//!
//! The tree is six distinct PHP pages under a `www` folder: six findings of score 40 (the
//! preselector), each a lookup candidate at the default `--vtscore 40`, none known to the fake
//! (each lookup answers 404 `NotFoundError`, result `not found`, score unchanged).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::Value;

use common::fake_vt::{FakeVt, FakeVtConfig, Fault};
use common::{Run, VT_WINDOW_SECS, Workspace, tree, vt_args};

/// Distinct findings in the tree.
const FINDINGS: usize = 6;

/// The window of the product's flags and the fake's own quota.
const WINDOW: Duration = Duration::from_secs(VT_WINDOW_SECS);

/// A workspace with [`FINDINGS`] distinct pages under `srv/www/`.
fn six_pages() -> Workspace {
    let ws = Workspace::new();
    for i in 1..=FINDINGS {
        ws.write(
            format!("srv/www/q{i}.php"),
            tree::page(&format!("quota {i}")),
        );
    }
    ws
}

/// A fake enforcing `rate` requests per [`WINDOW`], like VirusTotal.
fn fake_with_quota(rate: u32) -> FakeVt {
    FakeVt::start(FakeVtConfig {
        rate: Some((rate, WINDOW)),
        ..FakeVtConfig::default()
    })
}

/// SHA-256 → `virustotal.result` of every finding; each of the six pages exactly once, score
/// 40, Notice.
fn results(run: &Run) -> BTreeMap<String, String> {
    let findings = run.findings();
    assert_eq!(findings.len(), FINDINGS, "{findings:#?}");
    let mut out = BTreeMap::new();
    for f in findings {
        assert_eq!(f["score"], 40, "{f:#}");
        assert_eq!(f["meta"]["level"], "Notice", "{f:#}");
        let file = &f["subject"]["file"];
        let sha = file["hashes"]["sha256"].as_str().unwrap().to_owned();
        let result = file["virustotal"]["result"]
            .as_str()
            .unwrap_or_else(|| panic!("a virustotal result: {f:#}"))
            .to_owned();
        if result != "found" {
            assert_eq!(
                file["virustotal"].as_object().unwrap().len(),
                1,
                "no verdict fields without a verdict: {f:#}"
            );
        }
        assert!(
            out.insert(sha, result).is_none(),
            "each file reported once: {f:#}"
        );
    }
    out
}

/// The hashes whose result is `result`.
fn with_result(results: &BTreeMap<String, String>, result: &str) -> BTreeSet<String> {
    results
        .iter()
        .filter(|(_, r)| r.as_str() == result)
        .map(|(sha, _)| sha.clone())
        .collect()
}

/// One request the fake saw: the hash asked for, the status answered, when.
struct Asked {
    sha: String,
    status: u16,
    at: Instant,
}

/// Every request the fake saw, in arrival order (all lookups with the right key).
fn asked(fake: &FakeVt) -> Vec<Asked> {
    fake.requests()
        .into_iter()
        .map(|r| {
            assert_eq!(r.method, "GET");
            assert!(r.key_ok);
            Asked {
                sha: r.path.strip_prefix("/api/v3/files/").unwrap().to_owned(),
                status: r.status,
                at: r.at,
            }
        })
        .collect()
}

/// Checks the end event's VirusTotal counters.
fn assert_vt_counters(run: &Run, expected: &[(&str, u64)]) {
    let vt: &Value = &run.summary()["virustotal"];
    for (name, n) in expected {
        assert_eq!(vt[*name], *n, "summary virustotal.{name}: {vt:#}");
    }
}

#[test]
fn skip_mode_looks_up_rate_findings_and_skips_the_rest() {
    let ws = six_pages();
    let fake = fake_with_quota(2);
    let run = ws.scan(vt_args(&fake, 2));
    run.assert_code(0);
    let results = results(&run);
    let looked_up = with_result(&results, "not found");
    let skipped = with_result(&results, "skipped (quota)");
    assert_eq!((looked_up.len(), skipped.len()), (2, 4), "{results:#?}");

    // Exactly the two looked-up hashes reached the fake, each once, without a 429.
    let asked = asked(&fake);
    assert_eq!(asked.len(), 2);
    assert_eq!(
        asked.iter().map(|a| a.sha.clone()).collect::<BTreeSet<_>>(),
        looked_up
    );
    assert!(asked.iter().all(|a| a.status == 404));
    assert_vt_counters(
        &run,
        &[
            ("looked_up", 2),
            ("not_found", 2),
            ("found", 0),
            ("skipped_quota", 4),
            ("parked", 0),
            ("errors", 0),
        ],
    );
    assert!(
        run.stdout.matches(" VT: skipped (quota)").count() == 4,
        "{}",
        run.stdout
    );
    // The scan never waits for quota in this mode.
    assert!(run.elapsed < WINDOW, "took {:?}", run.elapsed);
}

#[test]
fn wait_mode_looks_up_everything_within_the_rate() {
    let ws = six_pages();
    let fake = fake_with_quota(2);
    let mut args = vt_args(&fake, 2);
    args.push("--vtwaitforquota".into());
    let run = ws.scan(args);
    run.assert_code(0);
    let results = results(&run);
    assert_eq!(
        with_result(&results, "not found").len(),
        FINDINGS,
        "{results:#?}"
    );

    let asked = asked(&fake);
    assert_eq!(asked.len(), FINDINGS);
    assert_eq!(
        asked.iter().map(|a| a.sha.clone()).collect::<BTreeSet<_>>(),
        results.keys().cloned().collect::<BTreeSet<_>>(),
        "each hash asked once"
    );
    assert_eq!(fake.count_429(), 0, "the fake's quota was never exceeded");
    assert!(fake.max_in_any_window(WINDOW) <= 2);
    // Six lookups at two per window span at least two windows.
    let span = asked.last().unwrap().at - asked.first().unwrap().at;
    assert!(span >= 2 * WINDOW, "lookups spread over {span:?}");
    assert_vt_counters(
        &run,
        &[
            ("looked_up", 6),
            ("not_found", 6),
            ("skipped_quota", 0),
            ("parked", 4),
            ("errors", 0),
        ],
    );
}

#[test]
fn server_429_in_skip_mode_loses_nothing() {
    // The product believes in 4 per window; the fake allows 2: the third request gets a 429
    // while the product's bucket still holds tokens.
    let ws = six_pages();
    let fake = fake_with_quota(2);
    let run = ws.scan(vt_args(&fake, 4));
    run.assert_code(0);
    let results = results(&run);
    let looked_up = with_result(&results, "not found");
    let skipped = with_result(&results, "skipped (quota)");
    assert_eq!((looked_up.len(), skipped.len()), (2, 4), "{results:#?}");

    let asked = asked(&fake);
    assert!(fake.count_429() >= 1, "the fake answered a 429");
    assert!(asked.len() <= 4, "never more than --vtrate requests");
    let answered: BTreeSet<String> = asked
        .iter()
        .filter(|a| a.status == 404)
        .map(|a| a.sha.clone())
        .collect();
    assert_eq!(answered, looked_up);
    assert_vt_counters(
        &run,
        &[
            ("looked_up", 2),
            ("not_found", 2),
            ("skipped_quota", 4),
            ("errors", 0),
        ],
    );
}

#[test]
fn server_429_in_wait_mode_still_looks_everything_up() {
    // The product believes in 4 per window; the fake allows 2. Every 429 empties the bucket;
    // the parked findings go out as the window passes, and all are looked up in the end.
    let ws = six_pages();
    let fake = fake_with_quota(2);
    let mut args = vt_args(&fake, 4);
    args.push("--vtwaitforquota".into());
    let run = ws.scan(args);
    run.assert_code(0);
    let results = results(&run);
    assert_eq!(
        with_result(&results, "not found").len(),
        FINDINGS,
        "{results:#?}"
    );

    let asked = asked(&fake);
    assert!(fake.count_429() >= 1, "the fake answered a 429");
    let mut answers: BTreeMap<String, usize> = BTreeMap::new();
    for a in asked.iter().filter(|a| a.status != 429) {
        assert_eq!(a.status, 404);
        *answers.entry(a.sha.clone()).or_default() += 1;
    }
    assert_eq!(
        answers,
        results.keys().map(|sha| (sha.clone(), 1)).collect(),
        "each hash answered exactly once"
    );
    assert!(fake.max_in_any_window(WINDOW) <= 4, "never above --vtrate");
    assert_vt_counters(
        &run,
        &[
            ("looked_up", 6),
            ("not_found", 6),
            ("skipped_quota", 0),
            ("errors", 0),
        ],
    );
}

#[test]
fn server_429_empties_the_bucket_until_a_window_has_passed() {
    // --vtrate 10 leaves spare tokens; the fake answers the first request with a forced 429.
    // The hash that got it must wait a whole window before it is asked again, although the
    // bucket still held tokens before the 429.
    let ws = six_pages();
    let fake = fake_with_quota(10);
    fake.push_fault(Fault::QuotaExceeded);
    let mut args = vt_args(&fake, 10);
    args.push("--vtwaitforquota".into());
    let run = ws.scan(args);
    run.assert_code(0);
    let results = results(&run);
    assert_eq!(
        with_result(&results, "not found").len(),
        FINDINGS,
        "{results:#?}"
    );

    let asked = asked(&fake);
    assert_eq!(fake.count_429(), 1);
    assert_eq!(asked.len(), FINDINGS + 1, "the 429'd hash is asked twice");
    let first = &asked[0];
    assert_eq!(first.status, 429);
    let retry: Vec<&Asked> = asked[1..].iter().filter(|a| a.sha == first.sha).collect();
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].status, 404);
    let gap = retry[0].at - first.at;
    assert!(gap >= WINDOW, "asked again {gap:?} after the 429");
    // Apart from that retry, no hash is asked twice.
    let distinct: BTreeSet<&str> = asked.iter().map(|a| a.sha.as_str()).collect();
    assert_eq!(distinct.len(), FINDINGS);
    // Parked: the 429'd finding, and every finding that reached VtQuota after the 429 emptied
    // the bucket (how many depends on the walk's pace against the first round trip), whose
    // only request then came a window later.
    let late = asked[1..]
        .iter()
        .filter(|a| a.sha != first.sha && a.at - first.at >= WINDOW)
        .count();
    assert_vt_counters(
        &run,
        &[
            ("looked_up", 6),
            ("not_found", 6),
            ("skipped_quota", 0),
            ("parked", 1 + late as u64),
            ("errors", 0),
        ],
    );
}
