//! The VirusTotal state that VtQuota and VtLookup share: the quota (token bucket, daily budget,
//! parked hashes), one flight per distinct SHA256 (so each hash is looked up at most once per
//! run and every finding with that hash gets the same verdict), and the count of lookups in
//! flight (the run ends when nothing is parked and nothing is in flight).
//!
//! It also holds the run-wide switches the two stages read: the key was rejected, the run was
//! interrupted.
//!
//! It sits behind one mutex so that VtQuota's check-and-take is atomic and VtLookup can empty
//! the bucket on a 429 without holding the address of the stage that feeds it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use ratatosk::model::{Finding, Sha256, VtEnrichment, VtResult, VtVerdict};
use ratatosk::quota::{Clock, Moment, VtQuotaState};
use ratatosk::score::{self, Thresholds};
use ratatosk::vt;
use ratatosk::vtstore::VtCache;

/// How a hash's lookup ended; applied to every finding with that hash.
#[derive(Clone, Debug)]
pub enum Settled {
    /// A verdict (`found`).
    Verdict(VtVerdict, VtResult),
    /// No verdict (`not found`, `error (…)`).
    Plain(VtResult),
    /// "Not found", answered from the on-disk cache (no request made).
    CachedNotFound,
}

/// One distinct hash's lookup.
#[derive(Debug)]
pub enum Flight {
    /// Parked or being looked up; the findings waiting for the answer, and the best score.
    Waiting {
        /// Highest score among the waiting findings.
        score: u32,
        /// The findings.
        findings: Vec<Finding>,
    },
    /// Looked up this run.
    Done(Settled),
}

/// The shared state.
pub struct VtShared {
    /// The quota; parked items are hashes (their findings wait in [`Flight::Waiting`]).
    pub quota: VtQuotaState<Sha256>,
    /// One entry per hash offered this run.
    pub flights: HashMap<Sha256, Flight>,
    /// Lookups dispatched and not yet settled.
    pub in_flight: usize,
    /// VirusTotal rejected the key: no more lookups this run.
    pub wrong_key: bool,
    /// VirusTotal has accepted the key (answered a lookup): new hashes no longer wait for the
    /// first answer.
    pub key_checked: bool,
    /// Hashes waiting for the first answer to the key before they ask the quota for a token
    /// (their findings wait in [`Flight::Waiting`]).
    pub held: Vec<Sha256>,
    /// The run was interrupted (SIGINT/SIGTERM): parked findings are settled as skipped,
    /// lookups not yet sent are skipped, failed ones are not retried.
    pub interrupted: bool,
    /// 429 `QuotaExceededError` answers per hash this run: a hash refused this often is
    /// reported `skipped (quota)` instead of being parked again, so a 429 storm ends.
    pub quota_refusals: HashMap<Sha256, u32>,
    /// The on-disk verdict cache (`--vtcache`; `None` with `--vtnocache` or when it cannot be
    /// opened).
    pub cache: Option<VtCache>,
    /// `--vtmode full`: unknown samples are uploaded, so a cached "not found" is a miss.
    pub full: bool,
    /// Time source.
    pub clock: Arc<dyn Clock>,
}

impl VtShared {
    /// The current time.
    pub fn now(&self) -> Moment {
        self.clock.moment()
    }

    /// A verdict from the on-disk cache: a known file comes back `cached`, an unknown one
    /// `not found` (marked cached); no request, no token. In full mode a cached "not found"
    /// is a miss: the sample is to be uploaded.
    pub fn cached(&mut self, sha: &Sha256) -> Option<Settled> {
        let full = self.full;
        let now = self.now().wall;
        let hit = self.cache.as_mut()?.get(sha, now)?;
        match hit.verdict {
            Some(v) => Some(Settled::Verdict(v, VtResult::Cached)),
            None if full => None,
            None => Some(Settled::CachedNotFound),
        }
    }

    /// Stores a lookup's answer in the on-disk cache (verdicts and "not found" only).
    pub fn remember(&mut self, sha: &Sha256, settled: &Settled) {
        let now = self.now().wall;
        let Some(cache) = self.cache.as_mut() else {
            return;
        };
        match settled {
            Settled::Verdict(v, VtResult::Found | VtResult::Uploaded) => {
                cache.put_found(sha, v, now);
            }
            Settled::Plain(VtResult::NotFound) => {
                cache.put_not_found(sha, now);
            }
            _ => {}
        }
    }

    /// Nothing parked, held or in flight.
    pub fn settled(&self) -> bool {
        self.quota.parked() == 0 && self.held.is_empty() && self.in_flight == 0
    }

    /// Ends a flight with `settled`, returning its findings enriched and rescored.
    pub fn settle(&mut self, sha: Sha256, settled: Settled, fold: &Fold) -> Vec<Finding> {
        let cacheable = !matches!(
            settled,
            Settled::Plain(VtResult::SkippedQuota | VtResult::SkippedDailyQuota)
        );
        let waiting = if cacheable {
            self.flights.insert(sha, Flight::Done(settled.clone()))
        } else {
            self.flights.remove(&sha)
        };
        let findings = match waiting {
            Some(Flight::Waiting { findings, .. }) => findings,
            _ => Vec::new(),
        };
        findings
            .into_iter()
            .map(|mut f| {
                fold.apply(&mut f, &settled);
                f
            })
            .collect()
    }
}

/// A handle on the shared state.
pub type SharedVt = Arc<Mutex<VtShared>>;

/// Locks the shared state; a poisoned lock (a panic elsewhere) still gives the data, which
/// stays consistent because every update is a single step.
pub fn lock(shared: &SharedVt) -> MutexGuard<'_, VtShared> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

/// How a settled lookup is folded into a finding.
#[derive(Clone, Debug)]
pub struct Fold {
    /// `--vtverbose`.
    pub verbose: bool,
    /// Level thresholds, to rescore.
    pub thresholds: Thresholds,
}

impl Fold {
    /// Adds the `virustotal{…}` block and, for a verdict with enough engines, the VirusTotal
    /// reason, then recomputes score and level.
    pub fn apply(&self, f: &mut Finding, settled: &Settled) {
        match settled {
            Settled::Verdict(verdict, result) => {
                let sha = f.hashes.sha256;
                f.virustotal = Some(vt::enrichment(verdict, result.clone(), &sha, self.verbose));
                if let Some(reason) = vt::reason(verdict, &sha) {
                    f.reasons.push(reason);
                    (f.score, f.level) = score::score_reasons(&mut f.reasons, &self.thresholds);
                }
            }
            Settled::Plain(result) => {
                f.virustotal = Some(VtEnrichment::without_verdict(result.clone()));
            }
            Settled::CachedNotFound => {
                f.virustotal = Some(VtEnrichment {
                    cached: true,
                    ..VtEnrichment::without_verdict(VtResult::NotFound)
                });
            }
        }
    }
}
