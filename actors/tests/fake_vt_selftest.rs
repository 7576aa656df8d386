//! Checks the fake VirusTotal itself with a raw HTTP/1.1 client over a `TcpStream`, and that
//! its answers mean what they should to the library's `ratatosk::vt::classify`. The full-mode
//! tests upload with the library's own `Multipart` framing and read the answers with its
//! `parse_upload_reply`, `parse_upload_url` and `parse_analysis`.

#[path = "common/fake_vt.rs"]
mod fake_vt;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fake_vt::{DEFAULT_KEY, DIRECT_LIMIT, FakeVt, FakeVtConfig, Fault, UploadRecord, UploadVia};
use ratatosk::hash::digest;
use ratatosk::model::{HashKinds, VtVerdict};
use ratatosk::vt::{
    AnalysisStatus, Multipart, VtReply, analysed_sha256, analysis_url, classify, classify_error,
    parse_analysis, parse_upload_reply, parse_upload_url, upload_file_name,
};

const SHA256: &str = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";
const MD5: &str = "44d88612fea8a8f36de82e1278abb02f";
const SHA1: &str = "3395856ce81f2b7382dee72602f798b642f14140";
const UNKNOWN: &str = "0000000000000000000000000000000000000000000000000000000000000001";

/// One answer as the raw client read it.
struct Answer {
    status: u16,
    content_type: Option<String>,
    connection: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    fn classify(&self) -> VtReply {
        classify(self.status, self.content_type.as_deref(), &self.body)
    }
}

/// A keep-alive HTTP/1.1 client on one connection.
struct Client {
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(fake: &FakeVt) -> Client {
        let stream = TcpStream::connect(fake.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        Client {
            reader: BufReader::new(stream),
        }
    }

    fn get(&mut self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        self.reader.get_mut().write_all(request.as_bytes()).unwrap();
        self.read_answer()
    }

    /// Sends a request whose body is `body` written piece by piece (as a streaming client
    /// would: framing head, file, framing tail).
    fn post(&mut self, path: &str, headers: &[(&str, &str)], body: &[&[u8]]) -> Answer {
        let mut request = format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        let stream = self.reader.get_mut();
        stream.write_all(request.as_bytes()).unwrap();
        for piece in body {
            stream.write_all(piece).unwrap();
        }
        self.read_answer()
    }

    fn read_answer(&mut self) -> Answer {
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line).unwrap();
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .unwrap_or_else(|| panic!("bad status line {status_line:?}"))
            .parse()
            .unwrap();
        let mut content_type = None;
        let mut connection = None;
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap();
            let value = value.trim().to_owned();
            match name.to_ascii_lowercase().as_str() {
                "content-type" => content_type = Some(value),
                "connection" => connection = Some(value),
                "content-length" => length = value.parse().unwrap(),
                _ => {}
            }
        }
        let mut body = vec![0u8; length];
        self.reader.read_exact(&mut body).unwrap();
        Answer {
            status,
            content_type,
            connection,
            body,
        }
    }
}

fn files(hash: &str) -> String {
    format!("/api/v3/files/{hash}")
}

fn with_key() -> [(&'static str, &'static str); 1] {
    [("x-apikey", DEFAULT_KEY)]
}

fn fake_with_eicar(config: FakeVtConfig) -> FakeVt {
    let fake = FakeVt::start(config);
    fake.add_file(SHA256, MD5, SHA1, 25);
    fake
}

