//! A fake VirusTotal API v3 for end-to-end tests, written with std only (and the library's
//! hasher for uploads): an HTTP/1.1 server on 127.0.0.1 (keep-alive, `Content-Length` bodies)
//! that answers `GET /api/v3/files/{hash}` the way `vt-api.md` describes — file objects for
//! known hashes (SHA256, SHA1 or MD5, any case), `NotFoundError` for others, 401s for a missing
//! or wrong `x-apikey` — enforces its own per-window quota with `QuotaExceededError` like the
//! real service, can be told to fail on demand ([`Fault`]), and records every request so tests
//! can count them and check that no window saw more than the allowed number.
//!
//! Full mode is served too (`fake_vt_uploads.rs`): direct uploads (`POST /api/v3/files`, at most
//! 32 MiB, else 413), single-use upload URLs (`GET /api/v3/files/upload_url`, free of quota, then
//! `POST /upload/<token>` without a key, at most 650 MiB) and analyses
//! (`GET /api/v3/analyses/{id}`: queued, in progress, then completed with
//! [`FakeVt::set_upload_verdict`]'s positives, after which the file is known to lookups). Upload
//! bodies are streamed through a multipart reader (`fake_vt_multipart.rs`) that keeps only the
//! file part's size and hashes.

// Each test binary uses a different part of the fake.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::json;

#[path = "fake_vt_multipart.rs"]
mod multipart;
#[path = "fake_vt_uploads.rs"]
mod uploads;

// Each test binary uses a different part of these.
#[allow(unused_imports)]
pub use multipart::{FilePart, MultipartError, MultipartReader, boundary as multipart_boundary};
#[allow(unused_imports)]
pub use uploads::{
    DEFAULT_ANALYSIS_STEPS, DIRECT_LIMIT, UPLOAD_URL_LIMIT, UploadRecord, UploadVia, base64,
};

/// The key the fake accepts unless told otherwise.
pub const DEFAULT_KEY: &str = "fa4e0000c0ffee00fa4e0000c0ffee00fa4e0000c0ffee00fa4e0000c0ffee00";

/// How often an idle connection checks whether the server is shutting down.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// The largest request head or body the fake reads whole (upload bodies are streamed instead).
const MAX_REQUEST_BYTES: usize = 1 << 20;

/// Path prefix of file reports.
const FILES_PREFIX: &str = "/api/v3/files/";

/// How the fake is set up.
#[derive(Clone, Debug)]
pub struct FakeVtConfig {
    /// The API key it accepts.
    pub key: String,
    /// Its own quota: at most this many requests with the right key per sliding window (every
    /// such request counts, those answered 429 included: "4 requests of any nature in any given
    /// 1 minute time frame"). `None`: no quota.
    pub rate: Option<(u32, Duration)>,
    /// Engines in `last_analysis_stats` (sum of all eight counts).
    pub total_engines: u32,
    /// Of those, engines reporting `type-unsupported` (the rest of the non-malicious ones are
    /// `undetected`).
    pub type_unsupported: u32,
}

impl Default for FakeVtConfig {
    fn default() -> Self {
        FakeVtConfig {
            key: DEFAULT_KEY.to_owned(),
            rate: None,
            total_engines: 72,
            type_unsupported: 4,
        }
    }
}

/// A file the fake knows.
#[derive(Clone, Debug)]
pub struct FakeFile {
    /// SHA-256, hex.
    pub sha256: String,
    /// MD5, hex.
    pub md5: String,
    /// SHA-1, hex.
    pub sha1: String,
    /// Engines with category `malicious`.
    pub positives: u32,
    /// `names`.
    pub names: Vec<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `times_submitted`.
    pub times_submitted: u64,
    /// `first_submission_date`, unix seconds.
    pub first_submission_date: i64,
    /// `last_submission_date`, unix seconds.
    pub last_submission_date: i64,
    /// `size`.
    pub size: u64,
}

impl FakeFile {
    /// A file with these hashes and positives, and fixed history: names `["sample.exe",
    /// "<sha256>.bin"]`, tags `["peexe"]`, 3 submissions, first 2024-01-02T03:04:05Z, last
    /// 2024-02-03T04:05:06Z.
    pub fn new(sha256: &str, md5: &str, sha1: &str, positives: u32) -> Self {
        FakeFile {
            sha256: sha256.to_ascii_lowercase(),
            md5: md5.to_ascii_lowercase(),
            sha1: sha1.to_ascii_lowercase(),
            positives,
            names: vec![
                "sample.exe".to_owned(),
                format!("{}.bin", sha256.to_ascii_lowercase()),
            ],
            tags: vec!["peexe".to_owned()],
            times_submitted: 3,
            first_submission_date: 1_704_164_645,
            last_submission_date: 1_706_933_106,
            size: 68,
        }
    }

