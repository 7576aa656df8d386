//! The command line (clap derive), in THOR's spellings with `-`/`_` variants, mapped onto the
//! top layer of the settings (spec §6): only flags actually given override the templates and
//! the environment. `-t` templates and the process environment are handed to the
//! [`SettingsLoader`] too, so [`load`] returns the merged, validated settings.
//!
//! The VirusTotal key is read by clap as an [`ApiKey`] (so `Debug` of the parsed flags hides
//! it), is not bound to a clap `env` (so `--help` never shows it), and any clap error that would
//! quote it is rewritten with the key replaced by `<redacted>`.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Parser;
use clap::error::ErrorKind;
use ratatosk::settings::{ApiKey, FlagValue, Loaded, REDACTED, SettingsError, SettingsLoader};

/// The flags that carry the VirusTotal key, in every accepted spelling.
const VTKEY_FLAGS: &[&str] = &["--vtkey", "--vt-key", "--vt_key"];

/// Ratatosk: a compromise-assessment scanner (THOR/LOKI-style YARA and IOC scanning with
/// VirusTotal enrichment).
#[derive(Parser)]
#[command(
    name = "ratatosk",
    version,
    about,
    args_override_self = true,
    after_help = "Settings layer as: built-in defaults < -t templates < RATATOSK_<KEY> \
                  environment variables < flags. See conf/ratatosk.yml for every key."
)]
pub struct Cli {
    /// Scan template (YAML, keys = long flag names); repeatable, later ones win.
    #[arg(short = 't', long = "template", value_name = "FILE", action = clap::ArgAction::Append)]
    pub templates: Vec<PathBuf>,

    // --- What to scan ---
    /// Folder or file to scan (repeatable); default: / on the local file systems.
    #[arg(short = 'p', long, value_name = "PATH", action = clap::ArgAction::Append)]
    pub path: Vec<PathBuf>,
    /// Only files modified or changed in the last N days (0: no limit).
    #[arg(long, value_name = "DAYS")]
    pub lookback: Option<u64>,
    /// Size limit in bytes (default 31457280; 209715200 in intense mode).
    #[arg(long = "max_file_size", alias = "max-file-size", value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// No file-type pre-filter; intense size limit.
    #[arg(long, alias = "deep")]
    pub intense: bool,
    /// Scan every file regardless of type; intense size limit.
    #[arg(long)]
    pub allfiles: bool,
    /// Follow symbolic links.
    #[arg(long, alias = "follow_symlinks")]
    pub follow_symlinks: bool,
    /// Descend into other file systems.
    #[arg(long)]
    pub alldrives: bool,
    /// Path-exclude regexes, one per line.
    #[arg(long, value_name = "FILE")]
    pub excludes: Option<PathBuf>,
    /// Do not scan the executables of running processes.
    #[arg(long, alias = "no-procs")]
    pub noprocs: bool,
    /// Scan threads (0: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<u64>,

