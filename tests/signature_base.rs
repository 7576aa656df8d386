//! The full public signature-base (../shared/bench/signature-base, read in place) must load:
//! every rule file compiles, every IOC line parses, and the compiled-rules cache round-trips.
//! Skipped, with a note, where the folder is absent. Prints timings (cold compile, warm
//! load, filename-IOC matching per path) for the record; they are not asserted.

use std::path::{Path, PathBuf};
use std::time::Instant;

use ratatosk::model::{Hashes, Md5, Sha256};
use ratatosk::signatures::{FileContext, FileMatcher, LoadOptions, SignatureSet, externals, magic};

const SIGNATURE_BASE: &str = "/work/shared/bench/signature-base";

/// signature-base at the commit in SOURCE.txt: 737 `.yar` + 4 `.yara` files.
const RULE_FILES: usize = 741;
/// Rules yara-x compiles from them (private and global ones included).
const RULES: usize = 5_883;
/// Hash IOC lines in `iocs/hash-iocs.txt`.
const HASH_IOCS: usize = 3_224;
/// Filename IOC lines in `iocs/filename-iocs.txt`.
const FILENAME_IOCS: usize = 3_828;
/// C2 IOC lines in `iocs/c2-iocs.txt`.
const C2_IOCS: usize = 1_844;
/// The rule files whose conditions read an external (checked by hand: each compares
/// `filename`, `filepath`, `extension`, `filetype` or `owner`).
const PATH_RULE_FILES: [&str; 13] = [
    "configured_vulns_ext_vars.yar",
    "expl_citrix_netscaler_adc_exploitation_cve_2023_3519.yar",
    "expl_connectwise_screenconnect_vuln_feb24.yar",
    "gen_fake_amsi_dll.yar",
    "gen_mal_3cx_compromise_mar23.yar",
    "gen_susp_obfuscation.yar",
    "gen_vcruntime140_dll_sideloading.yar",
    "gen_webshells_ext_vars.yar",
    "general_cloaking.yar",
    "generic_anomalies.yar",
    "thor_inverse_matches.yar",
    "yara-rules_vuln_drivers_strict_renamed.yar",
    "yara_mixed_ext_vars.yar",
];

fn signature_base() -> Option<PathBuf> {
    let dir = PathBuf::from(SIGNATURE_BASE);
    if dir.join("yara").is_dir() {
        Some(dir)
    } else {
        eprintln!("note: {SIGNATURE_BASE} is absent; signature-base test skipped");
        None
    }
}

#[test]
fn signature_base_loads_with_zero_errors_and_caches() {
    let Some(dir) = signature_base() else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let options = LoadOptions {
        signature_dirs: vec![dir.clone()],
        embedded: false,
        cross_platform: true,
        cache_dir: Some(cache.path().to_path_buf()),
        ..LoadOptions::default()
    };

    let start = Instant::now();
    let cold = SignatureSet::load(&options).unwrap();
    let cold_time = start.elapsed();
    assert!(!cold.from_cache());

    let errors: Vec<String> = cold.diagnostics().iter().map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let c = cold.counts();
    assert_eq!(c.rule_files, RULE_FILES);
    assert_eq!(c.compile_errors, 0);
    assert_eq!(c.rules, RULES);
    assert_eq!(c.hash_iocs, HASH_IOCS);
    assert_eq!(c.filename_iocs, FILENAME_IOCS);
    assert_eq!(c.c2_iocs, C2_IOCS);
    assert_eq!(c.ioc_warnings, 0);
    assert_eq!(c.trusted_hashes, 0);
    // MD5 and SHA1 hash IOCs are loaded, so both digests are needed.
    assert!(cold.needs_md5());
    assert!(cold.needs_sha1());
    // No signature-base rule reads the `md5` external.
    assert!(!cold.rules_use_md5());
    // Only these files read an external (path, name, type, owner): every other rule's reasons
    // are reused for content seen before.
    assert_eq!(cold.counts().path_rule_files, PATH_RULE_FILES.len());
    let expected: Vec<String> = PATH_RULE_FILES
        .iter()
        .map(|f| format!("external0:yara/{f}"))
        .collect();
    assert_eq!(cold.path_namespaces(), expected);

    let start = Instant::now();
    let warm = SignatureSet::load(&options).unwrap();
    let warm_time = start.elapsed();
    assert!(warm.from_cache());
    assert_eq!(warm.counts(), c);

    eprintln!(
        "signature-base: {} rules in {} files, {} warnings; cold load (compile + write cache) {:.2?}, warm load (cache) {:.2?}",
        c.rules, c.rule_files, c.rule_warnings, cold_time, warm_time
    );

    // The cached rules match like the compiled ones: a webshell sample from the rules' own
    // strings, with the externals some rules read.
    let sample = b"<?php @eval($_POST['pass']);?>";
    let path = Path::new("/var/www/html/shell.php");
    let ext = externals::extension(path);
    let ctx = FileContext {
        extension: &ext,
        filetype: magic::magic_type(sample).unwrap_or(""),
        owner: "www-data",
        md5: Md5::from_hex("0123456789abcdef0123456789abcdef"),
        sha256: None,
    };
    let names = |set: &SignatureSet| -> Vec<String> {
        let mut m = FileMatcher::new(set);
        m.scan(path, sample, &ctx)
            .unwrap()
            .into_iter()
            .map(|r| r.signature.rule_name)
            .collect()
    };
    let cold_names = names(&cold);
    assert!(!cold_names.is_empty(), "a PHP eval web shell must match");
    assert_eq!(names(&warm), cold_names);

    // Hash IOC lookups: an MD5 listed in hash-iocs.txt.
    let hashes = Hashes {
        md5: Md5::from_hex("000c907d39924de62b5891f8d0e03116"),
        sha1: None,
        sha256: Sha256([0; 32]),
    };
    let _ = warm.hash_reasons(&hashes);
}

