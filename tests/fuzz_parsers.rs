//! Issue 5, item 11: property tests ("fuzzing" with proptest) of every parser that reads a
//! user's file — hash IOCs, filename IOCs, C2 IOCs, scan templates, false-positive filters and
//! path excludes — fed random lines and random bytes. None may panic; every problem must name
//! the file and a line that exists; and what is valid must still load (a bad line costs only
//! itself). Inputs that once failed are kept below as plain tests.
//!
//! The number of cases is kept modest ([`CASES`]) so the suite stays fast.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use ratatosk::model::Origin;
use ratatosk::report::{FpFilterError, FpFilters};
use ratatosk::settings::keys::{self, KEYS, KeyKind};
use ratatosk::settings::{Origin as SettingsOrigin, SettingsError, SettingsLoader};
use ratatosk::signatures::{
    Diagnostic, FilenameIocBuilder, HashIocSet, LoadOptions, Severity, SignatureSet,
};
use ratatosk::walk::{Excludes, WalkError};

/// Cases per property.
const CASES: u32 = 256;

/// The name every parser is told the text came from.
const FILE: &str = "/sigs/iocs/fuzz-iocs.txt";

/// The entry lines of an IOC file as the format defines them (spec §3): not blank, not a
/// `#` comment; 1-based numbers.
fn entry_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// Every diagnostic is a warning naming [`FILE`] and one of the entry lines, each line at
/// most once.
fn check_line_warnings(text: &str, diagnostics: &[Diagnostic]) {
    let entries = entry_lines(text);
    let mut seen = Vec::new();
    for d in diagnostics {
        assert_eq!(d.severity, Severity::Warning, "{d}");
        assert_eq!(d.file, Path::new(FILE), "{d}");
        let line = d.line.unwrap_or_else(|| panic!("no line: {d}"));
        assert!(entries.contains(&line), "line {line} is not an entry: {d}");
        assert!(!seen.contains(&line), "line {line} warned twice");
        seen.push(line);
        assert!(
            d.to_string()
                .starts_with(&format!("{FILE}:{line}: warning: ")),
            "{d}"
        );
    }
}

/// Random text: printable lines with the separators the formats use, or any characters.
fn ioc_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "[ -~]{0,40}",
        "[0-9a-fA-F;# ]{0,70}",
        ".{0,30}",
        Just(String::new()),
        Just("# comment".to_owned()),
    ];
    prop::collection::vec(line, 0..12).prop_map(|lines| lines.join("\n"))
}

/// Random bytes read the way the loaders read files (lossily: the loaders take `&str`).
fn byte_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..400)
        .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// A hash line that must load: MD5, SHA1 or SHA256 in any case, with or without a score.
fn valid_hash_line() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just(32usize), Just(40), Just(64)],
        any::<u64>(),
        proptest::option::of(0i32..=100),
        "[a-zA-Z ]{0,20}",
    )
        .prop_map(|(len, seed, score, description)| {
            let hex: String = (0..len)
                .map(|i| {
                    let d = (seed.rotate_left(i as u32 * 7) ^ i as u64) % 16;
                    let c = char::from_digit(d as u32, 16).unwrap_or('0');
                    if i % 3 == 0 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect();
            match score {
                Some(s) => format!("{hex};{s};{description}"),
                None => format!("{hex};{description}"),
            }
        })
}

/// A hash line that must not load: its first field has a character that is not hex.
fn invalid_hash_line() -> impl Strategy<Value = String> {
    "[0-9a-f]{0,20}[g-zG-Z!@$%^&*()][0-9a-f]{0,50};[ -~]{0,10}"
}

/// The `--signatures` layout with `files` (name, text) under `iocs/`, loaded without the
/// embedded rules: the diagnostics and the number of C2 IOCs.
fn load_iocs(files: &[(&str, &str)]) -> (Vec<Diagnostic>, usize) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("iocs")).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join("iocs").join(name), text).unwrap();
    }
    let opts = LoadOptions {
        signature_dirs: vec![dir.path().to_owned()],
        embedded: false,
        ..LoadOptions::default()
    };
    let set = SignatureSet::load(&opts).unwrap();
    (set.diagnostics().to_vec(), set.counts().c2_iocs)
}

