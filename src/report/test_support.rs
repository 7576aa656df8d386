//! Fixtures shared by the writers' tests: one known finding, a fixed time and a context.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::model::{
    FileTimes, Finding, Hashes, Level, Matched, Md5, Module, Origin, Reason, Sha256, Signature,
    SignatureKind, VtEnrichment, VtResult,
};

use super::context::ReportContext;
use super::time::TimeStyle;

/// Mon Jan  2 15:04:05 UTC 2006 (Go's reference time), as seconds since the epoch.
pub const REFERENCE_SECS: u64 = 1_136_214_245;

/// EICAR's MD5.
pub const EICAR_MD5: &str = "44d88612fea8a8f36de82e1278abb02f";

/// EICAR's SHA256.
pub const EICAR_SHA256: &str = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";

/// The reference time as a `SystemTime`.
pub fn reference_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(REFERENCE_SECS)
}

/// A context with UTC ANSI-C times, the default two reasons and no VT history.
pub fn utc_context() -> ReportContext {
    ReportContext {
        scan_id: "S-Rooa61RfuuM".into(),
        hostname: "lab1".into(),
        max_reasons: 2,
        time: TimeStyle {
            utc: true,
            rfc3339: false,
        },
        show_vt_history: false,
    }
}

/// A Warning (score 79 = [70, 60]) on `/x/y.exe` with MD5 and SHA256 (no SHA1), a YARA reason
/// with one matched string, a VirusTotal reason and a `found` 25/71 enrichment.
pub fn finding_with_two_reasons() -> Finding {
    let yara = Reason {
        summary: "YARA rule SUSP_Test / Test description".into(),
        signature: Signature {
            score: 70,
            kind: SignatureKind::YaraRule,
            rule_name: "SUSP_Test".into(),
            description: "Test description".into(),
            author: "Ratatosk".into(),
            reference: String::new(),
            origin: Origin::Internal,
        },
        matched: vec![Matched {
            data: "evil\\x00".into(),
            offset: 16,
        }],
    };
    let vt = Reason {
        summary: "VirusTotal 25/71 engines".into(),
        signature: Signature {
            score: 60,
            kind: SignatureKind::VirusTotal,
            rule_name: "VirusTotal".into(),
            description: "25 of 71 engines flag the file as malicious".into(),
            author: String::new(),
            reference: String::new(),
            origin: Origin::Service,
        },
        matched: vec![],
    };
    Finding {
        module: Module::FileScan,
        path: PathBuf::from("/x/y.exe"),
        size: 1234,
        extension: ".exe".into(),
        magic_header: "EXE".into(),
        hashes: Hashes {
            md5: Md5::from_hex(EICAR_MD5),
            sha1: None,
            sha256: Sha256::from_hex(EICAR_SHA256).unwrap_or(Sha256([0; 32])),
        },
        times: FileTimes {
            modified: Some(reference_time()),
            ..FileTimes::default()
        },
        owner: "root".into(),
        reasons: vec![yara, vt],
        score: 79,
        level: Some(Level::Warning),
        virustotal: Some(VtEnrichment {
            result: VtResult::Found,
            positive_verdicts: Some(25),
            total_verdicts: Some(71),
            permalink: Some(format!(
                "https://www.virustotal.com/gui/file/{EICAR_SHA256}"
            )),
            history: None,
            cached: false,
        }),
    }
}
