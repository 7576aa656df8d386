//! What the settings mean once combined: the size limit in intense mode, the thread count,
//! the implied cross-platform IOCs, the report threshold, durations; plus the validation that
//! stops a run with a clear message before anything is scanned, and `--print-config`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::error::SettingsError;
use super::secret::ApiKey;
use super::values::{
    DEFAULT_DROPZONE_DELAY_SECS, DEFAULT_MAX_FILE_SIZE, DEFAULT_VTANALYSIS_TIMEOUT_SECS,
    DEFAULT_VTPOLL_SECS, DEFAULT_VTTIMEOUT_SECS, DEFAULT_VTWINDOW_SECS, INTENSE_MAX_FILE_SIZE,
    Settings,
};

/// The highest score there is (spec §4): thresholds above it could never be reached.
const MAX_SCORE: u32 = 100;

/// The false-positive filter file looked up in the working folder when `--fp-filters` is not
/// given (spec §4).
pub const DEFAULT_FP_FILTERS: &str = "conf/false_positive_filters.cfg";

/// The custom signature folder looked up in the working folder (spec §3).
pub const DEFAULT_CUSTOM_SIGNATURES: &str = "custom-signatures";

/// One `--virtual-map FROM:TO`: reported paths under `from` are shown under `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualMap {
    /// The real prefix (e.g. the image's mount point).
    pub from: PathBuf,
    /// What is reported instead (e.g. `C:`).
    pub to: String,
}

impl Settings {
    /// THOR's intense mode: no type pre-filter and the intense size limit. On with `--intense`,
    /// `--allfiles` and `--lab`, and (as in THOR) in dropzone and Thunderstorm mode, where every
    /// file handed over is meant to be scanned.
    pub fn intense_mode(&self) -> bool {
        self.intense || self.allfiles || self.lab || self.dropzone || self.thunderstorm
    }

    /// Whether the type pre-filter decides which files get content checks (off in intense mode).
    pub fn content_prefilter(&self) -> bool {
        !self.intense_mode()
    }

    /// The size limit in bytes: `--max_file_size` when given, else 30 MiB, or 200 MiB in intense
    /// mode. A file of exactly this size is scanned.
    pub fn effective_max_file_size(&self) -> u64 {
        match self.max_file_size {
            Some(size) => size,
            None if self.intense_mode() => INTENSE_MAX_FILE_SIZE,
            None => DEFAULT_MAX_FILE_SIZE,
        }
    }

