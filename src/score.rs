//! Scoring (spec §4): THOR's accumulation of sub-scores into one total, the levels the total
//! maps to, and the VirusTotal sub-score (spec §5).
//!
//! Every reason of a finding carries a sub-score. Positive sub-scores accumulate with
//! diminishing weight (the strongest counts fully, the next half, the next a quarter, …), so
//! many weak reasons approach but never reach a strong one; negative sub-scores (false-positive
//! rules, negative filename IOCs) are then subtracted.

use crate::model::{Level, Reason};

/// The highest score a finding can have, and the most a single sub-score counts for in the
/// formula (a YARA `score` meta above 100 would otherwise turn a factor negative).
pub const MAX_SCORE: u32 = 100;

/// An Alert needs one sub-score above this (spec §4: "at least one sub-score above 75"), so that
/// several weak reasons never make an Alert without one strong one. THOR documents it as
/// `alert_level − 25` from the days its alert level was 100; with the alert threshold at 81 that
/// formula would give 56 and turn `[70, 70]` (81) into an Alert, which the spec rules out, so
/// the value is fixed rather than derived from `--alert`.
pub const STRONG_SUBSCORE: i32 = 75;

/// Slack added before rounding so that values the formula gives as exact halves in decimal
/// (80.5 for `[70, 70]`) round up even when binary floating point lands a hair below.
const ROUNDING_SLACK: f64 = 1e-9;

/// The total score of a set of sub-scores (spec §4).
///
/// Positive sub-scores, sorted descending `s0 ≥ s1 ≥ …` and each capped at 100, give
/// `100 × (1 − Π (1 − s_i / 100 / 2^i))`, capped at 100; the absolute values of the negative
/// sub-scores are subtracted with a floor of 0, and the result is rounded half up.
///
/// ```
/// assert_eq!(ratatosk::score::total(&[70, 70, 50, 40, 40]), 84);
/// assert_eq!(ratatosk::score::total(&[70, 70]), 81);
/// assert_eq!(ratatosk::score::total(&[90, -30]), 60);
/// ```
pub fn total(subscores: &[i32]) -> u32 {
    let mut positives: Vec<i32> = subscores.iter().copied().filter(|&s| s > 0).collect();
    positives.sort_unstable_by(|a, b| b.cmp(a));

    let mut remaining = 1.0_f64;
    let mut weight = 1.0_f64;
    for s in positives {
        let s = f64::from(s.min(MAX_SCORE as i32)) / 100.0;
        remaining *= 1.0 - s * weight;
        weight /= 2.0;
    }
    let positive_total = (100.0 * (1.0 - remaining)).min(f64::from(MAX_SCORE));

    let negative_total: f64 = subscores
        .iter()
        .filter(|&&s| s < 0)
        .map(|&s| f64::from(s).abs())
        .sum();

    let value = (positive_total - negative_total).max(0.0);
    // `value` is within 0..=100 here, so the cast cannot truncate.
    (value + 0.5 + ROUNDING_SLACK).floor() as u32
}

/// The level thresholds (`--notice`, `--warning`, `--alert`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// A total at or above this is a Notice (THOR default 40).
    pub notice: u32,
    /// A total at or above this is a Warning (THOR default 60).
    pub warning: u32,
    /// A total at or above this is an Alert, given one sub-score above [`STRONG_SUBSCORE`]
    /// (default 81).
    pub alert: u32,
}

impl Default for Thresholds {
    /// THOR's defaults: 40 / 60 / 81.
    fn default() -> Self {
        Thresholds {
            notice: 40,
            warning: 60,
            alert: 81,
        }
    }
}

/// The level of a finding with total `score` and these `subscores` (spec §4).
///
/// Alert needs `score ≥ alert` **and** one sub-score above [`STRONG_SUBSCORE`] (75); without
/// that strong reason the finding stays a Warning. `None` below the notice threshold.
///
/// ```
/// use ratatosk::{model::Level, score};
/// let t = score::Thresholds::default();
/// assert_eq!(score::level(88, &[80, 80], &t), Some(Level::Alert));
/// assert_eq!(score::level(84, &[70, 70, 50, 40, 40], &t), Some(Level::Warning));
/// ```
pub fn level(score: u32, subscores: &[i32], t: &Thresholds) -> Option<Level> {
    let has_strong = subscores.iter().any(|&s| s > STRONG_SUBSCORE);
    if score >= t.alert && has_strong {
        Some(Level::Alert)
    } else if score >= t.warning {
        Some(Level::Warning)
    } else if score >= t.notice {
        Some(Level::Notice)
    } else {
        None
    }
}

/// Sorts a finding's reasons by descending sub-score (the order every output shows them in) and
/// returns the total and level they give.
pub fn score_reasons(reasons: &mut [Reason], t: &Thresholds) -> (u32, Option<Level>) {
    reasons.sort_by_key(|r| std::cmp::Reverse(r.signature.score));
    let subs: Vec<i32> = reasons.iter().map(|r| r.signature.score).collect();
    let score = total(&subs);
    (score, level(score, &subs, t))
}

/// Engines flagging a file as malicious above which VirusTotal gives a sub-score of 40.
pub const VT_POSITIVES_NOTICE: u32 = 5;
/// Engines above which VirusTotal gives a sub-score of 60.
pub const VT_POSITIVES_WARNING: u32 = 10;
/// Engines above which VirusTotal gives a sub-score of 75.
pub const VT_POSITIVES_STRONG: u32 = 20;

