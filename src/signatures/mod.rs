//! Signatures: everything a file is matched against, and the matching.
//!
//! [`SignatureSet::load`] reads the embedded default rules, `--signatures` folders and custom
//! signatures (signature-base layout: `yara/**.yar|.yara`, `iocs/*hash*|*filename*|*c2*|
//! *trusted-hash*.txt`), compiles each rule file in its own namespace with the THOR externals
//! (or takes the compiled rules from the on-disk cache), and parses the IOC lists. Problems in
//! single files or lines are [`Diagnostic`]s naming file and line; loading goes on.
//!
//! Per file, a worker thread holds a [`FileMatcher`] (one reused yara-x scanner) for the YARA
//! rules, and asks the shared set for hash IOC reasons ([`SignatureSet::hash_reasons`]),
//! trusted hashes ([`SignatureSet::is_trusted`]) and filename IOC reasons
//! ([`SignatureSet::filename_reasons`], one `RegexSet` pass). [`magic`] gives the `filetype`
//! and the type pre-filter, [`externals`] the path-derived externals and owner names.

mod c2_iocs;
mod cache;
mod compile;
mod content_cache;
mod cross_platform;
mod embedded;
mod error;
pub mod externals;
mod externals_usage;
mod filename_iocs;
mod hash_iocs;
mod ioc_lines;
pub mod magic;
mod matcher;
mod options;
mod reason;
mod sources;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use yara_x::Rules;

use crate::model::{Hashes, Reason};

pub use c2_iocs::{C2Ioc, C2Value, DEFAULT_C2_SCORE};
pub use compile::EXTERNALS;
pub use content_cache::{ContentCache, DEFAULT_CONTENT_CACHE_BYTES};
pub use cross_platform::{is_literal, to_cross_platform};
pub use error::{Diagnostic, Severity, SignatureError};
pub use filename_iocs::{FilenameIoc, FilenameIocBuilder, FilenameIocSet};
pub use hash_iocs::{DEFAULT_HASH_SCORE, HashHit, HashIoc, HashIocSet, HexDigest};
pub use matcher::{FileContext, FileMatcher};
pub use options::{
    DEFAULT_CUSTOM_DIR, DEFAULT_YARA_TIMEOUT, LoadOptions, default_cache_dir, default_custom_dir,
};
pub use reason::{DEFAULT_RULE_SCORE, MAX_MATCHED_BYTES, MAX_MATCHED_PER_RULE, escape};

use compile::Compiled;
use sources::{IocKind, Sources};

/// How much was loaded: for the start banner and the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignatureCounts {
    /// Compiled YARA rules (including private and global ones), as yara-x counts them.
    pub rules: usize,
    /// Rule files given to the compiler (embedded ones included).
    pub rule_files: usize,
    /// Rule files whose rules read an external (matched again for every file; the other
    /// rules' reasons are reused for content seen before).
    pub path_rule_files: usize,
    /// Hash IOC entries.
    pub hash_iocs: usize,
    /// Trusted-hash entries.
    pub trusted_hashes: usize,
    /// Filename IOC entries.
    pub filename_iocs: usize,
    /// C2 IOC entries.
    pub c2_iocs: usize,
    /// Rule-file compile errors (each a [`Diagnostic`]).
    pub compile_errors: usize,
    /// Compiler warnings.
    pub rule_warnings: usize,
    /// Malformed IOC lines skipped.
    pub ioc_warnings: usize,
}

/// Everything loaded: compiled rules and IOC lists. Shared read-only by all worker threads.
pub struct SignatureSet {
    rules: Rules,
    path_rules: Option<Rules>,
    path_namespaces: HashSet<String>,
    content_cache: ContentCache,
    counts: SignatureCounts,
    hash_iocs: HashIocSet,
    trusted: HashIocSet,
    filename_iocs: FilenameIocSet,
    c2_iocs: Vec<C2Ioc>,
    diagnostics: Vec<Diagnostic>,
    rule_warnings: Vec<Diagnostic>,
    rules_use_md5: bool,
    from_cache: bool,
    cache_file: Option<PathBuf>,
    folders: Vec<PathBuf>,
    yara_timeout: Duration,
}

impl std::fmt::Debug for SignatureSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignatureSet")
            .field("counts", &self.counts)
            .field("from_cache", &self.from_cache)
            .field("cache_file", &self.cache_file)
            .finish_non_exhaustive()
    }
}

