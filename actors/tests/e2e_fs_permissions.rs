//! Permission denied, end to end: the scanner runs as an unprivileged user (`setpriv
//! --reuid=65534`, root ignores mode bits) over a tree with an unreadable file, an unreadable
//! folder, a folder it may list but not look into, and one it may enter but not list. Each
//! denied entry is counted once and reported on one line; the walk goes on and finds what it
//! can read. The binary and the tree are copied to a folder that user can reach (the build
//! folder under `/root` is not).

mod common;
#[path = "common/fs_faults.rs"]
mod fs_faults;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::{BIN, tree};
use fs_faults::{assert_balanced, is_root, skipped};

/// The unprivileged user and group (`nobody`/`nogroup`).
const NOBODY: &str = "65534";

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn setpriv_available() -> bool {
    Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn denied_files_and_folders_are_counted_once_each_and_the_walk_goes_on() {
    if !is_root() || !setpriv_available() {
        eprintln!("note: needs root and setpriv (util-linux) to run as another user; skipped");
        return;
    }
    let base = tempfile::Builder::new()
        .prefix("ratatosk-e2e-perm-")
        .tempdir()
        .unwrap();
    let root = base.path();
    chmod(root, 0o755);
    let bin = root.join("ratatosk");
    fs::copy(BIN, &bin).unwrap();
    chmod(&bin, 0o755);
    for (dir, mode) in [("out", 0o777), ("cache", 0o777), ("cwd", 0o755)] {
        fs::create_dir(root.join(dir)).unwrap();
        chmod(&root.join(dir), mode);
    }
    let t = root.join("tree");
    let write = |rel: &str, content: &str, mode: u32| {
        let p = t.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, content).unwrap();
        chmod(&p, mode);
    };
    write("open/eicar.com", &tree::eicar(), 0o644);
    write("open/notes.txt", "notes\n", 0o644);
    write("open/secret.com", &tree::eicar(), 0o600); // readable by root only
    write("locked/eicar.com", &tree::eicar(), 0o644);
    write("list-only/a.com", &tree::eicar(), 0o644);
    write("list-only/b.com", &tree::eicar(), 0o644);
    write("enter-only/c.com", &tree::eicar(), 0o644);
    for (dir, mode) in [
        ("", 0o755),
        ("open", 0o755),
        ("locked", 0o700),     // neither listed nor entered
        ("list-only", 0o744),  // names can be listed, nothing looked at
        ("enter-only", 0o711), // entered, not listed
    ] {
        chmod(&t.join(dir), mode);
    }

    let jsonl = root.join("out/scan.jsonl");
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups", "--"])
        .arg(&bin)
        .current_dir(root.join("cwd"))
        .env("XDG_CACHE_HOME", root.join("cache"))
        .args([
            "--noprocs",
            "--threads",
            "2",
            "--noprogress",
            "--rules-cache",
        ])
        .arg(root.join("cache"))
        .arg("-p")
        .arg(&t)
        .arg("--jsonfile")
        .arg(&jsonl);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("RATATOSK_") {
            cmd.env_remove(name);
        }
    }
    let run = common::run(cmd, Some(jsonl));
    run.assert_code(1);
    let findings = run.findings();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    run.finding("open/eicar.com");
    let s = assert_balanced(&run);
    // secret.com (opened), locked (listed), list-only/a.com and b.com (looked at),
    // enter-only (listed).
    assert_eq!(skipped(s, "permission_denied"), 5, "{s:#}");
    assert_eq!(s["seen"], 7, "{s:#}");
    assert_eq!(s["errors"], 0, "{s:#}");

    // One line per denied entry, naming it.
    let denied: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("permission denied"))
        .collect();
    assert_eq!(denied.len(), 5, "{}", run.stderr);
    for entry in [
        "open/secret.com",
        "locked",
        "list-only/a.com",
        "list-only/b.com",
        "enter-only",
    ] {
        let needle = format!(
            "{}: not scanned: permission denied",
            t.join(entry).display()
        );
        assert_eq!(
            denied.iter().filter(|l| l.contains(&needle)).count(),
            1,
            "{needle}\n{}",
            run.stderr
        );
    }
}
