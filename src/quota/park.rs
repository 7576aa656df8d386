//! The bounded queue of findings parked under `--vtwaitforquota`, ordered by score so the most
//! suspicious files get the tokens first. When full, the lowest-scored finding is pushed out
//! (to be reported `skipped (quota)`), so memory stays flat whatever the tree holds.

use std::cmp::Reverse;
use std::collections::BTreeMap;

/// A bounded priority queue: highest score out first, first in first out among equal scores;
/// when full, the lowest score (the newest among equals) is evicted.
#[derive(Debug)]
pub struct ParkQueue<T> {
    capacity: usize,
    /// Keyed by (score, reversed arrival number): the last entry is the highest score that
    /// arrived first, the first entry the lowest score that arrived last.
    items: BTreeMap<(u32, Reverse<u64>), T>,
    next_seq: u64,
}

impl<T> ParkQueue<T> {
    /// An empty queue holding at most `capacity` items (0 parks nothing: every push is
    /// evicted at once).
    pub fn new(capacity: usize) -> Self {
        ParkQueue {
            capacity,
            items: BTreeMap::new(),
            next_seq: 0,
        }
    }

    /// Parks `item` with `score`. When the queue was full, returns the evicted lowest-scored
    /// item, which is `item` itself when it scores lowest (ties evict the newest).
    pub fn push(&mut self, score: u32, item: T) -> Option<T> {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.items.insert((score, Reverse(seq)), item);
        if self.items.len() > self.capacity {
            return self.items.pop_first().map(|(_, evicted)| evicted);
        }
        None
    }

    /// Takes the highest-scored item (the earliest parked among equal scores).
    pub fn pop_highest(&mut self) -> Option<T> {
        self.items.pop_last().map(|(_, item)| item)
    }

    /// The score of the item [`pop_highest`](Self::pop_highest) would return.
    pub fn peek_highest_score(&self) -> Option<u32> {
        self.items.last_key_value().map(|((score, _), _)| *score)
    }

    /// The score of the item a full queue would evict next.
    pub fn peek_lowest_score(&self) -> Option<u32> {
        self.items.first_key_value().map(|((score, _), _)| *score)
    }

    /// Whether pushing an item with `score` now would evict that very item (the queue is full
    /// and nothing parked scores lower).
    pub fn would_reject(&self, score: u32) -> bool {
        self.items.len() >= self.capacity && self.peek_lowest_score().is_none_or(|low| score <= low)
    }

    /// Items parked.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is parked.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The most items the queue holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Empties the queue, highest score first.
    pub fn drain_all(&mut self) -> Vec<T> {
        let items = std::mem::take(&mut self.items);
        items.into_values().rev().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_highest_score_first_and_fifo_among_equals() {
        let mut q = ParkQueue::new(10);
        assert_eq!(q.push(50, "a50"), None);
        assert_eq!(q.push(90, "b90"), None);
        assert_eq!(q.push(50, "c50"), None);
        assert_eq!(q.push(70, "d70"), None);
        assert_eq!(q.push(90, "e90"), None);
        assert_eq!(q.len(), 5);
        assert_eq!(q.peek_highest_score(), Some(90));
        let order: Vec<_> = std::iter::from_fn(|| q.pop_highest()).collect();
        assert_eq!(order, ["b90", "e90", "d70", "a50", "c50"]);
        assert!(q.is_empty());
    }

    #[test]
    fn full_queue_evicts_the_lowest() {
        let mut q = ParkQueue::new(3);
        assert_eq!(q.push(60, "a60"), None);
        assert_eq!(q.push(40, "b40"), None);
        assert_eq!(q.push(80, "c80"), None);
        // A better one pushes out the lowest parked.
        assert_eq!(q.push(70, "d70"), Some("b40"));
        // A new one that scores lowest is itself evicted.
        assert_eq!(q.push(50, "e50"), Some("e50"));
        // A tie with the lowest evicts the newcomer: the older one has waited longer.
        assert_eq!(q.push(60, "f60"), Some("f60"));
        assert_eq!(q.len(), 3);
        assert_eq!(q.peek_lowest_score(), Some(60));
        assert!(q.would_reject(60));
        assert!(!q.would_reject(61));
        assert_eq!(q.drain_all(), ["c80", "d70", "a60"]);
        assert!(q.is_empty());
    }

    #[test]
    fn zero_capacity_parks_nothing() {
        let mut q = ParkQueue::new(0);
        assert!(q.would_reject(100));
        assert_eq!(q.push(100, 1), Some(1));
        assert!(q.is_empty());
    }
}
