//! The daily request budget (`--vtdaily`, default 500 as for a free key). VirusTotal resets its
//! daily quota at 00:00 UTC (vt-api.md §7), so the budget counts per UTC calendar day. The
//! caller passes the wall-clock time so tests can cross midnight at will.

use std::time::{Duration, SystemTime};

/// Seconds in a UTC day (VirusTotal's days have no leap seconds to speak of: unix time).
const SECONDS_PER_DAY: u64 = 86_400;

/// The UTC day of `t`, counted in days since 1970-01-01 (0 for times before the epoch).
pub fn utc_day(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / SECONDS_PER_DAY)
}

/// Requests left for the current UTC day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DailyBudget {
    limit: u32,
    used: u32,
    /// The UTC day `used` counts for; `None` until the first take or refresh.
    day: Option<u64>,
}

impl DailyBudget {
    /// A fresh budget of `limit` requests a day (a limit of 0 allows none).
    pub fn new(limit: u32) -> Self {
        DailyBudget {
            limit,
            used: 0,
            day: None,
        }
    }

    /// A budget restored from a previous run (the verdict cache keeps the counter so it
    /// survives a restart): `used` requests already spent on UTC day `day`.
    pub fn restore(limit: u32, used: u32, day: u64) -> Self {
        DailyBudget {
            limit,
            used,
            day: Some(day),
        }
    }

    /// Spends one request of the day of `now` if any is left; `true` when spent.
    pub fn try_take(&mut self, now: SystemTime) -> bool {
        self.refresh(now);
        if self.used >= self.limit {
            return false;
        }
        self.used += 1;
        true
    }

    /// Starts a new count when `now` is on a later UTC day than the one counted.
    pub fn refresh(&mut self, now: SystemTime) {
        let today = utc_day(now);
        if self.day.is_none_or(|day| today > day) {
            self.day = Some(today);
            self.used = 0;
        }
    }

    /// Whether nothing is left for the day of `now`.
    pub fn is_spent(&mut self, now: SystemTime) -> bool {
        self.refresh(now);
        self.used >= self.limit
    }

    /// Marks the day of `now` as spent (the server made clear its daily quota is gone).
    pub fn exhaust(&mut self, now: SystemTime) {
        self.refresh(now);
        self.used = self.used.max(self.limit);
    }

    /// Requests spent on the counted day (as of the last take or refresh).
    pub fn used(&self) -> u32 {
        self.used
    }

    /// Requests left on the counted day (as of the last take or refresh).
    pub fn remaining(&self) -> u32 {
        self.limit.saturating_sub(self.used)
    }

    /// The daily limit.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The UTC day counted (days since 1970-01-01), to persist with [`used`](Self::used).
    pub fn day(&self) -> Option<u64> {
        self.day
    }

    /// When the counted day ends (the next 00:00 UTC).
    pub fn resets_at(&self) -> Option<SystemTime> {
        let day = self.day?;
        SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs((day + 1) * SECONDS_PER_DAY))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-01-02T23:59:58Z.
    fn late_evening() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_239_998)
    }

    #[test]
    fn utc_day_counts_from_the_epoch() {
        assert_eq!(utc_day(SystemTime::UNIX_EPOCH), 0);
        assert_eq!(utc_day(late_evening()), 19_724);
        assert_eq!(utc_day(late_evening() + Duration::from_secs(2)), 19_725);
    }

    #[test]
    fn cap_is_enforced_then_resets_at_midnight_utc() {
        let mut d = DailyBudget::new(3);
        let now = late_evening();
        assert!(d.try_take(now));
        assert!(d.try_take(now));
        assert!(d.try_take(now));
        assert!(!d.try_take(now));
        assert_eq!((d.used(), d.remaining()), (3, 0));
        assert!(d.is_spent(now + Duration::from_secs(1)));
        assert_eq!(
            d.resets_at(),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(19_725 * 86_400))
        );
        // 00:00:00 UTC the next day.
        let midnight = now + Duration::from_secs(2);
        assert!(!d.is_spent(midnight));
        assert_eq!((d.used(), d.remaining()), (0, 3));
        assert!(d.try_take(midnight));
        assert_eq!(d.used(), 1);
    }

    #[test]
    fn restored_counter_carries_over_within_the_day_only() {
        let now = late_evening();
        let mut d = DailyBudget::restore(500, 499, utc_day(now));
        assert!(d.try_take(now));
        assert!(!d.try_take(now));
        let mut old = DailyBudget::restore(500, 500, utc_day(now) - 1);
        assert!(old.try_take(now));
        assert_eq!(old.used(), 1);
    }

    #[test]
    fn exhaust_spends_the_rest_of_the_day() {
        let now = late_evening();
        let mut d = DailyBudget::new(500);
        assert!(d.try_take(now));
        d.exhaust(now);
        assert_eq!(d.remaining(), 0);
        assert!(!d.try_take(now));
    }

    #[test]
    fn zero_limit_allows_nothing() {
        let mut d = DailyBudget::new(0);
        assert!(!d.try_take(late_evening()));
    }
}