    /// Scan threads: `--threads`, or every core when 0 (the default, and what `--lab` wants).
    pub fn thread_count(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        }
    }

    /// Whether Windows path IOCs apply to Unix paths: `--cross-platform`, implied by lab,
    /// dropzone and Thunderstorm (spec §3).
    pub fn cross_platform_iocs(&self) -> bool {
        self.cross_platform || self.lab || self.dropzone || self.thunderstorm
    }

    /// Whether running processes are checked: on in a file scan unless `--noprocs`; never for
    /// lab (an image's files are not this machine's processes), dropzone or Thunderstorm.
    pub fn process_check(&self) -> bool {
        !(self.noprocs || self.lab || self.dropzone || self.thunderstorm)
    }

    /// The lowest score reported: `--min`, else the notice threshold.
    pub fn min_score(&self) -> u32 {
        self.min.unwrap_or(self.notice)
    }

    /// The VirusTotal key when one is set and not empty.
    pub fn vt_key(&self) -> Option<&ApiKey> {
        self.vtkey.as_ref().filter(|k| !k.is_empty())
    }

    /// Whether VirusTotal enrichment is on: a key and the accepted EULA.
    pub fn vt_enabled(&self) -> bool {
        self.vt_key().is_some() && self.vtaccepteula
    }

    /// The quota window.
    pub fn vt_window(&self) -> Duration {
        seconds(self.vtwindow, DEFAULT_VTWINDOW_SECS)
    }

    /// How long a full-mode analysis is awaited.
    pub fn vt_analysis_timeout(&self) -> Duration {
        seconds(self.vtanalysis_timeout, DEFAULT_VTANALYSIS_TIMEOUT_SECS)
    }

    /// Time between polls of an analysis.
    pub fn vt_poll(&self) -> Duration {
        seconds(self.vtpoll, DEFAULT_VTPOLL_SECS)
    }

    /// How long one VirusTotal request may take before it counts as failed.
    pub fn vt_timeout(&self) -> Duration {
        seconds(self.vttimeout, DEFAULT_VTTIMEOUT_SECS)
    }

    /// How long a verdict on a known file stays cached.
    pub fn vt_cache_found_ttl(&self) -> Duration {
        Duration::from_secs(self.vtcache_found_ttl)
    }

    /// How long a "not found" stays cached.
    pub fn vt_cache_notfound_ttl(&self) -> Duration {
        Duration::from_secs(self.vtcache_notfound_ttl)
    }

    /// Time without writes before a dropzone file is scanned.
    pub fn dropzone_delay(&self) -> Duration {
        seconds(self.dropzone_delay, DEFAULT_DROPZONE_DELAY_SECS)
    }

    /// The YARA timeout per file.
    pub fn yara_timeout(&self) -> Duration {
        Duration::from_secs(self.yara_timeout)
    }

    /// The text log's path, unless `--nolog`.
    pub fn text_log(&self) -> Option<&Path> {
        if self.nolog {
            None
        } else {
            self.logfile.as_deref()
        }
    }

    /// The false-positive filter file: `--fp-filters`, else `conf/false_positive_filters.cfg`
    /// in `workdir` when it exists.
    pub fn fp_filters_file(&self, workdir: &Path) -> Option<PathBuf> {
        if let Some(file) = &self.fp_filters {
            return Some(file.clone());
        }
        let default = workdir.join(DEFAULT_FP_FILTERS);
        default.is_file().then_some(default)
    }

    /// The custom signature folders: `--custom-signatures`, else `custom-signatures/` in
    /// `workdir` when it exists.
    pub fn custom_signature_dirs(&self, workdir: &Path) -> Vec<PathBuf> {
        if !self.custom_signatures.is_empty() {
            return self.custom_signatures.clone();
        }
        let default = workdir.join(DEFAULT_CUSTOM_SIGNATURES);
        if default.is_dir() {
            vec![default]
        } else {
            Vec::new()
        }
    }

    /// The `--virtual-map` entries, split at the first `:`. Entries without one are skipped
    /// ([`Settings::validate`] rejects them).
    pub fn virtual_maps(&self) -> Vec<VirtualMap> {
        self.virtual_map
            .iter()
            .filter_map(|entry| parse_virtual_map(entry))
            .collect()
    }

    /// Stops a run that would send a key without the user's acceptance of VirusTotal's terms.
    pub fn check_vt_eula(&self) -> Result<(), SettingsError> {
        if self.vt_key().is_some() && !self.vtaccepteula {
            return Err(SettingsError::VtEulaNotAccepted);
        }
        Ok(())
    }

    /// Rejects values no run could use, naming the key (spec §7: exit 2 before scanning).
    pub fn validate(&self) -> Result<(), SettingsError> {
        score_in_range("notice", self.notice)?;
        score_in_range("warning", self.warning)?;
        score_in_range("alert", self.alert)?;
        score_in_range("vtscore", self.vtscore)?;
        if let Some(min) = self.min {
            score_in_range("min", min)?;
        }
        if self.notice > self.warning || self.warning > self.alert {
            return Err(invalid(
                "warning",
                format!(
                    "thresholds must rise: notice {} ≤ warning {} ≤ alert {}",
                    self.notice, self.warning, self.alert
                ),
            ));
        }
        if self.vtrate < 1 {
            return Err(invalid("vtrate", "must be at least 1 request per window"));
        }
        if self.vtdaily < 1 {
            return Err(invalid("vtdaily", "must be at least 1 request per day"));
        }
        if self.vtpark < 1 {
            return Err(invalid("vtpark", "must hold at least 1 parked finding"));
        }
        positive_seconds("vtwindow", self.vtwindow)?;
        positive_seconds("vtanalysis_timeout", self.vtanalysis_timeout)?;
        positive_seconds("vtpoll", self.vtpoll)?;
        positive_seconds("vttimeout", self.vttimeout)?;
        if !(self.dropzone_delay.is_finite() && self.dropzone_delay >= 0.0) {
            return Err(invalid(
                "dropzone_delay",
                format!("must be 0 or more seconds (got {})", self.dropzone_delay),
            ));
        }
        if self.yara_timeout < 1 {
            return Err(invalid("yara_timeout", "must be at least 1 second"));
        }
        if !(self.vturl.starts_with("http://") || self.vturl.starts_with("https://")) {
            return Err(invalid(
                "vturl",
                format!("must start with http:// or https:// (got {:?})", self.vturl),
            ));
        }
        if let Some(entry) = self
            .virtual_map
            .iter()
            .find(|e| parse_virtual_map(e).is_none())
        {
            return Err(invalid(
                "virtual_map",
                format!("expected FROM:TO (got {entry:?})"),
            ));
        }
        if self.server_cert.is_some() != self.server_key.is_some() {
            return Err(invalid(
                "server_cert",
                "--server-cert and --server-key go together (TLS needs both)",
            ));
        }
        if self.dropzone && self.thunderstorm {
            return Err(invalid(
                "dropzone",
                "--dropzone and --thunderstorm are different modes; pick one",
            ));
        }
        if self.dropzone && self.path.is_empty() {
            return Err(invalid(
                "dropzone",
                "--dropzone needs the folder to watch: -p DIR",
            ));
        }
        if self.vtkey.as_ref().is_some_and(ApiKey::is_placeholder) {
            return Err(invalid(
                "vtkey",
                "is the placeholder --print-config writes, not a key; set the real key",
            ));
        }
        self.check_vt_eula()
    }

    /// The merged settings as YAML, keys as in a template, the VirusTotal key shown as
    /// `<redacted>` (`--print-config`).
    pub fn to_redacted_yaml(&self) -> Result<String, SettingsError> {
        serde_yaml::to_string(self).map_err(|e| SettingsError::Print {
            message: e.to_string(),
        })
    }
}

/// Splits `FROM:TO` at the first `:`; FROM must not be empty.
fn parse_virtual_map(entry: &str) -> Option<VirtualMap> {
    let (from, to) = entry.split_once(':')?;
    (!from.is_empty()).then(|| VirtualMap {
        from: PathBuf::from(from),
        to: to.to_owned(),
    })
}

/// A duration in seconds; the fallback covers values [`Settings::validate`] rejects.
fn seconds(value: f64, fallback: f64) -> Duration {
    Duration::try_from_secs_f64(value).unwrap_or(Duration::from_secs_f64(fallback))
}

fn invalid(key: &'static str, message: impl Into<String>) -> SettingsError {
    SettingsError::Invalid {
        key,
        message: message.into(),
    }
}

fn score_in_range(key: &'static str, value: u32) -> Result<(), SettingsError> {
    if value > MAX_SCORE {
        return Err(invalid(
            key,
            format!("scores run from 0 to {MAX_SCORE} (got {value})"),
        ));
    }
    Ok(())
}

fn positive_seconds(key: &'static str, value: f64) -> Result<(), SettingsError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(invalid(
            key,
            format!("must be more than 0 seconds (got {value})"),
        ))
    }
}
