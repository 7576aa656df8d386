//! The HTML report (`--htmlfile`): one self-contained file (inline CSS, no script, nothing
//! fetched from the network) with the scan's settings, the summary and a findings table
//! (rows coloured by level; score, file, reasons, VirusTotal).
//!
//! It is written as the scan goes, so memory stays flat: the head and the table's start at
//! `start`, a row per finding, then the summary at `finish`, which CSS places above the
//! findings. Every value is escaped for HTML after control characters are made visible.

use std::io::{self, Write};
use std::time::SystemTime;

use crate::model::{Finding, VtEnrichment};

use super::ReportWriter;
use super::console::{human_bytes, human_duration};
use super::context::{ReportContext, ScanInfo};
use super::escape::{escape_path, escape_text};
use super::render::level_name;
use super::summary::Summary;

/// The inline style sheet. The summary is written last but shown first (`order`).
const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\
main{display:flex;flex-direction:column;gap:1em}\
h1{order:-3;margin:0}.scan{order:-2}.summary{order:-1}\
table{border-collapse:collapse;width:100%}\
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}\
th{background:#eee}code{word-break:break-all}.hashes{font-size:.8em;color:#555}\
tr.alert{background:#f8d0d0}tr.warning{background:#fde8c8}\
tr.notice{background:#fdf8c8}tr.info{background:#f4f4f4}\
ul{margin:0;padding-left:1.2em}.more{color:#777}";

/// Prefix every VirusTotal link has; anything else is not made a link.
const VT_LINK_PREFIX: &str = "https://www.virustotal.com/";

/// `s` with `& < > " '` replaced by entities.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text made visible ([`escape_text`]) and HTML-escaped.
fn h(s: &str) -> String {
    html_escape(&escape_text(s))
}

/// Writes the HTML report to `W`.
#[derive(Debug)]
pub struct HtmlReport<W: Write> {
    out: W,
    ctx: ReportContext,
    rows: u64,
}

impl<W: Write> HtmlReport<W> {
    /// An HTML report writing to `out`.
    pub fn new(out: W, ctx: ReportContext) -> Self {
        HtmlReport { out, ctx, rows: 0 }
    }

    /// Gives back the writer.
    pub fn into_inner(self) -> W {
        self.out
    }

    /// The file cell: path, type, size and hashes.
    fn file_cell(f: &Finding) -> String {
        let mut cell = format!("<code>{}</code>", html_escape(&escape_path(&f.path)));
        let mut facts = vec![format!("{} bytes", f.size)];
        if !f.magic_header.is_empty() {
            facts.insert(0, h(&f.magic_header));
        }
        if !f.owner.is_empty() {
            facts.push(format!("owner {}", h(&f.owner)));
        }
        cell.push_str(&format!("<br>{}", facts.join(", ")));
        let mut hashes = Vec::new();
        if let Some(md5) = f.hashes.md5 {
            hashes.push(format!("MD5 {md5}"));
        }
        if let Some(sha1) = f.hashes.sha1 {
            hashes.push(format!("SHA1 {sha1}"));
        }
        hashes.push(format!("SHA256 {}", f.hashes.sha256));
        cell.push_str(&format!(
            "<div class=\"hashes\">{}</div>",
            hashes.join("<br>")
        ));
        cell
    }

    /// The reasons cell, capped at `--max-reasons`.
    fn reasons_cell(&self, f: &Finding) -> String {
        let shown = self.ctx.shown_reasons(f.reasons.len());
        let mut cell = String::from("<ul>");
        for r in f.reasons.iter().take(shown) {
            cell.push_str(&format!(
                "<li>{} ({})</li>",
                h(&r.summary),
                r.signature.score
            ));
        }
        if shown < f.reasons.len() {
            let more = f.reasons.len() - shown;
            cell.push_str(&format!("<li class=\"more\">{more} more</li>"));
        }
        cell.push_str("</ul>");
        cell
    }

    /// The VirusTotal cell (empty when not enriched).
    fn vt_cell(vt: Option<&VtEnrichment>) -> String {
        let Some(vt) = vt else {
            return String::new();
        };
        let mut cell = h(&vt.result.to_string());
        if let (Some(p), Some(t)) = (vt.positive_verdicts, vt.total_verdicts) {
            cell.push_str(&format!(" {p}/{t}"));
        }
        if let Some(link) = vt
            .permalink
            .as_deref()
            .filter(|l| l.starts_with(VT_LINK_PREFIX))
        {
            cell.push_str(&format!(" <a href=\"{}\">report</a>", h(link)));
        }
        cell
    }

    fn summary_section(&self, s: &Summary) -> String {
        let mut rows: Vec<(String, String)> = vec![
            ("Files seen".into(), s.seen.to_string()),
            (
                "Scanned".into(),
                format!("{} ({})", s.scanned, human_bytes(s.bytes_scanned)),
            ),
        ];
        rows.push(("Skipped".into(), s.skipped_total().to_string()));
        for (reason, n) in &s.skipped {
            rows.push((format!("&nbsp;&nbsp;{}", reason.as_str()), n.to_string()));
        }
        let f = &s.findings;
        let vt = &s.virustotal;
        rows.extend([
            ("Errors".into(), s.errors.to_string()),
            ("Alerts".into(), f.alert.to_string()),
            ("Warnings".into(), f.warning.to_string()),
            ("Notices".into(), f.notice.to_string()),
            ("Below notice (reported)".into(), f.low.to_string()),
            ("Below --min (not reported)".into(), s.below_min.to_string()),
            ("Suppressed by filters".into(), s.suppressed.to_string()),
            (
                "VirusTotal".into(),
                format!(
                    "{} looked up, {} found, {} unknown, {} uploaded, {} cached, \
                     {} skipped (quota), {} skipped (daily quota), {} parked, {} errors{}",
                    vt.looked_up,
                    vt.found,
                    vt.not_found,
                    vt.uploaded,
                    vt.cached,
                    vt.skipped_quota,
                    vt.skipped_daily_quota,
                    vt.parked,
                    vt.errors,
                    if vt.wrong_key { ", wrong key" } else { "" }
                ),
            ),
            ("Elapsed".into(), human_duration(s.elapsed)),
            (
                "Throughput".into(),
                format!(
                    "{:.1} files/s, {:.1} MB/s",
                    s.files_per_second(),
                    s.megabytes_per_second()
                ),
            ),
        ]);
        let mut out = String::from("<section class=\"summary\"><h2>Summary</h2><table>");
        for (label, value) in rows {
            out.push_str(&format!("<tr><th>{label}</th><td>{value}</td></tr>"));
        }
        out.push_str("</table></section>");
        out
    }
}

impl<W: Write> ReportWriter for HtmlReport<W> {
    fn start(&mut self, scan: &ScanInfo, at: SystemTime) -> io::Result<()> {
        let id = h(&self.ctx.scan_id);
        let host = h(&self.ctx.hostname);
        let when = self.ctx.time.text(at).unwrap_or_default();
        let paths: Vec<String> = scan
            .paths
            .iter()
            .map(|p| format!("<code>{}</code>", html_escape(&escape_path(p))))
            .collect();
        write!(
            self.out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>Ratatosk report {id} on {host}</title><style>{STYLE}</style></head>\n\
             <body><main><h1>Ratatosk scan report</h1>\n<section class=\"scan\"><table>\
             <tr><th>Scan</th><td>{id}</td></tr><tr><th>Host</th><td>{host}</td></tr>\
             <tr><th>Started</th><td>{}</td></tr><tr><th>Version</th><td>{}</td></tr>\
             <tr><th>Mode</th><td>{}</td></tr><tr><th>Paths</th><td>{}</td></tr>\
             <tr><th>Signatures</th><td>{} rules, {} hash IOCs, {} filename IOCs</td></tr>\
             <tr><th>VirusTotal</th><td>{}</td></tr></table></section>\n\
             <section class=\"findings\"><h2>Findings</h2><table><thead><tr><th>Level</th>\
             <th>Score</th><th>File</th><th>Reasons</th><th>VirusTotal</th></tr></thead>\
             <tbody>\n",
            h(&when),
            h(&scan.version),
            h(&scan.mode),
            paths.join("<br>"),
            scan.rules,
            scan.hash_iocs,
            scan.filename_iocs,
            h(scan.virustotal.as_deref().unwrap_or("off")),
        )
    }

    fn finding(&mut self, finding: &Finding, _at: SystemTime) -> io::Result<()> {
        self.rows += 1;
        let level = level_name(finding.level);
        writeln!(
            self.out,
            "<tr class=\"{}\"><td>{level}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            level.to_ascii_lowercase(),
            finding.score,
            Self::file_cell(finding),
            self.reasons_cell(finding),
            Self::vt_cell(finding.virustotal.as_ref()),
        )
    }

    fn finish(&mut self, summary: &Summary, _at: SystemTime) -> io::Result<()> {
        if self.rows == 0 {
            writeln!(self.out, "<tr><td colspan=\"5\">No findings.</td></tr>")?;
        }
        writeln!(
            self.out,
            "</tbody></table></section>\n{}\n</main></body></html>",
            self.summary_section(summary)
        )?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::summary::tests::sample_summary;
    use crate::report::test_support::{finding_with_two_reasons, reference_time, utc_context};
    use std::path::PathBuf;

    fn report(findings: &[Finding]) -> String {
        let mut html = HtmlReport::new(Vec::new(), utc_context());
        let scan = ScanInfo {
            paths: vec![PathBuf::from("/srv/<www>")],
            ..ScanInfo::default()
        };
        html.start(&scan, reference_time()).unwrap();
        for f in findings {
            html.finding(f, reference_time()).unwrap();
        }
        html.finish(&sample_summary(), reference_time()).unwrap();
        String::from_utf8(html.into_inner()).unwrap()
    }

    #[test]
    fn script_in_path_is_escaped() {
        let mut f = finding_with_two_reasons();
        f.path = PathBuf::from("/tmp/<script>alert('x')</script>&.php");
        let html = report(&[f]);
        assert!(!html.contains("<script"));
        assert!(html.contains(
            "<code>/tmp/&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;.php</code>"
        ));
        assert!(html.contains("<code>/srv/&lt;www&gt;</code>"));
    }

    #[test]
    fn finding_row_and_summary() {
        let html = report(&[finding_with_two_reasons()]);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.ends_with("</main></body></html>\n"));
        assert!(html.contains("<tr class=\"warning\"><td>Warning</td><td>79</td>"));
        assert!(html.contains(
            "<li>YARA rule SUSP_Test / Test description (70)</li>\
             <li>VirusTotal 25/71 engines (60)</li></ul>"
        ));
        assert!(html.contains("<td>found 25/71 <a href=\"https://www.virustotal.com/gui/file/"));
        assert!(html.contains("<tr><th>Files seen</th><td>6</td></tr>"));
        assert!(html.contains("<tr><th>&nbsp;&nbsp;too_large</th><td>2</td></tr>"));
        assert!(!html.contains("http://") && !html.contains("<link") && !html.contains("src="));
    }

    #[test]
    fn empty_report_says_so() {
        assert!(report(&[]).contains("<td colspan=\"5\">No findings.</td>"));
    }
}
