//! [`Settings`]: every setting as the user gave it after layering (defaults → templates → env →
//! flags), one field per key, keys spelled like the long flags with `_`. The defaults here and
//! in the embedded `conf/ratatosk.yml` are the same (a test checks it). What the settings mean
//! once combined (the size limit in intense mode, the thread count …) is in `effective.rs`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::choices::{HashSelection, StoreSamples, VtMode};
use super::secret::ApiKey;

/// Size limit without `--intense`: THOR 10.7's `max_file_size`, 30 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 31_457_280;
/// Size limit with `--intense`, `--allfiles` or `--lab`: THOR's `max_file_size_intense`, 200 MiB.
pub const INTENSE_MAX_FILE_SIZE: u64 = 209_715_200;
/// Notice threshold: THOR's `--notice` default.
pub const DEFAULT_NOTICE: u32 = 40;
/// Warning threshold: THOR's `--warning` default.
pub const DEFAULT_WARNING: u32 = 60;
/// Alert threshold: THOR's `--alert` default.
pub const DEFAULT_ALERT: u32 = 81;
/// Reasons shown per finding: THOR's `--max-reasons` default.
pub const DEFAULT_MAX_REASONS: usize = 2;
/// Minimum score for a VirusTotal lookup: THOR's `--vtscore` default.
pub const DEFAULT_VTSCORE: u32 = 40;
/// Requests per window: what a free VirusTotal key allows (4 per minute).
pub const DEFAULT_VTRATE: u32 = 4;
/// The free key's rate window, in seconds.
pub const DEFAULT_VTWINDOW_SECS: f64 = 60.0;
/// Requests per day: the free key's daily allowance.
pub const DEFAULT_VTDAILY: u64 = 500;
/// The public VirusTotal API v3 base.
pub const DEFAULT_VTURL: &str = "https://www.virustotal.com/api/v3";
/// How long a verdict on a known file stays cached: 3 days (spec §5), in seconds.
pub const DEFAULT_VTCACHE_FOUND_TTL_SECS: u64 = 3 * 24 * 3600;
/// How long a "not found" stays cached: 12 hours (spec §5), in seconds; unknown files get
/// submitted by others, so the answer goes stale sooner.
pub const DEFAULT_VTCACHE_NOTFOUND_TTL_SECS: u64 = 12 * 3600;
/// How long a full-mode upload's analysis is awaited: VirusTotal usually finishes in minutes.
pub const DEFAULT_VTANALYSIS_TIMEOUT_SECS: f64 = 600.0;
/// How often an analysis is polled: one request per poll, so not faster than the quota allows.
pub const DEFAULT_VTPOLL_SECS: f64 = 15.0;
/// Seconds one VirusTotal request may take before it counts as failed (and is retried): an
/// answer usually comes in well under a second; 30 s leaves room for a slow proxy.
pub const DEFAULT_VTTIMEOUT_SECS: f64 = 30.0;
/// Parked findings kept with `--vtwaitforquota`: bounds memory (a finding is a few KiB) while
/// holding a long scan's worth of lookups for a free key.
pub const DEFAULT_VTPARK: usize = 10_000;
/// Seconds per YARA scan of one file: THOR's `--yara-timeout` default.
pub const DEFAULT_YARA_TIMEOUT_SECS: u64 = 90;
/// Seconds without writes before a dropzone file is scanned: THOR's `--dropzone-delay` default.
pub const DEFAULT_DROPZONE_DELAY_SECS: f64 = 1.0;
/// Thunderstorm's listen address: local only unless the operator opens it.
pub const DEFAULT_SERVER_HOST: &str = "127.0.0.1";
/// Thunderstorm's port: THOR Thunderstorm's default, which the public collectors assume.
pub const DEFAULT_SERVER_PORT: u16 = 8080;
/// Async results kept by Thunderstorm: THOR's `--server-result-cache-size` default.
pub const DEFAULT_SERVER_RESULT_CACHE_SIZE: usize = 10_000;

