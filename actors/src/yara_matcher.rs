//! The YaraMatcher stage: runs the compiled rules on the bytes the Hasher read (one reused
//! yara-x scanner per worker thread, externals set per file), adds hash IOC and filename IOC
//! reasons, and scores the file with THOR's formula. Its output is the file's [`Outcome`].

use ratatosk::model::{FileJob, Finding, Hashes, Outcome, Reason, SkipReason};
use ratatosk::read::ReadError;
use ratatosk::report::escape::escape_path;
use ratatosk::score::{self, Thresholds};
use ratatosk::signatures::externals::OwnerNames;
use ratatosk::signatures::{FileContext, FileMatcher, SignatureSet};

use crate::hasher::{Hashed, Hasher};

/// The matching state of one worker thread.
pub struct YaraMatcher<'s> {
    sigs: &'s SignatureSet,
    matcher: FileMatcher<'s>,
    owners: OwnerNames,
    thresholds: Thresholds,
}

impl<'s> YaraMatcher<'s> {
    /// A matcher over `sigs`, built on the worker thread that uses it.
    pub fn new(sigs: &'s SignatureSet, thresholds: Thresholds) -> Self {
        YaraMatcher {
            sigs,
            matcher: FileMatcher::new(sigs),
            owners: OwnerNames::new(),
            thresholds,
        }
    }

    /// Runs the Hasher and then the matcher on one job.
    pub fn process(&mut self, hasher: &mut Hasher, job: &FileJob) -> Outcome {
        let mut reasons = self.sigs.filename_reasons(&job.path);
        let hashed = match hasher.process(job) {
            Ok(h) => h,
            Err(e) => return read_failure(job, e),
        };
        match hashed {
            Hashed::NameOnly {
                reason,
                magic,
                extension,
                file,
            } => {
                if reasons.is_empty() {
                    return Outcome::Skipped {
                        path: job.path.clone(),
                        reason,
                    };
                }
                let hashes = match hasher.hash_stream(job, file) {
                    Ok(h) => h,
                    Err(e) => return read_failure(job, e),
                };
                if self.sigs.is_trusted(&hashes) {
                    return skipped(job, SkipReason::Trusted);
                }
                reasons.extend(self.sigs.hash_reasons(&hashes));
                self.finding(job, job.size, hashes, magic, extension, reasons)
            }
            Hashed::Content {
                bytes,
                hashes,
                magic,
                extension,
                notes,
            } => {
                if self.sigs.is_trusted(&hashes) {
                    return skipped(job, SkipReason::Trusted);
                }
                let scanned = bytes.len() as u64;
                // A file written to while it was read: what was hashed and matched is what was
                // read, and the finding says so with that size.
                let size = if notes.size_changed {
                    tracing::info!(
                        "{}: changed size while being read (listed {} bytes, read {scanned}{})",
                        escape_path(&job.path),
                        job.size,
                        if notes.truncated_at_limit {
                            ", stopped at --max_file_size"
                        } else {
                            ""
                        }
                    );
                    scanned
                } else {
                    job.size
                };
                reasons.extend(self.sigs.hash_reasons(&hashes));
                let ctx = FileContext {
                    extension: &extension,
                    filetype: magic.unwrap_or(""),
                    owner: self.owners.name(job.uid),
                    md5: hashes.md5,
                    sha256: Some(hashes.sha256),
                };
                match self.matcher.scan(&job.path, &bytes, &ctx) {
                    Ok(hits) => reasons.extend(hits),
                    Err(e) if reasons.is_empty() => {
                        return Outcome::Error {
                            path: job.path.clone(),
                            message: e.to_string(),
                        };
                    }
                    Err(e) => tracing::warn!("{e}; reporting the other reasons"),
                }
                drop(bytes);
                if reasons.is_empty() {
                    return Outcome::Clean {
                        files: 1,
                        bytes: scanned,
                    };
                }
                self.finding(job, size, hashes, magic, extension, reasons)
            }
        }
    }

    fn finding(
        &mut self,
        job: &FileJob,
        size: u64,
        hashes: Hashes,
        magic: Option<&'static str>,
        extension: String,
        mut reasons: Vec<Reason>,
    ) -> Outcome {
        let (total, level) = score::score_reasons(&mut reasons, &self.thresholds);
        Outcome::Finding(Box::new(Finding {
            module: job.module,
            path: job.path.clone(),
            size,
            extension,
            magic_header: magic.unwrap_or("").to_owned(),
            hashes,
            times: job.times,
            owner: self.owners.name(job.uid).to_owned(),
            reasons,
            score: total,
            level,
            virustotal: None,
        }))
    }
}

fn skipped(job: &FileJob, reason: SkipReason) -> Outcome {
    Outcome::Skipped {
        path: job.path.clone(),
        reason,
    }
}

fn read_failure(job: &FileJob, e: ReadError) -> Outcome {
    match e.skip_reason() {
        Some(reason) => skipped(job, reason),
        None => Outcome::Error {
            path: job.path.clone(),
            message: e.to_string(),
        },
    }
}
