//! The fake VirusTotal's streaming `multipart/form-data` reader (RFC 2046 / RFC 7578), for the
//! upload endpoints: the body is fed in chunks as it arrives, the part named `file` is hashed
//! (MD5, SHA-1, SHA-256) and counted on the fly, and nothing but a delimiter's length of bytes is
//! kept between chunks, so a 40 MiB upload costs no more memory than a small one.

use ratatosk::hash::MultiHasher;
use ratatosk::model::HashKinds;

/// The longest header block of one part the reader accepts.
const MAX_PART_HEADERS: usize = 16 * 1024;

/// The file part of an upload, as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePart {
    /// The `filename` parameter, as sent (still percent-encoded if the client encoded it).
    pub filename: String,
    /// Bytes of the file.
    pub size: u64,
    /// MD5, lower-case hex.
    pub md5: String,
    /// SHA-1, lower-case hex.
    pub sha1: String,
    /// SHA-256, lower-case hex.
    pub sha256: String,
}

/// Why a body is not an acceptable upload (answered 400 `BadRequestError`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MultipartError {
    /// The content type is not `multipart/form-data` with a boundary.
    NotMultipart,
    /// The body does not follow the multipart framing.
    Malformed(&'static str),
    /// Well formed, but no part is named `file`.
    NoFilePart,
}

impl MultipartError {
    /// The message of the 400 answer.
    pub fn message(&self) -> String {
        match self {
            MultipartError::NotMultipart => {
                "the request must be multipart/form-data with a boundary".to_owned()
            }
            MultipartError::Malformed(what) => format!("malformed multipart body: {what}"),
            MultipartError::NoFilePart => "the request has no \"file\" part".to_owned(),
        }
    }
}

/// The boundary of a `multipart/form-data; boundary=…` content type (quoted or not).
pub fn boundary(content_type: Option<&str>) -> Option<String> {
    let mut params = content_type?.split(';');
    let mime = params.next()?.trim();
    if !mime.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .filter_map(|p| p.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| value.trim().trim_matches('"').to_owned())
        .filter(|b| !b.is_empty() && b.len() <= 70)
}

enum Phase {
    /// Before the first delimiter.
    Preamble,
    /// Just after a delimiter: `--` (the end) or a line break (a part follows).
    AfterDelimiter,
    /// In a part's header block.
    Headers,
    /// In a part's content; `true` when it is the file part being hashed.
    Content(bool),
    /// After the closing delimiter: ignored.
    Epilogue,
    /// Gave up.
    Failed(&'static str),
}

/// An incremental reader of one multipart body.
pub struct MultipartReader {
    /// `\r\n--<boundary>`: every delimiter, the first one included (see `new`).
    delimiter: Vec<u8>,
    /// Bytes not yet classified: at most a chunk plus a delimiter's length.
    pending: Vec<u8>,
    phase: Phase,
    current: Option<(String, u64, MultiHasher)>,
    file: Option<FilePart>,
}

impl MultipartReader {
    /// A reader for parts separated by `boundary`.
    pub fn new(boundary: &str) -> Self {
        MultipartReader {
            delimiter: format!("\r\n--{boundary}").into_bytes(),
            // The first delimiter has no line break before it; pretend it has one.
            pending: b"\r\n".to_vec(),
            phase: Phase::Preamble,
            current: None,
            file: None,
        }
    }

    /// Feeds the next bytes of the body.
    pub fn feed(&mut self, data: &[u8]) {
        self.pending.extend_from_slice(data);
        while self.step() {}
    }

    /// The file part, once the whole body was fed.
    pub fn finish(mut self) -> Result<FilePart, MultipartError> {
        while self.step() {}
        match self.phase {
            Phase::Epilogue => self.file.ok_or(MultipartError::NoFilePart),
            Phase::Failed(what) => Err(MultipartError::Malformed(what)),
            _ => Err(MultipartError::Malformed("no closing boundary")),
        }
    }

