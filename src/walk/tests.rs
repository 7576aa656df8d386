use super::*;
use crate::read::long_path;
use std::os::unix::ffi::OsStrExt;

fn opts(root: &Path) -> WalkOptions {
    WalkOptions {
        roots: vec![root.to_path_buf()],
        excludes: Excludes::default(),
        follow_symlinks: false,
        alldrives: false,
        live: true,
        max_file_size: 10,
        lookback_cutoff: None,
        self_ids: HashSet::new(),
        module: Module::FileScan,
    }
}

type Collected = (
    Vec<FileJob>,
    Vec<(PathBuf, SkipReason)>,
    Vec<(PathBuf, String)>,
);

fn collect_all(o: &WalkOptions) -> Collected {
    let mut jobs = Vec::new();
    let mut skips = Vec::new();
    let mut errors = Vec::new();
    walk(o, |item| {
        match item {
            WalkItem::Job(j) => jobs.push(j),
            WalkItem::Skipped { path, reason } => skips.push((path, reason)),
            WalkItem::Error { path, message } => errors.push((path, message)),
        }
        true
    });
    jobs.sort_by(|a, b| a.path.cmp(&b.path));
    skips.sort();
    (jobs, skips, errors)
}

fn collect(o: &WalkOptions) -> (Vec<FileJob>, Vec<(PathBuf, SkipReason)>) {
    let (jobs, skips, errors) = collect_all(o);
    assert!(errors.is_empty(), "{errors:?}");
    (jobs, skips)
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

fn rel<'a>(jobs: &'a [FileJob], root: &Path) -> Vec<&'a Path> {
    jobs.iter()
        .map(|j| j.path.strip_prefix(root).unwrap())
        .collect()
}

#[test]
fn sorts_entries_into_jobs_and_skips() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    std::fs::write(r.join("small.txt"), b"hi").unwrap();
    std::fs::write(r.join("big.bin"), b"0123456789ABC").unwrap();
    std::fs::create_dir(r.join("sub")).unwrap();
    std::fs::write(r.join("sub/inner.php"), b"<?php").unwrap();
    std::fs::create_dir(r.join("skipme")).unwrap();
    std::fs::write(r.join("skipme/x"), b"x").unwrap();
    std::os::unix::fs::symlink(r.join("small.txt"), r.join("link")).unwrap();
    mkfifo(&r.join("fifo"));
    let _sock = std::os::unix::net::UnixListener::bind(r.join("sock")).unwrap();

    let mut o = opts(r);
    o.excludes = Excludes::parse(Path::new("ex.cfg"), "# c\n/skipme$\n").unwrap();
    let (jobs, skips) = collect(&o);
    assert_eq!(
        rel(&jobs, r),
        [
            Path::new("big.bin"),
            Path::new("small.txt"),
            Path::new("sub/inner.php")
        ]
    );
    assert_eq!(jobs[0].content_skip, Some(SkipReason::TooLarge));
    assert_eq!(jobs[0].size, 13);
    assert_eq!(jobs[1].content_skip, None);
    assert_eq!(
        skips,
        vec![
            (r.join("fifo"), SkipReason::NotRegularFile),
            (r.join("link"), SkipReason::Symlink),
            (r.join("skipme"), SkipReason::Excluded),
            (r.join("sock"), SkipReason::NotRegularFile),
        ]
    );
}

#[test]
fn single_file_root_is_a_job() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("one.exe");
    std::fs::write(&f, b"MZ").unwrap();
    let (jobs, skips) = collect(&opts(&f));
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].path, f);
    assert!(skips.is_empty());
}

#[test]
fn special_files_given_as_roots_are_skipped() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("fifo");
    mkfifo(&fifo);
    let sock = d.path().join("sock");
    let _l = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let mut o = opts(&fifo);
    o.roots = vec![fifo.clone(), sock.clone(), PathBuf::from("/dev/null")];
    let (jobs, skips) = collect(&o);
    assert!(jobs.is_empty());
    assert_eq!(
        skips,
        vec![
            (PathBuf::from("/dev/null"), SkipReason::NotRegularFile),
            (fifo, SkipReason::NotRegularFile),
            (sock, SkipReason::NotRegularFile),
        ]
    );
}

