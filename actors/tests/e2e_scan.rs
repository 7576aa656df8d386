//! End-to-end tests of a file scan without VirusTotal: the real `ratatosk` binary on small
//! trees, checked through its exit status, console, JSONL log and CSV file.

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use serde_json::json;

use common::tree::{self, EICAR};
use common::{Run, Workspace, assert_balanced, base64};

/// A PHP web shell (the one of `scripts/make-sample-tree.sh`): under `www` it matches
/// WEBSHELL_PHP_Eval_Decoded_Request (80), WEBSHELL_PHP_Eval_Decode_With_Request_Input (70)
/// and PRESEL_Web_Script_In_Web_Root (40).
const WEB_SHELL: &str =
    "<?php\n// \"thumbnail generator\"\n@eval(base64_decode($_POST['img']));\n?>\n";
/// MD5 of [`WEB_SHELL`] (md5sum).
const WEB_SHELL_MD5: &str = "8073c7457d84d6053840bc65823367d5";

/// The console line of the finding whose FILE is `path`.
fn console_line<'a>(run: &'a Run, path: &str) -> &'a str {
    let needle = format!(" FILE: {path} ");
    let lines: Vec<&str> = run.stdout.lines().filter(|l| l.contains(&needle)).collect();
    assert_eq!(lines.len(), 1, "console lines of {path}:\n{}", run.stdout);
    lines[0]
}

#[test]
fn base64_helper_matches_rfc4648_vectors() {
    let vectors = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];
    for (plain, encoded) in vectors {
        assert_eq!(base64(plain.as_bytes()), encoded);
    }
}

#[test]
fn eicar_in_a_tree_is_one_alert_of_score_100() {
    let ws = Workspace::new();
    let eicar = ws.write("home/alice/Downloads/eicar.com", tree::eicar());
    ws.write("home/alice/notes.txt", "Just some notes.\n");
    ws.write(
        "srv/index.html",
        "<!doctype html><title>Welcome</title><p>It works.</p>\n",
    );
    let run = ws.scan::<_, &str>([]);
    run.assert_code(1);

    let findings = run.findings();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = findings[0];
    assert_eq!(f["score"], 100);
    assert_eq!(f["meta"]["level"], "Alert");
    assert_eq!(f["meta"]["module"], "FileScan");
    assert_eq!(f["message"], "Malware file found");
    assert_eq!(f["reason_count"], 1);
    let file = &f["subject"]["file"];
    assert_eq!(file["path"], eicar.to_str().unwrap());
    assert!(file.get("path_bytes").is_none());
    assert_eq!(file["extension"], ".com");
    assert_eq!(file["size"], EICAR.size);
    assert_eq!(
        file["hashes"],
        json!({"md5": EICAR.md5, "sha1": EICAR.sha1, "sha256": EICAR.sha256})
    );
    assert!(
        file.get("virustotal").is_none(),
        "no VirusTotal block without a key"
    );
    assert_eq!(f["reasons"].as_array().unwrap().len(), 1);
    assert_eq!(
        f["reasons"][0]["signature"],
        json!({
            "score": 100,
            "kind": "YARA Rule",
            "rule_name": "EICAR_Test_File",
            "description": "EICAR anti-virus test file",
            "author": "Ratatosk project",
            "reference": "https://www.eicar.org/download-anti-malware-testfile/",
            "origin": "internal"
        })
    );
    assert_eq!(
        f["reasons"][0]["matched"],
        json!([{"data": tree::eicar(), "offset": 0}])
    );

    let summary = run.summary();
    assert_eq!(
        summary["findings"],
        json!({"alert": 1, "warning": 0, "notice": 0, "low": 0})
    );
    let line = console_line(&run, eicar.to_str().unwrap());
    assert!(line.starts_with("Alert: MODULE: FileScan "), "{line}");
    assert!(line.contains(" SCORE: 100 "), "{line}");
    assert!(
        line.contains(
            " REASON_1: YARA rule EICAR_Test_File / EICAR anti-virus test file SUBSCORE_1: 100 "
        ),
        "{line}"
    );
}

