//! The VirusTotal store: one SQLite file (WAL mode, so several Ratatosk processes can share it)
//! holding the verdict cache and, per API key, the persistent quota counters (spec §5,
//! issue 3).
//!
//! - [`VtCache`]: verdicts by SHA256 with their TTLs, so repeated scans spend no quota.
//! - [`StoreLimiter`]: the per-window and daily request counts of a key, shared across
//!   processes and restarts; [`PersistentLimiter`] plugs it into the quota as a
//!   [`Limiter`](crate::quota::Limiter), falling back to memory if the store fails mid-run.
//!
//! The file lives in the user's cache folder ([`default_path`]) unless `--vtcache PATH` names
//! another. Nothing here is ever fatal: a store that cannot be opened or breaks is a warning
//! naming the file, and the run goes on without it.

mod cache;
mod db;
mod error;
mod limiter;
mod persistent;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use cache::{CacheTtls, CachedVerdict, FOUND_TTL, NOT_FOUND_TTL, VtCache};
pub use db::{BUSY_TIMEOUT, SCHEMA_VERSION};
pub use error::VtStoreError;
pub use limiter::{StoreLimiter, TakeOutcome, key_id};
pub use persistent::PersistentLimiter;

use crate::quota::{DailyBudget, Limiter, MemoryLimiter, TokenBucket};

/// The folder under the user's cache folder that holds Ratatosk's files.
pub const CACHE_FOLDER: &str = "ratatosk";

/// The store's file name in that folder.
pub const CACHE_FILE: &str = "vt-cache.sqlite";

/// The default store file: `$XDG_CACHE_HOME/ratatosk/vt-cache.sqlite`, else
/// `$HOME/.cache/ratatosk/vt-cache.sqlite`; `None` when neither variable gives a folder.
pub fn default_path() -> Option<PathBuf> {
    default_path_from(
        std::env::var_os("XDG_CACHE_HOME").as_deref(),
        std::env::var_os("HOME").as_deref(),
    )
}

/// [`default_path`] from the values of `XDG_CACHE_HOME` and `HOME`. A relative
/// `XDG_CACHE_HOME` is ignored, as the XDG base directory specification says.
pub fn default_path_from(xdg_cache_home: Option<&OsStr>, home: Option<&OsStr>) -> Option<PathBuf> {
    let base = match xdg_cache_home.map(Path::new) {
        Some(xdg) if xdg.is_absolute() => xdg.to_path_buf(),
        _ => {
            let home = Path::new(home.filter(|h| !h.is_empty())?);
            home.join(".cache")
        }
    };
    Some(base.join(CACHE_FOLDER).join(CACHE_FILE))
}

/// The limiter for the quota of `api_key`: persistent in the store at `store` when it opens,
/// otherwise (no store, or a warning naming the file) in memory for this run only.
pub fn quota_limiter(
    store: Option<&Path>,
    api_key: &str,
    rate: u32,
    window: Duration,
    daily_limit: u32,
) -> Box<dyn Limiter + Send> {
    if let Some(path) = store {
        match StoreLimiter::open(path, api_key, rate, window, daily_limit) {
            Ok(s) => return Box::new(PersistentLimiter::new(s)),
            Err(e) => tracing::warn!(
                "{e}; counting VirusTotal requests in memory for this run only (the daily count \
                 starts from 0 and other processes on this key are not seen)"
            ),
        }
    }
    Box::new(MemoryLimiter::new(
        TokenBucket::new(rate, window),
        DailyBudget::new(daily_limit),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_is_in_the_xdg_cache_folder_else_under_home() {
        let xdg = Some(OsStr::new("/var/cache/alice"));
        let home = Some(OsStr::new("/home/alice"));
        assert_eq!(
            default_path_from(xdg, home),
            Some(PathBuf::from("/var/cache/alice/ratatosk/vt-cache.sqlite"))
        );
        assert_eq!(
            default_path_from(None, home),
            Some(PathBuf::from("/home/alice/.cache/ratatosk/vt-cache.sqlite"))
        );
        // A relative XDG_CACHE_HOME is ignored.
        assert_eq!(
            default_path_from(Some(OsStr::new("cache")), home),
            Some(PathBuf::from("/home/alice/.cache/ratatosk/vt-cache.sqlite"))
        );
        assert_eq!(default_path_from(None, None), None);
        assert_eq!(default_path_from(None, Some(OsStr::new(""))), None);
    }
}