proptest! {
    // Failures are kept as plain tests below, not in a seed file beside the sources.
    #![proptest_config(ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn hash_iocs_never_panic_and_name_file_and_line(text in prop_oneof![ioc_text(), byte_text()]) {
        let mut set = HashIocSet::default();
        let mut diagnostics = Vec::new();
        set.add_file(Path::new(FILE), &text, Origin::External, &mut diagnostics);
        check_line_warnings(&text, &diagnostics);
        // Each entry line is either loaded or warned about.
        prop_assert_eq!(set.len() + diagnostics.len(), entry_lines(&text).len());
    }

    #[test]
    fn hash_iocs_warn_about_exactly_the_bad_lines(
        lines in prop::collection::vec(
            prop_oneof![
                valid_hash_line().prop_map(|l| (l, true)),
                invalid_hash_line().prop_map(|l| (l, false)),
                Just(("# a comment".to_owned(), true)),
                Just((String::new(), true)),
            ],
            0..16,
        )
    ) {
        let text: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
        let mut set = HashIocSet::default();
        let mut diagnostics = Vec::new();
        set.add_file(Path::new(FILE), &text, Origin::External, &mut diagnostics);
        let bad: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, (_, ok))| !ok)
            .map(|(i, _)| i + 1)
            .collect();
        let warned: Vec<usize> = diagnostics.iter().filter_map(|d| d.line).collect();
        prop_assert_eq!(warned, bad);
        check_line_warnings(&text, &diagnostics);
    }

    #[test]
    fn filename_iocs_never_panic_and_name_file_and_line(
        text in prop_oneof![
            ioc_text(),
            byte_text(),
            prop::collection::vec(
                ("[a-zA-Z0-9\\\\.*+?()\\[\\]{}|^$%/:-]{0,16}", -120i32..120, "[a-z.*()\\[]{0,6}"),
                0..10,
            )
            .prop_map(|entries| {
                entries
                    .iter()
                    .map(|(re, score, fp)| format!("{re};{score};{fp}\n"))
                    .collect()
            }),
        ],
        cross_platform in any::<bool>(),
    ) {
        let mut builder = FilenameIocBuilder::new(cross_platform);
        let mut diagnostics = Vec::new();
        builder.add_file(Path::new(FILE), &text, Origin::External, &mut diagnostics);
        check_line_warnings(&text, &diagnostics);
        let loaded = entry_lines(&text).len() - diagnostics.len();
        let set = builder.build(&mut diagnostics);
        // Lines that passed their own check all compile together.
        prop_assert_eq!(set.len(), loaded, "{:?}", diagnostics);
        // And matching any path is safe.
        let _ = set.matching(b"/srv/www/shell.php");
        let _ = set.matching(b"C:\\Windows\\System32\\\xff.exe");
    }

    #[test]
    fn c2_iocs_never_panic_and_name_file_and_line(text in prop_oneof![ioc_text(), byte_text()]) {
        // A valid hash IOC beside, so that the set is usable whatever the C2 file holds.
        let hash = "44d88612fea8a8f36de82e1278abb02f;EICAR\n";
        let (diagnostics, c2) = load_iocs(&[("c2-iocs.txt", &text), ("hash-iocs.txt", hash)]);
        let entries = entry_lines(&text);
        prop_assert_eq!(c2 + diagnostics.len(), entries.len());
        for d in &diagnostics {
            prop_assert_eq!(d.severity, Severity::Warning);
            prop_assert!(d.file.ends_with("iocs/c2-iocs.txt"), "{}", d);
            prop_assert!(d.line.is_some_and(|l| entries.contains(&l)), "{}", d);
        }
    }

    #[test]
    fn fp_filters_never_panic_and_name_the_first_bad_line(
        text in prop_oneof![ioc_text(), byte_text(), regex_lines()]
    ) {
        match FpFilters::parse(&text, Path::new(FILE)) {
            Ok(filters) => {
                prop_assert_eq!(filters.len(), entry_lines(&text).len());
                let _ = filters.suppresses("Warning: MODULE: FileScan MESSAGE: x FILE: /a");
            }
            Err(FpFilterError::BadRegex { path, line, message }) => {
                prop_assert_eq!(path, PathBuf::from(FILE));
                prop_assert_eq!(first_bad_regex(&text), Some(line), "{}", message);
            }
            Err(FpFilterError::TooLarge { path, .. }) => prop_assert_eq!(path, PathBuf::from(FILE)),
            Err(other) => prop_assert!(false, "unexpected {}", other),
        }
    }

    #[test]
    fn excludes_never_panic_and_name_the_first_bad_line(
        text in prop_oneof![ioc_text(), byte_text(), regex_lines()]
    ) {
        match Excludes::parse(Path::new(FILE), &text) {
            Ok(excludes) => {
                let _ = excludes.matches(Path::new("/srv/www/a.php"));
            }
            Err(WalkError::BadRegex { path, line, message }) => {
                prop_assert_eq!(path, PathBuf::from(FILE));
                // Line 0: the lines compile one by one but not together (too large).
                prop_assert!(line == 0 || first_bad_regex(&text) == Some(line), "{}", message);
            }
            Err(other) => prop_assert!(false, "unexpected {}", other),
        }
    }

    #[test]
    fn templates_never_panic_and_errors_name_the_file_and_line(
        lines in prop::collection::vec(template_line(), 0..8)
    ) {
        let text = lines.join("\n");
        check_template(&text, true)?;
    }

    #[test]
    fn templates_of_random_bytes_never_panic(text in prop_oneof![byte_text(), ioc_text()]) {
        check_template(&text, false)?;
    }
}

