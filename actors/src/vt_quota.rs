//! The VtQuota actor: every outcome passes through it on the way to the Reporter. Findings at
//! or above `--vtscore` ask the token bucket for a token: with one they go to VtLookup; without
//! one they are reported at once as `skipped (quota)`, or, with `--vtwaitforquota`, parked
//! (bounded, highest score first) and released as tokens return. Parking never stalls the scan:
//! the handler returns as soon as the decision is made.
//!
//! Until VirusTotal has answered one lookup, new hashes are held (no token taken) while that
//! first lookup is out: a wrong key then costs one request. A token is taken only when the
//! lookup can be sent at once, so the bucket counts each request when it is made.

use std::time::Duration;

use actix::prelude::*;
use ratatosk::model::{Finding, Outcome, Sha256, VtResult};
use ratatosk::quota::QuotaDecision;

use crate::reporter::{Holds, Parked, Record, Reporter, WrongKey};
use crate::vt_lookup::{LookUp, VtLookup};
use crate::vt_state::{Flight, Fold, Settled, SharedVt, VtShared, lock};

/// Shortest pause between two looks at the parked findings.
const MIN_TICK: Duration = Duration::from_millis(5);
/// Longest pause between two looks at the parked findings.
const MAX_TICK: Duration = Duration::from_millis(250);

/// An outcome on its way to the Reporter.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Incoming(pub Outcome);

/// The scan is over (or interrupted): settle the parked findings and wait for the lookups in
/// flight. Interrupted runs report parked findings as `skipped (quota)` instead of waiting; a
/// signal that comes while draining does the same through [`VtShared::interrupted`]
/// (the release timer reads it).
///
/// [`VtShared::interrupted`]: crate::vt_state::VtShared::interrupted
#[derive(Message)]
#[rtype(result = "()")]
pub struct Drain {
    /// The run was interrupted.
    pub interrupted: bool,
}

/// The VtQuota actor.
pub struct VtQuota {
    shared: Option<SharedVt>,
    lookup: Option<Addr<VtLookup>>,
    reporter: Addr<Reporter>,
    vtscore: u32,
    fold: Fold,
    tick: Duration,
}

impl VtQuota {
    /// A quota stage; `vt` is `None` when VirusTotal is off (every outcome passes straight on).
    pub fn new(
        vt: Option<(SharedVt, Addr<VtLookup>)>,
        reporter: Addr<Reporter>,
        vtscore: u32,
        fold: Fold,
        window: Duration,
    ) -> Self {
        let (shared, lookup) = match vt {
            Some((s, l)) => (Some(s), Some(l)),
            None => (None, None),
        };
        VtQuota {
            shared,
            lookup,
            reporter,
            vtscore,
            fold,
            tick: (window / 200).clamp(MIN_TICK, MAX_TICK),
        }
    }

    /// Decides one finding; returns the findings to report now.
    fn offer(&mut self, f: Box<Finding>) -> Vec<Finding> {
        let f = *f;
        let (Some(shared), Some(lookup)) = (&self.shared, &self.lookup) else {
            return vec![f];
        };
        let mut st = lock(shared);
        let sha = f.hashes.sha256;
        if st.wrong_key {
            let mut f = f;
            self.fold
                .apply(&mut f, &Settled::Plain(VtResult::Error("wrong key".into())));
            return vec![f];
        }
        match st.flights.get_mut(&sha) {
            Some(Flight::Done(settled)) => {
                let settled = settled.clone();
                let mut f = f;
                self.fold.apply(&mut f, &settled);
                return vec![f];
            }
            Some(Flight::Waiting { score, findings }) => {
                *score = (*score).max(f.score);
                findings.push(f);
                return Vec::new();
            }
            None => {}
        }
        if let Some(settled) = st.cached(&sha) {
            st.flights.insert(sha, Flight::Done(settled.clone()));
            let mut f = f;
            self.fold.apply(&mut f, &settled);
            return vec![f];
        }
        let score = f.score;
        st.flights.insert(
            sha,
            Flight::Waiting {
                score,
                findings: vec![f],
            },
        );
        if st.interrupted {
            // Nothing new is sent after a signal: reported like a parked finding.
            return st.settle(sha, Settled::Plain(VtResult::SkippedQuota), &self.fold);
        }
        if !st.key_checked && st.in_flight > 0 {
            // The first lookup is still out and the key is not known to work: wait for its
            // answer (no token taken yet), so a wrong key costs one request, not one per
            // finding. The release timer hands it to the quota once the answer is in.
            st.held.push(sha);
            return Vec::new();
        }
        self.dispatch(&mut st, lookup, sha, score)
    }

