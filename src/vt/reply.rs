//! What an answer from VirusTotal means for the scanner (vt-api.md §3 and §7): a verdict, "not
//! in VirusTotal", one of the quota answers, a wrong key, a failure worth retrying, or a failure
//! that retrying cannot fix. The caller turns connection errors and timeouts into
//! [`VtReply::Transient`] itself.

use serde_json::Value;

use super::file_object::parse_file_report;
use crate::model::VtVerdict;

/// The reason given when a 200 answer does not hold a file object.
const MALFORMED: &str = "malformed answer";

/// The meaning of one answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VtReply {
    /// 200 with a file object.
    Found(VtVerdict),
    /// 404 `NotFoundError`: VirusTotal does not know the file (a result, not a failure).
    NotFound,
    /// 429 `QuotaExceededError` (minute, daily or monthly quota): empty the bucket.
    QuotaExceeded,
    /// 429 `TooManyRequestsError`: a burst; back off briefly and retry.
    TooManyRequests,
    /// 401: no key, inactive account or wrong key (the error code): stop lookups for the run.
    WrongKey(String),
    /// Worth retrying with backoff (5xx, HTML front-end pages, a 200 that does not parse); the
    /// reason shown as `error (<reason>)` once retries are spent, e.g. `HTTP 503`.
    Transient(String),
    /// Retrying cannot help (400, 403, other 4xx); the reason for `error (<reason>)`.
    Fatal(String),
}

impl VtReply {
    /// Whether the request should be sent again after a backoff (through the quota).
    pub fn is_retryable(&self) -> bool {
        matches!(self, VtReply::Transient(_) | VtReply::TooManyRequests)
    }
}

/// Classifies the answer to a file report request (`GET /files/{id}`).
pub fn classify(status: u16, content_type: Option<&str>, body: &[u8]) -> VtReply {
    if status != 200 {
        return classify_error(status, content_type, body);
    }
    if !is_json(content_type) {
        return VtReply::Transient(MALFORMED.to_owned());
    }
    match parse_file_report(body) {
        Some(verdict) => VtReply::Found(verdict),
        None => VtReply::Transient(MALFORMED.to_owned()),
    }
}

/// Classifies a non-200 answer to any API request by status and VirusTotal error code. A 200
/// gives `Fatal("HTTP 200")`: the caller parses successes itself.
pub fn classify_error(status: u16, content_type: Option<&str>, body: &[u8]) -> VtReply {
    let code = if is_json(content_type) {
        error_code(body)
    } else {
        None
    };
    let http = format!("HTTP {status}");
    match (status, code.as_deref()) {
        (401, Some(code)) => VtReply::WrongKey(code.to_owned()),
        (401, None) => VtReply::WrongKey(http),
        (404, Some("NotFoundError")) => VtReply::NotFound,
        (429, Some("TooManyRequestsError")) => VtReply::TooManyRequests,
        // Any other 429 is a quota answer: stopping is the safe reading.
        (429, _) => VtReply::QuotaExceeded,
        // "The resource will exist later": a retry much later may work.
        (400, Some("NotAvailableYet")) => VtReply::Transient(http),
        (500..=599, _) => VtReply::Transient(http),
        (400..=499, _) | (200, _) => VtReply::Fatal(http),
        // Informational, redirects, other successes: a proxy in the way, most likely.
        _ => VtReply::Transient(http),
    }
}

/// Whether the answer may be JSON: `application/json` (any parameters, any case), or no
/// content type at all (then the body decides).
fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_none_or(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
    })
}

