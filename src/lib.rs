//! Ratatosk: a compromise-assessment scanner. This crate is the engine: all the logic, no actix,
//! no async runtime. The runtime and the `ratatosk` binary live in `actors/` (package
//! `ratatosk-actors`), which wires these pieces into the actor pipeline
//! Walker → Hasher → YaraMatcher → VtQuota → VtLookup → Reporter.
//!
//! # Layout
//!
//! - [`model`]: shared vocabulary (file jobs, digests, reasons, findings, skip reasons, VT results).
//! - [`settings`]: every setting, layered with the config crate (defaults → templates → env →
//!   flags), validated.
//! - [`walk`]: candidate enumeration (an openat/statx walker) and the filters (excludes, size,
//!   lookback, type).
//! - [`read`]: reading a file once, into a reused buffer or a memory map.
//! - [`hash`]: MD5, SHA1 and SHA256 in one pass.
//! - [`signatures`]: rule loading and the compile cache, IOC parsers, externals, magic table,
//!   and the per-thread matcher.
//! - [`score`]: sub-scores, THOR's accumulation formula, levels.
//! - [`quota`]: the VirusTotal token bucket, daily budget and parked-finding queue, on an injected
//!   clock.
//! - [`vt`]: VirusTotal request building and response parsing.
//! - [`vtstore`]: the on-disk verdict cache and quota counters (SQLite), shared across processes.
//! - [`report`]: the outputs (console, text log, JSONL, CSV, HTML) and the summary counters.

pub mod hash;
pub mod model;
pub mod quota;
pub mod read;
mod regex_list;
pub mod report;
pub mod score;
pub mod settings;
pub mod signatures;
pub mod vt;
pub mod vtstore;
pub mod walk;
