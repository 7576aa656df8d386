//! The compiled-rules cache: a second start with the same signatures deserializes the rules
//! instead of compiling them (seconds for signature-base).
//!
//! The key is a SHA-256 over everything that shapes the result: every source's origin,
//! namespace, path and content, the externals, this crate's version and yara-x's version.
//! The file `rules-<key>.bin` holds a header, the compile report (diagnostics, so a warm start
//! reports the same errors, and what the sources read), then for the rules and for the rules
//! of the files that read an external (empty when none does) each the length, a SHA-256 and
//! the serialized rules. Anything that
//! does not check out — truncated, corrupt, another format or version — means "not cached":
//! the rules are compiled again, never an error. Files are written to a temporary name and
//! renamed, so a reader never sees half a file. Only the few most recently used rule sets are
//! kept.
//!
//! yara-x deserializes rules trusting their content; the cache folder must be the user's own
//! (`$XDG_CACHE_HOME/ratatosk` by default), never one others can write.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use yara_x::Rules;

use super::compile::{CompileReport, Compiled, EXTERNALS};
use super::sources::RuleSource;

/// yara-x version the cache key includes (checked against Cargo.lock by a test, so a yara-x
/// upgrade that forgets this constant fails the build's tests).
pub(crate) const YARA_X_VERSION: &str = "1.22.1";

/// First bytes of a cache file; the trailing digit is this file format's version.
const MAGIC: &[u8; 16] = b"RATATOSK-RULES-3";

/// Rule sets kept in the cache folder (the newest ones): enough for a few signature setups
/// used side by side, bounded because signature-base's compiled rules take tens of MB.
const KEEP_CACHED: usize = 4;

/// A temporary cache file older than this was left by a killed writer (writing takes seconds).
const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Upper bound on the compile report in a cache file, to reject garbage lengths.
const MAX_REPORT_LEN: u64 = 64 * 1024 * 1024;

/// The cache key of a set of sources (lower-case hex SHA-256).
pub(crate) fn cache_key(sources: &[RuleSource]) -> String {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(MAGIC);
    field(env!("CARGO_PKG_VERSION").as_bytes());
    field(YARA_X_VERSION.as_bytes());
    for name in EXTERNALS {
        field(name.as_bytes());
    }
    for source in sources {
        field(format!("{:?}", source.origin).as_bytes());
        field(source.namespace.as_bytes());
        field(source.path.as_os_str().as_encoded_bytes());
        field(&source.text);
    }
    hex::encode(h.finalize())
}

/// The cache file of a key.
pub(crate) fn cache_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("rules-{key}.bin"))
}

/// Reads cached rules; `None` when absent or unusable (the reason is logged at debug level).
pub(crate) fn load(path: &Path) -> Option<Compiled> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::debug!("no compiled-rules cache at {}: {err}", path.display());
            return None;
        }
    };
    match decode(&bytes) {
        Ok(loaded) => {
            // Mark as recently used, for pruning.
            if let Ok(file) = std::fs::File::options().append(true).open(path) {
                let _ = file.set_modified(SystemTime::now());
            }
            Some(loaded)
        }
        Err(reason) => {
            tracing::warn!(
                "ignoring compiled-rules cache {}: {reason}; compiling again",
                path.display()
            );
            None
        }
    }
}

fn decode(bytes: &[u8]) -> Result<Compiled, String> {
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or("not a cache file of this version")?;
    let (report, rest) = split_block(rest, MAX_REPORT_LEN)?;
    let report: CompileReport =
        serde_json::from_slice(report).map_err(|e| format!("bad report: {e}"))?;
    let (rules, rest) = checked_rules(rest)?;
    let (path_rules, rest) = checked_rules(rest)?;
    if !rest.is_empty() {
        return Err("trailing bytes".into());
    }
    let rules = rules.ok_or("no rules")?;
    Ok(Compiled {
        rules,
        path_rules,
        report,
    })
}

