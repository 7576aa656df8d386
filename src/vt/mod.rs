//! VirusTotal API v3 protocol logic (spec §5, `vt-api.md`): request URLs, the API key that never
//! shows in output, classification of every answer (verdict, unknown, quota, wrong key,
//! transient, fatal), parsing a file object into a [`VtVerdict`](crate::model::VtVerdict), the
//! enrichment and reason a verdict adds to a finding, the retry policy, and full mode's uploads
//! (routes by size, URLs, the multipart framing) and analyses (status, poll backoff). No HTTP
//! client here: the actors crate sends the requests (awc) and hands status, content type and
//! body to [`classify`].

mod analysis;
mod endpoint;
mod enrichment;
mod error;
mod file_object;
#[cfg(test)]
mod fixtures;
mod key;
mod reply;
mod retry;
mod upload;

pub use analysis::{AnalysisStatus, analysed_sha256, parse_analysis, poll_delay};
pub use endpoint::{DEFAULT_BASE, PERMALINK_BASE, file_report_url, permalink, validate_base};
pub use enrichment::{enrichment, reason};
pub use error::VtError;
pub use file_object::{parse_file_report, unix_to_rfc3339};
pub use key::{API_KEY_HEADER, ApiKey};
pub use reply::{VtReply, classify, classify_error};
pub use retry::RetryPolicy;
pub use upload::{
    DIRECT_UPLOAD_LIMIT, Multipart, UPLOAD_URL_LIMIT, UploadRoute, analysis_url, files_url,
    parse_upload_reply, parse_upload_url, route, upload_file_name, upload_url_endpoint,
};