#[test]
fn known_hash_answers_a_file_object_by_any_hash_in_any_case() {
    let fake = fake_with_eicar(FakeVtConfig::default());
    assert!(fake.base_url().starts_with("http://127.0.0.1:"));
    assert!(fake.base_url().ends_with("/api/v3"));
    let mut client = Client::connect(&fake);
    for id in [SHA256, MD5, SHA1, &SHA256.to_ascii_uppercase()] {
        let answer = client.get(&files(id), &with_key());
        assert_eq!(answer.status, 200, "lookup by {id}");
        assert_eq!(answer.content_type.as_deref(), Some("application/json"));
        let json = answer.json();
        assert_eq!(json["data"]["id"], SHA256);
        assert_eq!(json["data"]["type"], "file");
        let stats = &json["data"]["attributes"]["last_analysis_stats"];
        assert_eq!(stats["malicious"], 25);
        assert_eq!(stats["undetected"], 43);
        assert_eq!(stats["type-unsupported"], 4);
        assert_eq!(json["data"]["attributes"]["md5"], MD5);
    }
    match client.get(&files(SHA256), &with_key()).classify() {
        VtReply::Found(v) => {
            assert_eq!((v.positives, v.total), (25, 72));
            assert_eq!(v.history.names, ["sample.exe", &format!("{SHA256}.bin")]);
            assert_eq!(v.history.tags, ["peexe"]);
            assert_eq!(v.history.submissions, 3);
            assert_eq!(
                v.history.first_submission.as_deref(),
                Some("2024-01-02T03:04:05Z")
            );
            assert_eq!(
                v.history.last_submission.as_deref(),
                Some("2024-02-03T04:05:06Z")
            );
        }
        other => panic!("expected Found, got {other:?}"),
    }
    assert_eq!(fake.lookups_of(SHA256), 3);
    assert_eq!(fake.lookups_of(MD5), 1);
    assert_eq!(fake.request_count(), 5);
}

#[test]
fn configured_engine_count_changes_the_total() {
    let fake = fake_with_eicar(FakeVtConfig {
        total_engines: 60,
        type_unsupported: 0,
        ..FakeVtConfig::default()
    });
    let answer = Client::connect(&fake).get(&files(SHA256), &with_key());
    match answer.classify() {
        VtReply::Found(v) => assert_eq!((v.positives, v.total), (25, 60)),
        other => panic!("expected Found, got {other:?}"),
    }
}

#[test]
fn unknown_hash_is_not_found_error() {
    let fake = fake_with_eicar(FakeVtConfig::default());
    let answer = Client::connect(&fake).get(&files(UNKNOWN), &with_key());
    assert_eq!(answer.status, 404);
    assert_eq!(
        answer.json(),
        serde_json::json!({"error": {"code": "NotFoundError",
                                     "message": format!("File \"{UNKNOWN}\" not found")}})
    );
    assert_eq!(answer.classify(), VtReply::NotFound);
}

#[test]
fn missing_or_wrong_key_is_401() {
    let fake = fake_with_eicar(FakeVtConfig::default());
    let mut client = Client::connect(&fake);
    let missing = client.get(&files(SHA256), &[]);
    assert_eq!(missing.status, 401);
    assert_eq!(
        missing.json()["error"]["code"],
        "AuthenticationRequiredError"
    );
    assert_eq!(
        missing.json()["error"]["message"],
        "X-Apikey header is missing"
    );
    let wrong = client.get(&files(SHA256), &[("x-apikey", "not-the-key")]);
    assert_eq!(wrong.status, 401);
    assert_eq!(
        wrong.json(),
        serde_json::json!({"error": {"code": "WrongCredentialsError", "message": "Wrong API key"}})
    );
    assert_eq!(
        wrong.classify(),
        VtReply::WrongKey("WrongCredentialsError".to_owned())
    );
    // The header name is case-insensitive, as vt-py and vt-go send it.
    let capitalised = client.get(&files(SHA256), &[("X-Apikey", DEFAULT_KEY)]);
    assert_eq!(capitalised.status, 200);
    let requests = fake.requests();
    assert_eq!(
        requests.iter().map(|r| r.key_ok).collect::<Vec<_>>(),
        [false, false, true]
    );
    assert_eq!(
        requests.iter().map(|r| r.status).collect::<Vec<_>>(),
        [401, 401, 200]
    );
}

#[test]
fn keep_alive_serves_many_requests_on_one_connection_and_close_ends_it() {
    let fake = fake_with_eicar(FakeVtConfig::default());
    let mut client = Client::connect(&fake);
    for _ in 0..5 {
        let answer = client.get(&files(SHA256), &with_key());
        assert_eq!(answer.status, 200);
        assert_eq!(answer.connection.as_deref(), Some("keep-alive"));
    }
    let last = client.get(
        &files(UNKNOWN),
        &[("x-apikey", DEFAULT_KEY), ("Connection", "close")],
    );
    assert_eq!(last.status, 404);
    assert_eq!(last.connection.as_deref(), Some("close"));
    let mut rest = Vec::new();
    let n = client.reader.read_to_end(&mut rest).unwrap();
    assert_eq!(n, 0, "the server closed the connection");
    assert_eq!(fake.request_count(), 6);
}