/// The VirusTotal sub-score for `positives` engines with category `malicious` (spec §5):
/// more than 5 → 40, more than 10 → 60, more than 20 → 75; `None` otherwise (a low count never
/// lowers the score).
pub fn vt_subscore(positives: u32) -> Option<i32> {
    if positives > VT_POSITIVES_STRONG {
        Some(75)
    } else if positives > VT_POSITIVES_WARNING {
        Some(60)
    } else if positives > VT_POSITIVES_NOTICE {
        Some(40)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lvl(subscores: &[i32]) -> Option<Level> {
        level(total(subscores), subscores, &Thresholds::default())
    }

    #[test]
    fn five_mixed_reasons_make_84_and_only_a_warning() {
        assert_eq!(total(&[70, 70, 50, 40, 40]), 84);
        assert_eq!(lvl(&[70, 70, 50, 40, 40]), Some(Level::Warning));
    }

    #[test]
    fn order_of_subscores_does_not_matter() {
        assert_eq!(total(&[40, 50, 70, 40, 70]), 84);
    }

    #[test]
    fn two_seventies_make_80_5_rounded_up_to_81_a_warning() {
        assert_eq!(total(&[70, 70]), 81);
        assert_eq!(lvl(&[70, 70]), Some(Level::Warning));
    }

    #[test]
    fn seventy_five_and_forty_make_80() {
        assert_eq!(total(&[75, 40]), 80);
        assert_eq!(lvl(&[75, 40]), Some(Level::Warning));
    }

    #[test]
    fn two_eighties_make_88_an_alert() {
        assert_eq!(total(&[80, 80]), 88);
        assert_eq!(lvl(&[80, 80]), Some(Level::Alert));
    }

    #[test]
    fn single_eighty_is_a_warning_single_85_an_alert() {
        assert_eq!(total(&[80]), 80);
        assert_eq!(lvl(&[80]), Some(Level::Warning));
        assert_eq!(total(&[85]), 85);
        assert_eq!(lvl(&[85]), Some(Level::Alert));
    }

    #[test]
    fn total_is_capped_at_100() {
        assert_eq!(total(&[100]), 100);
        assert_eq!(total(&[100, 100]), 100);
        assert_eq!(total(&[100, 100, 100, 90, 80]), 100);
        // A sub-score above 100 counts as 100, never turns the product negative.
        assert_eq!(total(&[300, 300]), 100);
        assert_eq!(total(&[150]), 100);
    }

    #[test]
    fn negative_subscores_are_subtracted_with_floor_zero() {
        assert_eq!(total(&[90, -30]), 60);
        assert_eq!(total(&[40, -50]), 0);
        assert_eq!(total(&[-20]), 0);
        // Subtracted after the cap: 100 − 10.
        assert_eq!(total(&[100, 100, -10]), 90);
    }

    #[test]
    fn no_subscores_score_zero_and_no_level() {
        assert_eq!(total(&[]), 0);
        assert_eq!(lvl(&[]), None);
        assert_eq!(total(&[0, 0]), 0);
    }

    #[test]
    fn levels_at_the_threshold_edges() {
        let t = Thresholds::default();
        assert_eq!(level(39, &[39], &t), None);
        assert_eq!(level(40, &[40], &t), Some(Level::Notice));
        assert_eq!(level(59, &[59], &t), Some(Level::Notice));
        assert_eq!(level(60, &[60], &t), Some(Level::Warning));
        // 81 with a sub-score of exactly 75 is not strong enough: it must be above 75.
        assert_eq!(level(81, &[75, 75], &t), Some(Level::Warning));
        assert_eq!(level(81, &[76, 50], &t), Some(Level::Alert));
        assert_eq!(level(80, &[80], &t), Some(Level::Warning));
    }

    #[test]
    fn custom_thresholds_keep_the_strong_subscore_rule() {
        let t = Thresholds {
            notice: 30,
            warning: 50,
            alert: 70,
        };
        assert_eq!(level(70, &[76], &t), Some(Level::Alert));
        assert_eq!(level(72, &[60, 60], &t), Some(Level::Warning));
        assert_eq!(level(50, &[50], &t), Some(Level::Warning));
        assert_eq!(level(30, &[30], &t), Some(Level::Notice));
        assert_eq!(level(29, &[29], &t), None);
    }

    #[test]
    fn many_weak_reasons_never_make_an_alert() {
        assert_eq!(total(&[40; 20]), 61);
        assert_eq!(lvl(&[40; 20]), Some(Level::Warning));
        // Twenty reasons of 75 pass the alert threshold but none is above 75.
        assert_eq!(total(&[75; 20]), 90);
        assert_eq!(lvl(&[75; 20]), Some(Level::Warning));
    }

    #[test]
    fn vt_subscore_thresholds() {
        assert_eq!(vt_subscore(0), None);
        assert_eq!(vt_subscore(5), None);
        assert_eq!(vt_subscore(6), Some(40));
        assert_eq!(vt_subscore(10), Some(40));
        assert_eq!(vt_subscore(11), Some(60));
        assert_eq!(vt_subscore(20), Some(60));
        assert_eq!(vt_subscore(21), Some(75));
        assert_eq!(vt_subscore(70), Some(75));
    }
}
