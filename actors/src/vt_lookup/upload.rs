//! Full mode (`--vtmode full`): a sample VirusTotal does not know is uploaded — `POST /files` up
//! to 32 MiB, the upload-URL flow up to 650 MiB, never above — and its analysis is polled until
//! it completes or `--vtanalysis-timeout` passes. The upload and every poll take a quota token;
//! the upload-URL call does not (vt-api.md §4). The file is streamed from disk, never copied
//! whole into memory.

use std::io::Read;
use std::path::Path;
use std::time::Instant;

use bytes::Bytes;
use ratatosk::model::VtResult;
use ratatosk::read::open_regular;
use ratatosk::vt::{self, AnalysisStatus, Multipart, UploadRoute, VtReply};

use super::LookupJob;
use crate::vt_state::{Flight, Settled, lock};

/// Bytes read from the sample per chunk of the upload body.
const UPLOAD_CHUNK: usize = 256 * 1024;

/// A multipart body streamed from a file, with its exact length.
pub(super) struct UploadBody {
    /// `multipart/form-data; boundary=…`.
    pub content_type: String,
    length: u64,
    parts: Multipart,
    file: ratatosk::read::OpenedFile,
}

impl UploadBody {
    /// The body for awc: the multipart head, the file in chunks, the tail; `Content-Length` set.
    pub fn into_body(
        self,
    ) -> awc::body::SizedStream<impl futures_util::Stream<Item = Result<Bytes, std::io::Error>>>
    {
        enum Part {
            Head,
            File,
            Tail,
            Done,
        }
        let UploadBody {
            length,
            parts,
            file,
            ..
        } = self;
        let stream = futures_util::stream::unfold(
            (Part::Head, parts, file),
            |(part, parts, mut file)| async move {
                match part {
                    Part::Head => {
                        let head = Bytes::copy_from_slice(parts.head());
                        Some((Ok(head), (Part::File, parts, file)))
                    }
                    Part::File => {
                        let mut buf = vec![0u8; UPLOAD_CHUNK];
                        match file.read(&mut buf) {
                            Ok(0) => {
                                let tail = Bytes::copy_from_slice(parts.tail());
                                Some((Ok(tail), (Part::Done, parts, file)))
                            }
                            Ok(n) => {
                                buf.truncate(n);
                                Some((Ok(Bytes::from(buf)), (Part::File, parts, file)))
                            }
                            Err(e) => Some((Err(e), (Part::Tail, parts, file))),
                        }
                    }
                    Part::Tail | Part::Done => None,
                }
            },
        );
        awc::body::SizedStream::new(length, stream)
    }
}

impl LookupJob {
    /// After a 404 in full mode: uploads the sample and polls its analysis. The result is
    /// `uploaded` with the analysis verdict, `too large to upload`, or `error (…)`.
    pub(super) async fn upload_and_poll(&self) -> Settled {
        let sample = {
            let st = lock(&self.shared);
            match st.flights.get(&self.sha) {
                Some(Flight::Waiting { findings, .. }) => {
                    findings.first().map(|f| (f.path.clone(), f.size))
                }
                _ => None,
            }
        };
        let Some((path, size)) = sample else {
            return Settled::Plain(VtResult::NotFound);
        };
        let deadline = Instant::now() + self.cfg.analysis_timeout;
        let target = match vt::route(size) {
            UploadRoute::TooLarge => return Settled::Plain(VtResult::TooLargeToUpload),
            UploadRoute::Direct => vt::files_url(&self.cfg.base),
            UploadRoute::ViaUploadUrl => match self.upload_url().await {
                Ok(url) => url,
                Err(reason) => return error(reason),
            },
        };
        if !self.wait_for_token_until(deadline).await {
            return error("no quota for the upload");
        }
        let id = match self.post_sample(&target, &path).await {
            Ok(id) => id,
            Err(settled) => return settled,
        };
        tracing::info!("uploaded {} to VirusTotal (analysis {id})", path.display());
        self.poll(&id, deadline).await
    }

