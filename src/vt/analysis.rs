//! Following an uploaded sample's analysis in full mode (spec §5, vt-api.md §5): what an answer
//! to `GET /analyses/{id}` says (still queued, in progress, or completed with a verdict), and how
//! long to wait before the next poll, since every poll costs a quota token.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::model::{Sha256, VtVerdict};

/// The eight `stats` keys (the same as a file's `last_analysis_stats`); their sum is the number
/// of engines that took part.
const STATS_KEYS: [&str; 8] = [
    "malicious",
    "suspicious",
    "undetected",
    "harmless",
    "timeout",
    "confirmed-timeout",
    "failure",
    "type-unsupported",
];

/// The longest wait between polls as a multiple of `--vtpoll`: with the default 15 s, polls come
/// at most 2 minutes apart, so a result is seen soon after it is ready without spending a free
/// key's 4 requests a minute on polls.
const MAX_POLL_FACTOR: u32 = 8;

/// The longest wait between polls whatever `--vtpoll` says, unless `--vtpoll` itself is longer:
/// the default `--vtanalysis-timeout`, so a long analysis is polled at least once before its
/// deadline.
const MAX_POLL_DELAY: Duration = Duration::from_secs(600);

/// Where an analysis stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnalysisStatus {
    /// `queued`: not started; its stats are all zero.
    Queued,
    /// `in-progress`: started; its stats may be incomplete.
    InProgress,
    /// `completed`, the only final status, with the verdict of its `stats` (positives: engines
    /// with category `malicious`; total: the sum of the eight counts). An analysis carries no
    /// history, so the verdict's history is empty.
    Completed(VtVerdict),
}

/// Parses a 200 answer to `GET /analyses/{id}`. `None` when the body is not an analysis with a
/// known status, or is `completed` without a `stats` object (a malformed answer, not a verdict).
pub fn parse_analysis(body: &[u8]) -> Option<AnalysisStatus> {
    let root: Value = serde_json::from_slice(body).ok()?;
    let attributes = root.get("data")?.get("attributes")?.as_object()?;
    match attributes.get("status")?.as_str()? {
        "queued" => Some(AnalysisStatus::Queued),
        "in-progress" => Some(AnalysisStatus::InProgress),
        "completed" => {
            let stats = attributes.get("stats")?.as_object()?;
            Some(AnalysisStatus::Completed(verdict_from_stats(stats)))
        }
        _ => None,
    }
}

/// The SHA256 of what was analysed, from `meta.file_info` (a sibling of `data`): lets the caller
/// check that an analysis is of the file it uploaded. `None` when absent or not a SHA256.
pub fn analysed_sha256(body: &[u8]) -> Option<Sha256> {
    let root: Value = serde_json::from_slice(body).ok()?;
    let hex = root
        .get("meta")?
        .get("file_info")?
        .get("sha256")?
        .as_str()?;
    Sha256::from_hex(hex)
}

/// The wait before poll number `polls_done + 1`: `base` (`--vtpoll`) doubled after each poll
/// (15 s, 30 s, 60 s, 120 s with the default), at most 8 × `base` and at most 10 minutes, but
/// never less than `base`.
pub fn poll_delay(base: Duration, polls_done: u32) -> Duration {
    let cap = base
        .saturating_mul(MAX_POLL_FACTOR)
        .min(MAX_POLL_DELAY)
        .max(base);
    let factor = 1u32.checked_shl(polls_done).unwrap_or(u32::MAX);
    base.saturating_mul(factor).min(cap)
}

/// The verdict of an analysis's `stats`. Counts that are missing or not whole numbers count as 0.
fn verdict_from_stats(stats: &Map<String, Value>) -> VtVerdict {
    let stat = |key: &str| stats.get(key).and_then(as_count).unwrap_or(0);
    let total: u64 = STATS_KEYS.iter().map(|key| stat(key)).sum();
    VtVerdict {
        positives: saturate(stat("malicious")),
        total: saturate(total),
        history: Default::default(),
    }
}