    /// Asks the quota for `sha` (best score `score`): a token sends it to VtLookup now, else
    /// it is parked or skipped. Returns the findings to report now.
    fn dispatch(
        &self,
        st: &mut VtShared,
        lookup: &Addr<VtLookup>,
        sha: Sha256,
        score: u32,
    ) -> Vec<Finding> {
        let now = st.now();
        let mut out = Vec::new();
        match st.quota.decide(now, score, sha) {
            QuotaDecision::Lookup(go) => {
                st.in_flight += 1;
                lookup.do_send(LookUp(go));
            }
            QuotaDecision::Parked { evicted } => {
                self.reporter.do_send(Parked(1));
                if let Some(e) = evicted {
                    out.extend(st.settle(e, Settled::Plain(VtResult::SkippedQuota), &self.fold));
                }
            }
            QuotaDecision::Skip(s, result) => {
                out.extend(st.settle(s, Settled::Plain(result), &self.fold));
            }
        }
        out
    }

    /// Hands the hashes held for the first answer to the quota once that answer is in (or
    /// settles them, after a rejected key or a signal).
    fn release_held(&self, st: &mut VtShared, lookup: &Addr<VtLookup>) -> Vec<Finding> {
        let waiting = !st.key_checked && !st.wrong_key && !st.interrupted && st.in_flight > 0;
        if st.held.is_empty() || waiting {
            return Vec::new();
        }
        let mut out = Vec::new();
        for sha in std::mem::take(&mut st.held) {
            if st.wrong_key {
                let error = Settled::Plain(VtResult::Error("wrong key".into()));
                out.extend(st.settle(sha, error, &self.fold));
            } else if st.interrupted {
                out.extend(st.settle(sha, Settled::Plain(VtResult::SkippedQuota), &self.fold));
            } else {
                let score = match st.flights.get(&sha) {
                    Some(Flight::Waiting { score, .. }) => *score,
                    _ => 0,
                };
                out.extend(self.dispatch(st, lookup, sha, score));
            }
        }
        out
    }

    /// Releases parked hashes whose token has returned; returns findings to report.
    fn release(&mut self, interrupted: bool) -> Vec<Finding> {
        let (Some(shared), Some(lookup)) = (&self.shared, &self.lookup) else {
            return Vec::new();
        };
        let mut st = lock(shared);
        let mut out = self.release_held(&mut st, lookup);
        let now = st.now();
        let decisions = if interrupted || st.interrupted {
            st.quota.settle_all()
        } else if st.wrong_key {
            st.quota
                .settle_all()
                .into_iter()
                .map(|d| match d {
                    QuotaDecision::Skip(s, _) => {
                        QuotaDecision::Skip(s, VtResult::Error("wrong key".into()))
                    }
                    other => other,
                })
                .collect()
        } else {
            st.quota.release_ready(now)
        };
        for d in decisions {
            match d {
                QuotaDecision::Lookup(sha) => {
                    st.in_flight += 1;
                    lookup.do_send(LookUp(sha));
                }
                QuotaDecision::Skip(sha, result) => {
                    out.extend(st.settle(sha, Settled::Plain(result), &self.fold));
                }
                QuotaDecision::Parked { .. } => {}
            }
        }
        out
    }
}

/// Sends findings to the Reporter one after the other, waiting for each (back-pressure).
async fn report_all(reporter: Addr<Reporter>, findings: Vec<Finding>) {
    for f in findings {
        if reporter
            .send(Record(Outcome::Finding(Box::new(f))))
            .await
            .is_err()
        {
            tracing::error!("the reporter stopped early; findings are lost");
            return;
        }
    }
}

impl Actor for VtQuota {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        if self.shared.is_some() {
            ctx.run_interval(self.tick, |act, ctx| {
                let out = act.release(false);
                if !out.is_empty() {
                    ctx.spawn(report_all(act.reporter.clone(), out).into_actor(act));
                }
            });
        }
    }
}

impl Handler<Incoming> for VtQuota {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, msg: Incoming, _: &mut Context<Self>) -> Self::Result {
        let reporter = self.reporter.clone();
        match msg.0 {
            Outcome::Finding(f) if self.shared.is_some() && f.score >= self.vtscore => {
                let out = self.offer(f);
                Box::pin(report_all(reporter, out))
            }
            other => Box::pin(async move {
                if reporter.send(Record(other)).await.is_err() {
                    tracing::error!("the reporter stopped early; results are lost");
                }
            }),
        }
    }
}

impl Handler<Drain> for VtQuota {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, msg: Drain, _: &mut Context<Self>) -> Self::Result {
        let out = if msg.interrupted {
            self.release(true)
        } else {
            Vec::new()
        };
        let reporter = self.reporter.clone();
        let shared = self.shared.clone();
        let tick = self.tick;
        Box::pin(async move {
            report_all(reporter.clone(), out).await;
            let Some(shared) = shared else { return };
            loop {
                let (done, wrong_key, holds) = {
                    let st = lock(&shared);
                    (st.settled(), st.wrong_key, st.quota.hold_stats())
                };
                if done {
                    if wrong_key {
                        let _ = reporter.send(WrongKey).await;
                    }
                    let _ = reporter.send(Holds(holds)).await;
                    return;
                }
                actix_rt::time::sleep(tick).await;
            }
        })
    }
}
