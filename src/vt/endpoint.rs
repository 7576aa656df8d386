//! Where requests go: the API base (`--vturl`), the file report URL, and the GUI permalink that
//! the API itself does not return (vt-api.md §2).

use super::VtError;
use crate::model::Sha256;

/// The public API base (`--vturl` default).
pub const DEFAULT_BASE: &str = "https://www.virustotal.com/api/v3";

/// The GUI file report, which clients build themselves (the API returns no permalink).
pub const PERMALINK_BASE: &str = "https://www.virustotal.com/gui/file/";

/// `GET {base}/files/{sha256}`: the file report. `base` may end in `/` or not; the result never
/// has a trailing slash (VirusTotal answers 404 to `/files/` with one).
pub fn file_report_url(base: &str, sha256: &Sha256) -> String {
    format!("{}/files/{sha256}", base.trim_end_matches('/'))
}

/// `https://www.virustotal.com/gui/file/<sha256>`, the link findings carry.
pub fn permalink(sha256: &Sha256) -> String {
    format!("{PERMALINK_BASE}{sha256}")
}

/// Checks a `--vturl` value: an `http://` or `https://` URL with a host; returns it without
/// trailing slashes.
pub fn validate_base(url: &str) -> Result<String, VtError> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') => Ok(trimmed.to_owned()),
        _ => Err(VtError::BadBaseUrl {
            url: url.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";

    fn sha() -> Sha256 {
        Sha256::from_hex(HASH).unwrap()
    }

    #[test]
    fn file_report_url_with_or_without_trailing_slash() {
        let expected = format!("https://www.virustotal.com/api/v3/files/{HASH}");
        assert_eq!(file_report_url(DEFAULT_BASE, &sha()), expected);
        assert_eq!(
            file_report_url("https://www.virustotal.com/api/v3/", &sha()),
            expected
        );
        assert_eq!(
            file_report_url("http://127.0.0.1:8080/api/v3", &sha()),
            format!("http://127.0.0.1:8080/api/v3/files/{HASH}")
        );
    }

    #[test]
    fn permalink_is_the_gui_file_page() {
        assert_eq!(
            permalink(&sha()),
            format!("https://www.virustotal.com/gui/file/{HASH}")
        );
    }

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(
            validate_base("http://127.0.0.1:9/api/v3/").unwrap(),
            "http://127.0.0.1:9/api/v3"
        );
        assert_eq!(validate_base(DEFAULT_BASE).unwrap(), DEFAULT_BASE);
        for bad in [
            "",
            "www.virustotal.com/api/v3",
            "ftp://x",
            "https://",
            "http:///x",
        ] {
            let err = validate_base(bad).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "VirusTotal API base URL {bad:?} must start with http:// or https:// and name a host"
                )
            );
        }
    }
}
