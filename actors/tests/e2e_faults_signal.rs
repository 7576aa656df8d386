//! Issue 5, item 13: SIGINT and SIGTERM (spec §9). The first signal stops the walk, drains what
//! is in flight, reports parked VirusTotal findings as `skipped (quota)`, flushes every output
//! (the JSONL log valid to its last line, which is the end event with the summary) and prints
//! the summary, exit status 130; a second signal ends the process at once, also 130.
//!
//! The runs are started by hand (not through `common::run`) so the test can signal them while
//! they work; signals are sent with `kill(1)`.

mod common;

use std::ffi::OsString;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::fake_vt::{FakeVt, FakeVtConfig, Fault};
use common::{JSONL, Workspace, tree, vt_args};

/// Files in the large tree: with [`SLOW_RULE`] at about 5 ms per file on two threads, a scan
/// of about 4 s (more files would cost more to write than to scan).
const LARGE_TREE: usize = 1_500;

/// Bytes of each file of the large tree: [`SLOW_RULE`] takes about 5 ms on it.
const SMALL_FILE: usize = 300;

/// Findings printed before the large scan is interrupted: proof that it is under way.
const LINES_BEFORE_SIGNAL: usize = 40;

/// No run here may take longer than this (a hang is a failure, not a stuck test).
const DEADLINE: Duration = Duration::from_secs(20);

/// Sends `signal` (`INT`, `TERM`) to `child`.
fn kill(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal}");
}

/// Waits for `child` to exit (killing it past [`DEADLINE`]); its exit status and how long the
/// wait took.
fn wait(child: &mut Child) -> (Option<i32>, Duration) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status.code(), started.elapsed());
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ratatosk did not exit within {DEADLINE:?} after the signal");
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Reads a pipe to its end on its own thread.
fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// Every line of the JSONL log, each of which must be one JSON object; the last must be the
/// end event.
fn events(ws: &Workspace) -> Vec<Value> {
    let text = fs::read_to_string(ws.out(JSONL)).unwrap();
    assert!(text.ends_with('\n'), "the log ends with a whole line");
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let last = events.last().unwrap();
    assert_eq!(last["type"], "message", "{last:#}");
    assert_eq!(last["message"], "Ratatosk scan finished", "{last:#}");
    assert_eq!(
        events.iter().filter(|e| e.get("summary").is_some()).count(),
        1,
        "one end event"
    );
    events
}