/// Every setting, as layered. Read the combined meaning through the methods in `effective.rs`
/// (e.g. [`Settings::effective_max_file_size`]) rather than the raw fields where one exists.
///
/// `Debug` and `Serialize` show the VirusTotal key as `<redacted>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `-p/--path`: folders or files to scan; empty means `/` on the local file systems.
    pub path: Vec<PathBuf>,
    /// `--signatures`: signature folders in the signature-base layout, besides the embedded set.
    pub signatures: Vec<PathBuf>,
    /// `--custom-signatures`: custom signature folders; empty means `custom-signatures/` in the
    /// working folder when present.
    pub custom_signatures: Vec<PathBuf>,
    /// `--customonly`: use only the custom signatures.
    pub customonly: bool,
    /// `--strict-rules`: a rule file that does not compile stops the run.
    pub strict_rules: bool,
    /// `--rules-cache`: where compiled rules are cached; none means the user's cache folder.
    pub rules_cache: Option<PathBuf>,
    /// `--threads`: scan threads; 0 means all cores.
    pub threads: usize,
    /// `--lookback`: only files modified or changed in the last N days; 0 means no limit.
    pub lookback: u64,
    /// `--max_file_size`: bytes; none means 30 MiB, or 200 MiB in intense mode.
    pub max_file_size: Option<u64>,
    /// `--intense`: no type pre-filter, intense size limit.
    pub intense: bool,
    /// `--allfiles`: every file regardless of type, intense size limit.
    pub allfiles: bool,
    /// `--lab`: scan of a mounted image (intense, all cores, cross-platform IOCs, no processes).
    pub lab: bool,
    /// `--follow-symlinks`: descend into symlinked folders and scan symlinked files.
    pub follow_symlinks: bool,
    /// `--alldrives`: descend into other file systems.
    pub alldrives: bool,
    /// `--cross-platform`: apply Windows path IOCs to Unix paths.
    pub cross_platform: bool,
    /// `--excludes`: file of path-exclude regexes.
    pub excludes: Option<PathBuf>,
    /// `--fp-filters`: file of false-positive filter regexes; none means
    /// `conf/false_positive_filters.cfg` in the working folder when present.
    pub fp_filters: Option<PathBuf>,
    /// `-x/--min`: lowest score reported; none means the notice threshold.
    pub min: Option<u32>,
    /// `--notice`: lowest score of a Notice.
    pub notice: u32,
    /// `--warning`: lowest score of a Warning.
    pub warning: u32,
    /// `--alert`: lowest score of an Alert.
    pub alert: u32,
    /// `--max-reasons`: reasons printed per finding; 0 means all.
    pub max_reasons: usize,
    /// `--vtkey`: the VirusTotal API key; none means no enrichment.
    pub vtkey: Option<ApiKey>,
    /// `--vtaccepteula`: the user accepts VirusTotal's terms; required before any request.
    pub vtaccepteula: bool,
    /// `--vtmode`: limited (lookups) or full (lookups and uploads).
    pub vtmode: VtMode,
    /// `--vtscore`: lowest score looked up.
    pub vtscore: u32,
    /// `--vtwaitforquota`: park findings until the quota allows a lookup.
    pub vtwaitforquota: bool,
    /// `--vtverbose`: add the file's VirusTotal history.
    pub vtverbose: bool,
    /// `--vtrate`: requests per rate window.
    pub vtrate: u32,
    /// `--vtwindow`: the rate window in seconds (fractions allowed, for tests).
    pub vtwindow: f64,
    /// `--vtdaily`: requests per day.
    pub vtdaily: u64,
    /// `--vturl`: the API base.
    pub vturl: String,
    /// `--vtcache`: the verdict cache file; none means the user's cache folder.
    pub vtcache: Option<PathBuf>,
    /// `--vtnocache`: no verdict cache.
    pub vtnocache: bool,
    /// `--vtcache-found-ttl`: seconds a verdict on a known file stays cached.
    pub vtcache_found_ttl: u64,
    /// `--vtcache-notfound-ttl`: seconds a "not found" stays cached.
    pub vtcache_notfound_ttl: u64,
    /// `--vtanalysis-timeout`: seconds an upload's analysis is awaited (full mode).
    pub vtanalysis_timeout: f64,
    /// `--vtpoll`: seconds between polls of an analysis (full mode).
    pub vtpoll: f64,
    /// `--vtpark`: parked findings kept with `--vtwaitforquota`.
    pub vtpark: usize,
    /// `--vttimeout`: seconds one VirusTotal request may take before it counts as failed.
    pub vttimeout: f64,
    /// `--nolog`: no text log even when `--logfile` is given.
    pub nolog: bool,
    /// `--logfile`: the text log.
    pub logfile: Option<PathBuf>,
    /// `--jsonfile`: the JSONL log.
    pub jsonfile: Option<PathBuf>,
    /// `--htmlfile`: the HTML report.
    pub htmlfile: Option<PathBuf>,
    /// `--csvfile`: the CSV (`MD5,PATH,SCORE`).
    pub csvfile: Option<PathBuf>,
    /// `--utc`: timestamps in UTC.
    pub utc: bool,
    /// `--rfc3339`: RFC 3339 timestamps in the text log.
    pub rfc3339: bool,
    /// `--silent`: nothing on the console.
    pub silent: bool,
    /// `--debug` / `-v`: debug diagnostics.
    pub debug: bool,
    /// `--noprogress`: no progress bar.
    pub noprogress: bool,
    /// `--hashes`: which digests the outputs show.
    pub hashes: HashSelection,
    /// `--noprocs`: no process check.
    pub noprocs: bool,
    /// `--yara-timeout`: seconds per YARA scan of one file.
    pub yara_timeout: u64,
    /// `-i/--scanid`: the scan id; none means a generated one.
    pub scanid: Option<String>,
    /// `-j/--hostname`: the reported hostname; none means this machine's.
    pub hostname: Option<String>,
    /// `--virtual-map FROM:TO`: rewrite reported paths under FROM to TO.
    pub virtual_map: Vec<String>,
    /// `--dropzone`: watch the `-p` folders and scan new files.
    pub dropzone: bool,
    /// `--dropzone-delay`: seconds without writes before a file is scanned.
    pub dropzone_delay: f64,
    /// `--dropdelete`: delete dropzone files after the scan.
    pub dropdelete: bool,
    /// `--thunderstorm`: run the Thunderstorm HTTP service.
    pub thunderstorm: bool,
    /// `--server-host`: Thunderstorm's listen address.
    pub server_host: String,
    /// `--server-port`: Thunderstorm's port.
    pub server_port: u16,
    /// `--server-cert`: TLS certificate (TLS when both cert and key are given).
    pub server_cert: Option<PathBuf>,
    /// `--server-key`: TLS private key.
    pub server_key: Option<PathBuf>,
    /// `--server-store-samples`: which uploads are kept.
    pub server_store_samples: StoreSamples,
    /// `--server-result-cache-size`: async results kept.
    pub server_result_cache_size: usize,
    /// `--print-config`: print the merged settings (key redacted) and exit.
    pub print_config: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            path: Vec::new(),
            signatures: Vec::new(),
            custom_signatures: Vec::new(),
            customonly: false,
            strict_rules: false,
            rules_cache: None,
            threads: 0,
            lookback: 0,
            max_file_size: None,
            intense: false,
            allfiles: false,
            lab: false,
            follow_symlinks: false,
            alldrives: false,
            cross_platform: false,
            excludes: None,
            fp_filters: None,
            min: None,
            notice: DEFAULT_NOTICE,
            warning: DEFAULT_WARNING,
            alert: DEFAULT_ALERT,
            max_reasons: DEFAULT_MAX_REASONS,
            vtkey: None,
            vtaccepteula: false,
            vtmode: VtMode::Limited,
            vtscore: DEFAULT_VTSCORE,
            vtwaitforquota: false,
            vtverbose: false,
            vtrate: DEFAULT_VTRATE,
            vtwindow: DEFAULT_VTWINDOW_SECS,
            vtdaily: DEFAULT_VTDAILY,
            vturl: DEFAULT_VTURL.to_owned(),
            vtcache: None,
            vtnocache: false,
            vtcache_found_ttl: DEFAULT_VTCACHE_FOUND_TTL_SECS,
            vtcache_notfound_ttl: DEFAULT_VTCACHE_NOTFOUND_TTL_SECS,
            vtanalysis_timeout: DEFAULT_VTANALYSIS_TIMEOUT_SECS,
            vtpoll: DEFAULT_VTPOLL_SECS,
            vtpark: DEFAULT_VTPARK,
            vttimeout: DEFAULT_VTTIMEOUT_SECS,
            nolog: false,
            logfile: None,
            jsonfile: None,
            htmlfile: None,
            csvfile: None,
            utc: false,
            rfc3339: false,
            silent: false,
            debug: false,
            noprogress: false,
            hashes: HashSelection::All,
            noprocs: false,
            yara_timeout: DEFAULT_YARA_TIMEOUT_SECS,
            scanid: None,
            hostname: None,
            virtual_map: Vec::new(),
            dropzone: false,
            dropzone_delay: DEFAULT_DROPZONE_DELAY_SECS,
            dropdelete: false,
            thunderstorm: false,
            server_host: DEFAULT_SERVER_HOST.to_owned(),
            server_port: DEFAULT_SERVER_PORT,
            server_cert: None,
            server_key: None,
            server_store_samples: StoreSamples::None,
            server_result_cache_size: DEFAULT_SERVER_RESULT_CACHE_SIZE,
            print_config: false,
        }
    }
}