#[test]
fn own_quota_answers_quota_exceeded_beyond_rate_per_window() {
    let window = Duration::from_millis(600);
    let fake = fake_with_eicar(FakeVtConfig {
        rate: Some((2, window)),
        ..FakeVtConfig::default()
    });
    let mut client = Client::connect(&fake);
    let start = Instant::now();
    assert_eq!(client.get(&files(SHA256), &with_key()).status, 200);
    assert_eq!(client.get(&files(UNKNOWN), &with_key()).status, 404);
    let third = client.get(&files(SHA256), &with_key());
    assert_eq!(third.status, 429);
    assert_eq!(
        third.json(),
        serde_json::json!({"error": {"code": "QuotaExceededError", "message": "Quota exceeded"}})
    );
    assert_eq!(third.classify(), VtReply::QuotaExceeded);
    // Requests without the right key do not count against it.
    assert_eq!(client.get(&files(SHA256), &[]).status, 401);
    assert!(start.elapsed() < window, "the test machine is too slow");
    // Every request with the key counts, the rejected one too: wait a window after it.
    thread::sleep(window + Duration::from_millis(50));
    assert_eq!(client.get(&files(SHA256), &with_key()).status, 200);
    assert_eq!(fake.count_429(), 1);
    assert_eq!(fake.request_count(), 5);
    assert_eq!(fake.max_in_any_window(window), 4);
}

#[test]
fn injected_faults_come_in_order_then_normal_answers() {
    let fake = fake_with_eicar(FakeVtConfig::default());
    fake.push_fault(Fault::QuotaExceeded);
    fake.push_fault(Fault::TooManyRequests);
    fake.push_fault(Fault::Html503);
    fake.push_fault(Fault::Transient503);
    fake.push_fault(Fault::DeadlineExceeded504);
    fake.push_fault(Fault::Forbidden403);
    fake.push_fault(Fault::Garbage200);
    let mut client = Client::connect(&fake);
    // A request with a wrong key does not use up a fault.
    assert_eq!(client.get(&files(SHA256), &[]).status, 401);
    let replies: Vec<(u16, VtReply)> = (0..8)
        .map(|_| {
            let a = client.get(&files(SHA256), &with_key());
            (a.status, a.classify())
        })
        .collect();
    let transient = |r: &str| VtReply::Transient(r.to_owned());
    assert_eq!(
        replies[..7],
        [
            (429, VtReply::QuotaExceeded),
            (429, VtReply::TooManyRequests),
            (503, transient("HTTP 503")),
            (503, transient("HTTP 503")),
            (504, transient("HTTP 504")),
            (403, VtReply::Fatal("HTTP 403".to_owned())),
            (200, transient("malformed answer")),
        ]
    );
    assert!(matches!(replies[7], (200, VtReply::Found(_))));
    assert_eq!(fake.count_429(), 2);
    assert_eq!(fake.count_status(503), 2);
}

#[test]
fn repeated_and_permanent_faults() {
    let fake = fake_with_eicar(FakeVtConfig::default());
    fake.push_faults(Fault::QuotaExceeded, 2);
    fake.set_always(Some(Fault::Transient503));
    let mut client = Client::connect(&fake);
    let statuses: Vec<u16> = (0..4)
        .map(|_| client.get(&files(SHA256), &with_key()).status)
        .collect();
    assert_eq!(statuses, [429, 429, 503, 503]);
    fake.set_always(None);
    assert_eq!(client.get(&files(SHA256), &with_key()).status, 200);
}

