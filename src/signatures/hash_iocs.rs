//! Hash IOCs and trusted hashes: `HASH;DESCRIPTION` or `HASH;SCORE;DESCRIPTION`, the digest
//! kind (MD5, SHA1, SHA256) told by its length, case-insensitive, default score 100. A second
//! field that is not an integer is part of the description (`h;foo;bar` → `foo;bar`). Lookups
//! are hash-map probes keyed by the fixed-size digest arrays.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;

use crate::model::{Hashes, Md5, Origin, Sha1, Sha256};

use super::error::Diagnostic;
use super::ioc_lines;

/// Score of a hash IOC that gives none: a known-bad hash is as certain as it gets.
pub const DEFAULT_HASH_SCORE: i32 = 100;

/// Sub-scores are percentages; a score outside this range is clamped to it.
const MAX_ABS_SCORE: i32 = 100;

/// The digests of zero bytes. An IOC for one would match every empty file, so such lines are
/// skipped (as LOKI does).
const EMPTY_FILE_HASHES: [&str; 3] = [
    "d41d8cd98f00b204e9800998ecf8427e",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
];

/// One hash IOC entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashIoc {
    /// Sub-score.
    pub score: i32,
    /// Description (may be empty).
    pub description: String,
    /// Where the IOC file came from.
    pub origin: Origin,
}

/// A hash that matched, with its IOC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashHit<'a> {
    /// The matching digest in lower-case hex.
    pub hash: HexDigest,
    /// The IOC.
    pub ioc: &'a HashIoc,
}

/// A digest of one of the three kinds, for display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HexDigest {
    /// MD5.
    Md5(Md5),
    /// SHA-1.
    Sha1(Sha1),
    /// SHA-256.
    Sha256(Sha256),
}

impl std::fmt::Display for HexDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HexDigest::Md5(h) => h.fmt(f),
            HexDigest::Sha1(h) => h.fmt(f),
            HexDigest::Sha256(h) => h.fmt(f),
        }
    }
}

/// A set of hash IOCs (or trusted hashes), by digest kind.
#[derive(Clone, Debug, Default)]
pub struct HashIocSet {
    md5: HashMap<Md5, HashIoc>,
    sha1: HashMap<Sha1, HashIoc>,
    sha256: HashMap<Sha256, HashIoc>,
    entries: usize,
}

impl HashIocSet {
    /// Parses one IOC file's text and adds its entries; malformed lines become warnings in
    /// `diagnostics` and are skipped. A hash listed twice keeps its first entry.
    pub fn add_file(
        &mut self,
        file: &Path,
        text: &str,
        origin: Origin,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        for line in ioc_lines::entries(text) {
            match parse_line(line.text) {
                Ok((digest, score, description)) => {
                    let ioc = HashIoc {
                        score,
                        description: description.to_owned(),
                        origin,
                    };
                    self.entries += 1;
                    match digest {
                        HexDigest::Md5(h) => insert_first(&mut self.md5, h, ioc),
                        HexDigest::Sha1(h) => insert_first(&mut self.sha1, h, ioc),
                        HexDigest::Sha256(h) => insert_first(&mut self.sha256, h, ioc),
                    }
                }
                Err(message) => diagnostics.push(Diagnostic::ioc_warning(
                    file.to_path_buf(),
                    line.number,
                    message,
                )),
            }
        }
    }

    /// Number of entry lines loaded (a digest listed twice counts twice).
    pub fn len(&self) -> usize {
        self.entries
    }

    /// True when nothing is loaded.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// True when MD5 entries are loaded (MD5 must be computed).
    pub fn has_md5(&self) -> bool {
        !self.md5.is_empty()
    }

    /// True when SHA-1 entries are loaded (SHA-1 must be computed).
    pub fn has_sha1(&self) -> bool {
        !self.sha1.is_empty()
    }

    /// Every entry matching one of the computed digests, in the order MD5, SHA-1, SHA-256.
    pub fn lookup(&self, hashes: &Hashes) -> Vec<HashHit<'_>> {
        let mut hits = Vec::new();
        if let Some(md5) = hashes.md5
            && let Some(ioc) = self.md5.get(&md5)
        {
            hits.push(HashHit {
                hash: HexDigest::Md5(md5),
                ioc,
            });
        }
        if let Some(sha1) = hashes.sha1
            && let Some(ioc) = self.sha1.get(&sha1)
        {
            hits.push(HashHit {
                hash: HexDigest::Sha1(sha1),
                ioc,
            });
        }
        if let Some(ioc) = self.sha256.get(&hashes.sha256) {
            hits.push(HashHit {
                hash: HexDigest::Sha256(hashes.sha256),
                ioc,
            });
        }
        hits
    }

    /// True when any computed digest is in the set.
    pub fn contains(&self, hashes: &Hashes) -> bool {
        hashes.md5.is_some_and(|h| self.md5.contains_key(&h))
            || hashes.sha1.is_some_and(|h| self.sha1.contains_key(&h))
            || self.sha256.contains_key(&hashes.sha256)
    }
}

fn insert_first<K: std::hash::Hash + Eq>(map: &mut HashMap<K, HashIoc>, key: K, ioc: HashIoc) {
    if let Entry::Vacant(slot) = map.entry(key) {
        slot.insert(ioc);
    }
}