    // --- Modes ---
    /// Scan a mounted image: intense, all cores, cross-platform IOCs, no process check.
    #[arg(long)]
    pub lab: bool,
    /// Apply Windows path IOCs to Unix paths.
    #[arg(long, alias = "cross_platform")]
    pub cross_platform: bool,
    /// Report paths under FROM as under TO (repeatable).
    #[arg(long, alias = "virtual_map", value_name = "FROM:TO", action = clap::ArgAction::Append)]
    pub virtual_map: Vec<String>,
    /// Watch the -p folder and scan each new file.
    #[arg(long)]
    pub dropzone: bool,
    /// Seconds without writes before a dropzone file is scanned.
    #[arg(long, alias = "dropzone_delay", value_name = "SECONDS")]
    pub dropzone_delay: Option<f64>,
    /// Delete dropzone files after the scan.
    #[arg(long)]
    pub dropdelete: bool,
    /// Serve THOR Thunderstorm's HTTP API.
    #[arg(long)]
    pub thunderstorm: bool,
    /// Thunderstorm listen address.
    #[arg(long, alias = "server_host", value_name = "HOST")]
    pub server_host: Option<String>,
    /// Thunderstorm port.
    #[arg(long, alias = "server_port", value_name = "PORT")]
    pub server_port: Option<u16>,
    /// TLS certificate for Thunderstorm (with --server-key).
    #[arg(long, alias = "server_cert", value_name = "FILE")]
    pub server_cert: Option<PathBuf>,
    /// TLS private key for Thunderstorm (with --server-cert).
    #[arg(long, alias = "server_key", value_name = "FILE")]
    pub server_key: Option<PathBuf>,
    /// Which uploaded samples are kept.
    #[arg(
        long,
        alias = "server_store_samples",
        value_name = "WHICH",
        value_parser = ["none", "malicious", "all"],
        ignore_case = true
    )]
    pub server_store_samples: Option<String>,
    /// Async results kept by Thunderstorm.
    #[arg(long, alias = "server_result_cache_size", value_name = "N")]
    pub server_result_cache_size: Option<u64>,

    // --- Signatures ---
    /// Signature folder (signature-base layout), besides the embedded set (repeatable).
    #[arg(long, value_name = "DIR", action = clap::ArgAction::Append)]
    pub signatures: Vec<PathBuf>,
    /// Custom signature folder (repeatable); default: ./custom-signatures when present.
    #[arg(long, alias = "custom_signatures", value_name = "DIR", action = clap::ArgAction::Append)]
    pub custom_signatures: Vec<PathBuf>,
    /// Use only the custom signatures.
    #[arg(long)]
    pub customonly: bool,
    /// A rule file that does not compile stops the run.
    #[arg(long, alias = "strict_rules")]
    pub strict_rules: bool,
    /// Compiled-rules cache location.
    #[arg(long, alias = "rules_cache", value_name = "PATH")]
    pub rules_cache: Option<PathBuf>,
    /// YARA time limit per file, in seconds.
    #[arg(long, alias = "yara_timeout", value_name = "SECONDS")]
    pub yara_timeout: Option<u64>,
    /// Digests shown in the outputs.
    #[arg(long, value_name = "WHICH", value_parser = ["all", "sha256"], ignore_case = true)]
    pub hashes: Option<String>,

    // --- Scoring and reporting ---
    /// Lowest score reported (default: the notice threshold).
    #[arg(short = 'x', long, value_name = "SCORE")]
    pub min: Option<u32>,
    /// Lowest score of a Notice.
    #[arg(long, value_name = "SCORE")]
    pub notice: Option<u32>,
    /// Lowest score of a Warning.
    #[arg(long, value_name = "SCORE")]
    pub warning: Option<u32>,
    /// Lowest score of an Alert (which also needs one sub-score above alert - 25).
    #[arg(long, value_name = "SCORE")]
    pub alert: Option<u32>,
    /// Reasons printed per finding (0: all).
    #[arg(long, alias = "max_reasons", value_name = "N")]
    pub max_reasons: Option<u64>,
    /// False-positive filter regexes, one per line.
    #[arg(long, alias = "fp_filters", value_name = "FILE")]
    pub fp_filters: Option<PathBuf>,

    // --- VirusTotal ---
    /// VirusTotal API key. Prefer a template or RATATOSK_VTKEY: command lines are visible to
    /// other users. Never printed.
    #[arg(
        long,
        aliases = ["vt-key", "vt_key"],
        value_name = "KEY",
        allow_hyphen_values = true,
        value_parser = parse_api_key
    )]
    pub vtkey: Option<ApiKey>,
    /// Accept VirusTotal's terms of service (required before anything is sent).
    #[arg(long, aliases = ["vt-accept-eula", "vt_accept_eula"])]
    pub vtaccepteula: bool,
    /// limited: hash lookups; full: also upload unknown samples.
    #[arg(
        long,
        aliases = ["vt-mode", "vt_mode"],
        value_name = "MODE",
        value_parser = ["limited", "full"],
        ignore_case = true
    )]
    pub vtmode: Option<String>,
    /// Lowest score looked up.
    #[arg(long, aliases = ["vt-score", "vt_score"], value_name = "SCORE")]
    pub vtscore: Option<u32>,
    /// Park findings until the quota allows a lookup instead of skipping them.
    #[arg(
        long,
        aliases = ["vt-wait-for-quota", "vt-wait-quota", "vt_wait_for_quota", "vt_wait_quota"]
    )]
    pub vtwaitforquota: bool,
    /// Add the file's VirusTotal history (names, tags, submissions).
    #[arg(long, aliases = ["vt-verbose", "vt_verbose"])]
    pub vtverbose: bool,
    /// Requests per rate window (4 for a free key).
    #[arg(long, value_name = "N")]
    pub vtrate: Option<u32>,
    /// The rate window in seconds (fractions allowed).
    #[arg(long, value_name = "SECONDS")]
    pub vtwindow: Option<f64>,
    /// Requests per day (500 for a free key).
    #[arg(long, value_name = "N")]
    pub vtdaily: Option<u64>,
    /// VirusTotal API base URL.
    #[arg(long, value_name = "URL")]
    pub vturl: Option<String>,
    /// Verdict cache location.
    #[arg(long, value_name = "PATH")]
    pub vtcache: Option<PathBuf>,
    /// No verdict cache.
    #[arg(long)]
    pub vtnocache: bool,
    /// Seconds a verdict on a known file stays cached.
    #[arg(long, alias = "vtcache_found_ttl", value_name = "SECONDS")]
    pub vtcache_found_ttl: Option<u64>,
    /// Seconds a "not found" stays cached.
    #[arg(long, alias = "vtcache_notfound_ttl", value_name = "SECONDS")]
    pub vtcache_notfound_ttl: Option<u64>,
    /// Full mode: seconds an upload's analysis is awaited.
    #[arg(long, alias = "vtanalysis_timeout", value_name = "SECONDS")]
    pub vtanalysis_timeout: Option<f64>,
    /// Full mode: seconds between polls of an analysis.
    #[arg(long, value_name = "SECONDS")]
    pub vtpoll: Option<f64>,
    /// Parked findings kept with --vtwaitforquota.
    #[arg(long, value_name = "N")]
    pub vtpark: Option<u64>,
    /// Seconds one VirusTotal request may take before it counts as failed (and is retried).
    #[arg(long, value_name = "SECONDS")]
    pub vttimeout: Option<f64>,

    // --- Output ---
    /// Text log file (THOR format).
    #[arg(long, value_name = "FILE")]
    pub logfile: Option<PathBuf>,
    /// No text log.
    #[arg(long, alias = "no-log")]
    pub nolog: bool,
    /// JSONL log file.
    #[arg(long, value_name = "FILE")]
    pub jsonfile: Option<PathBuf>,
    /// HTML report file.
    #[arg(long, value_name = "FILE")]
    pub htmlfile: Option<PathBuf>,
    /// CSV file (MD5,PATH,SCORE).
    #[arg(long, value_name = "FILE")]
    pub csvfile: Option<PathBuf>,
    /// Timestamps in UTC.
    #[arg(long)]
    pub utc: bool,
    /// RFC 3339 timestamps in the text log.
    #[arg(long)]
    pub rfc3339: bool,
    /// Nothing on the console.
    #[arg(long)]
    pub silent: bool,
    /// Debug diagnostics on stderr.
    #[arg(short = 'v', long)]
    pub debug: bool,
    /// No progress bar.
    #[arg(long)]
    pub noprogress: bool,
    /// Scan id written in every event (default: generated).
    #[arg(short = 'i', long, value_name = "ID")]
    pub scanid: Option<String>,
    /// Hostname written in every event (default: this machine's).
    #[arg(short = 'j', long, value_name = "NAME")]
    pub hostname: Option<String>,
    /// Print the merged settings (key redacted) and exit.
    #[arg(long, alias = "print_config")]
    pub print_config: bool,
}