#[test]
fn delay_fault_answers_late_and_close_fault_drops_the_connection() {
    let fake = fake_with_eicar(FakeVtConfig::default());
    fake.push_fault(Fault::Delay(Duration::from_millis(300)));
    fake.push_fault(Fault::Close);
    let mut client = Client::connect(&fake);
    let start = Instant::now();
    assert_eq!(client.get(&files(SHA256), &with_key()).status, 200);
    assert!(start.elapsed() >= Duration::from_millis(300));
    client
        .reader
        .get_mut()
        .write_all(
            format!(
                "GET {} HTTP/1.1\r\nHost: x\r\nx-apikey: {DEFAULT_KEY}\r\n\r\n",
                files(SHA256)
            )
            .as_bytes(),
        )
        .unwrap();
    let mut rest = Vec::new();
    assert_eq!(client.reader.read_to_end(&mut rest).unwrap(), 0);
    assert_eq!(fake.requests()[1].status, 0);
    // A new connection works.
    assert_eq!(
        Client::connect(&fake)
            .get(&files(SHA256), &with_key())
            .status,
        200
    );
}

#[test]
fn request_bodies_are_read_and_the_next_request_still_parses() {
    let fake = fake_with_eicar(FakeVtConfig::default());
    let mut client = Client::connect(&fake);
    let body = "x".repeat(10_000);
    let request = format!(
        "POST /api/v3/files HTTP/1.1\r\nHost: x\r\nx-apikey: {DEFAULT_KEY}\r\n\
         Content-Length: {}\r\n\r\n{body}GET {} HTTP/1.1\r\nHost: x\r\nx-apikey: {DEFAULT_KEY}\r\n\r\n",
        body.len(),
        files(SHA256)
    );
    client
        .reader
        .get_mut()
        .write_all(request.as_bytes())
        .unwrap();
    // Not multipart: the upload endpoint refuses it, and the connection goes on.
    let post = client.read_answer();
    assert_eq!(post.status, 400);
    assert_eq!(
        post.json(),
        serde_json::json!({"error": {"code": "BadRequestError",
            "message": "the request must be multipart/form-data with a boundary"}})
    );
    assert_eq!(client.read_answer().status, 200);
    let methods: Vec<String> = fake.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["POST", "GET"]);
}

#[test]
fn max_in_window_counts_half_open_spans() {
    let t0 = Instant::now();
    let ms = Duration::from_millis;
    let times = [
        t0,
        t0 + ms(500),
        t0 + ms(1000),
        t0 + ms(1999),
        t0 + ms(2000),
    ];
    assert_eq!(fake_vt::max_in_window(&times, ms(2000)), 4);
    assert_eq!(fake_vt::max_in_window(&times, ms(1000)), 2);
    assert_eq!(fake_vt::max_in_window(&times, ms(1)), 1);
    assert_eq!(fake_vt::max_in_window(&[], ms(1)), 0);
}

// ---- Full mode: uploads, upload URLs, analyses (vt-api.md §4–§5) ----

