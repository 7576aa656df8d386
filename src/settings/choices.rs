//! The settings that pick one of a few named options: `--vtmode`, `--hashes`,
//! `--server-store-samples`. Spelled in lower case as on the command line.

use std::fmt;

use serde::{Deserialize, Serialize};

/// `--vtmode`: what VirusTotal is asked (spec §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VtMode {
    /// Hash lookups only (THOR's default).
    #[default]
    Limited,
    /// Hash lookup, and upload the sample when VirusTotal does not know it.
    Full,
}

/// `--hashes`: which digests the outputs show when no IOC needs the others (spec §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HashSelection {
    /// MD5, SHA1 and SHA256, as THOR logs them.
    #[default]
    All,
    /// SHA256 only (VirusTotal's key), unless a loaded IOC or rule needs MD5 or SHA1.
    Sha256,
}

/// `--server-store-samples`: which Thunderstorm uploads are kept on disk (spec §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreSamples {
    /// Keep nothing (the default: samples are scanned and dropped).
    #[default]
    None,
    /// Keep the samples that produced a finding.
    Malicious,
    /// Keep every sample.
    All,
}

/// The spellings a choice key accepts, for error messages; `None` for other keys.
pub fn choices_for(key: &str) -> Option<&'static [&'static str]> {
    match key {
        "vtmode" => Some(&["limited", "full"]),
        "hashes" => Some(&["all", "sha256"]),
        "server_store_samples" => Some(&["none", "malicious", "all"]),
        _ => None,
    }
}

impl VtMode {
    /// The spelling used on the command line and in templates.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Limited => "limited",
            Self::Full => "full",
        }
    }
}

impl HashSelection {
    /// The spelling used on the command line and in templates.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Sha256 => "sha256",
        }
    }
}

impl StoreSamples {
    /// The spelling used on the command line and in templates.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Malicious => "malicious",
            Self::All => "all",
        }
    }
}

impl fmt::Display for VtMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for HashSelection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for StoreSamples {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_the_flag_spelling_and_the_serde_spelling() {
        assert_eq!(serde_json::to_string(&VtMode::Full).unwrap(), "\"full\"");
        assert_eq!(
            serde_json::to_string(&StoreSamples::None).unwrap(),
            "\"none\""
        );
        assert_eq!(VtMode::Full.to_string(), "full");
        assert_eq!(HashSelection::Sha256.to_string(), "sha256");
        assert_eq!(StoreSamples::Malicious.to_string(), "malicious");
    }
}
