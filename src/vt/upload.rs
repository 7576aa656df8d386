//! The request side of uploading a sample in full mode (spec §5, vt-api.md §4): which route a
//! file of a given size takes, the URLs, the `multipart/form-data` framing that the caller sends
//! around the file's bytes (streamed, never copied whole), and the two answers of the upload
//! endpoints. No HTTP client here: the actors crate sends the head, the file in chunks, then the
//! tail, with the `Content-Length` this module computes.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

/// Largest file posted directly to `POST {base}/files`: 32 MiB, the limit VirusTotal documents
/// for that endpoint (spec §5). Larger files go through an upload URL.
pub const DIRECT_UPLOAD_LIMIT: u64 = 33_554_432;

/// Largest file uploaded at all: 650 MiB, the limit of an upload URL (vt-api.md §4). Larger
/// files are looked up by hash and never uploaded (`too large to upload`).
pub const UPLOAD_URL_LIMIT: u64 = 681_574_400;

/// The name sent when a path has no usable file name (e.g. `/` or `..`).
const FALLBACK_NAME: &str = "sample";

/// How a file of a given size reaches VirusTotal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadRoute {
    /// At most [`DIRECT_UPLOAD_LIMIT`]: `POST {base}/files`.
    Direct,
    /// Above that, at most [`UPLOAD_URL_LIMIT`]: `GET {base}/files/upload_url`, then `POST` to
    /// the URL it returns.
    ViaUploadUrl,
    /// Above [`UPLOAD_URL_LIMIT`]: never uploaded.
    TooLarge,
}

/// The route of a file of `size` bytes.
pub fn route(size: u64) -> UploadRoute {
    if size <= DIRECT_UPLOAD_LIMIT {
        UploadRoute::Direct
    } else if size <= UPLOAD_URL_LIMIT {
        UploadRoute::ViaUploadUrl
    } else {
        UploadRoute::TooLarge
    }
}

/// `POST {base}/files`, the direct upload. No trailing slash: VirusTotal answers 404 to
/// `/files/` (vt-api.md §1).
pub fn files_url(base: &str) -> String {
    format!("{}/files", base.trim_end_matches('/'))
}

/// `GET {base}/files/upload_url`, which answers a single-use URL for one large upload.
pub fn upload_url_endpoint(base: &str) -> String {
    format!("{}/files/upload_url", base.trim_end_matches('/'))
}

/// `GET {base}/analyses/{id}`. Analysis ids are standard base64 (`NjY0…Nw==`): `=` may stand in
/// a path segment, but `/` and `+` may not, so every byte other than letters, digits and
/// `-._~=` is percent-encoded (`/` → `%2F`, `+` → `%2B`).
pub fn analysis_url(base: &str, id: &str) -> String {
    let mut url = format!("{}/analyses/", base.trim_end_matches('/'));
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~=".contains(&byte) {
            url.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(url, "%{byte:02X}");
        }
    }
    url
}

/// The name an upload carries: the last component of `path` only, never the folders above it
/// (they may name users, customers or cases: spec §5 privacy). Invalid UTF-8 is replaced.
pub fn upload_file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| FALLBACK_NAME.to_owned())
}

/// The `multipart/form-data` framing of one upload: one part named `file`. The body is
/// [`head`](Self::head), the file's bytes, then [`tail`](Self::tail); the caller streams the file
/// between them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Multipart {
    boundary: String,
    head: Vec<u8>,
    tail: Vec<u8>,
}

