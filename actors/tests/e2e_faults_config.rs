//! Issue 5, item 11: bad configuration is named by file and line, never a panic. A scan
//! template with a wrong type, an unknown key or bad YAML stops the run before scanning (exit
//! 2); an IOC file with bad lines or a bad regex gives one warning per line and the rest loads;
//! an excludes file or a false-positive filter file with a bad regex stops the run (exit 2).
//! The parsers behind them are fuzzed in the root package (`tests/fuzz_parsers.rs`).

mod common;

use std::fs;
use std::path::PathBuf;

use common::{JSONL, Run, Workspace};

/// Asserts a run that stopped before scanning: exit 2, `expected` as the first stderr line,
/// no panic, no JSONL log.
fn assert_stopped(ws: &Workspace, run: &Run, expected: &str) {
    run.assert_code(2);
    assert_eq!(
        run.stderr.lines().next(),
        Some(expected),
        "stderr:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(!ws.out(JSONL).exists(), "nothing was scanned");
}

#[test]
fn template_with_a_wrong_type_names_the_file_and_line() {
    let ws = Workspace::new();
    let t = ws.write_aside("scan.yml", "# my scan\nthreads: 2\nvtscore: forty\n");
    let run = ws.scan(["-t".as_ref(), t.as_os_str()]);
    assert_stopped(
        &ws,
        &run,
        &format!(
            "ratatosk: error: bad value for `vtscore` in template {}:3: found string \"forty\", \
             expected an integer",
            t.display()
        ),
    );
}

#[test]
fn template_with_an_unknown_key_names_the_file_and_line() {
    let ws = Workspace::new();
    let t = ws.write_aside("scan.yml", "threads: 2\n\nno_such_key: 1\n");
    let run = ws.scan(["-t".as_ref(), t.as_os_str()]);
    assert_stopped(
        &ws,
        &run,
        &format!(
            "ratatosk: error: unknown key `no_such_key` in template {}:3",
            t.display()
        ),
    );
}

#[test]
fn template_with_bad_yaml_names_the_file_and_line() {
    let ws = Workspace::new();
    let t = ws.write_aside("scan.yml", "threads: 2\n  bad: [\n");
    let run = ws.scan(["-t".as_ref(), t.as_os_str()]);
    assert_stopped(
        &ws,
        &run,
        &format!(
            "ratatosk: error: template {} (line 2, column 6): not valid YAML: mapping values are \
             not allowed in this context",
            t.display()
        ),
    );
}

#[test]
fn ioc_files_with_bad_lines_warn_with_file_and_line_and_the_rest_loads() {
    let ws = Workspace::new();
    let sample = ws.write("a.txt", "hello ioc\n");
    // sha256sum of "hello ioc\n".
    let sha = "5676f9c312f70b0db964297be5a97ead033219098a82c0db2ff0d91d4e99d950";
    let sigs: PathBuf = ws.out("sigs");
    fs::create_dir_all(sigs.join("iocs")).unwrap();
    let hash = sigs.join("iocs/hash-iocs.txt");
    fs::write(
        &hash,
        format!("# header\nnot-a-hash;bad\n{sha};77;Fault test hash\n0123;short\n\n"),
    )
    .unwrap();
    let filename = sigs.join("iocs/filename-iocs.txt");
    fs::write(&filename, "(unclosed;60\n/a\\.txt$;65\nnoscore\n").unwrap();
    let c2 = sigs.join("iocs/c2-iocs.txt");
    fs::write(&c2, "example.com;80\nbad host name!;50\n10.0.0.0/33\n").unwrap();

    let run = ws.scan([
        "--signatures".as_ref(),
        sigs.as_os_str(),
        "--intense".as_ref(),
    ]);
    run.assert_code(1);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(": warning: "))
        .collect();
    let expected = [
        format!(
            "ratatosk: {}:2: warning: `bad host name!` is neither a domain, an IP address nor a \
             CIDR network",
            c2.display()
        ),
        format!(
            "ratatosk: {}:3: warning: invalid CIDR `10.0.0.0/33`: prefix must be 0-32",
            c2.display()
        ),
        format!(
            "ratatosk: {}:1: warning: invalid regex `(unclosed`: unclosed group",
            filename.display()
        ),
        format!(
            "ratatosk: {}:3: warning: missing score in `noscore` (expected \
             REGEX;SCORE[;FP_REGEX])",
            filename.display()
        ),
        format!(
            "ratatosk: {}:2: warning: invalid hash `not-a-hash`: expected 32, 40 or 64 hex \
             digits (MD5, SHA1, SHA256), got 10 characters",
            hash.display()
        ),
        format!(
            "ratatosk: {}:4: warning: invalid hash `0123`: expected 32, 40 or 64 hex digits \
             (MD5, SHA1, SHA256), got 4 characters",
            hash.display()
        ),
    ];
    let mut sorted = warnings.clone();
    sorted.sort();
    let mut expected_sorted: Vec<&str> = expected.iter().map(String::as_str).collect();
    expected_sorted.sort();
    assert_eq!(sorted, expected_sorted, "stderr:\n{}", run.stderr);

    // The good lines loaded: the hash IOC (77) and the filename IOC (65) both hit.
    // [77, 65] → 100 × (1 − 0.23 × (1 − 0.65 / 2)) = 84.475 → 84; 77 > 75 → Alert.
    let f = run.finding("a.txt");
    assert_eq!(f["score"], 84, "{f:#}");
    assert_eq!(f["meta"]["level"], "Alert");
    let mut kinds: Vec<(i64, &str)> = f["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["signature"]["score"].as_i64().unwrap(),
                r["signature"]["kind"].as_str().unwrap(),
            )
        })
        .collect();
    kinds.sort();
    assert_eq!(kinds, [(65, "Filename IOC"), (77, "Hash IOC")]);
    assert_eq!(
        f["subject"]["file"]["path"].as_str(),
        Some(sample.to_str().unwrap())
    );
}

#[test]
fn excludes_file_with_a_bad_regex_names_the_file_and_line() {
    let ws = Workspace::new();
    let ex = ws.write_aside("excludes.cfg", "# excludes\n\\.git/\n(unclosed\n");
    let run = ws.scan(["--excludes".as_ref(), ex.as_os_str()]);
    assert_stopped(
        &ws,
        &run,
        &format!(
            "ratatosk: error: {}:3: bad exclude regex: regex parse error:",
            ex.display()
        ),
    );
    assert!(run.stderr.contains("unclosed group"), "{}", run.stderr);
}

#[test]
fn fp_filters_file_with_a_bad_regex_names_the_file_and_line() {
    let ws = Workspace::new();
    let fp = ws.write_aside("fp.cfg", "fine\n\n[bad\n");
    let run = ws.scan(["--fp-filters".as_ref(), fp.as_os_str()]);
    assert_stopped(
        &ws,
        &run,
        &format!(
            "ratatosk: error: {}:3: invalid false-positive filter regex: regex parse error:",
            fp.display()
        ),
    );
    assert!(
        run.stderr.contains("unclosed character class"),
        "{}",
        run.stderr
    );
}
