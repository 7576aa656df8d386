//! What can go wrong with signatures: the fatal [`SignatureError`] and the non-fatal
//! [`Diagnostic`] (a rule file that does not compile, a malformed IOC line), which names the
//! file and line and lets everything else load.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    /// The file or line was not loaded (a rule file that does not compile).
    Error,
    /// Something was skipped or looks wrong, the rest loaded (a malformed IOC line, a compiler
    /// warning).
    Warning,
}

impl Severity {
    /// The word used in messages (`error`, `warning`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A non-fatal problem in a signature file, with where it is.
///
/// Displays as `FILE:LINE: error[CODE]: MESSAGE` (e.g.
/// `/sigs/yara/x.yar:12: error[E009]: unknown identifier `foo``) or
/// `FILE:LINE: warning: MESSAGE` for IOC lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The compiler's code (`E009`, `text_as_hex`), when there is one.
    pub code: Option<String>,
    /// The file.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl Diagnostic {
    /// A warning about one line of an IOC file.
    pub fn ioc_warning(file: PathBuf, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code: None,
            file,
            line: Some(line),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.severity.as_str())?;
        if let Some(code) = &self.code {
            write!(f, "[{code}]")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A signature error that stops loading or scanning one file.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    /// A folder named on the command line (`--signatures`, `--custom-signatures`) does not
    /// exist or is not a folder.
    #[error("signature folder {path} does not exist or is not a folder")]
    MissingFolder {
        /// The folder as given.
        path: PathBuf,
    },
    /// A folder could not be listed.
    #[error("cannot list {path}: {source}")]
    ReadFolder {
        /// The folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A signature file could not be read.
    #[error("cannot read {path}: {source}")]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// `--strict-rules` and at least one rule file did not compile.
    #[error("{first} ({count} rule file error(s); strict mode)")]
    Strict {
        /// The first error.
        first: Box<Diagnostic>,
        /// How many errors there were.
        count: usize,
    },
    /// Nothing usable was loaded: no YARA rule and no IOC.
    #[error("no usable signatures: no YARA rule compiled and no IOC loaded")]
    NoUsableSignatures,
    /// Scanning a file took longer than `--yara-timeout`.
    #[error("YARA scan of {path} timed out after {timeout:?}")]
    ScanTimeout {
        /// The file.
        path: PathBuf,
        /// The configured timeout.
        timeout: Duration,
    },
    /// Scanning a file failed for another reason (a module error, an external that could not
    /// be set).
    #[error("YARA scan of {path} failed: {message}")]
    Scan {
        /// The file.
        path: PathBuf,
        /// yara-x's message.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_display_names_file_line_and_code() {
        let d = Diagnostic {
            severity: Severity::Error,
            code: Some("E009".into()),
            file: PathBuf::from("/sigs/yara/x.yar"),
            line: Some(12),
            message: "unknown identifier `foo`".into(),
        };
        assert_eq!(
            d.to_string(),
            "/sigs/yara/x.yar:12: error[E009]: unknown identifier `foo`"
        );
        let w = Diagnostic::ioc_warning(PathBuf::from("iocs/hash-iocs.txt"), 3, "bad hash");
        assert_eq!(w.to_string(), "iocs/hash-iocs.txt:3: warning: bad hash");
    }
}
