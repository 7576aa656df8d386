//! Opening the store file: parent folders, WAL mode, the busy timeout, and the versioned schema
//! (`PRAGMA user_version`). Also the conversions between wall-clock time and the unix
//! milliseconds the tables hold.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, TransactionBehavior};

use super::VtStoreError;

/// The schema this build writes and reads. Bump it (and add a migration step from the previous
/// version in [`open`]) whenever a table changes.
pub const SCHEMA_VERSION: i64 = 1;

/// How long a statement waits for another process's write lock before it fails. Writes are
/// single short transactions (well under a millisecond), so a lock held for 3 s means the other
/// process is stuck or the file system is failing: better to warn and go on without the store
/// than to stall the scan.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(3);

/// Version 1: verdicts by SHA256, and per API key (by the hash of the key, never the key) the
/// recent request times, the daily counts and the hold / clock state.
const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS vt_verdicts (
    sha256    TEXT    NOT NULL PRIMARY KEY,
    found     INTEGER NOT NULL,
    positives INTEGER,
    total     INTEGER,
    history   TEXT,
    stored_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vt_requests (
    key_id TEXT    NOT NULL,
    at_ms  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS vt_requests_by_key ON vt_requests (key_id, at_ms);
CREATE TABLE IF NOT EXISTS vt_daily (
    key_id TEXT    NOT NULL,
    day    INTEGER NOT NULL,
    used   INTEGER NOT NULL,
    PRIMARY KEY (key_id, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vt_keys (
    key_id        TEXT    NOT NULL PRIMARY KEY,
    hold_until_ms INTEGER NOT NULL DEFAULT 0,
    seen_ms       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
";

/// Opens (creating it and its folders if needed) the store at `path`, in WAL mode with the
/// schema in place. Fails on a file that is not a SQLite database or has a newer schema.
pub fn open(path: &Path) -> Result<Connection, VtStoreError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|source| VtStoreError::CreateDir {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let opened = |source| VtStoreError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut conn = Connection::open(path).map_err(opened)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(opened)?;
    // The first statement that reads the file: a file that is not a database fails here.
    // WAL lets readers and one writer of several processes work at once; a file system
    // without shared memory (some network mounts) keeps the old journal, which still works.
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(opened)?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::debug!(path = %path.display(), mode, "the VirusTotal store is not in WAL mode");
    }
    // With WAL, NORMAL loses at most the last transactions on a power cut, never consistency:
    // fine for a cache, and it spares an fsync per request counted.
    conn.execute_batch("PRAGMA synchronous = NORMAL")
        .map_err(opened)?;
    migrate(&mut conn, path)?;
    Ok(conn)
}

/// Brings the schema to [`SCHEMA_VERSION`] in one write transaction, so two processes opening
/// a new file at once cannot both create it.
fn migrate(conn: &mut Connection, path: &Path) -> Result<(), VtStoreError> {
    let opened = |source| VtStoreError::Open {
        path: path.to_path_buf(),
        source,
    };
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(opened)?;
    let found: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(opened)?;
    match found {
        0 => {
            tx.execute_batch(SCHEMA_V1).map_err(opened)?;
            tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
                .map_err(opened)?;
        }
        SCHEMA_VERSION => {}
        found => {
            return Err(VtStoreError::NewerSchema {
                path: path.to_path_buf(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
    }
    tx.commit().map_err(opened)
}

/// `t` in unix milliseconds, rounded down (0 before the epoch).
pub fn ms_floor(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `t` in unix milliseconds, rounded up: a request time stored this way never makes its token
/// come back early.
pub fn ms_ceil(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, duration_ms_ceil)
}

/// `d` in milliseconds, rounded up.
pub fn duration_ms_ceil(d: Duration) -> i64 {
    let ms = d.as_millis() + u128::from(!d.subsec_nanos().is_multiple_of(1_000_000));
    i64::try_from(ms).unwrap_or(i64::MAX)
}

/// The wall-clock time of unix milliseconds `ms` (the epoch for negative values).
pub fn from_ms(ms: i64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_round_the_safe_way() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_micros(1_700_000_000_000_400);
        assert_eq!(ms_floor(t), 1_700_000_000_000);
        assert_eq!(ms_ceil(t), 1_700_000_000_001);
        assert_eq!(
            from_ms(1_700_000_000_001),
            SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_001)
        );
        assert_eq!(duration_ms_ceil(Duration::from_millis(2040)), 2040);
        assert_eq!(duration_ms_ceil(Duration::from_nanos(2_040_000_001)), 2041);
    }

    #[test]
    fn a_new_file_gets_wal_mode_and_the_current_schema_in_new_folders() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/vt-cache.sqlite");
        let conn = open(&path).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        drop(conn);
        // Reopening an existing store is fine.
        assert!(open(&path).is_ok());
    }

    #[test]
    fn a_newer_schema_is_refused_with_the_file_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vt.sqlite");
        let conn = open(&path).unwrap();
        conn.execute_batch("PRAGMA user_version = 7").unwrap();
        drop(conn);
        let err = open(&path).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "the VirusTotal store {} has schema version 7, newer than this Ratatosk knows (1); \
                 use another file with --vtcache",
                path.display()
            )
        );
    }
}
