//! A finding rendered as THOR's text-log key/value message, shared by the text log, the console
//! and the false-positive filters (which match against exactly this text, the line minus the
//! syslog header):
//!
//! `MODULE: FileScan SCANID: S-… MESSAGE: Suspicious file found FILE: /x/y.exe SCORE: 79
//! TYPE: EXE SIZE: 1234 MD5: … SHA256: … MODIFIED: … OWNER: root REASON_1: YARA rule … /
//! … SUBSCORE_1: 70 MATCHED_1: evil at 0x10 REASON_2: … SUBSCORE_2: 60 VT: found
//! VT_POSITIVES: 25/71 VT_LINK: https://…`
//!
//! Keys with no value (no magic type, a hash not computed, an unknown time, no owner) are left
//! out. At most `--max-reasons` reasons are shown (0 = all); when some are left out,
//! `REASON_COUNT: n` says how many there were. Every value is escaped (see
//! [`super::escape`]) so a finding is always one line.

use std::fmt::Write as _;
use std::time::SystemTime;

use crate::model::{Finding, Level, Reason, VtEnrichment};

use super::context::ReportContext;
use super::escape::{escape_path, escape_text};

/// The level word of a line; a finding below notice (reported only with a lowered `--min`) is
/// `Info`.
pub fn level_name(level: Option<Level>) -> &'static str {
    level.map_or("Info", Level::as_str)
}

/// THOR's message for a finding of this level.
pub fn finding_title(level: Option<Level>) -> &'static str {
    match level {
        Some(Level::Alert) => "Malware file found",
        Some(Level::Warning) => "Suspicious file found",
        Some(Level::Notice) => "Possibly suspicious file found",
        None => "Low-score file found",
    }
}

/// Appends ` KEY: value` (a leading space unless `out` is empty).
fn push_kv(out: &mut String, key: &str, value: impl std::fmt::Display) {
    if !out.is_empty() {
        out.push(' ');
    }
    // Writing to a String cannot fail.
    let _ = write!(out, "{key}: {value}");
}

/// Appends a file time when it is known and in range.
fn push_time(out: &mut String, ctx: &ReportContext, key: &str, t: Option<SystemTime>) {
    if let Some(text) = t.and_then(|t| ctx.time.text(t)) {
        push_kv(out, key, text);
    }
}

/// Appends `REASON_i`, `SUBSCORE_i` and, when the rule matched strings, `MATCHED_i`.
fn push_reason(out: &mut String, i: usize, reason: &Reason) {
    push_kv(out, &format!("REASON_{i}"), escape_text(&reason.summary));
    push_kv(out, &format!("SUBSCORE_{i}"), reason.signature.score);
    if !reason.matched.is_empty() {
        let matched: Vec<String> = reason
            .matched
            .iter()
            .map(|m| format!("{} at 0x{:x}", escape_text(&m.data), m.offset))
            .collect();
        push_kv(out, &format!("MATCHED_{i}"), matched.join(", "));
    }
}

/// Appends the VirusTotal part: `VT: <result>`, then `VT_POSITIVES: n/total` and `VT_LINK`
/// when there is a verdict, then the history with `--vtverbose`.
fn push_vt(out: &mut String, ctx: &ReportContext, vt: &VtEnrichment) {
    push_kv(out, "VT", escape_text(&vt.result.to_string()));
    if let (Some(positives), Some(total)) = (vt.positive_verdicts, vt.total_verdicts) {
        push_kv(out, "VT_POSITIVES", format_args!("{positives}/{total}"));
    }
    if let Some(link) = &vt.permalink {
        push_kv(out, "VT_LINK", escape_text(link));
    }
    if let (true, Some(h)) = (ctx.show_vt_history, &vt.history) {
        if !h.names.is_empty() {
            push_kv(out, "VT_NAMES", escape_text(&h.names.join(", ")));
        }
        if !h.tags.is_empty() {
            push_kv(out, "VT_TAGS", escape_text(&h.tags.join(", ")));
        }
        push_kv(out, "VT_SUBMISSIONS", h.submissions);
        if let Some(first) = &h.first_submission {
            push_kv(out, "VT_FIRST_SUBMISSION", escape_text(first));
        }
        if let Some(last) = &h.last_submission {
            push_kv(out, "VT_LAST_SUBMISSION", escape_text(last));
        }
    }
}

