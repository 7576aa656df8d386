//! Tests of the whole module through [`SignatureSet`] and [`FileMatcher`].

use std::path::Path;

use crate::model::{Hashes, Md5, Origin, Sha256, SignatureKind};

use super::*;

const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn scan(set: &SignatureSet, path: &str, data: &[u8]) -> Vec<(String, i32)> {
    let path = Path::new(path);
    let extension = externals::extension(path);
    let ctx = FileContext {
        extension: &extension,
        filetype: magic::magic_type(data).unwrap_or(""),
        owner: "root",
        md5: None,
        sha256: None,
    };
    let mut matcher = FileMatcher::new(set);
    matcher
        .scan(path, data, &ctx)
        .unwrap()
        .into_iter()
        .map(|r| (r.signature.rule_name, r.signature.score))
        .collect()
}

/// Loads the rules and IOCs of one custom folder and nothing else.
fn load_custom_only(root: &Path) -> SignatureSet {
    SignatureSet::load(&LoadOptions {
        custom_dirs: vec![root.to_path_buf()],
        custom_only: true,
        ..LoadOptions::default()
    })
    .unwrap()
}

#[test]
fn signature_set_is_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SignatureSet>();
}

fn embedded_only() -> SignatureSet {
    SignatureSet::load(&LoadOptions::default()).unwrap()
}

#[test]
fn embedded_eicar_gives_exactly_one_reason_of_100() {
    let set = embedded_only();
    let path = Path::new("/tmp/eicar.com");
    let ctx = FileContext {
        extension: ".com",
        ..FileContext::default()
    };
    let reasons = FileMatcher::new(&set).scan(path, EICAR, &ctx).unwrap();
    assert_eq!(reasons.len(), 1);
    let r = &reasons[0];
    assert_eq!(r.signature.rule_name, "EICAR_Test_File");
    assert_eq!(r.signature.score, 100);
    assert_eq!(r.signature.kind, SignatureKind::YaraRule);
    assert_eq!(r.signature.origin, Origin::Internal);
    assert_eq!(
        r.summary,
        "YARA rule EICAR_Test_File / EICAR anti-virus test file"
    );
    assert_eq!(r.matched.len(), 1);
    assert_eq!(r.matched[0].offset, 0);
    assert_eq!(r.matched[0].data.as_bytes(), EICAR);

    // With trailing white space (allowed by the EICAR definition) it still matches; in a
    // larger file it does not.
    let mut padded = EICAR.to_vec();
    padded.extend_from_slice(b"  \r\n");
    assert_eq!(
        scan(&set, "/tmp/e", &padded),
        vec![("EICAR_Test_File".into(), 100)]
    );
    let mut big = EICAR.to_vec();
    big.extend_from_slice(&[b' '; 200]);
    assert!(scan(&set, "/tmp/e", &big).is_empty());
}

#[test]
fn embedded_counts_and_no_iocs() {
    let set = embedded_only();
    let c = set.counts();
    assert_eq!(c.rule_files, 3);
    assert_eq!(c.rules, 9);
    assert_eq!(c.compile_errors, 0);
    assert_eq!(c.rule_warnings, 0, "{:?}", set.rule_warnings());
    assert_eq!((c.hash_iocs, c.filename_iocs, c.c2_iocs), (0, 0, 0));
    assert!(!set.needs_md5());
    assert!(!set.needs_sha1());
    assert!(!set.from_cache());
}

