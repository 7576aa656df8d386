//! Answers shaped like VirusTotal's (vt-api.md §2–§3), shared by the module's tests.

/// A report shaped like VirusTotal's (trimmed), 25 malicious of 72.
pub const REPORT_25_OF_72: &str = r#"{
  "data": {
    "id": "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",
    "type": "file",
    "links": {"self": "https://www.virustotal.com/api/v3/files/275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"},
    "attributes": {
      "md5": "44d88612fea8a8f36de82e1278abb02f",
      "sha1": "3395856ce81f2b7382dee72602f798b642f14140",
      "sha256": "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",
      "size": 68,
      "type_description": "Text",
      "names": ["eicar.com", "eicar.txt"],
      "meaningful_name": "eicar.com",
      "tags": ["text", "attachment"],
      "reputation": -1234,
      "total_votes": {"harmless": 1, "malicious": 20},
      "times_submitted": 1234567,
      "unique_sources": 9000,
      "first_submission_date": 1148301722,
      "last_submission_date": 1704164645,
      "last_analysis_date": 1704164645,
      "last_analysis_stats": {
        "malicious": 25, "suspicious": 1, "undetected": 40, "harmless": 0,
        "timeout": 1, "confirmed-timeout": 1, "failure": 0, "type-unsupported": 4
      },
      "last_analysis_results": {
        "Bkav": {"method": "blacklist", "engine_name": "Bkav", "engine_version": "2.0.0.1",
                 "engine_update": "20240101", "category": "undetected", "result": null}
      },
      "popular_threat_classification": {"suggested_threat_label": "virus.eicar/test"}
    }
  }
}"#;

/// The 404 for an unknown hash.
pub const NOT_FOUND: &str = r#"{"error": {"code": "NotFoundError", "message": "File \"0000000000000000000000000000000000000000000000000000000000000000\" not found"}}"#;

/// The 429 when a quota is used up.
pub const QUOTA_EXCEEDED: &str =
    r#"{"error": {"code": "QuotaExceededError", "message": "Quota exceeded"}}"#;

/// The 429 for bursts.
pub const TOO_MANY_REQUESTS: &str =
    r#"{"error": {"code": "TooManyRequestsError", "message": "Too many requests"}}"#;

/// The 401 for a bad key.
pub const WRONG_KEY: &str =
    r#"{"error": {"code": "WrongCredentialsError", "message": "Wrong API key"}}"#;

/// The 401 without a key.
pub const NO_KEY: &str = r#"{"error": {"code": "AuthenticationRequiredError", "message": "X-Apikey header is missing"}}"#;

/// A 503 from the Google front end: HTML, not JSON.
pub const HTML_503: &str = "<!DOCTYPE html>\n<html lang=en><title>Error 503 (Service Unavailable)!!1</title><p><b>503.</b> <ins>That\u{2019}s an error.</ins>";