impl SignatureSet {
    /// Loads and compiles everything `options` names.
    ///
    /// Fails only when a named folder is missing or unreadable, when `strict` is set and a rule
    /// file does not compile, or when nothing usable (no rule, no IOC) was loaded. Everything
    /// else is a [`Diagnostic`] in [`SignatureSet::diagnostics`].
    pub fn load(options: &LoadOptions) -> Result<SignatureSet, SignatureError> {
        let mut sources = Sources::default();
        let mut folders = Vec::new();
        if !options.custom_only {
            if options.embedded {
                sources.add_embedded();
            }
            for (index, dir) in options.signature_dirs.iter().enumerate() {
                sources.add_folder(dir, crate::model::Origin::External, index)?;
                folders.push(dir.clone());
            }
        }
        for (index, dir) in options.custom_dirs.iter().enumerate() {
            sources.add_folder(dir, crate::model::Origin::Custom, index)?;
            folders.push(dir.clone());
        }

        // The IOC lists (parsing, the filename `RegexSet`) and the rules (compiled, or taken
        // from the cache) do not depend on each other: load them side by side. With the full
        // signature-base the IOC side costs about as long as a warm rules load.
        let (compiled, iocs) = std::thread::scope(|scope| {
            let iocs = scope.spawn(|| IocLists::load(&sources, options.cross_platform));
            let started = std::time::Instant::now();
            let compiled = compile_or_load(&sources.rules, options.cache_dir.as_deref());
            tracing::debug!(
                "{} rule files {} in {:.2?}",
                compiled.0.report.rule_files,
                if compiled.1 {
                    "loaded from the cache"
                } else {
                    "compiled"
                },
                started.elapsed()
            );
            let iocs = iocs
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (compiled, iocs)
        });
        let (
            Compiled {
                rules,
                path_rules,
                report,
            },
            from_cache,
            cache_file,
        ) = compiled;
        let IocLists {
            hash_iocs,
            trusted,
            filename_iocs,
            c2,
            warnings: ioc_warnings,
            diagnostics: ioc_diagnostics,
        } = iocs;

        let mut diagnostics = std::mem::take(&mut sources.diagnostics);
        diagnostics.extend(report.notices.iter().cloned());
        diagnostics.extend(report.errors.iter().cloned());
        diagnostics.extend(ioc_diagnostics);
        if options.strict
            && let Some(first) = report.errors.first()
        {
            return Err(SignatureError::Strict {
                first: Box::new(first.clone()),
                count: report.errors.len(),
            });
        }

        // The namespaces whose rules read an external: those of the rules compiled apart.
        let path_namespaces: HashSet<String> = path_rules
            .iter()
            .flat_map(Rules::iter)
            .map(|rule| rule.namespace().to_owned())
            .collect();
        let counts = SignatureCounts {
            rules: rules.iter().len(),
            rule_files: report.rule_files,
            path_rule_files: path_namespaces.len(),
            hash_iocs: hash_iocs.len(),
            trusted_hashes: trusted.len(),
            filename_iocs: filename_iocs.len(),
            c2_iocs: c2.len(),
            compile_errors: report.errors.len(),
            rule_warnings: report.warnings.len(),
            ioc_warnings: ioc_warnings.len(),
        };
        diagnostics.extend(ioc_warnings);
        if counts.rules == 0
            && counts.hash_iocs == 0
            && counts.filename_iocs == 0
            && counts.c2_iocs == 0
        {
            return Err(SignatureError::NoUsableSignatures);
        }
        Ok(SignatureSet {
            rules,
            path_rules,
            path_namespaces,
            content_cache: ContentCache::new(options.content_cache_bytes),
            counts,
            hash_iocs,
            trusted,
            filename_iocs,
            c2_iocs: c2,
            diagnostics,
            rules_use_md5: report.uses_md5,
            rule_warnings: report.warnings,
            from_cache,
            cache_file,
            folders,
            yara_timeout: options.yara_timeout,
        })
    }

    /// The compiled rules (for a [`FileMatcher`], or `yr`-style tooling).
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The rules of the files that read an external, compiled on their own; `None` when no
    /// loaded file reads one.
    pub fn path_rules(&self) -> Option<&Rules> {
        self.path_rules.as_ref()
    }

    /// True when the rules of `namespace` read an external (they are in
    /// [`SignatureSet::path_rules`]).
    pub fn is_path_namespace(&self, namespace: &str) -> bool {
        self.path_namespaces.contains(namespace)
    }

