//! The outputs of a scan and its counters. Each format is a writer over an `io::Write` it is
//! given and implements [`ReportWriter`]; the Reporter actor owns the writers and calls them in
//! order (`start`, then `finding` per reported finding, then `finish`). Nothing here holds
//! global state.
//!
//! - [`summary`] — the counters ([`Summary`]).
//! - [`render`] — a finding as THOR key/value text (text log, console, false-positive filters).
//! - [`text`] — the THOR-style text log.
//! - [`jsonl`] — JSON lines modelled on THOR's JSON v3.
//! - [`csv`] — `MD5,PATH,SCORE`.
//! - [`html`] — one self-contained HTML report.
//! - [`console`] — finding lines and the human summary block.
//! - [`filters`] — `false_positive_filters.cfg`.
//!
//! Reasons: JSON carries every reason (`reason_count` = their number); the text outputs (text
//! log, console, HTML) show at most `--max-reasons` of them.

pub mod console;
pub mod context;
pub mod csv;
pub mod escape;
pub mod filters;
pub mod html;
pub mod jsonl;
pub mod render;
pub mod scan_id;
pub mod summary;
pub mod text;
pub mod time;

#[cfg(test)]
pub(crate) mod test_support;

use std::io;
use std::time::SystemTime;

use crate::model::Finding;

pub use console::Console;
pub use context::{ReportContext, ScanInfo};
pub use csv::CsvReport;
pub use filters::{FpFilterError, FpFilters};
pub use html::HtmlReport;
pub use jsonl::JsonLog;
pub use render::finding_message;
pub use scan_id::new_scan_id;
pub use summary::{Disposition, Summary};
pub use text::TextLog;
pub use time::TimeStyle;

/// One output format. Errors are the writer's I/O errors; the caller decides whether a failing
/// output stops the run.
pub trait ReportWriter {
    /// Writes what starts the output (a start event, a header).
    fn start(&mut self, scan: &ScanInfo, at: SystemTime) -> io::Result<()>;

    /// Writes one reported finding, observed at `at`.
    fn finding(&mut self, finding: &Finding, at: SystemTime) -> io::Result<()>;

    /// Writes what ends the output (the summary) and flushes.
    fn finish(&mut self, summary: &Summary, at: SystemTime) -> io::Result<()>;
}