impl Multipart {
    /// The framing for a file called `filename` (only its last `/`- or `\`-separated component
    /// is kept, escaped as below). `boundary_seed` should differ between uploads (e.g. random
    /// bits mixed with the file's hash): the boundary holds 128 bits derived from it, so it does
    /// not turn up in a file by accident.
    ///
    /// In the file name, `"`, `\`, `%`, control characters and non-ASCII bytes are
    /// percent-encoded (`%22`, `%5C`, `%25`, `%0D`, `%C3%A9` …), as RFC 7578 §4.2 allows and
    /// browsers do for quotes and line breaks; an empty name becomes `sample`.
    pub fn for_file(filename: &str, boundary_seed: u64) -> Self {
        let boundary = format!(
            "----ratatosk-{:016x}{:016x}",
            boundary_seed,
            mix(boundary_seed)
        );
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            escape_file_name(filename)
        )
        .into_bytes();
        let tail = format!("\r\n--{boundary}--\r\n").into_bytes();
        Multipart {
            boundary,
            head,
            tail,
        }
    }

    /// The boundary (without the leading `--`).
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The bytes sent before the file: the opening boundary and the part's headers.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// The bytes sent after the file: the closing boundary.
    pub fn tail(&self) -> &[u8] {
        &self.tail
    }

    /// The request's `Content-Type`: `multipart/form-data; boundary=<boundary>`.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The request's `Content-Length` for a file of `file_size` bytes: head + file + tail.
    pub fn content_length(&self, file_size: u64) -> u64 {
        // A usize always fits in a u64 on the platforms Rust supports.
        let framing = (self.head.len() + self.tail.len()) as u64;
        file_size.saturating_add(framing)
    }
}

