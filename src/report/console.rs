//! The console (stdout): a start line, one line per finding (`<Level>: <message>`, the text
//! log's line without the syslog header, coloured by level only when told stdout is a
//! terminal) and the human summary block at the end.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::{Duration, SystemTime};

use crate::model::{Finding, Level};

use super::ReportWriter;
use super::context::{ReportContext, ScanInfo};
use super::escape::{escape_path, escape_text};
use super::render::{finding_message, level_name};
use super::summary::{Summary, VtCounters};

/// ANSI bold red: alerts.
const RED_BOLD: &str = "\x1b[1;31m";
/// ANSI yellow: warnings.
const YELLOW: &str = "\x1b[33m";
/// ANSI cyan: notices.
const CYAN: &str = "\x1b[36m";
/// ANSI reset.
const RESET: &str = "\x1b[0m";

/// Decimal units for byte counts, as disk sizes are quoted.
const BYTE_UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];

/// The colour of a level's line (none below notice).
fn level_colour(level: Option<Level>) -> Option<&'static str> {
    match level? {
        Level::Alert => Some(RED_BOLD),
        Level::Warning => Some(YELLOW),
        Level::Notice => Some(CYAN),
    }
}

/// `bytes` in the largest decimal unit below it, one decimal (`4.0 MB`).
pub fn human_bytes(bytes: u64) -> String {
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < BYTE_UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", BYTE_UNITS[unit])
    }
}

/// `d` as `2.0s`, `3m 5.0s` or `1h 2m 3s`.
pub fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 60 {
        format!("{:.1}s", d.as_secs_f64())
    } else if secs < 3600 {
        format!(
            "{}m {:.1}s",
            secs / 60,
            d.as_secs_f64() - (secs / 60 * 60) as f64
        )
    } else {
        format!("{}h {}m {}s", secs / 3600, secs % 3600 / 60, secs % 60)
    }
}

/// `n word` or `n words`.
fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The VirusTotal line of the summary.
fn vt_line(vt: &VtCounters) -> String {
    format!(
        "{} looked up, {} found, {} unknown, {} uploaded, {} cached, {} skipped (quota), \
         {} skipped (daily quota), {} parked, {}",
        vt.looked_up,
        vt.found,
        vt.not_found,
        vt.uploaded,
        vt.cached,
        vt.skipped_quota,
        vt.skipped_daily_quota,
        vt.parked,
        plural(vt.errors, "error"),
    ) + &if vt.holds > 0 {
        format!(
            ", {} after 429 (longest {})",
            plural(u64::from(vt.holds), "hold"),
            human_duration(std::time::Duration::from_millis(vt.longest_hold_ms))
        )
    } else {
        String::new()
    }
}

/// The human summary block, one `label: value` per line.
pub fn summary_block(s: &Summary, ctx: &ReportContext) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "Scan {} finished in {}",
        escape_text(&ctx.scan_id),
        human_duration(s.elapsed)
    );
    let _ = writeln!(out, "  files seen:   {}", s.seen);
    let _ = writeln!(
        out,
        "  scanned:      {} ({}, {} bytes)",
        s.scanned,
        human_bytes(s.bytes_scanned),
        s.bytes_scanned
    );
    let reasons: Vec<String> = s
        .skipped
        .iter()
        .map(|(r, n)| format!("{} {n}", r.as_str()))
        .collect();
    if reasons.is_empty() {
        let _ = writeln!(out, "  skipped:      0");
    } else {
        let _ = writeln!(
            out,
            "  skipped:      {} ({})",
            s.skipped_total(),
            reasons.join(", ")
        );
    }
    let _ = writeln!(out, "  errors:       {}", s.errors);
    let f = &s.findings;
    let _ = write!(
        out,
        "  findings:     {}, {}, {}",
        plural(f.alert, "alert"),
        plural(f.warning, "warning"),
        plural(f.notice, "notice")
    );
    if f.low > 0 {
        let _ = write!(out, ", {} below notice", f.low);
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "  below --min:  {}", s.below_min);
    let _ = writeln!(
        out,
        "  suppressed:   {} by false-positive filters",
        s.suppressed
    );
    if s.virustotal != VtCounters::default() {
        let _ = writeln!(out, "  VirusTotal:   {}", vt_line(&s.virustotal));
        if s.virustotal.wrong_key {
            let _ = writeln!(
                out,
                "  VirusTotal rejected the API key: lookups were stopped"
            );
        }
    }
    let _ = writeln!(
        out,
        "  throughput:   {:.1} files/s, {:.1} MB/s",
        s.files_per_second(),
        s.megabytes_per_second()
    );
    out
}

