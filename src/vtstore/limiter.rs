//! The per-window rate and the daily count of one API key, kept in the store so that they
//! outlive the process and bind every process sharing the key and the file (issue 3): a restart
//! does not reset `--vtdaily`, and two scanners together never exceed `--vtrate` requests in any
//! `--vtwindow`.
//!
//! The rows are keyed by the SHA256 of the API key, never the key. Time is the wall clock in
//! unix milliseconds, since monotonic instants mean nothing to another process. Each take is one
//! `BEGIN IMMEDIATE` transaction: forget the requests whose token has come back, count the rest,
//! and record the new request (and count it for the UTC day) only if both the window and the
//! day have room. A token returns one window plus the safety margin after its request, exactly
//! as in [`TokenBucket`](crate::quota::TokenBucket).
//!
//! So that the check and the record agree on the order of events across processes, every
//! operation runs at `max(now, the latest time any process recorded)`; if the clock went back by
//! more than a window, the new clock is trusted and the requests recorded "in the future" are
//! moved back with it.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use sha2::Digest as _;

use super::{VtStoreError, db};
use crate::quota::{safety_margin, utc_day};

/// Daily rows older than this many days before today are deleted: yesterday's stays, for a
/// process whose clock is a little behind.
const DAILY_ROWS_KEPT_DAYS: u64 = 1;

/// How the rows of an API key are named: the lower-case hex SHA256 of the key.
pub fn key_id(api_key: &str) -> String {
    hex::encode(sha2::Sha256::digest(api_key.as_bytes()))
}

/// What [`StoreLimiter::try_take`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TakeOutcome {
    /// A token was taken (and the request counted for the day).
    pub taken: bool,
    /// The time the store counted the take at (the given time, or a few milliseconds later
    /// when another process already counted a later one).
    pub at: SystemTime,
    /// Requests counted for the UTC day, this one included.
    pub daily_used: u32,
}

/// The state of a key as of an effective time.
struct View {
    /// Effective now: `max(now, seen)` in ms, for comparisons.
    at: i64,
    /// The time a take now would be recorded at (at least `at`, rounded up).
    record_at: i64,
    /// How far the clock went back (ms) since the latest recorded time; 0 normally.
    jump: i64,
    /// No token before this (ms).
    hold_until: i64,
    /// Requests whose token has not come back at `at`, ascending (ms).
    live: Vec<i64>,
}

/// The persistent rate and daily counters of one API key in one store file.
#[derive(Debug)]
pub struct StoreLimiter {
    conn: Connection,
    path: PathBuf,
    key_id: String,
    rate: u32,
    window: Duration,
    margin: Duration,
    /// Window plus margin, in ms rounded up: how long a request keeps its token.
    span_ms: i64,
    daily_limit: u32,
}