/// SplitMix64's finaliser: spreads a seed's bits over a second 64-bit word.
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The last component of `filename`, safe inside a quoted `filename="…"` parameter.
fn escape_file_name(filename: &str) -> String {
    let base = filename.rsplit(['/', '\\']).next().unwrap_or_default();
    let base = if base.is_empty() { FALLBACK_NAME } else { base };
    let mut out = String::with_capacity(base.len());
    for byte in base.bytes() {
        if (byte.is_ascii_graphic() && !matches!(byte, b'"' | b'\\' | b'%')) || byte == b' ' {
            out.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The analysis id in the answer to an upload (`POST /files` or the upload URL):
/// `{"data": {"type": "analysis", "id": "<id>", …}}`. `None` when the body is not that shape
/// (a malformed answer). The id is not the file's hash: keep the locally computed SHA256.
pub fn parse_upload_reply(body: &[u8]) -> Option<String> {
    let root: Value = serde_json::from_slice(body).ok()?;
    let data = root.get("data")?;
    if data
        .get("type")
        .is_some_and(|t| t.as_str() != Some("analysis"))
    {
        return None;
    }
    let id = data.get("id")?.as_str()?;
    (!id.is_empty()).then(|| id.to_owned())
}

/// The URL in the answer to `GET /files/upload_url`: `{"data": "<absolute URL>"}`. `None` unless
/// it is an absolute `http://` or `https://` URL.
pub fn parse_upload_url(body: &[u8]) -> Option<String> {
    let root: Value = serde_json::from_slice(body).ok()?;
    let url = root.get("data")?.as_str()?.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    (!rest.is_empty() && !rest.starts_with('/')).then(|| url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One part of a parsed multipart body.
    #[derive(Debug, PartialEq)]
    struct Part {
        headers: Vec<(String, String)>,
        content: Vec<u8>,
    }

    /// A small RFC 2046 multipart parser, independent of the encoder: the boundary from the
    /// content type, parts between `--B` lines, headers up to the blank line, nothing but the
    /// closing `--B--` and a line break after the last part.
    fn parse_multipart(content_type: &str, body: &[u8]) -> Vec<Part> {
        let (mime, params) = content_type.split_once(';').unwrap();
        assert_eq!(mime, "multipart/form-data");
        let boundary = params.trim().strip_prefix("boundary=").unwrap();
        assert!(boundary.len() <= 70, "RFC 2046 limits a boundary to 70");
        let opening = format!("--{boundary}\r\n");
        let delimiter = format!("\r\n--{boundary}");
        assert!(body.starts_with(opening.as_bytes()));
        let mut rest = &body[opening.len()..];
        let mut parts = Vec::new();
        loop {
            let end = find(rest, delimiter.as_bytes()).expect("a closing delimiter");
            let part = &rest[..end];
            let split = find(part, b"\r\n\r\n").expect("headers end");
            let headers = std::str::from_utf8(&part[..split])
                .unwrap()
                .split("\r\n")
                .map(|line| {
                    let (n, v) = line.split_once(':').unwrap();
                    (n.to_ascii_lowercase(), v.trim().to_owned())
                })
                .collect();
            parts.push(Part {
                headers,
                content: part[split + 4..].to_vec(),
            });
            rest = &rest[end + delimiter.len()..];
            if let Some(after) = rest.strip_prefix(b"--") {
                assert_eq!(after, b"\r\n", "nothing after the closing delimiter");
                return parts;
            }
            rest = rest
                .strip_prefix(b"\r\n")
                .expect("line break after delimiter");
        }
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    fn body(m: &Multipart, file: &[u8]) -> Vec<u8> {
        [m.head(), file, m.tail()].concat()
    }

    #[test]
    fn routes_by_size_at_the_exact_limits() {
        assert_eq!(route(0), UploadRoute::Direct);
        assert_eq!(route(33_554_432), UploadRoute::Direct);
        assert_eq!(route(33_554_433), UploadRoute::ViaUploadUrl);
        assert_eq!(route(681_574_400), UploadRoute::ViaUploadUrl);
        assert_eq!(route(681_574_401), UploadRoute::TooLarge);
        assert_eq!(route(u64::MAX), UploadRoute::TooLarge);
    }

    #[test]
    fn urls_have_no_trailing_slash() {
        for base in [
            "https://www.virustotal.com/api/v3",
            "https://www.virustotal.com/api/v3/",
        ] {
            assert_eq!(files_url(base), "https://www.virustotal.com/api/v3/files");
            assert_eq!(
                upload_url_endpoint(base),
                "https://www.virustotal.com/api/v3/files/upload_url"
            );
        }
    }

    #[test]
    fn analysis_ids_are_percent_encoded_where_a_path_needs_it() {
        let base = "http://127.0.0.1:9/api/v3/";
        assert_eq!(
            analysis_url(base, "NjY0MjRlOTFmNDQ4NmI4ZmE4YjI6MTQ3NTA0ODI3Nw=="),
            "http://127.0.0.1:9/api/v3/analyses/NjY0MjRlOTFmNDQ4NmI4ZmE4YjI6MTQ3NTA0ODI3Nw=="
        );
        assert_eq!(
            analysis_url(base, "ab+c/d=="),
            "http://127.0.0.1:9/api/v3/analyses/ab%2Bc%2Fd=="
        );
        assert_eq!(
            analysis_url(base, "u-r_l.s~? #%"),
            "http://127.0.0.1:9/api/v3/analyses/u-r_l.s~%3F%20%23%25"
        );
    }

    #[test]
    fn body_is_exact_bytes_and_length_matches() {
        let m = Multipart::for_file("sample.exe", 0);
        assert_eq!(
            m.boundary(),
            "----ratatosk-0000000000000000e220a8397b1dcdaf"
        );
        assert_eq!(
            m.content_type(),
            "multipart/form-data; boundary=----ratatosk-0000000000000000e220a8397b1dcdaf"
        );
        let expected = "------ratatosk-0000000000000000e220a8397b1dcdaf\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"sample.exe\"\r\n\
             Content-Type: application/octet-stream\r\n\
             \r\n\
             MZ\x00\x01\r\n\
             ------ratatosk-0000000000000000e220a8397b1dcdaf--\r\n";
        let built = body(&m, b"MZ\x00\x01");
        assert_eq!(String::from_utf8(built.clone()).unwrap(), expected);
        assert_eq!(m.content_length(4), built.len() as u64);
        assert_eq!(m.content_length(0), body(&m, b"").len() as u64);
        assert_eq!(m.content_length(u64::MAX), u64::MAX);
    }

    #[test]
    fn body_parses_as_one_file_part_with_the_bytes_unchanged() {
        // Content that looks like framing: line breaks, dashes, a different boundary.
        let file: Vec<u8> = b"\r\n--\r\n------ratatosk-00\r\n\r\n"
            .iter()
            .copied()
            .chain((0..=255u8).cycle().take(100_000))
            .collect();
        let m = Multipart::for_file("payload.bin", 0x5eed_1234_abcd_0042);
        let built = body(&m, &file);
        assert_eq!(m.content_length(file.len() as u64), built.len() as u64);
        let parts = parse_multipart(&m.content_type(), &built);
        assert_eq!(parts.len(), 1);
        assert_eq!(
            parts[0].headers,
            [
                (
                    "content-disposition".to_owned(),
                    "form-data; name=\"file\"; filename=\"payload.bin\"".to_owned()
                ),
                (
                    "content-type".to_owned(),
                    "application/octet-stream".to_owned()
                )
            ]
        );
        assert_eq!(parts[0].content, file);
    }

    #[test]
    fn boundaries_differ_by_seed() {
        let a = Multipart::for_file("x", 1);
        let b = Multipart::for_file("x", 2);
        assert_ne!(a.boundary(), b.boundary());
        assert_eq!(a, Multipart::for_file("x", 1));
        assert_eq!(a.boundary().len(), "----ratatosk-".len() + 32);
    }

    #[test]
    fn file_name_is_the_escaped_base_name_only() {
        let disposition = |name: &str| {
            let m = Multipart::for_file(name, 7);
            let parts = parse_multipart(&m.content_type(), &body(&m, b"x"));
            parts[0].headers[0].1.clone()
        };
        let expect = |escaped: &str| format!("form-data; name=\"file\"; filename=\"{escaped}\"");
        assert_eq!(
            disposition("/home/alice/case-42/evil.exe"),
            expect("evil.exe")
        );
        assert_eq!(disposition(r"C:\Users\bob\evil.dll"), expect("evil.dll"));
        assert_eq!(
            disposition("a \"quoted\" name"),
            expect("a %22quoted%22 name")
        );
        assert_eq!(disposition("line\r\nbreak"), expect("line%0D%0Abreak"));
        assert_eq!(disposition("100%.txt"), expect("100%25.txt"));
        assert_eq!(disposition("café\t.exe"), expect("caf%C3%A9%09.exe"));
        assert_eq!(disposition("/tmp/"), expect("sample"));
        assert_eq!(disposition(""), expect("sample"));
    }

    #[test]
    fn upload_file_name_drops_the_folders() {
        assert_eq!(
            upload_file_name(Path::new("/srv/customer-x/drop/evil.exe")),
            "evil.exe"
        );
        assert_eq!(upload_file_name(Path::new("evil.exe")), "evil.exe");
        assert_eq!(upload_file_name(Path::new("/")), "sample");
        assert_eq!(upload_file_name(Path::new("a/..")), "sample");
    }

    #[test]
    fn upload_reply_gives_the_analysis_id() {
        let body = br#"{"data": {"type": "analysis",
            "id": "NjY0MjRlOTFmNDQ4NmI4ZmE4YjI6MTQ3NTA0ODI3Nw==",
            "links": {"self": "https://www.virustotal.com/api/v3/analyses/NjY0MjRlOTFmNDQ4NmI4ZmE4YjI6MTQ3NTA0ODI3Nw=="}}}"#;
        assert_eq!(
            parse_upload_reply(body).as_deref(),
            Some("NjY0MjRlOTFmNDQ4NmI4ZmE4YjI6MTQ3NTA0ODI3Nw==")
        );
        assert_eq!(
            parse_upload_reply(br#"{"data": {"id": "abc=="}}"#).as_deref(),
            Some("abc==")
        );
        for bad in [
            &br#"{"data": {"type": "file", "id": "abc"}}"#[..],
            br#"{"data": {"type": "analysis", "id": ""}}"#,
            br#"{"data": {"type": "analysis", "id": 7}}"#,
            br#"{"data": "https://upload"}"#,
            br#"{"error": {"code": "BadRequestError", "message": "x"}}"#,
            b"<html>413</html>",
        ] {
            assert_eq!(
                parse_upload_reply(bad),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn upload_url_reply_gives_an_absolute_url() {
        assert_eq!(
            parse_upload_url(br#"{"data": "https://www.virustotal.com/_ah/upload/AMmfu6abc/"}"#)
                .as_deref(),
            Some("https://www.virustotal.com/_ah/upload/AMmfu6abc/")
        );
        assert_eq!(
            parse_upload_url(br#"{"data": "http://127.0.0.1:8080/upload/t1"}"#).as_deref(),
            Some("http://127.0.0.1:8080/upload/t1")
        );
        for bad in [
            &br#"{"data": "/_ah/upload/x"}"#[..],
            br#"{"data": "https://"}"#,
            br#"{"data": "ftp://host/x"}"#,
            br#"{"data": {"id": "x"}}"#,
            b"not json",
        ] {
            assert_eq!(
                parse_upload_url(bad),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
