//! The verdict cache: what VirusTotal said about a SHA256, kept on disk so a repeated scan
//! spends no quota on it (spec §5). Verdicts of known files are kept 3 days, "not found"
//! 12 hours (a new sample may be submitted by anyone at any time), both configurable.
//!
//! A cache that cannot be opened or fails later is never fatal: [`VtCache::open_or_warn`] and
//! the lookup methods warn once, naming the file, and the run goes on without the cache.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{VtStoreError, db};
use crate::model::{Sha256, VtHistory, VtVerdict};

/// How long a verdict of a known file stays good: detections change slowly, and three days of
/// repeated scans cost no quota.
pub const FOUND_TTL: Duration = Duration::from_secs(3 * 24 * 3600);

/// How long "VirusTotal does not know this file" stays good: anyone may upload the sample at
/// any time, so ask again after half a day.
pub const NOT_FOUND_TTL: Duration = Duration::from_secs(12 * 3600);

/// How long cached answers stay good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheTtls {
    /// For verdicts of known files (default [`FOUND_TTL`]).
    pub found_ttl: Duration,
    /// For "not found" (default [`NOT_FOUND_TTL`]).
    pub not_found_ttl: Duration,
}

impl Default for CacheTtls {
    fn default() -> Self {
        CacheTtls {
            found_ttl: FOUND_TTL,
            not_found_ttl: NOT_FOUND_TTL,
        }
    }
}

/// A cached answer still within its TTL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedVerdict {
    /// The verdict; `None` when VirusTotal did not know the file.
    pub verdict: Option<VtVerdict>,
    /// When it was stored.
    pub stored_at: SystemTime,
}

/// The history as stored (JSON), decoupled from the model type so the file format stays put.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct StoredHistory {
    names: Vec<String>,
    tags: Vec<String>,
    submissions: u64,
    first_submission: Option<String>,
    last_submission: Option<String>,
}

impl From<&VtHistory> for StoredHistory {
    fn from(h: &VtHistory) -> Self {
        StoredHistory {
            names: h.names.clone(),
            tags: h.tags.clone(),
            submissions: h.submissions,
            first_submission: h.first_submission.clone(),
            last_submission: h.last_submission.clone(),
        }
    }
}

impl From<StoredHistory> for VtHistory {
    fn from(h: StoredHistory) -> Self {
        VtHistory {
            names: h.names,
            tags: h.tags,
            submissions: h.submissions,
            first_submission: h.first_submission,
            last_submission: h.last_submission,
        }
    }
}

/// One row as read.
struct Row {
    found: bool,
    positives: Option<i64>,
    total: Option<i64>,
    history: Option<String>,
    stored_ms: i64,
}

/// The verdict cache on one store file. Several caches (threads or processes) may share a file.
#[derive(Debug)]
pub struct VtCache {
    conn: Connection,
    path: PathBuf,
    ttls: CacheTtls,
    /// Set after the first failure: the cache is off for the rest of the run.
    disabled: bool,
}

impl VtCache {
    /// Opens (or creates) the cache at `path`.
    pub fn open(path: &Path, ttls: CacheTtls) -> Result<Self, VtStoreError> {
        Ok(VtCache {
            conn: db::open(path)?,
            path: path.to_path_buf(),
            ttls,
            disabled: false,
        })
    }

