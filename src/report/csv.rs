//! The CSV report (`--csvfile`): THOR's legacy `MD5,PATH,SCORE`, one line per reported finding,
//! no header line (as THOR writes it). The MD5 column is empty when MD5 was not computed. A
//! path is written exactly (bytes that are not UTF-8 as `\xNN`) and quoted per RFC 4180 when it
//! holds a comma, a quote, CR or LF. Lines end with LF, not RFC 4180's CRLF, so Unix tools
//! (`cut`, `awk`) read the score column cleanly; CSV parsers accept both.

use std::borrow::Cow;
use std::io::{self, Write};
use std::time::SystemTime;

use crate::model::Finding;

use super::ReportWriter;
use super::context::ScanInfo;
use super::escape::path_text;
use super::summary::Summary;

/// `field` quoted when RFC 4180 requires it, inner quotes doubled.
pub fn csv_field(field: &str) -> Cow<'_, str> {
    if field.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", field.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(field)
    }
}

/// Writes `MD5,PATH,SCORE` lines to `W`.
#[derive(Debug)]
pub struct CsvReport<W: Write> {
    out: W,
}

impl<W: Write> CsvReport<W> {
    /// A CSV report writing to `out`.
    pub fn new(out: W) -> Self {
        CsvReport { out }
    }

    /// Gives back the writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> ReportWriter for CsvReport<W> {
    fn start(&mut self, _scan: &ScanInfo, _at: SystemTime) -> io::Result<()> {
        Ok(())
    }

    fn finding(&mut self, finding: &Finding, _at: SystemTime) -> io::Result<()> {
        let md5 = finding.hashes.md5.map(|m| m.to_hex()).unwrap_or_default();
        let path = path_text(&finding.path);
        writeln!(self.out, "{md5},{},{}", csv_field(&path), finding.score)?;
        self.out.flush()
    }

    fn finish(&mut self, _summary: &Summary, _at: SystemTime) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{EICAR_MD5, finding_with_two_reasons, reference_time};
    use std::path::PathBuf;

    fn line(f: &Finding) -> String {
        let mut csv = CsvReport::new(Vec::new());
        csv.finding(f, reference_time()).unwrap();
        String::from_utf8(csv.into_inner()).unwrap()
    }

    #[test]
    fn plain_line() {
        assert_eq!(
            line(&finding_with_two_reasons()),
            format!("{EICAR_MD5},/x/y.exe,79\n")
        );
    }

    #[test]
    fn quoting_and_missing_md5() {
        let mut f = finding_with_two_reasons();
        f.hashes.md5 = None;
        f.path = PathBuf::from("/tmp/a,b \"c\"\nd.exe");
        assert_eq!(line(&f), ",\"/tmp/a,b \"\"c\"\"\nd.exe\",79\n");
        assert_eq!(csv_field("plain path"), "plain path");
    }
}