#[test]
fn clean_tree_exits_0_and_the_summary_counts_add_up() {
    let ws = Workspace::new();
    ws.write("etc/resolv.conf", "nameserver 127.0.0.53\n");
    ws.write("home/alice/notes.txt", "Just some notes.\n");
    ws.write(
        "srv/index.html",
        "<!doctype html><title>Welcome</title><p>It works.</p>\n",
    );
    ws.write("srv/app.js", "console.log('hello');\n");
    ws.write("bin/tool.sh", "#!/bin/sh\necho hello\n");
    ws.write("var/empty.log", "");
    let run = ws.scan::<_, &str>([]);
    run.assert_code(0);
    assert!(run.findings().is_empty(), "{:#?}", run.findings());

    let s = assert_balanced(&run);
    let n = |v: &serde_json::Value| v.as_u64().unwrap();
    assert_eq!(n(&s["seen"]), 6, "{s:#}");
    assert_eq!(n(&s["errors"]), 0);
    assert_eq!(
        s["findings"],
        json!({"alert": 0, "warning": 0, "notice": 0, "low": 0})
    );
    // The console summary says the same.
    assert!(
        run.stdout
            .contains("findings:     0 alerts, 0 warnings, 0 notices"),
        "{}",
        run.stdout
    );
}

#[test]
fn min_filters_findings_below_it() {
    let ws = Workspace::new();
    ws.write("files/eicar.com", tree::eicar());
    ws.write("srv/www/page.php", tree::page("3"));

    // [40] → 40: a Notice, reported at the default --min (= notice, 40).
    let all = ws.scan::<_, &str>([]);
    all.assert_code(1);
    assert_eq!(all.findings().len(), 2);
    let page = all.finding("page.php");
    assert_eq!(page["score"], 40);
    assert_eq!(page["meta"]["level"], "Notice");
    assert_eq!(page["message"], "Possibly suspicious file found");
    assert_eq!(
        page["reasons"][0]["signature"]["rule_name"],
        "PRESEL_Web_Script_In_Web_Root"
    );
    assert_eq!(all.summary()["below_min"], 0);

    let filtered = ws.scan(["--min", "50"]);
    filtered.assert_code(1);
    assert_eq!(filtered.findings().len(), 1);
    assert_eq!(filtered.finding("eicar.com")["score"], 100);
    assert!(!filtered.stdout.contains("page.php"), "{}", filtered.stdout);
    let s = filtered.summary();
    assert_eq!(s["below_min"], 1);
    assert_eq!(
        s["findings"],
        json!({"alert": 1, "warning": 0, "notice": 0, "low": 0})
    );
}

#[test]
fn max_reasons_limits_the_reasons_on_the_console_only() {
    let ws = Workspace::new();
    let shell = ws.write("srv/www/uploads/image.php", WEB_SHELL);
    let shell = shell.to_str().unwrap();

    // Default --max-reasons 2.
    let two = ws.scan::<_, &str>([]);
    two.assert_code(1);
    let line = console_line(&two, shell);
    assert!(line.contains(" REASON_2: "), "{line}");
    assert!(!line.contains(" REASON_3: "), "{line}");
    assert!(line.contains(" REASON_COUNT: 3"), "{line}");

    let one = ws.scan(["--max-reasons", "1"]);
    one.assert_code(1);
    let line = console_line(&one, shell);
    assert!(
        line.contains(" REASON_1: YARA rule WEBSHELL_PHP_Eval_Decoded_Request / "),
        "{line}"
    );
    assert!(line.contains(" SUBSCORE_1: 80"), "{line}");
    assert!(!line.contains("REASON_2"), "{line}");
    assert!(!line.contains("SUBSCORE_2"), "{line}");
    assert!(line.contains(" REASON_COUNT: 3"), "{line}");

    // The JSONL keeps every reason. Score: sorted [80, 70, 40] →
    // 100 × (1 − 0.2 × (1 − 0.35) × (1 − 0.1)) = 88.3 → 88; Alert (≥ 81, and 80 > 75).
    let f = one.finding("image.php");
    assert_eq!(f["score"], 88);
    assert_eq!(f["meta"]["level"], "Alert");
    assert_eq!(f["reason_count"], 3);
    let rules: Vec<&str> = f["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["signature"]["rule_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "WEBSHELL_PHP_Eval_Decoded_Request",
            "WEBSHELL_PHP_Eval_Decode_With_Request_Input",
            "PRESEL_Web_Script_In_Web_Root"
        ]
    );
}

