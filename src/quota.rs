//! The VirusTotal quota (spec §5): a token bucket per key so that no rate window ever sees more
//! than `--vtrate` requests, a daily budget beside it, and the bounded queue of findings parked
//! under `--vtwaitforquota`, all driven by an injected [`Clock`] so tests control time.
//!
//! [`VtQuotaState`] combines them into the one decision the VtQuota actor makes per finding
//! (look up now, park, or report as skipped); the actor only wraps it and schedules wake-ups.
//! It counts requests through a [`Limiter`]: [`MemoryLimiter`] here, or the persistent limiter
//! of [`crate::vtstore`] shared across processes; after a 429 it holds off as [`HoldBackoff`]
//! says.

mod bucket;
mod clock;
mod daily;
mod hold;
mod limiter;
mod park;
mod policy;

pub use bucket::{MAX_SAFETY_MARGIN, SAFETY_MARGIN_DIVISOR, TokenBucket, safety_margin};
pub use clock::{Clock, ManualClock, Moment, SystemClock};
pub use daily::{DailyBudget, utc_day};
pub use hold::{HoldBackoff, HoldStats, MAX_HOLD, MAX_HOLD_WINDOWS};
pub use limiter::{Limiter, MemoryLimiter};
pub use park::ParkQueue;
pub use policy::{QuotaDecision, VtQuotaState};
