//! Tests of the layering, the errors and the effective values, through the public API.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::*;

/// A key that must never show up in any rendering.
const SECRET: &str = "f00dfeedcafe0123456789abcdef0123456789abcdef0123456789abcdefbeef";

fn write_template(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

fn env(vars: &[(&str, &str)]) -> Vec<(String, String)> {
    vars.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn builtin_yaml_equals_the_rust_defaults() {
    let loaded = SettingsLoader::new().load().unwrap();
    assert_eq!(loaded.settings, Settings::default());
    assert!(loaded.warnings.is_empty());
}

#[test]
fn key_list_matches_the_settings_fields_in_order() {
    let value = serde_yaml::to_value(Settings::default()).unwrap();
    let fields: Vec<String> = value
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    let listed: Vec<String> = keys::KEYS.iter().map(|k| (*k).to_owned()).collect();
    assert_eq!(fields, listed);
}

#[test]
fn builtin_yaml_has_every_key_with_a_comment_above() {
    let is_key = |l: &str| !l.starts_with('#') && !l.starts_with(' ') && l.contains(':');
    let lines: Vec<&str> = BUILTIN_YAML.lines().collect();
    let mut seen = BTreeSet::new();
    for (i, line) in lines.iter().enumerate().filter(|(_, l)| is_key(l)) {
        let (key, _) = line.split_once(':').unwrap();
        seen.insert(key.to_owned());
        // Above a key (or a group of keys documented together) is a comment.
        let above = lines[..i].iter().rev().find(|l| !is_key(l));
        assert!(
            above.is_some_and(|l| l.starts_with('#')),
            "key {key} has no comment"
        );
    }
    let all: BTreeSet<String> = keys::KEYS.iter().map(|k| (*k).to_owned()).collect();
    assert_eq!(seen, all);
}

#[test]
fn layers_apply_in_order_builtin_template_env_flag() {
    let dir = tempfile::tempdir().unwrap();
    let t = write_template(dir.path(), "t.yml", "vtscore: 50\n");
    let vars = env(&[("RATATOSK_VTSCORE", "55")]);

    let builtin = SettingsLoader::new().load().unwrap().settings;
    assert_eq!(builtin.vtscore, 40);
    let template = SettingsLoader::new().template(&t).load().unwrap().settings;
    assert_eq!(template.vtscore, 50);
    let with_env = SettingsLoader::new()
        .template(&t)
        .env(vars.clone())
        .load()
        .unwrap()
        .settings;
    assert_eq!(with_env.vtscore, 55);
    let with_flag = SettingsLoader::new()
        .template(&t)
        .env(vars)
        .flag("vtscore", FlagValue::UInt(60))
        .load()
        .unwrap()
        .settings;
    assert_eq!(with_flag.vtscore, 60);
}

#[test]
fn later_templates_override_earlier_ones_and_keep_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_template(dir.path(), "a.yml", "vtscore: 50\nlookback: 3\n");
    let b = write_template(dir.path(), "b.yml", "vtscore: 70\n");
    let s = SettingsLoader::new()
        .template(&a)
        .template(&b)
        .load()
        .unwrap()
        .settings;
    assert_eq!((s.vtscore, s.lookback), (70, 3));
}

#[test]
fn dash_spellings_are_accepted_in_templates() {
    let dir = tempfile::tempdir().unwrap();
    let t = write_template(
        dir.path(),
        "t.yml",
        "max-file-size: 1000\nvt-mode: full\nfollow-symlinks: true\n",
    );
    let s = SettingsLoader::new().template(&t).load().unwrap().settings;
    assert_eq!(s.max_file_size, Some(1000));
    assert_eq!(s.vtmode, VtMode::Full);
    assert!(s.follow_symlinks);
}

#[test]
fn unknown_template_key_names_the_key_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let t = write_template(dir.path(), "scan.yml", "vtscore: 50\ncolour: blue\n");
    let err = SettingsLoader::new().template(&t).load().unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("unknown key `colour` in template {}:2", t.display())
    );
    assert!(
        matches!(err, SettingsError::UnknownKey { ref key, line: Some(2), .. } if key == "colour")
    );
}