#[test]
fn csvfile_has_md5_path_score_lines() {
    let ws = Workspace::new();
    let eicar = ws.write("files/eicar.com", tree::eicar());
    let shell = ws.write("srv/www/uploads/image.php", WEB_SHELL);
    ws.write("files/notes.txt", "Just some notes.\n");
    let csv = ws.out("scan.csv");
    let run = ws.scan([OsStr::new("--csvfile"), csv.as_os_str()]);
    run.assert_code(1);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.ends_with('\n'), "{text:?}");
    let lines: BTreeSet<&str> = text.lines().collect();
    let expected: BTreeSet<String> = [
        format!("{},{},100", EICAR.md5, eicar.display()),
        format!("{WEB_SHELL_MD5},{},88", shell.display()),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        lines,
        expected.iter().map(String::as_str).collect::<BTreeSet<_>>()
    );
    assert_eq!(text.lines().count(), 2, "one line per finding, no header");
}

#[test]
fn non_utf8_file_name_gets_path_bytes() {
    let ws = Workspace::new();
    let name = OsStr::from_bytes(b"eicar-\xff\xfe.com");
    let path = ws.write(name, tree::eicar());
    let run = ws.scan::<_, &str>([]);
    run.assert_code(1);
    let findings = run.findings();
    assert_eq!(findings.len(), 1);
    let file = &findings[0]["subject"]["file"];
    let bytes = path.as_os_str().as_bytes();
    assert_eq!(file["path_bytes"], base64(bytes));
    assert_eq!(file["path"], String::from_utf8_lossy(bytes).as_ref());
    assert!(
        file["path"]
            .as_str()
            .unwrap()
            .ends_with("/eicar-\u{fffd}\u{fffd}.com"),
        "{file:#}"
    );
}

#[test]
fn excluded_path_is_counted_as_skipped_excluded() {
    let ws = Workspace::new();
    ws.write("quarantine/eicar.com", tree::eicar());
    ws.write("quarantine/notes.txt", "Just some notes.\n");
    let excludes = ws.write_aside(
        "excludes.cfg",
        "# test excludes\n/quarantine/eicar\\.com$\n",
    );
    let run = ws.scan([OsStr::new("--excludes"), excludes.as_os_str()]);
    run.assert_code(0);
    assert!(run.findings().is_empty(), "{:#?}", run.findings());
    let s = run.summary();
    assert_eq!(s["skipped"]["excluded"], 1, "{s:#}");
    assert_eq!(s["seen"], 2, "{s:#}");
    // Without the exclude list the same tree has the alert.
    ws.scan::<_, &str>([]).assert_code(1);
}

#[test]
fn unknown_template_key_exits_2_naming_the_key_and_the_file() {
    let ws = Workspace::new();
    ws.write("files/eicar.com", tree::eicar());
    let template = ws.write_aside("scan-template.yml", "vtscore: 40\ncolour: blue\n");
    let run = ws.scan([OsStr::new("-t"), template.as_os_str()]);
    run.assert_code(2);
    assert!(run.stderr.contains("colour"), "{}", run.stderr);
    assert!(
        run.stderr.contains(template.to_str().unwrap()),
        "names the file: {}",
        run.stderr
    );
    assert!(run.events.is_none(), "the scan did not start");
}