    /// Opens the cache at `path`, or warns (naming the file and the reason) and returns `None`:
    /// the run goes on without the cache.
    pub fn open_or_warn(path: &Path, ttls: CacheTtls) -> Option<Self> {
        match Self::open(path, ttls) {
            Ok(cache) => Some(cache),
            Err(e) => {
                tracing::warn!("{e}; going on without the verdict cache");
                None
            }
        }
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The TTLs in force.
    pub fn ttls(&self) -> CacheTtls {
        self.ttls
    }

    /// Whether a failure turned the cache off for the rest of the run.
    pub fn is_disabled(&self) -> bool {
        self.disabled
    }

    /// The answer cached for `sha` if it is still good at `now`. A failure warns once and
    /// turns the cache off (every later call is a miss).
    pub fn get(&mut self, sha: &Sha256, now: SystemTime) -> Option<CachedVerdict> {
        if self.disabled {
            return None;
        }
        let got = self.try_get(sha, now);
        self.or_disable(got).flatten()
    }

    /// Caches a verdict of a known file, stored at `now`; `true` when stored. A failure warns
    /// once and turns the cache off.
    pub fn put_found(&mut self, sha: &Sha256, verdict: &VtVerdict, now: SystemTime) -> bool {
        if self.disabled {
            return false;
        }
        let put = self.try_put(sha, Some(verdict), now);
        self.or_disable(put).is_some()
    }

    /// Caches "VirusTotal does not know `sha`", stored at `now`; `true` when stored. A failure
    /// warns once and turns the cache off.
    pub fn put_not_found(&mut self, sha: &Sha256, now: SystemTime) -> bool {
        if self.disabled {
            return false;
        }
        let put = self.try_put(sha, None, now);
        self.or_disable(put).is_some()
    }

    /// Like [`get`](Self::get), but the failure is returned and the cache stays on.
    pub fn try_get(
        &self,
        sha: &Sha256,
        now: SystemTime,
    ) -> Result<Option<CachedVerdict>, VtStoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT found, positives, total, history, stored_ms
                 FROM vt_verdicts WHERE sha256 = ?1",
                params![sha.to_hex()],
                |r| {
                    Ok(Row {
                        found: r.get(0)?,
                        positives: r.get(1)?,
                        total: r.get(2)?,
                        history: r.get(3)?,
                        stored_ms: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(|source| self.sql("reading a verdict", source))?;
        Ok(row.and_then(|row| self.fresh(sha, row, now)))
    }

    /// Like [`put_found`](Self::put_found) / [`put_not_found`](Self::put_not_found) (`verdict`
    /// `None`), but the failure is returned and the cache stays on.
    pub fn try_put(
        &self,
        sha: &Sha256,
        verdict: Option<&VtVerdict>,
        now: SystemTime,
    ) -> Result<(), VtStoreError> {
        let (positives, total, history) = match verdict {
            Some(v) => {
                // Serialising plain strings and numbers cannot fail; store no history if it did.
                let history = serde_json::to_string(&StoredHistory::from(&v.history)).ok();
                (Some(v.positives), Some(v.total), history)
            }
            None => (None, None, None),
        };
        self.conn
            .execute(
                "INSERT OR REPLACE INTO vt_verdicts
                     (sha256, found, positives, total, history, stored_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    sha.to_hex(),
                    verdict.is_some(),
                    positives,
                    total,
                    history,
                    db::ms_floor(now)
                ],
            )
            .map_err(|source| self.sql("storing a verdict", source))?;
        Ok(())
    }

    /// Deletes the answers expired at `now` under this cache's TTLs; returns how many.
    pub fn purge_expired(&self, now: SystemTime) -> Result<usize, VtStoreError> {
        let now_ms = db::ms_floor(now);
        self.conn
            .execute(
                "DELETE FROM vt_verdicts
                 WHERE (found = 1 AND stored_ms <= ?1) OR (found = 0 AND stored_ms <= ?2)",
                params![
                    now_ms.saturating_sub(db::duration_ms_ceil(self.ttls.found_ttl)),
                    now_ms.saturating_sub(db::duration_ms_ceil(self.ttls.not_found_ttl)),
                ],
            )
            .map_err(|source| self.sql("purging expired verdicts", source))
    }

    /// The row as an answer if still good at `now`; a row that does not decode is a miss (the
    /// next lookup replaces it).
    fn fresh(&self, sha: &Sha256, row: Row, now: SystemTime) -> Option<CachedVerdict> {
        let stored_at = db::from_ms(row.stored_ms);
        let ttl = if row.found {
            self.ttls.found_ttl
        } else {
            self.ttls.not_found_ttl
        };
        // A time in the future (another process's clock) counts as just stored.
        let age = now.duration_since(stored_at).unwrap_or(Duration::ZERO);
        if age >= ttl {
            return None;
        }
        if !row.found {
            return Some(CachedVerdict {
                verdict: None,
                stored_at,
            });
        }
        let decoded = (|| {
            let positives = u32::try_from(row.positives?).ok()?;
            let total = u32::try_from(row.total?).ok()?;
            let history: StoredHistory = match &row.history {
                Some(json) => serde_json::from_str(json).ok()?,
                None => StoredHistory::default(),
            };
            Some(VtVerdict {
                positives,
                total,
                history: history.into(),
            })
        })();
        if decoded.is_none() {
            tracing::debug!(path = %self.path.display(), %sha, "undecodable cached verdict ignored");
        }
        decoded.map(|verdict| CachedVerdict {
            verdict: Some(verdict),
            stored_at,
        })
    }

    /// `Some` of the value, or warns once, turns the cache off and gives `None`.
    fn or_disable<V>(&mut self, r: Result<V, VtStoreError>) -> Option<V> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::warn!("{e}; going on without the verdict cache");
                self.disabled = true;
                None
            }
        }
    }

