//! Issue 5, item 10: rule files that do not compile, and a rule that is pathologically slow.
//!
//! A signature folder (`--signatures DIR`, signature-base layout) holds one good rule file and
//! one file per kind of fault: a syntax error, an unknown module, an undefined identifier, a
//! rule name used twice in one file (two files may each use a name: each file is its own
//! namespace), and an empty file. Each broken file is named on stderr with its line and the
//! compiler's message; the good rule still loads and matches, and the exit status follows the
//! findings. A rule that would take minutes on a crafted file is cut off by `--yara-timeout`
//! (THOR's flag, default 90 s): that file is counted as an error naming the timeout, and the
//! other files are scanned.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::Workspace;

/// The good rule: score 70, a Warning on its own (exit status 1).
const GOOD_RULE: &str = r#"rule Fault_Good_Marker {
  meta:
    score = 70
    description = "marker of the fault tests"
  strings:
    $a = "RATATOSK-FAULT-MARKER"
  condition:
    $a
}
"#;

/// The same rule name in another file: fine, each file is its own namespace.
const SAME_NAME_OTHER_FILE: &str = r#"rule Fault_Good_Marker {
  meta:
    score = 40
  strings:
    $a = "RATATOSK-OTHER-MARKER"
  condition:
    $a
}
"#;

/// Each broken file, its text, and the diagnostic expected after `<path>:`.
const BROKEN: &[(&str, &str, &str)] = &[
    (
        "syntax.yar",
        "rule Broken_Syntax {\n  strings: $a = \"x\"\n  condition: $a and\n}\n",
        "4: error[E001]: syntax error",
    ),
    (
        "module.yar",
        "import \"nonexistent\"\n\nrule Uses_Missing_Module {\n  condition: false\n}\n",
        "1: error[E010]: unknown module `nonexistent`",
    ),
    (
        "undefined.yar",
        "rule Undefined_Ident {\n  condition:\n    no_such_identifier > 0\n}\n",
        "3: error[E009]: unknown identifier `no_such_identifier`",
    ),
    (
        "duplicate.yar",
        "rule Dup_Rule { condition: false }\n\nrule Dup_Rule { condition: false }\n",
        "3: error[E012]: duplicate rule `Dup_Rule`",
    ),
];

/// A rule yara-x accepts that takes about filesize² steps on a file of zeros (a few times
/// 10¹² on 2 MB: hours without a timeout).
const SLOW_RULE: &str = r#"rule Slow_Nested_Loop {
  condition:
    filesize > 100000 and
    for all i in (0..filesize - 1) : (
      for all j in (0..filesize - 1) : ( uint8(i) ^ uint8(j) == 0 )
    )
}
"#;

/// Writes `files` (name, text) under `<dir>/yara/`; returns `dir`.
fn signature_folder(ws: &Workspace, files: &[(&str, &str)]) -> PathBuf {
    let dir = ws.out("sigs");
    fs::create_dir_all(dir.join("yara")).unwrap();
    for (name, text) in files {
        fs::write(dir.join("yara").join(name), text).unwrap();
    }
    dir
}

/// The `ratatosk: ` lines of stderr that name `file`.
fn lines_naming<'a>(stderr: &'a str, file: &Path) -> Vec<&'a str> {
    let prefix = format!("ratatosk: {}:", file.display());
    stderr.lines().filter(|l| l.starts_with(&prefix)).collect()
}

