//! The vocabulary shared by every stage: what a file job is, what a finding carries, why a file
//! was skipped, and what VirusTotal said. Plain data, no behaviour beyond formatting.

use std::fmt;
use std::path::PathBuf;
use std::time::SystemTime;

use serde::Serialize;

/// Writes bytes as lower-case hex (the form every THOR log uses for hashes).
fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for b in bytes {
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

macro_rules! digest_newtype {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub [u8; $len]);

        impl $name {
            /// Length of the digest in bytes.
            pub const LEN: usize = $len;

            /// Parses a hex string (either case); `None` when it is not exactly this digest.
            pub fn from_hex(s: &str) -> Option<Self> {
                let mut out = [0u8; $len];
                hex::decode_to_slice(s.trim(), &mut out).ok()?;
                Some(Self(out))
            }

            /// Lower-case hex form.
            pub fn to_hex(&self) -> String {
                self.to_string()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_hex(f, &self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(", stringify!($name))?;
                write_hex(f, &self.0)?;
                write!(f, ")")
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    };
}

digest_newtype!(
    /// An MD5 digest.
    Md5,
    16
);
digest_newtype!(
    /// A SHA-1 digest.
    Sha1,
    20
);
digest_newtype!(
    /// A SHA-256 digest: the key VirusTotal, the verdict cache and single-flight use.
    Sha256,
    32
);

/// The digests computed for one file. SHA256 is always computed (VirusTotal needs it); MD5 and
/// SHA1 only when an IOC, a rule or an output needs them (spec §3). Absent, never null.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hashes {
    /// MD5, when computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub md5: Option<Md5>,
    /// SHA-1, when computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha1: Option<Sha1>,
    /// SHA-256, always.
    pub sha256: Sha256,
}

/// Which digests a scan computes besides SHA256.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HashKinds {
    /// Compute MD5.
    pub md5: bool,
    /// Compute SHA-1.
    pub sha1: bool,
}

/// The module that produced an event, as THOR names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Module {
    /// Walking a tree (`-p`).
    FileScan,
    /// Executable images of running processes.
    ProcessCheck,
    /// Uploaded samples.
    Thunderstorm,
    /// A watched drop folder.
    Dropzone,
}

impl Module {
    /// The name used in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Module::FileScan => "FileScan",
            Module::ProcessCheck => "ProcessCheck",
            Module::Thunderstorm => "Thunderstorm",
            Module::Dropzone => "Dropzone",
        }
    }
}

/// File times as the walk saw them (`None` when the platform or file system has none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileTimes {
    /// Last modification (mtime).
    pub modified: Option<SystemTime>,
    /// Last status change (ctime).
    pub changed: Option<SystemTime>,
    /// Last access (atime).
    pub accessed: Option<SystemTime>,
    /// Creation (birth time), where the file system records it.
    pub created: Option<SystemTime>,
}

/// One candidate file, as the Walker hands it on.
#[derive(Clone, Debug)]
pub struct FileJob {
    /// The path as found (exact bytes on Unix).
    pub path: PathBuf,
    /// Apparent size from the walk's `lstat`.
    pub size: u64,
    /// Times from the walk's `lstat`.
    pub times: FileTimes,
    /// Owning user id.
    pub uid: u32,
    /// Which module produced it.
    pub module: Module,
    /// When set, content checks are skipped (size or type filter) but filename IOCs still
    /// run, as THOR does; the reason the content was not scanned.
    pub content_skip: Option<SkipReason>,
}