/// A sample of `len` bytes that is not all one value.
fn sample(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

/// `(sha256, md5, sha1)` in lower-case hex.
fn hashes(data: &[u8]) -> (String, String, String) {
    let h = digest(
        data,
        HashKinds {
            md5: true,
            sha1: true,
        },
    );
    (
        h.sha256.to_hex(),
        h.md5.unwrap().to_hex(),
        h.sha1.unwrap().to_hex(),
    )
}

/// `(answer, Content-Length sent)` of an upload of `file` as `name` to `path`, framed by the
/// library's `Multipart`.
fn upload(
    client: &mut Client,
    path: &str,
    name: &str,
    file: &[u8],
    extra: &[(&str, &str)],
) -> (Answer, u64) {
    let m = Multipart::for_file(name, 0x5eed);
    let content_type = m.content_type();
    let length = m.content_length(file.len() as u64);
    let length_text = length.to_string();
    let mut headers = vec![
        ("Content-Type", content_type.as_str()),
        ("Content-Length", length_text.as_str()),
    ];
    headers.extend_from_slice(extra);
    (
        client.post(path, &headers, &[m.head(), file, m.tail()]),
        length,
    )
}

/// The path (no host) of analysis `id`, encoded by the library.
fn analysis_path(id: &str) -> String {
    analysis_url("/api/v3", id)
}

fn poll(client: &mut Client, id: &str) -> AnalysisStatus {
    let answer = client.get(&analysis_path(id), &with_key());
    assert_eq!(answer.status, 200);
    parse_analysis(&answer.body).unwrap()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn verdict(positives: u32, total: u32) -> VtVerdict {
    VtVerdict {
        positives,
        total,
        history: Default::default(),
    }
}

#[test]
fn analysis_ids_are_standard_base64() {
    assert_eq!(
        fake_vt::base64(b"44d88612fea8a8f36de82e1278abb02f:1704164645"),
        "NDRkODg2MTJmZWE4YThmMzZkZTgyZTEyNzhhYmIwMmY6MTcwNDE2NDY0NQ=="
    );
    assert_eq!(fake_vt::base64(b""), "");
    assert_eq!(fake_vt::base64(b"f"), "Zg==");
    assert_eq!(fake_vt::base64(b"fo"), "Zm8=");
    assert_eq!(fake_vt::base64(b"foo"), "Zm9v");
    assert_eq!(fake_vt::base64(&[0xfb, 0xff]), "+/8=");
}

#[test]
fn unknown_sample_is_uploaded_polled_and_then_known() {
    let fake = FakeVt::start(FakeVtConfig::default());
    fake.set_upload_verdict(7);
    let file = sample(100_000);
    let (sha256, md5, sha1) = hashes(&file);
    let mut client = Client::connect(&fake);

    assert_eq!(
        client.get(&files(&sha256), &with_key()).classify(),
        VtReply::NotFound
    );
    let before = unix_now();
    // Only the base name travels (privacy).
    let name = upload_file_name(Path::new("/home/alice/case-42/evil.exe"));
    let (answer, sent) = upload(&mut client, "/api/v3/files", &name, &file, &with_key());
    let after = unix_now();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    let id = parse_upload_reply(&answer.body).unwrap();
    assert!(
        (before..=after).any(|t| id == fake_vt::base64(format!("{md5}:{t}").as_bytes())),
        "analysis id {id} is base64 of <md5>:<unix seconds>"
    );
    assert_eq!(
        answer.json(),
        serde_json::json!({"data": {"type": "analysis", "id": id,
            "links": {"self": format!("{}/analyses/{id}", fake.base_url())}}})
    );

    let queued = client.get(&analysis_path(&id), &with_key());
    assert_eq!(parse_analysis(&queued.body), Some(AnalysisStatus::Queued));
    assert_eq!(
        analysed_sha256(&queued.body).map(|s| s.to_hex()),
        Some(sha256.clone())
    );
    let json = queued.json();
    assert_eq!(json["meta"]["file_info"]["size"], 100_000);
    assert_eq!(json["data"]["attributes"]["stats"]["undetected"], 0);
    assert_eq!(json["data"]["attributes"]["results"], serde_json::json!({}));
    // Not known until the analysis completes.
    assert_eq!(
        client.get(&files(&sha256), &with_key()).classify(),
        VtReply::NotFound
    );
    assert_eq!(poll(&mut client, &id), AnalysisStatus::InProgress);
    assert_eq!(
        poll(&mut client, &id),
        AnalysisStatus::Completed(verdict(7, 72))
    );
    assert_eq!(
        poll(&mut client, &id),
        AnalysisStatus::Completed(verdict(7, 72))
    );

    for hash in [&sha256, &md5, &sha1] {
        match client.get(&files(hash), &with_key()).classify() {
            VtReply::Found(v) => {
                assert_eq!((v.positives, v.total), (7, 72));
                assert_eq!(v.history.names, ["evil.exe"]);
                assert_eq!(v.history.submissions, 1);
            }
            other => panic!("expected Found for {hash}, got {other:?}"),
        }
    }
    assert_eq!(
        fake.uploads(),
        [UploadRecord {
            via: UploadVia::Direct,
            filename: "evil.exe".to_owned(),
            size: 100_000,
            body_bytes: sent,
            sha256: sha256.clone(),
            md5,
            sha1,
            analysis_id: id,
        }]
    );
    assert_eq!(fake.upload_bytes_total(), sent);
    assert_eq!(fake.polls(), 4);
    assert_eq!(fake.count("POST", "/api/v3/files"), 1);
    assert_eq!(fake.count("GET", "/api/v3/files/"), 5);
    assert_eq!(fake.lookups_of(&sha256), 3);
    assert_eq!(fake.request_count(), 10);
}

#[test]
fn upload_url_is_single_use_keyless_and_takes_files_above_32_mib() {
    let fake = FakeVt::start(FakeVtConfig::default());
    let big = sample(DIRECT_LIMIT as usize + 1);
    let (sha256, _, _) = hashes(&big);
    fake.set_upload_verdict(3);
    fake.set_upload_verdict_for(&sha256.to_ascii_uppercase(), 30);
    fake.set_analysis_steps(0);
    let mut client = Client::connect(&fake);

    let first = client.get("/api/v3/files/upload_url", &with_key());
    assert_eq!(first.status, 200);
    let url = parse_upload_url(&first.body).unwrap();
    let origin = format!("http://{}", fake.addr());
    assert!(url.starts_with(&format!("{origin}/upload/")), "{url}");
    let second = parse_upload_url(&client.get("/api/v3/files/upload_url", &with_key()).body);
    assert_ne!(second.as_deref(), Some(url.as_str()), "each URL is new");

    let path = &url[origin.len()..];
    let (answer, sent_big) = upload(&mut client, path, "big.bin", &big, &[]);
    assert_eq!(answer.status, 200, "no key needed on an upload URL");
    let id = parse_upload_reply(&answer.body).unwrap();
    let (again, sent_small) = upload(&mut client, path, "big.bin", b"x", &[]);
    assert_eq!(again.status, 400);
    assert_eq!(again.json()["error"]["code"], "BadRequestError");
    let (unknown, sent_unknown) = upload(&mut client, "/upload/AMmfu6-ffffffff", "x", b"x", &[]);
    assert_eq!(unknown.status, 404);

    // Steps 0: completed on the first poll, with the per-hash verdict.
    assert_eq!(
        poll(&mut client, &id),
        AnalysisStatus::Completed(verdict(30, 72))
    );
    let records = fake.uploads();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].via, UploadVia::UploadUrl);
    assert_eq!(records[0].size, DIRECT_LIMIT + 1);
    assert_eq!(records[0].sha256, sha256);
    assert_eq!(
        fake.upload_bytes_total(),
        sent_big + sent_small + sent_unknown,
        "rejected uploads are received too"
    );
    assert_eq!(fake.count("POST", "/upload/"), 3);
}

