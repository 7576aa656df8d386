//! The fake VirusTotal's full-mode endpoints, as `vt-api.md` §4–§5 describe them:
//! `POST /api/v3/files` (multipart part `file`, at most 32 MiB, else 413),
//! `GET /api/v3/files/upload_url` (a single-use URL on the fake itself, free of quota),
//! `POST /upload/<token>` (the same multipart, at most 650 MiB, no key needed: the URL is the
//! credential), and `GET /api/v3/analyses/{id}` (queued, then in progress, then completed; on
//! completion the file becomes known to `GET /api/v3/files/{hash}`, as on the real service).
//!
//! Upload bodies are read here, before the request is answered, in chunks: only the file part's
//! size and hashes are kept.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

use super::multipart::{self, FilePart, MultipartError, MultipartReader};
use super::{FakeFile, Request, Response, State};

/// Largest file accepted by `POST /api/v3/files`: 32 MiB (vt-api.md §4).
pub const DIRECT_LIMIT: u64 = 33_554_432;

/// Largest file accepted through an upload URL: 650 MiB (vt-api.md §4).
pub const UPLOAD_URL_LIMIT: u64 = 681_574_400;

/// Polls answered `queued` or `in-progress` before the first `completed`, by default: queued on
/// the first poll, in progress on the second, completed from the third on.
pub const DEFAULT_ANALYSIS_STEPS: u32 = 2;

/// The direct upload endpoint.
const FILES_PATH: &str = "/api/v3/files";

/// The upload-URL endpoint.
const UPLOAD_URL_PATH: &str = "/api/v3/files/upload_url";

/// Where the upload URLs the fake hands out point.
const UPLOAD_PREFIX: &str = "/upload/";

/// Path prefix of analyses.
const ANALYSES_PREFIX: &str = "/api/v3/analyses/";

/// Bytes read from the socket at a time while receiving an upload.
const READ_CHUNK: usize = 64 * 1024;

/// Which endpoint received an upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadVia {
    /// `POST /api/v3/files`.
    Direct,
    /// `POST` to a URL from `GET /api/v3/files/upload_url`.
    UploadUrl,
}

/// One accepted upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadRecord {
    /// The endpoint.
    pub via: UploadVia,
    /// The part's `filename`, as sent.
    pub filename: String,
    /// Bytes of the file part.
    pub size: u64,
    /// Bytes of the whole request body (framing included).
    pub body_bytes: u64,
    /// SHA-256 of the file part, lower-case hex.
    pub sha256: String,
    /// MD5 of the file part, lower-case hex.
    pub md5: String,
    /// SHA-1 of the file part, lower-case hex.
    pub sha1: String,
    /// The analysis id answered.
    pub analysis_id: String,
}

/// An upload body as read from the connection.
pub(super) struct ReceivedBody {
    /// Body bytes received.
    pub bytes: u64,
    /// The file part, or why there is none.
    pub part: Result<FilePart, MultipartError>,
    /// The body was sent chunked: unreadable here (answered 411, connection closed).
    pub chunked: bool,
}

/// One analysis the fake runs.
struct Analysis {
    sha256: String,
    sha1: String,
    md5: String,
    size: u64,
    filename: String,
    date: i64,
    polls: u32,
}

/// The full-mode part of the fake's state.
pub(super) struct UploadState {
    addr: SocketAddr,
    default_positives: u32,
    positives_by_sha256: HashMap<String, u32>,
    analysis_steps: u32,
    next_token: u64,
    /// Upload-URL tokens handed out, and whether each was used.
    tokens: HashMap<String, bool>,
    analyses: HashMap<String, Analysis>,
    pub uploads: Vec<UploadRecord>,
}

impl UploadState {
    pub fn new(addr: SocketAddr) -> Self {
        UploadState {
            addr,
            default_positives: 0,
            positives_by_sha256: HashMap::new(),
            analysis_steps: DEFAULT_ANALYSIS_STEPS,
            next_token: 1,
            tokens: HashMap::new(),
            analyses: HashMap::new(),
            uploads: Vec::new(),
        }
    }

    pub fn set_default_positives(&mut self, positives: u32) {
        self.default_positives = positives;
    }

    pub fn set_positives_for(&mut self, sha256: &str, positives: u32) {
        self.positives_by_sha256
            .insert(sha256.to_ascii_lowercase(), positives);
    }

    pub fn set_analysis_steps(&mut self, steps: u32) {
        self.analysis_steps = steps;
    }

    fn positives_of(&self, sha256: &str) -> u32 {
        self.positives_by_sha256
            .get(sha256)
            .copied()
            .unwrap_or(self.default_positives)
    }
}