    /// Advances through `pending` once; `false` when more bytes are needed.
    fn step(&mut self) -> bool {
        match self.phase {
            Phase::Preamble => match find(&self.pending, &self.delimiter) {
                Some(at) => {
                    self.pending.drain(..at + self.delimiter.len());
                    self.phase = Phase::AfterDelimiter;
                    true
                }
                None => {
                    self.keep_tail();
                    false
                }
            },
            Phase::AfterDelimiter => {
                // Transport padding: white space before the line break.
                let padding = self
                    .pending
                    .iter()
                    .take_while(|b| matches!(b, b' ' | b'\t'))
                    .count();
                let rest = &self.pending[padding..];
                if rest.len() < 2 {
                    return false;
                }
                if rest.starts_with(b"--") && padding == 0 {
                    self.phase = Phase::Epilogue;
                } else if rest.starts_with(b"\r\n") {
                    self.pending.drain(..padding + 2);
                    self.phase = Phase::Headers;
                } else {
                    self.phase = Phase::Failed("no line break after a boundary");
                }
                true
            }
            Phase::Headers => {
                let end = if self.pending.starts_with(b"\r\n") {
                    Some(0)
                } else {
                    find(&self.pending, b"\r\n\r\n").map(|at| at + 2)
                };
                let Some(end) = end else {
                    if self.pending.len() > MAX_PART_HEADERS {
                        self.phase = Phase::Failed("part headers too long");
                        return true;
                    }
                    return false;
                };
                let headers = String::from_utf8_lossy(&self.pending[..end]).into_owned();
                self.pending.drain(..end + 2);
                let (name, filename) = disposition(&headers);
                let is_file = name.as_deref() == Some("file") && self.file.is_none();
                if is_file {
                    let kinds = HashKinds {
                        md5: true,
                        sha1: true,
                    };
                    self.current = Some((filename.unwrap_or_default(), 0, MultiHasher::new(kinds)));
                }
                self.phase = Phase::Content(is_file);
                true
            }
            Phase::Content(is_file) => match find(&self.pending, &self.delimiter) {
                Some(at) => {
                    if is_file {
                        self.consume(at);
                        self.finish_file();
                    }
                    self.pending.drain(..at + self.delimiter.len());
                    self.phase = Phase::AfterDelimiter;
                    true
                }
                None => {
                    let safe = self.pending.len().saturating_sub(self.delimiter.len() - 1);
                    if is_file {
                        self.consume(safe);
                    }
                    self.pending.drain(..safe);
                    false
                }
            },
            Phase::Epilogue | Phase::Failed(_) => {
                self.pending.clear();
                false
            }
        }
    }

    /// Hashes and counts the first `n` pending bytes as file content (the caller drains them).
    fn consume(&mut self, n: usize) {
        if let Some((_, size, hasher)) = self.current.as_mut() {
            hasher.update(&self.pending[..n]);
            *size += n as u64;
        }
    }

    fn finish_file(&mut self) {
        if let Some((filename, size, hasher)) = self.current.take() {
            let hashes = hasher.finish();
            self.file = Some(FilePart {
                filename,
                size,
                md5: hashes.md5.map(|h| h.to_hex()).unwrap_or_default(),
                sha1: hashes.sha1.map(|h| h.to_hex()).unwrap_or_default(),
                sha256: hashes.sha256.to_hex(),
            });
        }
    }

    /// Drops all but the last delimiter-length-minus-one bytes, which may start a delimiter.
    fn keep_tail(&mut self) {
        let keep = self.delimiter.len() - 1;
        if self.pending.len() > keep {
            let cut = self.pending.len() - keep;
            self.pending.drain(..cut);
        }
    }
}

/// `name` and `filename` of a part's `Content-Disposition: form-data; …` header.
fn disposition(headers: &str) -> (Option<String>, Option<String>) {
    let Some(value) = headers.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-disposition")
            .then_some(value)
    }) else {
        return (None, None);
    };
    let params = parameters(value);
    let get = |wanted: &str| {
        params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(wanted))
            .map(|(_, v)| v.clone())
    };
    (get("name"), get("filename"))
}

/// The `name=value` parameters after the first `;` of a header value; quoted values may hold
/// `;` and backslash escapes.
fn parameters(value: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut chars = value.chars().skip_while(|c| *c != ';').peekable();
    loop {
        // Skip separators and white space before a name.
        while chars.next_if(|c| *c == ';' || c.is_whitespace()).is_some() {}
        let name: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if name.is_empty() {
            return params;
        }
        let mut val = String::new();
        if chars.next_if_eq(&'"').is_some() {
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => val.extend(chars.next()),
                    c => val.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| *c != ';') {
                val.push(c);
            }
        }
        params.push((name.trim().to_owned(), val.trim_end().to_owned()));
    }
}

/// The first position of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0;
    while let Some(offset) = haystack.get(from..)?.iter().position(|b| *b == first) {
        let at = from + offset;
        if haystack.get(at..at + needle.len()) == Some(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}
