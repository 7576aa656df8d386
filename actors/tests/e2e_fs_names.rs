//! Names, end to end: bytes that are not UTF-8, newlines, quotes, backslashes, terminal escape
//! sequences, 255-byte names and paths longer than `PATH_MAX` are scanned like any other file.
//! The JSONL log stays valid UTF-8 and gives back the exact bytes (`path`, or `path_bytes` when
//! the name is not UTF-8); the text log and the console escape control characters; one finding
//! is always one line.

mod common;
#[path = "common/fs_faults.rs"]
mod fs_faults;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use common::{Workspace, base64, tree};
use fs_faults::{assert_balanced, deep_file};

/// Names that break naive scanners and loggers, each holding the EICAR test file.
fn odd_names() -> Vec<Vec<u8>> {
    let mut long = vec![b'L'; 251];
    long.extend_from_slice(b".com");
    vec![
        b"latin1-\xe9t\xe9.com".to_vec(),
        b"new\nline.com".to_vec(),
        b"carriage\rreturn.com".to_vec(),
        b"tab\there.com".to_vec(),
        b"quotes-\"double\"-'single'.com".to_vec(),
        b"back\\slash\\n.com".to_vec(),
        b"\x1b[31mred\x1b[0m\x07.com".to_vec(),
        "unicode-\u{202e}moc.exe-\u{2028}.com".as_bytes().to_vec(),
        long,
    ]
}

#[test]
fn odd_names_are_scanned_and_logged_one_line_each_with_exact_bytes() {
    let ws = Workspace::new();
    let names = odd_names();
    for name in &names {
        ws.write(OsStr::from_bytes(name), tree::eicar());
    }
    let log = ws.out("scan.log");
    let run = ws.scan([OsStr::new("--logfile"), log.as_os_str()]);
    run.assert_code(1);
    let s = assert_balanced(&run);
    assert_eq!(s["seen"], names.len(), "{s:#}");
    assert_eq!(s["scanned"], names.len(), "{s:#}");

    // JSONL: every line parsed as JSON (the harness checks), one finding per file, and the
    // exact bytes come back.
    let findings = run.findings();
    assert_eq!(findings.len(), names.len());
    let mut got: Vec<Vec<u8>> = findings
        .iter()
        .map(|f| {
            let file = &f["subject"]["file"];
            match file.get("path_bytes") {
                Some(b64) => {
                    let p = file["path"].as_str().unwrap();
                    assert!(p.contains('\u{fffd}'), "lossy path beside path_bytes: {p}");
                    b64.as_str().unwrap().to_owned().into_bytes()
                }
                None => file["path"].as_str().unwrap().as_bytes().to_vec(),
            }
        })
        .collect();
    let tree = ws.tree();
    let mut want: Vec<Vec<u8>> = names
        .iter()
        .map(|n| {
            let full = tree.join(OsStr::from_bytes(n));
            let bytes = full.as_os_str().as_bytes().to_vec();
            match std::str::from_utf8(&bytes) {
                Ok(_) => bytes,
                Err(_) => base64(&bytes).into_bytes(),
            }
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // Exactly one name is not UTF-8.
    assert_eq!(
        findings
            .iter()
            .filter(|f| f["subject"]["file"].get("path_bytes").is_some())
            .count(),
        1
    );

    // Text log and console: one line per finding, no raw control character anywhere.
    let text = std::fs::read(&log).unwrap();
    for (what, bytes) in [
        ("text log", &text),
        ("console", &run.stdout.as_bytes().to_vec()),
    ] {
        let as_text = String::from_utf8_lossy(bytes);
        let alerts = as_text.lines().filter(|l| l.contains("Alert:")).count();
        assert_eq!(alerts, names.len(), "{what}:\n{as_text}");
        for (i, line) in as_text.lines().enumerate() {
            assert!(
                !line
                    .chars()
                    .any(|c| c.is_control() || c == '\u{202e}' || c == '\u{2028}'),
                "{what} line {i} holds a raw control character: {line:?}"
            );
        }
    }
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("/new\\nline.com "), "{text}");
    assert!(text.contains("/latin1-\\xe9t\\xe9.com "), "{text}");
    assert!(text.contains("/\\x1b[31mred\\x1b[0m\\x07.com "), "{text}");
    assert!(text.contains("/back\\slash\\n.com "), "{text}");
}

#[test]
fn file_below_a_path_longer_than_path_max_is_found_with_its_full_path() {
    let ws = Workspace::new();
    let name = "d".repeat(200);
    let eicar = deep_file(&ws.tree(), &name, 30, "eicar.com", tree::eicar().as_bytes());
    let len = eicar.as_os_str().len();
    assert!(len > 6000, "{len}");
    ws.write("shallow/notes.txt", "notes\n");
    let run = ws.scan::<_, &str>([]);
    run.assert_code(1);
    let s = assert_balanced(&run);
    assert_eq!(s["seen"], 2, "{s:#}");
    assert_eq!(s["errors"], 0, "{s:#}");
    let findings = run.findings();
    assert_eq!(findings.len(), 1);
    let f = findings[0];
    assert_eq!(f["subject"]["file"]["path"], eicar.to_str().unwrap());
    assert_eq!(f["subject"]["file"]["hashes"]["sha256"], tree::EICAR.sha256);
    assert_eq!(f["score"], 100);

    // Given directly as the path to scan, too.
    let mut cmd = ws.command();
    cmd.arg("-p")
        .arg(&eicar)
        .arg("--jsonfile")
        .arg(ws.out("direct.jsonl"));
    let direct = common::run(cmd, Some(ws.out("direct.jsonl")));
    direct.assert_code(1);
    assert_balanced(&direct);
    assert_eq!(
        direct.findings()[0]["subject"]["file"]["path"],
        eicar.to_str().unwrap()
    );
}