fn path_only(path: &str) -> &str {
    path.split('?').next().unwrap_or("")
}

/// Whether the request is an upload whose body is streamed rather than read whole.
pub(super) fn is_upload(method: &str, path: &str) -> bool {
    let path = path_only(path);
    method == "POST" && (path == FILES_PATH || path.starts_with(UPLOAD_PREFIX))
}

/// Whether the request needs no `x-apikey` (an upload URL carries its own authorisation).
pub(super) fn is_keyless(path: &str) -> bool {
    path_only(path).starts_with(UPLOAD_PREFIX)
}

/// Whether the request costs quota: all do except `GET /files/upload_url` (vt-py#140).
pub(super) fn costs_quota(method: &str, path: &str) -> bool {
    !(method == "GET" && path_only(path) == UPLOAD_URL_PATH)
}

/// Reads an upload body of `Content-Length` bytes from `buf` (bytes already read) and then
/// `stream`, feeding it to the multipart reader chunk by chunk. Leaves bytes of the next request
/// in `buf` untouched. `None` when the peer closed or the server is shutting down.
pub(super) fn read_body(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    headers: &[(String, String)],
    shutdown: &AtomicBool,
) -> Option<ReceivedBody> {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if header("transfer-encoding").is_some_and(|v| !v.eq_ignore_ascii_case("identity")) {
        return Some(ReceivedBody {
            bytes: 0,
            part: Err(MultipartError::Malformed("chunked body")),
            chunked: true,
        });
    }
    let length: u64 = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").ok()?;
    }
    let mut reader = multipart::boundary(header("content-type")).map(|b| MultipartReader::new(&b));
    let mut feed = |data: &[u8]| {
        if let Some(r) = reader.as_mut() {
            r.feed(data);
        }
    };
    let already = buf.len().min(usize::try_from(length).unwrap_or(usize::MAX));
    feed(&buf[..already]);
    buf.drain(..already);
    let mut remaining = length - already as u64;
    let mut chunk = vec![0u8; READ_CHUNK];
    while remaining > 0 {
        if shutdown.load(Ordering::SeqCst) {
            return None;
        }
        let want = usize::try_from(remaining)
            .unwrap_or(READ_CHUNK)
            .min(READ_CHUNK);
        match stream.read(&mut chunk[..want]) {
            Ok(0) => return None,
            Ok(n) => {
                feed(&chunk[..n]);
                remaining -= n as u64;
            }
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) => {}
            Err(_) => return None,
        }
    }
    Some(ReceivedBody {
        bytes: length,
        part: reader.map_or(Err(MultipartError::NotMultipart), MultipartReader::finish),
        chunked: false,
    })
}

/// Answers the full-mode endpoints; `None` for any other request.
pub(super) fn route(request: &Request, state: &mut State) -> Option<Response> {
    let path = path_only(&request.path);
    match request.method.as_str() {
        "POST" if path == FILES_PATH => Some(accept_upload(request, state, UploadVia::Direct)),
        "POST" => {
            let token = path.strip_prefix(UPLOAD_PREFIX)?;
            Some(match state.uploads.tokens.get(token).copied() {
                None => Response::error(404, "NotFoundError", "Unknown upload URL"),
                Some(true) => Response::error(
                    400,
                    "BadRequestError",
                    "This upload URL has already been used",
                ),
                Some(false) => {
                    state.uploads.tokens.insert(token.to_owned(), true);
                    accept_upload(request, state, UploadVia::UploadUrl)
                }
            })
        }
        "GET" if path == UPLOAD_URL_PATH => {
            let token = format!("AMmfu6-{:08x}", state.uploads.next_token);
            state.uploads.next_token += 1;
            state.uploads.tokens.insert(token.clone(), false);
            let url = format!("http://{}{UPLOAD_PREFIX}{token}", state.uploads.addr);
            Some(Response::json(200, json!({ "data": url })))
        }
        "GET" => {
            let id = percent_decode(path.strip_prefix(ANALYSES_PREFIX)?);
            Some(poll(&id, state))
        }
        _ => None,
    }
}