#[test]
fn broken_rule_files_are_named_with_their_line_and_the_rest_load() {
    let ws = Workspace::new();
    let mut files: Vec<(&str, &str)> = BROKEN.iter().map(|&(n, t, _)| (n, t)).collect();
    files.push(("good.yar", GOOD_RULE));
    files.push(("other.yar", SAME_NAME_OTHER_FILE));
    // An empty file costs nothing else (its own message: see the ignored test below).
    files.push(("empty.yar", ""));
    let sigs = signature_folder(&ws, &files);
    ws.write("hit.txt", "hello RATATOSK-FAULT-MARKER\n");
    ws.write("clean.txt", "nothing here\n");

    let run = ws.scan([
        "--signatures".as_ref(),
        sigs.as_os_str(),
        "--intense".as_ref(),
    ]);
    run.assert_code(1);
    for (name, _, expected) in BROKEN {
        let file = sigs.join("yara").join(name);
        assert_eq!(
            lines_naming(&run.stderr, &file),
            vec![format!("ratatosk: {}:{expected}", file.display())],
            "stderr:\n{}",
            run.stderr
        );
    }
    for good in ["good.yar", "other.yar"] {
        let file = sigs.join("yara").join(good);
        assert!(
            lines_naming(&run.stderr, &file).is_empty(),
            "{good} loads without a message:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);

    // The good rule matches; the broken files' rules do not.
    let f = run.finding("hit.txt");
    assert_eq!(f["score"], 70, "{f:#}");
    assert_eq!(f["meta"]["level"], "Warning");
    let rules: Vec<&str> = f["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["signature"]["rule_name"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["Fault_Good_Marker"]);
    assert_eq!(run.findings().len(), 1);
    let summary = run.summary();
    assert_eq!(
        (summary["seen"].as_u64(), summary["scanned"].as_u64()),
        (Some(2), Some(2))
    );
}

#[test]
fn an_empty_rule_file_is_named_with_a_warning() {
    let ws = Workspace::new();
    let sigs = signature_folder(&ws, &[("good.yar", GOOD_RULE), ("empty.yar", "\n")]);
    ws.write("hit.txt", "hello RATATOSK-FAULT-MARKER\n");
    let run = ws.scan([
        "--signatures".as_ref(),
        sigs.as_os_str(),
        "--intense".as_ref(),
    ]);
    run.assert_code(1);
    let file = sigs.join("yara/empty.yar");
    let named = lines_naming(&run.stderr, &file);
    assert_eq!(named.len(), 1, "{}", run.stderr);
    assert!(
        named[0].starts_with(&format!("ratatosk: {}:1: warning", file.display())),
        "{}",
        named[0]
    );
}

#[test]
fn strict_rules_makes_a_broken_file_fatal() {
    let ws = Workspace::new();
    let (name, text, expected) = BROKEN[2];
    let sigs = signature_folder(&ws, &[("good.yar", GOOD_RULE), (name, text)]);
    ws.write("hit.txt", "hello RATATOSK-FAULT-MARKER\n");
    let run = ws.scan([
        "--signatures".as_ref(),
        sigs.as_os_str(),
        "--strict-rules".as_ref(),
    ]);
    run.assert_code(2);
    let file = sigs.join("yara").join(name);
    assert!(
        run.stderr
            .contains(&format!("{}:{expected}", file.display())),
        "{}",
        run.stderr
    );
    assert!(
        run.events.as_ref().is_none_or(|e| e.is_empty()),
        "nothing scanned"
    );
}

#[test]
fn yara_timeout_defaults_to_thors_90_seconds() {
    let ws = Workspace::new();
    let run = ws.run(["--print-config"]);
    run.assert_code(0);
    assert!(
        run.stdout.lines().any(|l| l == "yara_timeout: 90"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_pathological_rule_is_cut_off_by_the_yara_timeout_for_that_file_only() {
    let ws = Workspace::new();
    let sigs = signature_folder(&ws, &[("slow.yar", SLOW_RULE), ("good.yar", GOOD_RULE)]);
    let zeros = ws.write("zeros.bin", vec![0u8; 2_000_000]);
    ws.write("hit.txt", "hello RATATOSK-FAULT-MARKER\n");
    ws.write("clean.txt", "nothing here\n");
    let run = ws.scan([
        "--signatures".as_ref(),
        sigs.as_os_str(),
        "--intense".as_ref(),
        "--yara-timeout".as_ref(),
        "1".as_ref(),
    ]);
    run.assert_code(1);
    assert!(
        run.elapsed < Duration::from_secs(10),
        "bounded: {:?}",
        run.elapsed
    );
    // The file is named, with the timeout as the reason, on one warning line.
    let expected = format!(
        "{}: not scanned: YARA scan of {} timed out after 1s",
        zeros.display(),
        zeros.display()
    );
    let named: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("timed out"))
        .collect();
    assert_eq!(named.len(), 1, "stderr:\n{}", run.stderr);
    assert!(
        named[0].contains(" WARN ") && named[0].ends_with(&expected),
        "{}",
        named[0]
    );
    // Counted as an error; the other files are scanned and the good rule matches.
    let summary = run.summary();
    assert_eq!(summary["seen"], 3, "{summary:#}");
    assert_eq!(summary["scanned"], 2, "{summary:#}");
    assert_eq!(summary["errors"], 1, "{summary:#}");
    assert_eq!(run.finding("hit.txt")["score"], 70);
    assert_eq!(run.findings().len(), 1);
}