/// Lines of regex-like text: the characters regexes are made of.
fn regex_lines() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z0-9\\\\.*+?()\\[\\]{}|^$ #-]{0,16}", 0..8).prop_map(|l| l.join("\n"))
}

/// The first line of a one-regex-per-line file that does not compile (blank and `#` lines
/// skipped), checked with the regex crate directly.
fn first_bad_regex(text: &str) -> Option<usize> {
    text.lines().enumerate().find_map(|(i, l)| {
        let t = l.trim();
        (!t.is_empty() && !t.starts_with('#') && regex::Regex::new(t).is_err()).then_some(i + 1)
    })
}

/// A line of a scan template: a real key (any spelling) or an unknown one with a value of
/// any YAML shape, a comment, or a blank line.
fn template_line() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        (-1e6f64..1e6).prop_map(|x| x.to_string()),
        "[a-z/._-]{0,12}",
        Just("~".to_owned()),
        Just("[1, two, 3.5]".to_owned()),
        Just("{a: 1}".to_owned()),
        Just("\"quoted: text\"".to_owned()),
        Just("[".to_owned()),
        Just("&anchor 5".to_owned()),
        Just("*nowhere".to_owned()),
        Just("!!binary aGVsbG8=".to_owned()),
    ];
    let key = prop_oneof![
        4 => prop::sample::select(KEYS.to_vec()).prop_map(str::to_owned),
        1 => prop::sample::select(KEYS.to_vec()).prop_map(|k| k.replace('_', "-")),
        1 => "[a-z_]{1,12}",
    ];
    prop_oneof![
        6 => (key, value).prop_map(|(k, v)| format!("{k}: {v}")),
        1 => Just("# comment".to_owned()),
        1 => Just(String::new()),
    ]
}

