//! What every writer is told besides the findings: the run's identity and display settings
//! ([`ReportContext`]) and what the scan was started with ([`ScanInfo`], the start event).

use std::path::PathBuf;

use serde::{Serialize, Serializer};

use super::time::TimeStyle;

/// Settings shared by every output of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportContext {
    /// `S-…` id of this run (see [`super::new_scan_id`]).
    pub scan_id: String,
    /// Host name written in every line (`-j` in lab mode).
    pub hostname: String,
    /// `--max-reasons`: reasons shown per finding in the text outputs (0 = all). JSON always
    /// carries every reason.
    pub max_reasons: usize,
    /// `--utc` / `--rfc3339`.
    pub time: TimeStyle,
    /// `--vtverbose`: show the VirusTotal history (names, tags, submissions).
    pub show_vt_history: bool,
}

impl ReportContext {
    /// How many of `total` reasons the text outputs show.
    pub fn shown_reasons(&self, total: usize) -> usize {
        if self.max_reasons == 0 {
            total
        } else {
            total.min(self.max_reasons)
        }
    }
}

/// What a scan was started with: the payload of the start event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScanInfo {
    /// Ratatosk's version.
    pub version: String,
    /// `file scan`, `lab`, `dropzone`, `thunderstorm`.
    pub mode: String,
    /// The scanned paths (lossy UTF-8 in JSON).
    #[serde(serialize_with = "lossy_paths")]
    pub paths: Vec<PathBuf>,
    /// Worker threads.
    pub threads: usize,
    /// YARA rules loaded.
    pub rules: usize,
    /// Hash IOCs loaded.
    pub hash_iocs: usize,
    /// Filename IOCs loaded.
    pub filename_iocs: usize,
    /// `limited` or `full` when VirusTotal enrichment is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub virustotal: Option<String>,
}

/// Serializes paths as strings, replacing bytes that are not UTF-8.
fn lossy_paths<S: Serializer>(paths: &[PathBuf], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(paths.iter().map(|p| p.to_string_lossy()))
}
