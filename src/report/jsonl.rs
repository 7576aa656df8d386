//! The JSON log (`--jsonfile`): one JSON object per line, modelled on THOR's JSON v3 (spec §7).
//!
//! - A finding: `{"type":"finding","meta":{time,level,module,scan_id,hostname},"message",
//!   "score","subject":{"file":{path,path_bytes?,extension,magic_header,hashes,size,
//!   file_times,owner,virustotal?}},"reasons":[…],"reason_count"}`. `reasons` holds every
//!   reason (machine output; `--max-reasons` only caps the text outputs), so `reason_count`
//!   equals its length.
//! - The start and end events: `{"type":"message",…}` with `scan{…}` and `summary{…}`.
//!
//! Paths that are not UTF-8 are written lossily in `path` and exactly, base64 (standard
//! alphabet, padded), in `path_bytes`. Hashes that were not computed, unknown file times and a
//! missing VirusTotal block are absent, never null. `meta.time` and file times are RFC 3339
//! (UTC with `--utc`, local offset otherwise).

use std::borrow::Cow;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

use crate::model::{FileTimes, Finding, Hashes, Reason, VtEnrichment};

use super::ReportWriter;
use super::context::{ReportContext, ScanInfo};
use super::render::{finding_title, level_name};
use super::summary::Summary;
use super::time::TimeStyle;

/// `type` of a finding event.
const FINDING_TYPE: &str = "finding";

/// `type` of the start and end events.
const MESSAGE_TYPE: &str = "message";

/// `meta{…}` of every event.
#[derive(Serialize)]
struct Meta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<String>,
    level: &'a str,
    module: &'a str,
    scan_id: &'a str,
    hostname: &'a str,
}

/// `file_times{…}`: each time present only when known.
#[derive(Serialize)]
struct FileTimesJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    modified: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    changed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accessed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<String>,
}

impl FileTimesJson {
    fn new(t: &FileTimes, style: TimeStyle) -> Self {
        let f = |t: Option<SystemTime>| t.and_then(|t| style.rfc3339(t));
        FileTimesJson {
            modified: f(t.modified),
            changed: f(t.changed),
            accessed: f(t.accessed),
            created: f(t.created),
        }
    }
}

/// `subject.file{…}`.
#[derive(Serialize)]
struct FileJson<'a> {
    path: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path_bytes: Option<String>,
    extension: &'a str,
    magic_header: &'a str,
    hashes: &'a Hashes,
    size: u64,
    file_times: FileTimesJson,
    owner: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    virustotal: Option<Cow<'a, VtEnrichment>>,
}

/// `subject{…}`.
#[derive(Serialize)]
struct Subject<'a> {
    file: FileJson<'a>,
}

/// A finding event.
#[derive(Serialize)]
struct FindingEvent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    meta: Meta<'a>,
    message: &'static str,
    score: u32,
    subject: Subject<'a>,
    reasons: &'a [Reason],
    reason_count: usize,
}

/// The start event.
#[derive(Serialize)]
struct StartEvent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    meta: Meta<'a>,
    message: &'static str,
    scan: &'a ScanInfo,
}

/// The end event.
#[derive(Serialize)]
struct EndEvent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    meta: Meta<'a>,
    message: &'static str,
    summary: &'a Summary,
}

/// The path as `path` (lossy) and `path_bytes` (base64, only when not UTF-8).
fn path_fields(path: &Path) -> (Cow<'_, str>, Option<String>) {
    let bytes = path.as_os_str().as_bytes();
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), None),
        Err(_) => (String::from_utf8_lossy(bytes), Some(STANDARD.encode(bytes))),
    }
}

/// Writes JSON lines to `W`.
#[derive(Debug)]
pub struct JsonLog<W: Write> {
    out: W,
    ctx: ReportContext,
}

impl<W: Write> JsonLog<W> {
    /// A JSON log writing to `out`.
    pub fn new(out: W, ctx: ReportContext) -> Self {
        JsonLog { out, ctx }
    }

