//! The Reporter actor: the only writer of results. It receives every walked entry's outcome
//! (findings after VirusTotal, clean files, skips, errors), applies `--min` and the
//! false-positive filters, writes the findings to every output, keeps the summary counters, and
//! at the end writes the summary and flushes.

use std::time::{Instant, SystemTime};

use actix::prelude::*;
use ratatosk::model::{Finding, Outcome};
use ratatosk::report::{
    Disposition, FpFilters, ReportContext, ReportWriter, ScanInfo, Summary, finding_message,
};

/// One outcome to record (and write, when it is a finding to report).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Record(pub Outcome);

/// Findings were parked waiting for quota (for the summary).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Parked(pub u64);

/// VirusTotal rejected the key (for the summary).
#[derive(Message)]
#[rtype(result = "()")]
pub struct WrongKey;

/// How often VirusTotal lookups were held off after a 429 (for the summary).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Holds(pub ratatosk::quota::HoldStats);

/// The run is over: write the summary, flush, and hand the counters back.
#[derive(Message)]
#[rtype(result = "Summary")]
pub struct Finish;

/// The Reporter.
pub struct Reporter {
    writers: Vec<(String, Box<dyn ReportWriter>)>,
    ctx: ReportContext,
    fp_filters: FpFilters,
    min: u32,
    summary: Summary,
    started: Instant,
    /// The first error of each output; a failing output stops being written, the others go on.
    failed: Vec<bool>,
}

impl Reporter {
    /// A Reporter writing to `writers` (named for error messages), which start at once.
    pub fn new(
        writers: Vec<(String, Box<dyn ReportWriter>)>,
        ctx: ReportContext,
        fp_filters: FpFilters,
        min: u32,
        scan: &ScanInfo,
    ) -> Self {
        let started_wall = SystemTime::now();
        let mut r = Reporter {
            failed: vec![false; writers.len()],
            writers,
            ctx,
            fp_filters,
            min,
            summary: Summary::new(started_wall),
            started: Instant::now(),
        };
        r.each(|w, at| w.start(scan, at));
        r
    }

    /// Calls `f` on every output that has not failed; reports and retires an output at its
    /// first error.
    fn each(
        &mut self,
        mut f: impl FnMut(&mut dyn ReportWriter, SystemTime) -> std::io::Result<()>,
    ) {
        let at = SystemTime::now();
        for (i, (name, w)) in self.writers.iter_mut().enumerate() {
            if self.failed[i] {
                continue;
            }
            if let Err(e) = f(w.as_mut(), at) {
                tracing::error!("cannot write {name}: {e}; that output stops here");
                self.failed[i] = true;
            }
        }
    }

    fn finding(&mut self, f: &Finding) {
        let disposition = if f.score < self.min {
            Disposition::BelowMin
        } else if !self.fp_filters.is_empty()
            && self.fp_filters.suppresses(&finding_message(f, &self.ctx))
        {
            Disposition::Suppressed
        } else {
            Disposition::Reported
        };
        self.summary.record_finding(f, disposition);
        if disposition == Disposition::Reported {
            self.each(|w, at| w.finding(f, at));
        }
    }
}

impl Actor for Reporter {
    type Context = Context<Self>;
}

impl Handler<Record> for Reporter {
    type Result = ();

    fn handle(&mut self, msg: Record, _: &mut Context<Self>) {
        self.summary.record_outcome(&msg.0);
        match &msg.0 {
            Outcome::Finding(f) => self.finding(f),
            Outcome::Error { path, message } => {
                tracing::debug!("{}: {message}", path.display());
            }
            Outcome::Clean { .. } | Outcome::Skipped { .. } => {}
        }
    }
}

impl Handler<Parked> for Reporter {
    type Result = ();

    fn handle(&mut self, msg: Parked, _: &mut Context<Self>) {
        self.summary.record_parked(msg.0);
    }
}

impl Handler<WrongKey> for Reporter {
    type Result = ();

    fn handle(&mut self, _: WrongKey, _: &mut Context<Self>) {
        self.summary.record_wrong_key();
    }
}

impl Handler<Holds> for Reporter {
    type Result = ();

    fn handle(&mut self, msg: Holds, _: &mut Context<Self>) {
        let vt = &mut self.summary.virustotal;
        vt.holds = msg.0.holds;
        vt.longest_hold_ms = u64::try_from(msg.0.longest_hold.as_millis()).unwrap_or(u64::MAX);
    }
}

impl Handler<Finish> for Reporter {
    type Result = MessageResult<Finish>;

    fn handle(&mut self, _: Finish, _: &mut Context<Self>) -> Self::Result {
        self.summary.set_elapsed(self.started.elapsed());
        let summary = self.summary.clone();
        self.each(|w, at| w.finish(&summary, at));
        MessageResult(summary)
    }
}