/// A non-negative whole number, whether JSON wrote it as `7` or `7.0`.
fn as_count(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f <= u64::MAX as f64)
            .map(|f| f as u64)
    })
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";

    /// An analysis answer shaped like VirusTotal's (vt-api.md §5).
    fn answer(status: &str, stats: [u32; 8], results: &str) -> String {
        let [m, s, u, h, t, ct, f, tu] = stats;
        format!(
            r#"{{"meta": {{"file_info": {{"sha256": "{SHA}",
                 "sha1": "3395856ce81f2b7382dee72602f798b642f14140",
                 "md5": "44d88612fea8a8f36de82e1278abb02f", "size": 68}}}},
               "data": {{"id": "NDRkODg2MTJmZWE4YThmMzZkZTgyZTEyNzhhYmIwMmY6MTcwNDE2NDY0NQ==",
                 "type": "analysis",
                 "links": {{"self": "https://www.virustotal.com/api/v3/analyses/NDRkODg2MTJmZWE4YThmMzZkZTgyZTEyNzhhYmIwMmY6MTcwNDE2NDY0NQ==",
                            "item": "https://www.virustotal.com/api/v3/files/{SHA}"}},
                 "attributes": {{"date": 1704164645, "status": "{status}",
                   "stats": {{"malicious": {m}, "suspicious": {s}, "undetected": {u},
                             "harmless": {h}, "timeout": {t}, "confirmed-timeout": {ct},
                             "failure": {f}, "type-unsupported": {tu}}},
                   "results": {results}}}}}}}"#
        )
    }

    #[test]
    fn queued_and_in_progress_are_not_final() {
        let queued = answer("queued", [0; 8], "{}");
        assert_eq!(
            parse_analysis(queued.as_bytes()),
            Some(AnalysisStatus::Queued)
        );
        let running = answer("in-progress", [2, 0, 10, 0, 0, 0, 0, 0], "{}");
        assert_eq!(
            parse_analysis(running.as_bytes()),
            Some(AnalysisStatus::InProgress)
        );
    }

    #[test]
    fn completed_gives_positives_of_all_eight_counts() {
        let results = r#"{"Bkav": {"method": "blacklist", "engine_name": "Bkav",
            "engine_version": "2.0.0.1", "engine_update": "20240101",
            "category": "malicious", "result": "W32.AIDetect.malware1"}}"#;
        let done = answer("completed", [7, 1, 58, 0, 1, 1, 0, 4], results);
        assert_eq!(
            parse_analysis(done.as_bytes()),
            Some(AnalysisStatus::Completed(VtVerdict {
                positives: 7,
                total: 72,
                history: Default::default(),
            }))
        );
    }

    #[test]
    fn completed_with_odd_counts_is_lenient_but_needs_stats() {
        let body = br#"{"data": {"attributes": {"status": "completed",
            "stats": {"malicious": 3.0, "undetected": 60, "timeout": "x", "future-key": 9}}}}"#;
        match parse_analysis(body) {
            Some(AnalysisStatus::Completed(v)) => assert_eq!((v.positives, v.total), (3, 63)),
            other => panic!("expected Completed, got {other:?}"),
        }
        assert_eq!(
            parse_analysis(br#"{"data": {"attributes": {"status": "completed"}}}"#),
            None
        );
    }

    #[test]
    fn garbage_is_no_status() {
        for body in [
            &b""[..],
            b"<html>503</html>",
            b"{\"data\": {\"attributes\": [garbage",
            br#"{"data": {"type": "analysis", "id": "x"}}"#,
            br#"{"data": {"attributes": {"status": "cancelled", "stats": {}}}}"#,
            br#"{"data": {"attributes": {"status": 3}}}"#,
            br#"{"error": {"code": "NotFoundError", "message": "x"}}"#,
        ] {
            assert_eq!(
                parse_analysis(body),
                None,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn meta_file_info_names_what_was_analysed() {
        let queued = answer("queued", [0; 8], "{}");
        assert_eq!(
            analysed_sha256(queued.as_bytes())
                .map(|s| s.to_hex())
                .as_deref(),
            Some(SHA)
        );
        assert_eq!(
            analysed_sha256(br#"{"data": {"attributes": {"status": "queued"}}}"#),
            None
        );
        assert_eq!(
            analysed_sha256(br#"{"meta": {"file_info": {"sha256": "abc"}}}"#),
            None
        );
    }

    #[test]
    fn polls_back_off_from_vtpoll_and_are_capped() {
        let s = Duration::from_secs;
        let delays: Vec<Duration> = (0..6).map(|n| poll_delay(s(15), n)).collect();
        assert_eq!(delays, [s(15), s(30), s(60), s(120), s(120), s(120)]);
        // The 10-minute cap binds before 8 × base does.
        let delays: Vec<Duration> = (0..4).map(|n| poll_delay(s(100), n)).collect();
        assert_eq!(delays, [s(100), s(200), s(400), s(600)]);
        // A --vtpoll above the cap is used as is.
        assert_eq!(poll_delay(s(900), 0), s(900));
        assert_eq!(poll_delay(s(900), 5), s(900));
        // Tests shorten it; huge poll counts do not overflow.
        let ms = Duration::from_millis;
        assert_eq!(poll_delay(ms(50), 0), ms(50));
        assert_eq!(poll_delay(ms(50), 2), ms(200));
        assert_eq!(poll_delay(ms(50), u32::MAX), ms(400));
        assert_eq!(poll_delay(Duration::ZERO, 3), Duration::ZERO);
    }
}