#[test]
fn filename_ioc_matching_time_per_path() {
    let Some(dir) = signature_base() else {
        return;
    };
    for cross_platform in [false, true] {
        let start = Instant::now();
        let set = SignatureSet::load(&LoadOptions {
            signature_dirs: vec![dir.clone()],
            embedded: false,
            cross_platform,
            // Rules are not what this measures; the cache makes the load quick after the
            // first run of the other test.
            cache_dir: Some(std::env::temp_dir().join("ratatosk-test-rules-cache")),
            ..LoadOptions::default()
        })
        .unwrap();
        let load = start.elapsed();
        assert_eq!(set.counts().filename_iocs, FILENAME_IOCS);

        // Synthetic paths (one in ten named like a signature-base IOC), then real ones: the
        // files under /usr, first seen (cold DFA cache) and seen again.
        let synthetic: Vec<PathBuf> = (0..2_000)
            .map(|i| {
                let name = match i % 10 {
                    0 => "usbclass.sys".to_string(),
                    _ => format!("file_{i}.{}", ["exe", "dll", "txt", "php", "ps1"][i % 5]),
                };
                PathBuf::from(format!(
                    "/mnt/image/Users/user{}/AppData/Local/Temp/dir{}/{name}",
                    i % 7,
                    i % 13,
                ))
            })
            .collect();
        let mut real = Vec::new();
        collect_paths(Path::new("/usr"), &mut real, 30_000);
        for (label, paths) in [("synthetic", &synthetic), ("/usr", &real)] {
            if paths.is_empty() {
                continue;
            }
            let start = Instant::now();
            let mut hits = 0;
            for p in paths {
                hits += set.filename_reasons(p).len();
            }
            let first = start.elapsed() / paths.len() as u32;
            let rounds = 3;
            let start = Instant::now();
            for _ in 0..rounds {
                for p in paths {
                    let _ = set.filename_reasons(p);
                }
            }
            let again = start.elapsed() / (rounds * paths.len()) as u32;
            eprintln!(
                "filename IOCs (cross_platform={cross_platform}): {} patterns, load {load:.2?}; {} {label} paths: {first:.2?} per path first pass, {again:.2?} warm ({hits} hits)",
                set.counts().filename_iocs,
                paths.len()
            );
        }
        eprintln!("{}", peak_memory());

        // Known IOCs fire.
        let known = if cross_platform {
            "/mnt/image/Windows/System32/drivers/usbclass.sys"
        } else {
            r"C:\Windows\System32\drivers\usbclass.sys"
        };
        let reasons = set.filename_reasons(Path::new(known));
        assert!(
            reasons
                .iter()
                .any(|r| r.signature.rule_name == r"\\usbclass\.sys" && r.signature.score == 80),
            "{reasons:#?}"
        );
    }
}

/// Up to `limit` file paths below `dir`, depth first.
fn collect_paths(dir: &Path, out: &mut Vec<PathBuf>, limit: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if out.len() >= limit {
            return;
        }
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect_paths(&path, out, limit),
            Ok(_) => out.push(path),
            Err(_) => {}
        }
    }
}

/// The process's peak resident memory (Linux), for the record.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_owned)
        })
        .unwrap_or_default()
}