impl StoreLimiter {
    /// Opens (or creates) the store at `path` for `api_key`, allowing `rate` requests per
    /// `window` (a rate of 0 counts as 1, as in the token bucket) and `daily_limit` a UTC day.
    pub fn open(
        path: &Path,
        api_key: &str,
        rate: u32,
        window: Duration,
        daily_limit: u32,
    ) -> Result<Self, VtStoreError> {
        let margin = safety_margin(window);
        Ok(StoreLimiter {
            conn: db::open(path)?,
            path: path.to_path_buf(),
            key_id: key_id(api_key),
            rate: rate.max(1),
            window,
            margin,
            span_ms: db::duration_ms_ceil(window + margin),
            daily_limit,
        })
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Requests per window.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// The rate window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// The safety margin added to the window.
    pub fn margin(&self) -> Duration {
        self.margin
    }

    /// The daily cap.
    pub fn daily_limit(&self) -> u32 {
        self.daily_limit
    }

    /// Takes a token at `now` if the window, any hold and the day allow it, in one write
    /// transaction shared by every process.
    pub fn try_take(&mut self, now: SystemTime) -> Result<TakeOutcome, VtStoreError> {
        let what = "counting a request";
        let (key, rate, limit, span) = (&self.key_id, self.rate, self.daily_limit, self.span_ms);
        let path = &self.path;
        let sql = |source| sql_error(path, what, source);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let view = view(&tx, key, now, span).map_err(sql)?;
        persist(&tx, key, &view, span).map_err(sql)?;
        let day = utc_day(now);
        let used = daily_used(&tx, key, day).map_err(sql)?;
        let taken = view.hold_until <= view.at && fits(view.live.len(), rate) && used < limit;
        if taken {
            tx.execute(
                "INSERT INTO vt_requests (key_id, at_ms) VALUES (?1, ?2)",
                params![key, view.record_at],
            )
            .map_err(sql)?;
            tx.execute(
                "INSERT INTO vt_keys (key_id, seen_ms) VALUES (?1, ?2)
                 ON CONFLICT (key_id) DO UPDATE SET seen_ms = MAX(seen_ms, excluded.seen_ms)",
                params![key, view.record_at],
            )
            .map_err(sql)?;
            tx.execute(
                "INSERT INTO vt_daily (key_id, day, used) VALUES (?1, ?2, 1)
                 ON CONFLICT (key_id, day) DO UPDATE SET used = used + 1",
                params![key, day_param(day)],
            )
            .map_err(sql)?;
            tx.execute(
                "DELETE FROM vt_daily WHERE key_id = ?1 AND day < ?2",
                params![key, day_param(day.saturating_sub(DAILY_ROWS_KEPT_DAYS))],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(TakeOutcome {
            taken,
            at: db::from_ms(view.record_at),
            daily_used: used.saturating_add(u32::from(taken)),
        })
    }

    /// Tokens the window holds at `now` (0 during a hold; the daily cap aside).
    pub fn available(&mut self, now: SystemTime) -> Result<u32, VtStoreError> {
        let view = self.read(now, "reading the request counters")?;
        if view.hold_until > view.at {
            return Ok(0);
        }
        let live = u32::try_from(view.live.len()).unwrap_or(u32::MAX);
        Ok(self.rate.saturating_sub(live))
    }

    /// When the window next has a token: `None` when a take at `now` would find one (the
    /// daily cap aside); otherwise the end of a hold, or the oldest counted request plus
    /// window and margin, whichever is later.
    pub fn next_token_at(&mut self, now: SystemTime) -> Result<Option<SystemTime>, VtStoreError> {
        let view = self.read(now, "reading the request counters")?;
        if view.hold_until <= view.at && fits(view.live.len(), self.rate) {
            return Ok(None);
        }
        let from = view.hold_until.max(view.at);
        let span = self.span_ms;
        let live: Vec<i64> = view.live.into_iter().filter(|&t| t > from - span).collect();
        if fits(live.len(), self.rate) {
            return Ok(Some(db::from_ms(from)));
        }
        // The token that frees a slot is the one `rate` places from the newest.
        let index = live.len() - self.rate as usize;
        Ok(Some(db::from_ms(live[index] + span)))
    }

    /// No token for any process until `hold` plus the margin has passed from `now` (a 429).
    /// Never shortens a longer hold in force.
    pub fn hold(&mut self, now: SystemTime, hold: Duration) -> Result<(), VtStoreError> {
        let what = "recording a hold";
        let (key, span, margin) = (&self.key_id, self.span_ms, self.margin);
        let path = &self.path;
        let sql = |source| sql_error(path, what, source);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let view = view(&tx, key, now, span).map_err(sql)?;
        persist(&tx, key, &view, span).map_err(sql)?;
        let until = view
            .record_at
            .saturating_add(db::duration_ms_ceil(hold + margin));
        tx.execute(
            "UPDATE vt_keys SET hold_until_ms = MAX(hold_until_ms, ?2) WHERE key_id = ?1",
            params![key, until],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)
    }

    /// The server answered 429: every process holds off for one window (plus margin).
    pub fn drain(&mut self, now: SystemTime) -> Result<(), VtStoreError> {
        self.hold(now, self.window)
    }

    /// Requests counted on the UTC day of `now`, by every process using the key and store.
    pub fn daily_used(&mut self, now: SystemTime) -> Result<u32, VtStoreError> {
        daily_used(&self.conn, &self.key_id, utc_day(now))
            .map_err(|source| sql_error(&self.path, "reading the daily count", source))
    }

    /// Marks the UTC day of `now` as spent (the server said the daily quota is gone).
    pub fn exhaust_daily(&mut self, now: SystemTime) -> Result<(), VtStoreError> {
        self.conn
            .execute(
                "INSERT INTO vt_daily (key_id, day, used) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key_id, day) DO UPDATE SET used = MAX(used, excluded.used)",
                params![self.key_id, day_param(utc_day(now)), self.daily_limit],
            )
            .map_err(|source| sql_error(&self.path, "spending the day", source))?;
        Ok(())
    }

    /// The key's state at `now`, in a read transaction (writes nothing).
    fn read(&mut self, now: SystemTime, what: &'static str) -> Result<View, VtStoreError> {
        let (key, span) = (&self.key_id, self.span_ms);
        let path = &self.path;
        let sql = |source| sql_error(path, what, source);
        let tx = self.conn.transaction().map_err(sql)?;
        let view = view(&tx, key, now, span).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(view)
    }
}

/// Whether one more request fits beside `live` ones.
fn fits(live: usize, rate: u32) -> bool {
    live < rate as usize
}

/// A UTC day number as SQLite stores it.
fn day_param(day: u64) -> i64 {
    i64::try_from(day).unwrap_or(i64::MAX)
}

fn sql_error(path: &Path, what: &'static str, source: rusqlite::Error) -> VtStoreError {
    VtStoreError::Sql {
        path: path.to_path_buf(),
        what,
        source,
    }
}

/// Requests counted for `key` on `day`.
fn daily_used(conn: &Connection, key: &str, day: u64) -> rusqlite::Result<u32> {
    let used: Option<i64> = conn
        .query_row(
            "SELECT used FROM vt_daily WHERE key_id = ?1 AND day = ?2",
            params![key, day_param(day)],
            |r| r.get(0),
        )
        .optional()?;
    Ok(used.map_or(0, |u| u32::try_from(u.max(0)).unwrap_or(u32::MAX)))
}

/// The key's state at `now` (see [`View`]), with the clock-went-back correction applied in
/// memory.
fn view(tx: &Transaction<'_>, key: &str, now: SystemTime, span: i64) -> rusqlite::Result<View> {
    let (hold_until, seen): (i64, i64) = tx
        .query_row(
            "SELECT hold_until_ms, seen_ms FROM vt_keys WHERE key_id = ?1",
            params![key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, 0));
    let (floor, ceil) = (db::ms_floor(now), db::ms_ceil(now));
    let jump = if seen > floor.saturating_add(span) {
        seen - floor
    } else {
        0
    };
    let at = if jump > 0 { floor } else { floor.max(seen) };
    let record_at = if jump > 0 { ceil } else { ceil.max(seen) };
    let mut live = Vec::new();
    let mut stmt = tx.prepare_cached(
        "SELECT at_ms FROM vt_requests WHERE key_id = ?1 AND at_ms > ?2 ORDER BY at_ms",
    )?;
    let rows = stmt.query_map(params![key, at.saturating_sub(span)], |r| {
        r.get::<_, i64>(0)
    })?;
    for t in rows {
        // Requests recorded after `at` predate a clock that went back: move them back too.
        let t = t?;
        let t = if jump > 0 && t > at { t - jump } else { t };
        if t > at - span {
            live.push(t);
        }
    }
    live.sort_unstable();
    Ok(View {
        at,
        record_at,
        jump,
        hold_until: if jump > 0 {
            hold_until.saturating_sub(jump)
        } else {
            hold_until
        },
        live,
    })
}

/// Writes back what [`view`] worked out: forgets the requests whose token has come back,
/// applies a clock correction, and moves the key's clock to the effective now.
fn persist(tx: &Transaction<'_>, key: &str, view: &View, span: i64) -> rusqlite::Result<()> {
    if view.jump > 0 {
        tx.execute(
            "UPDATE vt_requests SET at_ms = at_ms - ?3 WHERE key_id = ?1 AND at_ms > ?2",
            params![key, view.at, view.jump],
        )?;
    }
    tx.execute(
        "DELETE FROM vt_requests WHERE key_id = ?1 AND at_ms <= ?2",
        params![key, view.at.saturating_sub(span)],
    )?;
    tx.execute(
        "INSERT INTO vt_keys (key_id, hold_until_ms, seen_ms) VALUES (?1, ?2, ?3)
         ON CONFLICT (key_id) DO UPDATE SET hold_until_ms = ?2, seen_ms = ?3",
        params![key, view.hold_until, view.at],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::thread;
    use std::time::Instant;

    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const WINDOW: Duration = Duration::from_secs(2);
    /// Window plus the 2 % margin.
    const SPAN: Duration = Duration::from_millis(2040);

    /// 2024-01-02T12:00:00Z.
    fn noon() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_196_800)
    }

    fn open(path: &Path, rate: u32, daily: u32) -> StoreLimiter {
        StoreLimiter::open(path, KEY, rate, WINDOW, daily).unwrap()
    }

    /// Panics unless every window of `WINDOW` starting at a take holds at most `rate` takes
    /// (a window starting elsewhere holds no more than one starting at its first take).
    fn assert_no_window_exceeds(takes: &mut [SystemTime], rate: usize) {
        takes.sort_unstable();
        let mut hi = 0;
        for lo in 0..takes.len() {
            while hi < takes.len() && takes[hi].duration_since(takes[lo]).unwrap() <= WINDOW {
                hi += 1;
            }
            assert!(
                hi - lo <= rate,
                "{} takes within {WINDOW:?} from {:?}",
                hi - lo,
                takes[lo]
            );
        }
    }

    /// A small deterministic generator (xorshift64*).
    fn next_random(state: &mut u64) -> u64 {
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    #[test]
    fn the_key_is_stored_only_as_its_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vt.sqlite");
        let mut l = open(&path, 4, 500);
        assert!(l.try_take(noon()).unwrap().taken);
        assert_eq!(
            key_id("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let ids: Vec<String> = l
            .conn
            .prepare("SELECT key_id FROM vt_requests UNION SELECT key_id FROM vt_daily")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(ids, [key_id(KEY)]);
        drop(l);
        for file in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(file.unwrap().path()).unwrap();
            assert!(!bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()));
        }
    }

    #[test]
    fn a_token_comes_back_one_window_and_margin_after_its_request() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = open(&dir.path().join("vt.sqlite"), 2, 500);
        let t0 = noon();
        assert_eq!(l.next_token_at(t0).unwrap(), None);
        assert!(l.try_take(t0).unwrap().taken);
        let t1 = t0 + Duration::from_millis(500);
        let took = l.try_take(t1).unwrap();
        assert_eq!(
            took,
            TakeOutcome {
                taken: true,
                at: t1,
                daily_used: 2
            }
        );
        assert_eq!(l.available(t1).unwrap(), 0);
        assert_eq!(l.next_token_at(t1).unwrap(), Some(t0 + SPAN));
        let just_before = t0 + SPAN - Duration::from_millis(1);
        assert!(!l.try_take(just_before).unwrap().taken);
        assert_eq!(l.available(t0 + SPAN).unwrap(), 1);
        assert!(l.try_take(t0 + SPAN).unwrap().taken);
        assert_eq!(l.next_token_at(t0 + SPAN).unwrap(), Some(t1 + SPAN));
        assert_eq!(l.daily_used(t0 + SPAN).unwrap(), 3);
    }

    #[test]
    fn two_instances_on_one_file_never_exceed_the_rate_in_any_window() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vt.sqlite");
        // Two connections: as good as two processes for SQLite.
        let mut both = [open(&path, 2, 100_000), open(&path, 2, 100_000)];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut now = noon();
        let mut takes = Vec::new();
        let mut refused = 0;
        for step in 0..3000u32 {
            now += Duration::from_millis(next_random(&mut seed) % 700);
            let l = &mut both[(next_random(&mut seed) % 2) as usize];
            let took = l.try_take(now).unwrap();
            if took.taken {
                assert_eq!(took.at, now, "step {step}");
                takes.push(took.at);
            } else {
                refused += 1;
            }
        }
        assert!(takes.len() > 800, "only {} takes", takes.len());
        assert!(refused > 500, "only {refused} refusals");
        assert_no_window_exceeds(&mut takes, 2);
        // Rate 2 per 2.04 s over the run's span: the limit was used, not just respected.
        let span = now.duration_since(noon()).unwrap();
        let allowed = 2.0 * span.as_secs_f64() / SPAN.as_secs_f64();
        assert!(
            takes.len() as f64 > 0.8 * allowed,
            "{} of {allowed:.0}",
            takes.len()
        );
    }

