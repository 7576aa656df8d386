//! Starts the stages, wires the bounded channels between them, and owns shutdown.
//!
//! ```text
//! walker thread ──crossbeam(bounded)──▶ scan workers (Hasher+YaraMatcher, one per core)
//!     ──tokio mpsc(bounded)──▶ bridge task ──send().await──▶ VtQuota ──▶ VtLookup ──▶ Reporter
//!                                                              └──────────────────────▶ Reporter
//! ```
//!
//! Shutdown follows the data: the walk ends and drops its sender, the workers drain and drop
//! theirs, the bridge sees the end and asks VtQuota to drain (parked findings settled, lookups
//! in flight answered), and the Reporter writes the summary and flushes last. The first SIGINT
//! or SIGTERM stops the walk and reports parked findings as skipped; the second exits at once.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, IsTerminal};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use actix::prelude::*;
use anyhow::Context as _;
use ratatosk::model::{HashKinds, Module, Outcome};
use ratatosk::quota::{SystemClock, VtQuotaState};
use ratatosk::report::{
    Console, CsvReport, FpFilters, HtmlReport, JsonLog, ReportContext, ReportWriter, ScanInfo,
    Summary, TextLog, TimeStyle, new_scan_id,
};
use ratatosk::score::Thresholds;
use ratatosk::settings::{HashSelection, Settings, VtMode};
use ratatosk::signatures::SignatureSet;
use ratatosk::vt::{ApiKey, RetryPolicy};
use ratatosk::vtstore::{self, CacheTtls, VtCache};
use ratatosk::walk::{Excludes, WalkOptions};
use tokio::signal::unix::{SignalKind, signal};

use crate::reporter::{Finish, Reporter};
use crate::vt_lookup::{LookupConfig, VtLookup};
use crate::vt_quota::{Drain, Incoming, VtQuota};
use crate::vt_state::{Fold, SharedVt, VtShared};
use crate::workers::{self, WorkerConfig};

/// Walked entries queued per worker: enough to keep every core busy, small enough that the
/// queue's memory does not matter on a million-file tree.
const JOBS_PER_WORKER: usize = 64;
/// Outcomes queued per worker on the way to the actors.
const OUTCOMES_PER_WORKER: usize = 16;
/// Exit status of a run ended by a second SIGINT/SIGTERM (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED: i32 = 130;

/// How a run ended.
pub struct RunEnd {
    /// The counters.
    pub summary: Summary,
    /// Interrupted by SIGINT/SIGTERM.
    pub interrupted: bool,
}

