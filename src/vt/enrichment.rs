//! What a verdict adds to a finding (spec §5): the `virustotal{…}` block, and the VirusTotal
//! reason whose sub-score joins the others in the score formula.

use super::endpoint::permalink;
use crate::model::{
    Origin, Reason, Sha256, Signature, SignatureKind, VtEnrichment, VtResult, VtVerdict,
};
use crate::score::vt_subscore;

/// The `virustotal{…}` block for a verdict: positives out of total, the permalink, and the
/// history only with `--vtverbose`. `result` is `found`, `cached` or `uploaded`; findings
/// without a verdict use [`VtEnrichment::without_verdict`].
pub fn enrichment(
    verdict: &VtVerdict,
    result: VtResult,
    sha256: &Sha256,
    verbose: bool,
) -> VtEnrichment {
    VtEnrichment {
        cached: result == VtResult::Cached,
        result,
        positive_verdicts: Some(verdict.positives),
        total_verdicts: Some(verdict.total),
        permalink: Some(permalink(sha256)),
        history: verbose.then(|| verdict.history.clone()),
    }
}

/// The VirusTotal reason of a verdict, kind `VirusTotal`, with the sub-score of spec §5; `None`
/// when too few engines flag the file (a low count never lowers the score).
pub fn reason(verdict: &VtVerdict, sha256: &Sha256) -> Option<Reason> {
    let score = vt_subscore(verdict.positives)?;
    let description = format!(
        "{} of {} engines flag the file as malicious",
        verdict.positives, verdict.total
    );
    Some(Reason {
        summary: format!("VirusTotal / {description}"),
        signature: Signature {
            score,
            kind: SignatureKind::VirusTotal,
            rule_name: "VirusTotal".to_owned(),
            description,
            author: String::new(),
            reference: permalink(sha256),
            origin: Origin::Service,
        },
        matched: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::VtHistory;

    const HASH: &str = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";

    fn verdict(positives: u32) -> VtVerdict {
        VtVerdict {
            positives,
            total: 72,
            history: VtHistory {
                names: vec!["eicar.com".to_owned()],
                tags: vec!["text".to_owned()],
                submissions: 12,
                first_submission: Some("2006-05-22T12:42:02Z".to_owned()),
                last_submission: Some("2024-01-02T03:04:05Z".to_owned()),
            },
        }
    }

    #[test]
    fn enrichment_serialises_like_the_spec() {
        let sha = Sha256::from_hex(HASH).unwrap();
        let plain = enrichment(&verdict(25), VtResult::Found, &sha, false);
        assert_eq!(
            serde_json::to_string(&plain).unwrap(),
            format!(
                r#"{{"result":"found","positive_verdicts":25,"total_verdicts":72,"permalink":"https://www.virustotal.com/gui/file/{HASH}"}}"#
            )
        );
        let verbose = enrichment(&verdict(25), VtResult::Cached, &sha, true);
        assert_eq!(
            serde_json::to_value(&verbose).unwrap(),
            serde_json::json!({
                "result": "cached",
                "cached": true,
                "positive_verdicts": 25,
                "total_verdicts": 72,
                "permalink": format!("https://www.virustotal.com/gui/file/{HASH}"),
                "history": {
                    "names": ["eicar.com"],
                    "tags": ["text"],
                    "submissions": 12,
                    "first_submission": "2006-05-22T12:42:02Z",
                    "last_submission": "2024-01-02T03:04:05Z"
                }
            })
        );
    }

    #[test]
    fn reason_carries_the_vt_subscore() {
        let sha = Sha256::from_hex(HASH).unwrap();
        let r = reason(&verdict(25), &sha).unwrap();
        assert_eq!(r.signature.score, 75);
        assert_eq!(r.signature.kind, SignatureKind::VirusTotal);
        assert_eq!(
            r.summary,
            "VirusTotal / 25 of 72 engines flag the file as malicious"
        );
        assert_eq!(
            r.signature.reference,
            format!("https://www.virustotal.com/gui/file/{HASH}")
        );
        assert_eq!(reason(&verdict(11), &sha).unwrap().signature.score, 60);
        assert_eq!(reason(&verdict(6), &sha).unwrap().signature.score, 40);
        assert_eq!(reason(&verdict(5), &sha), None);
        assert_eq!(reason(&verdict(0), &sha), None);
    }
}
