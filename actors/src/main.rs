//! `ratatosk`: parse flags, load settings and signatures, run the pipeline, map the result to an
//! exit status (0 nothing at or above warning, 1 a warning or alert, 2 the scan could not run,
//! 130 interrupted).

mod cli;
mod hasher;
mod pipeline;
mod reporter;
mod vt_lookup;
mod vt_quota;
mod vt_state;
mod walker;
mod workers;
mod yara_matcher;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use ratatosk::settings::Settings;
use ratatosk::signatures::{
    DEFAULT_CONTENT_CACHE_BYTES, LoadOptions, SignatureSet, default_cache_dir,
};

/// Exit status when the scan could not run.
const EXIT_UNUSABLE: u8 = 2;
/// Exit status when interrupted.
const EXIT_INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("ratatosk: error: {e:#}");
            ExitCode::from(EXIT_UNUSABLE)
        }
    }
}

fn run() -> anyhow::Result<u8> {
    let loaded = cli::load()?;
    for w in &loaded.warnings {
        eprintln!("ratatosk: warning: {w}");
    }
    let settings = loaded.settings;
    if settings.print_config {
        print!("{}", settings.to_redacted_yaml()?);
        return Ok(0);
    }
    settings.check_vt_eula()?;
    init_tracing(&settings);
    let sigs = Arc::new(load_signatures(&settings)?);
    let system = actix::System::new();
    let end = system.block_on(pipeline::run(settings, sigs))?;
    if end.interrupted {
        return Ok(EXIT_INTERRUPTED);
    }
    let f = &end.summary.findings;
    Ok(u8::from(f.alert + f.warning > 0))
}

fn init_tracing(settings: &Settings) {
    let default = if settings.debug { "debug" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("RATATOSK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

fn load_signatures(settings: &Settings) -> anyhow::Result<SignatureSet> {
    let workdir = std::env::current_dir()?;
    let opts = LoadOptions {
        signature_dirs: settings.signatures.clone(),
        custom_dirs: settings.custom_signature_dirs(&workdir),
        custom_only: settings.customonly,
        embedded: true,
        cross_platform: settings.cross_platform_iocs(),
        strict: settings.strict_rules,
        cache_dir: settings.rules_cache.clone().or_else(default_cache_dir),
        yara_timeout: settings.yara_timeout(),
        content_cache_bytes: DEFAULT_CONTENT_CACHE_BYTES,
    };
    let started = std::time::Instant::now();
    let sigs = SignatureSet::load(&opts)?;
    // A diagnostic names its own severity (`file:line: error[E009]: …`).
    for d in sigs.diagnostics() {
        eprintln!("ratatosk: {d}");
    }
    let c = sigs.counts();
    tracing::info!(
        "signatures: {} rules from {} files, {} hash IOCs, {} filename IOCs, {} C2 IOCs ({} in {:.2?})",
        c.rules,
        c.rule_files,
        c.hash_iocs,
        c.filename_iocs,
        c.c2_iocs,
        if sigs.from_cache() {
            "from cache"
        } else {
            "compiled"
        },
        started.elapsed()
    );
    Ok(sigs)
}