#[test]
fn direct_upload_takes_32_mib_and_refuses_one_byte_more() {
    let fake = FakeVt::start(FakeVtConfig::default());
    let mut client = Client::connect(&fake);
    let at_limit = sample(DIRECT_LIMIT as usize);
    let (ok, sent_ok) = upload(
        &mut client,
        "/api/v3/files",
        "a.bin",
        &at_limit,
        &with_key(),
    );
    assert_eq!(ok.status, 200);
    let above = sample(DIRECT_LIMIT as usize + 1);
    let (too_large, sent_too_large) =
        upload(&mut client, "/api/v3/files", "b.bin", &above, &with_key());
    assert_eq!(too_large.status, 413);
    assert_eq!(
        too_large.json(),
        serde_json::json!({"error": {"code": "RequestEntityTooLargeError",
            "message": "The file is larger than 33554432 bytes; use GET /api/v3/files/upload_url for larger files"}})
    );
    assert_eq!(
        classify_error(
            too_large.status,
            too_large.content_type.as_deref(),
            &too_large.body
        ),
        VtReply::Fatal("HTTP 413".to_owned())
    );
    assert_eq!(fake.uploads().len(), 1);
    assert_eq!(fake.uploads()[0].size, DIRECT_LIMIT);
    assert_eq!(fake.upload_bytes_total(), sent_ok + sent_too_large);
    // The connection is still usable.
    assert_eq!(client.get(&files(UNKNOWN), &with_key()).status, 404);
}