    #[test]
    fn two_threads_hammering_one_file_on_the_real_clock_stay_within_the_rate() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vt.sqlite");
        let stop = Arc::new(AtomicBool::new(false));
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (path, stop) = (path.clone(), Arc::clone(&stop));
                thread::spawn(move || {
                    let mut l = open(&path, 2, 100_000);
                    let mut takes = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        let took = l.try_take(SystemTime::now()).unwrap();
                        if took.taken {
                            takes.push(took.at);
                        }
                        thread::sleep(Duration::from_millis(1));
                    }
                    takes
                })
            })
            .collect();
        // Tokens at 0 and 2.04 s: two takes each; the next pair would come at 4.08 s.
        thread::sleep(Duration::from_secs(3));
        stop.store(true, Ordering::Relaxed);
        let mut takes: Vec<SystemTime> = workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect();
        assert_eq!(takes.len(), 4, "{takes:?}");
        assert_no_window_exceeds(&mut takes, 2);
    }

    #[test]
    fn the_daily_cap_holds_across_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vt.sqlite");
        let mut first = open(&path, 100, 3);
        assert!(first.try_take(noon()).unwrap().taken);
        assert!(first.try_take(noon()).unwrap().taken);
        drop(first);
        // The restart, an hour later.
        let later = noon() + Duration::from_secs(3600);
        let mut second = open(&path, 100, 3);
        assert_eq!(second.daily_used(later).unwrap(), 2);
        let took: Vec<bool> = (0..3)
            .map(|_| second.try_take(later).unwrap().taken)
            .collect();
        assert_eq!(took, [true, false, false]);
        assert_eq!(second.daily_used(later).unwrap(), 3);
        // 00:00 UTC: a new day.
        let tomorrow = noon() + Duration::from_secs(12 * 3600);
        assert_eq!(second.daily_used(tomorrow).unwrap(), 0);
        assert_eq!(second.try_take(tomorrow).unwrap().daily_used, 1);
        // Another key on the same file has its own count.
        let mut other = StoreLimiter::open(&path, "another key", 100, WINDOW, 3).unwrap();
        assert_eq!(other.daily_used(later).unwrap(), 0);
        assert!(other.try_take(later).unwrap().taken);
    }

    #[test]
    fn a_drain_holds_every_instance_off_for_a_window() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vt.sqlite");
        let (mut a, mut b) = (open(&path, 2, 500), open(&path, 2, 500));
        let t0 = noon();
        assert!(a.try_take(t0).unwrap().taken);
        let t429 = t0 + Duration::from_millis(300);
        b.drain(t429).unwrap();
        for l in [&mut a, &mut b] {
            assert_eq!(l.available(t429).unwrap(), 0);
            assert_eq!(l.next_token_at(t429).unwrap(), Some(t429 + SPAN));
            assert!(
                !l.try_take(t429 + SPAN - Duration::from_millis(1))
                    .unwrap()
                    .taken
            );
        }
        // Back together, both tokens: the request before the 429 has come back too.
        assert_eq!(a.available(t429 + SPAN).unwrap(), 2);
        assert!(a.try_take(t429 + SPAN).unwrap().taken);
        assert!(b.try_take(t429 + SPAN).unwrap().taken);
        assert!(!b.try_take(t429 + SPAN).unwrap().taken);
        // A longer hold, then a shorter one from the other instance: the longer stands.
        let t = t429 + SPAN;
        a.hold(t, WINDOW * 4).unwrap();
        b.hold(t, WINDOW).unwrap();
        assert_eq!(
            b.next_token_at(t).unwrap(),
            Some(t + WINDOW * 4 + Duration::from_millis(40))
        );
    }

    #[test]
    fn a_clock_set_back_an_hour_costs_a_window_not_an_hour() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = open(&dir.path().join("vt.sqlite"), 2, 500);
        let t0 = noon();
        assert!(l.try_take(t0).unwrap().taken);
        assert!(l.try_take(t0).unwrap().taken);
        let back = t0 - Duration::from_secs(3600);
        // The two requests count as made at the new now.
        assert_eq!(l.next_token_at(back).unwrap(), Some(back + SPAN));
        assert!(!l.try_take(back).unwrap().taken);
        assert!(l.try_take(back + SPAN).unwrap().taken);
    }

    #[test]
    fn a_take_behind_a_later_one_is_counted_at_the_later_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vt.sqlite");
        let (mut a, mut b) = (open(&path, 2, 500), open(&path, 2, 500));
        let t0 = noon();
        assert!(a.try_take(t0 + Duration::from_millis(5)).unwrap().taken);
        // b read its clock a little earlier but got the lock later.
        let took = b.try_take(t0).unwrap();
        assert_eq!(took.at, t0 + Duration::from_millis(5));
    }

    /// Not an assertion on speed: prints how long one take costs on this machine
    /// (`cargo test --release -p ratatosk --lib try_take_cost -- --nocapture`).
    #[test]
    fn try_take_cost() {
        let dir = tempfile::tempdir().unwrap();
        // A free key's rate; 600 ms apart, every take finds a token.
        let mut l = open(&dir.path().join("vt.sqlite"), 4, 100_000);
        const TAKES: u32 = 1000;
        let start = Instant::now();
        let mut now = noon();
        for _ in 0..TAKES {
            now += Duration::from_millis(600);
            assert!(l.try_take(now).unwrap().taken);
        }
        let each = start.elapsed() / TAKES;
        eprintln!(
            "StoreLimiter::try_take: {:.3} ms each",
            each.as_secs_f64() * 1000.0
        );
    }
}
