//! The VtLookup actor: asks VirusTotal about the hashes VtQuota hands it, folds the verdict into
//! every finding with that hash and hands them to the Reporter. A 429 empties the token bucket;
//! 5xx, timeouts and malformed answers are retried with backoff, each retry taking a token like
//! any request; a 401 stops lookups for the run with one error line. No finding is lost because
//! VirusTotal failed.
//!
//! Each lookup is sent as soon as it arrives, not queued behind the one before: its token was
//! taken when VtQuota sent it here, and the bucket counts the request at that moment. A queue
//! would send it later (behind a retry's backoff, a slow answer, an upload), and several
//! requests whose tokens were taken a window apart could then reach VirusTotal within one
//! window, over the rate. The bucket, not a queue, bounds how many requests go out: at most
//! `--vtrate` in any window, retries and polls included (vt-api.md §7 advises serialising to
//! avoid bursts; the bucket already forbids them). Before the key is known to work, VtQuota
//! sends one lookup at a time, so a wrong key costs one request.

use std::time::{Duration, Instant};

use actix::prelude::*;
use ratatosk::model::{Finding, Outcome, Sha256, VtResult};
use ratatosk::quota::QuotaDecision;
use ratatosk::vt::{self, ApiKey, RetryPolicy, VtReply};

use crate::reporter::{Parked, Record, Reporter};
use crate::vt_state::{Flight, Fold, Settled, SharedVt, lock};

mod upload;

/// Largest answer body read: real file objects are a few hundred KiB at most.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Look one hash up (its findings wait in the shared flight table).
#[derive(Message)]
#[rtype(result = "()")]
pub struct LookUp(pub Sha256);

/// How VtLookup talks to VirusTotal.
#[derive(Clone, Debug)]
pub struct LookupConfig {
    /// API base (`--vturl`).
    pub base: String,
    /// The key.
    pub key: ApiKey,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Retries of transient failures.
    pub retry: RetryPolicy,
    /// The rate window (how long a retry may wait for a token).
    pub window: Duration,
    /// `--vtmode full`: upload samples VirusTotal does not know and poll their analysis.
    pub full: bool,
    /// `--vtpoll`: first wait before polling an analysis (doubling after each poll).
    pub poll: Duration,
    /// `--vtanalysis-timeout`: how long an upload's analysis is waited for.
    pub analysis_timeout: Duration,
}

/// The VtLookup actor.
pub struct VtLookup {
    cfg: LookupConfig,
    shared: SharedVt,
    reporter: Addr<Reporter>,
    fold: Fold,
    client: Option<awc::Client>,
}

impl VtLookup {
    /// A lookup stage sharing `shared` with VtQuota.
    pub fn new(cfg: LookupConfig, shared: SharedVt, reporter: Addr<Reporter>, fold: Fold) -> Self {
        VtLookup {
            cfg,
            shared,
            reporter,
            fold,
            client: None,
        }
    }
}

impl Actor for VtLookup {
    type Context = Context<Self>;

    fn started(&mut self, _: &mut Context<Self>) {
        // awc clients are per thread: build it on the actor's own.
        self.client = Some(
            awc::Client::builder()
                .timeout(self.cfg.timeout)
                .add_default_header((
                    "user-agent",
                    concat!("ratatosk/", env!("CARGO_PKG_VERSION")),
                ))
                .finish(),
        );
    }
}

impl Handler<LookUp> for VtLookup {
    type Result = ();

    fn handle(&mut self, msg: LookUp, ctx: &mut Context<Self>) -> Self::Result {
        let job = LookupJob {
            sha: msg.0,
            cfg: self.cfg.clone(),
            shared: self.shared.clone(),
            reporter: self.reporter.clone(),
            fold: self.fold.clone(),
            client: self.client.clone(),
            me: ctx.address(),
        };
        ctx.spawn(job.run().into_actor(self));
    }
}