/// Why an entry was not scanned. Every entry the walk sees ends in exactly one bucket: scanned,
/// skipped (one of these), or error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Matched a path exclude (`--excludes`, built-in pseudo-file-system paths).
    Excluded,
    /// Larger than `--max_file_size`.
    TooLarge,
    /// Not a regular file (FIFO, socket, device, …).
    NotRegularFile,
    /// The OS said no.
    PermissionDenied,
    /// Gone between listing and opening.
    Vanished,
    /// Neither a relevant extension nor a known magic header (default mode's type pre-filter).
    TypeFilter,
    /// Not modified or changed within `--lookback` days.
    Lookback,
    /// On a pseudo file system (procfs, sysfs, …) or another file system without `--alldrives`.
    PseudoFs,
    /// On another file system than the root it was reached from, without `--alldrives`.
    OtherFilesystem,
    /// A directory already entered through another link (`--follow-symlinks`), or a link loop.
    AlreadyVisited,
    /// A symlink that is not followed.
    Symlink,
    /// Ratatosk's own binary, outputs, caches or loaded signatures.
    SelfFile,
    /// A trusted hash (`*trusted-hash*`, `*falsepositive-hash*`): never reported.
    Trusted,
    /// Reading the file did not finish within the per-file I/O deadline (a stalled network
    /// file system, a device that never answers); the file was abandoned.
    IoTimeout,
}