/// Runs a file scan with `settings` and loaded `sigs`. Must be called inside an actix system.
pub async fn run(settings: Settings, sigs: Arc<SignatureSet>) -> anyhow::Result<RunEnd> {
    let workdir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let ctx = ReportContext {
        scan_id: settings.scanid.clone().unwrap_or_else(new_scan_id),
        hostname: settings.hostname.clone().unwrap_or_else(local_hostname),
        max_reasons: settings.max_reasons,
        time: TimeStyle {
            utc: settings.utc,
            rfc3339: settings.rfc3339,
        },
        show_vt_history: settings.vtverbose,
    };
    let fp_filters = match settings.fp_filters_file(&workdir) {
        Some(path) => FpFilters::load(&path)?,
        None => FpFilters::empty(),
    };
    let excludes = match &settings.excludes {
        Some(path) => Excludes::load(path)?,
        None => Excludes::default(),
    };
    let mut self_ids = HashSet::new();
    let writers = open_writers(&settings, &ctx, &mut self_ids)?;
    for path in sigs
        .folders()
        .iter()
        .map(PathBuf::as_path)
        .chain(sigs.cache_file())
    {
        add_self(&mut self_ids, path);
    }
    if let Ok(exe) = std::env::current_exe() {
        add_self(&mut self_ids, &exe);
    }

    let roots = if settings.path.is_empty() {
        vec![PathBuf::from("/")]
    } else {
        settings.path.clone()
    };
    let threads = settings.thread_count();
    let counts = sigs.counts();
    let scan = ScanInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        mode: if settings.lab { "lab" } else { "file scan" }.to_owned(),
        paths: roots.clone(),
        threads,
        rules: counts.rules,
        hash_iocs: counts.hash_iocs,
        filename_iocs: counts.filename_iocs,
        virustotal: settings
            .vt_enabled()
            .then(|| settings.vtmode.as_str().to_owned()),
    };
    let thresholds = Thresholds {
        notice: settings.notice,
        warning: settings.warning,
        alert: settings.alert,
    };
    let reporter = Reporter::new(writers, ctx, fp_filters, settings.min_score(), &scan).start();
    let fold = Fold {
        verbose: settings.vtverbose,
        thresholds,
    };
    let vt = start_vt(&settings, &reporter, &fold)?;
    let shared = vt.as_ref().map(|(s, _)| Arc::clone(s));
    let quota = VtQuota::new(
        vt,
        reporter.clone(),
        settings.vtscore,
        fold,
        settings.vt_window(),
    )
    .start();

    let stop = Arc::new(AtomicBool::new(false));
    let (job_tx, job_rx) = crossbeam_channel::bounded(threads * JOBS_PER_WORKER);
    let (out_tx, mut out_rx) = tokio::sync::mpsc::channel::<Outcome>(threads * OUTCOMES_PER_WORKER);
    let walk = WalkOptions {
        roots,
        excludes,
        follow_symlinks: settings.follow_symlinks,
        alldrives: settings.alldrives,
        live: !settings.lab,
        max_file_size: settings.effective_max_file_size(),
        lookback_cutoff: WalkOptions::cutoff_for_days(
            u32::try_from(settings.lookback).unwrap_or(u32::MAX),
            SystemTime::now(),
        ),
        self_ids,
        module: Module::FileScan,
    };
    let room = Arc::new(crate::walker::Room::default());
    let walker = crate::walker::spawn(walk, job_tx, Arc::clone(&room), Arc::clone(&stop))?;
    let worker_cfg = WorkerConfig {
        kinds: hash_kinds(&settings, &sigs),
        prefilter: settings.content_prefilter(),
        max_file_size: settings.effective_max_file_size(),
        map_files: settings.lab,
        thresholds,
        io_deadline: workers::io_deadline_from_env(),
        room,
    };
    let pool = workers::spawn(threads, &worker_cfg, &sigs, &job_rx, &out_tx)?;
    drop(job_rx);
    drop(out_tx);

    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut interrupted = false;
    loop {
        // A signal is noticed even while an outcome waits for room downstream (a full
        // Reporter mailbox, parked findings): the send is one branch of the select, not a
        // step before it.
        tokio::select! {
            next = out_rx.recv() => match next {
                Some(outcome) => {
                    let send = quota.send(Incoming(outcome));
                    tokio::pin!(send);
                    loop {
                        tokio::select! {
                            sent = &mut send => { sent?; break; }
                            _ = sigint.recv() => on_signal(&mut interrupted, &stop, &shared),
                            _ = sigterm.recv() => on_signal(&mut interrupted, &stop, &shared),
                        }
                    }
                }
                None => break,
            },
            _ = sigint.recv() => on_signal(&mut interrupted, &stop, &shared),
            _ = sigterm.recv() => on_signal(&mut interrupted, &stop, &shared),
        }
    }
    // From here on a first signal settles what is parked and a second ends the process.
    let drain = quota.send(Drain { interrupted });
    tokio::pin!(drain);
    loop {
        tokio::select! {
            drained = &mut drain => { drained?; break; }
            _ = sigint.recv() => on_signal(&mut interrupted, &stop, &shared),
            _ = sigterm.recv() => on_signal(&mut interrupted, &stop, &shared),
        }
    }
    if interrupted {
        // A second signal while the outputs are written ends the process at once.
        actix_rt::spawn(async move {
            tokio::select! {
                _ = sigint.recv() => {},
                _ = sigterm.recv() => {},
            }
            std::process::exit(EXIT_INTERRUPTED);
        });
    }
    let summary = reporter.send(Finish).await?;
    for handle in pool.into_iter().chain(std::iter::once(walker)) {
        if handle.join().is_err() {
            tracing::error!("a scan thread panicked");
        }
    }
    let (entries, bytes) = sigs.content_cache().usage();
    tracing::debug!(
        "content cache: {} files matched only with the rules that read externals; {entries} \
         contents held ({bytes} bytes)",
        sigs.content_cache().hits()
    );
    Ok(RunEnd {
        summary,
        interrupted,
    })
}

/// SIGINT or SIGTERM: the first stops the walk and tells the VirusTotal stages to settle what
/// is parked and send nothing new; the second ends the process at once.
fn on_signal(interrupted: &mut bool, stop: &AtomicBool, shared: &Option<SharedVt>) {
    if *interrupted {
        eprintln!("ratatosk: interrupted again: exiting now");
        std::process::exit(EXIT_INTERRUPTED);
    }
    *interrupted = true;
    eprintln!(
        "ratatosk: interrupted: finishing the files in flight (press Ctrl-C again to quit now)"
    );
    stop.store(true, Ordering::Relaxed);
    if let Some(shared) = shared {
        crate::vt_state::lock(shared).interrupted = true;
    }
}

