//! Path excludes (`--excludes FILE`): one regex per line, matched against the full path of
//! every folder and file; a bad line is an error naming the file and the line.

use std::path::{Path, PathBuf};

use regex::RegexSet;
use thiserror::Error;

/// A path-exclude list: one regex per line, matched against the full path.
#[derive(Clone, Debug, Default)]
pub struct Excludes {
    set: Option<RegexSet>,
}

/// A bad line in an excludes file.
#[derive(Debug, Error)]
pub enum WalkError {
    /// The excludes file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A line is not a valid regex.
    #[error("{path}:{line}: bad exclude regex: {message}")]
    BadRegex {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// The regex crate's message.
        message: String,
    },
}

impl Excludes {
    /// Parses an excludes file's text: one regex per line, blank and `#` lines ignored.
    pub fn parse(path: &Path, text: &str) -> Result<Self, WalkError> {
        let patterns = crate::regex_list::patterns(text, |line, message| WalkError::BadRegex {
            path: path.to_path_buf(),
            line,
            message,
        })?;
        Self::from_patterns(path, &patterns)
    }

    /// Loads an excludes file.
    pub fn load(path: &Path) -> Result<Self, WalkError> {
        let text = std::fs::read_to_string(path).map_err(|source| WalkError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    fn from_patterns(path: &Path, patterns: &[&str]) -> Result<Self, WalkError> {
        if patterns.is_empty() {
            return Ok(Excludes::default());
        }
        let set = RegexSet::new(patterns).map_err(|e| WalkError::BadRegex {
            path: path.to_path_buf(),
            line: 0,
            message: e.to_string(),
        })?;
        Ok(Excludes { set: Some(set) })
    }

    /// Whether the path matches any exclude.
    pub fn matches(&self, path: &Path) -> bool {
        match &self.set {
            Some(set) => set.is_match(&path.to_string_lossy()),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_exclude_regex_names_file_and_line() {
        let e = Excludes::parse(Path::new("/etc/ex.cfg"), "ok\n\n(unclosed\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("/etc/ex.cfg:3: bad exclude regex"),
            "{e}"
        );
    }

    #[test]
    fn comments_and_blank_lines_are_ignored() {
        let ex = Excludes::parse(Path::new("ex.cfg"), "# c\n\n/skipme$\n").unwrap();
        assert!(ex.matches(Path::new("/a/skipme")));
        assert!(!ex.matches(Path::new("/a/skipme/x")));
        assert!(!Excludes::default().matches(Path::new("/a")));
    }
}
