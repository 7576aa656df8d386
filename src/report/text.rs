//! The text log (`--logfile`): THOR's syslog-like line,
//! `<timestamp> <host> RATATOSK: <Level>: <message>`, one per event, flushed per finding so the
//! log can be followed live. The timestamp is ANSI-C style local time
//! (`Mon Jan  2 15:04:05 2006`), UTC with `--utc`, RFC 3339 with `--rfc3339`.

use std::io::{self, Write};
use std::time::SystemTime;

use crate::model::Finding;

use super::ReportWriter;
use super::context::{ReportContext, ScanInfo};
use super::escape::{escape_path, escape_text};
use super::render::{finding_message, level_name};
use super::summary::Summary;

/// Module name of the start line, as THOR names its initialisation.
const START_MODULE: &str = "Init";

/// Module name of the end line, as THOR names its results.
const END_MODULE: &str = "Report";

/// Writes the text log to `W`.
#[derive(Debug)]
pub struct TextLog<W: Write> {
    out: W,
    ctx: ReportContext,
}

impl<W: Write> TextLog<W> {
    /// A text log writing to `out`.
    pub fn new(out: W, ctx: ReportContext) -> Self {
        TextLog { out, ctx }
    }

    /// Gives back the writer.
    pub fn into_inner(self) -> W {
        self.out
    }

    /// Writes one line with the syslog header.
    fn line(&mut self, at: SystemTime, level: &str, message: &str) -> io::Result<()> {
        let stamp = self.ctx.time.text(at).unwrap_or_else(|| "-".into());
        let host = escape_text(&self.ctx.hostname);
        writeln!(self.out, "{stamp} {host} RATATOSK: {level}: {message}")
    }
}

/// The start line's message: what the scan was started with.
pub fn start_message(scan: &ScanInfo, ctx: &ReportContext) -> String {
    let paths: Vec<String> = scan.paths.iter().map(|p| escape_path(p)).collect();
    let mut msg = format!(
        "MODULE: {START_MODULE} SCANID: {} MESSAGE: Ratatosk scan started VERSION: {} \
         MODE: {} PATHS: {} THREADS: {} RULES: {} HASH_IOCS: {} FILENAME_IOCS: {}",
        escape_text(&ctx.scan_id),
        escape_text(&scan.version),
        escape_text(&scan.mode),
        paths.join(", "),
        scan.threads,
        scan.rules,
        scan.hash_iocs,
        scan.filename_iocs,
    );
    if let Some(vt) = &scan.virustotal {
        msg.push_str(" VT: ");
        msg.push_str(&escape_text(vt));
    }
    msg
}

/// The end line's message: every summary counter as `KEY: value`.
pub fn summary_message(s: &Summary, ctx: &ReportContext) -> String {
    let mut msg = format!(
        "MODULE: {END_MODULE} SCANID: {} MESSAGE: Ratatosk scan finished SEEN: {} SCANNED: {} \
         BYTES: {} SKIPPED: {}",
        escape_text(&ctx.scan_id),
        s.seen,
        s.scanned,
        s.bytes_scanned,
        s.skipped_total(),
    );
    for (reason, n) in &s.skipped {
        msg.push_str(&format!(" SKIPPED_{}: {n}", reason.as_str().to_uppercase()));
    }
    let f = &s.findings;
    let vt = &s.virustotal;
    msg.push_str(&format!(
        " ERRORS: {} ALERTS: {} WARNINGS: {} NOTICES: {} LOW: {} BELOW_MIN: {} SUPPRESSED: {} \
         VT_LOOKED_UP: {} VT_FOUND: {} VT_NOT_FOUND: {} VT_UPLOADED: {} VT_CACHED: {} \
         VT_SKIPPED_QUOTA: {} VT_SKIPPED_DAILY_QUOTA: {} VT_PARKED: {} VT_ERRORS: {} \
         VT_WRONG_KEY: {} ELAPSED: {:.3}s FILES_PER_SECOND: {:.1} MB_PER_SECOND: {:.1}",
        s.errors,
        f.alert,
        f.warning,
        f.notice,
        f.low,
        s.below_min,
        s.suppressed,
        vt.looked_up,
        vt.found,
        vt.not_found,
        vt.uploaded,
        vt.cached,
        vt.skipped_quota,
        vt.skipped_daily_quota,
        vt.parked,
        vt.errors,
        vt.wrong_key,
        s.elapsed.as_secs_f64(),
        s.files_per_second(),
        s.megabytes_per_second(),
    ));
    msg
}

impl<W: Write> ReportWriter for TextLog<W> {
    fn start(&mut self, scan: &ScanInfo, at: SystemTime) -> io::Result<()> {
        let msg = start_message(scan, &self.ctx);
        self.line(at, "Info", &msg)?;
        self.out.flush()
    }