/// One hash's lookup, retries included.
struct LookupJob {
    sha: Sha256,
    cfg: LookupConfig,
    shared: SharedVt,
    reporter: Addr<Reporter>,
    fold: Fold,
    client: Option<awc::Client>,
    me: Addr<VtLookup>,
}

impl LookupJob {
    async fn run(self) {
        let mut failures = 0u32;
        let findings = loop {
            let (wrong_key, interrupted) = {
                let st = lock(&self.shared);
                (st.wrong_key, st.interrupted)
            };
            if wrong_key {
                break self.settle(Settled::Plain(VtResult::Error("wrong key".into())));
            }
            if interrupted && failures == 0 {
                // Queued before the signal, never sent: reported like a parked finding.
                break self.settle(Settled::Plain(VtResult::SkippedQuota));
            }
            let reply = self.request().await;
            if matches!(reply, VtReply::Found(_) | VtReply::NotFound) {
                // A request the server counted and answered: the next 429 holds one window,
                // and the key works (VtQuota stops holding new hashes for the first answer).
                let mut st = lock(&self.shared);
                st.quota.on_request_ok();
                st.key_checked = true;
            }
            match reply {
                VtReply::Found(v) => break self.settle(Settled::Verdict(v, VtResult::Found)),
                VtReply::NotFound if self.cfg.full => {
                    let settled = self.upload_and_poll().await;
                    break self.settle(settled);
                }
                VtReply::NotFound => break self.settle(Settled::Plain(VtResult::NotFound)),
                VtReply::WrongKey(code) => break self.settle(self.wrong_key(&code)),
                VtReply::Fatal(reason) => {
                    break self.settle(Settled::Plain(VtResult::Error(reason)));
                }
                VtReply::QuotaExceeded => break self.requeue_after_429(),
                VtReply::TooManyRequests | VtReply::Transient(_) => {
                    failures += 1;
                    let reason = match &reply {
                        VtReply::Transient(r) => r.clone(),
                        _ => "too many requests".to_owned(),
                    };
                    if !self.cfg.retry.should_retry(failures) || lock(&self.shared).interrupted {
                        break self.settle(Settled::Plain(VtResult::Error(reason)));
                    }
                    actix_rt::time::sleep(self.cfg.retry.backoff(failures)).await;
                    if !self.wait_for_token().await {
                        break self.settle(Settled::Plain(VtResult::Error(reason)));
                    }
                }
            }
        };
        for f in findings {
            if self
                .reporter
                .send(Record(Outcome::Finding(Box::new(f))))
                .await
                .is_err()
            {
                tracing::error!("the reporter stopped early; findings are lost");
                break;
            }
        }
        lock(&self.shared).in_flight -= 1;
    }

    /// Asks for the file report and classifies the answer; connection errors and timeouts are
    /// transient.
    async fn request(&self) -> VtReply {
        let Some(client) = &self.client else {
            return VtReply::Fatal("no HTTP client".into());
        };
        let req = client.get(vt::file_report_url(&self.cfg.base, &self.sha));
        match self.exchange(req, None).await {
            Ok(a) => vt::classify(a.status, a.content_type.as_deref(), &a.body),
            Err(reason) => VtReply::Transient(reason),
        }
    }

    /// Sends one request with the key (and a body, if any) and reads the answer; a transport
    /// failure is a short reason for `error (…)`.
    async fn exchange(
        &self,
        req: awc::ClientRequest,
        body: Option<upload::UploadBody>,
    ) -> Result<Answer, String> {
        let req = req
            .insert_header((vt::API_KEY_HEADER, self.cfg.key.expose()))
            .insert_header(("accept", "application/json"));
        let sent = match body {
            Some(b) => {
                req.content_type(b.content_type.clone())
                    .send_body(b.into_body())
                    .await
            }
            None => req.send().await,
        };
        let mut resp = sent.map_err(|e| transport_reason(&e.to_string()))?;
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = resp
            .body()
            .limit(MAX_BODY)
            .await
            .map_err(|e| transport_reason(&e.to_string()))?;
        Ok(Answer {
            status,
            content_type,
            body,
        })
    }