/// The finding as one line of THOR key/value text, without the syslog header.
pub fn finding_message(f: &Finding, ctx: &ReportContext) -> String {
    let mut out = String::with_capacity(512);
    push_kv(&mut out, "MODULE", f.module.as_str());
    push_kv(&mut out, "SCANID", escape_text(&ctx.scan_id));
    push_kv(&mut out, "MESSAGE", finding_title(f.level));
    push_kv(&mut out, "FILE", escape_path(&f.path));
    push_kv(&mut out, "SCORE", f.score);
    if !f.magic_header.is_empty() {
        push_kv(&mut out, "TYPE", escape_text(&f.magic_header));
    }
    push_kv(&mut out, "SIZE", f.size);
    if let Some(md5) = &f.hashes.md5 {
        push_kv(&mut out, "MD5", md5);
    }
    if let Some(sha1) = &f.hashes.sha1 {
        push_kv(&mut out, "SHA1", sha1);
    }
    push_kv(&mut out, "SHA256", f.hashes.sha256);
    push_time(&mut out, ctx, "MODIFIED", f.times.modified);
    push_time(&mut out, ctx, "CHANGED", f.times.changed);
    push_time(&mut out, ctx, "ACCESSED", f.times.accessed);
    push_time(&mut out, ctx, "CREATED", f.times.created);
    if !f.owner.is_empty() {
        push_kv(&mut out, "OWNER", escape_text(&f.owner));
    }
    let shown = ctx.shown_reasons(f.reasons.len());
    for (i, reason) in f.reasons.iter().take(shown).enumerate() {
        push_reason(&mut out, i + 1, reason);
    }
    if shown < f.reasons.len() {
        push_kv(&mut out, "REASON_COUNT", f.reasons.len());
    }
    if let Some(vt) = &f.virustotal {
        push_vt(&mut out, ctx, vt);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{VtHistory, VtResult};
    use crate::report::test_support::{
        EICAR_MD5, EICAR_SHA256, finding_with_two_reasons, utc_context,
    };
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::path::PathBuf;

    #[test]
    fn full_message() {
        let msg = finding_message(&finding_with_two_reasons(), &utc_context());
        assert_eq!(
            msg,
            format!(
                "MODULE: FileScan SCANID: S-Rooa61RfuuM MESSAGE: Suspicious file found \
                 FILE: /x/y.exe SCORE: 79 TYPE: EXE SIZE: 1234 MD5: {EICAR_MD5} \
                 SHA256: {EICAR_SHA256} MODIFIED: Mon Jan  2 15:04:05 2006 OWNER: root \
                 REASON_1: YARA rule SUSP_Test / Test description SUBSCORE_1: 70 \
                 MATCHED_1: evil\\x00 at 0x10 \
                 REASON_2: VirusTotal 25/71 engines SUBSCORE_2: 60 \
                 VT: found VT_POSITIVES: 25/71 \
                 VT_LINK: https://www.virustotal.com/gui/file/{EICAR_SHA256}"
            )
        );
    }

    #[test]
    fn max_reasons_caps_and_counts() {
        let f = finding_with_two_reasons();
        let mut ctx = utc_context();
        ctx.max_reasons = 1;
        let one = finding_message(&f, &ctx);
        assert!(one.contains("SUBSCORE_1: 70 MATCHED_1: evil\\x00 at 0x10 REASON_COUNT: 2 VT:"));
        assert!(!one.contains("REASON_2"));
        ctx.max_reasons = 0;
        let all = finding_message(&f, &ctx);
        assert!(all.contains("REASON_2: VirusTotal 25/71 engines SUBSCORE_2: 60 VT: found"));
        assert!(!all.contains("REASON_COUNT"));
    }

    #[test]
    fn levels_and_vt_without_verdict() {
        let mut f = finding_with_two_reasons();
        f.level = Some(Level::Alert);
        f.virustotal = Some(VtEnrichment::without_verdict(VtResult::SkippedQuota));
        let msg = finding_message(&f, &utc_context());
        assert!(msg.contains("MESSAGE: Malware file found FILE:"));
        assert!(msg.ends_with("SUBSCORE_2: 60 VT: skipped (quota)"));
        f.level = Some(Level::Notice);
        f.virustotal = None;
        let msg = finding_message(&f, &utc_context());
        assert!(msg.contains("MESSAGE: Possibly suspicious file found FILE:"));
        assert!(msg.ends_with("SUBSCORE_2: 60"));
    }

    #[test]
    fn vt_history_only_when_verbose() {
        let mut f = finding_with_two_reasons();
        if let Some(vt) = f.virustotal.as_mut() {
            vt.history = Some(VtHistory {
                names: vec!["a.exe".into(), "b.exe".into()],
                tags: vec!["peexe".into()],
                submissions: 3,
                first_submission: Some("2020-01-01T00:00:00Z".into()),
                last_submission: None,
            });
        }
        let mut ctx = utc_context();
        assert!(!finding_message(&f, &ctx).contains("VT_NAMES"));
        ctx.show_vt_history = true;
        assert!(finding_message(&f, &ctx).ends_with(
            "VT_NAMES: a.exe, b.exe VT_TAGS: peexe VT_SUBMISSIONS: 3 \
             VT_FIRST_SUBMISSION: 2020-01-01T00:00:00Z"
        ));
    }

    #[test]
    fn odd_paths_stay_on_one_line() {
        let mut f = finding_with_two_reasons();
        f.path = PathBuf::from(OsStr::from_bytes(b"/tmp/a\nb\x1b[2J\xff.exe"));
        let msg = finding_message(&f, &utc_context());
        assert!(msg.contains("FILE: /tmp/a\\nb\\x1b[2J\\xff.exe SCORE: 79"));
        assert!(!msg.contains('\n') && !msg.contains('\x1b'));
    }
}
