//! What can go wrong with the VirusTotal store. Every error names the store file, so the
//! warning a user sees says which file to check (or delete).

use std::io;
use std::path::PathBuf;

/// A failure of the VirusTotal store (verdict cache or persistent quota counters). Never fatal:
/// the caller warns and goes on without the cache, or counts requests in memory.
#[derive(Debug, thiserror::Error)]
pub enum VtStoreError {
    /// The folder meant to hold the store could not be created.
    #[error("cannot create the folder {} for the VirusTotal store: {source}", path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The file could not be opened as a SQLite database (unreadable, not a database, corrupt).
    #[error("cannot open the VirusTotal store {}: {source}", path.display())]
    Open {
        /// The store file.
        path: PathBuf,
        /// SQLite's reason.
        source: rusqlite::Error,
    },
    /// The file was written by a newer Ratatosk with a schema this one does not know.
    #[error(
        "the VirusTotal store {} has schema version {found}, newer than this Ratatosk knows \
         ({supported}); use another file with --vtcache",
        path.display()
    )]
    NewerSchema {
        /// The store file.
        path: PathBuf,
        /// `PRAGMA user_version` of the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// A statement failed on an open store (disk full, locked for too long, corrupted since).
    #[error("VirusTotal store {}: {what}: {source}", path.display())]
    Sql {
        /// The store file.
        path: PathBuf,
        /// What was being done, e.g. `reading a verdict`.
        what: &'static str,
        /// SQLite's reason.
        source: rusqlite::Error,
    },
}
