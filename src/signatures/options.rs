//! What to load: [`LoadOptions`], and the default locations of the custom-signatures folder
//! and the compiled-rules cache.

use std::path::PathBuf;
use std::time::Duration;

/// THOR's `--yara-timeout` default: a scan of one file never takes longer than this.
pub const DEFAULT_YARA_TIMEOUT: Duration = Duration::from_secs(90);

/// The custom-signatures folder looked up in the working folder when `--custom-signatures`
/// is not given.
pub const DEFAULT_CUSTOM_DIR: &str = "custom-signatures";

/// What [`super::SignatureSet::load`] loads.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// `--signatures DIR` folders (signature-base layout), origin `external`.
    pub signature_dirs: Vec<PathBuf>,
    /// Custom-signature folders (same layout), origin `custom`. See [`default_custom_dir`].
    pub custom_dirs: Vec<PathBuf>,
    /// `--customonly`: only the custom folders; no embedded set, no `--signatures`.
    pub custom_only: bool,
    /// Load the embedded default rule set (ignored with `custom_only`).
    pub embedded: bool,
    /// Rewrite Windows filename IOCs to apply to Unix paths (`--cross-platform`).
    pub cross_platform: bool,
    /// `--strict-rules`: a rule file that does not compile is fatal.
    pub strict: bool,
    /// Folder for the compiled-rules cache; `None` disables it. See [`default_cache_dir`].
    pub cache_dir: Option<PathBuf>,
    /// `--yara-timeout`: the longest scan of one file.
    pub yara_timeout: Duration,
    /// Budget of the content-keyed match cache in bytes (0: every file is matched with every
    /// rule). See [`super::ContentCache`].
    pub content_cache_bytes: usize,
}

impl Default for LoadOptions {
    /// The embedded set only, no cache, THOR's timeout.
    fn default() -> Self {
        LoadOptions {
            signature_dirs: Vec::new(),
            custom_dirs: Vec::new(),
            custom_only: false,
            embedded: true,
            cross_platform: false,
            strict: false,
            cache_dir: None,
            yara_timeout: DEFAULT_YARA_TIMEOUT,
            content_cache_bytes: super::DEFAULT_CONTENT_CACHE_BYTES,
        }
    }
}

/// `custom-signatures/` in the working folder, when it exists: the custom folder to load when
/// `--custom-signatures` is not given.
pub fn default_custom_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(DEFAULT_CUSTOM_DIR);
    dir.is_dir().then_some(dir)
}

/// `$XDG_CACHE_HOME/ratatosk`, else `$HOME/.cache/ratatosk`; `None` when neither is set.
pub fn default_cache_dir() -> Option<PathBuf> {
    let non_empty = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    non_empty("XDG_CACHE_HOME")
        .or_else(|| non_empty("HOME").map(|home| home.join(".cache")))
        .map(|base| base.join("ratatosk"))
}