#[test]
fn missing_root_is_an_error() {
    let (jobs, skips, errors) = collect_all(&opts(Path::new("/nonexistent/ratatosk")));
    assert!(jobs.is_empty() && skips.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].0, Path::new("/nonexistent/ratatosk"));
    assert!(errors[0].1.contains("No such file"), "{errors:?}");
}

#[test]
fn root_link_to_a_file_becomes_the_real_path() {
    let d = tempfile::tempdir().unwrap();
    let real = d.path().join("real.exe");
    std::fs::write(&real, b"MZ").unwrap();
    let link = d.path().join("link.exe");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let (jobs, _) = collect(&opts(&link));
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].path, real.canonicalize().unwrap());
}

#[test]
fn lookback_skips_old_files() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("new"), b"n").unwrap();
    let mut o = opts(d.path());
    o.lookback_cutoff = Some(SystemTime::now() + Duration::from_secs(3600));
    let (jobs, skips) = collect(&o);
    assert!(jobs.is_empty());
    assert_eq!(skips, vec![(d.path().join("new"), SkipReason::Lookback)]);
    o.lookback_cutoff = WalkOptions::cutoff_for_days(1, SystemTime::now());
    assert_eq!(collect(&o).0.len(), 1);
}

#[test]
fn symlink_loops_and_mazes_end_when_following() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    std::fs::create_dir_all(r.join("a/b")).unwrap();
    std::fs::write(r.join("a/f"), b"x").unwrap();
    std::fs::write(r.join("a/b/g"), b"y").unwrap();
    let link = |target: &Path, at: &str| std::os::unix::fs::symlink(target, r.join(at)).unwrap();
    link(r, "a/up"); // to the root of the walk
    link(Path::new(".."), "a/b/parent"); // relative, to an ancestor
    link(&r.join("a/b"), "a/sideways"); // to a folder also reached directly
    link(&r.join("m2"), "m1"); // a maze: m1 → m2 → m1
    link(&r.join("m1"), "m2");
    link(&r.join("self"), "self"); // to itself
    link(&r.join("nowhere"), "dangling");
    link(&r.join("a/f"), "file-link"); // to a file also reached directly
    let mut o = opts(r);
    o.follow_symlinks = true;
    let (jobs, skips) = collect(&o);
    // Each file once, under one name.
    let paths: Vec<_> = jobs.iter().map(|j| j.path.clone()).collect();
    assert_eq!(jobs.len(), 2, "{paths:?}");
    assert!(paths.iter().any(|p| p.ends_with("f")), "{paths:?}");
    assert!(paths.iter().any(|p| p.ends_with("g")), "{paths:?}");
    let reasons: Vec<_> = skips.iter().map(|(_, r)| *r).collect();
    // a/up, a/b/parent, one of a/b and a/sideways, file-link or a/f, m1, m2, self.
    assert_eq!(
        reasons
            .iter()
            .filter(|r| **r == SkipReason::AlreadyVisited)
            .count(),
        7,
        "{skips:?}"
    );
    assert!(
        skips.contains(&(r.join("dangling"), SkipReason::Symlink)),
        "{skips:?}"
    );
    assert_eq!(skips.len(), 8, "{skips:?}");
}

#[test]
fn links_into_proc_and_dev_fd_are_pseudo_fs_when_following() {
    if !Path::new("/proc/self/fd").exists() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    std::os::unix::fs::symlink("/proc/self", r.join("self")).unwrap();
    std::os::unix::fs::symlink("/proc", r.join("proc")).unwrap();
    std::os::unix::fs::symlink("/dev/fd", r.join("fd")).unwrap();
    std::os::unix::fs::symlink("/proc/self/status", r.join("status")).unwrap();
    let mut o = opts(r);
    o.follow_symlinks = true;
    let (jobs, skips) = collect(&o);
    assert!(jobs.is_empty(), "{jobs:?}");
    let mut want = vec![
        (r.join("fd"), SkipReason::PseudoFs),
        (r.join("proc"), SkipReason::PseudoFs),
        (r.join("self"), SkipReason::PseudoFs),
        // A link to a file becomes the file's real path.
        (
            std::fs::canonicalize("/proc/self/status").unwrap(),
            SkipReason::PseudoFs,
        ),
    ];
    want.sort();
    assert_eq!(skips, want);
}