#[test]
fn thor_only_key_is_a_warning_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let t = write_template(dir.path(), "thor.yml", "cpulimit: 40\nintense: true\n");
    let loaded = SettingsLoader::new().template(&t).load().unwrap();
    assert!(loaded.settings.intense);
    assert_eq!(
        loaded.warnings,
        vec![SettingsWarning::UnsupportedThorKey {
            key: "cpulimit".to_owned(),
            origin: Origin::Template(t.clone()),
        }]
    );
    assert_eq!(
        loaded.warnings[0].to_string(),
        format!(
            "template {}: THOR key `cpulimit` is not supported by Ratatosk and is ignored",
            t.display()
        )
    );
}

#[test]
fn wrong_type_names_the_key_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let t = write_template(dir.path(), "bad.yml", "# scan template\nvtscore: abc\n");
    let err = SettingsLoader::new().template(&t).load().unwrap_err();
    let text = err.to_string();
    assert_eq!(
        text,
        format!(
            "bad value for `vtscore` in template {}:2: found string \"abc\", expected an \
             integer",
            t.display()
        )
    );
}

#[test]
fn bad_enum_value_names_the_key_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let t = write_template(dir.path(), "bad.yml", "vtmode: fast\n");
    let err = SettingsLoader::new().template(&t).load().unwrap_err();
    match err {
        SettingsError::WrongType {
            key,
            origin,
            line,
            message,
        } => {
            assert_eq!(key, "vtmode");
            assert_eq!(origin, Origin::Template(t));
            assert_eq!(line, Some(1));
            assert_eq!(message, "expected one of: limited, full");
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn wrong_type_names_the_line_of_the_key_as_spelled() {
    let dir = tempfile::tempdir().unwrap();
    let t = write_template(
        dir.path(),
        "spelled.yml",
        "intense: true\n\n# limits\nmax-file-size: -5\nthreads: 2\n",
    );
    let err = SettingsLoader::new().template(&t).load().unwrap_err();
    assert!(
        matches!(err, SettingsError::WrongType { ref key, line: Some(4), .. } if key == "max_file_size"),
        "{err}"
    );
    assert!(
        err.to_string().starts_with(&format!(
            "bad value for `max_file_size` in template {}:4: ",
            t.display()
        )),
        "{err}"
    );
}

#[test]
fn a_value_validation_rejects_names_the_template_and_line_that_set_it() {
    let dir = tempfile::tempdir().unwrap();
    let first = write_template(dir.path(), "first.yml", "vtscore: 1000\n");
    let second = write_template(dir.path(), "second.yml", "threads: 2\nvtscore: 1001\n");
    let err = SettingsLoader::new()
        .template(&first)
        .template(&second)
        .load()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "invalid value for `vtscore` in template {}:2: scores run from 0 to 100 (got 1001)",
            second.display()
        )
    );
    // A flag on top takes the blame, as before.
    let err = SettingsLoader::new()
        .template(&first)
        .flag("vtscore", FlagValue::UInt(101))
        .load()
        .unwrap_err();
    assert!(
        matches!(err, SettingsError::Invalid { key: "vtscore", .. }),
        "{err}"
    );
}