/// A path, file content and the expected (rule, score) reasons.
type Case<'a> = (&'a str, &'a [u8], &'a [(&'a str, i32)]);

#[test]
fn embedded_web_shell_heuristics() {
    let set = embedded_only();
    let cases: &[Case<'_>] = &[
        (
            "/srv/x/a.txt",
            b"<?php @eval(base64_decode($_POST['z'])); ?>",
            &[
                ("WEBSHELL_PHP_Eval_Decoded_Request", 80),
                ("WEBSHELL_PHP_Eval_Decode_With_Request_Input", 70),
            ],
        ),
        (
            "/srv/x/b.txt",
            b"<?php $c = $_GET['c']; eval(gzinflate(base64_decode($c))); ?>",
            &[("WEBSHELL_PHP_Eval_Decode_With_Request_Input", 70)],
        ),
        (
            "/srv/x/c.txt",
            b"<?php system($_REQUEST['cmd']); ?>",
            &[("WEBSHELL_PHP_Command_Exec_Request", 75)],
        ),
        (
            "/srv/x/d.txt",
            b"<%@ Page Language=\"C#\" %><% System.Diagnostics.Process.Start(\"cmd.exe\", \"/c \" + Request.Form[\"c\"]); %>",
            &[("WEBSHELL_ASPX_Request_Process_Start", 75)],
        ),
        (
            "/srv/x/e.txt",
            b"<% Process p = Runtime.getRuntime().exec(request.getParameter(\"cmd\")); %>",
            &[("WEBSHELL_JSP_Runtime_Exec_Request", 80)],
        ),
        (
            "/srv/x/f.txt",
            b"<% new ProcessBuilder(request.getParameter(\"c\")).start(); %>",
            &[("WEBSHELL_JSP_ProcessBuilder_Request", 70)],
        ),
        ("/srv/x/g.txt", b"<?php echo 'hello'; ?>", &[]),
    ];
    for (path, data, want) in cases {
        let want: Vec<(String, i32)> = want.iter().map(|(n, s)| (n.to_string(), *s)).collect();
        assert_eq!(scan(&set, path, data), want, "{path}");
    }
}

#[test]
fn embedded_preselectors() {
    let set = embedded_only();
    // A web script in a web root; the same file elsewhere is not selected.
    let presel = vec![("PRESEL_Web_Script_In_Web_Root".to_string(), 40)];
    assert_eq!(
        scan(&set, "/var/www/html/index.PHP", b"<?php echo 1;"),
        presel
    );
    assert_eq!(
        scan(&set, "/srv/tomcat/webapps/ROOT/x.jsp", b"<html>"),
        presel
    );
    assert!(scan(&set, "/usr/share/php/index.php", b"<?php echo 1;").is_empty());
    assert!(scan(&set, "/var/www/html/readme.txt", b"hi").is_empty());

    // A Go PE: MZ header, PE signature at e_lfanew, Go build ID.
    let mut pe = vec![0u8; 512];
    pe[..2].copy_from_slice(b"MZ");
    pe[0x3c..0x40].copy_from_slice(&0x80u32.to_le_bytes());
    pe[0x80..0x84].copy_from_slice(b"PE\0\0");
    let id = b"\xff Go build ID: \"abc/def\"";
    pe[0x100..0x100 + id.len()].copy_from_slice(id);
    assert_eq!(
        scan(&set, "/tmp/x.exe", &pe),
        vec![("PRESEL_Go_Compiled_PE".to_string(), 40)]
    );
    // No Go marker: nothing.
    pe[0x100..0x100 + id.len()].fill(0);
    assert!(scan(&set, "/tmp/x.exe", &pe).is_empty());
}

#[test]
fn syntax_error_next_to_good_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "yara/good.yar",
        "rule Good_Rule { meta: score = 65 strings: $a = \"marker-123\" condition: $a }\n",
    );
    write(
        root,
        "yara/bad.yar",
        "rule Bad_Rule {\n  strings:\n    $a = \"x\"\n  condition:\n    $a and and\n}\n",
    );
    let options = LoadOptions {
        signature_dirs: vec![root.to_path_buf()],
        embedded: false,
        ..LoadOptions::default()
    };
    let set = SignatureSet::load(&options).unwrap();
    assert_eq!(set.counts().compile_errors, 1);
    assert_eq!(set.counts().rule_files, 2);
    let diag = &set.diagnostics()[0];
    assert_eq!(diag.file, root.join("yara/bad.yar"));
    assert_eq!(diag.line, Some(5));
    assert_eq!(diag.code.as_deref(), Some("E001"));
    assert!(
        diag.to_string().starts_with(&format!(
            "{}:5: error[E001]: ",
            root.join("yara/bad.yar").display()
        )),
        "{diag}"
    );
    let reasons = scan(&set, "/tmp/f", b"...marker-123...");
    assert_eq!(reasons, vec![("Good_Rule".to_string(), 65)]);

    // Strict mode: fatal, naming the file.
    let strict = LoadOptions {
        strict: true,
        ..options
    };
    let err = SignatureSet::load(&strict).unwrap_err();
    assert!(
        matches!(err, SignatureError::Strict { count: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("bad.yar:5: error[E001]"), "{err}");
}

#[test]
fn externals_rule_matches_only_with_the_right_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "yara/ext.yar",
        "rule Ext_Php_In_Www { meta: score = 55 condition: extension == \".php\" and filepath == \"/var/www\" and filename == \"a.PHP\" and owner == \"www-data\" }\n\
         rule Ext_Md5 { condition: md5 == \"0c2674c3a97c53082187d930efb645c2\" }\n\
         rule Ext_Type { condition: filetype == \"PHP\" }\n",
    );
    let set = load_custom_only(root);
    assert!(set.needs_md5(), "a rule reads the md5 external");
    let mut matcher = FileMatcher::new(&set);
    let run = |m: &mut FileMatcher<'_>, path: &str, owner: &str, md5: Option<Md5>| -> Vec<String> {
        let p = Path::new(path);
        let ext = externals::extension(p);
        let ctx = FileContext {
            extension: &ext,
            filetype: "PHP",
            owner,
            md5,
            sha256: None,
        };
        m.scan(p, b"<?php", &ctx)
            .unwrap()
            .into_iter()
            .map(|r| {
                assert_eq!(r.signature.origin, Origin::Custom);
                r.signature.rule_name
            })
            .collect()
    };
    assert_eq!(
        run(&mut matcher, "/var/www/a.PHP", "www-data", None),
        vec!["Ext_Php_In_Www", "Ext_Type"]
    );
    // The same matcher, another file: externals are reset per file.
    assert_eq!(
        run(&mut matcher, "/var/www/sub/a.PHP", "www-data", None),
        vec!["Ext_Type"]
    );
    assert_eq!(
        run(&mut matcher, "/var/www/a.PHP", "root", None),
        vec!["Ext_Type"]
    );
    let md5 = Md5::from_hex("0c2674c3a97c53082187d930efb645c2");
    assert_eq!(
        run(&mut matcher, "/tmp/a.PHP", "root", md5),
        vec!["Ext_Md5", "Ext_Type"]
    );
    assert_eq!(
        run(&mut matcher, "/tmp/a.PHP", "root", None),
        vec!["Ext_Type"]
    );
}