/// Loads `text` as a template and checks the error, if any, names the template (and, for a
/// key error, a line holding that key). `flat`: every line is `key: value`, so a key error
/// must have its line.
fn check_template(text: &str, flat: bool) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fuzz.yml");
    std::fs::write(&path, text).unwrap();
    let Err(err) = SettingsLoader::new().template(&path).load() else {
        return Ok(());
    };
    let shown = err.to_string();
    let names_file = shown.contains(&path.display().to_string());
    let line_holds = |line: Option<usize>, key: &str| -> bool {
        match line {
            Some(l) => text.lines().nth(l - 1).is_some_and(|t| {
                let written = t.split(':').next().unwrap_or("").trim();
                written == key || keys::classify(written) == KeyKind::Known(keys_canonical(key))
            }),
            None => !flat,
        }
    };
    match &err {
        SettingsError::TemplateYaml { path: p, .. }
        | SettingsError::TemplateNotMapping { path: p } => {
            prop_assert_eq!(p, &path);
            prop_assert!(names_file, "{}", shown);
        }
        SettingsError::UnknownKey { key, origin, line }
        | SettingsError::WrongType {
            key, origin, line, ..
        } => {
            prop_assert_eq!(origin, &SettingsOrigin::Template(path.clone()));
            prop_assert!(names_file, "{}", shown);
            prop_assert!(
                line_holds(*line, key),
                "{} (line {:?})\n{}",
                shown,
                line,
                text
            );
        }
        SettingsError::InvalidIn { origin, line, .. } => {
            // A rule over several keys (thresholds that must rise) names the line of one of
            // them, not always the key it blames.
            prop_assert_eq!(origin, &SettingsOrigin::Template(path.clone()));
            prop_assert!(names_file, "{}", shown);
            let holds_a_key = line.and_then(|l| text.lines().nth(l - 1)).is_some_and(|t| {
                let written = t.split(':').next().unwrap_or("").trim();
                matches!(keys::classify(written), KeyKind::Known(_))
            });
            prop_assert!(
                holds_a_key || (line.is_none() && !flat),
                "{} (line {:?})\n{}",
                shown,
                line,
                text
            );
        }
        // The EULA check spans keys (a key without the EULA): named by what to do instead.
        SettingsError::VtEulaNotAccepted => {}
        other => prop_assert!(
            false,
            "an error that names no template: {}\n{}",
            other,
            text
        ),
    }
    Ok(())
}

/// The canonical key for `key` (already canonical, or a config path such as `path[0]`).
fn keys_canonical(key: &str) -> &'static str {
    let top = key.split(['[', '.']).next().unwrap_or(key);
    KEYS.iter().find(|k| **k == top).copied().unwrap_or("")
}

// Regressions and known gaps, kept as plain tests.

/// Found by `templates_never_panic_and_errors_name_the_file_and_line`: a key validation
/// checks together with another (`server_key` without `server_cert`) named no template.
#[test]
fn a_lone_tls_key_in_a_template_names_the_template() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fuzz.yml");
    std::fs::write(&path, "server_key: 0").unwrap();
    let err = SettingsLoader::new().template(&path).load().unwrap_err();
    assert!(
        matches!(&err, SettingsError::InvalidIn { key: "server_cert", line: Some(1), origin, .. }
            if *origin == SettingsOrigin::Template(path.clone())),
        "{err}"
    );
}

/// A Windows-style filename IOC with a drive letter and `%ENV%` under the cross-platform
/// rewrite, next to a good entry: both load.
#[test]
fn cross_platform_rewrite_of_env_and_drive_patterns_loads() {
    let mut builder = FilenameIocBuilder::new(true);
    let mut diagnostics = Vec::new();
    let text =
        "C:\\\\Users\\\\%USERNAME%\\\\evil\\.exe;80\n\\\\Temp\\\\[a-z]{8}\\.dll;60;\\\\ok\\\\\n";
    builder.add_file(Path::new(FILE), text, Origin::External, &mut diagnostics);
    let set = builder.build(&mut diagnostics);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(set.len(), 2);
    assert_eq!(set.matching(b"/mnt/Users/bob/evil.exe").len(), 1);
}

/// One filename IOC line whose regex is valid but too large to compile must cost only itself
/// (a warning with its line), not the whole filename IOC set.
#[test]
fn an_oversized_filename_regex_costs_only_its_line() {
    let mut builder = FilenameIocBuilder::new(false);
    let mut diagnostics = Vec::new();
    let text = "(a{1000}){1000}{1000};60\n/tmp/evil\\.sh$;65\n";
    builder.add_file(Path::new(FILE), text, Origin::External, &mut diagnostics);
    let set = builder.build(&mut diagnostics);
    assert_eq!(set.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].line, Some(1), "{}", diagnostics[0]);
}
