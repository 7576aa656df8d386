//! False-positive filters (`false_positive_filters.cfg`, `--fp-filters FILE`): one regex per
//! line, matched against the rendered finding text (the text-log line minus its syslog header,
//! see [`super::render::finding_message`]); a match suppresses the finding, which is then only
//! counted. Blank lines and lines starting with `#` are ignored; surrounding whitespace is
//! trimmed. A regex that does not compile is an error naming the file and line.

use std::fs;
use std::path::{Path, PathBuf};

use regex::RegexSet;

use crate::model::Finding;

use super::context::ReportContext;
use super::render::finding_message;

/// Why the filter file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FpFilterError {
    /// The file could not be read.
    #[error("cannot read false-positive filters {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A line is not a valid regex.
    #[error("{path}:{line}: invalid false-positive filter regex: {message}")]
    BadRegex {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The regex compiler's message.
        message: String,
    },
    /// The regexes are valid one by one but too large together.
    #[error("{path}: false-positive filters too large together: {message}")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The regex compiler's message.
        message: String,
    },
}

/// The loaded false-positive filters.
#[derive(Clone, Debug)]
pub struct FpFilters {
    set: RegexSet,
}

impl Default for FpFilters {
    fn default() -> Self {
        FpFilters {
            set: RegexSet::empty(),
        }
    }
}

impl FpFilters {
    /// No filters: suppresses nothing.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Loads the filters from `path`.
    pub fn load(path: &Path) -> Result<Self, FpFilterError> {
        let text = fs::read_to_string(path).map_err(|source| FpFilterError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses filter text; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &Path) -> Result<Self, FpFilterError> {
        let patterns =
            crate::regex_list::patterns(text, |line, message| FpFilterError::BadRegex {
                path: origin.to_path_buf(),
                line,
                message,
            })?;
        let set = RegexSet::new(&patterns).map_err(|e| FpFilterError::TooLarge {
            path: origin.to_path_buf(),
            message: e.to_string(),
        })?;
        Ok(FpFilters { set })
    }

    /// Number of filters.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// True when there are no filters.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Whether any filter matches the rendered finding message.
    pub fn suppresses(&self, rendered_message: &str) -> bool {
        !self.set.is_empty() && self.set.is_match(rendered_message)
    }

    /// Whether any filter matches `finding` as the text log renders it with `ctx` (what a
    /// filter sees is what the log shows, `--max-reasons` included). Renders nothing when there
    /// are no filters.
    pub fn suppresses_finding(&self, finding: &Finding, ctx: &ReportContext) -> bool {
        !self.set.is_empty() && self.set.is_match(&finding_message(finding, ctx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{finding_with_two_reasons, utc_context};

    const CFG: &str = "# known false positives\n\
                       \n\
                       FILE: /opt/vendor/.* SCORE\n  \
                       REASON_1: YARA rule SUSP_Test  \n";

    #[test]
    fn suppresses_matching_findings() {
        let filters = FpFilters::parse(CFG, Path::new("fp.cfg")).unwrap();
        assert_eq!(filters.len(), 2);
        let f = finding_with_two_reasons();
        assert!(filters.suppresses(&finding_message(&f, &utc_context())));
        let mut other = f.clone();
        other.reasons.remove(0);
        assert!(!filters.suppresses(&finding_message(&other, &utc_context())));
        other.path = "/opt/vendor/tool.exe".into();
        assert!(filters.suppresses_finding(&other, &utc_context()));
        assert!(!FpFilters::empty().suppresses("anything"));
    }

    #[test]
    fn bad_regex_names_file_and_line() {
        let err = FpFilters::parse("# c\nok\n\nbad(regex\n", Path::new("conf/fp.cfg")).unwrap_err();
        assert!(matches!(err, FpFilterError::BadRegex { line: 4, .. }));
        assert!(
            err.to_string()
                .starts_with("conf/fp.cfg:4: invalid false-positive filter regex")
        );
    }

    #[test]
    fn load_reads_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("false_positive_filters.cfg");
        std::fs::write(&path, CFG).unwrap();
        assert_eq!(FpFilters::load(&path).unwrap().len(), 2);
        let missing = FpFilters::load(&dir.path().join("nope.cfg")).unwrap_err();
        assert!(matches!(missing, FpFilterError::Read { .. }));
    }
}
