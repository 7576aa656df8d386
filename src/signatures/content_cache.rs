//! The content-keyed match cache: the YARA reasons of the rules that read no external, by the
//! SHA-256 of the bytes they were matched on. Those rules see only the content, so a second
//! file with the same content (a library copied into many folders, the same `__init__.py`
//! everywhere; 14 % of the files of the benchmark corpus) needs only the rules that read the
//! path, the owner or the MD5 external (see `matcher.rs`).
//!
//! Shared by every worker thread behind one mutex (one lock per file, against a scan of
//! ~0.6 ms per file with signature-base), least recently used entries evicted once the
//! entries' estimated size passes the budget, so the cache stays bounded whatever the tree.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use hashlink::LruCache;

use crate::model::{Reason, Sha256};

/// The default budget: at about 100 bytes for a clean file's entry (no allocation besides
/// the map's node), the last 80,000 or so distinct contents. Bounded so that resident memory
/// stays flat on trees of millions of files (a full cache adds about 10 MB).
pub const DEFAULT_CONTENT_CACHE_BYTES: usize = 8 * 1024 * 1024;

/// Bytes an entry costs besides its reasons: the key, the value, the map's links and slot.
const ENTRY_OVERHEAD: usize = 96;

/// Bytes a reason costs besides its strings.
const REASON_OVERHEAD: usize = 160;

/// Reasons of content-only rules by the SHA-256 of the content.
#[derive(Debug)]
pub struct ContentCache {
    inner: Mutex<Inner>,
    hits: AtomicU64,
}

/// One content's reasons.
#[derive(Debug)]
struct Entry {
    /// `None`: the content matched no rule (no allocation).
    reasons: Option<Box<[Reason]>>,
    /// The estimated size, counted against the budget.
    size: usize,
}

#[derive(Debug)]
struct Inner {
    entries: LruCache<Sha256, Entry>,
    bytes: usize,
    budget: usize,
}

impl ContentCache {
    /// An empty cache whose entries may take about `budget` bytes (0: caches nothing).
    pub fn new(budget: usize) -> ContentCache {
        ContentCache {
            inner: Mutex::new(Inner {
                entries: LruCache::new_unbounded(),
                bytes: 0,
                budget,
            }),
            hits: AtomicU64::new(0),
        }
    }

    /// The reasons stored for `sha256`, marking the entry as recently used.
    pub fn get(&self, sha256: &Sha256) -> Option<Vec<Reason>> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let found = inner.entries.get(sha256).map(|entry| {
            entry
                .reasons
                .as_deref()
                .map(<[Reason]>::to_vec)
                .unwrap_or_default()
        });
        if found.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        found
    }

    /// Stores the reasons of `sha256`'s content, evicting the least recently used entries
    /// beyond the budget. An entry larger than the whole budget is not stored.
    pub fn insert(&self, sha256: Sha256, reasons: &[Reason]) {
        let size = entry_size(reasons);
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if size > inner.budget {
            return;
        }
        let reasons = (!reasons.is_empty()).then(|| Box::from(reasons));
        if let Some(old) = inner.entries.insert(sha256, Entry { reasons, size }) {
            inner.bytes -= old.size;
        }
        inner.bytes += size;
        while inner.bytes > inner.budget {
            match inner.entries.remove_lru() {
                Some((_, evicted)) => inner.bytes -= evicted.size,
                None => break,
            }
        }
    }

    /// How many lookups found an entry.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Entries held and their estimated size in bytes.
    pub fn usage(&self) -> (usize, usize) {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        (inner.entries.len(), inner.bytes)
    }
}

/// The estimated heap size of an entry.
fn entry_size(reasons: &[Reason]) -> usize {
    ENTRY_OVERHEAD
        + reasons
            .iter()
            .map(|r| {
                let s = &r.signature;
                REASON_OVERHEAD
                    + r.summary.len()
                    + s.rule_name.len()
                    + s.description.len()
                    + s.author.len()
                    + s.reference.len()
                    + r.matched.iter().map(|m| m.data.len() + 32).sum::<usize>()
            })
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Origin, Signature, SignatureKind};

    fn key(n: u8) -> Sha256 {
        Sha256([n; 32])
    }

    fn reason(name: &str) -> Reason {
        Reason {
            summary: format!("YARA rule {name}"),
            signature: Signature {
                score: 70,
                kind: SignatureKind::YaraRule,
                rule_name: name.to_owned(),
                description: String::new(),
                author: String::new(),
                reference: String::new(),
                origin: Origin::External,
            },
            matched: Vec::new(),
        }
    }

    #[test]
    fn stored_reasons_come_back_and_count_as_hits() {
        let cache = ContentCache::new(DEFAULT_CONTENT_CACHE_BYTES);
        assert!(cache.get(&key(1)).is_none());
        cache.insert(key(1), &[reason("A")]);
        cache.insert(key(2), &[]);
        let got = cache.get(&key(1)).unwrap();
        assert_eq!(got[0].signature.rule_name, "A");
        assert!(cache.get(&key(2)).unwrap().is_empty());
        assert_eq!(cache.hits(), 2);
    }

    #[test]
    fn the_least_recently_used_entries_go_once_the_budget_is_passed() {
        // Room for exactly three clean entries.
        let cache = ContentCache::new(3 * ENTRY_OVERHEAD);
        for n in 1..=3 {
            cache.insert(key(n), &[]);
        }
        assert!(cache.get(&key(1)).is_some()); // 1 is now the most recently used
        cache.insert(key(4), &[]);
        assert!(
            cache.get(&key(2)).is_none(),
            "2 was the least recently used"
        );
        for n in [1, 3, 4] {
            assert!(cache.get(&key(n)).is_some(), "{n}");
        }
        assert_eq!(cache.usage(), (3, 3 * ENTRY_OVERHEAD));
        // Replacing an entry does not count it twice.
        cache.insert(key(4), &[]);
        assert_eq!(cache.usage(), (3, 3 * ENTRY_OVERHEAD));
    }

    #[test]
    fn an_entry_above_the_budget_is_not_stored() {
        let cache = ContentCache::new(ENTRY_OVERHEAD + 10);
        cache.insert(key(1), &[reason("Big")]);
        assert_eq!(cache.usage(), (0, 0));
        let off = ContentCache::new(0);
        off.insert(key(1), &[]);
        assert!(off.get(&key(1)).is_none());
    }
}
