//! Scan ids in THOR's form, `S-` followed by 11 characters of `[a-zA-Z0-9_-]`
//! (e.g. `S-Rooa61RfuuM`), so one run's lines can be told apart in a shared log store.

use std::hash::{BuildHasher, Hasher, RandomState};
use std::time::{SystemTime, UNIX_EPOCH};

/// The 64 characters a scan id is made of (6 bits each).
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/// Characters after `S-`, as THOR writes them (11 × 6 = 66 bits).
const ID_CHARS: usize = 11;

/// A new scan id, random from the clock, the process id and the standard library's per-process
/// random hasher keys.
pub fn new_scan_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let seed = RandomState::new();
    let mut words = [0u64; 2];
    for (i, word) in words.iter_mut().enumerate() {
        let mut h = seed.build_hasher();
        h.write_u128(nanos);
        h.write_u32(std::process::id());
        h.write_usize(i);
        *word = h.finish();
    }
    scan_id_from(words)
}

/// The scan id spelled by 128 bits (only the first 66 are used).
fn scan_id_from(words: [u64; 2]) -> String {
    let mut bits = (u128::from(words[0]) << 64) | u128::from(words[1]);
    let mut id = String::with_capacity(2 + ID_CHARS);
    id.push_str("S-");
    for _ in 0..ID_CHARS {
        id.push(char::from(ALPHABET[(bits >> 122) as usize]));
        bits <<= 6;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_and_uniqueness() {
        let a = new_scan_id();
        let b = new_scan_id();
        assert_eq!(a.len(), 13);
        assert!(a.starts_with("S-"));
        assert!(a[2..].bytes().all(|c| ALPHABET.contains(&c)));
        assert_ne!(a, b);
    }

    #[test]
    fn spelling_of_known_bits() {
        assert_eq!(scan_id_from([0, 0]), "S-AAAAAAAAAAA");
        assert_eq!(scan_id_from([u64::MAX, u64::MAX]), "S------------");
        assert_eq!(scan_id_from([1 << 58, 0]), "S-BAAAAAAAAAA");
    }
}
