//! End-to-end tests of VirusTotal enrichment: the real `ratatosk` binary against the fake
//! VirusTotal of `common/fake_vt.rs` — verdicts folded into exact scores, levels and JSON
//! fields; a rejected key; the key kept out of every output; the EULA gate.
//!
//! Expected totals follow THOR's formula (spec §4): sort the sub-scores descending and take
//! `100 × (1 − Π (1 − s_i / 100 / 2^i))`, rounded half up. Levels: Notice ≥ 40, Warning ≥ 60,
//! Alert ≥ 81 with a sub-score above 75. VirusTotal sub-score (spec §5): more than 5 positives
//! → 40, more than 10 → 60, more than 20 → 75, else no reason.

mod common;

use std::ffi::{OsStr, OsString};
use std::fs;

use serde_json::{Value, json};

use common::fake_vt::{FakeVt, FakeVtConfig};
use common::tree::{self, Digests, EICAR, PAGE_3, PAGE_8, PAGE_15, PAGE_25, PAGE_UNKNOWN};
use common::{Run, Workspace, vt_args};

/// Engines in every fake verdict (the fake's default `total_engines`).
const TOTAL_ENGINES: u32 = 72;

/// A key the fake does not accept (shaped like a real one: 64 hex digits).
const WRONG_KEY: &str = "0badc0de0badc0de0badc0de0badc0de0badc0de0badc0de0badc0de0badc0de";

