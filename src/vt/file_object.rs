//! Parsing a file report (`GET /files/{id}`, vt-api.md §2) into a
//! [`VtVerdict`](crate::model::VtVerdict). Lenient, as the reference asks: every attribute is
//! optional, unknown ones are ignored, and a field of an unexpected type counts as absent.

use chrono::{DateTime, SecondsFormat};
use serde_json::{Map, Value};

use crate::model::{VtHistory, VtVerdict};

/// The eight `last_analysis_stats` keys; their sum is the number of engines that took part.
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

/// Parses the body of a 200 answer to a file report. `None` when it is not JSON or has no
/// `data.attributes` object (a malformed answer, not a verdict).
pub fn parse_file_report(body: &[u8]) -> Option<VtVerdict> {
    let root: Value = serde_json::from_slice(body).ok()?;
    let attributes = root.get("data")?.get("attributes")?.as_object()?;
    Some(verdict_from_attributes(attributes))
}

/// The verdict carried by a file object's `attributes`.
fn verdict_from_attributes(attributes: &Map<String, Value>) -> VtVerdict {
    let stats = attributes
        .get("last_analysis_stats")
        .and_then(Value::as_object);
    let stat = |key: &str| {
        stats
            .and_then(|s| s.get(key))
            .and_then(as_count)
            .unwrap_or(0)
    };
    let total: u64 = STATS_KEYS.iter().map(|k| stat(k)).sum();
    VtVerdict {
        positives: saturate(stat("malicious")),
        total: saturate(total),
        history: VtHistory {
            names: strings(attributes.get("names")),
            tags: strings(attributes.get("tags")),
            submissions: attributes
                .get("times_submitted")
                .and_then(as_count)
                .unwrap_or(0),
            first_submission: date(attributes.get("first_submission_date")),
            last_submission: date(attributes.get("last_submission_date")),
        },
    }
}

/// Unix seconds as an RFC 3339 UTC timestamp (`2024-01-02T03:04:05Z`); `None` out of range.
pub fn unix_to_rfc3339(seconds: i64) -> Option<String> {
    DateTime::from_timestamp(seconds, 0).map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// A non-negative whole number, whether JSON wrote it as `25` or `25.0`.
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

/// The strings of a JSON array (other elements skipped); empty when absent.
fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn date(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_i64).and_then(unix_to_rfc3339)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vt::fixtures::REPORT_25_OF_72;

    #[test]
    fn full_report_gives_positives_total_and_history() {
        let v = parse_file_report(REPORT_25_OF_72.as_bytes()).unwrap();
        assert_eq!(v.positives, 25);
        assert_eq!(v.total, 72);
        assert_eq!(v.history.names, ["eicar.com", "eicar.txt"]);
        assert_eq!(v.history.tags, ["text", "attachment"]);
        assert_eq!(v.history.submissions, 1_234_567);
        assert_eq!(
            v.history.first_submission.as_deref(),
            Some("2006-05-22T12:42:02Z")
        );
        assert_eq!(
            v.history.last_submission.as_deref(),
            Some("2024-01-02T03:04:05Z")
        );
    }

    #[test]
    fn missing_and_odd_fields_are_absent_not_errors() {
        let body = br#"{"data": {"type": "file", "attributes": {
            "names": ["a.exe", 7, null],
            "tags": "not-a-list",
            "times_submitted": "many",
            "first_submission_date": null,
            "last_analysis_stats": {"malicious": 3.0, "undetected": 60, "future-key": 9},
            "something_new": {"x": 1}
        }}}"#;
        let v = parse_file_report(body).unwrap();
        assert_eq!((v.positives, v.total), (3, 63));
        assert_eq!(v.history.names, ["a.exe"]);
        assert!(v.history.tags.is_empty());
        assert_eq!(v.history.submissions, 0);
        assert_eq!(v.history.first_submission, None);
    }

    #[test]
    fn empty_attributes_give_a_zero_verdict() {
        let v = parse_file_report(br#"{"data": {"attributes": {}}}"#).unwrap();
        assert_eq!(v, VtVerdict::default());
    }

    #[test]
    fn bodies_without_a_file_object_are_malformed() {
        for body in [
            &b"<html>oops</html>"[..],
            b"",
            b"{\"data\": \"https://upload\"}",
            b"{\"data\": {\"id\": \"x\"}}",
            b"{\"error\": {\"code\": \"NotFoundError\"}}",
        ] {
            assert_eq!(
                parse_file_report(body),
                None,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn unix_seconds_format_as_rfc3339_utc() {
        assert_eq!(unix_to_rfc3339(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(
            unix_to_rfc3339(1_704_164_645).as_deref(),
            Some("2024-01-02T03:04:05Z")
        );
        assert_eq!(unix_to_rfc3339(i64::MAX), None);
    }
}