/// Two rule files: one reads only the content, one reads the path and the owner.
fn content_and_path_rules() -> (tempfile::TempDir, SignatureSet) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "yara/content.yar",
        "rule Content_Shared { meta: score = 50 strings: $a = \"shared-content\" condition: $a }\n\
         rule Content_Small { meta: score = 40 condition: filesize < 100 }\n",
    );
    write(
        root,
        "yara/path.yar",
        "rule Path_Evil_Name { meta: score = 70 condition: filename == \"evil.exe\" }\n\
         rule Path_Owner { meta: score = 60 strings: $a = \"shared\" condition: $a and owner == \"mallory\" }\n",
    );
    let set = load_custom_only(root);
    (dir, set)
}

/// Scans `data` as `path` owned by `owner`, keyed by its SHA-256 when `keyed`.
fn scan_as(
    m: &mut FileMatcher<'_>,
    path: &str,
    owner: &str,
    data: &[u8],
    keyed: bool,
) -> Vec<String> {
    let p = Path::new(path);
    let ext = externals::extension(p);
    let hashes = crate::hash::digest(data, crate::model::HashKinds::default());
    let ctx = FileContext {
        extension: &ext,
        owner,
        sha256: keyed.then_some(hashes.sha256),
        ..FileContext::default()
    };
    m.scan(p, data, &ctx)
        .unwrap()
        .into_iter()
        .map(|r| r.signature.rule_name)
        .collect()
}

#[test]
fn content_seen_before_reuses_the_content_rules_and_matches_the_path_rules_anew() {
    let (_dir, set) = content_and_path_rules();
    assert_eq!(set.counts().path_rule_files, 1);
    assert!(set.path_rules().is_some());
    assert_eq!(set.path_namespaces(), ["custom0:yara/path.yar"]);
    let data = b"some shared-content here";
    let mut first = FileMatcher::new(&set);
    let mut second = FileMatcher::new(&set); // another worker thread's matcher
    let cache = set.content_cache();

    assert_eq!(
        scan_as(&mut first, "/a/good.txt", "root", data, true),
        ["Content_Shared", "Content_Small"]
    );
    assert_eq!(cache.hits(), 0);
    // Same content, another name and owner: the content rules come from the cache, the path
    // rules are matched on this file.
    assert_eq!(
        scan_as(&mut second, "/b/evil.exe", "mallory", data, true),
        [
            "Content_Shared",
            "Content_Small",
            "Path_Evil_Name",
            "Path_Owner"
        ]
    );
    assert_eq!(cache.hits(), 1);
    assert_eq!(
        scan_as(&mut first, "/c/fine.txt", "root", data, true),
        ["Content_Shared", "Content_Small"]
    );
    assert_eq!(cache.hits(), 2);
    // Every answer equals a scan with every rule and no cache.
    for (path, owner) in [("/a/good.txt", "root"), ("/b/evil.exe", "mallory")] {
        let mut fresh = FileMatcher::new(&set);
        let cached = scan_as(&mut first, path, owner, data, true);
        assert_eq!(cached, scan_as(&mut fresh, path, owner, data, false));
    }
    assert_eq!(cache.hits(), 4);

    // Other content is not served from the cache; the first file of a content can be the one
    // the path rules match.
    let other = b"shared only";
    assert_eq!(
        scan_as(&mut first, "/d/evil.exe", "mallory", other, true),
        ["Content_Small", "Path_Evil_Name", "Path_Owner"]
    );
    assert_eq!(
        scan_as(&mut second, "/e/x.bin", "root", other, true),
        ["Content_Small"]
    );
    assert_eq!(cache.hits(), 5);
    // Without a key nothing is looked up or stored.
    assert_eq!(
        scan_as(&mut first, "/f/evil.exe", "root", b"unkeyed", false),
        ["Content_Small", "Path_Evil_Name"]
    );
    assert_eq!(cache.usage().0, 2);
}