    /// The namespaces of the rule files that read an external, sorted.
    pub fn path_namespaces(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.path_namespaces.iter().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// The content-keyed cache of the other rules' reasons, shared by all matchers.
    pub fn content_cache(&self) -> &ContentCache {
        &self.content_cache
    }

    /// The per-file scan timeout.
    pub fn yara_timeout(&self) -> Duration {
        self.yara_timeout
    }

    /// How much was loaded.
    pub fn counts(&self) -> SignatureCounts {
        self.counts
    }

    /// Problems to show the user: unreadable files, rule files that did not compile, malformed
    /// IOC lines. Compiler warnings are in [`SignatureSet::rule_warnings`].
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Compiler warnings (counted in the banner, printed only on request).
    pub fn rule_warnings(&self) -> &[Diagnostic] {
        &self.rule_warnings
    }

    /// True when the compiled rules came from the on-disk cache instead of the compiler.
    pub fn from_cache(&self) -> bool {
        self.from_cache
    }

    /// The compiled-rules cache file used or written, if any (never reported as a finding).
    pub fn cache_file(&self) -> Option<&Path> {
        self.cache_file.as_deref()
    }

    /// The signature folders loaded (never reported as findings).
    pub fn folders(&self) -> &[PathBuf] {
        &self.folders
    }

    /// True when MD5 must be computed: an MD5 hash IOC or trusted hash is loaded, or a rule
    /// reads the `md5` external.
    pub fn needs_md5(&self) -> bool {
        self.rules_use_md5 || self.hash_iocs.has_md5() || self.trusted.has_md5()
    }

    /// True when a loaded rule reads the `md5` external.
    pub fn rules_use_md5(&self) -> bool {
        self.rules_use_md5
    }

    /// True when SHA-1 must be computed: a SHA-1 hash IOC or trusted hash is loaded.
    pub fn needs_sha1(&self) -> bool {
        self.hash_iocs.has_sha1() || self.trusted.has_sha1()
    }

    /// A reason per hash IOC matching one of the computed digests.
    pub fn hash_reasons(&self, hashes: &Hashes) -> Vec<Reason> {
        self.hash_iocs
            .lookup(hashes)
            .iter()
            .map(reason::hash_reason)
            .collect()
    }

    /// True when the file is a trusted hash (`*trusted-hash*`, `*falsepositive-hash*`): it is
    /// never reported.
    pub fn is_trusted(&self, hashes: &Hashes) -> bool {
        self.trusted.contains(hashes)
    }

    /// A reason per filename IOC matching the full path (false positives removed; negative
    /// scores kept).
    pub fn filename_reasons(&self, path: &Path) -> Vec<Reason> {
        self.filename_iocs
            .matching(path.as_os_str().as_encoded_bytes())
            .into_iter()
            .map(reason::filename_reason)
            .collect()
    }

    /// The C2 IOCs (for the process check's network connections).
    pub fn c2_iocs(&self) -> &[C2Ioc] {
        &self.c2_iocs
    }
}

/// The IOC lists of one load, and what else is read off the sources besides compiling them.
struct IocLists {
    hash_iocs: HashIocSet,
    trusted: HashIocSet,
    filename_iocs: FilenameIocSet,
    c2: Vec<C2Ioc>,
    /// Malformed IOC lines (counted apart in the banner).
    warnings: Vec<Diagnostic>,
    /// Problems building the filename IOC set.
    diagnostics: Vec<Diagnostic>,
}

impl IocLists {
    /// Parses every IOC file of `sources` and builds the filename IOC set.
    fn load(sources: &Sources, cross_platform: bool) -> IocLists {
        let mut warnings = Vec::new();
        let mut hash_iocs = HashIocSet::default();
        let mut trusted = HashIocSet::default();
        let mut filename_builder = FilenameIocBuilder::new(cross_platform);
        let mut c2 = Vec::new();
        for ioc in &sources.iocs {
            match ioc.kind {
                IocKind::Hash => {
                    hash_iocs.add_file(&ioc.path, &ioc.text, ioc.origin, &mut warnings)
                }
                IocKind::Trusted => {
                    trusted.add_file(&ioc.path, &ioc.text, ioc.origin, &mut warnings)
                }
                IocKind::Filename => {
                    filename_builder.add_file(&ioc.path, &ioc.text, ioc.origin, &mut warnings);
                }
                IocKind::C2 => {
                    c2_iocs::parse_file(&ioc.path, &ioc.text, ioc.origin, &mut c2, &mut warnings);
                }
            }
        }
        let started = std::time::Instant::now();
        let mut diagnostics = Vec::new();
        let filename_iocs = filename_builder.build(&mut diagnostics);
        let (literal, regex) = filename_iocs.literal_and_regex_counts();
        tracing::debug!(
            "{} filename IOCs ({literal} as literals, {regex} as regexes) compiled in {:.2?}",
            filename_iocs.len(),
            started.elapsed()
        );
        IocLists {
            hash_iocs,
            trusted,
            filename_iocs,
            c2,
            warnings,
            diagnostics,
        }
    }
}

/// Takes the compiled rules from the cache when possible, else compiles (and caches) them.
/// Also says whether they came from the cache, and the cache file.
fn compile_or_load(
    sources: &[sources::RuleSource],
    cache_dir: Option<&Path>,
) -> (Compiled, bool, Option<PathBuf>) {
    let Some(dir) = cache_dir else {
        return (compile::compile(sources), false, None);
    };
    let path = cache::cache_path(dir, &cache::cache_key(sources));
    if let Some(compiled) = cache::load(&path) {
        return (compiled, true, Some(path));
    }
    let compiled = compile::compile(sources);
    let started = std::time::Instant::now();
    let stored = cache::store(dir, &path, &compiled);
    tracing::debug!("compiled rules cached in {:.2?}", started.elapsed());
    match stored {
        Ok(()) => (compiled, false, Some(path)),
        Err(reason) => {
            tracing::warn!("compiled rules not cached: {reason}");
            (compiled, false, None)
        }
    }
}

#[cfg(test)]
mod tests;