/// The scan command of `ws` with the JSONL log and `args`, stdout and stderr piped.
fn command(ws: &Workspace, args: &[OsString]) -> Command {
    let mut cmd = ws.command();
    cmd.arg("-p")
        .arg(ws.tree())
        .arg("--jsonfile")
        .arg(ws.out(JSONL))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

#[test]
fn sigint_stops_the_walk_flushes_every_output_and_exits_130() {
    let ws = Workspace::new();
    // Every file matches SLOW_RULE (score 75, a Warning) after a few milliseconds of work: one
    // console line and one JSONL line each, so the scan is visibly under way and the outputs
    // are busy when the signal comes, and the walk is far from its end.
    let sigs = ws.out("sigs");
    fs::create_dir_all(sigs.join("yara")).unwrap();
    fs::write(sigs.join("yara/slow.yar"), SLOW_RULE).unwrap();
    for i in 0..LARGE_TREE {
        ws.write(format!("d{}/z{i}.bin", i / 500), vec![0u8; SMALL_FILE]);
    }
    let mut child = command(
        &ws,
        &[
            "--signatures".into(),
            sigs.into(),
            "--intense".into(),
            "--logfile".into(),
            ws.out("scan.log").into(),
            "--csvfile".into(),
            ws.out("scan.csv").into(),
        ],
    )
    .spawn()
    .unwrap();
    let stderr = drain(child.stderr.take().unwrap());
    // Forward stdout line by line, so the signal goes out as soon as enough findings are seen.
    let (tx, rx) = mpsc::channel::<String>();
    let stdout = child.stdout.take().unwrap();
    let reader = thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut printed = 0;
    let started = Instant::now();
    while printed < LINES_BEFORE_SIGNAL {
        let line = rx
            .recv_timeout(DEADLINE.saturating_sub(started.elapsed()))
            .unwrap_or_else(|_| panic!("only {printed} findings on the console"));
        if line.starts_with("Warning: ") {
            printed += 1;
        }
    }
    kill(&child, "INT");
    let (code, took) = wait(&mut child);
    reader.join().unwrap();
    let rest: Vec<String> = rx.try_iter().collect();
    let stderr = stderr.join().unwrap();
    assert_eq!(code, Some(130), "stderr:\n{stderr}");
    assert!(took < Duration::from_secs(5), "drained in {took:?}");
    assert!(stderr.contains("ratatosk: interrupted"), "{stderr}");

    let events = events(&ws);
    let summary = &events.last().unwrap()["summary"];
    let seen = summary["seen"].as_u64().unwrap();
    assert!(
        seen < LARGE_TREE as u64,
        "the walk stopped early: {seen} of {LARGE_TREE} seen"
    );
    // Every entry seen was accounted for, and every finding counted was written.
    assert_eq!(
        summary["scanned"].as_u64().unwrap()
            + summary["skipped_total"].as_u64().unwrap()
            + summary["errors"].as_u64().unwrap(),
        seen
    );
    let findings = events.iter().filter(|e| e["type"] == "finding").count() as u64;
    assert_eq!(summary["findings"]["warning"], findings, "{summary:#}");
    assert_eq!(findings, seen, "each file is a finding");
    // The console has every finding and the summary; the text log and the CSV were flushed.
    let console_findings =
        LINES_BEFORE_SIGNAL + rest.iter().filter(|l| l.starts_with("Warning: ")).count();
    assert_eq!(console_findings as u64, findings);
    assert!(
        rest.iter()
            .any(|l| l.starts_with("Scan ") && l.contains(" finished in ")),
        "the summary is printed: {:?}",
        rest.iter().rev().take(12).collect::<Vec<_>>()
    );
    let log = fs::read_to_string(ws.out("scan.log")).unwrap();
    assert_eq!(
        log.lines().filter(|l| l.contains(" Warning: ")).count() as u64,
        findings
    );
    let csv = fs::read_to_string(ws.out("scan.csv")).unwrap();
    assert!(csv.ends_with('\n'));
    assert_eq!(
        csv.lines().filter(|l| l.ends_with(",75")).count() as u64,
        findings
    );
}

#[test]
fn sigterm_reports_parked_virustotal_findings_as_skipped() {
    // One lookup per minute, waiting for quota: of six findings one is looked up and five are
    // parked for minutes. SIGTERM settles them at once as `skipped (quota)`.
    let ws = Workspace::new();
    for i in 1..=6 {
        ws.write(
            format!("srv/www/s{i}.php"),
            tree::page(&format!("signal {i}")),
        );
    }
    let fake = FakeVt::start(FakeVtConfig::default());
    let mut args = vt_args(&fake, 1);
    args.extend(
        ["--vtwaitforquota", "--vtwindow", "60"]
            .into_iter()
            .map(OsString::from),
    );
    let mut child = command(&ws, &args).spawn().unwrap();
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let started = Instant::now();
    while fake.request_count() < 1 {
        assert!(started.elapsed() < DEADLINE, "no lookup was sent");
        thread::sleep(Duration::from_millis(10));
    }
    // The six files are scanned within milliseconds; give the findings time to be parked.
    thread::sleep(Duration::from_millis(500));
    kill(&child, "TERM");
    let (code, took) = wait(&mut child);
    let stdout = stdout.join().unwrap();
    let stderr = stderr.join().unwrap();
    assert_eq!(code, Some(130), "stderr:\n{stderr}");
    assert!(took < Duration::from_secs(3), "settled in {took:?}");

    let events = events(&ws);
    let mut results: Vec<String> = events
        .iter()
        .filter(|e| e["type"] == "finding")
        .map(|f| {
            f["subject"]["file"]["virustotal"]["result"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    results.sort();
    let mut expected = vec!["skipped (quota)".to_owned(); 5];
    expected.insert(0, "not found".to_owned());
    assert_eq!(results, expected);
    assert_eq!(fake.request_count(), 1, "nothing is sent after the signal");
    let vt = &events.last().unwrap()["summary"]["virustotal"];
    assert_eq!(vt["parked"], 5, "{vt:#}");
    assert_eq!(vt["skipped_quota"], 5, "{vt:#}");
    assert_eq!(vt["not_found"], 1, "{vt:#}");
    assert_eq!(
        stdout.matches(" VT: skipped (quota)").count(),
        5,
        "{stdout}"
    );
    assert!(stdout.contains(" finished in "), "{stdout}");
}

#[test]
fn a_second_signal_exits_at_once_with_130() {
    // The only lookup hangs (the fake answers after 20 s, the client waits 30 s): the first
    // SIGINT starts a drain that would wait for it; the second ends the process at once.
    let ws = Workspace::new();
    ws.write("srv/www/hang.php", tree::page("hang"));
    let fake = FakeVt::start(FakeVtConfig::default());
    fake.set_always(Some(Fault::Delay(Duration::from_secs(20))));
    let mut child = command(&ws, &vt_args(&fake, 4)).spawn().unwrap();
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let started = Instant::now();
    while fake.request_count() < 1 {
        assert!(started.elapsed() < DEADLINE, "no lookup was sent");
        thread::sleep(Duration::from_millis(10));
    }
    kill(&child, "INT");
    thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the first signal waits for the lookup in flight"
    );
    kill(&child, "INT");
    let (code, took) = wait(&mut child);
    let _ = stdout.join().unwrap();
    let stderr = stderr.join().unwrap();
    assert_eq!(code, Some(130), "stderr:\n{stderr}");
    assert!(took < Duration::from_secs(2), "exited in {took:?}");
    assert!(stderr.contains("interrupted again"), "{stderr}");
}

/// A rule yara-x accepts that takes about filesize² steps on a file of zeros (some 50 ns
/// each): about 5 ms on 300 bytes, hours on 2 MB. It matches such a file (score 75).
const SLOW_RULE: &str = r#"rule Slow_Nested_Loop {
  condition:
    filesize > 200 and
    for all i in (0..filesize - 1) : (
      for all j in (0..filesize - 1) : ( uint8(i) ^ uint8(j) == 0 )
    )
}
"#;

#[test]
fn a_second_signal_exits_at_once_while_a_file_is_still_being_scanned() {
    // A worker is stuck in a scan bounded only by a 60-second --yara-timeout. The first SIGINT
    // stops the walk and waits for that file; the second ends the process at once.
    let ws = Workspace::new();
    let sigs = ws.out("sigs");
    fs::create_dir_all(sigs.join("yara")).unwrap();
    fs::write(sigs.join("yara/slow.yar"), SLOW_RULE).unwrap();
    ws.write("zeros.bin", vec![0u8; 2_000_000]);
    let args: Vec<OsString> = vec![
        "--signatures".into(),
        sigs.into(),
        "--intense".into(),
        "--yara-timeout".into(),
        "60".into(),
    ];
    let mut child = command(&ws, &args).spawn().unwrap();
    let stderr = drain(child.stderr.take().unwrap());
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut banner = String::new();
    stdout.read_line(&mut banner).unwrap();
    assert!(banner.starts_with("Ratatosk "), "{banner}");
    let stdout = drain(stdout);
    // The banner is written once the pipeline runs; the scan of zeros.bin starts at once.
    thread::sleep(Duration::from_millis(500));
    kill(&child, "INT");
    thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the first signal waits for the file being scanned"
    );
    kill(&child, "INT");
    let (code, took) = wait(&mut child);
    let _ = stdout.join().unwrap();
    let stderr = stderr.join().unwrap();
    assert_eq!(code, Some(130), "stderr:\n{stderr}");
    assert!(took < Duration::from_secs(2), "exited in {took:?}");
    assert!(stderr.contains("interrupted again"), "{stderr}");
}