#[test]
fn without_path_rules_content_seen_before_is_not_scanned_again() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "yara/content.yar",
        "rule Content_Only { strings: $a = \"abc\" condition: $a }\n",
    );
    let set = load_custom_only(dir.path());
    assert!(set.path_rules().is_none());
    assert_eq!(set.counts().path_rule_files, 0);
    let mut m = FileMatcher::new(&set);
    for path in ["/x/1", "/y/2", "/z/3"] {
        assert_eq!(
            scan_as(&mut m, path, "root", b"xabcx", true),
            ["Content_Only"]
        );
    }
    assert_eq!(set.content_cache().hits(), 2);
}

#[test]
fn iocs_from_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let sha256 = "ce583821191345274cd954b2db7da9742c239fe413fc17dcb97ffdd7b51cb072";
    let trusted = "26419a0b6e033cdcb7bf4ca6b0b24fda35490cc6f2796682fb9403620f63d428";
    write(
        root,
        "iocs/hash-iocs.txt",
        &format!("{sha256};85;Dark Caracal\nnot-a-hash;x\n"),
    );
    write(
        root,
        "iocs/my-trusted-hashes.txt",
        &format!("{trusted};vendor tool\n"),
    );
    write(
        root,
        "iocs/filename-iocs.txt",
        "# Temp dropper\n\\\\Temp\\\\evil\\.exe;80\n",
    );
    write(
        root,
        "iocs/c2-iocs.txt",
        "# C2\nevil.example\n10.0.0.1;70\n",
    );
    write(root, "iocs/keywords.txt", "ignored\n");
    let set = SignatureSet::load(&LoadOptions {
        signature_dirs: vec![root.to_path_buf()],
        cross_platform: true,
        ..LoadOptions::default()
    })
    .unwrap();
    let c = set.counts();
    assert_eq!(
        (
            c.hash_iocs,
            c.trusted_hashes,
            c.filename_iocs,
            c.c2_iocs,
            c.ioc_warnings
        ),
        (1, 1, 1, 2, 1)
    );
    assert_eq!(
        set.diagnostics()
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>(),
        vec![format!(
            "{}:2: warning: invalid hash `not-a-hash`: expected 32, 40 or 64 hex digits (MD5, SHA1, SHA256), got 10 characters",
            root.join("iocs/hash-iocs.txt").display()
        )]
    );
    assert!(!set.needs_md5() && !set.needs_sha1());

    let hashes = Hashes {
        md5: None,
        sha1: None,
        sha256: Sha256::from_hex(sha256).unwrap(),
    };
    let reasons = set.hash_reasons(&hashes);
    assert_eq!(reasons.len(), 1);
    assert_eq!(
        reasons[0].summary,
        format!("Hash IOC {sha256} / Dark Caracal")
    );
    assert_eq!(reasons[0].signature.score, 85);
    assert_eq!(reasons[0].signature.kind, SignatureKind::HashIoc);
    assert_eq!(reasons[0].signature.origin, Origin::External);
    assert!(!set.is_trusted(&hashes));
    assert!(set.is_trusted(&Hashes {
        md5: None,
        sha1: None,
        sha256: Sha256::from_hex(trusted).unwrap()
    }));

    let reasons = set.filename_reasons(Path::new("/mnt/img/Users/x/AppData/Local/Temp/evil.exe"));
    assert_eq!(reasons.len(), 1);
    assert_eq!(
        reasons[0].summary,
        r"Filename IOC \\Temp\\evil\.exe / Temp dropper"
    );
    assert_eq!(reasons[0].signature.rule_name, r"\\Temp\\evil\.exe");
    assert_eq!(reasons[0].signature.description, "Temp dropper");
    assert_eq!(reasons[0].signature.score, 80);
    assert!(set.filename_reasons(Path::new("/tmp/good.exe")).is_empty());

    assert_eq!(
        set.c2_iocs()[0].value,
        C2Value::Domain("evil.example".into())
    );
    assert_eq!(set.c2_iocs()[1].score, 70);
    assert_eq!(set.folders(), &[root.to_path_buf()]);
}