    /// `GET /files/upload_url` (costs no quota).
    async fn upload_url(&self) -> Result<String, String> {
        let Some(client) = &self.client else {
            return Err("no HTTP client".into());
        };
        let answer = self
            .exchange(client.get(vt::upload_url_endpoint(&self.cfg.base)), None)
            .await?;
        if answer.status != 200 {
            return Err(format!("upload URL: HTTP {}", answer.status));
        }
        vt::parse_upload_url(&answer.body).ok_or_else(|| "upload URL: malformed answer".into())
    }

    /// Posts the sample; the analysis id, or how the lookup ends.
    async fn post_sample(&self, target: &str, path: &Path) -> Result<String, Settled> {
        let Some(client) = &self.client else {
            return Err(error("no HTTP client"));
        };
        let file = open_regular(path).map_err(|e| error(format!("upload: {e}")))?;
        let seed = u64::from_le_bytes(self.sha.0[..8].try_into().unwrap_or_default());
        let parts = Multipart::for_file(&vt::upload_file_name(path), seed);
        let body = UploadBody {
            content_type: parts.content_type(),
            length: parts.content_length(file.size),
            parts,
            file,
        };
        let answer = self
            .exchange(client.post(target), Some(body))
            .await
            .map_err(error)?;
        if answer.status == 200 {
            return vt::parse_upload_reply(&answer.body)
                .ok_or_else(|| error("upload: malformed answer"));
        }
        Err(
            match vt::classify_error(answer.status, answer.content_type.as_deref(), &answer.body) {
                VtReply::WrongKey(code) => self.wrong_key(&code),
                VtReply::QuotaExceeded => {
                    self.quota_exceeded();
                    error("upload: quota exceeded")
                }
                VtReply::Transient(r) | VtReply::Fatal(r) => error(format!("upload: {r}")),
                other => error(format!("upload: {other:?}")),
            },
        )
    }

    /// Polls `GET /analyses/{id}` with backoff from `--vtpoll` until completed or `deadline`.
    async fn poll(&self, id: &str, deadline: Instant) -> Settled {
        let Some(client) = &self.client else {
            return error("no HTTP client");
        };
        let url = vt::analysis_url(&self.cfg.base, id);
        let mut polls = 0u32;
        let mut failures = 0u32;
        loop {
            let delay = vt::poll_delay(self.cfg.poll, polls);
            if Instant::now() + delay > deadline {
                return error("analysis timeout");
            }
            actix_rt::time::sleep(delay).await;
            if !self.wait_for_token_until(deadline).await {
                return error("analysis timeout");
            }
            polls += 1;
            let reason = match self.exchange(client.get(&url), None).await {
                Ok(a) if a.status == 200 => match vt::parse_analysis(&a.body) {
                    Some(AnalysisStatus::Completed(v)) => {
                        lock(&self.shared).quota.on_request_ok();
                        return Settled::Verdict(v, VtResult::Uploaded);
                    }
                    Some(AnalysisStatus::Queued | AnalysisStatus::InProgress) => {
                        lock(&self.shared).quota.on_request_ok();
                        failures = 0;
                        continue;
                    }
                    None => "analysis: malformed answer".to_owned(),
                },
                Ok(a) => match vt::classify_error(a.status, a.content_type.as_deref(), &a.body) {
                    VtReply::WrongKey(code) => return self.wrong_key(&code),
                    VtReply::QuotaExceeded => {
                        self.quota_exceeded();
                        continue;
                    }
                    VtReply::Transient(r) => r,
                    VtReply::TooManyRequests => "too many requests".to_owned(),
                    VtReply::Fatal(r) => return error(format!("analysis: {r}")),
                    VtReply::NotFound => return error("analysis: not found"),
                    VtReply::Found(_) => "analysis: unexpected answer".to_owned(),
                },
                Err(r) => r,
            };
            failures += 1;
            if !self.cfg.retry.should_retry(failures) {
                return error(format!("analysis: {reason}"));
            }
        }
    }

    fn quota_exceeded(&self) {
        let mut st = lock(&self.shared);
        let now = st.now();
        st.quota.on_quota_exceeded(now);
    }
}

fn error(reason: impl Into<String>) -> Settled {
    Settled::Plain(VtResult::Error(reason.into()))
}
