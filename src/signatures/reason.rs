//! Turning a match into a [`Reason`]: a matching YARA rule (metas `score`, `falsepositive`,
//! `description`, `author`, `reference`; matched strings escaped and capped), a hash IOC, a
//! filename IOC.

use std::fmt::Write;

use yara_x::MetaValue;

use crate::model::{Matched, Reason, Signature, SignatureKind};

use super::filename_iocs::FilenameIoc;
use super::hash_iocs::HashHit;
use super::sources::origin_of_namespace;

/// Score of a rule without a `score` meta (THOR's default).
pub const DEFAULT_RULE_SCORE: i32 = 75;

/// Matched strings reported per rule: enough to see why it fired, bounded for rules whose
/// patterns match thousands of times.
pub const MAX_MATCHED_PER_RULE: usize = 10;

/// Bytes of one matched string that are reported (longer matches are cut).
pub const MAX_MATCHED_BYTES: usize = 100;

/// Sub-scores are percentages.
const MAX_ABS_SCORE: i64 = 100;

/// The reason for a matching rule.
pub(crate) fn yara_reason(rule: &yara_x::Rule<'_, '_>) -> Reason {
    let mut score = i64::from(DEFAULT_RULE_SCORE);
    let mut false_positive = false;
    let mut description = String::new();
    let mut author = String::new();
    let mut reference = String::new();
    for (key, value) in rule.metadata() {
        match key {
            "score" => {
                if let Some(s) = meta_int(&value) {
                    score = s;
                }
            }
            "falsepositive" => false_positive = meta_truthy(&value),
            "description" => description = meta_text(&value),
            "author" => author = meta_text(&value),
            "reference" => reference = meta_text(&value),
            _ => {}
        }
    }
    let mut score = score.clamp(-MAX_ABS_SCORE, MAX_ABS_SCORE) as i32;
    if false_positive {
        score = -score.abs();
    }
    let rule_name = rule.identifier().to_owned();
    let summary = summary("YARA rule", &rule_name, &description);
    Reason {
        summary,
        signature: Signature {
            score,
            kind: SignatureKind::YaraRule,
            rule_name,
            description,
            author,
            reference,
            origin: origin_of_namespace(rule.namespace()),
        },
        matched: matched_strings(rule),
    }
}

/// The reason for a hash IOC hit.
pub(crate) fn hash_reason(hit: &HashHit<'_>) -> Reason {
    let rule_name = hit.hash.to_string();
    Reason {
        summary: summary("Hash IOC", &rule_name, &hit.ioc.description),
        signature: Signature {
            score: hit.ioc.score,
            kind: SignatureKind::HashIoc,
            rule_name,
            description: hit.ioc.description.clone(),
            author: String::new(),
            reference: String::new(),
            origin: hit.ioc.origin,
        },
        matched: Vec::new(),
    }
}

/// The reason for a filename IOC hit.
pub(crate) fn filename_reason(ioc: &FilenameIoc) -> Reason {
    Reason {
        summary: summary("Filename IOC", &ioc.pattern, &ioc.description),
        signature: Signature {
            score: ioc.score,
            kind: SignatureKind::FilenameIoc,
            rule_name: ioc.pattern.clone(),
            description: ioc.description.clone(),
            author: String::new(),
            reference: String::new(),
            origin: ioc.origin,
        },
        matched: Vec::new(),
    }
}

/// `<kind> <name> / <description>`, or without the description when there is none.
fn summary(kind: &str, name: &str, description: &str) -> String {
    if description.is_empty() {
        format!("{kind} {name}")
    } else {
        format!("{kind} {name} / {description}")
    }
}

fn meta_int(value: &MetaValue<'_>) -> Option<i64> {
    match value {
        MetaValue::Integer(i) => Some(*i),
        MetaValue::Float(f) if f.is_finite() => Some(f.round() as i64),
        MetaValue::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn meta_truthy(value: &MetaValue<'_>) -> bool {
    match value {
        MetaValue::Integer(i) => *i != 0,
        MetaValue::Bool(b) => *b,
        MetaValue::String(s) => matches!(s.trim(), "1" | "true" | "True" | "yes"),
        _ => false,
    }
}

fn meta_text(value: &MetaValue<'_>) -> String {
    match value {
        MetaValue::String(s) => (*s).to_owned(),
        MetaValue::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        MetaValue::Integer(i) => i.to_string(),
        MetaValue::Float(f) => f.to_string(),
        MetaValue::Bool(b) => b.to_string(),
    }
}

/// The first [`MAX_MATCHED_PER_RULE`] matches of the rule's patterns, in pattern order.
fn matched_strings(rule: &yara_x::Rule<'_, '_>) -> Vec<Matched> {
    let mut out = Vec::new();
    for pattern in rule.patterns() {
        for m in pattern.matches() {
            if out.len() >= MAX_MATCHED_PER_RULE {
                return out;
            }
            let data = m.data();
            out.push(Matched {
                data: escape(&data[..data.len().min(MAX_MATCHED_BYTES)]),
                offset: m.range().start as u64,
            });
        }
    }
    out
}

/// Printable ASCII as is, every other byte as `\xNN`.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if (0x20..0x7f).contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::model::Origin;

    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape(b"MZ\x90\x00ab\\c\n"), "MZ\\x90\\x00ab\\c\\x0a");
    }

    fn reasons_for(src: &str, data: &[u8]) -> Vec<Reason> {
        let mut compiler = yara_x::Compiler::new();
        compiler.new_namespace("custom0:yara/t.yar");
        compiler.add_source(src).unwrap();
        let rules = compiler.build();
        let mut scanner = yara_x::Scanner::new(&rules);
        let results = scanner.scan(data).unwrap();
        results.matching_rules().map(|r| yara_reason(&r)).collect()
    }

    #[test]
    fn metas_and_matches() {
        let src = r#"
            rule Scored { meta: score = 60 description = "d" author = "a" reference = "r"
                strings: $a = "evil" condition: $a }
            rule Unscored { strings: $b = { 00 01 } condition: #b > 0 }
            rule FalsePositive { meta: score = 30 falsepositive = 1 condition: true }
            private rule Hidden { condition: true }
        "#;
        let reasons = reasons_for(src, b"xx evil \x00\x01 evil");
        let got: Vec<_> = reasons
            .iter()
            .map(|r| (r.summary.as_str(), r.signature.score, r.signature.origin))
            .collect();
        assert_eq!(
            got,
            vec![
                ("YARA rule Scored / d", 60, Origin::Custom),
                ("YARA rule Unscored", 75, Origin::Custom),
                ("YARA rule FalsePositive", -30, Origin::Custom),
            ]
        );
        assert_eq!(reasons[0].signature.author, "a");
        assert_eq!(reasons[0].signature.reference, "r");
        assert_eq!(
            reasons[0].matched,
            vec![
                Matched {
                    data: "evil".into(),
                    offset: 3
                },
                Matched {
                    data: "evil".into(),
                    offset: 11
                }
            ]
        );
        assert_eq!(
            reasons[1].matched,
            vec![Matched {
                data: "\\x00\\x01".into(),
                offset: 8
            }]
        );
    }

    #[test]
    fn matched_strings_are_capped() {
        let data = vec![b'A'; 1000];
        let reasons = reasons_for(
            "rule Many { strings: $a = /A{150}/ $b = \"AA\" condition: all of them }",
            &data,
        );
        assert_eq!(reasons[0].matched.len(), MAX_MATCHED_PER_RULE);
        assert_eq!(reasons[0].matched[0].data.len(), MAX_MATCHED_BYTES);
    }
}
