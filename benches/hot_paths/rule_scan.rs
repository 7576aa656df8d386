//! A scan of one buffer with the full rule set (embedded rules plus signature-base) through
//! the per-thread [`FileMatcher`]: a 100-byte text (the fixed cost of a file), a 64 KiB text
//! file and 1 MiB of a real executable. The time includes setting the six externals, as every
//! file's scan does. `new` is content never seen (every rule); `seen_before` is content whose
//! reasons are in the content-keyed cache (only the rules that read externals run).

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput};
use ratatosk::model::HashKinds;
use ratatosk::signatures::{FileContext, FileMatcher};

use super::hashing::pseudo_random;
use super::sigbase;

/// The text file's size: a typical script or log.
const TEXT_LEN: usize = 64 * 1024;

/// The binary buffer's size: a typical executable.
const BINARY_LEN: usize = 1024 * 1024;

/// Words the text is made of (log-like, matching no rule).
const WORDS: [&str; 16] = [
    "connect", "session", "user", "request", "response", "error", "warning", "info", "debug",
    "kernel", "service", "daemon", "socket", "file", "path", "config",
];

/// `len` bytes of space-separated words, a newline every dozen words.
fn text(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 16);
    for (i, r) in pseudo_random(len, 7).iter().enumerate() {
        if out.len() >= len {
            break;
        }
        out.extend_from_slice(WORDS[usize::from(*r) % WORDS.len()].as_bytes());
        out.push(if i % 12 == 11 { b'\n' } else { b' ' });
    }
    out.truncate(len);
    out
}

/// The first MiB of this bench's own executable (real machine code, symbols and strings), or
/// pseudo-random bytes behind an ELF magic when it cannot be read.
fn binary(len: usize) -> Vec<u8> {
    let own = std::env::current_exe().and_then(std::fs::read);
    match own {
        Ok(mut bytes) if bytes.len() >= len => {
            bytes.truncate(len);
            bytes
        }
        _ => {
            let mut bytes = pseudo_random(len, 11);
            bytes[..4].copy_from_slice(b"\x7fELF");
            bytes
        }
    }
}

/// The rule-scan benches.
pub fn bench(c: &mut Criterion) {
    let Some(set) = sigbase::load(false) else {
        return;
    };
    eprintln!("rule_scan: {} compiled rules", set.counts().rules);
    let mut matcher = FileMatcher::new(&set);
    let cases = [
        ("text_100B", "/home/user/notes.txt", ".txt", "", text(100)),
        (
            "text_64KiB",
            "/srv/www/logs/app.log",
            ".log",
            "",
            text(TEXT_LEN),
        ),
        (
            "elf_1MiB",
            "/usr/local/bin/tool",
            "",
            "ELF",
            binary(BINARY_LEN),
        ),
    ];
    let mut group = c.benchmark_group("scan_signature_base");
    for (label, path, extension, filetype, data) in &cases {
        let sha256 = ratatosk::hash::digest(data, HashKinds::default()).sha256;
        group.throughput(Throughput::Bytes(data.len() as u64));
        for (kind, key) in [("new", None), ("seen_before", Some(sha256))] {
            let ctx = FileContext {
                extension,
                filetype,
                owner: "root",
                md5: None,
                sha256: key,
            };
            let id = BenchmarkId::new(*label, kind);
            group.bench_with_input(id, data, |b, d| {
                b.iter(|| matcher.scan(Path::new(path), black_box(d), &ctx).ok())
            });
        }
    }
    group.finish();
}
