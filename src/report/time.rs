//! Timestamps in the forms the outputs use: THOR's ANSI-C style (`Mon Jan  2 15:04:05 2006`)
//! for the text log by default, RFC 3339 with `--rfc3339` and in JSON; local time unless
//! `--utc`.
//!
//! File times come from the disk and may be anything; a time that does not fit a four-digit
//! year is treated as unknown rather than allowed to panic a formatter.

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Datelike, Local, SecondsFormat, Utc};

/// ANSI-C `asctime` layout, as THOR's text log writes it.
const ANSI_C_FORMAT: &str = "%a %b %e %H:%M:%S %Y";

/// The last year RFC 3339 (four-digit years) can write.
const MAX_YEAR: i32 = 9999;

/// How timestamps are written (`--utc`, `--rfc3339`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeStyle {
    /// UTC instead of local time.
    pub utc: bool,
    /// RFC 3339 instead of ANSI-C style in the text outputs.
    pub rfc3339: bool,
}

/// `t` as a UTC date-time, `None` when it is outside years 1–9999.
pub fn to_utc(t: SystemTime) -> Option<DateTime<Utc>> {
    let dt = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => DateTime::from_timestamp(i64::try_from(d.as_secs()).ok()?, d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            let secs = i64::try_from(d.as_secs()).ok()?;
            let nanos = d.subsec_nanos();
            if nanos == 0 {
                DateTime::from_timestamp(-secs, 0)
            } else {
                DateTime::from_timestamp(-secs - 1, 1_000_000_000 - nanos)
            }
        }
    }?;
    (1..=MAX_YEAR).contains(&dt.year()).then_some(dt)
}

impl TimeStyle {
    /// The text-log form of `t` (ANSI-C or RFC 3339, local or UTC); `None` when `t` is out of
    /// range.
    pub fn text(self, t: SystemTime) -> Option<String> {
        if self.rfc3339 {
            return self.rfc3339(t);
        }
        let utc = to_utc(t)?;
        Some(if self.utc {
            utc.format(ANSI_C_FORMAT).to_string()
        } else {
            utc.with_timezone(&Local).format(ANSI_C_FORMAT).to_string()
        })
    }

    /// RFC 3339 to the second: `…Z` with `--utc`, the local offset otherwise. JSON always uses
    /// this form.
    pub fn rfc3339(self, t: SystemTime) -> Option<String> {
        let utc = to_utc(t)?;
        Some(if self.utc {
            utc.to_rfc3339_opts(SecondsFormat::Secs, true)
        } else {
            utc.with_timezone(&Local)
                .to_rfc3339_opts(SecondsFormat::Secs, false)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Mon Jan  2 15:04:05 UTC 2006 (Go's reference time).
    const REFERENCE: u64 = 1_136_214_245;

    #[test]
    fn utc_forms() {
        let t = UNIX_EPOCH + Duration::from_secs(REFERENCE);
        let ansi = TimeStyle {
            utc: true,
            rfc3339: false,
        };
        let rfc = TimeStyle {
            utc: true,
            rfc3339: true,
        };
        assert_eq!(ansi.text(t).as_deref(), Some("Mon Jan  2 15:04:05 2006"));
        assert_eq!(rfc.text(t).as_deref(), Some("2006-01-02T15:04:05Z"));
        assert_eq!(ansi.rfc3339(t).as_deref(), Some("2006-01-02T15:04:05Z"));
    }

    #[test]
    fn out_of_range_times_are_unknown() {
        let huge = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(TimeStyle::default().text(huge), None);
        let before = UNIX_EPOCH - Duration::from_millis(1500);
        assert_eq!(
            TimeStyle {
                utc: true,
                rfc3339: true
            }
            .text(before)
            .as_deref(),
            Some("1969-12-31T23:59:58Z")
        );
    }
}