/// Answers an upload: 411 when chunked, 400 without a file part, 413 above the endpoint's limit,
/// else the analysis descriptor.
fn accept_upload(request: &Request, state: &mut State, via: UploadVia) -> Response {
    let Some(body) = request.upload.as_ref() else {
        return Response::error(400, "BadRequestError", "no request body");
    };
    if body.chunked {
        return Response::error(
            411,
            "BadRequestError",
            "uploads need a Content-Length (the fake reads no chunked bodies)",
        );
    }
    let part = match &body.part {
        Ok(part) => part,
        Err(e) => return Response::error(400, "BadRequestError", &e.message()),
    };
    let limit = match via {
        UploadVia::Direct => DIRECT_LIMIT,
        UploadVia::UploadUrl => UPLOAD_URL_LIMIT,
    };
    if part.size > limit {
        let hint = match via {
            UploadVia::Direct => "; use GET /api/v3/files/upload_url for larger files",
            UploadVia::UploadUrl => "",
        };
        return Response::error(
            413,
            "RequestEntityTooLargeError",
            &format!("The file is larger than {limit} bytes{hint}"),
        );
    }
    let date = unix_now();
    let id = base64(format!("{}:{date}", part.md5).as_bytes());
    // The same content in the same second is the same analysis, as its id says.
    state
        .uploads
        .analyses
        .entry(id.clone())
        .or_insert_with(|| Analysis {
            sha256: part.sha256.clone(),
            sha1: part.sha1.clone(),
            md5: part.md5.clone(),
            size: part.size,
            filename: part.filename.clone(),
            date,
            polls: 0,
        });
    state.uploads.uploads.push(UploadRecord {
        via,
        filename: part.filename.clone(),
        size: part.size,
        body_bytes: body.bytes,
        sha256: part.sha256.clone(),
        md5: part.md5.clone(),
        sha1: part.sha1.clone(),
        analysis_id: id.clone(),
    });
    let base = format!("http://{}/api/v3", state.uploads.addr);
    Response::json(
        200,
        json!({"data": {
            "type": "analysis",
            "id": id,
            "links": {"self": format!("{base}/analyses/{id}")}
        }}),
    )
}

/// Answers one poll of analysis `id` and moves it along; on completion the file becomes known.
fn poll(id: &str, state: &mut State) -> Response {
    let steps = state.uploads.analysis_steps;
    let base = format!("http://{}/api/v3", state.uploads.addr);
    let Some(analysis) = state.uploads.analyses.get_mut(id) else {
        return Response::error(
            404,
            "NotFoundError",
            &format!("Analysis \"{id}\" not found"),
        );
    };
    analysis.polls += 1;
    let status = if analysis.polls > steps {
        "completed"
    } else if analysis.polls == 1 {
        "queued"
    } else {
        "in-progress"
    };
    let (sha256, sha1, md5, size, filename, date) = (
        analysis.sha256.clone(),
        analysis.sha1.clone(),
        analysis.md5.clone(),
        analysis.size,
        analysis.filename.clone(),
        analysis.date,
    );
    let stats = if status == "completed" {
        let positives = state.uploads.positives_of(&sha256);
        if !state.files.iter().any(|f| f.sha256 == sha256) {
            let mut file = FakeFile::new(&sha256, &md5, &sha1, positives);
            file.names = vec![filename];
            file.times_submitted = 1;
            file.first_submission_date = date;
            file.last_submission_date = date;
            file.size = size;
            state.files.push(file);
        }
        stats(positives, state)
    } else {
        json!({"malicious": 0, "suspicious": 0, "undetected": 0, "harmless": 0, "timeout": 0,
               "confirmed-timeout": 0, "failure": 0, "type-unsupported": 0})
    };
    Response::json(
        200,
        json!({
            "meta": {"file_info": {"sha256": sha256, "sha1": sha1, "md5": md5, "size": size}},
            "data": {
                "id": id,
                "type": "analysis",
                "links": {
                    "self": format!("{base}/analyses/{id}"),
                    "item": format!("{base}/files/{sha256}")
                },
                "attributes": {"date": date, "status": status, "stats": stats, "results": {}}
            }
        }),
    )
}

/// The eight counts of a completed analysis with `positives` malicious, split like the file
/// objects of the fake (the rest `type-unsupported` up to the configured number, then
/// `undetected`).
fn stats(positives: u32, state: &State) -> serde_json::Value {
    let total = state.config.total_engines.max(positives);
    let type_unsupported = state.config.type_unsupported.min(total - positives);
    json!({
        "malicious": positives,
        "suspicious": 0,
        "undetected": total - positives - type_unsupported,
        "harmless": 0,
        "timeout": 0,
        "confirmed-timeout": 0,
        "failure": 0,
        "type-unsupported": type_unsupported
    })
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Standard base64 with padding (the alphabet of VirusTotal's analysis ids).
pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for group in data.chunks(3) {
        let b = [
            group[0],
            group.get(1).copied().unwrap_or(0),
            group.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= group.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes `%XX` escapes in a path segment (invalid escapes are kept as they are).
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