#[test]
fn upload_url_costs_no_quota_but_uploads_and_polls_do() {
    let window = Duration::from_millis(1500);
    let fake = FakeVt::start(FakeVtConfig {
        rate: Some((2, window)),
        ..FakeVtConfig::default()
    });
    let mut client = Client::connect(&fake);
    let start = Instant::now();
    let mut urls = Vec::new();
    for _ in 0..3 {
        let answer = client.get("/api/v3/files/upload_url", &with_key());
        assert_eq!(answer.status, 200);
        urls.push(parse_upload_url(&answer.body).unwrap());
    }
    let (up, _) = upload(&mut client, "/api/v3/files", "a.bin", b"abc", &with_key());
    assert_eq!(up.status, 200);
    let id = parse_upload_reply(&up.body).unwrap();
    assert_eq!(poll(&mut client, &id), AnalysisStatus::Queued);
    let over = client.get(&analysis_path(&id), &with_key());
    assert_eq!(over.status, 429);
    assert_eq!(over.classify(), VtReply::QuotaExceeded);
    // Still free when the quota is spent.
    assert_eq!(
        client.get("/api/v3/files/upload_url", &with_key()).status,
        200
    );
    // A keyless upload to an upload URL costs quota too.
    let path = &urls[0][format!("http://{}", fake.addr()).len()..];
    let (keyless, _) = upload(&mut client, path, "b.bin", b"def", &[]);
    assert_eq!(keyless.status, 429);
    assert!(start.elapsed() < window, "the test machine is too slow");
    assert_eq!(fake.count_429(), 2);
    assert_eq!(fake.max_counted_in_any_window(window), 4);
    assert_eq!(fake.max_in_any_window(window), 8);
    let counted: Vec<bool> = fake.requests().iter().map(|r| r.counted).collect();
    assert_eq!(
        counted,
        [false, false, false, true, true, true, false, true]
    );

    // After a window the refused upload URL is still unused, and the poll goes on.
    thread::sleep(window + Duration::from_millis(50));
    let (retried, _) = upload(&mut client, path, "b.bin", b"def", &[]);
    assert_eq!(retried.status, 200);
    assert_eq!(poll(&mut client, &id), AnalysisStatus::InProgress);
    assert_eq!(fake.uploads().len(), 2);
}

#[test]
fn uploads_need_a_file_part_and_a_well_formed_body() {
    let fake = FakeVt::start(FakeVtConfig::default());
    let mut client = Client::connect(&fake);
    let send = |client: &mut Client, content_type: &str, body: &str| {
        let length = body.len().to_string();
        let mut headers = with_key().to_vec();
        headers.push(("Content-Type", content_type));
        headers.push(("Content-Length", &length));
        client.post("/api/v3/files", &headers, &[body.as_bytes()])
    };
    let form = "multipart/form-data; boundary=XyZ";
    let other =
        "--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\ninfected\r\n--XyZ--\r\n";
    let no_file = send(&mut client, form, other);
    assert_eq!(no_file.status, 400);
    assert_eq!(
        no_file.json(),
        serde_json::json!({"error": {"code": "BadRequestError",
            "message": "the request has no \"file\" part"}})
    );
    let unterminated = send(
        &mut client,
        form,
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc",
    );
    assert_eq!(unterminated.status, 400);
    assert_eq!(
        unterminated.json()["error"]["message"],
        "malformed multipart body: no closing boundary"
    );
    let plain = send(&mut client, "application/octet-stream", "abc");
    assert_eq!(plain.status, 400);

    // A file part after another field, with a quoted boundary and a `;` in the file name.
    let body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n\
                infected\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; \
                filename=\"a;b.exe\"\r\nContent-Type: application/octet-stream\r\n\r\n\
                MZ\r\n--XyY\r\n--Xy\r\n--XyZ--\r\nepilogue";
    let good = send(&mut client, "multipart/form-data; boundary=\"XyZ\"", body);
    assert_eq!(good.status, 200);
    let record = &fake.uploads()[0];
    assert_eq!(record.filename, "a;b.exe");
    // Near-misses of the delimiter are content.
    assert_eq!(record.size, 15);
    assert_eq!(record.sha256, hashes(b"MZ\r\n--XyY\r\n--Xy").0);
    assert_eq!(fake.uploads().len(), 1);
}

