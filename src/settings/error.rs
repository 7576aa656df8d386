//! What can go wrong while loading settings, and the warnings that do not stop a run. Every
//! error names where the bad value came from (a template file, an environment variable, the
//! command line) and never contains the VirusTotal key.

use std::fmt;
use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// Where a setting came from: the layers of spec §6.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The embedded `conf/ratatosk.yml`.
    Builtin,
    /// A scan template given with `-t`.
    Template(PathBuf),
    /// An environment variable (its name).
    Environment(String),
    /// The command line.
    CommandLine,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Builtin => f.write_str("built-in defaults (conf/ratatosk.yml)"),
            Self::Template(path) => write!(f, "template {}", path.display()),
            Self::Environment(var) => write!(f, "environment variable {var}"),
            Self::CommandLine => f.write_str("command line"),
        }
    }
}

/// Why the settings could not be loaded; the run stops before scanning (exit 2).
#[derive(Debug, Error)]
pub enum SettingsError {
    /// A template could not be read.
    #[error("cannot read template {}: {source}", path.display())]
    TemplateRead {
        /// The template.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// A template is not valid YAML.
    #[error("template {}{}: not valid YAML: {message}", path.display(), at(*line, *column))]
    TemplateYaml {
        /// The template.
        path: PathBuf,
        /// 1-based line of the error, when the parser knows it.
        line: Option<usize>,
        /// 1-based column of the error, when the parser knows it.
        column: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// A template's top level is not a mapping of keys to values.
    #[error("template {}: expected `key: value` lines at the top level", path.display())]
    TemplateNotMapping {
        /// The template.
        path: PathBuf,
    },
    /// A key that is neither a Ratatosk setting nor a known THOR key.
    #[error("unknown key `{key}` in {origin}{}", line_suffix(*line))]
    UnknownKey {
        /// The key as written.
        key: String,
        /// Where it was written.
        origin: Origin,
        /// 1-based line of the key in a template, when it could be found.
        line: Option<usize>,
    },
    /// A value of the wrong type or out of its type's range (`vtscore: abc`).
    #[error("bad value for `{key}` in {origin}{}: {message}", line_suffix(*line))]
    WrongType {
        /// The canonical key.
        key: String,
        /// Where the value came from.
        origin: Origin,
        /// 1-based line of the key in a template, when it could be found.
        line: Option<usize>,
        /// What was wrong (never the VirusTotal key).
        message: String,
    },
    /// An environment variable naming a setting holds bytes that are not UTF-8.
    #[error("environment variable {var} is not valid UTF-8")]
    EnvNotUtf8 {
        /// The variable.
        var: String,
    },
    /// A value of the right type that makes no sense (`vtrate: 0`).
    #[error("invalid value for `{key}`: {message}")]
    Invalid {
        /// The canonical key.
        key: &'static str,
        /// Why, with the value when it is not secret.
        message: String,
    },
    /// Like [`SettingsError::Invalid`], for a value a template set.
    #[error("invalid value for `{key}` in {origin}{}: {message}", line_suffix(*line))]
    InvalidIn {
        /// The canonical key.
        key: &'static str,
        /// The template that set it.
        origin: Origin,
        /// 1-based line of the key in the template, when it could be found.
        line: Option<usize>,
        /// Why, with the value when it is not secret.
        message: String,
    },
    /// A VirusTotal key is set but its terms are not accepted.
    #[error(
        "a VirusTotal API key is set but --vtaccepteula is not: Ratatosk sends nothing to \
         VirusTotal until you accept its terms of service (files you upload are shared with \
         VirusTotal's community); add --vtaccepteula (or `vtaccepteula: true` in a template), \
         or remove the key"
    )]
    VtEulaNotAccepted,
    /// The config crate failed in a way not attributable to one key.
    #[error("cannot merge the settings: {message}")]
    Merge {
        /// The config crate's message.
        message: String,
    },
    /// The settings could not be written as YAML (`--print-config`).
    #[error("cannot print the settings: {message}")]
    Print {
        /// The serializer's message.
        message: String,
    },
}

/// Renders `:L` after a template's path when the line is known (`template scan.yml:3`).
fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

/// Renders ` (line L, column C)` when known.
fn at(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
        (Some(l), None) => format!(" (line {l})"),
        _ => String::new(),
    }
}

/// Something in the settings that does not stop the run but the user should see.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SettingsWarning {
    /// A THOR key Ratatosk does not implement; it is ignored.
    #[error("{origin}: THOR key `{key}` is not supported by Ratatosk and is ignored")]
    UnsupportedThorKey {
        /// The key as written.
        key: String,
        /// Where it was written.
        origin: Origin,
    },
}