/// Starts VtLookup and the shared quota state when VirusTotal is on.
fn start_vt(
    settings: &Settings,
    reporter: &Addr<Reporter>,
    fold: &Fold,
) -> anyhow::Result<Option<(crate::vt_state::SharedVt, Addr<VtLookup>)>> {
    let Some(key) = settings.vt_key() else {
        return Ok(None);
    };
    let full = settings.vtmode == VtMode::Full;
    if full {
        eprintln!(
            "ratatosk: --vtmode full: samples VirusTotal does not know are uploaded; uploaded \
             files are shared with VirusTotal's community and partners"
        );
    }
    let key = ApiKey::new(key.expose_secret()).context("--vtkey")?;
    let window = settings.vt_window();
    let daily = u32::try_from(settings.vtdaily).unwrap_or(u32::MAX);
    // One SQLite store holds the verdict cache and the per-key request counters, so the daily
    // budget survives a restart and processes sharing a key share its rate. `--vtnocache`
    // turns the verdict cache off; the counters stay.
    let store = settings.vtcache.clone().or_else(vtstore::default_path);
    let cache = match (&store, settings.vtnocache) {
        (Some(path), false) => VtCache::open_or_warn(
            path,
            CacheTtls {
                found_ttl: settings.vt_cache_found_ttl(),
                not_found_ttl: settings.vt_cache_notfound_ttl(),
            },
        ),
        _ => None,
    };
    let limiter = vtstore::quota_limiter(
        store.as_deref(),
        key.expose(),
        settings.vtrate,
        window,
        daily,
    );
    let shared = Arc::new(Mutex::new(VtShared {
        quota: VtQuotaState::with_limiter(limiter, settings.vtpark, settings.vtwaitforquota),
        flights: Default::default(),
        in_flight: 0,
        wrong_key: false,
        key_checked: false,
        held: Vec::new(),
        interrupted: false,
        quota_refusals: HashMap::new(),
        cache,
        full,
        clock: Arc::new(SystemClock),
    }));
    let cfg = LookupConfig {
        base: settings.vturl.clone(),
        key,
        timeout: settings.vt_timeout(),
        retry: RetryPolicy {
            base_backoff: (window / 30).min(RetryPolicy::default().base_backoff),
            ..RetryPolicy::default()
        },
        window,
        full,
        poll: settings.vt_poll(),
        analysis_timeout: settings.vt_analysis_timeout(),
    };
    let lookup = VtLookup::new(cfg, Arc::clone(&shared), reporter.clone(), fold.clone()).start();
    Ok(Some((shared, lookup)))
}

/// The digests to compute: SHA256 always; MD5 and SHA1 when an IOC or rule needs them or the
/// outputs show every hash (`--hashes all`, the default).
fn hash_kinds(settings: &Settings, sigs: &SignatureSet) -> HashKinds {
    let all = settings.hashes == HashSelection::All;
    HashKinds {
        md5: all || sigs.needs_md5(),
        sha1: all || sigs.needs_sha1(),
    }
}

/// Opens every output named by the settings, recording each file so the scan skips it.
fn open_writers(
    settings: &Settings,
    ctx: &ReportContext,
    self_ids: &mut HashSet<(u64, u64)>,
) -> anyhow::Result<Vec<(String, Box<dyn ReportWriter>)>> {
    let mut writers: Vec<(String, Box<dyn ReportWriter>)> = Vec::new();
    if !settings.silent {
        let stdout = std::io::stdout();
        let colour = stdout.is_terminal();
        writers.push((
            "the console".into(),
            Box::new(Console::new(stdout, ctx.clone(), colour)),
        ));
    }
    let mut open = |path: &Path| -> anyhow::Result<BufWriter<File>> {
        let f = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        add_self(self_ids, path);
        Ok(BufWriter::new(f))
    };
    if let Some(path) = settings.text_log() {
        writers.push((
            path.display().to_string(),
            Box::new(TextLog::new(open(path)?, ctx.clone())),
        ));
    }
    if let Some(path) = &settings.jsonfile {
        writers.push((
            path.display().to_string(),
            Box::new(JsonLog::new(open(path)?, ctx.clone())),
        ));
    }
    if let Some(path) = &settings.csvfile {
        writers.push((
            path.display().to_string(),
            Box::new(CsvReport::new(open(path)?)),
        ));
    }
    if let Some(path) = &settings.htmlfile {
        writers.push((
            path.display().to_string(),
            Box::new(HtmlReport::new(open(path)?, ctx.clone())),
        ));
    }
    Ok(writers)
}

fn add_self(ids: &mut HashSet<(u64, u64)>, path: &Path) {
    if let Ok(m) = std::fs::metadata(path) {
        ids.insert((m.dev(), m.ino()));
    }
}

fn local_hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_owned())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}