    /// A 401: stop lookups for the run, with one error line for the whole run.
    fn wrong_key(&self, code: &str) -> Settled {
        let first = {
            let mut st = lock(&self.shared);
            !std::mem::replace(&mut st.wrong_key, true)
        };
        if first {
            tracing::error!(
                "VirusTotal rejected the API key ({code}): no more lookups this run; findings \
                 are still reported"
            );
        }
        Settled::Plain(VtResult::Error("wrong key".into()))
    }

    /// Waits (at most a window and a bit) for a token for a retry.
    async fn wait_for_token(&self) -> bool {
        self.wait_for_token_until(Instant::now() + self.cfg.window + self.cfg.window / 10)
            .await
    }

    /// Waits for a token until `deadline`; false when none came or the key was rejected.
    async fn wait_for_token_until(&self, deadline: Instant) -> bool {
        loop {
            let wait = {
                let mut st = lock(&self.shared);
                if st.wrong_key || st.interrupted {
                    return false;
                }
                let now = st.now();
                if st.quota.take_token(now) {
                    return true;
                }
                st.quota
                    .next_token_at(now)
                    .map(|t| t.saturating_duration_since(now.at))
                    .unwrap_or(Duration::from_millis(50))
            };
            if Instant::now() + wait > deadline {
                return false;
            }
            actix_rt::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }

    /// A 429: empty the bucket, then offer the hash to the quota again (parked in wait mode,
    /// skipped otherwise). A hash refused [`RetryPolicy::max_attempts`] times, or refused
    /// after the run was interrupted, is reported `skipped (quota)`: a 429 storm (a key spent
    /// elsewhere for the day) ends instead of parking the same hashes for ever.
    fn requeue_after_429(&self) -> Vec<Finding> {
        let mut st = lock(&self.shared);
        let now = st.now();
        st.quota.on_quota_exceeded(now);
        let refusals = {
            let n = st.quota_refusals.entry(self.sha).or_insert(0);
            *n += 1;
            *n
        };
        if refusals >= self.cfg.retry.max_attempts.max(1) || st.interrupted {
            tracing::debug!(
                "VirusTotal refused {} for quota {refusals} times: reported without a verdict",
                self.sha
            );
            return st.settle(self.sha, Settled::Plain(VtResult::SkippedQuota), &self.fold);
        }
        let score = match st.flights.get(&self.sha) {
            Some(Flight::Waiting { score, .. }) => *score,
            _ => 0,
        };
        match st.quota.decide(now, score, self.sha) {
            QuotaDecision::Lookup(sha) => {
                st.in_flight += 1;
                self.me.do_send(LookUp(sha));
                Vec::new()
            }
            QuotaDecision::Parked { evicted } => {
                self.reporter.do_send(Parked(1));
                match evicted {
                    Some(e) => st.settle(e, Settled::Plain(VtResult::SkippedQuota), &self.fold),
                    None => Vec::new(),
                }
            }
            QuotaDecision::Skip(sha, result) => st.settle(sha, Settled::Plain(result), &self.fold),
        }
    }

    fn settle(&self, settled: Settled) -> Vec<Finding> {
        let mut st = lock(&self.shared);
        st.remember(&self.sha, &settled);
        st.settle(self.sha, settled, &self.fold)
    }
}

/// An answer from VirusTotal.
struct Answer {
    status: u16,
    content_type: Option<String>,
    body: bytes::Bytes,
}

/// A short reason for a transport failure, for `error (<reason>)`.
fn transport_reason(message: &str) -> String {
    let lower = message.to_ascii_lowercase();
    if lower.contains("timeout") || lower.contains("timed out") {
        "timeout".to_owned()
    } else {
        format!("connection: {message}")
    }
}