/// clap's parser for the key: wraps it at once so it is never held as plain text.
fn parse_api_key(value: &str) -> Result<ApiKey, std::convert::Infallible> {
    Ok(ApiKey::new(value))
}

impl Cli {
    /// The flags that were given, as settings keys and values, for the top layer.
    pub fn overrides(&self) -> Vec<(&'static str, FlagValue)> {
        let mut out = Vec::new();
        let paths = [
            ("path", &self.path),
            ("signatures", &self.signatures),
            ("custom_signatures", &self.custom_signatures),
        ];
        for (key, list) in paths {
            if !list.is_empty() {
                out.push((key, FlagValue::Paths(list.clone())));
            }
        }
        if !self.virtual_map.is_empty() {
            out.push(("virtual_map", FlagValue::List(self.virtual_map.clone())));
        }
        let switches = [
            ("customonly", self.customonly),
            ("strict_rules", self.strict_rules),
            ("intense", self.intense),
            ("allfiles", self.allfiles),
            ("lab", self.lab),
            ("follow_symlinks", self.follow_symlinks),
            ("alldrives", self.alldrives),
            ("cross_platform", self.cross_platform),
            ("vtaccepteula", self.vtaccepteula),
            ("vtwaitforquota", self.vtwaitforquota),
            ("vtverbose", self.vtverbose),
            ("vtnocache", self.vtnocache),
            ("nolog", self.nolog),
            ("utc", self.utc),
            ("rfc3339", self.rfc3339),
            ("silent", self.silent),
            ("debug", self.debug),
            ("noprogress", self.noprogress),
            ("noprocs", self.noprocs),
            ("dropzone", self.dropzone),
            ("dropdelete", self.dropdelete),
            ("thunderstorm", self.thunderstorm),
            ("print_config", self.print_config),
        ];
        out.extend(
            switches
                .into_iter()
                .filter(|(_, on)| *on)
                .map(|(key, _)| (key, FlagValue::Bool(true))),
        );
        let numbers = [
            ("threads", self.threads),
            ("lookback", self.lookback),
            ("max_file_size", self.max_file_size),
            ("min", self.min.map(u64::from)),
            ("notice", self.notice.map(u64::from)),
            ("warning", self.warning.map(u64::from)),
            ("alert", self.alert.map(u64::from)),
            ("max_reasons", self.max_reasons),
            ("vtscore", self.vtscore.map(u64::from)),
            ("vtrate", self.vtrate.map(u64::from)),
            ("vtdaily", self.vtdaily),
            ("vtcache_found_ttl", self.vtcache_found_ttl),
            ("vtcache_notfound_ttl", self.vtcache_notfound_ttl),
            ("vtpark", self.vtpark),
            ("yara_timeout", self.yara_timeout),
            ("server_port", self.server_port.map(u64::from)),
            ("server_result_cache_size", self.server_result_cache_size),
        ];
        out.extend(
            numbers
                .into_iter()
                .filter_map(|(key, n)| Some((key, FlagValue::UInt(n?)))),
        );
        let seconds = [
            ("vtwindow", self.vtwindow),
            ("vtanalysis_timeout", self.vtanalysis_timeout),
            ("vtpoll", self.vtpoll),
            ("vttimeout", self.vttimeout),
            ("dropzone_delay", self.dropzone_delay),
        ];
        out.extend(
            seconds
                .into_iter()
                .filter_map(|(key, x)| Some((key, FlagValue::Float(x?)))),
        );
        let texts = [
            (
                "vtkey",
                self.vtkey.as_ref().map(|k| k.expose_secret().to_owned()),
            ),
            ("vtmode", self.vtmode.as_ref().map(|s| s.to_lowercase())),
            ("vturl", self.vturl.clone()),
            ("hashes", self.hashes.as_ref().map(|s| s.to_lowercase())),
            ("scanid", self.scanid.clone()),
            ("hostname", self.hostname.clone()),
            ("server_host", self.server_host.clone()),
            (
                "server_store_samples",
                self.server_store_samples.as_ref().map(|s| s.to_lowercase()),
            ),
        ];
        out.extend(
            texts
                .into_iter()
                .filter_map(|(key, s)| Some((key, FlagValue::Str(s?)))),
        );
        let files = [
            ("rules_cache", &self.rules_cache),
            ("excludes", &self.excludes),
            ("fp_filters", &self.fp_filters),
            ("vtcache", &self.vtcache),
            ("logfile", &self.logfile),
            ("jsonfile", &self.jsonfile),
            ("htmlfile", &self.htmlfile),
            ("csvfile", &self.csvfile),
            ("server_cert", &self.server_cert),
            ("server_key", &self.server_key),
        ];
        out.extend(
            files
                .into_iter()
                .filter_map(|(key, p)| Some((key, FlagValue::Path(p.clone()?)))),
        );
        out
    }
}