#[test]
fn chunked_upload_is_refused_with_411_and_expect_continue_is_honoured() {
    let fake = FakeVt::start(FakeVtConfig::default());
    let m = Multipart::for_file("a.bin", 1);
    let content_type = m.content_type();

    // Expect: 100-continue gets the interim answer before the body is sent.
    let mut client = Client::connect(&fake);
    let length = m.content_length(3).to_string();
    let head = format!(
        "POST /api/v3/files HTTP/1.1\r\nHost: x\r\nx-apikey: {DEFAULT_KEY}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {length}\r\nExpect: 100-continue\r\n\r\n"
    );
    client.reader.get_mut().write_all(head.as_bytes()).unwrap();
    let mut interim = String::new();
    client.reader.read_line(&mut interim).unwrap();
    assert_eq!(interim, "HTTP/1.1 100 Continue\r\n");
    let mut blank = String::new();
    client.reader.read_line(&mut blank).unwrap();
    assert_eq!(blank, "\r\n");
    let stream = client.reader.get_mut();
    for piece in [m.head(), b"abc", m.tail()] {
        stream.write_all(piece).unwrap();
    }
    assert_eq!(client.read_answer().status, 200);

    let mut client = Client::connect(&fake);
    let chunked = client.post(
        "/api/v3/files",
        &[
            ("x-apikey", DEFAULT_KEY),
            ("Content-Type", &content_type),
            ("Transfer-Encoding", "chunked"),
        ],
        &[b"3\r\nabc\r\n0\r\n\r\n"],
    );
    assert_eq!(chunked.status, 411);
    assert_eq!(chunked.connection.as_deref(), Some("close"));
    assert_eq!(fake.uploads().len(), 1);
}

#[test]
fn analysis_ids_are_percent_decoded_and_unknown_ones_are_not_found() {
    let fake = FakeVt::start(FakeVtConfig::default());
    let mut client = Client::connect(&fake);
    let (up, _) = upload(&mut client, "/api/v3/files", "a.bin", b"abc", &with_key());
    let id = parse_upload_reply(&up.body).unwrap();
    let encoded: String = id.bytes().map(|b| format!("%{b:02X}")).collect();
    let answer = client.get(&format!("/api/v3/analyses/{encoded}"), &with_key());
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["data"]["id"], id);
    let unknown = client.get("/api/v3/analyses/bm9wZQ%3D%3D", &with_key());
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.json(),
        serde_json::json!({"error": {"code": "NotFoundError",
            "message": "Analysis \"bm9wZQ==\" not found"}})
    );
    // Analyses need the key like every API call.
    assert_eq!(client.get(&analysis_path(&id), &[]).status, 401);
}

#[test]
fn multipart_reader_gives_the_same_part_however_the_body_is_split() {
    let file = b"MZ\r\n--\r\n------ratatosk-\r\n\r\n\x00\xff end";
    let m = Multipart::for_file("/tmp/x/a \"b\".exe", 99);
    let body = [m.head(), &file[..], m.tail()].concat();
    let boundary = fake_vt::multipart_boundary(Some(&m.content_type())).unwrap();
    assert_eq!(boundary, m.boundary());
    let (sha256, md5, sha1) = hashes(file);
    let expected = fake_vt::FilePart {
        filename: "a %22b%22.exe".to_owned(),
        size: file.len() as u64,
        md5,
        sha1,
        sha256,
    };
    let read = |pieces: &[&[u8]]| {
        let mut reader = fake_vt::MultipartReader::new(&boundary);
        for piece in pieces {
            reader.feed(piece);
        }
        reader.finish()
    };
    assert_eq!(read(&[&body]), Ok(expected.clone()));
    for split in 0..=body.len() {
        let (a, b) = body.split_at(split);
        assert_eq!(read(&[a, b]), Ok(expected.clone()), "split at {split}");
    }
    let bytes: Vec<&[u8]> = body.chunks(1).collect();
    assert_eq!(read(&bytes), Ok(expected));
    // Cut anywhere before the closing delimiter, the body is incomplete.
    let cut = body.len() - m.tail().len() + 3;
    assert_eq!(
        read(&[&body[..cut]]),
        Err(fake_vt::MultipartError::Malformed("no closing boundary"))
    );
}