    /// Gives back the writer.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn meta<'a>(&'a self, at: SystemTime, level: &'a str, module: &'a str) -> Meta<'a> {
        Meta {
            time: self.ctx.time.rfc3339(at),
            level,
            module,
            scan_id: &self.ctx.scan_id,
            hostname: &self.ctx.hostname,
        }
    }

    /// Writes one event and its newline, and flushes.
    fn event(&mut self, line: Vec<u8>) -> io::Result<()> {
        self.out.write_all(&line)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

/// The JSON object of a finding (exposed for the Thunderstorm service and tests).
pub fn finding_json(
    finding: &Finding,
    ctx: &ReportContext,
    at: SystemTime,
) -> serde_json::Result<Vec<u8>> {
    let (path, path_bytes) = path_fields(&finding.path);
    let virustotal = finding.virustotal.as_ref().map(|vt| {
        if vt.history.is_some() && !ctx.show_vt_history {
            Cow::Owned(VtEnrichment {
                history: None,
                ..vt.clone()
            })
        } else {
            Cow::Borrowed(vt)
        }
    });
    let event = FindingEvent {
        kind: FINDING_TYPE,
        meta: Meta {
            time: ctx.time.rfc3339(at),
            level: level_name(finding.level),
            module: finding.module.as_str(),
            scan_id: &ctx.scan_id,
            hostname: &ctx.hostname,
        },
        message: finding_title(finding.level),
        score: finding.score,
        subject: Subject {
            file: FileJson {
                path,
                path_bytes,
                extension: &finding.extension,
                magic_header: &finding.magic_header,
                hashes: &finding.hashes,
                size: finding.size,
                file_times: FileTimesJson::new(&finding.times, ctx.time),
                owner: &finding.owner,
                virustotal,
            },
        },
        reasons: &finding.reasons,
        reason_count: finding.reasons.len(),
    };
    serde_json::to_vec(&event)
}

impl<W: Write> ReportWriter for JsonLog<W> {
    fn start(&mut self, scan: &ScanInfo, at: SystemTime) -> io::Result<()> {
        let line = serde_json::to_vec(&StartEvent {
            kind: MESSAGE_TYPE,
            meta: self.meta(at, "Info", "Init"),
            message: "Ratatosk scan started",
            scan,
        })?;
        self.event(line)
    }

    fn finding(&mut self, finding: &Finding, at: SystemTime) -> io::Result<()> {
        let line = finding_json(finding, &self.ctx, at)?;
        self.event(line)
    }

    fn finish(&mut self, summary: &Summary, at: SystemTime) -> io::Result<()> {
        let line = serde_json::to_vec(&EndEvent {
            kind: MESSAGE_TYPE,
            meta: self.meta(at, "Info", "Report"),
            message: "Ratatosk scan finished",
            summary,
        })?;
        self.event(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::summary::tests::sample_summary;
    use crate::report::test_support::{
        EICAR_MD5, EICAR_SHA256, finding_with_two_reasons, reference_time, utc_context,
    };
    use serde_json::{Value, json};
    use std::ffi::OsStr;
    use std::path::PathBuf;

    fn lines_of(f: impl FnOnce(&mut JsonLog<Vec<u8>>) -> io::Result<()>) -> Vec<Value> {
        let mut log = JsonLog::new(Vec::new(), utc_context());
        f(&mut log).unwrap();
        let text = String::from_utf8(log.into_inner()).unwrap();
        assert!(text.ends_with('\n'));
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn one_finding(f: &Finding) -> Value {
        let mut lines = lines_of(|log| log.finding(f, reference_time()));
        assert_eq!(lines.len(), 1);
        lines.remove(0)
    }

    #[test]
    fn finding_exact_json() {
        let mut f = finding_with_two_reasons();
        f.times.accessed = Some(reference_time() + std::time::Duration::from_secs(60));
        let v = one_finding(&f);
        assert_eq!(
            v,
            json!({
                "type": "finding",
                "meta": {
                    "time": "2006-01-02T15:04:05Z", "level": "Warning", "module": "FileScan",
                    "scan_id": "S-Rooa61RfuuM", "hostname": "lab1"
                },
                "message": "Suspicious file found",
                "score": 79,
                "subject": {"file": {
                    "path": "/x/y.exe",
                    "extension": ".exe",
                    "magic_header": "EXE",
                    "hashes": {"md5": EICAR_MD5, "sha256": EICAR_SHA256},
                    "size": 1234,
                    "file_times": {
                        "modified": "2006-01-02T15:04:05Z",
                        "accessed": "2006-01-02T15:05:05Z"
                    },
                    "owner": "root",
                    "virustotal": {
                        "result": "found", "positive_verdicts": 25, "total_verdicts": 71,
                        "permalink": format!("https://www.virustotal.com/gui/file/{EICAR_SHA256}")
                    }
                }},
                "reasons": [
                    {
                        "summary": "YARA rule SUSP_Test / Test description",
                        "signature": {
                            "score": 70, "kind": "YARA Rule", "rule_name": "SUSP_Test",
                            "description": "Test description", "author": "Ratatosk",
                            "origin": "internal"
                        },
                        "matched": [{"data": "evil\\x00", "offset": 16}]
                    },
                    {
                        "summary": "VirusTotal 25/71 engines",
                        "signature": {
                            "score": 60, "kind": "VirusTotal", "rule_name": "VirusTotal",
                            "description": "25 of 71 engines flag the file as malicious",
                            "origin": "external"
                        }
                    }
                ],
                "reason_count": 2
            })
        );
    }

    #[test]
    fn json_keeps_every_reason_despite_max_reasons() {
        let mut f = finding_with_two_reasons();
        f.virustotal = None;
        let mut ctx = utc_context();
        ctx.max_reasons = 1;
        let v: Value =
            serde_json::from_slice(&finding_json(&f, &ctx, reference_time()).unwrap()).unwrap();
        assert_eq!(v["reasons"].as_array().map(Vec::len), Some(2));
        assert_eq!(v["reason_count"], json!(2));
        assert!(v["subject"]["file"].get("virustotal").is_none());
    }

    #[test]
    fn non_utf8_path_round_trips_through_path_bytes() {
        let raw: &[u8] = b"/tmp/caf\xe9/\xff\xfe.exe";
        let mut f = finding_with_two_reasons();
        f.path = PathBuf::from(OsStr::from_bytes(raw));
        let v = one_finding(&f);
        let file = &v["subject"]["file"];
        assert_eq!(file["path"], json!("/tmp/caf\u{fffd}/\u{fffd}\u{fffd}.exe"));
        let b64 = file["path_bytes"].as_str().unwrap();
        assert_eq!(b64, "L3RtcC9jYWbpL//+LmV4ZQ==");
        assert_eq!(STANDARD.decode(b64).unwrap(), raw);
    }

    #[test]
    fn newline_and_quotes_stay_one_line_and_round_trip() {
        let odd = "/tmp/a \"quoted\"\nname\\x.exe";
        let mut f = finding_with_two_reasons();
        f.path = PathBuf::from(odd);
        let mut log = JsonLog::new(Vec::new(), utc_context());
        log.finding(&f, reference_time()).unwrap();
        let text = String::from_utf8(log.into_inner()).unwrap();
        assert_eq!(text.matches('\n').count(), 1);
        let v: Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(v["subject"]["file"]["path"], json!(odd));
        assert!(v["subject"]["file"].get("path_bytes").is_none());
    }

    #[test]
    fn start_and_end_events() {
        let scan = ScanInfo {
            version: "0.1.0".into(),
            mode: "file scan".into(),
            paths: vec![PathBuf::from("/srv/www")],
            threads: 2,
            rules: 5,
            hash_iocs: 3,
            filename_iocs: 4,
            virustotal: None,
        };
        let lines = lines_of(|log| {
            log.start(&scan, reference_time())?;
            log.finish(&sample_summary(), reference_time())
        });
        let meta = |module: &str| {
            json!({"time": "2006-01-02T15:04:05Z", "level": "Info", "module": module,
                   "scan_id": "S-Rooa61RfuuM", "hostname": "lab1"})
        };
        assert_eq!(
            lines[0],
            json!({
                "type": "message", "meta": meta("Init"), "message": "Ratatosk scan started",
                "scan": {"version": "0.1.0", "mode": "file scan", "paths": ["/srv/www"],
                         "threads": 2, "rules": 5, "hash_iocs": 3, "filename_iocs": 4}
            })
        );
        assert_eq!(lines[1]["type"], json!("message"));
        assert_eq!(lines[1]["meta"], meta("Report"));
        assert_eq!(lines[1]["message"], json!("Ratatosk scan finished"));
        assert_eq!(
            lines[1]["summary"]["skipped"],
            json!({"too_large": 2, "self": 1})
        );
        assert_eq!(lines[1]["summary"]["seen"], json!(6));
    }
}
