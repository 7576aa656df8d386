//! The counters of a run: what the console summary prints, the text log's end line carries and
//! the JSON end event serializes. Every walked entry lands in exactly one bucket — scanned,
//! skipped (by reason) or error — and [`Summary::check_balance`] says whether that held.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::model::{Finding, Level, Outcome, SkipReason, VtEnrichment, VtResult};

use super::time::to_utc;

/// Bytes in the megabyte of the MB/s figure (decimal, as disk and network speeds are quoted).
const BYTES_PER_MB: f64 = 1_000_000.0;

/// What became of a scored finding at the Reporter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Written to the outputs.
    Reported,
    /// Score below `--min`: counted, not written.
    BelowMin,
    /// Matched a false-positive filter: counted, not written.
    Suppressed,
}

/// Reported findings by level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LevelCounts {
    /// Alerts.
    pub alert: u64,
    /// Warnings.
    pub warning: u64,
    /// Notices.
    pub notice: u64,
    /// Reported below the notice level (only when `--min` is lowered).
    pub low: u64,
}

/// VirusTotal counters.
///
/// `looked_up` counts findings for which a request was made or failed
/// (= `found` + `not_found` + `errors`); `not_found` includes those then `uploaded` or
/// `too large to upload`; `cached` verdicts spent no quota and are not in `looked_up`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct VtCounters {
    /// Lookups made (or attempted and failed).
    pub looked_up: u64,
    /// VirusTotal knew the file.
    pub found: u64,
    /// VirusTotal did not know the file.
    pub not_found: u64,
    /// Uploaded (full mode).
    pub uploaded: u64,
    /// Answered from the verdict cache.
    pub cached: u64,
    /// Reported without enrichment: no token in the rate window.
    pub skipped_quota: u64,
    /// Reported without enrichment: the daily budget was spent.
    pub skipped_daily_quota: u64,
    /// Findings that were ever parked waiting for quota (`--vtwaitforquota`).
    pub parked: u64,
    /// Lookups that ended in an error.
    pub errors: u64,
    /// VirusTotal rejected the key (401); lookups stopped for the run.
    pub wrong_key: bool,
    /// Times the scanner held off after a 429 although its own counters said quota remained
    /// (another user of the key, or the daily quota): each hold is a window, doubling on a
    /// second 429 in a row.
    pub holds: u32,
    /// The longest of those holds, in milliseconds.
    pub longest_hold_ms: u64,
}

/// The VirusTotal error reason that means the key was rejected (spec §5: `error (wrong key)`).
pub const WRONG_KEY_REASON: &str = "wrong key";

impl VtCounters {
    /// Counts one enrichment.
    pub fn record(&mut self, vt: &VtEnrichment) {
        if vt.cached {
            // Answered from the verdict cache: no request, not a lookup.
            self.cached += 1;
            return;
        }
        match &vt.result {
            VtResult::Found => {
                self.looked_up += 1;
                self.found += 1;
            }
            VtResult::NotFound | VtResult::TooLargeToUpload => {
                self.looked_up += 1;
                self.not_found += 1;
            }
            VtResult::Uploaded => {
                self.looked_up += 1;
                self.not_found += 1;
                self.uploaded += 1;
            }
            VtResult::Cached => self.cached += 1,
            VtResult::SkippedQuota => self.skipped_quota += 1,
            VtResult::SkippedDailyQuota => self.skipped_daily_quota += 1,
            VtResult::Error(reason) => {
                self.looked_up += 1;
                self.errors += 1;
                if reason == WRONG_KEY_REASON {
                    self.wrong_key = true;
                }
            }
        }
    }
}

/// The counters of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Every walked entry.
    pub seen: u64,
    /// Entries whose content was scanned.
    pub scanned: u64,
    /// Bytes of the scanned entries.
    pub bytes_scanned: u64,
    /// Entries not scanned, by reason.
    pub skipped: BTreeMap<SkipReason, u64>,
    /// Entries that could not be scanned.
    pub errors: u64,
    /// Reported findings by level.
    pub findings: LevelCounts,
    /// Findings below `--min`, not reported.
    pub below_min: u64,
    /// Findings suppressed by false-positive filters.
    pub suppressed: u64,
    /// VirusTotal counters.
    pub virustotal: VtCounters,
    /// When the scan started.
    pub started: SystemTime,
    /// How long it ran (set by [`Summary::set_elapsed`]).
    pub elapsed: Duration,
}