#[test]
fn a_rule_over_several_keys_names_the_template_that_set_one_of_them() {
    // Found by tests/fuzz_parsers.rs: `server_key` alone is blamed on `server_cert`, which no
    // template set.
    let dir = tempfile::tempdir().unwrap();
    let t = write_template(dir.path(), "tls.yml", "threads: 2\nserver_key: 0\n");
    let err = SettingsLoader::new().template(&t).load().unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "invalid value for `server_cert` in template {}:2: --server-cert and --server-key \
             go together (TLS needs both)",
            t.display()
        )
    );
    let t = write_template(dir.path(), "levels.yml", "alert: 50\n");
    let err = SettingsLoader::new().template(&t).load().unwrap_err();
    assert!(
        matches!(
            err,
            SettingsError::InvalidIn {
                key: "warning",
                line: Some(1),
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn bad_yaml_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let t = write_template(dir.path(), "broken.yml", "vtscore: 50\npath: [a, b\n");
    let err = SettingsLoader::new().template(&t).load().unwrap_err();
    let SettingsError::TemplateYaml { path, line, .. } = &err else {
        panic!("unexpected {err}");
    };
    assert_eq!(path, &t);
    assert!(line.is_some());
    assert!(
        err.to_string()
            .starts_with(&format!("template {} (line ", t.display()))
    );
}

#[test]
fn missing_template_names_the_file() {
    let err = SettingsLoader::new()
        .template("/nonexistent/ratatosk-template.yml")
        .load()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot read template /nonexistent/ratatosk-template.yml: ")
    );
}

#[test]
fn template_that_is_not_a_mapping_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let t = write_template(dir.path(), "list.yml", "- a\n- b\n");
    let err = SettingsLoader::new().template(&t).load().unwrap_err();
    assert!(matches!(err, SettingsError::TemplateNotMapping { .. }));
}

#[test]
fn empty_template_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let t = write_template(dir.path(), "empty.yml", "# nothing\n");
    let s = SettingsLoader::new().template(&t).load().unwrap().settings;
    assert_eq!(s, Settings::default());
}

#[test]
fn env_vtkey_is_picked_up_and_ratatosk_log_is_ignored() {
    let s = SettingsLoader::new()
        .env(env(&[
            ("RATATOSK_VTKEY", SECRET),
            ("RATATOSK_VTACCEPTEULA", "true"),
            ("RATATOSK_LOG", "debug"),
            ("HOME", "/root"),
        ]))
        .load()
        .unwrap()
        .settings;
    assert_eq!(s.vt_key().map(ApiKey::expose_secret), Some(SECRET));
    assert!(s.vt_enabled());
}

#[test]
fn env_lists_are_comma_separated_and_numbers_parse() {
    let s = SettingsLoader::new()
        .env(env(&[
            ("RATATOSK_PATH", "/srv/www, /var/www"),
            ("RATATOSK_MAX_FILE_SIZE", "1048576"),
            ("RATATOSK_VTWINDOW", "0.5"),
        ]))
        .load()
        .unwrap()
        .settings;
    assert_eq!(
        s.path,
        vec![PathBuf::from("/srv/www"), PathBuf::from("/var/www")]
    );
    assert_eq!(s.effective_max_file_size(), 1_048_576);
    assert_eq!(s.vt_window(), std::time::Duration::from_millis(500));
}

#[test]
fn bad_env_value_names_the_variable() {
    let err = SettingsLoader::new()
        .env(env(&[("RATATOSK_VTRATE", "many")]))
        .load()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "bad value for `vtrate` in environment variable RATATOSK_VTRATE: \
         found string \"many\", expected an integer"
    );
}

#[test]
fn thor_only_env_variable_is_a_warning() {
    let loaded = SettingsLoader::new()
        .env(env(&[("RATATOSK_CPULIMIT", "50")]))
        .load()
        .unwrap();
    assert_eq!(loaded.warnings.len(), 1);
}

#[test]
fn print_config_and_debug_redact_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let t = write_template(
        dir.path(),
        "vt.yml",
        &format!("vtkey: {SECRET}\nvtaccepteula: true\n"),
    );
    let s = SettingsLoader::new().template(&t).load().unwrap().settings;
    assert_eq!(s.vt_key().map(ApiKey::expose_secret), Some(SECRET));

    let yaml = s.to_redacted_yaml().unwrap();
    assert!(!yaml.contains(SECRET));
    assert!(yaml.contains("vtkey: <redacted>\n"), "{yaml}");
    assert!(yaml.contains("max_file_size: null\n"), "{yaml}");
    let debug = format!("{s:?}");
    assert!(!debug.contains(SECRET));
    assert!(debug.contains("vtkey: Some(ApiKey(<redacted>))"), "{debug}");
    let pretty = format!("{s:#?}");
    assert!(!pretty.contains(SECRET));
}

