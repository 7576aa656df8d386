//! The names a setting may go by: the canonical keys (the long flag names with `_`), the
//! spellings accepted for them (`-` variants, THOR 11 names), and the THOR keys Ratatosk knows
//! but does not implement (a warning, not an error, so a THOR template still loads).

/// Every canonical key, in the order `--print-config` shows them. A test checks this list
/// against the fields of [`super::Settings`].
pub const KEYS: &[&str] = &[
    "path",
    "signatures",
    "custom_signatures",
    "customonly",
    "strict_rules",
    "rules_cache",
    "threads",
    "lookback",
    "max_file_size",
    "intense",
    "allfiles",
    "lab",
    "follow_symlinks",
    "alldrives",
    "cross_platform",
    "excludes",
    "fp_filters",
    "min",
    "notice",
    "warning",
    "alert",
    "max_reasons",
    "vtkey",
    "vtaccepteula",
    "vtmode",
    "vtscore",
    "vtwaitforquota",
    "vtverbose",
    "vtrate",
    "vtwindow",
    "vtdaily",
    "vturl",
    "vtcache",
    "vtnocache",
    "vtcache_found_ttl",
    "vtcache_notfound_ttl",
    "vtanalysis_timeout",
    "vtpoll",
    "vtpark",
    "vttimeout",
    "nolog",
    "logfile",
    "jsonfile",
    "htmlfile",
    "csvfile",
    "utc",
    "rfc3339",
    "silent",
    "debug",
    "noprogress",
    "hashes",
    "noprocs",
    "yara_timeout",
    "scanid",
    "hostname",
    "virtual_map",
    "dropzone",
    "dropzone_delay",
    "dropdelete",
    "thunderstorm",
    "server_host",
    "server_port",
    "server_cert",
    "server_key",
    "server_store_samples",
    "server_result_cache_size",
    "print_config",
];

/// Keys whose value is a list; from the environment they are comma separated.
pub const LIST_KEYS: &[&str] = &["path", "signatures", "custom_signatures", "virtual_map"];

/// Other spellings of canonical keys (after `-` → `_` and lower-casing): THOR 11's renamed VT
/// flags, so a THOR 11 template keeps working.
const ALIASES: &[(&str, &str)] = &[
    ("vt_key", "vtkey"),
    ("vt_accept_eula", "vtaccepteula"),
    ("vt_mode", "vtmode"),
    ("vt_score", "vtscore"),
    ("vt_verbose", "vtverbose"),
    ("vt_wait_for_quota", "vtwaitforquota"),
    ("vt_wait_quota", "vtwaitforquota"),
    ("deep", "intense"),
    ("no_log", "nolog"),
    ("no_procs", "noprocs"),
];

/// THOR keys (10.7 and 11 spellings, normalized) that Ratatosk accepts in a template and ignores
/// with a warning: resource control, modules and outputs it does not have.
pub const THOR_UNSUPPORTED: &[&str] = &[
    "action_args",
    "action_command",
    "action_level",
    "allhds",
    "allreasons",
    "bifrost2score",
    "bulk_size",
    "ca",
    "cpulimit",
    "cpu_limit",
    "diff",
    "delta",
    "epoch",
    "epochscore",
    "force_aptdir_lookback",
    "force_max_file_size",
    "global_lookback",
    "image_chunk_size",
    "image_file",
    "insecure",
    "lookback_aptdirs",
    "lookback_global",
    "lookback_modules",
    "max_file_size_intense",
    "max_hits",
    "max_log_lines",
    "max_nested_objects",
    "max_process_size",
    "max_recursion_depth",
    "max_runtime",
    "maxworkingset",
    "minmem",
    "module",
    "noeventlog",
    "nofilescan",
    "nodoublecheck",
    "norescontrol",
    "nosoft",
    "printall",
    "quick",
    "remote",
    "restore_score",
    "resume",
    "showall",
    "soft",
    "string_context",
    "suppresspi",
    "syslog",
    "truncate",
    "yara_stack_size",
];

/// What a key found in a template or the environment turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A Ratatosk setting, by its canonical name.
    Known(&'static str),
    /// A THOR key Ratatosk does not implement (normalized name): warn and ignore.
    ThorOnly(&'static str),
    /// Neither.
    Unknown,
}

/// Lower-cases a key and turns `-` into `_`, the form every list here uses.
pub fn normalize(key: &str) -> String {
    key.trim().to_ascii_lowercase().replace('-', "_")
}

/// Classifies a key as written by the user (`max-file-size`, `MAX_FILE_SIZE`, `vt-key` …).
pub fn classify(key: &str) -> KeyKind {
    let key = normalize(key);
    if let Some(known) = KEYS.iter().find(|k| **k == key) {
        return KeyKind::Known(known);
    }
    if let Some((_, known)) = ALIASES.iter().find(|(alias, _)| *alias == key) {
        return KeyKind::Known(known);
    }
    if let Some(thor) = THOR_UNSUPPORTED.iter().find(|k| **k == key) {
        return KeyKind::ThorOnly(thor);
    }
    KeyKind::Unknown
}

/// Whether a canonical key holds a list.
pub fn is_list(key: &str) -> bool {
    LIST_KEYS.contains(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_and_case_variants_map_to_the_canonical_key() {
        assert_eq!(classify("max-file-size"), KeyKind::Known("max_file_size"));
        assert_eq!(classify("MAX_FILE_SIZE"), KeyKind::Known("max_file_size"));
        assert_eq!(classify("vt-key"), KeyKind::Known("vtkey"));
        assert_eq!(classify("vt-wait-quota"), KeyKind::Known("vtwaitforquota"));
        assert_eq!(classify("cpulimit"), KeyKind::ThorOnly("cpulimit"));
        assert_eq!(classify("max-runtime"), KeyKind::ThorOnly("max_runtime"));
        assert_eq!(classify("colour"), KeyKind::Unknown);
    }

    #[test]
    fn no_key_is_both_known_and_thor_only() {
        for key in THOR_UNSUPPORTED {
            assert!(!KEYS.contains(key), "{key} is in both lists");
        }
        for key in LIST_KEYS {
            assert!(KEYS.contains(key), "{key} is not a key");
        }
    }
}