    fn matches(&self, id: &str) -> bool {
        let id = id.to_ascii_lowercase();
        id == self.sha256 || id == self.sha1 || id == self.md5
    }
}

/// An answer the fake gives instead of the normal one (after the key and quota checks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 429 `QuotaExceededError` "Quota exceeded".
    QuotaExceeded,
    /// 429 `TooManyRequestsError` "Too many requests".
    TooManyRequests,
    /// 503 `TransientError` (JSON).
    Transient503,
    /// 503 as the Google front end sends it: an HTML page.
    Html503,
    /// 504 `DeadlineExceededError`.
    DeadlineExceeded504,
    /// 403 `ForbiddenError`.
    Forbidden403,
    /// 200 with a body that is not JSON.
    Garbage200,
    /// Wait this long, then answer normally (for client timeouts).
    Delay(Duration),
    /// Close the connection without answering.
    Close,
}

/// One request the fake received.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// When its head was read.
    pub at: Instant,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, query included.
    pub path: String,
    /// Whether `x-apikey` held the configured key.
    pub key_ok: bool,
    /// The status answered (0 when the connection was closed instead).
    pub status: u16,
    /// Whether it counts against the fake's quota: every request with the right key except
    /// `GET /api/v3/files/upload_url`, and every `POST` to an upload URL.
    pub counted: bool,
    /// Body bytes received by an upload endpoint (0 for other requests).
    pub upload_bytes: u64,
}

struct State {
    config: FakeVtConfig,
    files: Vec<FakeFile>,
    faults: VecDeque<Fault>,
    always: Option<Fault>,
    requests: Vec<RecordedRequest>,
    uploads: uploads::UploadState,
    /// After this many requests, accept this key instead ([`FakeVt::change_key_after`]).
    rekey: Option<(usize, String)>,
}