impl Summary {
    /// Empty counters for a scan started at `started`.
    pub fn new(started: SystemTime) -> Self {
        Summary {
            seen: 0,
            scanned: 0,
            bytes_scanned: 0,
            skipped: BTreeMap::new(),
            errors: 0,
            findings: LevelCounts::default(),
            below_min: 0,
            suppressed: 0,
            virustotal: VtCounters::default(),
            started,
            elapsed: Duration::ZERO,
        }
    }

    /// Counts one walked entry in its bucket. A finding counts as scanned with its size (a
    /// finding from a filename IOC on a file skipped for size counts the same way); its level
    /// is counted by [`Summary::record_finding`].
    pub fn record_outcome(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Finding(f) => {
                self.seen += 1;
                self.scanned += 1;
                self.bytes_scanned += f.size;
            }
            Outcome::Clean { files, bytes } => {
                self.seen += files;
                self.scanned += files;
                self.bytes_scanned += bytes;
            }
            Outcome::Skipped { reason, .. } => {
                self.seen += 1;
                self.record_skip(*reason);
            }
            Outcome::Error { .. } => {
                self.seen += 1;
                self.errors += 1;
            }
        }
    }

    /// Counts one skipped entry (for callers that count skips without an [`Outcome`]).
    pub fn record_skip(&mut self, reason: SkipReason) {
        *self.skipped.entry(reason).or_insert(0) += 1;
    }

    /// Counts a final finding (after VirusTotal) by what became of it, and its enrichment.
    pub fn record_finding(&mut self, finding: &Finding, disposition: Disposition) {
        if let Some(vt) = &finding.virustotal {
            self.virustotal.record(vt);
        }
        match disposition {
            Disposition::BelowMin => self.below_min += 1,
            Disposition::Suppressed => self.suppressed += 1,
            Disposition::Reported => match finding.level {
                Some(Level::Alert) => self.findings.alert += 1,
                Some(Level::Warning) => self.findings.warning += 1,
                Some(Level::Notice) => self.findings.notice += 1,
                None => self.findings.low += 1,
            },
        }
    }

    /// Counts findings parked waiting for quota.
    pub fn record_parked(&mut self, n: u64) {
        self.virustotal.parked += n;
    }

    /// Records that VirusTotal rejected the key.
    pub fn record_wrong_key(&mut self) {
        self.virustotal.wrong_key = true;
    }

    /// Sets the run time (from a monotonic clock, at the end).
    pub fn set_elapsed(&mut self, elapsed: Duration) {
        self.elapsed = elapsed;
    }

    /// All skipped entries.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    /// All reported findings.
    pub fn reported_total(&self) -> u64 {
        let f = &self.findings;
        f.alert + f.warning + f.notice + f.low
    }

    /// Whether every seen entry is in exactly one bucket: seen = scanned + skipped + errors.
    pub fn check_balance(&self) -> bool {
        self.seen == self.scanned + self.skipped_total() + self.errors
    }

    /// Scanned files per second (0 before any time has passed).
    pub fn files_per_second(&self) -> f64 {
        per_second(self.scanned as f64, self.elapsed)
    }

    /// Scanned megabytes (10^6 bytes) per second.
    pub fn megabytes_per_second(&self) -> f64 {
        per_second(self.bytes_scanned as f64 / BYTES_PER_MB, self.elapsed)
    }
}

/// `amount / elapsed`, 0 when no time has passed.
fn per_second(amount: f64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 { amount / secs } else { 0.0 }
}

/// Rounds to three decimals, so the JSON reads `12.5` rather than `12.499999999`.
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// `skipped` keyed by [`SkipReason::as_str`].
struct SkippedByName<'a>(&'a BTreeMap<SkipReason, u64>);

impl Serialize for SkippedByName<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (reason, n) in self.0 {
            map.serialize_entry(reason.as_str(), n)?;
        }
        map.end()
    }
}

/// The JSON form of the summary (the `summary` of the end event).
#[derive(Serialize)]
struct SummaryJson<'a> {
    seen: u64,
    scanned: u64,
    bytes_scanned: u64,
    skipped: SkippedByName<'a>,
    skipped_total: u64,
    errors: u64,
    findings: LevelCounts,
    below_min: u64,
    suppressed: u64,
    virustotal: VtCounters,
    #[serde(skip_serializing_if = "Option::is_none")]
    started: Option<String>,
    elapsed_seconds: f64,
    files_per_second: f64,
    megabytes_per_second: f64,
}