/// `(score, kind, rule_name)` of each reason, sorted (ties in score may come in any order).
fn reason_list(f: &Value) -> Vec<(i64, String, String)> {
    let reasons = f["reasons"].as_array().unwrap();
    let scores: Vec<i64> = reasons
        .iter()
        .map(|r| r["signature"]["score"].as_i64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "reasons sorted by descending sub-score: {scores:?}"
    );
    assert_eq!(f["reason_count"], reasons.len());
    let mut list: Vec<(i64, String, String)> = reasons
        .iter()
        .map(|r| {
            let s = &r["signature"];
            (
                s["score"].as_i64().unwrap(),
                s["kind"].as_str().unwrap().to_owned(),
                s["rule_name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    list.sort();
    list
}

/// The sorted reason list of [`reason_list`] from `(score, kind, rule_name)` literals.
fn reasons(expected: &[(i64, &str, &str)]) -> Vec<(i64, String, String)> {
    let mut list: Vec<(i64, String, String)> = expected
        .iter()
        .map(|&(s, k, r)| (s, k.to_owned(), r.to_owned()))
        .collect();
    list.sort();
    list
}

/// The VirusTotal reason of a finding (kind `VirusTotal`), if any.
fn vt_reason(f: &Value) -> Option<&Value> {
    f["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["signature"]["kind"] == "VirusTotal")
}

/// The exact VirusTotal reason for `positives` of [`TOTAL_ENGINES`] with sub-score `score`.
fn expected_vt_reason(d: &Digests, positives: u32, score: i64) -> Value {
    let description = format!("{positives} of {TOTAL_ENGINES} engines flag the file as malicious");
    json!({
        "summary": format!("VirusTotal / {description}"),
        "signature": {
            "score": score,
            "kind": "VirusTotal",
            "rule_name": "VirusTotal",
            "description": description,
            "reference": tree::permalink(d.sha256),
            "origin": "external"
        }
    })
}

/// The `virustotal` block of a finding with a verdict.
fn found(d: &Digests, positives: u32) -> Value {
    json!({
        "result": "found",
        "positive_verdicts": positives,
        "total_verdicts": TOTAL_ENGINES,
        "permalink": tree::permalink(d.sha256)
    })
}

const PRESEL: (i64, &str, &str) = (40, "YARA Rule", "PRESEL_Web_Script_In_Web_Root");
const EICAR_RULE: (i64, &str, &str) = (100, "YARA Rule", "EICAR_Test_File");

/// Checks score, level, hashes and the `virustotal` block of one finding.
fn check(run: &Run, name: &str, d: &Digests, score: u64, level: &str, vt: Value) -> Value {
    let f = run.finding(name).clone();
    assert_eq!(f["score"], score, "{name}: {f:#}");
    assert_eq!(f["meta"]["level"], level, "{name}");
    let file = &f["subject"]["file"];
    assert_eq!(
        file["hashes"],
        json!({"md5": d.md5, "sha1": d.sha1, "sha256": d.sha256}),
        "{name}"
    );
    assert_eq!(file["size"], d.size, "{name}");
    assert_eq!(file["virustotal"], vt, "{name}");
    f
}

#[test]
fn verdicts_give_exact_scores_levels_and_fields() {
    let ws = Workspace::new();
    let eicar = ws.write("files/eicar.com", tree::eicar());
    ws.write("srv/www/p3.php", tree::page("3"));
    ws.write("srv/www/p8.php", tree::page("8"));
    ws.write("srv/www/p15.php", tree::page("15"));
    ws.write("srv/www/p25.php", tree::page("25"));
    ws.write("srv/www/unknown.php", tree::page("unknown"));
    ws.write("srv/www/readme.txt", "no script here\n");
    let fake = FakeVt::start(FakeVtConfig::default());
    for (d, positives) in [
        (EICAR, 25),
        (PAGE_3, 3),
        (PAGE_8, 8),
        (PAGE_15, 15),
        (PAGE_25, 25),
    ] {
        fake.add_file(d.sha256, d.md5, d.sha1, positives);
    }
    let run = ws.scan(vt_args(&fake, 10));
    run.assert_code(1);
    assert_eq!(run.findings().len(), 6, "{:#?}", run.findings());

    // EICAR: [100] + VT 75 → sorted [100, 75] → 100 × (1 − 0 × …) = 100 → Alert.
    let f = check(&run, "eicar.com", &EICAR, 100, "Alert", found(&EICAR, 25));
    assert_eq!(
        reason_list(&f),
        reasons(&[EICAR_RULE, (75, "VirusTotal", "VirusTotal")])
    );
    assert_eq!(vt_reason(&f), Some(&expected_vt_reason(&EICAR, 25, 75)));

    // 3 positives (not more than 5): no VirusTotal reason; [40] → 40 → Notice.
    let f = check(&run, "p3.php", &PAGE_3, 40, "Notice", found(&PAGE_3, 3));
    assert_eq!(reason_list(&f), reasons(&[PRESEL]));

    // 8 positives (> 5) → VT 40: [40, 40] → 100 × (1 − 0.6 × 0.8) = 52 → Notice.
    let f = check(&run, "p8.php", &PAGE_8, 52, "Notice", found(&PAGE_8, 8));
    assert_eq!(
        reason_list(&f),
        reasons(&[PRESEL, (40, "VirusTotal", "VirusTotal")])
    );
    assert_eq!(vt_reason(&f), Some(&expected_vt_reason(&PAGE_8, 8, 40)));

    // 15 positives (> 10) → VT 60: [60, 40] → 100 × (1 − 0.4 × 0.8) = 68 → Warning.
    let f = check(
        &run,
        "p15.php",
        &PAGE_15,
        68,
        "Warning",
        found(&PAGE_15, 15),
    );
    assert_eq!(
        reason_list(&f),
        reasons(&[(60, "VirusTotal", "VirusTotal"), PRESEL])
    );
    assert_eq!(vt_reason(&f), Some(&expected_vt_reason(&PAGE_15, 15, 60)));

    // 25 positives (> 20) → VT 75: [75, 40] → 100 × (1 − 0.25 × 0.8) = 80 → Warning (below
    // 81, and no sub-score above 75).
    let f = check(
        &run,
        "p25.php",
        &PAGE_25,
        80,
        "Warning",
        found(&PAGE_25, 25),
    );
    assert_eq!(
        reason_list(&f),
        reasons(&[(75, "VirusTotal", "VirusTotal"), PRESEL])
    );
    assert_eq!(vt_reason(&f), Some(&expected_vt_reason(&PAGE_25, 25, 75)));

    // Unknown to VirusTotal (404 NotFoundError): a result, no verdict; [40] → 40 → Notice.
    let f = check(
        &run,
        "unknown.php",
        &PAGE_UNKNOWN,
        40,
        "Notice",
        json!({"result": "not found"}),
    );
    assert_eq!(reason_list(&f), reasons(&[PRESEL]));

    // Each hash asked once, by SHA-256, with the key.
    for d in [EICAR, PAGE_3, PAGE_8, PAGE_15, PAGE_25, PAGE_UNKNOWN] {
        assert_eq!(fake.lookups_of(d.sha256), 1, "lookups of {}", d.sha256);
    }
    assert_eq!(fake.request_count(), 6);
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.key_ok && r.method == "GET")
    );

    let s = run.summary();
    assert_eq!(
        s["findings"],
        json!({"alert": 1, "warning": 2, "notice": 3, "low": 0})
    );
    let vt = &s["virustotal"];
    assert_eq!(vt["looked_up"], 6, "{vt:#}");
    assert_eq!(vt["found"], 5, "{vt:#}");
    assert_eq!(vt["not_found"], 1, "{vt:#}");
    assert_eq!(vt["skipped_quota"], 0, "{vt:#}");
    assert_eq!(vt["errors"], 0, "{vt:#}");
    assert_eq!(vt["wrong_key"], false, "{vt:#}");

    // The console line carries the verdict too.
    let needle = format!(" FILE: {} ", eicar.display());
    let line = run.stdout.lines().find(|l| l.contains(&needle)).unwrap();
    assert!(
        line.ends_with(&format!(
            " VT: found VT_POSITIVES: 25/72 VT_LINK: {}",
            tree::permalink(EICAR.sha256)
        )),
        "{line}"
    );
}

#[test]
fn wrong_key_is_one_error_line_and_findings_say_error_wrong_key() {
    let ws = Workspace::new();
    ws.write("files/eicar.com", tree::eicar());
    ws.write("srv/www/p8.php", tree::page("8"));
    ws.write("srv/www/p25.php", tree::page("25"));
    ws.write("srv/www/unknown.php", tree::page("unknown"));
    let fake = FakeVt::start(FakeVtConfig::default());
    fake.add_file(EICAR.sha256, EICAR.md5, EICAR.sha1, 25);
    fake.add_file(PAGE_25.sha256, PAGE_25.md5, PAGE_25.sha1, 25);
    let mut args = vt_args(&fake, 10);
    let key_at = args.iter().position(|a| a == "--vtkey").unwrap() + 1;
    args[key_at] = OsString::from(WRONG_KEY);
    let run = ws.scan(args);

    // EICAR alone is an Alert: exit 1 as for the findings.
    run.assert_code(1);
    let key_lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.to_ascii_lowercase().contains("key"))
        .collect();
    assert_eq!(key_lines.len(), 1, "stderr:\n{}", run.stderr);
    assert!(
        key_lines[0].contains("rejected"),
        "says the key was rejected: {}",
        key_lines[0]
    );
    assert!(!run.stderr.contains(WRONG_KEY), "{}", run.stderr);
    // stderr is a pipe here, not a terminal: a plain line a log file can keep, as the console
    // output is coloured only on a terminal.
    assert!(
        !run.stderr.contains('\u{1b}'),
        "terminal escape codes in redirected stderr: {:?}",
        run.stderr
    );

    let error = json!({"result": "error (wrong key)"});
    check(&run, "eicar.com", &EICAR, 100, "Alert", error.clone());
    check(&run, "p8.php", &PAGE_8, 40, "Notice", error.clone());
    check(&run, "p25.php", &PAGE_25, 40, "Notice", error.clone());
    check(&run, "unknown.php", &PAGE_UNKNOWN, 40, "Notice", error);
    assert_eq!(run.findings().len(), 4);

    // The first 401 stops lookups for the run.
    let requests = fake.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    assert_eq!(requests[0].status, 401);
    assert!(!requests[0].key_ok);

    let vt = &run.summary()["virustotal"];
    assert_eq!(vt["wrong_key"], true, "{vt:#}");
    assert_eq!(vt["errors"], 4, "{vt:#}");
    assert_eq!(vt["found"], 0, "{vt:#}");
}

/// Every output file of a run, and what the run printed.
fn every_output(ws: &Workspace, run: &Run, files: &[&str]) -> Vec<(String, String)> {
    let mut out = vec![
        ("stdout".to_owned(), run.stdout.clone()),
        ("stderr".to_owned(), run.stderr.clone()),
    ];
    for name in files {
        let path = ws.out(name);
        let text = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.push((
            (*name).to_owned(),
            String::from_utf8_lossy(&text).into_owned(),
        ));
    }
    out
}

#[test]
fn the_key_appears_in_no_output() {
    const FILES: [&str; 4] = ["scan.jsonl", "scan.log", "scan.html", "scan.csv"];
    for key in [None, Some(WRONG_KEY)] {
        let ws = Workspace::new();
        ws.write("files/eicar.com", tree::eicar());
        ws.write("srv/www/p25.php", tree::page("25"));
        let fake = FakeVt::start(FakeVtConfig::default());
        fake.add_file(EICAR.sha256, EICAR.md5, EICAR.sha1, 25);
        let key = key.map_or_else(|| fake.key(), str::to_owned);
        let mut args = vt_args(&fake, 10);
        let key_at = args.iter().position(|a| a == "--vtkey").unwrap() + 1;
        args[key_at] = OsString::from(&key);
        for (flag, name) in ["--jsonfile", "--logfile", "--htmlfile", "--csvfile"]
            .into_iter()
            .zip(FILES)
        {
            args.push(flag.into());
            args.push(ws.out(name).into());
        }
        // With diagnostics at debug level too: no log line may carry the key.
        args.push("--debug".into());
        let run = ws.scan(args);
        run.assert_code(1);
        assert!(fake.request_count() >= 1, "VirusTotal was asked");
        for (what, text) in every_output(&ws, &run, &FILES) {
            assert!(what == "stderr" || !text.is_empty(), "{what} is empty");
            assert!(!text.contains(&key), "the key is in {what}:\n{text}");
        }
    }
}

#[test]
fn print_config_redacts_the_key() {
    let ws = Workspace::new();
    let key = common::fake_vt::DEFAULT_KEY;
    let template = ws.write_aside("vt.yml", &format!("vtkey: {key}\nvtaccepteula: true\n"));
    let flag = ws.run(["--print-config", "--vtaccepteula", "--vtkey", key]);
    let from_template = ws.run([
        OsStr::new("--print-config"),
        OsStr::new("-t"),
        template.as_os_str(),
    ]);
    let mut env_cmd = ws.command();
    env_cmd
        .env("RATATOSK_VTKEY", key)
        .args(["--print-config", "--vtaccepteula"]);
    let from_env = common::run(env_cmd, None);
    for (how, run) in [
        ("flag", &flag),
        ("template", &from_template),
        ("environment", &from_env),
    ] {
        run.assert_code(0);
        assert!(!run.stdout.contains(key), "{how}: {}", run.stdout);
        assert!(!run.stderr.contains(key), "{how}: {}", run.stderr);
        let line = run
            .stdout
            .lines()
            .find(|l| l.starts_with("vtkey:"))
            .unwrap_or_else(|| panic!("{how}: no vtkey line in\n{}", run.stdout));
        assert_eq!(line, "vtkey: <redacted>", "{how}");
    }
}

#[test]
fn key_without_eula_exits_2_before_scanning() {
    let ws = Workspace::new();
    ws.write("files/eicar.com", tree::eicar());
    let fake = FakeVt::start(FakeVtConfig::default());
    let key = fake.key();
    let args: Vec<OsString> = vec![
        "--vtkey".into(),
        key.clone().into(),
        "--vturl".into(),
        fake.base_url().into(),
        "--vtnocache".into(),
    ];
    let run = ws.scan(args);
    run.assert_code(2);
    assert!(run.stderr.contains("--vtaccepteula"), "{}", run.stderr);
    assert!(!run.stderr.contains(&key), "{}", run.stderr);
    assert!(run.events.is_none(), "no JSONL: the scan did not start");
    assert!(!run.stdout.contains("eicar.com"), "{}", run.stdout);
    assert_eq!(fake.request_count(), 0);

    // The same with the key from the environment.
    let mut cmd = ws.command();
    cmd.env("RATATOSK_VTKEY", &key)
        .arg("-p")
        .arg(ws.tree())
        .args(["--vturl", &fake.base_url(), "--vtnocache"]);
    let run = common::run(cmd, None);
    run.assert_code(2);
    assert!(run.stderr.contains("--vtaccepteula"), "{}", run.stderr);
    assert_eq!(fake.request_count(), 0);
}