#[test]
fn pseudo_fs_roots_and_files_are_skipped_by_type() {
    if !Path::new("/proc/self").exists() {
        return;
    }
    assert!(is_pseudo_fs(Path::new("/proc")));
    assert!(!is_pseudo_fs(Path::new("/")));
    // Not a live scan, so /proc is not excluded by path: the type decides.
    let mut o = opts(Path::new("/proc"));
    o.live = false;
    o.roots.push(PathBuf::from("/proc/self/status"));
    let (jobs, skips) = collect(&o);
    assert!(jobs.is_empty());
    assert_eq!(
        skips,
        vec![
            (PathBuf::from("/proc"), SkipReason::PseudoFs),
            (PathBuf::from("/proc/self/status"), SkipReason::PseudoFs),
        ]
    );
    // A live scan names the built-in exclude.
    let (_, skips) = collect(&opts(Path::new("/proc")));
    assert_eq!(skips, vec![(PathBuf::from("/proc"), SkipReason::Excluded)]);
}

#[test]
fn tree_deeper_than_path_max_is_walked() {
    let d = tempfile::tempdir().unwrap();
    let deep = long_path::deep_tree(d.path(), 40, 200);
    let file = deep.join("bottom.txt");
    assert!(file.as_os_str().len() > 8000);
    let fd = long_path::open_path(
        &file,
        rustix::fs::OFlags::WRONLY | rustix::fs::OFlags::CREATE | rustix::fs::OFlags::CLOEXEC,
    );
    drop(fd.unwrap());
    let mut o = opts(d.path());
    o.max_file_size = 100;
    let (jobs, skips) = collect(&o);
    assert!(skips.is_empty(), "{skips:?}");
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].path, file);
    assert_eq!(jobs[0].size, 0);
    // The same file given as a root.
    let (jobs, _) = collect(&opts(&file));
    assert_eq!(jobs.len(), 1);
}

#[test]
fn each_folder_is_entered_once_across_roots() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("sub")).unwrap();
    std::fs::write(d.path().join("sub/f"), b"x").unwrap();
    let mut o = opts(d.path());
    o.roots.push(d.path().join("sub"));
    let (jobs, skips) = collect(&o);
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        skips,
        vec![(d.path().join("sub"), SkipReason::AlreadyVisited)]
    );
}

#[test]
fn odd_names_are_walked_with_their_exact_bytes() {
    let d = tempfile::tempdir().unwrap();
    let names: Vec<&[u8]> = vec![
        b"bad-\xff\xfe",
        b"new\nline",
        b"quote\"'",
        b"back\\slash",
        b"\x1b[31mred",
        &[b'n'; 255],
    ];
    for n in &names {
        std::fs::write(d.path().join(std::ffi::OsStr::from_bytes(n)), b"x").unwrap();
    }
    let (jobs, skips) = collect(&opts(d.path()));
    assert!(skips.is_empty());
    let mut got: Vec<Vec<u8>> = jobs
        .iter()
        .map(|j| j.path.file_name().unwrap().as_bytes().to_vec())
        .collect();
    got.sort();
    let mut want: Vec<Vec<u8>> = names.iter().map(|n| n.to_vec()).collect();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn stopping_the_sink_stops_the_walk() {
    let d = tempfile::tempdir().unwrap();
    for i in 0..10 {
        std::fs::write(d.path().join(format!("f{i}")), b"x").unwrap();
    }
    let mut n = 0;
    walk(&opts(d.path()), |_| {
        n += 1;
        n < 3
    });
    assert_eq!(n, 3);
}
