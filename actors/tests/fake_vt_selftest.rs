//! Checks the fake VirusTotal itself with a raw HTTP/1.1 client over a `TcpStream`, and that
//! its answers mean what they should to the library's `ratatosk::vt::classify`.

#[path = "common/fake_vt.rs"]
mod fake_vt;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use fake_vt::{DEFAULT_KEY, FakeVt, FakeVtConfig, Fault};
use ratatosk::vt::{VtReply, classify};

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
    let post = client.read_answer();
    assert_eq!(post.status, 404);
    assert_eq!(post.json()["error"]["code"], "NotFoundError");
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