/// Why the command line did not give settings to run with.
#[derive(Debug)]
pub enum CliError {
    /// clap's answer: a usage error (exit 2), or `--help`/`--version` (exit 0). Never quotes
    /// the VirusTotal key.
    Usage(clap::Error),
    /// The settings could not be loaded or are invalid (exit 2).
    Settings(SettingsError),
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Usage(e) => write!(f, "{e}"),
            Self::Settings(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Usage(e) => Some(e),
            Self::Settings(e) => Some(e),
        }
    }
}

impl From<SettingsError> for CliError {
    fn from(e: SettingsError) -> Self {
        Self::Settings(e)
    }
}

/// Parses this process's command line and environment into validated settings. `--help`,
/// `--version` and usage errors are answered by clap, which exits (0 for help and version, 2
/// for a usage error, spec §7); a template or settings error is returned (exit 2 as well).
pub fn load() -> Result<Loaded, SettingsError> {
    match parse_settings_from(std::env::args_os(), std::env::vars_os()) {
        Ok(loaded) => Ok(loaded),
        Err(CliError::Usage(e)) => e.exit(),
        Err(CliError::Settings(e)) => Err(e),
    }
}

/// [`load`] with the arguments (program name first) and environment given, for tests.
pub fn parse_settings_from<A, T, E, K, V>(args: A, env: E) -> Result<Loaded, CliError>
where
    A: IntoIterator<Item = T>,
    T: Into<OsString>,
    E: IntoIterator<Item = (K, V)>,
    K: Into<OsString>,
    V: Into<OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli =
        Cli::try_parse_from(&args).map_err(|e| CliError::Usage(redact_clap_error(e, &args)))?;
    let mut loader = SettingsLoader::new().env(env);
    for template in &cli.templates {
        loader = loader.template(template);
    }
    for (key, value) in cli.overrides() {
        loader = loader.flag(key, value);
    }
    Ok(loader.load()?)
}