    fn finding(&mut self, finding: &Finding, at: SystemTime) -> io::Result<()> {
        let msg = finding_message(finding, &self.ctx);
        self.line(at, level_name(finding.level), &msg)?;
        self.out.flush()
    }

    fn finish(&mut self, summary: &Summary, at: SystemTime) -> io::Result<()> {
        let msg = summary_message(summary, &self.ctx);
        self.line(at, "Info", &msg)?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::summary::tests::sample_summary;
    use crate::report::test_support::{
        EICAR_MD5, EICAR_SHA256, finding_with_two_reasons, reference_time, utc_context,
    };
    use crate::report::time::TimeStyle;
    use std::path::PathBuf;

    fn written(f: impl FnOnce(&mut TextLog<Vec<u8>>) -> io::Result<()>) -> String {
        let mut log = TextLog::new(Vec::new(), utc_context());
        f(&mut log).unwrap();
        String::from_utf8(log.into_inner()).unwrap()
    }

    #[test]
    fn finding_line_exact() {
        let text = written(|log| log.finding(&finding_with_two_reasons(), reference_time()));
        assert_eq!(
            text,
            format!(
                "Mon Jan  2 15:04:05 2006 lab1 RATATOSK: Warning: MODULE: FileScan \
                 SCANID: S-Rooa61RfuuM MESSAGE: Suspicious file found FILE: /x/y.exe SCORE: 79 \
                 TYPE: EXE SIZE: 1234 MD5: {EICAR_MD5} SHA256: {EICAR_SHA256} \
                 MODIFIED: Mon Jan  2 15:04:05 2006 OWNER: root \
                 REASON_1: YARA rule SUSP_Test / Test description SUBSCORE_1: 70 \
                 MATCHED_1: evil\\x00 at 0x10 \
                 REASON_2: VirusTotal 25/71 engines SUBSCORE_2: 60 \
                 VT: found VT_POSITIVES: 25/71 \
                 VT_LINK: https://www.virustotal.com/gui/file/{EICAR_SHA256}\n"
            )
        );
    }

    #[test]
    fn rfc3339_header() {
        let mut ctx = utc_context();
        ctx.time = TimeStyle {
            utc: true,
            rfc3339: true,
        };
        let mut log = TextLog::new(Vec::new(), ctx);
        log.finding(&finding_with_two_reasons(), reference_time())
            .unwrap();
        let text = String::from_utf8(log.into_inner()).unwrap();
        assert!(text.starts_with("2006-01-02T15:04:05Z lab1 RATATOSK: Warning: MODULE: FileScan"));
        assert!(text.contains("MODIFIED: 2006-01-02T15:04:05Z OWNER: root"));
    }

    #[test]
    fn start_and_end_lines() {
        let scan = ScanInfo {
            version: "0.1.0".into(),
            mode: "file scan".into(),
            paths: vec![PathBuf::from("/srv/www"), PathBuf::from("/tmp")],
            threads: 2,
            rules: 5,
            hash_iocs: 3,
            filename_iocs: 4,
            virustotal: Some("limited".into()),
        };
        let text = written(|log| {
            log.start(&scan, reference_time())?;
            log.finish(&sample_summary(), reference_time())
        });
        assert_eq!(
            text,
            "Mon Jan  2 15:04:05 2006 lab1 RATATOSK: Info: MODULE: Init SCANID: S-Rooa61RfuuM \
             MESSAGE: Ratatosk scan started VERSION: 0.1.0 MODE: file scan \
             PATHS: /srv/www, /tmp THREADS: 2 RULES: 5 HASH_IOCS: 3 FILENAME_IOCS: 4 \
             VT: limited\n\
             Mon Jan  2 15:04:05 2006 lab1 RATATOSK: Info: MODULE: Report \
             SCANID: S-Rooa61RfuuM MESSAGE: Ratatosk scan finished SEEN: 6 SCANNED: 2 \
             BYTES: 4001234 SKIPPED: 3 SKIPPED_TOO_LARGE: 2 SKIPPED_SELF: 1 ERRORS: 1 \
             ALERTS: 0 WARNINGS: 1 NOTICES: 0 LOW: 0 BELOW_MIN: 0 SUPPRESSED: 0 \
             VT_LOOKED_UP: 1 VT_FOUND: 1 VT_NOT_FOUND: 0 VT_UPLOADED: 0 VT_CACHED: 0 \
             VT_SKIPPED_QUOTA: 0 VT_SKIPPED_DAILY_QUOTA: 0 VT_PARKED: 0 VT_ERRORS: 0 \
             VT_WRONG_KEY: false ELAPSED: 2.000s FILES_PER_SECOND: 1.0 MB_PER_SECOND: 2.0\n"
        );
    }
}