/// Writes the console output to `W`.
#[derive(Debug)]
pub struct Console<W: Write> {
    out: W,
    ctx: ReportContext,
    colour: bool,
}

impl<W: Write> Console<W> {
    /// A console writer; `colour` only when `out` is a terminal.
    pub fn new(out: W, ctx: ReportContext, colour: bool) -> Self {
        Console { out, ctx, colour }
    }

    /// Gives back the writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> ReportWriter for Console<W> {
    fn start(&mut self, scan: &ScanInfo, _at: SystemTime) -> io::Result<()> {
        let paths: Vec<String> = scan.paths.iter().map(|p| escape_path(p)).collect();
        write!(
            self.out,
            "Ratatosk {} {} {} started: {}, {}, {}, {}",
            escape_text(&scan.version),
            escape_text(&scan.mode),
            escape_text(&self.ctx.scan_id),
            plural(scan.rules as u64, "rule"),
            plural(scan.hash_iocs as u64, "hash IOC"),
            plural(scan.filename_iocs as u64, "filename IOC"),
            plural(scan.threads as u64, "thread"),
        )?;
        if let Some(vt) = &scan.virustotal {
            write!(self.out, ", VirusTotal {}", escape_text(vt))?;
        }
        writeln!(self.out, "; paths: {}", paths.join(", "))?;
        self.out.flush()
    }

    fn finding(&mut self, finding: &Finding, _at: SystemTime) -> io::Result<()> {
        let msg = finding_message(finding, &self.ctx);
        let level = level_name(finding.level);
        match level_colour(finding.level).filter(|_| self.colour) {
            Some(c) => writeln!(self.out, "{c}{level}: {msg}{RESET}")?,
            None => writeln!(self.out, "{level}: {msg}")?,
        }
        self.out.flush()
    }

    fn finish(&mut self, summary: &Summary, _at: SystemTime) -> io::Result<()> {
        self.out
            .write_all(summary_block(summary, &self.ctx).as_bytes())?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::summary::tests::sample_summary;
    use crate::report::test_support::{finding_with_two_reasons, reference_time, utc_context};

    fn finding_line(colour: bool, level: Option<Level>) -> String {
        let mut f = finding_with_two_reasons();
        f.level = level;
        let mut c = Console::new(Vec::new(), utc_context(), colour);
        c.finding(&f, reference_time()).unwrap();
        String::from_utf8(c.into_inner()).unwrap()
    }

    #[test]
    fn colour_only_on_a_terminal() {
        let plain = finding_line(false, Some(Level::Alert));
        assert!(
            plain.starts_with("Alert: MODULE: FileScan SCANID: S-Rooa61RfuuM MESSAGE: Malware")
        );
        assert!(!plain.contains('\x1b'));
        let coloured = finding_line(true, Some(Level::Alert));
        assert!(coloured.starts_with("\x1b[1;31mAlert: MODULE: FileScan"));
        assert!(coloured.ends_with("\x1b[0m\n"));
        assert!(finding_line(true, Some(Level::Warning)).starts_with("\x1b[33mWarning: "));
        assert!(finding_line(true, None).starts_with("Info: MODULE: FileScan"));
    }

    #[test]
    fn summary_block_text() {
        let mut s = sample_summary();
        s.record_parked(2);
        assert_eq!(
            summary_block(&s, &utc_context()),
            "Scan S-Rooa61RfuuM finished in 2.0s\n\
             \x20 files seen:   6\n\
             \x20 scanned:      2 (4.0 MB, 4001234 bytes)\n\
             \x20 skipped:      3 (too_large 2, self 1)\n\
             \x20 errors:       1\n\
             \x20 findings:     0 alerts, 1 warning, 0 notices\n\
             \x20 below --min:  0\n\
             \x20 suppressed:   0 by false-positive filters\n\
             \x20 VirusTotal:   1 looked up, 1 found, 0 unknown, 0 uploaded, 0 cached, \
             0 skipped (quota), 0 skipped (daily quota), 2 parked, 0 errors\n\
             \x20 throughput:   1.0 files/s, 2.0 MB/s\n"
        );
    }

    #[test]
    fn human_units() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1_500_000), "1.5 MB");
        assert_eq!(human_duration(Duration::from_millis(185_500)), "3m 5.5s");
        assert_eq!(human_duration(Duration::from_secs(3723)), "1h 2m 3s");
    }
}