/// `error.code` of a JSON error envelope.
fn error_code(body: &[u8]) -> Option<String> {
    let root: Value = serde_json::from_slice(body).ok()?;
    Some(root.get("error")?.get("code")?.as_str()?.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vt::fixtures::*;

    const JSON: Option<&str> = Some("application/json");

    #[test]
    fn file_report_is_found_with_its_verdict() {
        match classify(
            200,
            Some("application/json; charset=utf-8"),
            REPORT_25_OF_72.as_bytes(),
        ) {
            VtReply::Found(v) => {
                assert_eq!((v.positives, v.total), (25, 72));
                assert_eq!(v.history.names, ["eicar.com", "eicar.txt"]);
            }
            other => panic!("expected Found, got {other:?}"),
        }
        assert!(matches!(
            classify(200, None, REPORT_25_OF_72.as_bytes()),
            VtReply::Found(_)
        ));
    }

    #[test]
    fn garbage_200_is_a_transient_malformed_answer() {
        let malformed = VtReply::Transient("malformed answer".to_owned());
        assert_eq!(classify(200, JSON, b"{\"data\": [1, 2"), malformed);
        assert_eq!(classify(200, JSON, b"\x00\xff garbage"), malformed);
        assert_eq!(
            classify(200, Some("text/html"), b"<html></html>"),
            malformed
        );
        assert_eq!(
            classify(200, Some("text/html"), REPORT_25_OF_72.as_bytes()),
            malformed
        );
        assert!(malformed.is_retryable());
    }

    #[test]
    fn not_found_is_a_result() {
        assert_eq!(classify(404, JSON, NOT_FOUND.as_bytes()), VtReply::NotFound);
        assert!(!VtReply::NotFound.is_retryable());
        // A 404 that is not VirusTotal's (wrong --vturl, a trailing slash) is no verdict.
        assert_eq!(
            classify(404, Some("text/html"), b"<html>Not Found</html>"),
            VtReply::Fatal("HTTP 404".to_owned())
        );
    }

    #[test]
    fn quota_answers_are_told_apart() {
        assert_eq!(
            classify(429, JSON, QUOTA_EXCEEDED.as_bytes()),
            VtReply::QuotaExceeded
        );
        assert_eq!(
            classify(429, JSON, TOO_MANY_REQUESTS.as_bytes()),
            VtReply::TooManyRequests
        );
        assert!(VtReply::TooManyRequests.is_retryable());
        assert!(!VtReply::QuotaExceeded.is_retryable());
        // An unreadable 429 is still a quota answer.
        assert_eq!(
            classify(429, Some("text/plain"), b"slow down"),
            VtReply::QuotaExceeded
        );
    }

    #[test]
    fn every_401_is_a_wrong_key() {
        assert_eq!(
            classify(401, JSON, WRONG_KEY.as_bytes()),
            VtReply::WrongKey("WrongCredentialsError".to_owned())
        );
        assert_eq!(
            classify(401, JSON, NO_KEY.as_bytes()),
            VtReply::WrongKey("AuthenticationRequiredError".to_owned())
        );
        assert_eq!(
            classify(
                401,
                JSON,
                br#"{"error": {"code": "UserNotActiveError", "message": "User is not active"}}"#
            ),
            VtReply::WrongKey("UserNotActiveError".to_owned())
        );
        assert_eq!(
            classify(401, Some("text/html"), b"<html/>"),
            VtReply::WrongKey("HTTP 401".to_owned())
        );
    }

    #[test]
    fn server_failures_are_transient() {
        assert_eq!(
            classify(503, Some("text/html; charset=UTF-8"), HTML_503.as_bytes()),
            VtReply::Transient("HTTP 503".to_owned())
        );
        assert_eq!(
            classify(
                503,
                JSON,
                br#"{"error": {"code": "TransientError", "message": "Transient server error. Retry might work."}}"#
            ),
            VtReply::Transient("HTTP 503".to_owned())
        );
        assert_eq!(
            classify(
                504,
                JSON,
                br#"{"error": {"code": "DeadlineExceededError", "message": "The operation took too long to complete."}}"#
            ),
            VtReply::Transient("HTTP 504".to_owned())
        );
        assert_eq!(
            classify(500, None, b""),
            VtReply::Transient("HTTP 500".to_owned())
        );
        assert_eq!(
            classify(302, None, b""),
            VtReply::Transient("HTTP 302".to_owned())
        );
    }

    #[test]
    fn client_errors_are_not_retried() {
        assert_eq!(
            classify(
                400,
                JSON,
                br#"{"error": {"code": "BadRequestError", "message": "bad"}}"#
            ),
            VtReply::Fatal("HTTP 400".to_owned())
        );
        assert_eq!(
            classify(
                403,
                JSON,
                br#"{"error": {"code": "ForbiddenError", "message": "no"}}"#
            ),
            VtReply::Fatal("HTTP 403".to_owned())
        );
        assert_eq!(
            classify(413, Some("text/html"), b"<html>too large</html>"),
            VtReply::Fatal("HTTP 413".to_owned())
        );
        assert!(!VtReply::Fatal("HTTP 403".to_owned()).is_retryable());
        assert_eq!(
            classify(
                400,
                JSON,
                br#"{"error": {"code": "NotAvailableYet", "message": "later"}}"#
            ),
            VtReply::Transient("HTTP 400".to_owned())
        );
    }
}
