//! The per-thread YARA matcher: one yara-x `Scanner` built on the worker thread from the
//! shared rules and reused file after file; the externals are set for each file, then the
//! bytes are scanned and every matching public, non-global rule becomes a [`Reason`].

use std::path::Path;

use yara_x::{ScanError, Scanner};

use crate::model::{Md5, Reason};

use super::SignatureSet;
use super::error::SignatureError;
use super::externals::split_path;
use super::reason::yara_reason;

/// What the matcher needs to know about a file besides its path and bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileContext<'c> {
    /// The `extension` external ([`super::externals::extension`]).
    pub extension: &'c str,
    /// The `filetype` external ([`super::magic::magic_type`]), empty when unknown.
    pub filetype: &'c str,
    /// The `owner` external ([`super::externals::OwnerNames`]).
    pub owner: &'c str,
    /// The MD5, when computed (the `md5` external is empty otherwise).
    pub md5: Option<Md5>,
}

/// After scanning more than this many bytes, the scanner is built anew: yara-x keeps the
/// storage of a scan's pattern matches for the next scan, and a large text file can leave
/// hundreds of MB behind (a 200 MB log with signature-base: ~250 MB).
const RENEW_AFTER: usize = 64 * 1024 * 1024;

/// Scans files with the loaded rules. Create one per worker thread.
pub struct FileMatcher<'a> {
    rules: &'a yara_x::Rules,
    scanner: Scanner<'a>,
    timeout: std::time::Duration,
}

impl<'a> FileMatcher<'a> {
    /// A matcher over `set`'s rules, with its YARA timeout.
    pub fn new(set: &'a SignatureSet) -> Self {
        let timeout = set.yara_timeout();
        FileMatcher {
            rules: set.rules(),
            scanner: scanner(set.rules(), timeout),
            timeout,
        }
    }

    /// Scans `data`, the content of `path`, and returns a reason per matching rule, in rule
    /// order. A timeout or a module failure is an error for this file only.
    pub fn scan(
        &mut self,
        path: &Path,
        data: &[u8],
        ctx: &FileContext<'_>,
    ) -> Result<Vec<Reason>, SignatureError> {
        let (dir, name) = split_path(path.as_os_str().as_encoded_bytes());
        let mut md5_hex = [0u8; 2 * Md5::LEN];
        let md5: &[u8] = match &ctx.md5 {
            Some(md5) => match hex::encode_to_slice(md5.0, &mut md5_hex) {
                Ok(()) => &md5_hex,
                Err(_) => b"",
            },
            None => b"",
        };
        let globals: [(&str, &[u8]); 6] = [
            ("filename", name),
            ("filepath", dir),
            ("extension", ctx.extension.as_bytes()),
            ("filetype", ctx.filetype.as_bytes()),
            ("owner", ctx.owner.as_bytes()),
            ("md5", md5),
        ];
        for (ident, value) in globals {
            self.scanner
                .set_global(ident, value)
                .map_err(|err| SignatureError::Scan {
                    path: path.to_path_buf(),
                    message: format!("cannot set external `{ident}`: {err}"),
                })?;
        }
        let reasons = match self.scanner.scan(data) {
            Ok(results) => Ok(results
                .matching_rules()
                .filter(|rule| !rule.is_global())
                .map(|rule| yara_reason(&rule))
                .collect()),
            Err(ScanError::Timeout) => Err(SignatureError::ScanTimeout {
                path: path.to_path_buf(),
                timeout: self.timeout,
            }),
            Err(other) => Err(SignatureError::Scan {
                path: path.to_path_buf(),
                message: other.to_string(),
            }),
        };
        if data.len() > RENEW_AFTER {
            self.scanner = scanner(self.rules, self.timeout);
        }
        reasons
    }
}

/// A scanner over `rules` with the per-file timeout.
fn scanner(rules: &yara_x::Rules, timeout: std::time::Duration) -> Scanner<'_> {
    let mut scanner = Scanner::new(rules);
    scanner.set_timeout(timeout);
    scanner
}