/// Parses `HASH[;SCORE];DESCRIPTION` into the digest, score and description.
fn parse_line(line: &str) -> Result<(HexDigest, i32, &str), String> {
    let (hash, rest) = match line.split_once(';') {
        Some((hash, rest)) => (hash.trim(), Some(rest)),
        None => (line.trim(), None),
    };
    let digest = parse_digest(hash)?;
    if EMPTY_FILE_HASHES
        .iter()
        .any(|e| e.eq_ignore_ascii_case(hash))
    {
        return Err(format!(
            "hash `{hash}` is the digest of an empty file (it would match every empty file); skipped"
        ));
    }
    let (score, description) = match rest {
        None => (DEFAULT_HASH_SCORE, ""),
        Some(rest) => match rest.split_once(';') {
            Some((second, description)) => match second.trim().parse::<i32>() {
                Ok(score) => (
                    score.clamp(-MAX_ABS_SCORE, MAX_ABS_SCORE),
                    description.trim(),
                ),
                Err(_) => (DEFAULT_HASH_SCORE, rest.trim()),
            },
            None => (DEFAULT_HASH_SCORE, rest.trim()),
        },
    };
    Ok((digest, score, description))
}

fn parse_digest(hash: &str) -> Result<HexDigest, String> {
    let bad = || {
        format!(
            "invalid hash `{hash}`: expected 32, 40 or 64 hex digits (MD5, SHA1, SHA256), got {} characters",
            hash.chars().count()
        )
    };
    if !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    match hash.len() {
        32 => Md5::from_hex(hash).map(HexDigest::Md5).ok_or_else(bad),
        40 => Sha1::from_hex(hash).map(HexDigest::Sha1).ok_or_else(bad),
        64 => Sha256::from_hex(hash)
            .map(HexDigest::Sha256)
            .ok_or_else(bad),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD5: &str = "0c2674c3a97c53082187d930efb645c2";
    const SHA1: &str = "0123456789abcdef0123456789abcdef01234567";
    const SHA256: &str = "ce583821191345274cd954b2db7da9742c239fe413fc17dcb97ffdd7b51cb072";

    fn load(text: &str) -> (HashIocSet, Vec<Diagnostic>) {
        let mut set = HashIocSet::default();
        let mut diags = Vec::new();
        set.add_file(
            Path::new("iocs/hash-iocs.txt"),
            text,
            Origin::External,
            &mut diags,
        );
        (set, diags)
    }

    fn hashes(md5: Option<&str>, sha1: Option<&str>, sha256: &str) -> Hashes {
        Hashes {
            md5: md5.and_then(Md5::from_hex),
            sha1: sha1.and_then(Sha1::from_hex),
            sha256: Sha256::from_hex(sha256).unwrap(),
        }
    }

    #[test]
    fn two_and_three_column_lines() {
        let text = format!(
            "# comment\n\n{};DEEP PANDA Sakula\n{};80;Dark Caracal\n{};foo;bar\n",
            MD5.to_uppercase(),
            SHA256,
            SHA1
        );
        let (set, diags) = load(&text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(set.len(), 3);
        assert!(set.has_md5() && set.has_sha1());

        let hits = set.lookup(&hashes(Some(MD5), Some(SHA1), SHA256));
        let got: Vec<_> = hits
            .iter()
            .map(|h| (h.hash.to_string(), h.ioc.score, h.ioc.description.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (MD5.to_string(), 100, "DEEP PANDA Sakula"),
                (SHA1.to_string(), 100, "foo;bar"),
                (SHA256.to_string(), 80, "Dark Caracal"),
            ]
        );
    }

    #[test]
    fn hash_without_description_and_unmatched_digests() {
        let (set, diags) = load(&format!("{MD5}\n"));
        assert!(diags.is_empty());
        let h = hashes(Some(MD5), None, SHA256);
        let hits = set.lookup(&h);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].ioc.score, 100);
        assert_eq!(hits[0].ioc.description, "");
        assert!(set.contains(&h));
        // MD5 not computed: the MD5 entry cannot match.
        assert!(!set.contains(&hashes(None, None, SHA256)));
    }

    #[test]
    fn malformed_lines_are_warnings_with_file_and_line() {
        let text = format!(
            "{MD5};ok\nabc123;too short\n{}Z;not hex\nd41d8cd98f00b204e9800998ecf8427e;empty\n",
            &SHA1[..39]
        );
        let (set, diags) = load(&text);
        assert_eq!(set.len(), 1);
        let messages: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            messages,
            vec![
                "iocs/hash-iocs.txt:2: warning: invalid hash `abc123`: expected 32, 40 or 64 hex digits (MD5, SHA1, SHA256), got 6 characters".to_string(),
                format!("iocs/hash-iocs.txt:3: warning: invalid hash `{}Z`: expected 32, 40 or 64 hex digits (MD5, SHA1, SHA256), got 40 characters", &SHA1[..39]),
                "iocs/hash-iocs.txt:4: warning: hash `d41d8cd98f00b204e9800998ecf8427e` is the digest of an empty file (it would match every empty file); skipped".to_string(),
            ]
        );
    }

    #[test]
    fn duplicate_keeps_first_and_scores_are_clamped() {
        let text = format!("{MD5};120;first\n{MD5};50;second\n");
        let (set, _) = load(&text);
        assert_eq!(set.len(), 2);
        let hits = set.lookup(&hashes(Some(MD5), None, SHA256));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].ioc.score, 100);
        assert_eq!(hits[0].ioc.description, "first");
    }
}