/// A length-prefixed block (at most `max` bytes) and what follows it.
fn split_block(bytes: &[u8], max: u64) -> Result<(&[u8], &[u8]), String> {
    let (len, rest) = bytes.split_first_chunk::<8>().ok_or("truncated")?;
    let len = u64::from_le_bytes(*len);
    if len > max || len > rest.len() as u64 {
        return Err("truncated".into());
    }
    Ok(rest.split_at(len as usize))
}

/// Serialized rules after their length and SHA-256 (length 0: none), and what follows them.
fn checked_rules(bytes: &[u8]) -> Result<(Option<Rules>, &[u8]), String> {
    let (digest, rest) = bytes.split_first_chunk::<32>().ok_or("truncated")?;
    let (serialized, rest) = split_block(rest, u64::MAX)?;
    if serialized.is_empty() {
        return Ok((None, rest));
    }
    if Sha256::digest(serialized).as_slice() != digest {
        return Err("checksum mismatch".into());
    }
    let rules = Rules::deserialize(serialized).map_err(|e| e.to_string())?;
    Ok((Some(rules), rest))
}

/// Writes the rules to the cache atomically and prunes old entries.
pub(crate) fn store(dir: &Path, path: &Path, compiled: &Compiled) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let serialized = compiled.rules.serialize().map_err(|e| e.to_string())?;
    let path_serialized = match &compiled.path_rules {
        Some(rules) => rules.serialize().map_err(|e| e.to_string())?,
        None => Vec::new(),
    };
    let report = serde_json::to_vec(&compiled.report).map_err(|e| e.to_string())?;
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let tmp = dir.join(format!(".rules-{}-{nanos}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        file.write_all(MAGIC)?;
        file.write_all(&(report.len() as u64).to_le_bytes())?;
        file.write_all(&report)?;
        for blob in [&serialized, &path_serialized] {
            file.write_all(&Sha256::digest(blob))?;
            file.write_all(&(blob.len() as u64).to_le_bytes())?;
            file.write_all(blob)?;
        }
        let file = file.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    if let Err(err) = write() {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("cannot write {}: {err}", path.display()));
    }
    prune(dir);
    Ok(())
}

/// Removes all but the [`KEEP_CACHED`] most recently used cache files, and temporary files
/// left by a writer that was killed.
fn prune(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(SystemTime, PathBuf)> = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Some(modified) = entry.metadata().ok().and_then(|m| m.modified().ok()) else {
            continue;
        };
        if name.starts_with("rules-") && name.ends_with(".bin") {
            files.push((modified, entry.path()));
        } else if name.starts_with(".rules-")
            && name.ends_with(".tmp")
            && modified.elapsed().is_ok_and(|age| age > STALE_TEMP_AGE)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    files.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    for (_, path) in files.into_iter().skip(KEEP_CACHED) {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yara_x_version_matches_cargo_lock() {
        let lock =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
        let needle = "name = \"yara-x\"\nversion = \"";
        let start = lock.find(needle).unwrap() + needle.len();
        let version = &lock[start..start + lock[start..].find('"').unwrap()];
        assert_eq!(version, YARA_X_VERSION, "update YARA_X_VERSION in cache.rs");
    }

    #[test]
    fn garbage_is_not_a_cache() {
        assert!(decode(b"").is_err());
        assert!(decode(b"RATATOSK-RULES-1\xff\xff\xff\xff\xff\xff\xff\x7f").is_err());
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&2u64.to_le_bytes());
        bytes.extend_from_slice(b"{}");
        bytes.extend_from_slice(&[0u8; 32]);
        bytes.extend_from_slice(&9u64.to_le_bytes());
        bytes.extend_from_slice(b"not rules");
        assert_eq!(decode(&bytes).err().as_deref(), Some("checksum mismatch"));
        bytes.truncate(bytes.len() - 1);
        assert_eq!(decode(&bytes).err().as_deref(), Some("truncated"));
    }
}