impl Serialize for Summary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        SummaryJson {
            seen: self.seen,
            scanned: self.scanned,
            bytes_scanned: self.bytes_scanned,
            skipped: SkippedByName(&self.skipped),
            skipped_total: self.skipped_total(),
            errors: self.errors,
            findings: self.findings,
            below_min: self.below_min,
            suppressed: self.suppressed,
            virustotal: self.virustotal,
            started: to_utc(self.started)
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            elapsed_seconds: round3(self.elapsed.as_secs_f64()),
            files_per_second: round3(self.files_per_second()),
            megabytes_per_second: round3(self.megabytes_per_second()),
        }
        .serialize(s)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::test_support::{finding_with_two_reasons, reference_time};
    use serde_json::json;
    use std::path::PathBuf;

    /// A summary of 6 entries: 2 scanned (one finding), 3 skipped, 1 error; VT found 1.
    pub(crate) fn sample_summary() -> Summary {
        let mut s = Summary::new(reference_time());
        let finding = finding_with_two_reasons();
        s.record_outcome(&Outcome::Finding(Box::new(finding.clone())));
        s.record_finding(&finding, Disposition::Reported);
        s.record_outcome(&Outcome::Clean {
            files: 1,
            bytes: 4_000_000,
        });
        for reason in [
            SkipReason::TooLarge,
            SkipReason::TooLarge,
            SkipReason::SelfFile,
        ] {
            s.record_outcome(&Outcome::Skipped {
                path: PathBuf::from("/x"),
                reason,
            });
        }
        s.record_outcome(&Outcome::Error {
            path: PathBuf::from("/y"),
            message: "read failed".into(),
        });
        s.set_elapsed(Duration::from_secs(2));
        s
    }

    #[test]
    fn balance_holds_and_breaks() {
        let mut s = sample_summary();
        assert_eq!(
            (s.seen, s.scanned, s.skipped_total(), s.errors),
            (6, 2, 3, 1)
        );
        assert!(s.check_balance());
        s.seen += 1;
        assert!(!s.check_balance());
    }

    #[test]
    fn findings_and_vt_counted_by_disposition() {
        let mut s = Summary::new(reference_time());
        let mut f = finding_with_two_reasons();
        s.record_finding(&f, Disposition::Reported);
        s.record_finding(&f, Disposition::Suppressed);
        f.virustotal = Some(VtEnrichment::without_verdict(VtResult::Error(
            WRONG_KEY_REASON.into(),
        )));
        s.record_finding(&f, Disposition::BelowMin);
        f.virustotal = Some(VtEnrichment::without_verdict(VtResult::SkippedQuota));
        f.level = None;
        s.record_finding(&f, Disposition::Reported);
        assert_eq!(
            s.findings,
            LevelCounts {
                alert: 0,
                warning: 1,
                notice: 0,
                low: 1
            }
        );
        assert_eq!((s.suppressed, s.below_min), (1, 1));
        let vt = s.virustotal;
        assert_eq!(
            (vt.looked_up, vt.found, vt.errors, vt.skipped_quota),
            (3, 2, 1, 1)
        );
        assert!(vt.wrong_key);
    }

    #[test]
    fn summary_json() {
        let s = sample_summary();
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(
            v,
            json!({
                "seen": 6, "scanned": 2, "bytes_scanned": 4_001_234,
                "skipped": {"too_large": 2, "self": 1}, "skipped_total": 3,
                "errors": 1,
                "findings": {"alert": 0, "warning": 1, "notice": 0, "low": 0},
                "below_min": 0, "suppressed": 0,
                "virustotal": {
                    "looked_up": 1, "found": 1, "not_found": 0, "uploaded": 0, "cached": 0,
                    "skipped_quota": 0, "skipped_daily_quota": 0, "parked": 0, "errors": 0,
                    "wrong_key": false,
                    "holds": 0,
                    "longest_hold_ms": 0
                },
                "started": "2006-01-02T15:04:05Z",
                "elapsed_seconds": 2.0,
                "files_per_second": 1.0,
                "megabytes_per_second": 2.001
            })
        );
    }
}
