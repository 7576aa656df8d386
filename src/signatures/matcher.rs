//! The per-thread YARA matcher: yara-x `Scanner`s built on the worker thread from the shared
//! rules and reused file after file; the externals are set for each file, then the bytes are
//! scanned and every matching public, non-global rule becomes a [`Reason`].
//!
//! Most rules see only the content. Their reasons are kept in the shared [`ContentCache`] by
//! the content's SHA-256, so a file whose content was matched before is scanned only with the
//! rules of the files that read an external (path, owner, MD5; compiled apart as
//! [`SignatureSet::path_rules`]), and the cached reasons are added. Either way the reasons come
//! in the same order: the content rules' first, then those of the rules that read externals.
//!
//! [`ContentCache`]: super::ContentCache

use std::path::Path;

use yara_x::{ScanError, ScanResults, Scanner};

use crate::model::{Md5, Reason, Sha256};

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
    /// The SHA-256 of the bytes, the key of the content-keyed cache; `None`: the file is
    /// matched with every rule and nothing is cached.
    pub sha256: Option<Sha256>,
}

/// After scanning more than this many bytes, the scanner is built anew: yara-x keeps the
/// storage of a scan's pattern matches for the next scan, and a large text file can leave
/// hundreds of MB behind (a 200 MB log with signature-base: ~250 MB).
const RENEW_AFTER: usize = 64 * 1024 * 1024;

/// Scans files with the loaded rules. Create one per worker thread.
pub struct FileMatcher<'a> {
    set: &'a SignatureSet,
    /// Every rule.
    all: Scanner<'a>,
    /// The rules that read an external, for content matched before.
    path: Option<Scanner<'a>>,
    timeout: std::time::Duration,
}

impl<'a> FileMatcher<'a> {
    /// A matcher over `set`'s rules, with its YARA timeout.
    pub fn new(set: &'a SignatureSet) -> Self {
        let timeout = set.yara_timeout();
        FileMatcher {
            set,
            all: new_scanner(set.rules(), timeout),
            path: set.path_rules().map(|rules| new_scanner(rules, timeout)),
            timeout,
        }
    }

    /// Scans `data`, the content of `path`, and returns a reason per matching rule: the rules
    /// that read no external first, then the others, each group in rule order. A timeout or a
    /// module failure is an error for this file only.
    pub fn scan(
        &mut self,
        path: &Path,
        data: &[u8],
        ctx: &FileContext<'_>,
    ) -> Result<Vec<Reason>, SignatureError> {
        let cache = self.set.content_cache();
        if let Some(sha256) = &ctx.sha256
            && let Some(cached) = cache.get(sha256)
        {
            let mut reasons = cached;
            if let (Some(scanner), Some(rules)) = (&mut self.path, self.set.path_rules()) {
                {
                    let results = run(scanner, path, data, ctx, self.timeout)?;
                    reasons.extend(reported(&results).map(|rule| yara_reason(&rule)));
                }
                renew_after_big(scanner, rules, data, self.timeout);
            }
            return Ok(reasons);
        }
        let mut content = Vec::new();
        let mut by_path = Vec::new();
        {
            let results = run(&mut self.all, path, data, ctx, self.timeout)?;
            for rule in reported(&results) {
                if self.set.is_path_namespace(rule.namespace()) {
                    by_path.push(yara_reason(&rule));
                } else {
                    content.push(yara_reason(&rule));
                }
            }
        }
        if let Some(sha256) = ctx.sha256 {
            cache.insert(sha256, &content);
        }
        renew_after_big(&mut self.all, self.set.rules(), data, self.timeout);
        content.extend(by_path);
        Ok(content)
    }
}

/// Sets the externals of `path` and scans `data`.
fn run<'s, 'r>(
    scanner: &'s mut Scanner<'r>,
    path: &Path,
    data: &'s [u8],
    ctx: &FileContext<'_>,
    timeout: std::time::Duration,
) -> Result<ScanResults<'s, 'r>, SignatureError> {
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
        scanner
            .set_global(ident, value)
            .map_err(|err| SignatureError::Scan {
                path: path.to_path_buf(),
                message: format!("cannot set external `{ident}`: {err}"),
            })?;
    }
    scanner.scan(data).map_err(|err| match err {
        ScanError::Timeout => SignatureError::ScanTimeout {
            path: path.to_path_buf(),
            timeout,
        },
        other => SignatureError::Scan {
            path: path.to_path_buf(),
            message: other.to_string(),
        },
    })
}

/// The matching rules that become reasons (global rules only gate the others).
fn reported<'r>(
    results: &'r ScanResults<'_, '_>,
) -> impl Iterator<Item = yara_x::Rule<'r, 'r>> + 'r {
    results.matching_rules().filter(|rule| !rule.is_global())
}

/// Builds `scanner` anew after a scan of more than [`RENEW_AFTER`] bytes: yara-x keeps a
/// scan's match storage for the next one.
fn renew_after_big<'r>(
    scanner: &mut Scanner<'r>,
    rules: &'r yara_x::Rules,
    data: &[u8],
    timeout: std::time::Duration,
) {
    if data.len() > RENEW_AFTER {
        *scanner = new_scanner(rules, timeout);
    }
}

/// A scanner over `rules` with the per-file timeout.
fn new_scanner(rules: &yara_x::Rules, timeout: std::time::Duration) -> Scanner<'_> {
    let mut scanner = Scanner::new(rules);
    scanner.set_timeout(timeout);
    scanner
}