#[test]
fn compile_cache_second_load_uses_it() {
    let sigs = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write(
        sigs.path(),
        "yara/one.yar",
        "rule One { meta: score = 61 description = \"first\" strings: $a = \"cache-me\" condition: $a }\n",
    );
    write(
        sigs.path(),
        "yara/broken.yar",
        "rule Broken { condition: nope }\n",
    );
    let options = LoadOptions {
        signature_dirs: vec![sigs.path().to_path_buf()],
        cache_dir: Some(cache.path().to_path_buf()),
        ..LoadOptions::default()
    };
    let cold = SignatureSet::load(&options).unwrap();
    assert!(!cold.from_cache());
    let cache_file = cold.cache_file().unwrap().to_path_buf();
    assert!(cache_file.starts_with(cache.path()));
    assert!(cache_file.is_file());

    let warm = SignatureSet::load(&options).unwrap();
    assert!(warm.from_cache());
    assert_eq!(warm.counts(), cold.counts());
    assert_eq!(warm.counts().rules, 10);
    assert_eq!(warm.diagnostics(), cold.diagnostics());
    assert_eq!(warm.diagnostics()[0].line, Some(1));
    // Metadata survives the round trip.
    let mut m = FileMatcher::new(&warm);
    let reasons = m
        .scan(Path::new("/x"), b"cache-me", &FileContext::default())
        .unwrap();
    assert_eq!(reasons[0].summary, "YARA rule One / first");
    assert_eq!(reasons[0].signature.score, 61);
    assert_eq!(reasons[0].signature.origin, Origin::External);

    // A corrupt cache file is recompiled, never an error.
    std::fs::write(&cache_file, b"RATATOSK-RULES-1garbage").unwrap();
    let again = SignatureSet::load(&options).unwrap();
    assert!(!again.from_cache());
    assert_eq!(again.counts(), cold.counts());
    assert!(SignatureSet::load(&options).unwrap().from_cache());

    // Changing a source changes the key.
    write(
        sigs.path(),
        "yara/one.yar",
        "rule One { condition: false }\n",
    );
    assert!(!SignatureSet::load(&options).unwrap().from_cache());
}

#[test]
fn load_errors() {
    let missing = Path::new("/nonexistent/ratatosk-sigs");
    let err = SignatureSet::load(&LoadOptions {
        signature_dirs: vec![missing.to_path_buf()],
        ..LoadOptions::default()
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "signature folder /nonexistent/ratatosk-sigs does not exist or is not a folder"
    );

    let empty = tempfile::tempdir().unwrap();
    let err = SignatureSet::load(&LoadOptions {
        custom_dirs: vec![empty.path().to_path_buf()],
        custom_only: true,
        ..LoadOptions::default()
    })
    .unwrap_err();
    assert!(matches!(err, SignatureError::NoUsableSignatures));

    // customonly ignores --signatures folders (even missing ones) and the embedded set.
    write(empty.path(), "yara/c.yar", "rule C { condition: true }\n");
    let set = SignatureSet::load(&LoadOptions {
        signature_dirs: vec![missing.to_path_buf()],
        custom_dirs: vec![empty.path().to_path_buf()],
        custom_only: true,
        ..LoadOptions::default()
    })
    .unwrap();
    assert_eq!(set.counts().rules, 1);
    assert_eq!(scan(&set, "/x", EICAR), vec![("C".to_string(), 75)]);
}

#[test]
fn scan_timeout_is_an_error_value() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "yara/slow.yar",
        "rule Slow { strings: $a = \"a\" condition: for all i in (1..#a) : ( for all j in (1..#a) : ( for all k in (1..#a) : (@a[i] + @a[j] + @a[k] >= 0) ) ) }\n",
    );
    let set = SignatureSet::load(&LoadOptions {
        custom_dirs: vec![dir.path().to_path_buf()],
        custom_only: true,
        yara_timeout: std::time::Duration::from_secs(1),
        ..LoadOptions::default()
    })
    .unwrap();
    let data = vec![b'a'; 5000];
    let err = FileMatcher::new(&set)
        .scan(Path::new("/tmp/slow"), &data, &FileContext::default())
        .unwrap_err();
    assert!(matches!(err, SignatureError::ScanTimeout { .. }), "{err}");
    assert_eq!(err.to_string(), "YARA scan of /tmp/slow timed out after 1s");
}