/// The running fake. Stops accepting on drop.
pub struct FakeVt {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    shutdown: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl FakeVt {
    /// Starts the fake on a free port of 127.0.0.1.
    pub fn start(config: FakeVtConfig) -> FakeVt {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fake VirusTotal");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(Mutex::new(State {
            config,
            files: Vec::new(),
            faults: VecDeque::new(),
            always: None,
            requests: Vec::new(),
            uploads: uploads::UploadState::new(addr),
            rekey: None,
        }));
        let shutdown = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let state = Arc::clone(&state);
            let shutdown = Arc::clone(&shutdown);
            thread::spawn(move || accept_loop(listener, state, shutdown))
        };
        FakeVt {
            addr,
            state,
            shutdown,
            acceptor: Some(acceptor),
        }
    }

    /// The API base to give `--vturl`, e.g. `http://127.0.0.1:PORT/api/v3`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v3", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The key it accepts.
    pub fn key(&self) -> String {
        self.lock().config.key.clone()
    }

    /// Makes a file known, with `positives` malicious verdicts and the default history.
    pub fn add_file(&self, sha256: &str, md5: &str, sha1: &str, positives: u32) {
        self.add(FakeFile::new(sha256, md5, sha1, positives));
    }

    /// Makes a file known.
    pub fn add(&self, file: FakeFile) {
        self.lock().files.push(file);
    }

    /// Queues a fault for the next request that passes the key and quota checks.
    pub fn push_fault(&self, fault: Fault) {
        self.lock().faults.push_back(fault);
    }

    /// Queues the same fault for the next `n` such requests.
    pub fn push_faults(&self, fault: Fault, n: usize) {
        let mut state = self.lock();
        state.faults.extend(std::iter::repeat_n(fault, n));
    }

    /// Answers every request with `fault` once the queue is empty (`None` stops it).
    pub fn set_always(&self, fault: Option<Fault>) {
        self.lock().always = fault;
    }

    /// Accepts `key` instead of the configured one from the request after the first `n` on
    /// (a key revoked or rotated mid-run): later requests with the old key get 401
    /// `WrongCredentialsError`.
    pub fn change_key_after(&self, n: usize, key: &str) {
        self.lock().rekey = Some((n, key.to_owned()));
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// Requests so far.
    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    /// Requests answered with `status`.
    pub fn count_status(&self, status: u16) -> usize {
        self.lock()
            .requests
            .iter()
            .filter(|r| r.status == status)
            .count()
    }

    /// Requests answered 429 (own quota or injected).
    pub fn count_429(&self) -> usize {
        self.count_status(429)
    }

    /// Lookups (`GET /api/v3/files/{id}`) of `hash`, any case.
    pub fn lookups_of(&self, hash: &str) -> usize {
        let wanted = format!("{FILES_PREFIX}{}", hash.to_ascii_lowercase());
        self.lock()
            .requests
            .iter()
            .filter(|r| r.method == "GET" && r.path.to_ascii_lowercase() == wanted)
            .count()
    }

    /// The most requests seen within any span of length `window` (half-open: requests exactly
    /// `window` apart fall in different windows).
    pub fn max_in_any_window(&self, window: Duration) -> usize {
        let times: Vec<Instant> = self.lock().requests.iter().map(|r| r.at).collect();
        max_in_window(&times, window)
    }

    /// Like [`max_in_any_window`](Self::max_in_any_window), counting only the requests that cost
    /// quota (not `GET /files/upload_url`, not requests with a wrong key).
    pub fn max_counted_in_any_window(&self, window: Duration) -> usize {
        let times: Vec<Instant> = self
            .lock()
            .requests
            .iter()
            .filter(|r| r.counted)
            .map(|r| r.at)
            .collect();
        max_in_window(&times, window)
    }

    /// Requests with this method whose path starts with `path_prefix` (e.g. `("GET",
    /// "/api/v3/analyses/")`, `("POST", "/upload/")`), whatever the answer.
    pub fn count(&self, method: &str, path_prefix: &str) -> usize {
        self.lock()
            .requests
            .iter()
            .filter(|r| r.method == method && r.path.starts_with(path_prefix))
            .count()
    }

    /// Analysis polls (`GET /api/v3/analyses/{id}`), whatever the answer.
    pub fn polls(&self) -> usize {
        self.count("GET", "/api/v3/analyses/")
    }

    /// Every accepted upload (answered 200), in order.
    pub fn uploads(&self) -> Vec<UploadRecord> {
        self.lock().uploads.uploads.clone()
    }

    /// Body bytes received by the upload endpoints so far, rejected uploads included.
    pub fn upload_bytes_total(&self) -> u64 {
        self.lock().requests.iter().map(|r| r.upload_bytes).sum()
    }

    /// Positives of completed analyses of uploaded files without a verdict of their own
    /// ([`set_upload_verdict_for`](Self::set_upload_verdict_for)); 0 until set.
    pub fn set_upload_verdict(&self, positives: u32) {
        self.lock().uploads.set_default_positives(positives);
    }

    /// Positives of the completed analysis of an uploaded file with this SHA-256.
    pub fn set_upload_verdict_for(&self, sha256: &str, positives: u32) {
        self.lock().uploads.set_positives_for(sha256, positives);
    }

    /// Polls answered before an analysis completes: the first `queued`, the others
    /// `in-progress` ([`DEFAULT_ANALYSIS_STEPS`] = 2 unless set; 0 completes on the first poll).
    pub fn set_analysis_steps(&self, steps: u32) {
        self.lock().uploads.set_analysis_steps(steps);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for FakeVt {
    fn drop(&mut self) {
        self.shutdown.store(true, Ordering::SeqCst);
        // Wake the acceptor blocked in accept().
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// The most of `times` (in any order) within any half-open span of length `window`.
pub fn max_in_window(times: &[Instant], window: Duration) -> usize {
    let mut sorted = times.to_vec();
    sorted.sort();
    let mut best = 0;
    let mut hi = 0;
    for lo in 0..sorted.len() {
        while hi < sorted.len() && sorted[hi] - sorted[lo] < window {
            hi += 1;
        }
        best = best.max(hi - lo);
    }
    best
}

fn accept_loop(listener: TcpListener, state: Arc<Mutex<State>>, shutdown: Arc<AtomicBool>) {
    for stream in listener.incoming() {
        if shutdown.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let state = Arc::clone(&state);
        let shutdown = Arc::clone(&shutdown);
        thread::spawn(move || serve_connection(stream, state, shutdown));
    }
}

/// A parsed request.
struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    keep_alive: bool,
    /// The body of an upload, streamed through the multipart reader.
    upload: Option<uploads::ReceivedBody>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An answer to write.
struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Response {
    fn json(status: u16, value: serde_json::Value) -> Self {
        Response {
            status,
            content_type: "application/json",
            body: value.to_string().into_bytes(),
        }
    }

    fn error(status: u16, code: &str, message: &str) -> Self {
        Self::json(status, json!({"error": {"code": code, "message": message}}))
    }
}

fn serve_connection(mut stream: TcpStream, state: Arc<Mutex<State>>, shutdown: Arc<AtomicBool>) {
    let _ = stream.set_read_timeout(Some(POLL_INTERVAL));
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buf, &shutdown) else {
            return;
        };
        let keep_alive = request.keep_alive;
        match answer(&request, &state) {
            Some(response) => {
                if write_response(&mut stream, &response, keep_alive).is_err() || !keep_alive {
                    let _ = stream.shutdown(Shutdown::Both);
                    return;
                }
            }
            None => {
                let _ = stream.shutdown(Shutdown::Both);
                return;
            }
        }
    }
}

/// Reads one request (head and `Content-Length` body) from `stream`, keeping any bytes of the
/// next request in `buf`. `None` when the peer closed, the server is shutting down, or the
/// request is unreadable.
fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    shutdown: &AtomicBool,
) -> Option<Request> {
    let head_end = loop {
        if let Some(pos) = find(buf, b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_REQUEST_BYTES || !fill(stream, buf, shutdown)? {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut parts = lines.next()?.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let version = parts.next().unwrap_or("HTTP/1.1").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let connection = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .map(|(_, v)| v.to_ascii_lowercase());
    let keep_alive = match connection.as_deref() {
        Some(v) if v.contains("close") => false,
        Some(v) if v.contains("keep-alive") => true,
        _ => version != "HTTP/1.0",
    };
    let content_length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    if uploads::is_upload(&method, &path) {
        buf.drain(..head_end + 4);
        let upload = uploads::read_body(stream, buf, &headers, shutdown)?;
        return Some(Request {
            method,
            path,
            headers,
            keep_alive: keep_alive && !upload.chunked,
            upload: Some(upload),
        });
    }
    if content_length > MAX_REQUEST_BYTES {
        return None;
    }
    let total = head_end + 4 + content_length;
    while buf.len() < total {
        if !fill(stream, buf, shutdown)? {
            return None;
        }
    }
    buf.drain(..total);
    Some(Request {
        method,
        path,
        headers,
        keep_alive,
        upload: None,
    })
}

/// Reads more bytes into `buf`: `Some(true)` when some arrived, `Some(false)` at end of stream,
/// `None` on error or shutdown.
fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>, shutdown: &AtomicBool) -> Option<bool> {
    let mut chunk = [0u8; 8192];
    loop {
        if shutdown.load(Ordering::SeqCst) {
            return None;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Some(false),
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                return Some(true);
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Decides the answer to `request` and records it; `None` to close without answering.
fn answer(request: &Request, state: &Mutex<State>) -> Option<Response> {
    let now = Instant::now();
    let mut guard = state.lock().unwrap_or_else(|e| e.into_inner());
    if guard
        .rekey
        .as_ref()
        .is_some_and(|(after, _)| guard.requests.len() >= *after)
        && let Some((_, key)) = guard.rekey.take()
    {
        guard.config.key = key;
    }
    let key = request.header("x-apikey");
    let key_ok = key == Some(guard.config.key.as_str());
    // An upload URL is its own credential. It, and every request with the key except the
    // upload-URL call, costs quota.
    let keyless = uploads::is_keyless(&request.path);
    let counted = keyless || (key_ok && uploads::costs_quota(&request.method, &request.path));

    let (response, delay) = if !keyless && key.is_none() {
        (
            Some(Response::error(
                401,
                "AuthenticationRequiredError",
                "X-Apikey header is missing",
            )),
            None,
        )
    } else if !keyless && !key_ok {
        (
            Some(Response::error(
                401,
                "WrongCredentialsError",
                "Wrong API key",
            )),
            None,
        )
    } else if counted && over_quota(&guard, now) {
        (
            Some(Response::error(429, "QuotaExceededError", "Quota exceeded")),
            None,
        )
    } else {
        let fault = match guard.faults.pop_front() {
            Some(f) => Some(f),
            None => guard.always.clone(),
        };
        match fault {
            Some(Fault::Delay(d)) => (Some(route(request, &mut guard)), Some(d)),
            Some(Fault::Close) => (None, None),
            Some(f) => (Some(fault_response(&f)), None),
            None => (Some(route(request, &mut guard)), None),
        }
    };

    guard.requests.push(RecordedRequest {
        at: now,
        method: request.method.clone(),
        path: request.path.clone(),
        key_ok,
        status: response.as_ref().map_or(0, |r| r.status),
        counted,
        upload_bytes: request.upload.as_ref().map_or(0, |u| u.bytes),
    });
    drop(guard);
    if let Some(d) = delay {
        thread::sleep(d);
    }
    response
}

/// Whether the requests with the right key in the window ending at `now` already fill the quota.
fn over_quota(state: &State, now: Instant) -> bool {
    let Some((rate, window)) = state.config.rate else {
        return false;
    };
    let recent = state
        .requests
        .iter()
        .filter(|r| r.counted && now.checked_sub(window).is_none_or(|start| r.at > start))
        .count();
    recent >= rate as usize
}

fn fault_response(fault: &Fault) -> Response {
    match fault {
        Fault::QuotaExceeded => Response::error(429, "QuotaExceededError", "Quota exceeded"),
        Fault::TooManyRequests => Response::error(429, "TooManyRequestsError", "Too many requests"),
        Fault::Transient503 => Response::error(
            503,
            "TransientError",
            "Transient server error. Retry might work.",
        ),
        Fault::Html503 => Response {
            status: 503,
            content_type: "text/html; charset=UTF-8",
            body:
                b"<!DOCTYPE html>\n<html lang=en><title>Error 503 (Service Unavailable)!!1</title>\
                    <p><b>503.</b> <ins>That's an error.</ins>"
                    .to_vec(),
        },
        Fault::DeadlineExceeded504 => Response::error(
            504,
            "DeadlineExceededError",
            "The operation took too long to complete.",
        ),
        Fault::Forbidden403 => Response::error(
            403,
            "ForbiddenError",
            "You are not allowed to perform the requested operation",
        ),
        Fault::Garbage200 => Response {
            status: 200,
            content_type: "application/json",
            body: b"{\"data\": {\"attributes\": [garbage".to_vec(),
        },
        // Handled by the caller.
        Fault::Delay(_) | Fault::Close => Response::error(500, "InternalError", "fault"),
    }
}

fn route(request: &Request, state: &mut State) -> Response {
    if let Some(response) = uploads::route(request, state) {
        return response;
    }
    let path = request.path.split('?').next().unwrap_or("");
    match (request.method.as_str(), path.strip_prefix(FILES_PREFIX)) {
        ("GET", Some(id)) if !id.is_empty() && !id.contains('/') => {
            match state.files.iter().find(|f| f.matches(id)) {
                Some(file) => Response::json(200, file_object(file, &state.config)),
                None => Response::error(404, "NotFoundError", &format!("File \"{id}\" not found")),
            }
        }
        _ => Response::error(
            404,
            "NotFoundError",
            &format!("Resource \"{path}\" not found"),
        ),
    }
}

/// A file object shaped like VirusTotal's (vt-api.md §2).
fn file_object(file: &FakeFile, config: &FakeVtConfig) -> serde_json::Value {
    let total = config.total_engines.max(file.positives);
    let type_unsupported = config.type_unsupported.min(total - file.positives);
    let undetected = total - file.positives - type_unsupported;
    json!({
        "data": {
            "id": file.sha256,
            "type": "file",
            "links": {"self": format!("https://www.virustotal.com/api/v3/files/{}", file.sha256)},
            "attributes": {
                "md5": file.md5,
                "sha1": file.sha1,
                "sha256": file.sha256,
                "size": file.size,
                "type_description": "Win32 EXE",
                "type_tag": "peexe",
                "names": file.names,
                "meaningful_name": file.names.first(),
                "tags": file.tags,
                "reputation": -(i64::from(file.positives)),
                "times_submitted": file.times_submitted,
                "unique_sources": 1,
                "first_submission_date": file.first_submission_date,
                "last_submission_date": file.last_submission_date,
                "last_analysis_date": file.last_submission_date,
                "last_modification_date": file.last_submission_date,
                "last_analysis_stats": {
                    "malicious": file.positives,
                    "suspicious": 0,
                    "undetected": undetected,
                    "harmless": 0,
                    "timeout": 0,
                    "confirmed-timeout": 0,
                    "failure": 0,
                    "type-unsupported": type_unsupported
                },
                "last_analysis_results": {}
            }
        }
    })
}

fn write_response(
    stream: &mut TcpStream,
    response: &Response,
    keep_alive: bool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: {}\r\n\r\n",
        response.status,
        reason_phrase(response.status),
        response.content_type,
        response.body.len(),
        if keep_alive { "keep-alive" } else { "close" },
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&response.body)?;
    stream.flush()
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        411 => "Length Required",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}