#[test]
fn vtkey_of_the_wrong_type_does_not_echo_it() {
    let dir = tempfile::tempdir().unwrap();
    let t = write_template(dir.path(), "vt.yml", &format!("vtkey: [{SECRET}]\n"));
    let err = SettingsLoader::new().template(&t).load().unwrap_err();
    let text = err.to_string();
    assert!(!text.contains(SECRET), "{text}");
    assert!(
        text.starts_with("bad value for `vtkey` in template "),
        "{text}"
    );
}

#[test]
fn printed_settings_fed_back_as_a_template_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let t = write_template(
        dir.path(),
        "vt.yml",
        &format!("vtkey: {SECRET}\nvtaccepteula: true\n"),
    );
    let s = SettingsLoader::new().template(&t).load().unwrap().settings;
    let printed = write_template(dir.path(), "printed.yml", &s.to_redacted_yaml().unwrap());
    let err = SettingsLoader::new().template(&printed).load().unwrap_err();
    assert!(
        matches!(
            err,
            SettingsError::InvalidIn {
                key: "vtkey",
                line: Some(_),
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn key_without_eula_fails_with_a_message_naming_the_flag() {
    let err = SettingsLoader::new()
        .flag("vtkey", FlagValue::Str(SECRET.to_owned()))
        .load()
        .unwrap_err();
    assert!(matches!(err, SettingsError::VtEulaNotAccepted));
    let text = err.to_string();
    assert!(text.contains("--vtaccepteula"), "{text}");
    assert!(!text.contains(SECRET));

    let s = Settings {
        vtkey: Some(ApiKey::new(SECRET)),
        ..Settings::default()
    };
    assert!(s.check_vt_eula().is_err());
    let accepted = Settings {
        vtaccepteula: true,
        ..s
    };
    assert!(accepted.check_vt_eula().is_ok());
    assert!(Settings::default().check_vt_eula().is_ok());
}

#[test]
fn effective_max_file_size_follows_intense_unless_given() {
    let s = Settings::default();
    assert_eq!(s.effective_max_file_size(), 31_457_280);
    assert!(s.content_prefilter());

    for flag in ["intense", "allfiles", "lab"] {
        let s = SettingsLoader::new()
            .flag(flag, FlagValue::Bool(true))
            .load()
            .unwrap()
            .settings;
        assert_eq!(s.effective_max_file_size(), 209_715_200, "{flag}");
        assert!(!s.content_prefilter(), "{flag}");
    }

    let s = SettingsLoader::new()
        .flag("intense", FlagValue::Bool(true))
        .flag("max_file_size", FlagValue::UInt(1000))
        .load()
        .unwrap()
        .settings;
    assert_eq!(s.effective_max_file_size(), 1000);
}

#[test]
fn lab_implies_cross_platform_and_no_process_check() {
    let s = Settings {
        lab: true,
        ..Settings::default()
    };
    assert!(s.cross_platform_iocs());
    assert!(!s.process_check());
    assert!(!Settings::default().cross_platform_iocs());
    assert!(Settings::default().process_check());
}

#[test]
fn min_defaults_to_notice() {
    let s = SettingsLoader::new()
        .flag("notice", FlagValue::UInt(30))
        .load()
        .unwrap()
        .settings;
    assert_eq!(s.min_score(), 30);
    let s = Settings {
        min: Some(60),
        ..Settings::default()
    };
    assert_eq!(s.min_score(), 60);
}

#[test]
fn thread_count_zero_means_all_cores() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    assert_eq!(Settings::default().thread_count(), cores);
    let s = Settings {
        threads: 3,
        ..Settings::default()
    };
    assert_eq!(s.thread_count(), 3);
}

#[test]
fn validation_rejects_values_no_run_can_use() {
    let cases: Vec<(&str, FlagValue, &str)> = vec![
        ("vtscore", FlagValue::UInt(101), "vtscore"),
        ("vtrate", FlagValue::UInt(0), "vtrate"),
        ("vtwindow", FlagValue::Float(0.0), "vtwindow"),
        ("vtwindow", FlagValue::Float(-1.0), "vtwindow"),
        ("vturl", FlagValue::Str("ftp://x".to_owned()), "vturl"),
        ("notice", FlagValue::UInt(70), "warning"),
        (
            "virtual_map",
            FlagValue::List(vec!["nocolon".to_owned()]),
            "virtual_map",
        ),
        ("dropzone", FlagValue::Bool(true), "dropzone"),
    ];
    for (key, value, blamed) in cases {
        let err = SettingsLoader::new()
            .flag(key, value.clone())
            .load()
            .unwrap_err();
        match err {
            SettingsError::Invalid { key: k, .. } => assert_eq!(k, blamed, "{key} {value:?}"),
            other => panic!("{key}: unexpected {other}"),
        }
    }
    let err = SettingsLoader::new()
        .flag("vtscore", FlagValue::UInt(101))
        .load()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid value for `vtscore`: scores run from 0 to 100 (got 101)"
    );
}

#[test]
fn score_too_large_for_its_type_names_the_key() {
    let err = SettingsLoader::new()
        .flag("server_port", FlagValue::UInt(70_000))
        .load()
        .unwrap_err();
    assert!(
        matches!(err, SettingsError::WrongType { ref key, origin: Origin::CommandLine, .. } if key == "server_port"),
        "{err}"
    );
}

#[test]
fn virtual_maps_split_at_the_first_colon() {
    let s = Settings {
        virtual_map: vec!["/mnt/image:C:".to_owned()],
        ..Settings::default()
    };
    assert_eq!(
        s.virtual_maps(),
        vec![VirtualMap {
            from: PathBuf::from("/mnt/image"),
            to: "C:".to_owned(),
        }]
    );
}

#[test]
fn fp_filters_default_to_the_working_folder_file_when_present() {
    let dir = tempfile::tempdir().unwrap();
    let s = Settings::default();
    assert_eq!(s.fp_filters_file(dir.path()), None);
    fs::create_dir(dir.path().join("conf")).unwrap();
    fs::write(dir.path().join(DEFAULT_FP_FILTERS), "").unwrap();
    assert_eq!(
        s.fp_filters_file(dir.path()),
        Some(dir.path().join("conf/false_positive_filters.cfg"))
    );
    let given = Settings {
        fp_filters: Some(PathBuf::from("/etc/fp.cfg")),
        ..Settings::default()
    };
    assert_eq!(
        given.fp_filters_file(dir.path()),
        Some(PathBuf::from("/etc/fp.cfg"))
    );
}

#[test]
fn custom_signatures_default_to_the_working_folder() {
    let dir = tempfile::tempdir().unwrap();
    let s = Settings::default();
    assert!(s.custom_signature_dirs(dir.path()).is_empty());
    fs::create_dir(dir.path().join("custom-signatures")).unwrap();
    assert_eq!(
        s.custom_signature_dirs(dir.path()),
        vec![dir.path().join("custom-signatures")]
    );
}

#[test]
fn non_utf8_flag_paths_survive() {
    use std::os::unix::ffi::OsStrExt;
    let odd = PathBuf::from(std::ffi::OsStr::from_bytes(b"/tmp/\xff\xfe"));
    let s = SettingsLoader::new()
        .flag("path", FlagValue::Paths(vec![odd.clone()]))
        .load()
        .unwrap()
        .settings;
    assert_eq!(s.path, vec![odd]);
}

#[test]
fn shipped_example_template_loads() {
    let t = Path::new(env!("CARGO_MANIFEST_DIR")).join("conf/templates/vt-lookups.yml");
    let loaded = SettingsLoader::new().template(&t).load().unwrap();
    assert!(loaded.warnings.is_empty());
    let s = loaded.settings;
    assert!(s.vtaccepteula && s.vtwaitforquota);
    assert_eq!(s.lookback, 1);
    assert_eq!(
        s.path,
        vec![PathBuf::from("/srv/www"), PathBuf::from("/var/www")]
    );
}