    fn sql(&self, what: &'static str, source: rusqlite::Error) -> VtStoreError {
        VtStoreError::Sql {
            path: self.path.clone(),
            what,
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::thread;

    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    /// 2024-01-02T12:00:00Z.
    fn noon() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_196_800)
    }

    fn sha(n: u16) -> Sha256 {
        let mut b = [0u8; 32];
        b[..2].copy_from_slice(&n.to_be_bytes());
        b[31] = 0xab;
        Sha256(b)
    }

    fn verdict() -> VtVerdict {
        VtVerdict {
            positives: 61,
            total: 72,
            history: VtHistory {
                names: vec!["mimikatz.exe".into(), "m64.exe".into()],
                tags: vec!["peexe".into(), "64bits".into()],
                submissions: 4321,
                first_submission: Some("2014-05-01T10:00:00Z".into()),
                last_submission: None,
            },
        }
    }

    #[test]
    fn a_verdict_and_a_not_found_come_back_as_stored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vt-cache.sqlite");
        let mut cache = VtCache::open(&path, CacheTtls::default()).unwrap();
        assert_eq!(cache.get(&sha(1), noon()), None);
        assert!(cache.put_found(&sha(1), &verdict(), noon()));
        assert!(cache.put_not_found(&sha(2), noon()));
        drop(cache);
        // Another run, an hour later.
        let mut cache = VtCache::open(&path, CacheTtls::default()).unwrap();
        let later = noon() + HOUR;
        assert_eq!(
            cache.get(&sha(1), later),
            Some(CachedVerdict {
                verdict: Some(verdict()),
                stored_at: noon()
            })
        );
        assert_eq!(
            cache.get(&sha(2), later),
            Some(CachedVerdict {
                verdict: None,
                stored_at: noon()
            })
        );
        assert_eq!(cache.get(&sha(3), later), None);
        // A new answer replaces the old one.
        assert!(cache.put_found(&sha(2), &verdict(), later));
        assert_eq!(
            cache.get(&sha(2), later).and_then(|c| c.verdict),
            Some(verdict())
        );
        assert!(!cache.is_disabled());
    }

    #[test]
    fn found_expires_after_three_days_and_not_found_after_twelve_hours() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = VtCache::open(&dir.path().join("c.sqlite"), CacheTtls::default()).unwrap();
        cache.put_found(&sha(1), &verdict(), noon());
        cache.put_not_found(&sha(2), noon());
        let just_before = |ttl| noon() + ttl - Duration::from_millis(1);
        assert!(cache.get(&sha(2), just_before(12 * HOUR)).is_some());
        assert_eq!(cache.get(&sha(2), noon() + 12 * HOUR), None);
        assert!(cache.get(&sha(1), just_before(72 * HOUR)).is_some());
        assert_eq!(cache.get(&sha(1), noon() + 72 * HOUR), None);
        // Shortened TTLs (as tests of the binary use) read the same rows.
        let mut short = VtCache::open(
            &dir.path().join("c.sqlite"),
            CacheTtls {
                found_ttl: Duration::from_secs(2),
                not_found_ttl: Duration::from_secs(1),
            },
        )
        .unwrap();
        assert!(
            short
                .get(&sha(1), noon() + Duration::from_millis(1999))
                .is_some()
        );
        assert_eq!(short.get(&sha(1), noon() + Duration::from_secs(2)), None);
        assert_eq!(short.get(&sha(2), noon() + Duration::from_secs(1)), None);
        assert_eq!(
            short
                .purge_expired(noon() + Duration::from_secs(2))
                .unwrap(),
            2
        );
        // Purged rows are gone for the long-TTL cache too.
        assert_eq!(cache.get(&sha(1), noon() + HOUR), None);
    }

    #[test]
    fn a_corrupt_file_is_refused_naming_it_and_the_run_goes_on_without() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vt-cache.sqlite");
        std::fs::write(&path, vec![0x5a; 8192]).unwrap();
        let err = VtCache::open(&path, CacheTtls::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "cannot open the VirusTotal store {}: file is not a database",
                path.display()
            )
        );
        assert!(VtCache::open_or_warn(&path, CacheTtls::default()).is_none());
        // The file is left as it was.
        assert_eq!(std::fs::read(&path).unwrap(), vec![0x5a; 8192]);
    }

    #[test]
    fn a_store_that_breaks_mid_run_warns_once_and_turns_the_cache_off() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vt-cache.sqlite");
        let mut cache = VtCache::open(&path, CacheTtls::default()).unwrap();
        assert!(cache.put_found(&sha(1), &verdict(), noon()));
        // Someone drops the table under us (as good as a corrupt page for this connection).
        let other = Connection::open(&path).unwrap();
        other.execute_batch("DROP TABLE vt_verdicts").unwrap();
        let err = cache.try_get(&sha(1), noon()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "VirusTotal store {}: reading a verdict: no such table: vt_verdicts",
                path.display()
            )
        );
        assert_eq!(cache.get(&sha(1), noon()), None);
        assert!(cache.is_disabled());
        assert!(!cache.put_not_found(&sha(2), noon()));
    }

    #[test]
    fn an_unwritable_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"not a folder").unwrap();
        let err = VtCache::open(&blocker.join("vt.sqlite"), CacheTtls::default()).unwrap_err();
        assert!(
            err.to_string().starts_with(&format!(
                "cannot create the folder {} for the VirusTotal store: ",
                blocker.display()
            )),
            "{err}"
        );
    }

    #[test]
    fn two_caches_on_one_file_write_from_two_threads_without_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.sqlite");
        const PER_THREAD: u16 = 300;
        let writers: Vec<_> = (0..2u16)
            .map(|t| {
                let path = path.clone();
                thread::spawn(move || {
                    let cache = VtCache::open(&path, CacheTtls::default()).unwrap();
                    for i in 0..PER_THREAD {
                        let n = t * PER_THREAD + i;
                        let result = if n.is_multiple_of(3) {
                            cache.try_put(&sha(n), None, noon())
                        } else {
                            cache.try_put(&sha(n), Some(&verdict()), noon())
                        };
                        result.unwrap();
                        // Read back the other thread's rows as they come.
                        cache.try_get(&sha(n ^ 1), noon()).unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        let cache = VtCache::open(&path, CacheTtls::default()).unwrap();
        for n in 0..2 * PER_THREAD {
            let got = cache.try_get(&sha(n), noon()).unwrap().unwrap();
            assert_eq!(got.verdict.is_none(), n.is_multiple_of(3), "row {n}");
        }
    }
}