/// The key values given on the command line (`--vtkey KEY` or `--vtkey=KEY`).
fn secrets_in(args: &[OsString]) -> Vec<String> {
    let mut secrets = Vec::new();
    let mut next_is_key = false;
    for arg in args.iter().filter_map(|a| a.to_str()) {
        if next_is_key {
            secrets.push(arg.trim().to_owned());
            next_is_key = false;
            continue;
        }
        if VTKEY_FLAGS.contains(&arg) {
            next_is_key = true;
        } else if let Some(value) = VTKEY_FLAGS
            .iter()
            .find_map(|flag| arg.strip_prefix(flag)?.strip_prefix('='))
        {
            secrets.push(value.trim().to_owned());
        }
    }
    secrets.retain(|s| !s.is_empty());
    secrets
}

/// Rebuilds a clap error whose text quotes a key given on the command line, with the key
/// replaced by `<redacted>`; other errors pass unchanged (with their styling).
fn redact_clap_error(error: clap::Error, args: &[OsString]) -> clap::Error {
    let secrets = secrets_in(args);
    let text = error.render().to_string();
    if !secrets.iter().any(|s| text.contains(s.as_str())) {
        return error;
    }
    let mut redacted = text;
    for secret in &secrets {
        redacted = redacted.replace(secret.as_str(), REDACTED);
    }
    let body = redacted.strip_prefix("error: ").unwrap_or(&redacted);
    let kind = match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => ErrorKind::DisplayHelp,
        other => other,
    };
    clap::Error::raw(kind, body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    use ratatosk::settings::{Settings, VtMode};

    const KEY: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";

    fn parse(args: &[&str]) -> Result<Loaded, CliError> {
        let env: Vec<(String, String)> = Vec::new();
        parse_settings_from(args.iter().copied(), env)
    }

    fn settings(args: &[&str]) -> Settings {
        match parse(args) {
            Ok(loaded) => loaded.settings,
            Err(e) => panic!("{args:?}: {e}"),
        }
    }

    /// The exit status the binary would end with.
    fn exit_code(err: &CliError) -> i32 {
        match err {
            CliError::Usage(e) => e.exit_code(),
            CliError::Settings(_) => 2,
        }
    }

    fn error_text(args: &[&str]) -> String {
        match parse(args) {
            Ok(_) => panic!("{args:?} parsed"),
            Err(CliError::Usage(e)) => e.render().to_string(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn the_two_vt_command_lines_parse() {
        let s = settings(&["ratatosk", "--vtaccepteula", "--vtkey", KEY]);
        assert_eq!(s.vt_key().map(ApiKey::expose_secret), Some(KEY));
        assert!(s.vt_enabled());
        assert!(s.path.is_empty());

        let s = settings(&[
            "ratatosk",
            "--vtaccepteula",
            "--vtkey",
            KEY,
            "--lookback",
            "1",
            "-p",
            "/srv/www",
        ]);
        assert_eq!(s.vt_key().map(ApiKey::expose_secret), Some(KEY));
        assert_eq!(s.lookback, 1);
        assert_eq!(s.path, vec![PathBuf::from("/srv/www")]);
    }

    #[test]
    fn key_without_eula_is_refused_with_exit_2() {
        let err = parse(&["ratatosk", "--vtkey", KEY]).unwrap_err();
        assert_eq!(exit_code(&err), 2);
        let text = err.to_string();
        assert!(text.contains("--vtaccepteula"), "{text}");
        assert!(!text.contains(KEY));
    }

    #[test]
    fn env_key_is_read_through_the_layers_and_flags_win() {
        let env = vec![
            ("RATATOSK_VTKEY", KEY),
            ("RATATOSK_VTSCORE", "50"),
            ("RATATOSK_LOG", "trace"),
        ];
        let s = parse_settings_from(["ratatosk", "--vtaccepteula"], env.clone())
            .unwrap()
            .settings;
        assert_eq!(s.vt_key().map(ApiKey::expose_secret), Some(KEY));
        assert_eq!(s.vtscore, 50);
        let s = parse_settings_from(["ratatosk", "--vtaccepteula", "--vtscore", "70"], env)
            .unwrap()
            .settings;
        assert_eq!(s.vtscore, 70);
    }

    #[test]
    fn flags_override_templates_only_when_given() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("t.yml");
        std::fs::write(&t, "intense: true\nlookback: 5\nmax_file_size: 1000\n").unwrap();
        let t = t.to_str().unwrap();
        let s = settings(&["ratatosk", "-t", t]);
        assert!(s.intense);
        assert_eq!((s.lookback, s.effective_max_file_size()), (5, 1000));
        let s = settings(&["ratatosk", "-t", t, "--lookback", "2"]);
        assert!(
            s.intense,
            "absent --intense must not reset the template's value"
        );
        assert_eq!((s.lookback, s.effective_max_file_size()), (2, 1000));
    }

    #[test]
    fn dash_and_underscore_spellings_are_accepted() {
        for flag in ["--max_file_size", "--max-file-size"] {
            let s = settings(&["ratatosk", flag, "4096"]);
            assert_eq!(s.max_file_size, Some(4096), "{flag}");
        }
        let s = settings(&[
            "ratatosk",
            "--custom_signatures",
            "/a",
            "--custom-signatures",
            "/b",
            "--follow_symlinks",
            "--strict_rules",
            "--yara_timeout",
            "5",
            "--vt-mode",
            "FULL",
        ]);
        assert_eq!(
            s.custom_signatures,
            vec![PathBuf::from("/a"), PathBuf::from("/b")]
        );
        assert!(s.follow_symlinks && s.strict_rules);
        assert_eq!(s.yara_timeout, 5);
        assert_eq!(s.vtmode, VtMode::Full);
    }

    #[test]
    #[rustfmt::skip]
    fn every_flag_reaches_its_setting() {
        let s = settings(&[
            "ratatosk", "-p", "/a", "-p", "/b", "--signatures", "/sig", "--customonly",
            "--threads", "3", "--lookback", "7", "--max_file_size", "100", "--allfiles",
            "--lab", "--alldrives", "--cross-platform", "--excludes", "/ex.cfg", "--fp-filters",
            "/fp.cfg", "-x", "50", "--notice", "45", "--warning", "65", "--alert", "85",
            "--max-reasons", "0", "--vtkey", KEY, "--vtaccepteula", "--vtscore", "30",
            "--vtwaitforquota", "--vtverbose", "--vtrate", "8", "--vtwindow", "0.5",
            "--vtdaily", "900", "--vturl", "http://127.0.0.1:9/api/v3", "--vtcache", "/c.db",
            "--vtnocache", "--vtcache-found-ttl", "10", "--vtcache-notfound-ttl", "20",
            "--vtanalysis-timeout", "2.5", "--vtpoll", "0.25", "--vtpark", "3", "--vttimeout",
            "1.5", "--nolog",
            "--logfile", "/l.log", "--jsonfile", "/j.jsonl", "--htmlfile", "/h.html",
            "--csvfile", "/c.csv", "--utc", "--rfc3339", "--silent", "-v", "--noprogress",
            "--hashes", "sha256", "--noprocs", "--yara-timeout", "9", "-i", "S-1", "-j",
            "host1", "--virtual-map", "/mnt/img:C:", "--rules-cache", "/rc",
            "--server-host", "0.0.0.0", "--server-port", "8443", "--server-cert", "/cert.pem",
            "--server-key", "/key.pem", "--server-store-samples", "malicious",
            "--server-result-cache-size", "12", "--dropzone-delay", "0.1", "--dropdelete",
            "--print-config",
        ]);
        let expected = Settings {
            path: vec![PathBuf::from("/a"), PathBuf::from("/b")],
            signatures: vec![PathBuf::from("/sig")],
            customonly: true,
            threads: 3,
            lookback: 7,
            max_file_size: Some(100),
            allfiles: true,
            lab: true,
            alldrives: true,
            cross_platform: true,
            excludes: Some(PathBuf::from("/ex.cfg")),
            fp_filters: Some(PathBuf::from("/fp.cfg")),
            min: Some(50),
            notice: 45,
            warning: 65,
            alert: 85,
            max_reasons: 0,
            vtkey: Some(ApiKey::new(KEY)),
            vtaccepteula: true,
            vtscore: 30,
            vtwaitforquota: true,
            vtverbose: true,
            vtrate: 8,
            vtwindow: 0.5,
            vtdaily: 900,
            vturl: "http://127.0.0.1:9/api/v3".to_owned(),
            vtcache: Some(PathBuf::from("/c.db")),
            vtnocache: true,
            vtcache_found_ttl: 10,
            vtcache_notfound_ttl: 20,
            vtanalysis_timeout: 2.5,
            vtpoll: 0.25,
            vtpark: 3,
            vttimeout: 1.5,
            nolog: true,
            logfile: Some(PathBuf::from("/l.log")),
            jsonfile: Some(PathBuf::from("/j.jsonl")),
            htmlfile: Some(PathBuf::from("/h.html")),
            csvfile: Some(PathBuf::from("/c.csv")),
            utc: true,
            rfc3339: true,
            silent: true,
            debug: true,
            noprogress: true,
            hashes: ratatosk::settings::HashSelection::Sha256,
            noprocs: true,
            yara_timeout: 9,
            scanid: Some("S-1".to_owned()),
            hostname: Some("host1".to_owned()),
            virtual_map: vec!["/mnt/img:C:".to_owned()],
            rules_cache: Some(PathBuf::from("/rc")),
            server_host: "0.0.0.0".to_owned(),
            server_port: 8443,
            server_cert: Some(PathBuf::from("/cert.pem")),
            server_key: Some(PathBuf::from("/key.pem")),
            server_store_samples: ratatosk::settings::StoreSamples::Malicious,
            server_result_cache_size: 12,
            dropzone_delay: 0.1,
            dropdelete: true,
            print_config: true,
            ..Settings::default()
        };
        assert_eq!(s, expected);
        // The modes left out above (they exclude each other or need -p to watch).
        assert!(settings(&["ratatosk", "--thunderstorm"]).thunderstorm);
        let s = settings(&["ratatosk", "--dropzone", "-p", "/drop", "--intense"]);
        assert!(s.dropzone && s.intense);
        assert!(settings(&["ratatosk", "--custom-signatures", "/c", "--strict-rules"]).strict_rules);
    }

    #[test]
    fn vtkey_given_twice_keeps_the_last_and_never_errors() {
        let s = settings(&[
            "ratatosk",
            "--vtaccepteula",
            "--vtkey",
            "first",
            "--vtkey",
            KEY,
        ]);
        assert_eq!(s.vt_key().map(ApiKey::expose_secret), Some(KEY));
    }

    #[test]
    fn clap_errors_never_quote_the_key() {
        // A stray second word after the key: clap reports it as an unexpected argument.
        let text = error_text(&["ratatosk", "--vtkey", KEY, KEY]);
        assert!(!text.contains(KEY), "{text}");
        assert!(text.contains(REDACTED), "{text}");
        let text = error_text(&["ratatosk", &format!("--vtkey={KEY}"), "--vtscore", KEY]);
        assert!(!text.contains(KEY), "{text}");
        let err = parse(&["ratatosk", "--vtkey", KEY, KEY]).unwrap_err();
        assert_eq!(exit_code(&err), 2);
        // A key starting with '-' is still the key, not a flag.
        let s = settings(&["ratatosk", "--vtaccepteula", "--vtkey", "-abc"]);
        assert_eq!(s.vt_key().map(ApiKey::expose_secret), Some("-abc"));
    }

    #[test]
    fn bad_value_error_names_the_flag() {
        let text = error_text(&["ratatosk", "--vtscore", "abc"]);
        assert!(
            text.contains("invalid value 'abc' for '--vtscore <SCORE>'"),
            "{text}"
        );
        let err = parse(&["ratatosk", "--vtscore", "abc"]).unwrap_err();
        assert_eq!(exit_code(&err), 2);
    }

    #[test]
    fn help_shows_no_key_and_exits_0() {
        let env = vec![("RATATOSK_VTKEY", KEY)];
        let err = parse_settings_from(["ratatosk", "--help"], env).unwrap_err();
        assert_eq!(exit_code(&err), 0);
        let CliError::Usage(e) = err else {
            panic!("not a usage answer")
        };
        let help = e.render().to_string();
        assert!(help.contains("--vtkey <KEY>"), "{help}");
        assert!(help.contains("--max_file_size <BYTES>"), "{help}");
        assert!(!help.contains(KEY));
    }

    #[test]
    fn version_prints_the_name_and_version() {
        let err = parse(&["ratatosk", "--version"]).unwrap_err();
        assert_eq!(exit_code(&err), 0);
        let CliError::Usage(e) = err else {
            panic!("not a usage answer")
        };
        assert_eq!(
            e.render().to_string(),
            format!("ratatosk {}\n", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn debug_of_the_parsed_flags_hides_the_key() {
        let cli = Cli::try_parse_from(["ratatosk", "--vtkey", KEY]).unwrap();
        let shown = format!("{:?}", cli.overrides());
        assert!(!shown.contains(KEY), "{shown}");
        assert!(format!("{:?}", cli.vtkey).contains(REDACTED));
    }

    #[test]
    fn unknown_template_key_is_an_error_naming_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("scan.yml");
        std::fs::write(&t, "colour: blue\n").unwrap();
        let text = error_text(&["ratatosk", "-t", t.to_str().unwrap()]);
        assert_eq!(
            text,
            format!("unknown key `colour` in template {}:1", t.display())
        );
    }
}