impl SkipReason {
    /// Stable name used in the summary and the JSON log (`skipped{<reason>: n}`).
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Excluded => "excluded",
            SkipReason::TooLarge => "too_large",
            SkipReason::NotRegularFile => "not_regular_file",
            SkipReason::PermissionDenied => "permission_denied",
            SkipReason::Vanished => "vanished",
            SkipReason::TypeFilter => "type_filter",
            SkipReason::Lookback => "lookback",
            SkipReason::PseudoFs => "pseudo_fs",
            SkipReason::OtherFilesystem => "other_filesystem",
            SkipReason::AlreadyVisited => "already_visited",
            SkipReason::Symlink => "symlink",
            SkipReason::SelfFile => "self",
            SkipReason::Trusted => "trusted",
            SkipReason::IoTimeout => "io_timeout",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of signature gave a reason (THOR JSON v3 `signature.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SignatureKind {
    /// A YARA rule.
    #[serde(rename = "YARA Rule")]
    YaraRule,
    /// A hash IOC.
    #[serde(rename = "Hash IOC")]
    HashIoc,
    /// A filename IOC.
    #[serde(rename = "Filename IOC")]
    FilenameIoc,
    /// A VirusTotal verdict.
    #[serde(rename = "VirusTotal")]
    VirusTotal,
}

impl SignatureKind {
    /// The name used in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureKind::YaraRule => "YARA Rule",
            SignatureKind::HashIoc => "Hash IOC",
            SignatureKind::FilenameIoc => "Filename IOC",
            SignatureKind::VirusTotal => "VirusTotal",
        }
    }
}

/// Where a signature came from (THOR JSON v3 `signature.origin`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// The embedded default set.
    Internal,
    /// `custom-signatures/` or `--custom-signatures`.
    Custom,
    /// A `--signatures` folder.
    External,
    /// Not a signature: VirusTotal.
    #[serde(rename = "external")]
    Service,
}

/// One matched string of a YARA rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Matched {
    /// The matched bytes as text, non-printable bytes escaped `\xNN`.
    pub data: String,
    /// Offset in the file.
    pub offset: u64,
}

/// The signature behind a reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Signature {
    /// Sub-score: positive adds to the formula, negative is subtracted (false-positive rules,
    /// negative filename IOCs).
    pub score: i32,
    /// What kind of signature.
    pub kind: SignatureKind,
    /// Rule name, IOC value or `VirusTotal`.
    pub rule_name: String,
    /// Human description.
    pub description: String,
    /// Author, when known.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub author: String,
    /// Reference, when known.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reference: String,
    /// Where it came from.
    pub origin: Origin,
}

/// One reason a file scored: a signature and what it matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// One-line summary, e.g. `YARA rule SUSP_X / description`.
    pub summary: String,
    /// The signature.
    pub signature: Signature,
    /// Matched strings (YARA only; capped).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matched: Vec<Matched>,
}

/// THOR's levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Level {
    /// Score ≥ notice (40).
    Notice,
    /// Score ≥ warning (60).
    Warning,
    /// Score ≥ alert (81) and at least one sub-score above 75 (THOR's rule: several weak
    /// reasons never make an Alert without one strong one).
    Alert,
}

impl Level {
    /// The name used in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Notice => "Notice",
            Level::Warning => "Warning",
            Level::Alert => "Alert",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `result` of a VirusTotal enrichment (spec §5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VtResult {
    /// VirusTotal knows the file.
    Found,
    /// 404: VirusTotal does not know the file.
    NotFound,
    /// Uploaded and analysed (full mode).
    Uploaded,
    /// Served from the verdict cache.
    Cached,
    /// No token in the per-window bucket.
    SkippedQuota,
    /// The daily budget is spent.
    SkippedDailyQuota,
    /// Above 650 MiB, never uploaded (full mode).
    TooLargeToUpload,
    /// The lookup failed; the reason (e.g. `wrong key`, `HTTP 503`).
    Error(String),
}

impl fmt::Display for VtResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VtResult::Found => f.write_str("found"),
            VtResult::NotFound => f.write_str("not found"),
            VtResult::Uploaded => f.write_str("uploaded"),
            VtResult::Cached => f.write_str("cached"),
            VtResult::SkippedQuota => f.write_str("skipped (quota)"),
            VtResult::SkippedDailyQuota => f.write_str("skipped (daily quota)"),
            VtResult::TooLargeToUpload => f.write_str("too large to upload"),
            VtResult::Error(reason) => write!(f, "error ({reason})"),
        }
    }
}

impl Serialize for VtResult {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `--vtverbose` history of a file on VirusTotal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct VtHistory {
    /// Every name it was submitted under.
    pub names: Vec<String>,
    /// VirusTotal's tags.
    pub tags: Vec<String>,
    /// `times_submitted`.
    pub submissions: u64,
    /// First submission, RFC 3339 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_submission: Option<String>,
    /// Last submission, RFC 3339 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_submission: Option<String>,
}

/// A verdict from VirusTotal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VtVerdict {
    /// Engines whose category is `malicious`.
    pub positives: u32,
    /// Sum of all eight `last_analysis_stats` counts.
    pub total: u32,
    /// History (always parsed; shown only with `--vtverbose`).
    pub history: VtHistory,
}

/// The `virustotal{…}` block of a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VtEnrichment {
    /// What happened.
    pub result: VtResult,
    /// Positives, when there is a verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive_verdicts: Option<u32>,
    /// Total engines, when there is a verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_verdicts: Option<u32>,
    /// `https://www.virustotal.com/gui/file/<sha256>` when there is a verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permalink: Option<String>,
    /// History, only with `--vtverbose`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<VtHistory>,
    /// Served from the on-disk verdict cache: no request was made (a known file's `result`
    /// is then `cached`; an unknown one keeps `not found`). Written only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cached: bool,
}

impl VtEnrichment {
    /// An enrichment without a verdict (skipped, error, not found).
    pub fn without_verdict(result: VtResult) -> Self {
        VtEnrichment {
            result,
            positive_verdicts: None,
            total_verdicts: None,
            permalink: None,
            history: None,
            cached: false,
        }
    }
}

/// A scored file: what the Reporter writes.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Module that found it.
    pub module: Module,
    /// The path (exact bytes).
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// Extension as in the `extension` external (`.exe`, or empty).
    pub extension: String,
    /// Magic-header type (`EXE`, …), or empty.
    pub magic_header: String,
    /// Digests.
    pub hashes: Hashes,
    /// File times.
    pub times: FileTimes,
    /// Owner account name.
    pub owner: String,
    /// Every reason, sorted by descending sub-score.
    pub reasons: Vec<Reason>,
    /// Total score (spec §4), 0–100.
    pub score: u32,
    /// Level, `None` below notice (only reported when `--min` is lowered).
    pub level: Option<Level>,
    /// VirusTotal enrichment, when the finding was at or above `--vtscore`.
    pub virustotal: Option<VtEnrichment>,
}

/// What happened to one walked entry: the Reporter's input besides findings.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Scanned; a finding (which may still be below `--min`).
    Finding(Box<Finding>),
    /// Scanned, nothing to report: `files` files (workers send clean files in batches, so the
    /// actors are not woken for each of them).
    Clean {
        /// Files scanned.
        files: u64,
        /// Bytes scanned.
        bytes: u64,
    },
    /// Not scanned, for a reason.
    Skipped {
        /// The entry.
        path: PathBuf,
        /// Why.
        reason: SkipReason,
    },
    /// Could not be scanned.
    Error {
        /// The entry.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}
